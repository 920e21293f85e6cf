//! The parse tree of a manifest: a JSON-shaped value where every node and
//! every mapping key remembers where it came from, so that decoding errors
//! can point at the exact line and column.

use crate::value::{Map, Value};

/// A position in the source text. Lines and columns count from 1; columns
/// count characters, not bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: u32,
    pub col: u32,
}

impl Span {
    pub const fn new(line: u32, col: u32) -> Span {
        Span { line, col }
    }
}

/// A mapping key with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

/// A parsed value with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// The shape of a [`Node`]. Scalars are already resolved to JSON types, the
/// way kubectl's YAML-to-JSON conversion resolves them.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in source order. Keys are unique: as in kubectl, a repeated
    /// key replaces the earlier entry (keeping its place), so lookups may
    /// take the first match.
    Map(Vec<(Key, Node)>),
}

impl Node {
    pub fn new(span: Span, kind: NodeKind) -> Node {
        Node { span, kind }
    }

    /// A node with no source position, for values built in code.
    pub fn synthetic(kind: NodeKind) -> Node {
        Node {
            span: Span::default(),
            kind,
        }
    }

    /// Looks up a mapping entry.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON type name Go's decoder uses in its messages.
    pub fn json_type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "bool",
            NodeKind::Int(_) | NodeKind::Float(_) => "number",
            NodeKind::Str(_) => "string",
            NodeKind::Seq(_) => "array",
            NodeKind::Map(_) => "object",
        }
    }

    /// Drops the positions.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::Int(*i),
            NodeKind::Float(f) => Value::Float(*f),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.name.clone(), v.to_value()))
                    .collect::<Map>(),
            ),
        }
    }

    /// Builds a position-less tree from a value (for objects that arrive as
    /// values, such as patches applied to stored objects).
    pub fn from_value(v: &Value) -> Node {
        let kind = match v {
            Value::Null => NodeKind::Null,
            Value::Bool(b) => NodeKind::Bool(*b),
            Value::Int(i) => NodeKind::Int(*i),
            Value::Float(f) => NodeKind::Float(*f),
            Value::String(s) => NodeKind::Str(s.clone()),
            Value::Array(items) => NodeKind::Seq(items.iter().map(Node::from_value).collect()),
            Value::Object(m) => NodeKind::Map(
                m.iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                name: k.clone(),
                                span: Span::default(),
                            },
                            Node::from_value(v),
                        )
                    })
                    .collect(),
            ),
        };
        Node::synthetic(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_round_trip_keeps_data() {
        let node = Node::new(
            Span::new(1, 1),
            NodeKind::Map(vec![
                (
                    Key {
                        name: "b".into(),
                        span: Span::new(1, 1),
                    },
                    Node::new(Span::new(1, 4), NodeKind::Int(2)),
                ),
                (
                    Key {
                        name: "a".into(),
                        span: Span::new(2, 1),
                    },
                    Node::new(Span::new(2, 4), NodeKind::Str("x".into())),
                ),
            ]),
        );
        let v = node.to_value();
        assert_eq!(v.to_json(), r#"{"a":"x","b":2}"#);
        assert_eq!(Node::from_value(&v).to_value(), v);
        assert_eq!(node.get("a").and_then(Node::as_str), Some("x"));
    }
}
