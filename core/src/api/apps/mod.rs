//! The apps/v1 API group: Deployments, ReplicaSets, StatefulSets, DaemonSets
//! and ControllerRevisions, plus the validation pieces they share with the
//! batch group (label selectors, int-or-percent fields, the Go spelling of
//! the values the API server quotes in its errors).

pub mod controllerrevision;
pub mod daemonset;
pub mod deployment;
pub mod replicaset;
pub mod statefulset;

pub use crate::api::corev1::{
    default_claim, ConditionStatus, ObjectReference, PersistentVolumeClaim,
};
pub use controllerrevision::*;
pub use daemonset::*;
pub use deployment::*;
pub use replicaset::*;
pub use statefulset::*;

use std::collections::BTreeMap;

use crate::api::corev1::pod_validation::validate_pod_template_spec;
use crate::api::corev1::PodTemplateSpec;
use crate::api::meta::{IntOrString, LabelSelector};
use crate::api::validation::{
    go_quote, qualified_name_errors, validate_labels, validate_nonnegative, BadValue, FieldErr,
    FieldErrs, Path,
};

/// Every restart policy, so that the shared template validation leaves the
/// kind-specific restart checks to the caller.
const ANY_RESTART_POLICY: &[&str] = &["Always", "OnFailure", "Never"];

// ---------------------------------------------------------------------------
// Values as the API server prints them (`%#v` of the Go value)

/// `map[string]string{"app":"web"}`, or `map[string]string(nil)` when empty.
pub fn go_string_map(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let entries: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", entries.join(", "))
}

/// `[]string{"a", "b"}`, or `[]string(nil)` when empty.
pub fn go_string_slice(items: &[String]) -> String {
    if items.is_empty() {
        return "[]string(nil)".to_string();
    }
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// `v1.LabelSelector{MatchLabels:…, MatchExpressions:…}`.
pub fn go_label_selector(sel: &LabelSelector) -> String {
    let exprs = if sel.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = sel
            .match_expressions
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&r.key),
                    go_quote(&r.operator),
                    go_string_slice(&r.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_string_map(&sel.match_labels),
        exprs
    )
}

/// How `field.Error` shows a nil pointer: the string `"null"`, quoted.
pub fn nil_bad_value() -> BadValue {
    BadValue::Str("null".to_string())
}

/// A selector pointer as a bad value: the selector, or nil.
pub fn selector_bad_value(sel: Option<&LabelSelector>) -> BadValue {
    sel.map_or_else(nil_bad_value, |s| BadValue::Raw(go_label_selector(s)))
}

/// `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`.
pub fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                go_quote(s)
            )
        }
    }
}

/// A pointer field inside a `%#v` dump: `(*T)(nil)`, or an address when
/// set. Go prints the real address, different on every run, so one fixed
/// address is as faithful as any.
pub fn go_pointer(type_name: &str, set: bool) -> String {
    if set {
        format!("(*{type_name})(0xc000a1c0a0)")
    } else {
        format!("(*{type_name})(nil)")
    }
}

/// A map of labels as a bad value.
pub fn labels_bad_value(m: &BTreeMap<String, String>) -> BadValue {
    BadValue::Raw(go_string_map(m))
}

/// An optional integer as a bad value: the number, or nil.
pub fn opt_int_bad_value(v: Option<i64>) -> BadValue {
    v.map_or_else(nil_bad_value, BadValue::Int)
}

/// An optional string as a bad value: quoted, or nil.
pub fn opt_str_bad_value(v: Option<&str>) -> BadValue {
    v.map_or_else(nil_bad_value, |s| BadValue::Str(s.to_string()))
}

// ---------------------------------------------------------------------------
// Shared checks

/// `field is immutable` for a changed field, printing the new value.
pub fn immutable(path: Path, changed: bool, new_value: BadValue) -> Option<FieldErr> {
    changed.then(|| FieldErr::invalid(path, new_value, "field is immutable"))
}

/// Drops repeated errors, as the API server does when it joins them into one
/// message (several validators check the same spec on update).
pub fn dedup(errs: FieldErrs) -> FieldErrs {
    let mut seen = std::collections::BTreeSet::new();
    errs.into_iter()
        .filter(|e| seen.insert(e.to_string()))
        .collect()
}

/// The messages `IsValidLabelValue` gives for a value.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut one = BTreeMap::new();
    one.insert("k".to_string(), value.to_string());
    validate_labels(&one, &Path::root("x"))
        .into_iter()
        .map(|e| e.detail)
        .collect()
}

/// `ValidateLabelSelector`: label syntax, operators and their values.
pub fn validate_label_selector(sel: &LabelSelector, path: &Path) -> FieldErrs {
    let mut errs = validate_labels(&sel.match_labels, &path.child("matchLabels"));
    for (i, req) in sel.match_expressions.iter().enumerate() {
        let p = path.child("matchExpressions").index(i);
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if req.values.is_empty() {
                    errs.push(FieldErr::required(
                        p.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !req.values.is_empty() {
                    errs.push(FieldErr::forbidden(
                        p.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(FieldErr::invalid(
                p.child("operator"),
                other,
                "not a valid selector operator",
            )),
        }
        for msg in qualified_name_errors(&req.key) {
            errs.push(FieldErr::invalid(p.child("key"), req.key.as_str(), &msg));
        }
        for (j, v) in req.values.iter().enumerate() {
            for msg in label_value_errors(v) {
                errs.push(FieldErr::invalid(
                    p.child("values").index(j),
                    v.as_str(),
                    &msg,
                ));
            }
        }
    }
    errs
}

/// What `LabelSelectorAsSelector` makes of a selector, matched against a
/// template's labels: `None` when the selector does not convert (it is
/// invalid), `Some(true)` when it selects the labels. A missing selector
/// selects nothing; an empty one selects everything.
pub fn selector_selects(
    sel: Option<&LabelSelector>,
    labels: &BTreeMap<String, String>,
) -> Option<bool> {
    match sel {
        None => Some(false),
        Some(s) if !validate_label_selector(s, &Path::root("selector")).is_empty() => None,
        Some(s) => Some(s.matches(labels)),
    }
}

/// The template labels error every controller kind reports.
pub fn selector_mismatch(path: &Path, labels: &BTreeMap<String, String>) -> FieldErr {
    FieldErr::invalid(
        path.child("metadata").child("labels"),
        labels_bad_value(labels),
        "`selector` does not match template `labels`",
    )
}

/// A pod template's own checks (labels, annotations, pod spec) without any
/// restart-policy rule; each kind adds its own.
pub fn validate_template(template: &PodTemplateSpec, path: &Path) -> FieldErrs {
    validate_pod_template_spec(template, path, ANY_RESTART_POLICY)
}

/// The pod template checks of the controllers whose pods always restart
/// (`ValidatePodTemplateSpecForReplicaSet` and its DaemonSet twin): the
/// template, `restartPolicy: Always`, and no `activeDeadlineSeconds`.
pub fn validate_always_restart(template: &PodTemplateSpec, path: &Path, kind: &str) -> FieldErrs {
    let mut errs = Vec::new();
    let spec = path.child("spec");
    if template.spec.restart_policy.as_str() != "Always" {
        errs.push(FieldErr::not_supported(
            spec.child("restartPolicy"),
            template.spec.restart_policy.as_str(),
            &["Always"],
        ));
    }
    if template.spec.active_deadline_seconds.is_some() {
        errs.push(FieldErr::forbidden(
            spec.child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
    errs
}

const PERCENT_MSG: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// `IsValidPercent`: digits followed by `%`.
pub fn is_valid_percent(s: &str) -> bool {
    s.strip_suffix('%')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// `ValidatePositiveIntOrPercent`: a non-negative integer or a percentage.
pub fn validate_int_or_percent(v: &IntOrString, path: &Path) -> FieldErrs {
    match v {
        IntOrString::String(s) if !is_valid_percent(s) => vec![FieldErr::invalid(
            path.clone(),
            BadValue::Raw(go_int_or_string(v)),
            PERCENT_MSG,
        )],
        IntOrString::String(_) => Vec::new(),
        IntOrString::Int(i) => validate_nonnegative(path, i64::from(*i)),
    }
}

/// `getIntOrPercentValue`: the number of a percentage, or the integer (a
/// string that is no percentage reads as Go's `Atoi` would, 0 on failure).
pub fn int_or_percent_value(v: &IntOrString) -> i64 {
    match v {
        IntOrString::Int(i) => i64::from(*i),
        IntOrString::String(s) => match s.strip_suffix('%') {
            Some(d) if is_valid_percent(s) => d.parse().unwrap_or(i64::MAX),
            _ => s.parse().unwrap_or(0),
        },
    }
}

/// `IsNotMoreThan100Percent`.
pub fn not_more_than_100_percent(v: &IntOrString, path: &Path) -> FieldErrs {
    match v {
        IntOrString::String(s) if is_valid_percent(s) && int_or_percent_value(v) > 100 => {
            vec![FieldErr::invalid(
                path.clone(),
                BadValue::Raw(go_int_or_string(v)),
                "must not be greater than 100%",
            )]
        }
        _ => Vec::new(),
    }
}

/// An optional non-negative integer field.
pub fn nonnegative_opt(path: &Path, v: Option<i64>) -> FieldErrs {
    v.map_or_else(Vec::new, |v| validate_nonnegative(path, v))
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Builders shared by the workload tests.

    use std::collections::BTreeMap;

    use crate::api::codec::{decode_strict, Decode, DecodeFailure, Encode};
    use crate::api::corev1::{Container, PodSpec, PodTemplateSpec};
    use crate::api::meta::{LabelSelector, ObjectMeta};
    use crate::api::validation::FieldErrs;
    use crate::syntax::Node;
    use crate::value::Value;

    pub fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    pub fn meta(name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some("default".to_string()),
            uid: Some("3f1c9a52-5d1e-4b8f-9a61-0c2d7e4b1a90".to_string()),
            ..Default::default()
        }
    }

    pub fn selector(pairs: &[(&str, &str)]) -> LabelSelector {
        LabelSelector {
            match_labels: labels(pairs),
            ..Default::default()
        }
    }

    /// A one-container template labelled `pairs`.
    pub fn template(pairs: &[(&str, &str)]) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: ObjectMeta {
                labels: labels(pairs),
                ..Default::default()
            },
            spec: PodSpec {
                containers: vec![Container {
                    name: "app".to_string(),
                    image: "nginx:1.14.2".to_string(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        }
    }

    /// Encodes, rebuilds the parse tree and decodes strictly.
    pub fn round_trip<T: Encode + Decode>(obj: &T) -> Result<T, DecodeFailure> {
        decode_strict(&Node::from_value(&obj.encode()))
    }

    /// Sets `value` at a dotted path of objects, creating them as needed.
    pub fn set_path(root: &mut Value, dotted: &str, value: Value) {
        let mut cur = root;
        let keys: Vec<&str> = dotted.split('.').collect();
        for (i, k) in keys.iter().enumerate() {
            if !matches!(cur, Value::Object(_)) {
                *cur = Value::object();
            }
            let Value::Object(map) = cur else { return };
            if i + 1 == keys.len() {
                map.insert(k.to_string(), value);
                return;
            }
            cur = map.entry(k.to_string()).or_insert_with(Value::object);
        }
    }

    /// The errors as the API server prints them, one per line.
    pub fn messages(errs: &FieldErrs) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    /// Asserts that `errs` contains `want`, showing all errors when not.
    pub fn assert_has(case: &str, errs: &FieldErrs, want: &str) {
        let got = messages(errs);
        assert!(
            got.iter().any(|m| m == want),
            "{case}: expected error\n  {want}\ngot:\n  {}",
            got.join("\n  ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::api::meta::LabelSelectorRequirement;

    #[test]
    fn go_values_print_like_percent_sharp_v() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "web")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: vec!["a".into(), "b".into()],
            }],
        };
        let cases = [
            (
                "labels with two keys",
                go_string_map(&labels(&[("b", "2"), ("a", "1")])),
                r#"map[string]string{"a":"1", "b":"2"}"#,
            ),
            (
                "no labels",
                go_string_map(&labels(&[])),
                "map[string]string(nil)",
            ),
            (
                "a selector with labels only",
                go_label_selector(&selector(&[("app", "x")])),
                r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#,
            ),
            (
                "a selector with an expression",
                go_label_selector(&sel),
                r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"a", "b"}}}}"#,
            ),
            (
                "a percentage",
                go_int_or_string(&IntOrString::String("25%".into())),
                r#"intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}"#,
            ),
            (
                "an integer",
                go_int_or_string(&IntOrString::Int(0)),
                r#"intstr.IntOrString{Type:0, IntVal:0, StrVal:""}"#,
            ),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn label_selectors_are_validated_like_apimachinery() {
        let p = Path::root("spec").child("selector");
        let req = |op: &str, values: &[&str]| LabelSelector {
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: op.into(),
                values: values.iter().map(|s| s.to_string()).collect(),
            }],
            ..Default::default()
        };
        let cases = [
            (
                "In without values",
                req("In", &[]),
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
            ),
            (
                "Exists with values",
                req("Exists", &["a"]),
                "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
            (
                "an unknown operator",
                req("Equals", &["a"]),
                "spec.selector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator",
            ),
        ];
        for (name, sel, want) in cases {
            assert_has(name, &validate_label_selector(&sel, &p), want);
            assert_eq!(selector_selects(Some(&sel), &labels(&[])), None, "{name}");
        }
        assert_eq!(selector_selects(None, &labels(&[("a", "b")])), Some(false));
        assert_eq!(
            selector_selects(Some(&LabelSelector::default()), &labels(&[("a", "b")])),
            Some(true)
        );
    }

    #[test]
    fn percentages_are_checked_like_validate_positive_int_or_percent() {
        let p = Path::root("maxSurge");
        let cases: [(&str, IntOrString, Option<&str>); 5] = [
            (
                "a percentage is fine",
                IntOrString::String("25%".into()),
                None,
            ),
            ("zero is fine", IntOrString::Int(0), None),
            (
                "a word is not a percentage",
                IntOrString::String("many".into()),
                Some(
                    r#"maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"many"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"#,
                ),
            ),
            (
                "a negative integer",
                IntOrString::Int(-1),
                Some("maxSurge: Invalid value: -1: must be greater than or equal to 0"),
            ),
            (
                "a negative percentage",
                IntOrString::String("-5%".into()),
                Some(
                    r#"maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"-5%"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"#,
                ),
            ),
        ];
        for (name, v, want) in cases {
            let errs = validate_int_or_percent(&v, &p);
            match want {
                None => assert!(errs.is_empty(), "{name}: {:?}", messages(&errs)),
                Some(w) => assert_has(name, &errs, w),
            }
        }
        assert_eq!(
            messages(&not_more_than_100_percent(
                &IntOrString::String("150%".into()),
                &p
            )),
            [
                r#"maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%"#
            ]
        );
        assert_eq!(int_or_percent_value(&IntOrString::String("5".into())), 5);
        assert_eq!(int_or_percent_value(&IntOrString::String("x".into())), 0);
    }
}
