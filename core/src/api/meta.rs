//! meta/v1 types shared by every kind, and `IntOrString`.

use std::collections::BTreeMap;

use podlab_macros::Api;

use crate::api::codec::{Decode, DecodeCx, Encode, Schema, TypeInfo};
use crate::api::time::Time;
use crate::syntax::{Node, NodeKind};
use crate::util::sort;
use crate::value::Value;

/// Standard object metadata.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "ObjectMeta")]
pub struct ObjectMeta {
    /// Unique name within a namespace. Required when creating, unless generateName is set.
    pub name: Option<String>,
    /// Prefix the server uses to build a unique name when name is not given.
    pub generate_name: Option<String>,
    /// The namespace the object lives in. Empty means "default" for namespaced kinds.
    pub namespace: Option<String>,
    /// Unique id of this object for its whole lifetime, set by the server.
    pub uid: Option<String>,
    /// Opaque version of this object, changed on every write; used for optimistic concurrency.
    pub resource_version: Option<String>,
    /// Sequence number of changes to the desired state (spec), set by the server.
    pub generation: Option<i64>,
    /// When the object was created, set by the server.
    #[api(always)]
    pub creation_timestamp: Option<Time>,
    /// When graceful deletion of this object was requested.
    pub deletion_timestamp: Option<Time>,
    /// Seconds the object is given to terminate gracefully before it is removed.
    pub deletion_grace_period_seconds: Option<i64>,
    /// Key/value pairs used to organize and select objects.
    pub labels: BTreeMap<String, String>,
    /// Non-identifying key/value data for tools and people.
    pub annotations: BTreeMap<String, String>,
    /// Objects this one depends on; when all owners are gone it is garbage collected.
    pub owner_references: Vec<OwnerReference>,
    /// Conditions that must be cleared before the object is removed from storage.
    pub finalizers: Vec<String>,
}

impl ObjectMeta {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("")
    }

    pub fn uid(&self) -> &str {
        self.uid.as_deref().unwrap_or("")
    }

    /// The controlling owner, if any.
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

/// Identifies an owning object.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct OwnerReference {
    /// API version of the owner.
    #[api(required)]
    pub api_version: String,
    /// Kind of the owner.
    #[api(required)]
    pub kind: String,
    /// Name of the owner.
    #[api(required)]
    pub name: String,
    /// UID of the owner.
    #[api(required)]
    pub uid: String,
    /// True if the owner is the managing controller.
    pub controller: Option<bool>,
    /// If true, the owner cannot be removed from storage until this reference is removed (foreground deletion).
    pub block_owner_deletion: Option<bool>,
}

/// A label query: all requirements are ANDed.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LabelSelector {
    /// Set-based requirements.
    pub match_expressions: Vec<LabelSelectorRequirement>,
    /// Equality requirements: each key must have exactly this value.
    pub match_labels: BTreeMap<String, String>,
}

/// One set-based selector requirement.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LabelSelectorRequirement {
    /// The label key.
    #[api(required)]
    pub key: String,
    /// One of In, NotIn, Exists and DoesNotExist.
    #[api(required)]
    pub operator: String,
    /// Values for In and NotIn; must be empty for Exists and DoesNotExist.
    pub values: Vec<String>,
}

impl LabelSelector {
    /// Whether the labels satisfy this selector. An empty selector matches
    /// everything.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|req| {
                let have = labels.get(&req.key);
                match req.operator.as_str() {
                    "In" => have.is_some_and(|v| req.values.contains(v)),
                    "NotIn" => !have.is_some_and(|v| req.values.contains(v)),
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    _ => false,
                }
            })
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// The selector as kubectl prints it (`app=nginx,tier in (web)`).
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for req in &self.match_expressions {
            let mut values = req.values.clone();
            sort::sort(&mut values);
            parts.push(match req.operator.as_str() {
                "In" => format!("{} in ({})", req.key, values.join(",")),
                "NotIn" => format!("{} notin ({})", req.key, values.join(",")),
                "Exists" => req.key.clone(),
                "DoesNotExist" => format!("!{}", req.key),
                other => format!("{} {other}", req.key),
            });
        }
        parts.join(",")
    }
}

/// A value that is an integer or a string (`targetPort: 8080` or `http`,
/// `maxSurge: 25%`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl IntOrString {
    /// `intstr.GetScaledValueFromIntOrPercent`: an int as is, `N%` of `total`
    /// rounded up or down.
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::String(s) => {
                let pct = s
                    .strip_suffix('%')
                    .and_then(|p| p.parse::<i64>().ok())
                    .ok_or_else(|| format!("invalid value for IntOrString: invalid value {s:?}"))?;
                let product = pct * i64::from(total);
                let v = if round_up {
                    (product + 99).div_euclid(100)
                } else {
                    product.div_euclid(100)
                };
                Ok(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
            }
        }
    }
}

impl Decode for IntOrString {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Str(s) => IntOrString::String(s.clone()),
            NodeKind::Int(_) | NodeKind::Float(_) => IntOrString::Int(i32::decode(node, cx)),
            NodeKind::Null => IntOrString::default(),
            _ => {
                cx.type_error(node, &i32::type_info());
                IntOrString::default()
            }
        }
    }
}

impl Encode for IntOrString {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        match self {
            IntOrString::Int(i) => Value::Int(i64::from(*i)),
            IntOrString::String(s) => Value::String(s.clone()),
        }
    }
    fn is_zero(&self) -> bool {
        matches!(self, IntOrString::Int(0))
    }
}

impl Schema for IntOrString {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "intstr.IntOrString",
            explain: "IntOrString",
            values: &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: vec!["front".into(), "edge".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "edge")])));
        assert!(!sel.matches(&labels(&[("app", "web")])));
        assert!(!sel.matches(&labels(&[("app", "db"), ("tier", "edge")])));
        assert!(LabelSelector::default().matches(&labels(&[])));
        assert_eq!(sel.to_selector_string(), "app=web,tier in (edge,front)");
    }

    #[test]
    fn percentages_scale_like_intstr() {
        let pct = IntOrString::String("25%".into());
        assert_eq!(pct.scaled_value(10, true), Ok(3));
        assert_eq!(pct.scaled_value(10, false), Ok(2));
        assert_eq!(IntOrString::Int(1).scaled_value(10, false), Ok(1));
        assert!(IntOrString::String("x".into())
            .scaled_value(10, true)
            .is_err());
    }
}
