//! What happens when a node goes quiet: the node lifecycle controller
//! (`pkg/controller/nodelifecycle`) marks a node whose kubelet stopped
//! renewing its lease `Unknown`, taints it `node.kubernetes.io/unreachable`
//! and marks its pods not ready; the taint eviction controller
//! (`pkg/controller/tainteviction`) deletes pods that do not tolerate a
//! NoExecute taint, after their `tolerationSeconds`; the pod garbage
//! collector (`pkg/controller/podgc`) removes pods bound to nodes that no
//! longer exist.
//!
//! Leases are not stored as objects. A running kubelet renews its lease
//! every 10 s, so a running node's lease is always fresh; the cluster
//! records when a kubelet stops, and the controller only ever looks at
//! those nodes, so health checks cost nothing while all is well. The
//! kubelet still posts its node status (heartbeat times) every 5 minutes,
//! as a real one does when nothing changes.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{Node, NodeCondition, Pod, PodCondition, PodPhase, Taint};
use crate::api::resource::Resource;
use crate::api::time::Time;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::scheduler::plugins::toleration_matches;
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// How often a kubelet renews its lease.
pub const LEASE_RENEW_INTERVAL: Millis = 10_000;
/// How long a node may stay silent before it is `Unknown`
/// (`--node-monitor-grace-period`: 50 s since v1.32, 40 s before).
pub const NODE_MONITOR_GRACE_PERIOD: Millis = 50_000;
/// How often the controller checks node health (`--node-monitor-period`).
pub const NODE_MONITOR_PERIOD: Millis = 5_000;
/// One node gets NoExecute-tainted per this long (`--node-eviction-rate`
/// 0.1 per second, burst 1).
const EVICTION_INTERVAL: Millis = 10_000;
/// Zones with more unready nodes than this share are partially disrupted
/// (`--unhealthy-zone-threshold`).
const UNHEALTHY_ZONE_THRESHOLD: f64 = 0.55;
/// Clusters up to this size stop evicting in a partially disrupted zone
/// (`--large-cluster-size-threshold`).
const LARGE_CLUSTER_THRESHOLD: usize = 50;
/// How long a node must be gone before its pods are collected.
const POD_GC_QUARANTINE: Millis = 40_000;
/// The pod garbage collector's period.
const POD_GC_PERIOD: Millis = 20_000;

pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";

const NODE_CONDITIONS: [&str; 4] = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct LeaseState {
    /// When the kubelet started renewing.
    since: Millis,
    /// When it stopped, if it did.
    stopped_at: Option<Millis>,
}

/// The node leases: whether each kubelet renews, and since when.
#[derive(Clone, Default)]
pub struct Leases(Rc<RefCell<BTreeMap<String, LeaseState>>>);

impl Leases {
    /// A kubelet started (or restarted) renewing.
    pub fn start(&self, node: &str, now: Millis) {
        self.0.borrow_mut().insert(
            node.to_string(),
            LeaseState {
                since: now,
                stopped_at: None,
            },
        );
    }

    /// A kubelet stopped renewing.
    pub fn stop(&self, node: &str, now: Millis) {
        let mut m = self.0.borrow_mut();
        let st = m.entry(node.to_string()).or_default();
        if st.stopped_at.is_none() {
            st.stopped_at = Some(now);
        }
    }

    pub fn remove(&self, node: &str) {
        self.0.borrow_mut().remove(node);
    }

    /// The last renewal at `now`, in cluster time: now for a renewing
    /// kubelet, else its last 10 s tick before it stopped.
    pub fn renewed_at(&self, node: &str, now: Millis) -> Millis {
        match self.0.borrow().get(node) {
            Some(LeaseState {
                since,
                stopped_at: Some(stop),
            }) => since + (stop - since).div_euclid(LEASE_RENEW_INTERVAL) * LEASE_RENEW_INTERVAL,
            _ => now,
        }
    }

    pub fn is_renewing(&self, node: &str) -> bool {
        self.0
            .borrow()
            .get(node)
            .is_none_or(|s| s.stopped_at.is_none())
    }
}

fn node_source() -> Source {
    Source::component("node-controller")
}

/// The NoSchedule and NoExecute taints a Ready condition calls for.
fn wanted_taint_key(ready: Option<&NodeCondition>) -> Option<&'static str> {
    match ready.map(|c| c.status.as_str()) {
        Some("True") => None,
        Some("False") => Some(TAINT_NOT_READY),
        _ => Some(TAINT_UNREACHABLE),
    }
}

fn is_lifecycle_taint(t: &Taint) -> bool {
    t.key == TAINT_UNREACHABLE || t.key == TAINT_NOT_READY
}

/// Zone health (`ComputeZoneState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZoneState {
    Normal,
    PartialDisruption,
    FullDisruption,
}

fn zone_of(n: &Node) -> String {
    n.metadata
        .label("topology.kubernetes.io/zone")
        .or(n.metadata.label("failure-domain.beta.kubernetes.io/zone"))
        .unwrap_or("")
        .to_string()
}

/// Watches node health, taints silent nodes and marks their pods not ready.
pub struct NodeLifecycle {
    leases: Leases,
    /// Nodes the controller has announced (`RegisteredNode`), by uid.
    registered: BTreeSet<String>,
    /// When the NoExecute tainter has its next token.
    next_taint_token: Millis,
    /// Whether each node was Ready when last seen.
    ready: BTreeMap<String, bool>,
}

impl NodeLifecycle {
    pub fn new(leases: Leases) -> NodeLifecycle {
        NodeLifecycle {
            leases,
            registered: BTreeSet::new(),
            next_taint_token: 0,
            ready: BTreeMap::new(),
        }
    }

    fn zone_state(&self, api: &ApiServer, zone: &str) -> (ZoneState, usize) {
        let nodes = api.store.table::<Node>();
        let (mut total, mut not_ready) = (0usize, 0usize);
        for (_, _, n) in nodes.iter() {
            if zone_of(n) != zone {
                continue;
            }
            total += 1;
            if n.condition("Ready").is_none_or(|c| c.status != "True") {
                not_ready += 1;
            }
        }
        let state = if total > 0 && not_ready == total {
            ZoneState::FullDisruption
        } else if not_ready > 2
            && not_ready as f64 / total.max(1) as f64 >= UNHEALTHY_ZONE_THRESHOLD
        {
            ZoneState::PartialDisruption
        } else {
            ZoneState::Normal
        };
        (state, nodes.len())
    }

    /// `tryUpdateNodeHealth`: when the lease and the posted status are
    /// both older than the grace period, every condition becomes Unknown.
    /// Returns the node after the change, and when to look again.
    fn monitor_health(
        &mut self,
        node: &Node,
        api: &mut ApiServer,
    ) -> Result<(Rc<Node>, Option<Millis>), ApiError> {
        let now = api.now();
        let name = node.name();
        let current = api
            .store
            .get::<Node>("", name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(<Node as Resource>::INFO, name))?;
        if self.leases.is_renewing(name) {
            return Ok((current, None));
        }
        // Cluster time of the latest sign of life.
        let wall_offset = api.wall_millis() - now;
        let heartbeat = node
            .condition("Ready")
            .and_then(|c| c.last_heartbeat_time)
            .map_or(i64::MIN, |t| t.millis() - wall_offset);
        let probe = self.leases.renewed_at(name, now).max(heartbeat);
        let deadline = probe + NODE_MONITOR_GRACE_PERIOD;
        if now <= deadline {
            // The next monitor tick after the deadline.
            let tick = (deadline.div_euclid(NODE_MONITOR_PERIOD) + 1) * NODE_MONITOR_PERIOD;
            return Ok((current, Some(tick - now)));
        }
        let t = api.time();
        let mut changed = (*current).clone();
        let was_ready = current
            .condition("Ready")
            .is_some_and(|c| c.status == "True");
        let mut any = false;
        for ty in NODE_CONDITIONS {
            match changed.status.conditions.iter_mut().find(|c| c.type_ == ty) {
                Some(c) => {
                    if c.status != "Unknown" {
                        c.status = "Unknown".to_string();
                        c.reason = "NodeStatusUnknown".to_string();
                        c.message = "Kubelet stopped posting node status.".to_string();
                        c.last_transition_time = Some(t);
                        any = true;
                    }
                }
                None => {
                    changed.status.conditions.push(NodeCondition {
                        type_: ty.to_string(),
                        status: "Unknown".to_string(),
                        last_heartbeat_time: node.metadata.creation_timestamp,
                        last_transition_time: Some(t),
                        reason: "NodeStatusNeverUpdated".to_string(),
                        message: "Kubelet never posted node status.".to_string(),
                    });
                    any = true;
                }
            }
        }
        if !any {
            return Ok((current, None));
        }
        let written = api.write_status(changed)?;
        if was_ready {
            api.record_event(
                object_ref(&*written, ""),
                EventType::Normal,
                "NodeNotReady",
                format!("Node {name} status is now: NodeNotReady"),
                &node_source(),
            );
            mark_pods_not_ready(name, api)?;
        }
        Ok((written, None))
    }

    /// The NoSchedule pass (at once) and the rate-limited NoExecute pass.
    fn sync_taints(
        &mut self,
        node: &Node,
        api: &mut ApiServer,
    ) -> Result<Option<Millis>, ApiError> {
        let now = api.now();
        let want = wanted_taint_key(node.condition("Ready"));
        let mut taints: Vec<Taint> = node
            .spec
            .taints
            .iter()
            .filter(|t| !is_lifecycle_taint(t) || Some(t.key.as_str()) == want)
            .cloned()
            .collect();
        let mut requeue = None;
        if let Some(key) = want {
            if !taints
                .iter()
                .any(|t| t.key == key && t.effect == "NoSchedule")
            {
                taints.push(Taint {
                    key: key.to_string(),
                    value: String::new(),
                    effect: "NoSchedule".to_string(),
                    time_added: None,
                });
            }
            let has_no_execute = taints
                .iter()
                .any(|t| t.key == key && t.effect == "NoExecute");
            if !has_no_execute {
                let (zone, size) = self.zone_state(api, &zone_of(node));
                let evicting = match zone {
                    ZoneState::Normal => true,
                    _ => size > LARGE_CLUSTER_THRESHOLD && zone == ZoneState::PartialDisruption,
                };
                if evicting {
                    if now >= self.next_taint_token {
                        self.next_taint_token = now + EVICTION_INTERVAL;
                        taints.push(Taint {
                            key: key.to_string(),
                            value: String::new(),
                            effect: "NoExecute".to_string(),
                            time_added: Some(api.time()),
                        });
                    } else {
                        requeue = Some(self.next_taint_token - now);
                    }
                }
            }
        }
        if taints != node.spec.taints {
            let mut n = node.clone();
            n.spec.taints = taints;
            api.update(n, &WriteOptions::default())?;
        }
        Ok(requeue)
    }
}

/// `MarkPodsNotReady`: the pods of a silent node are no longer Ready.
fn mark_pods_not_ready(node: &str, api: &mut ApiServer) -> Result<(), ApiError> {
    let keys: Vec<ObjKey> = api.store.pods_on_node(node).cloned().collect();
    let t = api.time();
    for k in keys {
        let Some(pod) = api.store.get::<Pod>(&k.namespace, &k.name).cloned() else {
            continue;
        };
        let Some(i) = pod
            .status
            .conditions
            .iter()
            .position(|c| c.type_ == "Ready")
        else {
            continue;
        };
        if pod.status.conditions[i].status == "False" {
            continue;
        }
        let mut p = (*pod).clone();
        p.status.conditions[i].status = "False".to_string();
        p.status.conditions[i].last_transition_time = Some(t);
        api.write_status(p)?;
        api.record_event(
            object_ref(&*pod, ""),
            EventType::Warning,
            "NodeNotReady",
            "Node is not ready".to_string(),
            &node_source(),
        );
    }
    Ok(())
}

impl Controller for NodeLifecycle {
    fn id(&self) -> CtrlId {
        CtrlId::NodeLifecycle
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if let Object::Node(n) = &ev.object {
            let relevant = match &ev.old {
                Some(Object::Node(old)) => {
                    old.condition("Ready").map(|c| &c.status)
                        != n.condition("Ready").map(|c| &c.status)
                        || old.spec.taints != n.spec.taints
                }
                _ => true,
            };
            if relevant {
                out.push((
                    ObjKey::new("", n.name()),
                    QueueReason::Changed(Kind::Node, ev.typ),
                ));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(node) = api.store.get::<Node>("", &key.name).cloned() else {
            self.ready.remove(&key.name);
            return Ok(Action::AwaitChange);
        };
        let uid = node.metadata.uid().to_string();
        if self.registered.insert(uid) {
            api.record_event(
                object_ref(&*node, ""),
                EventType::Normal,
                "RegisteredNode",
                format!(
                    "Node {0} event: Registered Node {0} in Controller",
                    node.name()
                ),
                &node_source(),
            );
        }
        let (node, health_requeue) = self.monitor_health(&node, api)?;
        let ready = node.condition("Ready").is_some_and(|c| c.status == "True");
        if let Some(was) = self.ready.insert(key.name.clone(), ready) {
            if ready && !was {
                api.record_event(
                    object_ref(&*node, ""),
                    EventType::Normal,
                    "NodeReady",
                    format!("Node {} status is now: NodeReady", node.name()),
                    &node_source(),
                );
            }
        }
        let taint_requeue = self.sync_taints(&node, api)?;
        Ok(
            match [health_requeue, taint_requeue].into_iter().flatten().min() {
                Some(d) => Action::RequeueAfter(d.max(1)),
                None => Action::AwaitChange,
            },
        )
    }
}

/// One pod's pending eviction.
#[derive(Clone, Copy, Debug)]
struct Scheduled {
    /// When the eviction was first scheduled.
    created: Millis,
    due: Millis,
}

/// Deletes pods from nodes with NoExecute taints they do not tolerate.
#[derive(Default)]
pub struct TaintEviction {
    /// Nodes with NoExecute taints, so only their pods are looked at.
    tainted: RefCell<BTreeSet<String>>,
    scheduled: BTreeMap<ObjKey, Scheduled>,
}

fn no_execute_taints(n: &Node) -> Vec<Taint> {
    n.spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoExecute")
        .cloned()
        .collect()
}

fn eviction_source() -> Source {
    Source::component("taint-eviction-controller")
}

/// The event reference of a pod by name only (no uid), as the taint
/// manager makes it.
fn pod_name_ref(ns: &str, name: &str) -> crate::api::corev1::ObjectReference {
    crate::api::corev1::ObjectReference {
        kind: "Pod".to_string(),
        namespace: ns.to_string(),
        name: name.to_string(),
        api_version: "v1".to_string(),
        ..Default::default()
    }
}

impl TaintEviction {
    fn cancel(&mut self, key: &ObjKey, api: &mut ApiServer) {
        if self.scheduled.remove(key).is_some() {
            api.record_event(
                pod_name_ref(&key.namespace, &key.name),
                EventType::Normal,
                "TaintManagerEviction",
                format!("Cancelling deletion of Pod {}/{}", key.namespace, key.name),
                &eviction_source(),
            );
        }
    }

    /// `processPodOnNode`; returns when to look at the pod again.
    fn process_pod(
        &mut self,
        pod: &Pod,
        taints: &[Taint],
        api: &mut ApiServer,
    ) -> Result<Option<Millis>, ApiError> {
        let key = ObjKey::of(&pod.metadata);
        if taints.is_empty() || pod.metadata.deletion_timestamp.is_some() || pod.is_terminal() {
            self.cancel(&key, api);
            return Ok(None);
        }
        let now = api.now();
        let mut min_seconds: Option<i64> = None;
        let mut forever = true;
        for taint in taints {
            let used: Vec<_> = pod
                .spec
                .tolerations
                .iter()
                .filter(|t| toleration_matches(t, taint))
                .collect();
            if used.is_empty() {
                // Not tolerated: out at once.
                self.scheduled.remove(&key);
                self.evict(pod, api)?;
                return Ok(None);
            }
            for t in used {
                if let Some(s) = t.toleration_seconds {
                    forever = false;
                    let s = s.max(0);
                    min_seconds = Some(min_seconds.map_or(s, |m| m.min(s)));
                }
            }
        }
        let Some(secs) = min_seconds.filter(|_| !forever) else {
            self.cancel(&key, api);
            return Ok(None);
        };
        let wait = secs.saturating_mul(1000);
        let entry = match self.scheduled.get(&key) {
            Some(s) => Scheduled {
                created: s.created,
                due: s.created + wait,
            },
            None => Scheduled {
                created: now,
                due: now + wait,
            },
        };
        self.scheduled.insert(key.clone(), entry);
        if now >= entry.due {
            self.scheduled.remove(&key);
            self.evict(pod, api)?;
            return Ok(None);
        }
        Ok(Some(entry.due - now))
    }

    /// `addConditionAndDeletePod`.
    fn evict(&mut self, pod: &Pod, api: &mut ApiServer) -> Result<(), ApiError> {
        api.record_event(
            pod_name_ref(pod.namespace(), pod.name()),
            EventType::Normal,
            "TaintManagerEviction",
            format!(
                "Marking for deletion Pod {}/{}",
                pod.namespace(),
                pod.name()
            ),
            &eviction_source(),
        );
        let mut p = pod.clone();
        set_disruption_target(
            &mut p,
            "DeletionByTaintManager",
            "Taint manager: deleting due to NoExecute taint",
            api.time(),
        );
        if p != *pod {
            match api.write_status(p) {
                Ok(_) => {}
                Err(e) if e.reason == Reason::NotFound => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        match api.delete::<Pod>(pod.namespace(), pod.name(), &DeleteOptions::default()) {
            Ok(_) => Ok(()),
            Err(e) if e.reason == Reason::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// Adds or refreshes the DisruptionTarget condition.
fn set_disruption_target(p: &mut Pod, reason: &str, message: &str, t: Time) {
    let cond = PodCondition {
        type_: "DisruptionTarget".to_string(),
        status: "True".to_string(),
        last_probe_time: None,
        last_transition_time: Some(t),
        reason: reason.to_string(),
        message: message.to_string(),
    };
    match p
        .status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "DisruptionTarget")
    {
        Some(c) if c.status == "True" && c.reason == reason && c.message == message => {}
        Some(c) => *c = cond,
        None => p.status.conditions.push(cond),
    }
}

impl Controller for TaintEviction {
    fn id(&self) -> CtrlId {
        CtrlId::TaintEviction
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::Node(n) => {
                let now_tainted = ev.typ != WatchType::Deleted && !no_execute_taints(n).is_empty();
                let was = self.tainted.borrow().contains(n.name());
                let taints_changed = match &ev.old {
                    Some(Object::Node(old)) => no_execute_taints(old) != no_execute_taints(n),
                    _ => true,
                };
                if now_tainted {
                    self.tainted.borrow_mut().insert(n.name().to_string());
                } else {
                    self.tainted.borrow_mut().remove(n.name());
                }
                if (now_tainted || was) && taints_changed {
                    out.push((
                        ObjKey::new("", n.name()),
                        QueueReason::Changed(Kind::Node, ev.typ),
                    ));
                }
            }
            Object::Pod(p) if ev.typ != WatchType::Deleted => {
                let Some(node) = p.node_name() else { return };
                if !self.tainted.borrow().contains(node) {
                    return;
                }
                let relevant = match &ev.old {
                    Some(Object::Pod(old)) => {
                        old.node_name() != p.node_name()
                            || old.spec.tolerations != p.spec.tolerations
                    }
                    _ => true,
                };
                if relevant {
                    out.push((
                        ObjKey::of(&p.metadata),
                        QueueReason::Changed(Kind::Pod, ev.typ),
                    ));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let mut next: Option<Millis> = None;
        let mut earliest = |d: Option<Millis>| {
            if let Some(d) = d {
                next = Some(next.map_or(d, |n: Millis| n.min(d)));
            }
        };
        if key.namespace.is_empty() {
            // A node: every pod on it.
            let taints = api
                .store
                .get::<Node>("", &key.name)
                .map(|n| no_execute_taints(n))
                .unwrap_or_default();
            let pods: Vec<Rc<Pod>> = api
                .store
                .pods_on_node(&key.name)
                .filter_map(|k| api.store.get::<Pod>(&k.namespace, &k.name).cloned())
                .collect();
            for p in pods {
                earliest(self.process_pod(&p, &taints, api)?);
            }
        } else {
            let Some(pod) = api.store.get::<Pod>(&key.namespace, &key.name).cloned() else {
                self.scheduled.remove(key);
                return Ok(Action::AwaitChange);
            };
            let taints = pod
                .node_name()
                .and_then(|n| api.store.get::<Node>("", n))
                .map(|n| no_execute_taints(n))
                .unwrap_or_default();
            earliest(self.process_pod(&pod, &taints, api)?);
        }
        Ok(match next {
            Some(d) => Action::RequeueAfter(d.max(1)),
            None => Action::AwaitChange,
        })
    }
}

/// Removes the pods of nodes that no longer exist.
#[derive(Default)]
pub struct PodGc {
    /// The pass at which each missing node was first noticed.
    missing_since: BTreeMap<String, Millis>,
}

impl Controller for PodGc {
    fn id(&self) -> CtrlId {
        CtrlId::PodGc
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::Node(n) if ev.typ == WatchType::Deleted => out.push((
                ObjKey::new("", n.name()),
                QueueReason::Changed(Kind::Node, ev.typ),
            )),
            // A pod bound to a node: the node may not exist.
            Object::Pod(p) if ev.typ == WatchType::Added => {
                if let Some(node) = p.node_name() {
                    out.push((
                        ObjKey::new("", node),
                        QueueReason::Related(Kind::Pod, p.name().to_string()),
                    ));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        if api.store.get::<Node>("", &key.name).is_some() {
            self.missing_since.remove(&key.name);
            return Ok(Action::AwaitChange);
        }
        let pods: Vec<Rc<Pod>> = api
            .store
            .pods_on_node(&key.name)
            .filter_map(|k| api.store.get::<Pod>(&k.namespace, &k.name).cloned())
            .collect();
        if pods.is_empty() {
            self.missing_since.remove(&key.name);
            return Ok(Action::AwaitChange);
        }
        // The collector runs every 20 s; a node it finds missing is held in
        // quarantine for 40 s before its pods go.
        let now = api.now();
        let pass = (now + POD_GC_PERIOD - 1).div_euclid(POD_GC_PERIOD) * POD_GC_PERIOD;
        let since = *self.missing_since.entry(key.name.clone()).or_insert(pass);
        if now < since + POD_GC_QUARANTINE {
            return Ok(Action::RequeueAfter(since + POD_GC_QUARANTINE - now));
        }
        self.missing_since.remove(&key.name);
        for p in pods {
            let mut failed = (*p).clone();
            if !failed.is_terminal() {
                failed.status.phase = PodPhase::Failed;
            }
            set_disruption_target(
                &mut failed,
                "DeletionByPodGC",
                "PodGC: node no longer exists",
                api.time(),
            );
            if failed != *p {
                match api.write_status(failed) {
                    Ok(_) => {}
                    Err(e) if e.reason == Reason::NotFound => continue,
                    Err(e) => return Err(e),
                }
            }
            let force = DeleteOptions {
                grace_period: Some(0),
                ..Default::default()
            };
            match api.delete::<Pod>(p.namespace(), p.name(), &force) {
                Ok(_) => {}
                Err(e) if e.reason == Reason::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Action::AwaitChange)
    }
}
