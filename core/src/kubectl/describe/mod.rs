//! `kubectl describe`: kubectl's describers (`pkg/describe/describe.go`)
//! for every stored kind.
//!
//! Each describer is a pure function from an object, the related objects
//! kubectl would fetch (its events, a controller's pods, a deployment's
//! replica sets, …) and the wall clock to the text kubectl prints.
//! [`describe`] gathers those related objects from a [`Store`] the way
//! kubectl's API queries would find them.

mod batch;
mod config;
mod generic;
mod network;
mod node;
mod pod;
mod storage;
mod tabbed;
mod workloads;

use std::collections::BTreeMap;

use crate::api::corev1::{Event, Pod, PodPhase};
use crate::api::meta::ObjectMeta;
use crate::kubectl::printers::custom_columns::escape_terminal;
use crate::kubectl::table::format::since;
use crate::store::{Object, Store};

pub use batch::{describe_cron_job, describe_job};
pub use config::{
    describe_config_map, describe_namespace, describe_secret, describe_service_account,
};
pub use generic::describe_generic;
pub use network::{describe_endpoint_slice, describe_endpoints, describe_service};
pub use node::{describe_node, NodeLease};
pub use pod::describe_pod;
pub use storage::{describe_pv, describe_pvc, describe_storage_class};
pub use workloads::{
    describe_daemon_set, describe_deployment, describe_replica_set, describe_stateful_set,
    PodCounts,
};

/// Flags of `kubectl describe` that change the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DescribeOptions {
    /// `--show-events` (on by default): the Events section.
    pub show_events: bool,
}

impl Default for DescribeOptions {
    fn default() -> Self {
        DescribeOptions { show_events: true }
    }
}

/// Describes a stored object, fetching what kubectl's describer would
/// fetch from the store. `now_ms` is the wall clock in Unix milliseconds.
pub fn describe(store: &Store, obj: &Object, now_ms: i64, opts: DescribeOptions) -> String {
    let meta = obj.meta();
    let info = obj.info();
    // kubectl searches events by name, namespace, kind and uid, except
    // for pods, whose reference drops the kind.
    let kind = if matches!(obj, Object::Pod(_)) {
        None
    } else {
        Some(info.kind)
    };
    let events = opts
        .show_events
        .then(|| events_for(store, meta, kind, meta.uid()));
    let events = events.as_deref();
    match obj {
        Object::Pod(p) => describe_pod(p, events, now_ms),
        Object::Node(n) => {
            // The kubelet's events name the node by name as their uid.
            let events = opts.show_events.then(|| {
                let mut all = events_for(store, meta, kind, meta.uid());
                all.extend(events_for(store, meta, kind, meta.name()));
                all
            });
            let pods: Vec<&Pod> = store
                .pods_on_node(meta.name())
                .filter_map(|k| store.get::<Pod>(&k.namespace, &k.name))
                .map(|p| p.as_ref())
                .filter(|p| !matches!(p.phase(), PodPhase::Succeeded | PodPhase::Failed))
                .collect();
            let lease = NodeLease::kept_by_kubelet(n, now_ms);
            describe_node(n, &pods, Some(&lease), events.as_deref(), now_ms)
        }
        Object::Namespace(ns) => describe_namespace(ns, now_ms),
        Object::Service(s) => {
            let slices = network::slices_of_service(store, meta);
            describe_service(s, &slices, events, now_ms)
        }
        Object::Endpoints(e) => describe_endpoints(e, events, now_ms),
        Object::EndpointSlice(e) => describe_endpoint_slice(e, events, now_ms),
        Object::ConfigMap(c) => describe_config_map(c, events, now_ms),
        Object::Secret(s) => describe_secret(s),
        Object::ServiceAccount(sa) => {
            let secrets = config::secrets_in(store, meta.namespace());
            describe_service_account(sa, &secrets, events, now_ms)
        }
        Object::Event(_) | Object::ControllerRevision(_) => {
            describe_generic(&obj.encode(), events, now_ms)
        }
        Object::PersistentVolume(pv) => describe_pv(pv, events, now_ms),
        Object::PersistentVolumeClaim(pvc) => {
            let pods = storage::pods_using_claim(store, pvc);
            describe_pvc(pvc, &pods, events, now_ms)
        }
        Object::StorageClass(sc) => describe_storage_class(sc, events, now_ms),
        Object::Deployment(d) => {
            let (old, new) = workloads::replica_sets_of(store, d);
            describe_deployment(d, &old, new.as_deref(), events, now_ms)
        }
        Object::ReplicaSet(rs) => {
            let counts = workloads::pod_counts(store, meta, rs.spec.selector.as_ref());
            describe_replica_set(rs, counts, events, now_ms)
        }
        Object::StatefulSet(s) => {
            let counts = workloads::pod_counts(store, meta, s.spec.selector.as_ref());
            describe_stateful_set(s, counts, events, now_ms)
        }
        Object::DaemonSet(ds) => {
            let counts = workloads::pod_counts(store, meta, ds.spec.selector.as_ref());
            describe_daemon_set(ds, counts, events, now_ms)
        }
        Object::Job(j) => describe_job(j, events, now_ms),
        Object::CronJob(c) => describe_cron_job(c, events, now_ms),
    }
}

/// The events kubectl's `searchEvents` finds: same involved name and
/// namespace, the kind when given, the uid when not empty.
fn events_for(store: &Store, meta: &ObjectMeta, kind: Option<&str>, uid: &str) -> Vec<Event> {
    store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| e)
        .filter(|e| {
            let o = &e.involved_object;
            o.name == meta.name()
                && o.namespace == meta.namespace()
                && kind.is_none_or(|k| o.kind == k)
                && (uid.is_empty() || o.uid == uid)
        })
        .map(|e| e.as_ref().clone())
        .collect()
}

/// Text with describe's indentation levels (two spaces each), fed through
/// describe's tab aligner when finished.
#[derive(Default)]
pub(crate) struct Doc {
    text: String,
}

impl Doc {
    /// `PrefixWriter.Write`: the text after `level` indents, with escape
    /// characters made visible.
    pub(crate) fn write(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(&escape_terminal(text));
    }

    /// `PrefixWriter.WriteLine`: the text and a newline, no indent.
    pub(crate) fn line(&mut self, text: &str) {
        self.text.push_str(&escape_terminal(text));
        self.text.push('\n');
    }

    pub(crate) fn finish(self) -> String {
        tabbed::align(&self.text)
    }
}

/// `printLabelsMultiline`: `Title:\tk=v`, one pair per line, sorted, with
/// continuation lines starting at the value column; `<none>` when empty.
pub(crate) fn labels_multiline(w: &mut Doc, title: &str, labels: &BTreeMap<String, String>) {
    labels_multiline_indent(w, "", title, labels);
}

pub(crate) fn labels_multiline_indent(
    w: &mut Doc,
    initial_indent: &str,
    title: &str,
    labels: &BTreeMap<String, String>,
) {
    w.write(0, &format!("{initial_indent}{title}:\t"));
    if labels.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(0, initial_indent);
            w.write(0, "\t");
        }
        w.write(0, &format!("{k}={v}\n"));
    }
}

const MAX_ANNOTATION_LEN: usize = 140;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Go's `s[:n]` on a string: whole bytes, so a cut can split a character;
/// here the cut moves back to the character boundary.
fn cut(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// `printAnnotationsMultiline`: like labels, but `key: value`, long or
/// multi-line values on their own indented lines, and the
/// last-applied-configuration annotation left out.
pub(crate) fn annotations_multiline(
    w: &mut Doc,
    title: &str,
    annotations: &BTreeMap<String, String>,
) {
    w.write(0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations.keys().filter(|k| *k != LAST_APPLIED).collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let indent = "\t";
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(0, indent);
        }
        let value = annotations[key]
            .strip_suffix('\n')
            .unwrap_or(&annotations[key]);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for s in value.split('\n') {
                let short = if s.len() > MAX_ANNOTATION_LEN - 2 {
                    format!("{}...", cut(s, MAX_ANNOTATION_LEN - 2))
                } else {
                    s.to_string()
                };
                w.write(0, &format!("{indent}  {short}\n"));
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

/// kubectl's `printController`: `Kind/name` of the controlling owner.
pub(crate) fn controlled_by(meta: &ObjectMeta) -> Option<String> {
    meta.controller().map(|r| format!("{}/{}", r.kind, r.name))
}

/// `DescribeEvents`: the Events table, sorted by last timestamp, with ages
/// like `2m (x4 over 5m)` for repeats; `<none>` when there are none, and no
/// section at all without `--show-events`.
pub(crate) fn events_section(w: &mut Doc, events: Option<&[Event]>, now_ms: i64) {
    use crate::kubectl::table::events_support::{event_interval, last_timestamp_key};
    let Some(events) = events else {
        return;
    };
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    let mut sorted: Vec<&Event> = events.iter().collect();
    // kubectl sorts with Go's sort.Sort; for the short lists describe shows
    // that is the stable insertion sort.
    sorted.sort_by_key(|e| last_timestamp_key(e));
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let source = if e.source.component.is_empty() {
            e.reporting_component.as_str()
        } else {
            e.source.component.as_str()
        };
        w.write(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                e.type_,
                e.reason,
                event_interval(e, now_ms),
                source,
                e.message.trim()
            ),
        );
    }
}

/// `Terminating (lasts 10s)` for an object being deleted.
pub(crate) fn terminating(meta: &ObjectMeta, now_ms: i64) -> Option<String> {
    meta.deletion_timestamp
        .map(|t| format!("Terminating (lasts {})", since(now_ms, Some(t))))
}

#[cfg(test)]
mod tests;

/// The `Pod Template:` block alone, as `kubectl rollout history --revision`
/// prints it.
pub fn pod_template(template: &crate::api::corev1::PodTemplateSpec) -> String {
    let mut w = Doc::default();
    pod::describe_pod_template(&mut w, template);
    w.finish()
}
