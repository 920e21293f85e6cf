//! apps/v1 tables: Deployments, ReplicaSets, StatefulSets, DaemonSets and
//! ControllerRevisions.

use super::format::{
    container_cells, format_label_selector, format_labels, selector_string, since,
};
use super::{col, wide, Column, NAME};
use crate::api::apps::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};

pub(super) const DEPLOYMENT_COLUMNS: &[Column] = &[
    NAME,
    col("READY"),
    col("UP-TO-DATE"),
    col("AVAILABLE"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

pub(super) const REPLICA_SET_COLUMNS: &[Column] = &[
    NAME,
    col("DESIRED"),
    col("CURRENT"),
    col("READY"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

pub(super) const STATEFUL_SET_COLUMNS: &[Column] = &[
    NAME,
    col("READY"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
];

pub(super) const DAEMON_SET_COLUMNS: &[Column] = &[
    NAME,
    col("DESIRED"),
    col("CURRENT"),
    col("READY"),
    col("UP-TO-DATE"),
    col("AVAILABLE"),
    col("NODE SELECTOR"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

pub(super) const CONTROLLER_REVISION_COLUMNS: &[Column] =
    &[NAME, col("CONTROLLER"), col("REVISION"), col("AGE")];

/// `spec.replicas` as the server sees it: defaulting always sets it.
fn replicas(r: Option<i32>) -> i32 {
    r.unwrap_or(1)
}

pub(super) fn deployment_cells(d: &Deployment, now_ms: i64) -> Vec<String> {
    let (names, images) = container_cells(&d.spec.template.spec.containers);
    let selector = selector_string(d.spec.selector.as_ref()).unwrap_or_else(|| "<invalid>".into());
    vec![
        d.metadata.name().to_string(),
        format!("{}/{}", d.status.ready_replicas, replicas(d.spec.replicas)),
        d.status.updated_replicas.to_string(),
        d.status.available_replicas.to_string(),
        since(now_ms, d.metadata.creation_timestamp),
        names,
        images,
        selector,
    ]
}

pub(super) fn replica_set_cells(rs: &ReplicaSet, now_ms: i64) -> Vec<String> {
    let (names, images) = container_cells(&rs.spec.template.spec.containers);
    vec![
        rs.metadata.name().to_string(),
        replicas(rs.spec.replicas).to_string(),
        rs.status.replicas.to_string(),
        rs.status.ready_replicas.to_string(),
        since(now_ms, rs.metadata.creation_timestamp),
        names,
        images,
        format_label_selector(rs.spec.selector.as_ref()),
    ]
}

pub(super) fn stateful_set_cells(s: &StatefulSet, now_ms: i64) -> Vec<String> {
    let (names, images) = container_cells(&s.spec.template.spec.containers);
    vec![
        s.metadata.name().to_string(),
        format!("{}/{}", s.status.ready_replicas, replicas(s.spec.replicas)),
        since(now_ms, s.metadata.creation_timestamp),
        names,
        images,
    ]
}

pub(super) fn daemon_set_cells(ds: &DaemonSet, now_ms: i64) -> Vec<String> {
    let (names, images) = container_cells(&ds.spec.template.spec.containers);
    let st = &ds.status;
    vec![
        ds.metadata.name().to_string(),
        st.desired_number_scheduled.to_string(),
        st.current_number_scheduled.to_string(),
        st.number_ready.to_string(),
        st.updated_number_scheduled.to_string(),
        st.number_available.to_string(),
        format_labels(&ds.spec.template.spec.node_selector),
        since(now_ms, ds.metadata.creation_timestamp),
        names,
        images,
        format_label_selector(ds.spec.selector.as_ref()),
    ]
}

/// `kind.group/name` of the controlling owner, as `formatResourceName`
/// prints it from the owner's apiVersion and kind.
pub(crate) fn owner_resource_name(api_version: &str, kind: &str, name: &str) -> String {
    let group = match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "",
    };
    if kind.is_empty() && group.is_empty() {
        return name.to_string();
    }
    let gk = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    format!("{}/{name}", gk.to_lowercase())
}

pub(super) fn controller_revision_cells(cr: &ControllerRevision, now_ms: i64) -> Vec<String> {
    let controller = match cr.metadata.controller() {
        Some(r) => owner_resource_name(&r.api_version, &r.kind, &r.name),
        None => "<none>".to_string(),
    };
    vec![
        cr.metadata.name().to_string(),
        controller,
        cr.revision.to_string(),
        since(now_ms, cr.metadata.creation_timestamp),
    ]
}
