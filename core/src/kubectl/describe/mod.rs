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
