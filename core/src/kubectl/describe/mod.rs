//! `kubectl describe`.

use crate::store::{Object, Store};

/// The describe text of one object (interim: the common header only,
/// until the per-kind layouts land).
pub fn describe(_store: &Store, obj: &Object, _now_ms: i64, _show_events: bool) -> String {
    let mut s = format!("Name:         {}\n", obj.name());
    if obj.info().namespaced {
        s.push_str(&format!("Namespace:    {}\n", obj.namespace()));
    }
    s
}

/// The `Pod Template:` block of describe and `rollout history --revision`
/// (interim: labels, annotations and containers' images).
pub fn pod_template(t: &crate::api::corev1::PodTemplateSpec) -> String {
    let mut s = String::from("Pod Template:\n");
    let labels: Vec<String> = t
        .metadata
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    s.push_str(&format!(
        "  Labels:\t{}\n",
        if labels.is_empty() {
            "<none>".to_string()
        } else {
            labels.join("\n\t")
        }
    ));
    s.push_str("  Containers:\n");
    for c in &t.spec.containers {
        s.push_str(&format!("   {}:\n    Image:\t{}\n", c.name, c.image));
    }
    s
}
