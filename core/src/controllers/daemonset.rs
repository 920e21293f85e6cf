//! The DaemonSet controller (`pkg/controller/daemon`): one pod on every
//! node the template fits (node selector, required node affinity, taints
//! against tolerations), pinned to its node by a `metadata.name` node
//! affinity and placed by the default scheduler; pods follow node changes,
//! failed pods are replaced with back-off, and template changes roll out
//! node by node within maxUnavailable / maxSurge.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::history::{self, REVISION_HASH_LABEL};
use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::{
    ControllerRevision, DaemonSet, DaemonSetStatus, DaemonSetUpdateStrategyType,
};
use crate::api::corev1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodPhase, PodSpec, PodTemplateSpec, Toleration,
};
use crate::api::meta::ObjectMeta;
use crate::api::resource::Resource;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::scheduler::plugins::{node_affinity_matches, tolerates};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

const COMPONENT: &str = "daemonset-controller";
const KIND: &str = "DaemonSet";
/// The label with the template generation a pod was made from.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
/// Most creates or deletes in one pass (`BurstReplicas`).
const BURST_REPLICAS: usize = 250;
/// Back-off for replacing failed pods on a node (`failedPodsBackoff`).
const FAILED_BACKOFF_INITIAL: Millis = 1_000;
const FAILED_BACKOFF_MAX: Millis = 15 * 60_000;

/// The queue key that means "every DaemonSet": node changes concern all.
fn all_key() -> ObjKey {
    ObjKey::new("", "")
}

/// The DaemonSet controller.
#[derive(Default)]
pub struct DaemonSets {
    /// Back-off per (DaemonSet uid, node) for failed pods: when the next
    /// replacement may happen and the current delay.
    failed_backoff: BTreeMap<(String, String), (Millis, Millis)>,
}

impl DaemonSets {
    pub fn new() -> DaemonSets {
        DaemonSets::default()
    }
}

/// Whether a node change can change where daemon pods belong.
fn node_changed(ev: &WatchEvent, node: &Node) -> bool {
    match (&ev.typ, &ev.old) {
        (WatchType::Modified, Some(Object::Node(old))) => {
            old.metadata.labels != node.metadata.labels
                || old.spec.taints != node.spec.taints
                || old.spec.unschedulable != node.spec.unschedulable
        }
        _ => true,
    }
}

impl Controller for DaemonSets {
    fn id(&self) -> CtrlId {
        CtrlId::DaemonSet
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::DaemonSet(ds) if ev.typ != WatchType::Deleted => out.push((
                ObjKey::of(&ds.metadata),
                QueueReason::Changed(Kind::DaemonSet, ev.typ),
            )),
            Object::Pod(p) => {
                if let Some(r) = p.metadata.controller().filter(|r| r.kind == KIND) {
                    out.push((
                        ObjKey::new(p.namespace(), &r.name),
                        QueueReason::Related(Kind::Pod, p.name().to_string()),
                    ));
                }
            }
            Object::Node(n) if node_changed(ev, n) => out.push((
                all_key(),
                QueueReason::Related(Kind::Node, n.name().to_string()),
            )),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        if key.namespace.is_empty() {
            let all: Vec<Rc<DaemonSet>> = api
                .store
                .table::<DaemonSet>()
                .iter()
                .map(|(_, _, ds)| ds.clone())
                .collect();
            let mut next: Option<Millis> = None;
            let mut failed = None;
            for ds in all {
                match self.sync(&ds, api) {
                    Ok(Action::RequeueAfter(d)) => next = Some(next.map_or(d, |n| n.min(d))),
                    Ok(Action::AwaitChange) => {}
                    Err(e) => failed = Some(e),
                }
            }
            if let Some(e) = failed {
                return Err(e);
            }
            return Ok(next.map_or(Action::AwaitChange, Action::RequeueAfter));
        }
        let Some(ds) = api
            .store
            .get::<DaemonSet>(&key.namespace, &key.name)
            .cloned()
        else {
            return Ok(Action::AwaitChange);
        };
        self.sync(&ds, api)
    }
}

/// `AddOrUpdateDaemonPodTolerations`: daemon pods ride out node problems
/// that would evict or keep out other pods.
pub fn add_daemon_tolerations(spec: &mut PodSpec) {
    let mut wanted = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if spec.host_network {
        wanted.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in wanted {
        let t = Toleration {
            key: key.to_string(),
            operator: "Exists".to_string(),
            effect: effect.to_string(),
            ..Default::default()
        };
        // `AddOrUpdateTolerationInPodSpec`: one of the same key, operator,
        // value and effect is replaced in place.
        match spec.tolerations.iter_mut().find(|x| {
            x.key == t.key && x.effect == t.effect && x.operator == t.operator && x.value == t.value
        }) {
            Some(x) => *x = t,
            None => spec.tolerations.push(t),
        }
    }
}

/// `ReplaceDaemonSetPodNodeNameNodeAffinity`: the required node affinity
/// becomes "this node" (preferred terms stay).
pub fn pin_to_node(affinity: Option<Box<Affinity>>, node: &str) -> Box<Affinity> {
    let selector = NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_fields: vec![NodeSelectorRequirement {
                key: "metadata.name".to_string(),
                operator: "In".to_string(),
                values: vec![node.to_string()],
            }],
            ..Default::default()
        }],
    };
    let mut a = affinity.unwrap_or_default();
    let na = a.node_affinity.get_or_insert_with(NodeAffinity::default);
    na.required_during_scheduling_ignored_during_execution = Some(selector);
    a
}

/// The node a daemon pod is for: its node, or the one its affinity pins.
pub fn target_node(pod: &Pod) -> Option<&str> {
    if let Some(n) = pod.node_name() {
        return Some(n);
    }
    let terms = &pod
        .spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    terms.iter().find_map(|t| {
        t.match_fields
            .iter()
            .find(|r| r.key == "metadata.name" && r.operator == "In" && r.values.len() == 1)
            .and_then(|r| r.values.first())
            .map(String::as_str)
    })
}

/// `NodeShouldRunDaemonPod`: (should run, may keep running).
pub fn should_run(ds: &DaemonSet, node: &Node) -> (bool, bool) {
    let mut pod = Pod {
        spec: ds.spec.template.spec.clone(),
        ..Default::default()
    };
    add_daemon_tolerations(&mut pod.spec);
    if !pod.spec.node_name.is_empty() && pod.spec.node_name != node.name() {
        return (false, false);
    }
    if !node_affinity_matches(&pod, node) {
        return (false, false);
    }
    let untolerated = |effects: &[&str]| {
        node.spec
            .taints
            .iter()
            .any(|t| effects.contains(&t.effect.as_str()) && !tolerates(&pod.spec.tolerations, t))
    };
    if untolerated(&["NoSchedule", "NoExecute"]) {
        return (false, !untolerated(&["NoExecute"]));
    }
    (true, true)
}

/// `AllowsSurge`: a rolling update with a non-zero maxSurge.
fn allows_surge(ds: &DaemonSet) -> bool {
    ds.spec.update_strategy.type_ == DaemonSetUpdateStrategyType::RollingUpdate
        && ds
            .spec
            .update_strategy
            .rolling_update
            .as_ref()
            .and_then(|r| r.max_surge.as_ref())
            .is_some_and(|s| crate::api::apps::int_or_percent_value(s) != 0)
}

/// `IsPodUpdated`: made from the current revision or template generation.
fn is_updated(pod: &Pod, hash: &str, generation: i64) -> bool {
    let labels = &pod.metadata.labels;
    (!hash.is_empty() && labels.get(REVISION_HASH_LABEL).map(String::as_str) == Some(hash))
        || labels.get(TEMPLATE_GENERATION_LABEL) == Some(&generation.to_string())
}

/// `podByCreationTimestampAndPhase`: scheduled pods first, then oldest.
fn sort_oldest_first(pods: &mut [Rc<Pod>]) {
    pods.sort_by(|a, b| {
        b.node_name()
            .is_some()
            .cmp(&a.node_name().is_some())
            .then_with(|| {
                a.metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp)
            })
            .then_with(|| a.name().cmp(b.name()))
    });
}

fn event(api: &mut ApiServer, ds: &DaemonSet, type_: EventType, reason: &str, msg: String) {
    api.record_event(
        object_ref(ds, ""),
        type_,
        reason,
        msg,
        &Source::component(COMPONENT),
    );
}

/// The current and old revisions (`constructHistory`).
fn construct_history(
    ds: &DaemonSet,
    api: &mut ApiServer,
) -> Result<(Rc<ControllerRevision>, Vec<Rc<ControllerRevision>>), ApiError> {
    let revs = history::owned_revisions(api, ds.metadata.uid());
    let data = history::template_patch(&ds.spec.template);
    let (mut current, old): (Vec<_>, Vec<_>) = revs.into_iter().partition(|r| r.data == data);
    let next = history::next_revision(&old);
    let cur = match current.pop() {
        // Duplicates (from a race upstream) keep the highest revision.
        Some(cur) => {
            for dup in &current {
                let _ = api.delete::<ControllerRevision>(
                    dup.metadata.namespace(),
                    dup.metadata.name(),
                    &DeleteOptions::default(),
                );
            }
            if cur.revision < next {
                history::renumber(api, &cur, next)?
            } else {
                cur
            }
        }
        None => snapshot(ds, api, data, next)?,
    };
    Ok((cur, old))
}

/// `snapshot`: a new revision named `<ds>-<template hash>`; a name taken by
/// another template counts a collision in the status and retries.
fn snapshot(
    ds: &DaemonSet,
    api: &mut ApiServer,
    data: crate::value::Value,
    revision: i64,
) -> Result<Rc<ControllerRevision>, ApiError> {
    let hash = history::template_hash(&ds.spec.template, ds.status.collision_count);
    let name = history::revision_name(ds.metadata.name(), &hash);
    let mut labels = ds.spec.template.metadata.labels.clone();
    labels.insert(REVISION_HASH_LABEL.to_string(), hash);
    let cr = ControllerRevision {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(ds.metadata.namespace().to_string()),
            labels,
            annotations: ds.metadata.annotations.clone(),
            owner_references: vec![history::controller_ref(KIND, &ds.metadata)],
            ..Default::default()
        },
        data: data.clone(),
        revision,
    };
    match api.create(cr, &WriteOptions::default()) {
        Ok(cr) => Ok(cr),
        Err(e) if e.reason == Reason::AlreadyExists => {
            let existing = api
                .store
                .get::<ControllerRevision>(ds.metadata.namespace(), &name)
                .cloned();
            if let Some(existing) = existing.filter(|x| {
                x.data == data
                    && x.metadata
                        .controller()
                        .is_some_and(|r| r.uid == ds.metadata.uid())
            }) {
                return Ok(existing);
            }
            let mut fresh =
                (*api.get::<DaemonSet>(ds.metadata.namespace(), ds.metadata.name())?).clone();
            fresh.status.collision_count =
                Some(fresh.status.collision_count.unwrap_or(0).saturating_add(1));
            api.write_status(fresh)?;
            Err(ApiError::new(
                Reason::Conflict,
                format!(
                    "found a stale collision count of DaemonSet {}",
                    ds.metadata.name()
                ),
            ))
        }
        Err(e) => Err(e),
    }
}

/// Pods the DaemonSet controls, adopting orphans its selector matches.
fn claim_pods(api: &mut ApiServer, ds: &DaemonSet) -> Result<Vec<Rc<Pod>>, ApiError> {
    let uid = ds.metadata.uid().to_string();
    if let Some(selector) = ds.spec.selector.clone().filter(|s| !s.is_empty()) {
        let orphans: Vec<Rc<Pod>> = api
            .store
            .table::<Pod>()
            .iter_ns(Some(ds.metadata.namespace()))
            .map(|(_, p)| p)
            .filter(|p| {
                p.metadata.controller().is_none()
                    && p.metadata.deletion_timestamp.is_none()
                    && selector.matches(&p.metadata.labels)
            })
            .cloned()
            .collect();
        for p in orphans {
            let mut adopted = (*p).clone();
            adopted
                .metadata
                .owner_references
                .push(history::controller_ref(KIND, &ds.metadata));
            api.update(adopted, &WriteOptions::default())?;
        }
    }
    Ok(api
        .store
        .dependents_of(&uid)
        .filter(|(k, _)| *k == Kind::Pod)
        .filter_map(|(_, key)| api.store.get::<Pod>(&key.namespace, &key.name))
        .filter(|p| p.metadata.controller().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect())
}

/// Pods by the node they are for.
fn by_node(pods: &[Rc<Pod>]) -> BTreeMap<String, Vec<Rc<Pod>>> {
    let mut out: BTreeMap<String, Vec<Rc<Pod>>> = BTreeMap::new();
    for p in pods {
        if let Some(n) = target_node(p) {
            out.entry(n.to_string()).or_default().push(p.clone());
        }
    }
    out
}

/// `findUpdatedPodsOnNode`: the node's new and old pod; None when a node
/// has more than one of either.
#[allow(clippy::type_complexity)]
fn new_and_old(
    pods: &[Rc<Pod>],
    hash: &str,
    generation: i64,
) -> Option<(Option<Rc<Pod>>, Option<Rc<Pod>>)> {
    let (mut new, mut old) = (None, None);
    for p in pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
    {
        let slot = if is_updated(p, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(p.clone());
    }
    Some((new, old))
}

impl DaemonSets {
    fn sync(&mut self, ds: &Rc<DaemonSet>, api: &mut ApiServer) -> Result<Action, ApiError> {
        let ds: &DaemonSet = ds;
        let (cur, old) = construct_history(ds, api)?;
        let hash = cur
            .metadata
            .label(REVISION_HASH_LABEL)
            .unwrap_or(cur.metadata.name())
            .to_string();
        let nodes: Vec<Rc<Node>> = api
            .store
            .table::<Node>()
            .iter()
            .map(|(_, _, n)| n.clone())
            .collect();
        let mut requeue: Option<Millis> = None;
        if ds.metadata.deletion_timestamp.is_none() {
            let pods = claim_pods(api, ds)?;
            let changed = self.manage(ds, api, &nodes, &pods, &hash, &mut requeue)?;
            if !changed
                && ds.spec.update_strategy.type_ == DaemonSetUpdateStrategyType::RollingUpdate
            {
                let pods = claim_pods(api, ds)?;
                rolling_update(ds, api, &nodes, &pods, &hash)?;
            }
            cleanup_history(ds, api, &old)?;
        }
        let pods = claim_pods(api, ds)?;
        let status = compute_status(ds, api, &nodes, &pods, &hash);
        if let Some(fresh) = api
            .store
            .get::<DaemonSet>(ds.metadata.namespace(), ds.metadata.name())
            .cloned()
        {
            let mut want = status.clone();
            want.collision_count = fresh.status.collision_count;
            want.conditions = fresh.status.conditions.clone();
            if fresh.status != want && fresh.metadata.uid() == ds.metadata.uid() {
                let mut s = (*fresh).clone();
                s.status = want;
                api.write_status(s)?;
            }
        }
        if ds.spec.min_ready_seconds > 0 && status.number_ready != status.number_available {
            let d = Millis::from(ds.spec.min_ready_seconds) * 1000;
            requeue = Some(requeue.map_or(d, |r| r.min(d)));
        }
        Ok(requeue.map_or(Action::AwaitChange, Action::RequeueAfter))
    }

    /// `manage`: pods for nodes that need one, none on nodes that must not
    /// have one, failed pods replaced, extra pods removed. Returns whether
    /// it wrote anything.
    fn manage(
        &mut self,
        ds: &DaemonSet,
        api: &mut ApiServer,
        nodes: &[Rc<Node>],
        pods: &[Rc<Pod>],
        hash: &str,
        requeue: &mut Option<Millis>,
    ) -> Result<bool, ApiError> {
        let on_node = by_node(pods);
        let now = api.now();
        let surge = allows_surge(ds);
        let mut needing: Vec<String> = Vec::new();
        let mut to_delete: Vec<Rc<Pod>> = Vec::new();
        let node_names: BTreeSet<&str> = nodes.iter().map(|n| n.name()).collect();
        for node in nodes {
            let (run, keep) = should_run(ds, node);
            let here: &[Rc<Pod>] = on_node.get(node.name()).map_or(&[], Vec::as_slice);
            if run && here.is_empty() {
                needing.push(node.name().to_string());
            } else if keep {
                let mut running: Vec<Rc<Pod>> = Vec::new();
                for p in here
                    .iter()
                    .filter(|p| p.metadata.deletion_timestamp.is_none())
                {
                    match p.phase() {
                        PodPhase::Failed | PodPhase::Succeeded => {
                            let key = (ds.metadata.uid().to_string(), node.name().to_string());
                            match self.failed_backoff.get(&key) {
                                Some((next, _)) if *next > now => {
                                    let wait = *next - now;
                                    *requeue = Some(requeue.map_or(wait, |r| r.min(wait)));
                                    continue;
                                }
                                _ => {}
                            }
                            let delay = self
                                .failed_backoff
                                .get(&key)
                                .map_or(FAILED_BACKOFF_INITIAL, |(_, d)| {
                                    (d * 2).min(FAILED_BACKOFF_MAX)
                                });
                            self.failed_backoff.insert(key, (now + delay, delay));
                            if p.phase() == PodPhase::Failed {
                                event(
                                    api,
                                    ds,
                                    EventType::Warning,
                                    "FailedDaemonPod",
                                    format!(
                                        "Found failed daemon pod {}/{} on node {}, will try to kill it",
                                        p.namespace(),
                                        p.name(),
                                        node.name()
                                    ),
                                );
                            }
                            to_delete.push(p.clone());
                        }
                        _ => running.push(p.clone()),
                    }
                }
                sort_oldest_first(&mut running);
                if !surge {
                    // Only the oldest pod stays.
                    to_delete.extend(running.into_iter().skip(1));
                } else {
                    // Two pods only while the new one is not yet available
                    // and the old one is ready.
                    let mut oldest_new: Option<Rc<Pod>> = None;
                    let mut oldest_old: Option<Rc<Pod>> = None;
                    for p in running {
                        let slot = if p.metadata.label(REVISION_HASH_LABEL) == Some(hash) {
                            &mut oldest_new
                        } else {
                            &mut oldest_old
                        };
                        if slot.is_none() {
                            *slot = Some(p);
                        } else {
                            to_delete.push(p);
                        }
                    }
                    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
                        if !old.is_ready()
                            || history::is_available(
                                &new,
                                ds.spec.min_ready_seconds,
                                api.wall_millis(),
                            )
                        {
                            to_delete.push(old);
                        }
                    }
                }
            } else {
                to_delete.extend(
                    here.iter()
                        .filter(|p| p.metadata.deletion_timestamp.is_none())
                        .cloned(),
                );
            }
        }
        // Unscheduled pods for nodes that are gone never get a node.
        for (node, here) in &on_node {
            if !node_names.contains(node.as_str()) {
                to_delete.extend(
                    here.iter()
                        .filter(|p| {
                            p.node_name().is_none() && p.metadata.deletion_timestamp.is_none()
                        })
                        .cloned(),
                );
            }
        }
        let changed = !needing.is_empty() || !to_delete.is_empty();
        sync_nodes(ds, api, &to_delete, &needing, hash)?;
        Ok(changed)
    }
}

/// `syncNodes`: creates a pod for each node that needs one and deletes the
/// given pods, at most `BURST_REPLICAS` of each per pass.
fn sync_nodes(
    ds: &DaemonSet,
    api: &mut ApiServer,
    to_delete: &[Rc<Pod>],
    needing: &[String],
    hash: &str,
) -> Result<(), ApiError> {
    let generation = ds.template_generation();
    let mut template: PodTemplateSpec = ds.spec.template.clone();
    add_daemon_tolerations(&mut template.spec);
    template.metadata.labels.insert(
        TEMPLATE_GENERATION_LABEL.to_string(),
        generation.to_string(),
    );
    if !hash.is_empty() {
        template
            .metadata
            .labels
            .insert(REVISION_HASH_LABEL.to_string(), hash.to_string());
    }
    let mut first_err = None;
    for node in needing.iter().take(BURST_REPLICAS) {
        let mut pod = history::pod_from_template(&template, KIND, &ds.metadata);
        pod.metadata.generate_name = Some(format!("{}-", ds.metadata.name()));
        pod.spec.affinity = Some(pin_to_node(pod.spec.affinity.take(), node));
        pod.set_defaults();
        match api.create(pod, &WriteOptions::default()) {
            Ok(p) => event(
                api,
                ds,
                EventType::Normal,
                "SuccessfulCreate",
                format!("Created pod: {}", p.name()),
            ),
            Err(e) => {
                event(
                    api,
                    ds,
                    EventType::Warning,
                    "FailedCreate",
                    format!("Error creating: {}", e.message),
                );
                // Slow start: stop at the first failure.
                first_err = Some(e);
                break;
            }
        }
    }
    for p in to_delete.iter().take(BURST_REPLICAS) {
        match api.delete::<Pod>(p.namespace(), p.name(), &DeleteOptions::default()) {
            Ok(_) => event(
                api,
                ds,
                EventType::Normal,
                "SuccessfulDelete",
                format!("Deleted pod: {}", p.name()),
            ),
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => {
                event(
                    api,
                    ds,
                    EventType::Warning,
                    "FailedDelete",
                    format!("Error deleting: {}", e.message),
                );
                first_err.get_or_insert(e);
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// `rollingUpdate`: replaces old pods within maxUnavailable, or surges new
/// pods next to old ones within maxSurge.
fn rolling_update(
    ds: &DaemonSet,
    api: &mut ApiServer,
    nodes: &[Rc<Node>],
    pods: &[Rc<Pod>],
    hash: &str,
) -> Result<(), ApiError> {
    let generation = ds.template_generation();
    let on_node = by_node(pods);
    let desired = nodes.iter().filter(|n| should_run(ds, n).0).count();
    let desired = i32::try_from(desired).unwrap_or(i32::MAX);
    let Ok((max_surge, max_unavailable)) = ds.surge_unavailable(desired) else {
        return Ok(());
    };
    let now = api.wall_millis();
    let min_ready = ds.spec.min_ready_seconds;
    let available = |p: &Pod| history::is_available(p, min_ready, now);
    if max_surge == 0 {
        let mut unavailable = 0;
        let mut replace: Vec<Rc<Pod>> = Vec::new();
        let mut candidates: Vec<Rc<Pod>> = Vec::new();
        for here in on_node.values() {
            let Some((new, old)) = new_and_old(here, hash, generation) else {
                unavailable += 1;
                continue;
            };
            match (new, old) {
                (None, None) | (Some(_), Some(_)) => unavailable += 1,
                (Some(new), None) => {
                    if !available(&new) {
                        unavailable += 1;
                    }
                }
                (None, Some(old)) => {
                    if !available(&old) {
                        replace.push(old);
                    } else if unavailable < max_unavailable {
                        candidates.push(old);
                    }
                }
            }
        }
        let room = usize::try_from((max_unavailable - unavailable).max(0)).unwrap_or(0);
        replace.extend(candidates.into_iter().take(room));
        return sync_nodes(ds, api, &replace, &[], hash);
    }
    let mut surging = 0;
    let mut allowed_new: Vec<String> = Vec::new();
    let mut candidate_new: Vec<String> = Vec::new();
    let mut old_to_delete: Vec<Rc<Pod>> = Vec::new();
    for (node, here) in &on_node {
        let Some((new, old)) = new_and_old(here, hash, generation) else {
            surging += 1;
            continue;
        };
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) => {
                if !available(&old) {
                    allowed_new.push(node.clone());
                } else if surging < max_surge {
                    candidate_new.push(node.clone());
                }
            }
            (Some(new), Some(old)) => {
                if !available(&new) {
                    surging += 1;
                } else {
                    old_to_delete.push(old);
                }
            }
        }
    }
    let room = usize::try_from((max_surge - surging).max(0)).unwrap_or(0);
    allowed_new.extend(candidate_new.into_iter().take(room));
    sync_nodes(ds, api, &old_to_delete, &allowed_new, hash)
}

/// `cleanupHistory`: old revisions beyond the limit go, unless a pod still
/// carries their hash.
fn cleanup_history(
    ds: &DaemonSet,
    api: &mut ApiServer,
    old: &[Rc<ControllerRevision>],
) -> Result<(), ApiError> {
    let limit = usize::try_from(ds.spec.revision_history_limit.unwrap_or(10)).unwrap_or(0);
    let Some(mut to_kill) = old.len().checked_sub(limit).filter(|n| *n > 0) else {
        return Ok(());
    };
    let uid = ds.metadata.uid().to_string();
    let live: BTreeSet<String> = api
        .store
        .dependents_of(&uid)
        .filter(|(k, _)| *k == Kind::Pod)
        .filter_map(|(_, key)| api.store.get::<Pod>(&key.namespace, &key.name))
        .filter_map(|p| p.metadata.label(REVISION_HASH_LABEL).map(str::to_string))
        .collect();
    let mut sorted = old.to_vec();
    history::sort_revisions(&mut sorted);
    for r in sorted {
        if to_kill == 0 {
            break;
        }
        if r.metadata
            .label(REVISION_HASH_LABEL)
            .is_some_and(|h| live.contains(h))
        {
            continue;
        }
        match api.delete::<ControllerRevision>(
            r.metadata.namespace(),
            r.metadata.name(),
            &DeleteOptions::default(),
        ) {
            Ok(_) => {}
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => return Err(e),
        }
        to_kill -= 1;
    }
    Ok(())
}

/// `updateDaemonSetStatus`.
fn compute_status(
    ds: &DaemonSet,
    api: &ApiServer,
    nodes: &[Rc<Node>],
    pods: &[Rc<Pod>],
    hash: &str,
) -> DaemonSetStatus {
    let on_node = by_node(pods);
    let generation = ds.template_generation();
    let now = api.wall_millis();
    let mut st = DaemonSetStatus {
        observed_generation: ds.metadata.generation.unwrap_or(0),
        ..Default::default()
    };
    for node in nodes {
        let (run, _) = should_run(ds, node);
        let here = on_node.get(node.name());
        let scheduled = here.is_some_and(|h| !h.is_empty());
        if !run {
            if scheduled {
                st.number_misscheduled += 1;
            }
            continue;
        }
        st.desired_number_scheduled += 1;
        let Some(mut here) = here.filter(|_| scheduled).cloned() else {
            continue;
        };
        st.current_number_scheduled += 1;
        sort_oldest_first(&mut here);
        let Some(pod) = here.first() else {
            continue;
        };
        if pod.is_ready() {
            st.number_ready += 1;
            if history::is_available(pod, ds.spec.min_ready_seconds, now) {
                st.number_available += 1;
            }
        }
        if is_updated(pod, hash, generation) {
            st.updated_number_scheduled += 1;
        }
    }
    st.number_unavailable = st.desired_number_scheduled - st.number_available;
    st
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::corev1::Taint;

    fn node(name: &str, labels: &[(&str, &str)], taints: &[(&str, &str)]) -> Node {
        let mut n = Node::default();
        n.metadata.name = Some(name.into());
        for (k, v) in labels {
            n.metadata.labels.insert((*k).into(), (*v).into());
        }
        n.spec.taints = taints
            .iter()
            .map(|(k, e)| Taint {
                key: (*k).into(),
                effect: (*e).into(),
                ..Default::default()
            })
            .collect();
        n
    }

    #[test]
    fn nodes_are_eligible_by_selector_and_taints() {
        let mut ssd = DaemonSet::default();
        ssd.spec
            .template
            .spec
            .node_selector
            .insert("disk".into(), "ssd".into());
        let mut tolerant = DaemonSet::default();
        tolerant.spec.template.spec.tolerations.push(Toleration {
            key: "node-role.kubernetes.io/control-plane".into(),
            operator: "Exists".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
        let cp = node(
            "controlplane",
            &[],
            &[("node-role.kubernetes.io/control-plane", "NoSchedule")],
        );
        let cases: [(&str, &DaemonSet, Node, (bool, bool)); 7] = [
            (
                "a plain node runs a plain daemon",
                &tolerant,
                node("a", &[], &[]),
                (true, true),
            ),
            (
                "a node without the label is skipped",
                &ssd,
                node("a", &[], &[]),
                (false, false),
            ),
            (
                "a labelled node runs it",
                &ssd,
                node("a", &[("disk", "ssd")], &[]),
                (true, true),
            ),
            (
                "an untolerated NoSchedule taint keeps new pods out but lets old ones stay",
                &ssd,
                node("a", &[("disk", "ssd")], &[("dedicated", "NoSchedule")]),
                (false, true),
            ),
            (
                "an untolerated NoExecute taint evicts",
                &ssd,
                node("a", &[("disk", "ssd")], &[("dedicated", "NoExecute")]),
                (false, false),
            ),
            (
                "the control plane is tolerated when asked",
                &tolerant,
                cp.clone(),
                (true, true),
            ),
            (
                "daemon tolerations cover an unschedulable node",
                &tolerant,
                node(
                    "a",
                    &[],
                    &[("node.kubernetes.io/unschedulable", "NoSchedule")],
                ),
                (true, true),
            ),
        ];
        for (name, ds, n, want) in cases {
            assert_eq!(should_run(ds, &n), want, "{name}");
        }
        assert_eq!(should_run(&ssd, &cp), (false, false));
    }

    #[test]
    fn a_pinned_pod_names_its_node() {
        let mut p = Pod::default();
        p.spec.affinity = Some(pin_to_node(None, "node01"));
        assert_eq!(target_node(&p), Some("node01"));
        p.spec.node_name = "node02".into();
        assert_eq!(target_node(&p), Some("node02"));
    }

    #[test]
    fn daemon_tolerations_are_added_once() {
        let mut spec = PodSpec::default();
        add_daemon_tolerations(&mut spec);
        add_daemon_tolerations(&mut spec);
        let keys: Vec<&str> = spec.tolerations.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/disk-pressure",
                "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure",
                "node.kubernetes.io/unschedulable",
            ]
        );
        spec.host_network = true;
        add_daemon_tolerations(&mut spec);
        assert_eq!(spec.tolerations.len(), 7);
    }
}
