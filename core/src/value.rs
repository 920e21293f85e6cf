//! Untyped API values: the JSON data model that every object passes through on
//! its way out (`-o json`, `-o yaml`, JSONPath, patches) and, via [`Node`], on
//! its way in.
//!
//! Maps are ordered by key because kubectl prints objects it decoded into
//! `map[string]interface{}`, and Go's encoder sorts such keys.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// An ordered JSON object.
pub type Map = BTreeMap<String, Value>;

/// A JSON value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

impl Value {
    pub fn object() -> Value {
        Value::Object(Map::new())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Looks up a key of an object; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// Follows a dotted path of object keys (`"metadata.name"`).
    pub fn pointer(&self, dotted: &str) -> Option<&Value> {
        dotted.split('.').try_fold(self, |v, k| v.get(k))
    }

    /// The JSON type name Go's decoder uses in its messages.
    pub fn json_type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON, as `json.Marshal` writes it.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(&mut out, self, None, 0);
        out
    }

    /// Indented JSON, as `kubectl -o json` writes it (four spaces).
    pub fn to_json_pretty(&self) -> String {
        let mut out = String::new();
        write_json(&mut out, self, Some("    "), 0);
        out
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i.into())
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Object(m)
    }
}

impl From<Vec<Value>> for Value {
    fn from(a: Vec<Value>) -> Self {
        Value::Array(a)
    }
}

fn write_json(out: &mut String, v: &Value, indent: Option<&str>, depth: usize) {
    let newline = |out: &mut String, depth: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            for _ in 0..depth {
                out.push_str(ind);
            }
        }
    };
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_go_float(*f)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, item, indent, depth + 1);
            }
            newline(out, depth);
            out.push('}');
        }
    }
}

/// Writes a JSON string the way Go's encoder does, including its HTML-safe
/// escapes of `<`, `>` and `&`.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Go 1.22 and later use the short escapes for these two.
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a float as Go's `encoding/json` does: shortest representation,
/// exponent form only for very large or very small magnitudes.
pub fn format_go_float(f: f64) -> String {
    if f.is_nan() || f.is_infinite() {
        // Go refuses to encode these; the API never stores them.
        return "null".to_string();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // Go writes `1e-7` and `1e+21`; Rust leaves out the plus sign.
        let s = format!("{f:e}");
        return match s.split_once('e') {
            Some((mant, exp)) if !exp.starts_with('-') => format!("{mant}e+{exp}"),
            _ => s,
        };
    }
    // Shortest digits that read back, padded with zeros: Go's 'f' format.
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn pretty_json_matches_kubectl_layout() {
        let v = obj(&[
            ("kind", "Pod".into()),
            ("apiVersion", "v1".into()),
            ("items", Value::Array(vec![])),
            (
                "spec",
                obj(&[("replicas", 3.into()), ("paused", false.into())]),
            ),
        ]);
        assert_eq!(
            v.to_json_pretty(),
            "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"Pod\",\n    \"spec\": {\n        \"paused\": false,\n        \"replicas\": 3\n    }\n}"
        );
    }

    #[test]
    fn strings_are_escaped_like_go() {
        let v = Value::from("a<b>&\"c\"\n\u{8}\u{c}\u{1}");
        assert_eq!(v.to_json(), r#""a\u003cb\u003e\u0026\"c\"\n\b\f\u0001""#);
    }

    #[test]
    fn floats_print_like_go() {
        assert_eq!(format_go_float(1.5), "1.5");
        assert_eq!(format_go_float(2.0), "2");
        // Checked against kubectl 1.32's `-o json`.
        assert_eq!(format_go_float(1e-7), "1e-7");
        assert_eq!(format_go_float(1e21), "1e+21");
        assert_eq!(format_go_float(2.5e-5), "0.000025");
        assert_eq!(
            format_go_float(1.2345678901234567e19),
            "12345678901234567000"
        );
    }

    #[test]
    fn pointer_follows_keys() {
        let v = obj(&[("metadata", obj(&[("name", "web".into())]))]);
        assert_eq!(v.pointer("metadata.name"), Some(&Value::from("web")));
        assert_eq!(v.pointer("metadata.uid"), None);
    }
}
