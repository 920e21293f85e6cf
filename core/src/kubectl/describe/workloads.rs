//! Deployments, ReplicaSets, StatefulSets and DaemonSets.

use std::rc::Rc;

use super::pod::{describe_pod_template, time_rfc1123z};
use super::{
    annotations_multiline, controlled_by, events_section, labels_multiline,
    labels_multiline_indent, Doc,
};
use crate::api::apps::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::api::corev1::{Event, PersistentVolumeClaim, Pod, PodTemplateSpec};
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::kubectl::table::format::{
    format_label_selector, format_labels, pvc_class, selector_string,
};
use crate::store::Store;

/// Pods of a controller by phase, as `getPodStatusForController` counts
/// them (`Unknown` pods are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodCounts {
    pub running: usize,
    pub waiting: usize,
    pub succeeded: usize,
    pub failed: usize,
}

impl PodCounts {
    fn line(&self) -> String {
        format!(
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            self.running, self.waiting, self.succeeded, self.failed
        )
    }
}

/// Counts the pods the selector matches in the owner's namespace whose
/// controller is the owner.
pub(super) fn pod_counts(
    store: &Store,
    owner: &ObjectMeta,
    sel: Option<&LabelSelector>,
) -> PodCounts {
    let mut counts = PodCounts::default();
    let Some(sel) = sel else {
        return counts;
    };
    for (_, p) in store.table::<Pod>().iter_ns(Some(owner.namespace())) {
        if !sel.matches(&p.metadata.labels) {
            continue;
        }
        if p.metadata.controller().is_none_or(|r| r.uid != owner.uid()) {
            continue;
        }
        match p.status.phase.as_str() {
            "Running" => counts.running += 1,
            "Pending" => counts.waiting += 1,
            "Succeeded" => counts.succeeded += 1,
            "Failed" => counts.failed += 1,
            _ => {}
        }
    }
    counts
}

/// Whether two pod templates are equal apart from the
/// `pod-template-hash` label (`EqualIgnoreHash`).
fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove("pod-template-hash");
        t
    };
    strip(a) == strip(b)
}

/// The deployment's old and new replica sets, as `GetAllReplicaSets`
/// finds them: replica sets it controls, oldest first; the new one is the
/// oldest whose template matches the deployment's.
pub(super) fn replica_sets_of(
    store: &Store,
    d: &Deployment,
) -> (Vec<Rc<ReplicaSet>>, Option<Rc<ReplicaSet>>) {
    let Some(sel) = d.spec.selector.as_ref() else {
        return (Vec::new(), None);
    };
    let mut owned: Vec<Rc<ReplicaSet>> = store
        .table::<ReplicaSet>()
        .iter_ns(Some(d.metadata.namespace()))
        .map(|(_, rs)| rs.clone())
        .filter(|rs| sel.matches(&rs.metadata.labels))
        .filter(|rs| {
            rs.metadata
                .controller()
                .is_some_and(|r| r.uid == d.metadata.uid())
        })
        .collect();
    owned.sort_by(|a, b| {
        a.metadata
            .creation_timestamp
            .cmp(&b.metadata.creation_timestamp)
            .then_with(|| a.metadata.name().cmp(b.metadata.name()))
    });
    let new = owned
        .iter()
        .find(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template))
        .cloned();
    let old = owned
        .into_iter()
        .filter(|rs| {
            new.as_ref()
                .is_none_or(|n| n.metadata.uid() != rs.metadata.uid())
        })
        .collect();
    (old, new)
}

fn replica_sets_line(sets: &[&ReplicaSet]) -> String {
    if sets.is_empty() {
        return "<none>".to_string();
    }
    sets.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name(),
                rs.status.replicas,
                rs.spec.replicas.unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl describe deployment`.
pub fn describe_deployment(
    d: &Deployment,
    old: &[Rc<ReplicaSet>],
    new: Option<&ReplicaSet>,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &d.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_rfc1123z(meta.creation_timestamp)
        ),
    );
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(d.spec.selector.as_ref()).unwrap_or_default()
        ),
    );
    let st = &d.status;
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            d.spec.replicas.unwrap_or(1),
            st.updated_replicas,
            st.replicas,
            st.available_replicas,
            st.unavailable_replicas
        ),
    );
    w.write(
        0,
        &format!("StrategyType:\t{}\n", d.spec.strategy.type_.as_str()),
    );
    w.write(
        0,
        &format!("MinReadySeconds:\t{}\n", d.spec.min_ready_seconds),
    );
    if let Some(ru) = &d.spec.strategy.rolling_update {
        let show = |v: &Option<crate::api::meta::IntOrString>| {
            v.as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "<nil>".into())
        };
        w.write(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                show(&ru.max_unavailable),
                show(&ru.max_surge)
            ),
        );
    }
    describe_pod_template(&mut w, &d.spec.template);
    if !st.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(1, "----\t------\t------\n");
        for c in &st.conditions {
            w.write(
                1,
                &format!(
                    "{} \t{}\t{}\n",
                    c.type_.as_str(),
                    c.status.as_str(),
                    c.reason
                ),
            );
        }
    }
    if !old.is_empty() || new.is_some() {
        let old: Vec<&ReplicaSet> = old.iter().map(|r| r.as_ref()).collect();
        let new: Vec<&ReplicaSet> = new.into_iter().collect();
        w.write(
            0,
            &format!("OldReplicaSets:\t{}\n", replica_sets_line(&old)),
        );
        w.write(0, &format!("NewReplicaSet:\t{}\n", replica_sets_line(&new)));
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe replicaset`.
pub fn describe_replica_set(
    rs: &ReplicaSet,
    pods: PodCounts,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &rs.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            format_label_selector(rs.spec.selector.as_ref())
        ),
    );
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    if let Some(c) = controlled_by(meta) {
        w.write(0, &format!("Controlled By:\t{c}\n"));
    }
    w.write(
        0,
        &format!(
            "Replicas:\t{} current / {} desired\n",
            rs.status.replicas,
            rs.spec.replicas.unwrap_or(1)
        ),
    );
    w.write(0, "Pods Status:\t");
    w.write(0, &format!("{}\n", pods.line()));
    describe_pod_template(&mut w, &rs.spec.template);
    if !rs.status.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
        w.write(1, "----\t------\t------\n");
        for c in &rs.status.conditions {
            w.write(
                1,
                &format!("{} \t{}\t{}\n", c.type_, c.status.as_str(), c.reason),
            );
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `describeVolumeClaimTemplates`.
fn describe_claim_templates(w: &mut Doc, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(0, "Volume Claims:\n");
    for pvc in templates {
        w.write(1, &format!("Name:\t{}\n", pvc.metadata.name()));
        w.write(
            1,
            &format!(
                "StorageClass:\t{}\n",
                pvc_class(
                    &pvc.metadata.annotations,
                    pvc.spec.storage_class_name.as_deref()
                )
            ),
        );
        labels_multiline_indent(w, "  ", "Labels", &pvc.metadata.labels);
        labels_multiline_indent(w, "  ", "Annotations", &pvc.metadata.annotations);
        match pvc.spec.resources.requests.get("storage") {
            Some(q) => w.write(1, &format!("Capacity:\t{}\n", q.canonical())),
            None => w.write(1, "Capacity:\t<default>\n"),
        }
        w.write(
            1,
            &format!("Access Modes:\t[{}]\n", pvc.spec.access_modes.join(" ")),
        );
    }
}

/// `kubectl describe statefulset`.
pub fn describe_stateful_set(
    s: &StatefulSet,
    pods: PodCounts,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &s.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_rfc1123z(meta.creation_timestamp)
        ),
    );
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(s.spec.selector.as_ref()).unwrap_or_default()
        ),
    );
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            s.spec.replicas.unwrap_or(1),
            s.status.replicas
        ),
    );
    let strategy = &s.spec.update_strategy;
    w.write(
        0,
        &format!("Update Strategy:\t{}\n", strategy.type_.as_str()),
    );
    if let Some(ru) = &strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.write(1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = &ru.max_unavailable {
                w.write(1, &format!("MaxUnavailable:\t{mu}\n"));
            }
        }
    }
    w.write(0, &format!("Pods Status:\t{}\n", pods.line()));
    describe_pod_template(&mut w, &s.spec.template);
    describe_claim_templates(&mut w, &s.spec.volume_claim_templates);
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe daemonset`.
pub fn describe_daemon_set(
    ds: &DaemonSet,
    pods: PodCounts,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &ds.metadata;
    let st = &ds.status;
    // kubectl's DaemonSet describer prints no Namespace line.
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(ds.spec.selector.as_ref()).unwrap_or_default()
        ),
    );
    w.write(
        0,
        &format!(
            "Node-Selector:\t{}\n",
            format_labels(&ds.spec.template.spec.node_selector)
        ),
    );
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!(
            "Desired Number of Nodes Scheduled: {}\n",
            st.desired_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Current Number of Nodes Scheduled: {}\n",
            st.current_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
            st.updated_number_scheduled
        ),
    );
    w.write(
        0,
        &format!(
            "Number of Nodes Scheduled with Available Pods: {}\n",
            st.number_available
        ),
    );
    w.write(
        0,
        &format!("Number of Nodes Misscheduled: {}\n", st.number_misscheduled),
    );
    w.write(0, &format!("Pods Status:\t{}\n", pods.line()));
    describe_pod_template(&mut w, &ds.spec.template);
    events_section(&mut w, events, now_ms);
    w.finish()
}
