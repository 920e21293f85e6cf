//! The namespace controller (`pkg/controller/namespace`): empties a
//! terminating namespace, reports progress in its conditions, and removes
//! the `kubernetes` finalizer when nothing is left, which lets the API
//! server remove the namespace.
//!
//! As upstream: work starts 5 s after the deletion (so that every API
//! server has seen it), everything in the namespace is deleted in the
//! background, pods gracefully; while pods are still within their grace
//! period the namespace is looked at again after half the longest one
//! (plus a second), and objects held by finalizers are waited for.

use std::collections::BTreeMap;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{Namespace, Pod};
use crate::api::time::Time;
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};
use crate::value::Value;

/// The finalizer token this controller owns.
pub const FINALIZER_KUBERNETES: &str = "kubernetes";
/// `namespaceDeletionGracePeriod`.
pub const DELETION_GRACE: Millis = 5_000;
/// `finalizerEstimateSeconds`: the wait for objects held by finalizers.
const FINALIZER_ESTIMATE_SECONDS: i64 = 15;
/// Retry after an unexpected leftover (upstream: the rate limiter).
const RETRY: Millis = 1_000;

/// The conditions this controller maintains, with their "all is well"
/// reason and message (`conditionTypes`, `okReasons`, `okMessages`).
const CONDITIONS: [(&str, &str, &str); 5] = [
    (
        "NamespaceDeletionDiscoveryFailure",
        "ResourcesDiscovered",
        "All resources successfully discovered",
    ),
    (
        "NamespaceDeletionGroupVersionParsingFailure",
        "ParsedGroupVersions",
        "All legacy kube types successfully parsed",
    ),
    (
        "NamespaceDeletionContentFailure",
        "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization",
    ),
    (
        "NamespaceContentRemaining",
        "ContentRemoved",
        "All content successfully removed",
    ),
    (
        "NamespaceFinalizersRemaining",
        "ContentHasNoFinalizers",
        "All content-preserving finalizers finished",
    ),
];

/// A failing condition: type, reason and message.
type Failure = (&'static str, &'static str, String);

/// What deleting one kind's objects left behind.
#[derive(Default)]
struct Leftovers {
    estimate_seconds: i64,
    /// `pods. has 2 resource instances`-style counts, by resource.
    remaining: BTreeMap<String, usize>,
    by_finalizer: BTreeMap<String, usize>,
    errors: Vec<String>,
}

/// The namespace controller.
#[derive(Default)]
pub struct Namespaces {
    /// When each terminating namespace is next due, in simulated time.
    next_run: BTreeMap<String, Millis>,
}

impl Namespaces {
    pub fn new() -> Namespaces {
        Namespaces::default()
    }
}

/// Deletes every object of every namespaced kind in `ns`, then reports
/// what is left (`deleteAllContent`).
fn delete_all_content(api: &mut ApiServer, ns: &str, deleted_at: i64) -> Leftovers {
    let mut out = Leftovers::default();
    let now = api.wall_millis();
    for kind in Kind::ALL.iter().copied().filter(|k| k.info().namespaced) {
        let info = kind.info();
        let mut estimate = 0;
        if kind == Kind::Pod {
            estimate = api
                .store
                .table::<Pod>()
                .iter_ns(Some(ns))
                .filter(|(_, p)| !p.is_terminal())
                .filter_map(|(_, p)| p.spec.termination_grace_period_seconds)
                .max()
                .unwrap_or(0)
                .max(0);
            if now - deleted_at >= estimate.saturating_mul(1000) {
                estimate = 0;
            }
        }
        let targets: Vec<String> = api
            .store
            .list_objects(kind, Some(ns))
            .iter()
            .filter(|o| o.meta().deletion_timestamp.is_none())
            .map(|o| o.name().to_string())
            .collect();
        for name in targets {
            match api.delete_object(kind, ns, &name, &DeleteOptions::default()) {
                Ok(_) => {}
                Err(e) if e.reason == Reason::NotFound => {}
                Err(e) => out.errors.push(e.to_string()),
            }
        }
        let left = api.store.list_objects(kind, Some(ns));
        if left.is_empty() {
            out.estimate_seconds = out.estimate_seconds.max(estimate);
            continue;
        }
        let mut finalizers: BTreeMap<String, usize> = BTreeMap::new();
        for o in &left {
            for f in &o.meta().finalizers {
                *finalizers.entry(f.clone()).or_default() += 1;
            }
        }
        let resource = format!("{}.{}", info.plural, info.group);
        if estimate != 0 {
            out.estimate_seconds = out.estimate_seconds.max(estimate);
        } else if !finalizers.is_empty() {
            out.estimate_seconds = out.estimate_seconds.max(FINALIZER_ESTIMATE_SECONDS);
        } else {
            out.errors.push(format!(
                "unexpected items still remain in namespace: {ns} for gvr: {}/{}, Resource={}",
                info.group, info.version, info.plural
            ));
        }
        out.remaining.insert(resource, left.len());
        for (f, n) in finalizers {
            *out.by_finalizer.entry(f).or_default() += n;
        }
    }
    out
}

/// The failing conditions of a pass (`namespaceConditionUpdater`).
fn failures(left: &Leftovers) -> Vec<Failure> {
    let mut out = Vec::new();
    if !left.errors.is_empty() {
        let mut msgs = left.errors.clone();
        msgs.sort();
        out.push((
            "NamespaceDeletionContentFailure",
            "ContentDeletionFailed",
            format!(
                "Failed to delete all resource types, {} remaining: {}",
                msgs.len(),
                msgs.join(", ")
            ),
        ));
    }
    if !left.remaining.is_empty() {
        let mut items: Vec<String> = left
            .remaining
            .iter()
            .map(|(r, n)| format!("{r} has {n} resource instances"))
            .collect();
        items.sort();
        out.push((
            "NamespaceContentRemaining",
            "SomeResourcesRemain",
            format!("Some resources are remaining: {}", items.join(", ")),
        ));
    }
    if !left.by_finalizer.is_empty() {
        let mut items: Vec<String> = left
            .by_finalizer
            .iter()
            .map(|(f, n)| format!("{f} in {n} resource instances"))
            .collect();
        items.sort();
        out.push((
            "NamespaceFinalizersRemaining",
            "SomeFinalizersRemain",
            format!(
                "Some content in the namespace has finalizers remaining: {}",
                items.join(", ")
            ),
        ));
    }
    out
}

fn condition_value(type_: &str, status: &str, at: Time, reason: &str, message: &str) -> Value {
    crate::api::codec::object([
        ("type", type_.into()),
        ("status", status.into()),
        ("lastTransitionTime", at.rfc3339().into()),
        ("reason", reason.into()),
        ("message", message.into()),
    ])
}

/// `updateConditions`: every maintained condition present, the failing
/// ones True with their message, the rest False with the "ok" text; the
/// transition time moves only when the status flips.
fn update_conditions(conditions: &mut Vec<Value>, failing: &[Failure], now: Time) -> bool {
    let mut changed = false;
    for (type_, ok_reason, ok_message) in CONDITIONS {
        let (status, reason, message) = match failing.iter().find(|f| f.0 == type_) {
            Some((_, r, m)) => ("True", *r, m.as_str()),
            None => ("False", ok_reason, ok_message),
        };
        let field = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
        match conditions
            .iter_mut()
            .find(|c| field(c, "type").as_deref() == Some(type_))
        {
            None => {
                conditions.push(condition_value(type_, status, now, reason, message));
                changed = true;
            }
            Some(c) => {
                let old_status = field(c, "status");
                if old_status.as_deref() == Some(status)
                    && field(c, "reason").as_deref() == Some(reason)
                    && field(c, "message").as_deref() == Some(message)
                {
                    continue;
                }
                let at = if old_status.as_deref() == Some(status) {
                    c.get("lastTransitionTime")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| now.rfc3339())
                } else {
                    now.rfc3339()
                };
                let mut v = condition_value(type_, status, now, reason, message);
                if let Some(m) = v.as_object_mut() {
                    m.insert("lastTransitionTime".to_string(), Value::String(at));
                }
                *c = v;
                changed = true;
            }
        }
    }
    changed
}

impl Controller for Namespaces {
    fn id(&self) -> CtrlId {
        CtrlId::Namespace
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if let Object::Namespace(ns) = &ev.object {
            if ev.typ == WatchType::Deleted || ns.metadata.deletion_timestamp.is_some() {
                out.push((
                    ObjKey::new("", ns.metadata.name()),
                    QueueReason::Changed(Kind::Namespace, ev.typ),
                ));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let name = key.name.clone();
        let Some(ns) = api.store.get::<Namespace>("", &name).cloned() else {
            self.next_run.remove(&name);
            return Ok(Action::AwaitChange);
        };
        let Some(deleted_at) = ns.metadata.deletion_timestamp.map(Time::millis) else {
            self.next_run.remove(&name);
            return Ok(Action::AwaitChange);
        };
        let now = api.now();
        let first = deleted_at - api.wall_millis() + now + DELETION_GRACE;
        let due = *self.next_run.entry(name.clone()).or_insert(first);
        if now < due {
            return Ok(Action::RequeueAfter(due - now));
        }
        if !ns.spec.finalizers.iter().any(|f| f == FINALIZER_KUBERNETES) {
            self.next_run.remove(&name);
            return Ok(Action::AwaitChange);
        }
        let mut ns = (*ns).clone();
        let mut changed = false;
        if ns.status.phase != "Terminating" {
            ns.status.phase = "Terminating".to_string();
            changed = true;
        }
        let left = delete_all_content(api, &name, deleted_at);
        changed |= update_conditions(&mut ns.status.conditions, &failures(&left), api.time());
        if changed {
            let written = api.write_status(ns)?;
            ns = (*written).clone();
        }
        let wait = if left.estimate_seconds > 0 {
            Some((left.estimate_seconds / 2 + 1).saturating_mul(1000))
        } else if !left.errors.is_empty() {
            Some(RETRY)
        } else {
            None
        };
        if let Some(wait) = wait {
            // Our own status update requeues the namespace after the
            // deletion grace too, and the sooner of the two wins.
            let wait = if changed {
                wait.min(DELETION_GRACE)
            } else {
                wait
            };
            self.next_run.insert(name, now.saturating_add(wait));
            return Ok(Action::RequeueAfter(wait));
        }
        // Nothing is left: the finalizer comes off, and the API server
        // removes the namespace.
        self.next_run.remove(&name);
        ns.spec.finalizers.retain(|f| f != FINALIZER_KUBERNETES);
        match api.write_status(ns) {
            Ok(_) => Ok(Action::AwaitChange),
            Err(e) if e.reason == Reason::NotFound => Ok(Action::AwaitChange),
            Err(e) => Err(e),
        }
    }
}
