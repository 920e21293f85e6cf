//! `-l` label selectors and `--field-selector` field selectors, parsed as
//! apimachinery parses them and evaluated on objects.

use std::collections::BTreeMap;

use crate::store::{Kind, Object};
use crate::value::Value;

/// One label requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector (requirements ANDed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(pub Vec<Req>);

impl Selector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => labels.get(k) == Some(v),
            Req::NotEq(k, v) => labels.get(k) != Some(v),
            Req::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Req::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Req::Exists(k) => labels.contains_key(k),
            Req::NotExists(k) => !labels.contains_key(k),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Splits on commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty() && crate::api::validation::qualified_name_errors(k).is_empty()
}

/// Parses a label selector string. Errors read as kubectl prints them.
pub fn parse_labels(s: &str) -> Result<Selector, String> {
    let mut reqs = Vec::new();
    if s.trim().is_empty() {
        return Ok(Selector(reqs));
    }
    for part in split_top(s) {
        let p = part.trim();
        if p.is_empty() {
            return Err("found '', expected: identifier after ','".to_string());
        }
        if let Some(k) = p.strip_prefix('!') {
            let k = k.trim();
            if !valid_key(k) {
                return Err(format!("unable to parse requirement: <nil>: Invalid value: \"{k}\": name part must be non-empty"));
            }
            reqs.push(Req::NotExists(k.to_string()));
            continue;
        }
        let set_op = [" notin ", " in "]
            .iter()
            .find_map(|op| p.find(op).map(|i| (op.trim(), &p[..i], &p[i + op.len()..])));
        if let Some((op, key, rest)) = set_op {
            let rest = rest.trim();
            let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
                return Err(format!("found '{rest}', expected: '('"));
            };
            let values: Vec<String> = inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            let key = key.trim().to_string();
            reqs.push(if op == "in" {
                Req::In(key, values)
            } else {
                Req::NotIn(key, values)
            });
            continue;
        }
        if let Some((k, v)) = p.split_once("!=") {
            reqs.push(Req::NotEq(k.trim().to_string(), v.trim().to_string()));
        } else if let Some((k, v)) = p.split_once("==") {
            reqs.push(Req::Eq(k.trim().to_string(), v.trim().to_string()));
        } else if let Some((k, v)) = p.split_once('=') {
            reqs.push(Req::Eq(k.trim().to_string(), v.trim().to_string()));
        } else {
            let k = p.trim();
            if !valid_key(k) {
                return Err(format!(
                    "unable to parse requirement: <nil>: Invalid value: \"{k}\": {}",
                    crate::api::validation::qualified_name_errors(k).join("; ")
                ));
            }
            reqs.push(Req::Exists(k.to_string()));
        }
    }
    Ok(Selector(reqs))
}

/// A field selector: `path=value`, `path==value`, `path!=value`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector(pub Vec<(String, bool, String)>);

/// Fields each kind can be selected by (besides `metadata.name` and
/// `metadata.namespace`).
fn supported_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Pod => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        Kind::Event => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        Kind::Node => &["spec.unschedulable"],
        Kind::Secret => &["type"],
        Kind::Namespace => &["status.phase"],
        Kind::ReplicaSet => &["status.replicas"],
        Kind::Job => &["status.successful"],
        _ => &[],
    }
}

pub fn parse_fields(s: &str) -> Result<FieldSelector, String> {
    let mut out = Vec::new();
    if s.trim().is_empty() {
        return Ok(FieldSelector(out));
    }
    for part in s.split(',') {
        let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
            (k, false, v)
        } else if let Some((k, v)) = part.split_once("==") {
            (k, true, v)
        } else if let Some((k, v)) = part.split_once('=') {
            (k, true, v)
        } else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{part}'"
            ));
        };
        out.push((k.trim().to_string(), eq, v.trim().to_string()));
    }
    Ok(FieldSelector(out))
}

impl FieldSelector {
    /// Checks the fields are selectable for the kind; the error is the API
    /// server's message.
    pub fn check(&self, kind: Kind) -> Result<(), String> {
        for (k, _, _) in &self.0 {
            if k != "metadata.name"
                && k != "metadata.namespace"
                && !supported_fields(kind).contains(&k.as_str())
            {
                return Err(format!("field label not supported: {k}"));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Object, encoded: &Value) -> bool {
        self.0.iter().all(|(k, eq, v)| {
            let actual = match k.as_str() {
                "metadata.name" => obj.name().to_string(),
                "metadata.namespace" => obj.namespace().to_string(),
                "source" => encoded
                    .pointer("source.component")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                path => match encoded.pointer(path) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Bool(b)) => b.to_string(),
                    Some(Value::Int(i)) => i.to_string(),
                    Some(other) => other.to_json(),
                    None => {
                        if path == "spec.unschedulable" || path == "spec.hostNetwork" {
                            "false".to_string()
                        } else {
                            String::new()
                        }
                    }
                },
            };
            (actual == *v) == *eq
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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
    fn label_selectors_parse_and_match() {
        let l = labels(&[("app", "nginx"), ("tier", "web")]);
        let cases = [
            ("app=nginx", true),
            ("app==nginx", true),
            ("app!=nginx", false),
            ("app=nginx,tier=web", true),
            ("tier in (web, db)", true),
            ("tier notin (web)", false),
            ("app", true),
            ("!app", false),
            ("!node-role.kubernetes.io/control-plane", true),
            ("env", false),
        ];
        for (s, want) in cases {
            assert_eq!(parse_labels(s).unwrap().matches(&l), want, "{s}");
        }
    }

    #[test]
    fn unsupported_field_selectors_are_refused() {
        let f = parse_fields("foo=bar").unwrap();
        assert_eq!(
            f.check(Kind::Pod),
            Err("field label not supported: foo".to_string())
        );
        assert!(parse_fields("status.phase=Running")
            .unwrap()
            .check(Kind::Pod)
            .is_ok());
        assert!(parse_fields("nonsense").is_err());
    }
}
