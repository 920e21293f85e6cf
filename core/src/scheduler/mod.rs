//! kube-scheduler: a queue of pods to place, the default profile's filters
//! and scores over a cached view of nodes, binding, and the FailedScheduling
//! message with the real wording. Every decision keeps its per-node "why".

mod cache;
pub mod plugins;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use crate::api::corev1::{Node, Pod, PodCondition};
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiServer, Millis};
use crate::sim::{Task, Timers};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};
pub use cache::Cache;
use plugins::{Rejection, Scores};

/// How long after a pod appears the scheduler acts on it.
const REACTION: Millis = 20;
/// Unschedulable pods are retried at least this often.
const MAX_UNSCHEDULABLE: Millis = 5 * 60_000;
const INITIAL_BACKOFF: Millis = 1_000;
const MAX_BACKOFF: Millis = 10_000;

/// What the scheduler decided for one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeVerdict {
    pub node: String,
    pub rejection: Option<Rejection>,
    pub scores: Option<Scores>,
}

/// One scheduling attempt, for the UI's "why".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub at: Millis,
    /// The chosen node, or the FailedScheduling message.
    pub outcome: Result<String, String>,
    pub nodes: Vec<NodeVerdict>,
}

/// The scheduler's own timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchedTask {
    /// Place every pod in the active queue.
    Cycle,
    /// Move unschedulable pods whose back-off ended back to the queue.
    Flush,
}

#[derive(Clone, Debug)]
struct Waiting {
    attempts: u32,
    since: Millis,
    /// A cluster change since the last attempt makes a retry worthwhile.
    kicked: bool,
}

#[derive(Default)]
pub struct Scheduler {
    cache: Cache,
    active: BTreeSet<(i64, u64, ObjKey)>,
    queued: BTreeMap<ObjKey, (i64, u64)>,
    unschedulable: BTreeMap<ObjKey, Waiting>,
    seq: u64,
    next_start: usize,
    cycle_pending: bool,
    /// When the planned flush of unschedulable pods runs.
    flush_at: Option<Millis>,
    decisions: BTreeMap<ObjKey, Decision>,
    /// Attempts so far of pods moved back to the queue for a retry.
    pending_attempts: BTreeMap<ObjKey, u32>,
    /// Keep decisions (the UI wants them; benchmarks do not).
    pub keep_decisions: bool,
    /// Pods placed on a node but waiting for their claims to be bound there
    /// (VolumeBinding's PreBind), with their queue priority.
    waiting_for_volumes: BTreeMap<ObjKey, (String, i64)>,
}

fn wants_scheduling(pod: &Pod) -> bool {
    pod.spec.node_name.is_empty()
        && pod.metadata.deletion_timestamp.is_none()
        && (pod.spec.scheduler_name.is_empty() || pod.spec.scheduler_name == "default-scheduler")
        && !pod.is_terminal()
}

impl Scheduler {
    pub fn new() -> Scheduler {
        Scheduler {
            keep_decisions: true,
            ..Default::default()
        }
    }

    pub fn decision(&self, key: &ObjKey) -> Option<&Decision> {
        self.decisions.get(key)
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Reacts to a change in the store.
    pub fn on_event(&mut self, ev: &WatchEvent, timers: &mut Timers, now: Millis) {
        match (&ev.object, ev.typ) {
            (Object::Node(n), WatchType::Deleted) => {
                self.cache.remove_node(n.name());
            }
            (Object::Node(n), _) => {
                self.cache.upsert_node(n.clone());
                // A heartbeat alone changes nothing a pod could use
                // (`nodeSchedulingPropertiesChange`).
                let relevant = match &ev.old {
                    Some(Object::Node(old)) => scheduling_properties_changed(old, n),
                    _ => true,
                };
                if relevant {
                    self.kick(timers, now);
                }
            }
            (Object::Pod(p), WatchType::Deleted) => {
                let key = ObjKey::of(&p.metadata);
                let was_placed = p.node_name().is_some();
                self.cache.remove_pod(&key);
                self.forget(&key);
                if was_placed {
                    self.kick(timers, now);
                }
            }
            (Object::Pod(p), _) => {
                let key = ObjKey::of(&p.metadata);
                if p.node_name().is_some() {
                    let freed = p.is_terminal();
                    self.cache.upsert_pod(p.clone());
                    self.forget(&key);
                    if freed {
                        self.kick(timers, now);
                    }
                } else if wants_scheduling(p) {
                    let changed = ev.old.as_ref().is_none_or(|o| match o {
                        Object::Pod(old) => {
                            old.spec != p.spec || old.metadata.labels != p.metadata.labels
                        }
                        _ => true,
                    });
                    if self.unschedulable.contains_key(&key) {
                        if changed {
                            self.unschedulable.remove(&key);
                            self.enqueue(key, p, timers, now);
                        }
                    } else if !self.queued.contains_key(&key) {
                        self.enqueue(key, p, timers, now);
                    }
                } else {
                    self.forget(&key);
                }
            }
            (
                Object::PersistentVolumeClaim(_) | Object::PersistentVolume(_) | Object::Service(_),
                _,
            ) => {
                if matches!(ev.object, Object::PersistentVolumeClaim(_)) {
                    let waiting: Vec<(ObjKey, i64)> = self
                        .waiting_for_volumes
                        .iter()
                        .filter(|(k, _)| !self.queued.contains_key(*k))
                        .map(|(k, (_, prio))| (k.clone(), *prio))
                        .collect();
                    for (key, prio) in waiting {
                        self.enqueue_with(key, prio, timers, now);
                    }
                }
                self.kick(timers, now)
            }
            _ => {}
        }
    }

    fn enqueue(&mut self, key: ObjKey, pod: &Pod, timers: &mut Timers, now: Millis) {
        let prio = -i64::from(pod.spec.priority.unwrap_or(0));
        self.enqueue_with(key, prio, timers, now);
    }

    fn enqueue_with(&mut self, key: ObjKey, prio: i64, timers: &mut Timers, now: Millis) {
        self.seq += 1;
        self.active.insert((prio, self.seq, key.clone()));
        self.queued.insert(key, (prio, self.seq));
        if !self.cycle_pending {
            self.cycle_pending = true;
            timers.at(now + REACTION, Task::Scheduler(SchedTask::Cycle));
        }
    }

    fn forget(&mut self, key: &ObjKey) {
        if let Some((prio, seq)) = self.queued.remove(key) {
            self.active.remove(&(prio, seq, key.clone()));
        }
        self.unschedulable.remove(key);
        self.waiting_for_volumes.remove(key);
    }

    /// A cluster change: unschedulable pods may fit now.
    fn kick(&mut self, timers: &mut Timers, now: Millis) {
        if self.unschedulable.is_empty() {
            return;
        }
        for w in self.unschedulable.values_mut() {
            w.kicked = true;
        }
        // An earlier flush than the one planned (which may be minutes away,
        // for pods that nothing had kicked yet).
        let at = now + REACTION;
        if self.flush_at.is_none_or(|t| t > at) {
            self.flush_at = Some(at);
            timers.at(at, Task::Scheduler(SchedTask::Flush));
        }
    }

    pub fn run(&mut self, task: SchedTask, api: &mut ApiServer, timers: &mut Timers) {
        match task {
            SchedTask::Cycle => {
                self.cycle_pending = false;
                while let Some((prio, seq, key)) = self.active.pop_first() {
                    self.queued.remove(&key);
                    let _ = (prio, seq);
                    self.schedule_one(&key, api);
                }
                self.plan_flush(api.now(), timers);
            }
            SchedTask::Flush => {
                let now = api.now();
                // A timer superseded by an earlier flush.
                if self.flush_at != Some(now) {
                    return;
                }
                self.flush_at = None;
                let due: Vec<ObjKey> = self
                    .unschedulable
                    .iter()
                    .filter(|(_, w)| {
                        let backoff = backoff(w.attempts);
                        (w.kicked && now >= w.since + backoff) || now >= w.since + MAX_UNSCHEDULABLE
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                for key in due {
                    if let Some(pod) = api.store.get::<Pod>(&key.namespace, &key.name).cloned() {
                        let attempts = self.unschedulable.get(&key).map_or(0, |w| w.attempts);
                        self.unschedulable.remove(&key);
                        if wants_scheduling(&pod) {
                            self.enqueue(key.clone(), &pod, timers, now);
                            self.pending_attempts.insert(key, attempts);
                        }
                    } else {
                        self.unschedulable.remove(&key);
                    }
                }
                self.plan_flush(now, timers);
            }
        }
    }

    /// Keeps one flush timer for the earliest retry due.
    fn plan_flush(&mut self, now: Millis, timers: &mut Timers) {
        if self.flush_at.is_some() {
            return;
        }
        let next = self
            .unschedulable
            .values()
            .map(|w| {
                if w.kicked {
                    w.since + backoff(w.attempts)
                } else {
                    w.since + MAX_UNSCHEDULABLE
                }
            })
            .min();
        if let Some(t) = next {
            let at = t.max(now + 1);
            self.flush_at = Some(at);
            timers.at(at, Task::Scheduler(SchedTask::Flush));
        }
    }

    fn schedule_one(&mut self, key: &ObjKey, api: &mut ApiServer) {
        let Some(pod) = api.store.get::<Pod>(&key.namespace, &key.name).cloned() else {
            return;
        };
        if !wants_scheduling(&pod) {
            return;
        }
        let now = api.now();
        if let Some((node, _)) = self.waiting_for_volumes.get(key).cloned() {
            match volume_prefilter(&pod, api) {
                Ok(v) if v.delayed.is_empty() => {
                    self.waiting_for_volumes.remove(key);
                    self.bind(&pod, &node, api);
                    return;
                }
                Ok(_) => return,
                // A claim went away meanwhile: schedule afresh, which reports it.
                Err(_) => {
                    self.waiting_for_volumes.remove(key);
                }
            }
        }
        if !pod.spec.scheduling_gates.is_empty() {
            set_scheduled_condition(
                api,
                &pod,
                "False",
                "SchedulingGated",
                "Scheduling is blocked due to non-empty scheduling gates",
            );
            return;
        }
        let (outcome, verdicts) = self.find_node(&pod, api);
        if self.keep_decisions {
            self.decisions.insert(
                key.clone(),
                Decision {
                    at: now,
                    outcome: outcome.clone(),
                    nodes: verdicts,
                },
            );
        }
        match outcome {
            Ok(node) => self.bind(&pod, &node, api),
            Err(message) => {
                let attempts = self.pending_attempts.remove(key).unwrap_or(0) + 1;
                self.unschedulable.insert(
                    key.clone(),
                    Waiting {
                        attempts,
                        since: now,
                        kicked: false,
                    },
                );
                set_scheduled_condition(api, &pod, "False", "Unschedulable", &message);
                if let Some(p) = api.store.get::<Pod>(&key.namespace, &key.name).cloned() {
                    api.record_event(
                        object_ref(&*p, ""),
                        EventType::Warning,
                        "FailedScheduling",
                        message,
                        &Source::scheduler("Scheduling"),
                    );
                }
            }
        }
    }

    /// Filters and scores nodes; returns the chosen node or the
    /// FailedScheduling message, with the per-node verdicts.
    fn find_node(
        &mut self,
        pod: &Pod,
        api: &mut ApiServer,
    ) -> (Result<String, String>, Vec<NodeVerdict>) {
        let names: Vec<String> = self.cache.node_names().to_vec();
        let total = names.len();
        if total == 0 {
            return (
                Err("no nodes available to schedule pods".to_string()),
                Vec::new(),
            );
        }
        let volumes = match volume_prefilter(pod, api) {
            Ok(v) => v,
            Err(msg) => {
                let message = format!(
                    "0/{total} nodes are available: {msg}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.."
                );
                return (Err(message), Vec::new());
            }
        };
        let want = feasible_to_find(total);
        let mut verdicts = Vec::new();
        let mut feasible: Vec<&cache::NodeInfo> = Vec::new();
        let mut processed = 0;
        let spread_hard = pod
            .spec
            .topology_spread_constraints
            .iter()
            .any(|c| c.when_unsatisfiable != "ScheduleAnyway");
        let hard_counts = if spread_hard {
            let all: Vec<&cache::NodeInfo> = self.cache.nodes().collect();
            plugins::spread_counts(pod, &self.cache, &all)
        } else {
            Vec::new()
        };
        for i in 0..total {
            if feasible.len() >= want {
                break;
            }
            let name = &names[(self.next_start + i) % total];
            processed += 1;
            let Some(info) = self.cache.get(name) else {
                continue;
            };
            let result = plugins::filter(pod, info, &self.cache)
                .and_then(|()| volumes.filter(&info.node))
                .and_then(|()| plugins::spread_filter(pod, info, &hard_counts));
            match result {
                Ok(()) => feasible.push(info),
                Err(r) => {
                    if self.keep_decisions || feasible.is_empty() {
                        verdicts.push(NodeVerdict {
                            node: name.clone(),
                            rejection: Some(r),
                            scores: None,
                        });
                    }
                }
            }
        }
        self.next_start = (self.next_start + processed) % total;
        if feasible.is_empty() {
            return (Err(fit_error(total, &verdicts)), verdicts);
        }
        let spread = plugins::spread_counts(pod, &self.cache, &feasible);
        let scores = plugins::score(pod, &feasible, &spread);
        let best = scores.iter().map(|s| s.total).max().unwrap_or(0);
        // Ties go to a random node among the best, as selectHost does.
        let mut chosen = 0;
        let mut seen = 0u64;
        for (i, s) in scores.iter().enumerate() {
            if s.total == best {
                seen += 1;
                if api.rng().below(seen) == 0 {
                    chosen = i;
                }
            }
        }
        let node = feasible[chosen].node.name().to_string();
        if self.keep_decisions {
            for (info, s) in feasible.iter().zip(scores) {
                verdicts.push(NodeVerdict {
                    node: info.node.name().to_string(),
                    rejection: None,
                    scores: Some(s),
                });
            }
            verdicts.sort_by(|a, b| a.node.cmp(&b.node));
        }
        (Ok(node), verdicts)
    }

    fn bind(&mut self, pod: &Rc<Pod>, node: &str, api: &mut ApiServer) {
        // Claims that wait for their first consumer learn the chosen node;
        // the pod is bound once the volumes are (VolumeBinding PreBind).
        if let Ok(v) = volume_prefilter(pod, api) {
            if !v.delayed.is_empty() {
                for claim in &v.delayed {
                    if claim.metadata.annotation(SELECTED_NODE) != Some(node) {
                        let mut c = (**claim).clone();
                        c.metadata
                            .annotations
                            .insert(SELECTED_NODE.to_string(), node.to_string());
                        let _ = api.update(c, &crate::apiserver::WriteOptions::default());
                    }
                }
                let prio = -i64::from(pod.spec.priority.unwrap_or(0));
                self.waiting_for_volumes
                    .insert(ObjKey::of(&pod.metadata), (node.to_string(), prio));
                return;
            }
        }
        let mut p = (**pod).clone();
        p.spec.node_name = node.to_string();
        upsert_condition(&mut p, "PodScheduled", "True", "", "", api);
        let Ok(bound) = api.write_status(p) else {
            return;
        };
        // Assume the pod at once so the next pod in this cycle sees it.
        self.cache.upsert_pod(bound.clone());
        api.record_event(
            object_ref(&*bound, ""),
            EventType::Normal,
            "Scheduled",
            format!(
                "Successfully assigned {}/{} to {node}",
                bound.namespace(),
                bound.name()
            ),
            &Source::scheduler("Binding"),
        );
    }
}

fn backoff(attempts: u32) -> Millis {
    let exp = attempts.saturating_sub(1).min(10);
    (INITIAL_BACKOFF << exp).min(MAX_BACKOFF)
}

/// `numFeasibleNodesToFind` with the adaptive default percentage.
fn feasible_to_find(total: usize) -> usize {
    if total < 100 {
        return total;
    }
    let pct = (50 - (total / 125) as i64).max(5) as usize;
    (total * pct / 100).max(100)
}

/// `FitError.Error()` plus DefaultPreemption's message.
fn fit_error(total: usize, verdicts: &[NodeVerdict]) -> String {
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut unresolvable = 0;
    let mut no_victims = 0;
    for v in verdicts {
        if let Some(r) = &v.rejection {
            for reason in &r.reasons {
                *reasons.entry(reason.clone()).or_default() += 1;
            }
            if r.unresolvable {
                unresolvable += 1;
            } else {
                no_victims += 1;
            }
        }
    }
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    let mut pre = Vec::new();
    if unresolvable > 0 {
        pre.push(format!(
            "{unresolvable} Preemption is not helpful for scheduling"
        ));
    }
    if no_victims > 0 {
        pre.push(format!(
            "{no_victims} No preemption victims found for incoming pod"
        ));
    }
    pre.sort();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}..",
        parts.join(", "),
        pre.join(", ")
    )
}

/// The node a claim that waits for its first consumer is to be bound on.
const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";

/// What the VolumeBinding plugin learned about a pod's claims.
#[derive(Default)]
struct VolumeCheck {
    /// Unbound claims whose class binds on first consumer.
    delayed: Vec<Rc<crate::api::corev1::PersistentVolumeClaim>>,
    /// Node constraints of the volumes already bound.
    node_affinity: Vec<crate::api::corev1::NodeSelector>,
}

impl VolumeCheck {
    /// The VolumeBinding filter: bound volumes must be reachable from the node.
    fn filter(&self, node: &Node) -> Result<(), plugins::Rejection> {
        let fits = self.node_affinity.iter().all(|sel| {
            sel.node_selector_terms
                .iter()
                .any(|t| plugins::term_matches(t, node))
        });
        if fits {
            Ok(())
        } else {
            Err(plugins::Rejection {
                plugin: "VolumeBinding",
                reasons: vec!["node(s) had volume node affinity conflict".to_string()],
                unresolvable: true,
            })
        }
    }
}

/// The VolumeBinding plugin's PreFilter: claims must exist; unbound claims
/// must wait for their first consumer, or for a volume.
fn volume_prefilter(pod: &Pod, api: &ApiServer) -> Result<VolumeCheck, String> {
    use crate::api::corev1::{PersistentVolume, PersistentVolumeClaim};
    use crate::api::storagev1::StorageClass;
    let mut check = VolumeCheck::default();
    for v in &pod.spec.volumes {
        let Some(src) = &v.persistent_volume_claim else {
            continue;
        };
        match api
            .store
            .get::<PersistentVolumeClaim>(pod.namespace(), &src.claim_name)
        {
            None => {
                return Err(format!(
                    "persistentvolumeclaim \"{}\" not found",
                    src.claim_name
                ))
            }
            Some(c) if c.metadata.deletion_timestamp.is_some() => {
                return Err(format!(
                    "persistentvolumeclaim \"{}\" is being deleted",
                    src.claim_name
                ))
            }
            Some(c) if c.spec.volume_name.is_empty() || c.status.phase != "Bound" => {
                let class = c.spec.storage_class_name.as_deref().unwrap_or("");
                let delayed = c.spec.volume_name.is_empty()
                    && !class.is_empty()
                    && api
                        .store
                        .get::<StorageClass>("", class)
                        .is_some_and(|sc| sc.waits_for_first_consumer());
                if !delayed {
                    return Err("pod has unbound immediate PersistentVolumeClaims".to_string());
                }
                check.delayed.push(c.clone());
            }
            Some(c) => {
                if let Some(sel) = api
                    .store
                    .get::<PersistentVolume>("", &c.spec.volume_name)
                    .and_then(|pv| pv.spec.node_affinity.as_ref())
                    .and_then(|a| a.required.clone())
                {
                    check.node_affinity.push(sel);
                }
            }
        }
    }
    Ok(check)
}

/// Sets a pod condition, keeping its transition time when the status stays.
pub fn upsert_condition(
    pod: &mut Pod,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    api: &ApiServer,
) {
    let now = api.time();
    match pod.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Some(now);
            }
            c.status = status.to_string();
            c.reason = reason.to_string();
            c.message = message.to_string();
        }
        None => pod.status.conditions.push(PodCondition {
            type_: type_.to_string(),
            status: status.to_string(),
            last_probe_time: None,
            last_transition_time: Some(now),
            reason: reason.to_string(),
            message: message.to_string(),
        }),
    }
}

fn set_scheduled_condition(
    api: &mut ApiServer,
    pod: &Pod,
    status: &str,
    reason: &str,
    message: &str,
) {
    let mut p = pod.clone();
    upsert_condition(&mut p, "PodScheduled", status, reason, message, api);
    let _ = api.write_status(p);
}

/// Pod and node kinds the scheduler watches.
pub const WATCHED: &[Kind] = &[
    Kind::Pod,
    Kind::Node,
    Kind::PersistentVolumeClaim,
    Kind::PersistentVolume,
    Kind::Service,
];

impl Scheduler {
    /// For tests: the node list as the scheduler sees it.
    pub fn known_nodes(&self) -> Vec<Rc<Node>> {
        self.cache.nodes().map(|i| i.node.clone()).collect()
    }
}

/// Whether a node update can make an unschedulable pod fit: its
/// schedulability, taints, labels, allocatable resources or condition
/// statuses changed (heartbeat times do not count).
fn scheduling_properties_changed(
    old: &crate::api::corev1::Node,
    new: &crate::api::corev1::Node,
) -> bool {
    let statuses = |n: &crate::api::corev1::Node| {
        n.status
            .conditions
            .iter()
            .map(|c| (c.type_.clone(), c.status.clone()))
            .collect::<Vec<_>>()
    };
    old.spec.unschedulable != new.spec.unschedulable
        || old.spec.taints != new.spec.taints
        || old.metadata.labels != new.metadata.labels
        || old.status.allocatable != new.status.allocatable
        || statuses(old) != statuses(new)
}
