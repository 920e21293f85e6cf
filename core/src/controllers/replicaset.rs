//! The ReplicaSet controller (`replica_set.go`): keeps `spec.replicas`
//! active pods that match the selector, adopts matching orphans, releases
//! owned pods whose labels stop matching, and reports the counts in the
//! status.
//!
//! Counting is incremental: watch events mark the pods that changed, and a
//! sync re-reads only those, so a sync of a ReplicaSet with many thousands
//! of pods costs what changed since the previous sync, not the whole set.
//! The pod helpers here (activity, availability, templates, slow start and
//! the scale-down ranking of `controller_utils.go`) are shared with the
//! Deployment controller.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::{ConditionStatus, ReplicaSet, ReplicaSetCondition};
use crate::api::corev1::{Pod, PodPhase, PodTemplateSpec};
use crate::api::meta::{LabelSelector, ObjectMeta, OwnerReference};
use crate::api::resource::{Resource, ResourceInfo};
use crate::api::time::Time;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// Most pods one sync creates or deletes (`BurstReplicas`).
pub const BURST_REPLICAS: usize = 500;
/// The first slow-start batch (`SlowStartInitialBatchSize`).
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;
/// Pods with a lower cost are deleted first when scaling down.
pub const POD_DELETION_COST_ANNOTATION: &str = "controller.kubernetes.io/pod-deletion-cost";

const COMPONENT: &str = "replicaset-controller";

// ---------------------------------------------------------------------------
// Pod helpers shared by the workload controllers

/// `IsPodActive`: not finished and not being deleted.
pub fn is_pod_active(p: &Pod) -> bool {
    !p.is_terminal() && p.metadata.deletion_timestamp.is_none()
}

/// When the pod's Ready condition last became True, if it is Ready.
pub fn ready_since(p: &Pod) -> Option<Time> {
    p.condition("Ready")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time)
}

/// `IsPodAvailable`: Ready, and Ready for longer than `min_ready_seconds`
/// (strictly) at `now_wall_ms`.
pub fn is_pod_available(p: &Pod, min_ready_seconds: i32, now_wall_ms: i64) -> bool {
    if !p.is_ready() {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(p).is_some_and(|t| {
        t.millis()
            .saturating_add(i64::from(min_ready_seconds) * 1000)
            < now_wall_ms
    })
}

/// `metav1.NewControllerRef`: the owner reference a controller puts on
/// what it creates or adopts.
pub fn new_controller_ref(info: &ResourceInfo, owner: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: info.api_version(),
        kind: info.kind.to_string(),
        name: owner.name().to_string(),
        uid: owner.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Whether `meta` names `owner_uid` as its controller.
pub fn is_controlled_by(meta: &ObjectMeta, owner_uid: &str) -> bool {
    meta.controller().is_some_and(|r| r.uid == owner_uid)
}

/// `GetPodFromTemplate`: labels, annotations and finalizers of the template,
/// `generateName: <owner>-`, the controller reference, the template's spec,
/// and the API server's defaults.
pub fn pod_from_template(
    template: &PodTemplateSpec,
    namespace: &str,
    owner_name: &str,
    controller_ref: OwnerReference,
) -> Pod {
    let mut pod = Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{owner_name}-")),
            namespace: Some(namespace.to_string()),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            owner_references: vec![controller_ref],
            ..Default::default()
        },
        spec: template.spec.clone(),
        ..Default::default()
    };
    pod.set_defaults();
    pod
}

/// `slowStartBatch`: calls `f` `count` times in batches of `initial`,
/// then twice as many, and so on. The calls of a batch run as one (they are
/// concurrent upstream), and a batch with a failure ends the run. Returns
/// the successes and the first error.
pub fn slow_start_batch<E>(
    count: usize,
    initial: usize,
    mut f: impl FnMut() -> Result<(), E>,
) -> (usize, Option<E>) {
    let mut remaining = count;
    let mut successes = 0;
    let mut batch = remaining.min(initial.max(1));
    while batch > 0 {
        let mut first_err = None;
        for _ in 0..batch {
            match f() {
                Ok(()) => successes += 1,
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        if first_err.is_some() {
            return (successes, first_err);
        }
        remaining -= batch;
        batch = remaining.min(batch.saturating_mul(2));
    }
    (successes, None)
}

/// The `controller.kubernetes.io/pod-deletion-cost` of a pod; missing or
/// unparsable values count as 0.
pub fn deletion_cost(p: &Pod) -> i32 {
    p.metadata
        .annotation(POD_DELETION_COST_ANNOTATION)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(0)
}

fn phase_ordinal(p: &Pod) -> u8 {
    match p.status.phase {
        PodPhase::Unknown => 1,
        PodPhase::Running => 2,
        _ => 0,
    }
}

fn max_restarts(p: &Pod) -> i32 {
    p.status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

/// `logarithmicRankDiff`: how two instants compare on a log2 scale of their
/// age in nanoseconds, so that pods of about the same age tie.
fn log_rank_diff(t1_ms: i64, t2_ms: i64, now_ms: i64) -> i64 {
    let rank = |t: i64| {
        let d = now_ms.saturating_sub(t).saturating_mul(1_000_000);
        if d > 0 {
            63 - i64::from(d.leading_zeros())
        } else {
            -1
        }
    };
    rank(t1_ms) - rank(t2_ms)
}

/// `afterOrZero`: a missing time sorts first, otherwise the later one.
fn after_or_zero(t1: Option<i64>, t2: Option<i64>) -> bool {
    match (t1, t2) {
        (None, _) | (_, None) => t1.is_none(),
        (Some(a), Some(b)) => a > b,
    }
}

/// A time comparison of rules 6 and 8 with `LogarithmicScaleDown`: ages in
/// the same power-of-two bucket are ordered by uid.
fn newer_first(t1: Option<i64>, t2: Option<i64>, a: &Pod, b: &Pod, now_ms: i64) -> bool {
    match (t1, t2) {
        (Some(x), Some(y)) => {
            let diff = log_rank_diff(x, y, now_ms);
            if diff == 0 {
                a.metadata.uid() < b.metadata.uid()
            } else {
                diff < 0
            }
        }
        _ => after_or_zero(t1, t2),
    }
}

/// `ActivePodsWithRanks.Less`: whether pod `a` (with `rank_a` related pods
/// on its node) should be deleted before pod `b`.
pub fn delete_before(a: &Pod, rank_a: usize, b: &Pod, rank_b: usize, now_ms: i64) -> bool {
    // 1. Unassigned before assigned.
    let (na, nb) = (a.node_name(), b.node_name());
    if na != nb && (na.is_none() || nb.is_none()) {
        return na.is_none();
    }
    // 2. Pending < Unknown < Running.
    if phase_ordinal(a) != phase_ordinal(b) {
        return phase_ordinal(a) < phase_ordinal(b);
    }
    // 3. Not ready before ready.
    if a.is_ready() != b.is_ready() {
        return !a.is_ready();
    }
    // 4. Lower deletion cost first.
    if deletion_cost(a) != deletion_cost(b) {
        return deletion_cost(a) < deletion_cost(b);
    }
    // 5. Doubled-up nodes first.
    if rank_a != rank_b {
        return rank_a > rank_b;
    }
    // 6. Ready for less time first.
    if a.is_ready() && b.is_ready() {
        let (ra, rb) = (
            ready_since(a).map(Time::millis),
            ready_since(b).map(Time::millis),
        );
        if ra != rb {
            return newer_first(ra, rb, a, b, now_ms);
        }
    }
    // 7. More container restarts first.
    if max_restarts(a) != max_restarts(b) {
        return max_restarts(a) > max_restarts(b);
    }
    // 8. Newer first.
    let (ca, cb) = (
        a.metadata.creation_timestamp.map(Time::millis),
        b.metadata.creation_timestamp.map(Time::millis),
    );
    if ca != cb {
        return newer_first(ca, cb, a, b, now_ms);
    }
    false
}

/// `getPodsToDelete`: the `count` pods to delete first, ranked by
/// `delete_before` with ranks from the related pods' nodes.
pub fn pods_to_delete(
    mut pods: Vec<Rc<Pod>>,
    related: &[Rc<Pod>],
    count: usize,
    now_ms: i64,
) -> Vec<Rc<Pod>> {
    if count < pods.len() {
        let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
        for p in related.iter().filter(|p| is_pod_active(p)) {
            *on_node.entry(p.spec.node_name.as_str()).or_default() += 1;
        }
        let rank = |p: &Pod| on_node.get(p.spec.node_name.as_str()).copied().unwrap_or(0);
        pods.sort_by(|a, b| {
            if delete_before(a, rank(a), b, rank(b), now_ms) {
                Ordering::Less
            } else if delete_before(b, rank(b), a, rank(a), now_ms) {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        });
    }
    pods.truncate(count);
    pods
}

/// Whether a create failed only because the namespace is going away (no
/// event is recorded for those).
pub fn namespace_terminating(e: &ApiError) -> bool {
    e.reason == Reason::Forbidden && e.message.ends_with("because it is being terminated")
}

// ---------------------------------------------------------------------------
// The controller

/// What a counted pod contributes to the status.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Counted {
    fully_labeled: bool,
    ready: bool,
    /// When it became Ready (wall ms, second precision), if it is.
    ready_at: Option<i64>,
}

/// The counts of one ReplicaSet, kept up to date between syncs.
#[derive(Default)]
struct Cache {
    uid: String,
    selector: Option<LabelSelector>,
    template_labels: BTreeMap<String, String>,
    /// Active pods it owns that match its selector.
    pods: BTreeMap<String, Counted>,
    fully_labeled: i32,
    ready: i32,
    /// Ready pods by the second they became Ready, for availability.
    ready_at: BTreeMap<i64, i32>,
}

impl Cache {
    fn add(&mut self, name: String, c: Counted) {
        if c.fully_labeled {
            self.fully_labeled += 1;
        }
        if c.ready {
            self.ready += 1;
            if let Some(t) = c.ready_at {
                *self.ready_at.entry(t).or_default() += 1;
            }
        }
        self.pods.insert(name, c);
    }

    fn remove(&mut self, name: &str) {
        let Some(c) = self.pods.remove(name) else {
            return;
        };
        if c.fully_labeled {
            self.fully_labeled -= 1;
        }
        if c.ready {
            self.ready -= 1;
            if let Some(t) = c.ready_at {
                if let Some(n) = self.ready_at.get_mut(&t) {
                    *n -= 1;
                    if *n <= 0 {
                        self.ready_at.remove(&t);
                    }
                }
            }
        }
    }

    fn replicas(&self) -> i32 {
        i32::try_from(self.pods.len()).unwrap_or(i32::MAX)
    }

    /// Ready pods that have been Ready longer than `min_ready` seconds.
    fn available(&self, min_ready: i32, now_ms: i64) -> i32 {
        if min_ready <= 0 {
            return self.ready;
        }
        let limit = now_ms - i64::from(min_ready) * 1000;
        // Strictly before `now`: ready times up to limit - 1.
        self.ready_at.range(..limit).map(|(_, n)| *n).sum()
    }

    /// When the next Ready pod becomes available, as the controller
    /// notices it (upstream requeues a second after minReadySeconds).
    fn next_available(&self, min_ready: i32, now_ms: i64) -> Option<i64> {
        if min_ready <= 0 {
            return None;
        }
        let limit = now_ms - i64::from(min_ready) * 1000;
        self.ready_at
            .range(limit..)
            .next()
            .map(|(t, _)| t + i64::from(min_ready) * 1000 + 1000)
    }
}

/// How a ReplicaSet stands to one pod (`ClaimPods`).
enum Claim {
    Counted(Counted),
    Adopt,
    Release,
    Ignore,
}

fn claim(pod: &Pod, rs: &ReplicaSet) -> Claim {
    if !is_pod_active(pod) {
        return Claim::Ignore;
    }
    let matches = rs
        .spec
        .selector
        .as_ref()
        .is_some_and(|s| s.matches(&pod.metadata.labels));
    let deleting = rs.metadata.deletion_timestamp.is_some();
    match pod.metadata.controller() {
        Some(r) if r.uid == rs.metadata.uid() => {
            if matches {
                let template = &rs.spec.template.metadata.labels;
                let ready = pod.is_ready();
                Claim::Counted(Counted {
                    fully_labeled: template
                        .iter()
                        .all(|(k, v)| pod.metadata.labels.get(k) == Some(v)),
                    ready,
                    ready_at: ready_since(pod).map(Time::millis).filter(|_| ready),
                })
            } else if deleting {
                Claim::Ignore
            } else {
                Claim::Release
            }
        }
        Some(_) => Claim::Ignore,
        None if matches && !deleting => Claim::Adopt,
        None => Claim::Ignore,
    }
}

/// The ReplicaSet controller.
#[derive(Default)]
pub struct ReplicaSets {
    /// Pods changed since their owner's last sync, by ReplicaSet.
    dirty: RefCell<BTreeMap<ObjKey, BTreeSet<String>>>,
    /// Orphan pods some ReplicaSet's selector matches, by namespace.
    orphans: RefCell<BTreeMap<String, BTreeSet<String>>>,
    /// Every ReplicaSet's selector, by namespace, for routing orphans.
    selectors: BTreeMap<String, BTreeMap<String, LabelSelector>>,
    caches: BTreeMap<ObjKey, Cache>,
}

impl ReplicaSets {
    pub fn new() -> ReplicaSets {
        ReplicaSets::default()
    }

    fn pod_changed(
        &self,
        pod: &Pod,
        old: Option<&Pod>,
        typ: WatchType,
        out: &mut Vec<(ObjKey, QueueReason)>,
    ) {
        let ns = pod.namespace();
        let owner = |p: &Pod| {
            p.metadata
                .controller()
                .filter(|r| r.kind == "ReplicaSet" && r.api_version.starts_with("apps/"))
                .map(|r| r.name.clone())
        };
        let mut owners: Vec<String> = owner(pod).into_iter().collect();
        if let Some(o) = old.and_then(owner) {
            if !owners.contains(&o) {
                owners.push(o);
            }
        }
        for name in owners {
            let key = ObjKey::new(ns, &name);
            self.dirty
                .borrow_mut()
                .entry(key.clone())
                .or_default()
                .insert(pod.name().to_string());
            out.push((key, QueueReason::Related(Kind::Pod, pod.name().to_string())));
        }
        // An orphan that appeared, was relabelled or was released: wake the
        // ReplicaSets that would adopt it.
        if pod.metadata.controller().is_some() || typ == WatchType::Deleted || !is_pod_active(pod) {
            return;
        }
        let interesting = match old {
            None => true,
            Some(o) => {
                o.metadata.labels != pod.metadata.labels || o.metadata.controller().is_some()
            }
        };
        if !interesting {
            return;
        }
        let Some(sels) = self.selectors.get(ns) else {
            return;
        };
        for (name, sel) in sels {
            if sel.matches(&pod.metadata.labels) {
                self.orphans
                    .borrow_mut()
                    .entry(ns.to_string())
                    .or_default()
                    .insert(pod.name().to_string());
                out.push((
                    ObjKey::new(ns, name),
                    QueueReason::Related(Kind::Pod, pod.name().to_string()),
                ));
            }
        }
    }

    fn forget(&mut self, key: &ObjKey) {
        self.caches.remove(key);
        if let Some(m) = self.selectors.get_mut(&key.namespace) {
            m.remove(&key.name);
            if m.is_empty() {
                self.selectors.remove(&key.namespace);
                self.orphans.borrow_mut().remove(&key.namespace);
            }
        }
    }

    /// Brings the cache up to date, adopting and releasing on the way.
    /// Returns the first error of those writes.
    fn refresh(
        &mut self,
        key: &ObjKey,
        rs: &ReplicaSet,
        dirty: BTreeSet<String>,
        api: &mut ApiServer,
    ) -> Option<ApiError> {
        let uid = rs.metadata.uid().to_string();
        let fresh = self.caches.get(key).is_none_or(|c| {
            c.uid != uid
                || c.selector != rs.spec.selector
                || c.template_labels != rs.spec.template.metadata.labels
        });
        let mut candidates: BTreeSet<String> = dirty;
        if fresh {
            self.caches.insert(
                key.clone(),
                Cache {
                    uid: uid.clone(),
                    selector: rs.spec.selector.clone(),
                    template_labels: rs.spec.template.metadata.labels.clone(),
                    ..Default::default()
                },
            );
            candidates.extend(
                api.store
                    .dependents_of(&uid)
                    .filter(|(k, _)| *k == Kind::Pod)
                    .map(|(_, k)| k.name.clone()),
            );
            // A new ReplicaSet looks for orphans it should adopt.
            if let Some(sel) = &rs.spec.selector {
                candidates.extend(
                    api.store
                        .table::<Pod>()
                        .iter_ns(Some(&key.namespace))
                        .filter(|(_, p)| {
                            p.metadata.controller().is_none() && sel.matches(&p.metadata.labels)
                        })
                        .map(|(n, _)| n.to_string()),
                );
            }
        }
        // Orphans routed here by their labels.
        if let Some(sel) = &rs.spec.selector {
            let mut orphans = self.orphans.borrow_mut();
            if let Some(set) = orphans.get_mut(&key.namespace) {
                // Ours to look at: those matching our selector. Gone,
                // adopted or finished ones are dropped on the way.
                let mut drop = Vec::new();
                for n in set.iter() {
                    match api.store.get::<Pod>(&key.namespace, n) {
                        Some(p) if sel.matches(&p.metadata.labels) => {
                            candidates.insert(n.clone());
                            drop.push(n.clone());
                        }
                        Some(p) if p.metadata.controller().is_none() && is_pod_active(p) => {}
                        _ => drop.push(n.clone()),
                    }
                }
                for n in drop {
                    set.remove(&n);
                }
                if set.is_empty() {
                    orphans.remove(&key.namespace);
                }
            }
        }
        let mut first_err = None;
        let cache = self.caches.get_mut(key)?;
        for name in candidates {
            cache.remove(&name);
            let Some(pod) = api.store.get::<Pod>(&key.namespace, &name).cloned() else {
                continue;
            };
            match claim(&pod, rs) {
                Claim::Counted(c) => cache.add(name, c),
                Claim::Ignore => {}
                Claim::Adopt => {
                    let mut p = (*pod).clone();
                    p.metadata
                        .owner_references
                        .push(new_controller_ref(ReplicaSet::INFO, &rs.metadata));
                    match api.update(p, &WriteOptions::default()) {
                        Ok(adopted) => {
                            if let Claim::Counted(c) = claim(&adopted, rs) {
                                cache.add(name, c);
                            }
                        }
                        Err(e) if e.reason == Reason::NotFound => {}
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
                Claim::Release => {
                    let mut p = (*pod).clone();
                    p.metadata.owner_references.retain(|r| r.uid != uid);
                    match api.update(p, &WriteOptions::default()) {
                        Ok(_) => {}
                        Err(e) if e.reason == Reason::NotFound => {}
                        Err(e) => {
                            first_err.get_or_insert(e);
                        }
                    }
                }
            }
        }
        first_err
    }

    /// `manageReplicas`: creates or deletes towards `spec.replicas`.
    fn manage_replicas(
        &self,
        key: &ObjKey,
        rs: &ReplicaSet,
        api: &mut ApiServer,
    ) -> Result<(), ApiError> {
        let Some(cache) = self.caches.get(key) else {
            return Ok(());
        };
        let have = cache.pods.len();
        let want = usize::try_from(rs.replicas().max(0)).unwrap_or(0);
        let source = Source::component(COMPONENT);
        if have < want {
            let count = (want - have).min(BURST_REPLICAS);
            let template = pod_from_template(
                &rs.spec.template,
                &key.namespace,
                rs.metadata.name(),
                new_controller_ref(ReplicaSet::INFO, &rs.metadata),
            );
            if template.metadata.labels.is_empty() {
                return Err(ApiError::bad_request("unable to create pods, no labels"));
            }
            let (_, err) = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
                match api.create(template.clone(), &WriteOptions::default()) {
                    Ok(pod) => {
                        api.record_event(
                            object_ref(rs, ""),
                            EventType::Normal,
                            "SuccessfulCreate",
                            format!("Created pod: {}", pod.name()),
                            &source,
                        );
                        Ok(())
                    }
                    // Nothing can be created in a namespace going away.
                    Err(e) if namespace_terminating(&e) => Ok(()),
                    Err(e) => {
                        api.record_event(
                            object_ref(rs, ""),
                            EventType::Warning,
                            "FailedCreate",
                            format!("Error creating: {e}"),
                            &source,
                        );
                        Err(e)
                    }
                }
            });
            return err.map_or(Ok(()), Err);
        }
        if have > want {
            let count = (have - want).min(BURST_REPLICAS);
            let pods: Vec<Rc<Pod>> = cache
                .pods
                .keys()
                .filter_map(|n| api.store.get::<Pod>(&key.namespace, n).cloned())
                .collect();
            let related = related_pods(api, rs);
            let victims = pods_to_delete(pods, &related, count, api.wall_millis());
            let mut first_err = None;
            for pod in victims {
                match api.delete::<Pod>(&key.namespace, pod.name(), &DeleteOptions::default()) {
                    Ok(_) => api.record_event(
                        object_ref(rs, ""),
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("Deleted pod: {}", pod.name()),
                        &source,
                    ),
                    Err(e) if e.reason == Reason::NotFound => {}
                    Err(e) => {
                        api.record_event(
                            object_ref(rs, ""),
                            EventType::Warning,
                            "FailedDelete",
                            format!("Error deleting: {e}"),
                            &source,
                        );
                        first_err.get_or_insert(e);
                    }
                }
            }
            return first_err.map_or(Ok(()), Err);
        }
        Ok(())
    }
}

/// `getIndirectlyRelatedPods`: the pods of every ReplicaSet with the same
/// controller; a ReplicaSet without one has none.
fn related_pods(api: &ApiServer, rs: &ReplicaSet) -> Vec<Rc<Pod>> {
    let Some(owner) = rs.metadata.controller() else {
        return Vec::new();
    };
    let ns = rs.metadata.namespace();
    let mut out = Vec::new();
    let siblings: Vec<String> = api
        .store
        .dependents_of(&owner.uid)
        .filter(|(k, _)| *k == Kind::ReplicaSet)
        .filter_map(|(_, k)| api.store.get::<ReplicaSet>(&k.namespace, &k.name))
        .filter(|s| is_controlled_by(&s.metadata, &owner.uid))
        .map(|s| s.metadata.uid().to_string())
        .collect();
    for uid in siblings {
        out.extend(
            api.store
                .dependents_of(&uid)
                .filter(|(k, _)| *k == Kind::Pod)
                .filter_map(|(_, k)| api.store.get::<Pod>(ns, &k.name).cloned())
                .filter(|p| is_controlled_by(&p.metadata, &uid)),
        );
    }
    out
}

const REPLICA_FAILURE: &str = "ReplicaFailure";

impl Controller for ReplicaSets {
    fn id(&self) -> CtrlId {
        CtrlId::ReplicaSet
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::ReplicaSet(rs) => out.push((
                ObjKey::of(&rs.metadata),
                QueueReason::Changed(Kind::ReplicaSet, ev.typ),
            )),
            Object::Pod(pod) => {
                let old = match &ev.old {
                    Some(Object::Pod(o)) => Some(&**o),
                    _ => None,
                };
                self.pod_changed(pod, old, ev.typ, out);
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let dirty = self.dirty.borrow_mut().remove(key).unwrap_or_default();
        let Some(rs) = api
            .store
            .get::<ReplicaSet>(&key.namespace, &key.name)
            .cloned()
        else {
            self.forget(key);
            return Ok(Action::AwaitChange);
        };
        if let Some(sel) = &rs.spec.selector {
            self.selectors
                .entry(key.namespace.clone())
                .or_default()
                .insert(key.name.clone(), sel.clone());
        }
        let claim_err = self.refresh(key, &rs, dirty, api);
        // Counts as they were before this sync's creates and deletes, as
        // upstream computes the status from the pods it listed.
        let now = api.wall_millis();
        let min_ready = rs.spec.min_ready_seconds;
        let (replicas, fully_labeled, ready, available, next) = match self.caches.get(key) {
            Some(c) => (
                c.replicas(),
                c.fully_labeled,
                c.ready,
                c.available(min_ready, now),
                c.next_available(min_ready, now),
            ),
            None => (0, 0, 0, 0, None),
        };
        let manage = if rs.metadata.deletion_timestamp.is_none() {
            self.manage_replicas(key, &rs, api)
        } else {
            Ok(())
        };

        let mut status = rs.status.clone();
        let has_failure = status.conditions.iter().any(|c| c.type_ == REPLICA_FAILURE);
        match &manage {
            Err(e) if !has_failure => {
                let desired = rs.replicas();
                let reason = if replicas < desired {
                    "FailedCreate"
                } else if replicas > desired {
                    "FailedDelete"
                } else {
                    ""
                };
                status.conditions.push(ReplicaSetCondition {
                    type_: REPLICA_FAILURE.to_string(),
                    status: ConditionStatus::True,
                    last_transition_time: Some(api.time()),
                    reason: reason.to_string(),
                    message: e.to_string(),
                });
            }
            Ok(()) if has_failure => status.conditions.retain(|c| c.type_ != REPLICA_FAILURE),
            _ => {}
        }
        status.replicas = replicas;
        status.fully_labeled_replicas = fully_labeled;
        status.ready_replicas = ready;
        status.available_replicas = available;
        let generation = rs.metadata.generation.unwrap_or(0);
        let unchanged = status.replicas == rs.status.replicas
            && status.fully_labeled_replicas == rs.status.fully_labeled_replicas
            && status.ready_replicas == rs.status.ready_replicas
            && status.available_replicas == rs.status.available_replicas
            && generation == rs.status.observed_generation
            && status.conditions == rs.status.conditions;
        if !unchanged {
            // The ReplicaSet may have changed during the sync (adoption
            // writes do not touch it, but be safe with a fresh copy).
            if let Some(latest) = api
                .store
                .get::<ReplicaSet>(&key.namespace, &key.name)
                .cloned()
            {
                let mut updated = (*latest).clone();
                status.observed_generation = latest.metadata.generation.unwrap_or(0);
                updated.status = status;
                api.write_status(updated)?;
            }
        }
        manage?;
        if let Some(e) = claim_err {
            return Err(e);
        }
        Ok(match next {
            Some(due) => Action::RequeueAfter((due - now).max(1)),
            None => Action::AwaitChange,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::corev1::{ContainerStatus, PodCondition};

    const NOW: i64 = 1_000_000_000;

    struct P {
        name: &'static str,
        node: &'static str,
        phase: PodPhase,
        ready_secs_ago: Option<i64>,
        cost: Option<&'static str>,
        restarts: i32,
        created_secs_ago: i64,
    }

    impl Default for P {
        fn default() -> Self {
            P {
                name: "",
                node: "node01",
                phase: PodPhase::Running,
                ready_secs_ago: Some(100),
                cost: None,
                restarts: 0,
                created_secs_ago: 200,
            }
        }
    }

    fn pod(p: P) -> Rc<Pod> {
        let mut pod = Pod::default();
        pod.metadata.name = Some(p.name.to_string());
        pod.metadata.uid = Some(format!("uid-{}", p.name));
        pod.metadata.creation_timestamp = Some(Time((NOW / 1000) - p.created_secs_ago));
        pod.spec.node_name = p.node.to_string();
        pod.status.phase = p.phase;
        if let Some(c) = p.cost {
            pod.metadata
                .annotations
                .insert(POD_DELETION_COST_ANNOTATION.to_string(), c.to_string());
        }
        pod.status.conditions.push(PodCondition {
            type_: "Ready".to_string(),
            status: if p.ready_secs_ago.is_some() {
                "True"
            } else {
                "False"
            }
            .to_string(),
            last_transition_time: p.ready_secs_ago.map(|s| Time(NOW / 1000 - s)),
            ..Default::default()
        });
        pod.status.container_statuses.push(ContainerStatus {
            name: "app".to_string(),
            restart_count: p.restarts,
            ..Default::default()
        });
        Rc::new(pod)
    }

    #[test]
    fn victims_follow_the_active_pods_ranking() {
        // (case, pod deleted first, pod kept)
        let cases: Vec<(&str, P, P)> = vec![
            (
                "an unassigned pod goes before an assigned one",
                P {
                    name: "a",
                    node: "",
                    phase: PodPhase::Pending,
                    ready_secs_ago: None,
                    ..P::default()
                },
                P {
                    name: "b",
                    ..P::default()
                },
            ),
            (
                "a pending pod goes before a running one",
                P {
                    name: "a",
                    phase: PodPhase::Pending,
                    ready_secs_ago: None,
                    ..P::default()
                },
                P {
                    name: "b",
                    ready_secs_ago: None,
                    ..P::default()
                },
            ),
            (
                "an unknown pod goes before a running one",
                P {
                    name: "a",
                    phase: PodPhase::Unknown,
                    ..P::default()
                },
                P {
                    name: "b",
                    ..P::default()
                },
            ),
            (
                "a pod that is not ready goes before a ready one",
                P {
                    name: "a",
                    ready_secs_ago: None,
                    ..P::default()
                },
                P {
                    name: "b",
                    ..P::default()
                },
            ),
            (
                "a lower deletion cost goes first",
                P {
                    name: "a",
                    cost: Some("-5"),
                    ..P::default()
                },
                P {
                    name: "b",
                    ..P::default()
                },
            ),
            (
                "deletion cost outranks how long a pod has been ready",
                P {
                    name: "a",
                    cost: Some("1"),
                    ready_secs_ago: Some(10_000),
                    ..P::default()
                },
                P {
                    name: "b",
                    cost: Some("100"),
                    ready_secs_ago: Some(1),
                    ..P::default()
                },
            ),
            (
                "an unparsable deletion cost counts as zero",
                P {
                    name: "a",
                    cost: Some("cheap"),
                    ..P::default()
                },
                P {
                    name: "b",
                    cost: Some("1"),
                    ..P::default()
                },
            ),
            (
                "a pod on a doubled-up node goes first",
                P {
                    name: "a",
                    node: "node02",
                    ..P::default()
                },
                P {
                    name: "b",
                    node: "node01",
                    ..P::default()
                },
            ),
            (
                "a pod ready for less time goes first",
                P {
                    name: "a",
                    ready_secs_ago: Some(10),
                    ..P::default()
                },
                P {
                    name: "b",
                    ready_secs_ago: Some(1000),
                    ..P::default()
                },
            ),
            (
                "more restarts go first",
                P {
                    name: "a",
                    restarts: 3,
                    ..P::default()
                },
                P {
                    name: "b",
                    restarts: 1,
                    ..P::default()
                },
            ),
            (
                "the newer pod goes first",
                P {
                    name: "a",
                    ready_secs_ago: None,
                    created_secs_ago: 10,
                    ..P::default()
                },
                P {
                    name: "b",
                    ready_secs_ago: None,
                    created_secs_ago: 5000,
                    ..P::default()
                },
            ),
            (
                "ages in the same power-of-two bucket tie and fall back to the uid",
                P {
                    name: "a",
                    ready_secs_ago: None,
                    created_secs_ago: 700,
                    ..P::default()
                },
                P {
                    name: "b",
                    ready_secs_ago: None,
                    created_secs_ago: 600,
                    ..P::default()
                },
            ),
        ];
        for (name, first, kept) in cases {
            let first_name = first.name;
            let a = pod(first);
            let b = pod(kept);
            // node02 carries two related pods in the doubled-up case.
            let extra = pod(P {
                name: "x",
                node: "node02",
                ..P::default()
            });
            let related = vec![a.clone(), b.clone(), extra];
            for order in [vec![a.clone(), b.clone()], vec![b.clone(), a.clone()]] {
                let victims = pods_to_delete(order, &related, 1, NOW);
                assert_eq!(victims[0].name(), first_name, "{name}");
            }
        }
    }

    #[test]
    fn slow_start_doubles_batches_and_stops_after_a_failing_batch() {
        // (case, count, the call that fails, successes, calls made)
        let cases = [
            ("all succeed", 10, None, 10, 10),
            ("the first call fails", 10, Some(1), 0, 1),
            (
                "the third call fails inside the batch of two",
                10,
                Some(3),
                2,
                3,
            ),
            (
                "the fifth call fails: the batch of four still finishes",
                20,
                Some(5),
                6,
                7,
            ),
            ("a burst of 500 goes in 9 batches", 500, None, 500, 500),
        ];
        for (name, count, fail_at, want_ok, want_calls) in cases {
            let mut calls = 0;
            let (ok, err) = slow_start_batch(count, 1, || {
                calls += 1;
                if Some(calls) == fail_at {
                    Err(())
                } else {
                    Ok(())
                }
            });
            assert_eq!((ok, calls), (want_ok, want_calls), "{name}");
            assert_eq!(err.is_some(), fail_at.is_some(), "{name}");
        }
    }

    #[test]
    fn availability_needs_ready_for_longer_than_min_ready_seconds() {
        let p = pod(P {
            name: "a",
            ready_secs_ago: Some(10),
            ..P::default()
        });
        let cases = [
            ("no minimum: ready is available", 0, true),
            ("ready longer than the minimum", 9, true),
            (
                "ready exactly as long as the minimum is not enough",
                10,
                false,
            ),
            ("ready for less than the minimum", 30, false),
        ];
        for (name, min_ready, want) in cases {
            assert_eq!(is_pod_available(&p, min_ready, NOW), want, "{name}");
        }
    }
}
