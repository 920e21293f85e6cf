//! Small formatters that kubectl's table printers and describers share:
//! ages, label sets, selectors, container lists, access modes.

use std::collections::BTreeMap;

use crate::api::corev1::Container;
use crate::api::meta::LabelSelector;
use crate::api::time::{human_duration, MicroTime, Time};
use crate::util::sort;

/// Unix milliseconds of an API timestamp.
pub fn time_millis(t: Time) -> i64 {
    t.millis()
}

/// Unix milliseconds of a `MicroTime`.
pub fn micro_millis(t: MicroTime) -> i64 {
    t.0.div_euclid(1000)
}

/// `duration.HumanDuration(now - t)`: Go truncates the duration to whole
/// seconds toward zero before choosing the format.
pub fn human_since_millis(now_ms: i64, t_ms: i64) -> String {
    human_duration(now_ms.saturating_sub(t_ms) / 1000)
}

/// `translateTimestampSince`: `<unknown>` for a zero (absent) time.
pub fn since(now_ms: i64, t: Option<Time>) -> String {
    match t {
        Some(t) => human_since_millis(now_ms, time_millis(t)),
        None => "<unknown>".to_string(),
    }
}

/// `translateMicroTimestampSince`.
pub fn since_micro(now_ms: i64, t: Option<MicroTime>) -> String {
    match t {
        Some(t) => human_since_millis(now_ms, micro_millis(t)),
        None => "<unknown>".to_string(),
    }
}

/// `labels.FormatLabels`: `k=v` pairs sorted by key, `<none>` when empty.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The requirement strings of `metav1.LabelSelectorAsSelector(sel).String()`,
/// or `Err` when the selector cannot be converted (an unknown operator, or
/// values that do not fit it).
fn selector_requirements(sel: &LabelSelector) -> Result<Vec<(String, String)>, ()> {
    let mut reqs: Vec<(String, String)> = sel
        .match_labels
        .iter()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for expr in &sel.match_expressions {
        let mut values = expr.values.clone();
        sort::sort(&mut values);
        values.dedup();
        let text = match expr.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => return Err(()),
            "In" => format!("{} in ({})", expr.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", expr.key, values.join(",")),
            "Exists" | "DoesNotExist" if !values.is_empty() => return Err(()),
            "Exists" => expr.key.clone(),
            "DoesNotExist" => format!("!{}", expr.key),
            _ => return Err(()),
        };
        reqs.push((expr.key.clone(), text));
    }
    // The selector keeps its requirements sorted by key.
    sort::sort_by(&mut reqs, |a, b| a.0.cmp(&b.0));
    Ok(reqs)
}

/// `LabelSelectorAsSelector(sel).String()`; a nil or empty selector prints
/// nothing. `None` when the selector is invalid.
pub fn selector_string(sel: Option<&LabelSelector>) -> Option<String> {
    let Some(sel) = sel else {
        return Some(String::new());
    };
    selector_requirements(sel).ok().map(|reqs| {
        reqs.into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// `metav1.FormatLabelSelector`: `<none>` when empty, `<error>` when invalid.
pub fn format_label_selector(sel: Option<&LabelSelector>) -> String {
    match selector_string(sel) {
        None => "<error>".to_string(),
        Some(s) if s.is_empty() => "<none>".to_string(),
        Some(s) => s,
    }
}

/// `layoutContainerCells`: names and images, comma-joined.
pub fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers.iter().map(|c| c.image.as_str()).collect();
    (names.join(","), images.join(","))
}

/// `GetAccessModesAsString`: short names in a fixed order, each once.
pub fn access_modes(modes: &[String]) -> String {
    let order = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    order
        .iter()
        .filter(|(long, _)| modes.iter().any(|m| m == long))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// `net.JoinHostPort`: IPv6 addresses get brackets.
pub fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Go's `strconv.FormatBool` / `%v` of a bool.
pub fn go_bool(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// kubectl's `printBool`: `True` / `False`.
pub fn title_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// kubectl's `printBoolPtr`: `<unset>` for a nil pointer.
pub fn title_bool_ptr(b: Option<bool>) -> &'static str {
    match b {
        Some(b) => title_bool(b),
        None => "<unset>",
    }
}

/// The storage class of a PersistentVolume (`GetPersistentVolumeClass`):
/// the beta annotation wins over the field.
pub fn pv_class(annotations: &BTreeMap<String, String>, storage_class_name: &str) -> String {
    annotations
        .get(BETA_STORAGE_CLASS_ANNOTATION)
        .cloned()
        .unwrap_or_else(|| storage_class_name.to_string())
}

/// The storage class of a claim (`GetPersistentVolumeClaimClass`).
pub fn pvc_class(
    annotations: &BTreeMap<String, String>,
    storage_class_name: Option<&str>,
) -> String {
    if let Some(c) = annotations.get(BETA_STORAGE_CLASS_ANNOTATION) {
        return c.clone();
    }
    storage_class_name.unwrap_or("").to_string()
}

const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// Whether a StorageClass is marked as the default (`IsDefaultAnnotation`).
pub fn is_default_storage_class(annotations: &BTreeMap<String, String>) -> bool {
    [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|k| annotations.get(*k).is_some_and(|v| v == "true"))
}

/// Node roles from `node-role.kubernetes.io/<role>` and
/// `kubernetes.io/role=<role>` labels, sorted and unique.
pub fn node_roles(labels: &BTreeMap<String, String>) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (k, v) in labels {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.push(v.clone());
        }
    }
    sort::sort(&mut roles);
    roles.dedup();
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::meta::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn ages_truncate_like_go_durations() {
        let cases = [
            ("a timestamp in the same second is 0s", 5_999, 5, "0s"),
            ("a second and a half is 1s", 11_500, 10, "1s"),
            ("two minutes are 2m, not 2m0s", 120_000, 0, "2m"),
            ("a clock a second behind still reads 0s", 9_000, 10, "0s"),
            ("a clock far behind is invalid", 5_000, 10, "<invalid>"),
        ];
        for (name, now_ms, t, want) in cases {
            assert_eq!(since(now_ms, Some(Time(t))), want, "{name}");
        }
        assert_eq!(since(0, None), "<unknown>");
    }

    #[test]
    fn selectors_print_sorted_by_key() {
        let sel = LabelSelector {
            match_labels: labels(&[("tier", "web"), ("app", "nginx")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "env".into(),
                operator: "In".into(),
                values: vec!["prod".into(), "dev".into()],
            }],
        };
        let cases = [
            (
                "labels and expressions interleave by key",
                Some(&sel),
                "app=nginx,env in (dev,prod),tier=web",
            ),
            ("a nil selector is empty", None, "<none>"),
        ];
        for (name, sel, want) in cases {
            assert_eq!(format_label_selector(sel), want, "{name}");
        }
        let bad = LabelSelector {
            match_expressions: vec![LabelSelectorRequirement {
                key: "k".into(),
                operator: "Near".into(),
                values: vec![],
            }],
            ..Default::default()
        };
        assert_eq!(format_label_selector(Some(&bad)), "<error>");
    }

    #[test]
    fn access_modes_use_fixed_order() {
        let modes = vec!["ReadWriteMany".to_string(), "ReadWriteOnce".to_string()];
        assert_eq!(access_modes(&modes), "RWO,RWX");
        assert_eq!(access_modes(&[]), "");
    }

    #[test]
    fn roles_come_from_both_label_styles() {
        let l = labels(&[
            ("node-role.kubernetes.io/control-plane", ""),
            ("kubernetes.io/role", "edge"),
            ("node-role.kubernetes.io/", "x"),
        ]);
        assert_eq!(node_roles(&l), vec!["control-plane", "edge"]);
    }
}
