//! Helpers for commands that act on workloads.

use crate::api::meta::LabelSelector;
use crate::store::Object;

/// The pod selector of a workload or Service.
pub fn selector_of(obj: &Object) -> Option<LabelSelector> {
    match obj {
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::ReplicaSet(r) => r.spec.selector.clone(),
        Object::StatefulSet(s) => s.spec.selector.clone(),
        Object::DaemonSet(d) => d.spec.selector.clone(),
        Object::Job(j) => j.spec.selector.clone(),
        Object::Service(s) => (!s.spec.selector.is_empty()).then(|| LabelSelector {
            match_labels: s.spec.selector.clone(),
            ..Default::default()
        }),
        _ => None,
    }
}
