//! The StatefulSet controller (`pkg/controller/statefulset`): pods with
//! ordinal names and their own claims, created in order (or all at once),
//! removed from the highest ordinal, recreated when they finish, and
//! replaced from the highest ordinal down to the partition on a template
//! change. Each template is kept as a ControllerRevision.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::history::{self, NewRevision};
use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::{
    ControllerRevision, PersistentVolumeClaimRetentionPolicyType as Policy, StatefulSet,
    StatefulSetStatus, StatefulSetUpdateStrategyType, CONTROLLER_REVISION_HASH_LABEL,
    POD_INDEX_LABEL, POD_NAME_LABEL,
};
use crate::api::corev1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, PodPhase, PodTemplateSpec,
    Volume,
};
use crate::api::meta::{ObjectMeta, OwnerReference};
use crate::api::resource::Resource;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Deleted, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

const COMPONENT: &str = "statefulset-controller";
const KIND: &str = "StatefulSet";

/// The StatefulSet controller.
pub struct StatefulSets;

impl Controller for StatefulSets {
    fn id(&self) -> CtrlId {
        CtrlId::StatefulSet
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::StatefulSet(s) if ev.typ != WatchType::Deleted => out.push((
                ObjKey::of(&s.metadata),
                QueueReason::Changed(Kind::StatefulSet, ev.typ),
            )),
            Object::Pod(p) => {
                if let Some(r) = p.metadata.controller().filter(|r| r.kind == KIND) {
                    out.push((
                        ObjKey::new(p.namespace(), &r.name),
                        QueueReason::Related(Kind::Pod, p.name().to_string()),
                    ));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(set) = api
            .store
            .get::<StatefulSet>(&key.namespace, &key.name)
            .cloned()
        else {
            return Ok(Action::AwaitChange);
        };
        sync(&set, api)
    }
}

/// `getParentNameAndOrdinal`: `web-3` is ordinal 3 of `web`.
pub fn parent_and_ordinal(pod_name: &str) -> Option<(&str, i32)> {
    let (parent, ord) = pod_name.rsplit_once('-')?;
    if ord.is_empty() || !ord.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parent, ord.parse().ok()?))
}

/// A pod's ordinal if it belongs to the set by name.
fn ordinal_in(set: &StatefulSet, pod: &Pod) -> Option<i32> {
    parent_and_ordinal(pod.name())
        .filter(|(parent, ord)| *parent == set.metadata.name() && set.pod_name(*ord) == pod.name())
        .map(|(_, ord)| ord)
}

fn is_running_and_ready(pod: &Pod) -> bool {
    pod.phase() == PodPhase::Running && pod.is_ready()
}

fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

fn revision_of(pod: &Pod) -> &str {
    pod.metadata
        .label(CONTROLLER_REVISION_HASH_LABEL)
        .unwrap_or("")
}

fn is_available(set: &StatefulSet, pod: &Pod, now: i64) -> bool {
    is_running_and_ready(pod) && history::is_available(pod, set.spec.min_ready_seconds, now)
}

fn is_unavailable(set: &StatefulSet, pod: &Pod, now: i64) -> bool {
    is_terminating(pod) || !history::is_available(pod, set.spec.min_ready_seconds, now)
}

fn event(api: &mut ApiServer, set: &StatefulSet, type_: EventType, reason: &str, msg: String) {
    api.record_event(
        object_ref(set, ""),
        type_,
        reason,
        msg,
        &Source::component(COMPONENT),
    );
}

/// `recordPodEvent`: `create Pod web-0 in StatefulSet web successful`.
fn pod_event(
    api: &mut ApiServer,
    set: &StatefulSet,
    verb: &str,
    pod: &str,
    err: Option<&ApiError>,
) {
    let title = match verb {
        "create" => "Create",
        "delete" => "Delete",
        _ => "Update",
    };
    let name = set.metadata.name();
    match err {
        None => event(
            api,
            set,
            EventType::Normal,
            &format!("Successful{title}"),
            format!("{verb} Pod {pod} in StatefulSet {name} successful"),
        ),
        Some(e) => event(
            api,
            set,
            EventType::Warning,
            &format!("Failed{title}"),
            format!(
                "{verb} Pod {pod} in StatefulSet {name} failed error: {}",
                e.message
            ),
        ),
    }
}

/// The claims a pod of this ordinal gets, named `<template>-<set>-<ordinal>`
/// and labelled with the set's selector labels.
fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<PersistentVolumeClaim> {
    let selector_labels = set
        .spec
        .selector
        .as_ref()
        .map(|s| s.match_labels.clone())
        .unwrap_or_default();
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| {
            let mut labels = t.metadata.labels.clone();
            labels.extend(selector_labels.clone());
            PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name: Some(set.claim_name(t, ordinal)),
                    namespace: Some(set.metadata.namespace().to_string()),
                    labels,
                    annotations: t.metadata.annotations.clone(),
                    ..Default::default()
                },
                spec: t.spec.clone(),
                ..Default::default()
            }
        })
        .collect()
}

fn plain_ref(api_version: &str, kind: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: meta.name().to_string(),
        uid: meta.uid().to_string(),
        controller: None,
        block_owner_deletion: None,
    }
}

/// `updateClaimOwnerRefForSetAndPod`: the owners a claim should have under
/// the retention policy. A Delete policy makes the set (whenDeleted) or the
/// scaled-away pod (whenScaled) an owner, so the garbage collector removes
/// the claim with it.
fn desired_claim_owners(
    set: &StatefulSet,
    pod: Option<&ObjectMeta>,
    scaled_down: bool,
    current: &[OwnerReference],
) -> Vec<OwnerReference> {
    let policy = set
        .spec
        .persistent_volume_claim_retention_policy
        .clone()
        .unwrap_or_default();
    let set_uid = set.metadata.uid();
    let pod_uid = pod.map(|p| p.uid().to_string()).unwrap_or_default();
    let mut refs: Vec<OwnerReference> = current
        .iter()
        .filter(|r| r.uid != set_uid && (pod_uid.is_empty() || r.uid != pod_uid))
        .cloned()
        .collect();
    let keep = |uid: &str| current.iter().find(|r| r.uid == uid).cloned();
    let on_set = match policy.when_deleted {
        Policy::Delete => !(scaled_down && policy.when_scaled == Policy::Delete),
        _ => false,
    };
    if on_set {
        refs.push(keep(set_uid).unwrap_or_else(|| plain_ref("apps/v1", KIND, &set.metadata)));
    }
    if let Some(pod) = pod {
        if scaled_down && policy.when_scaled == Policy::Delete {
            refs.push(keep(&pod_uid).unwrap_or_else(|| plain_ref("v1", "Pod", pod)));
        }
    } else if let Some(r) = current.iter().find(|r| r.kind == "Pod") {
        // Without the pod at hand its reference stays as it is.
        refs.push(r.clone());
    }
    refs
}

/// Brings a claim's owner references in line with the retention policy.
fn fix_claim_owners(
    api: &mut ApiServer,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    scaled_down: bool,
) -> Result<(), ApiError> {
    for claim in claims_for(set, ordinal) {
        let Some(existing) = api
            .store
            .get::<PersistentVolumeClaim>(claim.metadata.namespace(), claim.metadata.name())
            .cloned()
        else {
            continue;
        };
        let want = desired_claim_owners(
            set,
            Some(&pod.metadata),
            scaled_down,
            &existing.metadata.owner_references,
        );
        if want != existing.metadata.owner_references {
            let mut c = (*existing).clone();
            c.metadata.owner_references = want;
            api.update(c, &WriteOptions::default())?;
        }
    }
    Ok(())
}

/// `createPersistentVolumeClaims`: creates the claims a pod needs that do
/// not exist yet, recording each.
fn create_claims(
    api: &mut ApiServer,
    set: &StatefulSet,
    pod_name: &str,
    ordinal: i32,
) -> Result<(), ApiError> {
    let mut first_err = None;
    for mut claim in claims_for(set, ordinal) {
        let ns = claim.metadata.namespace().to_string();
        let name = claim.metadata.name().to_string();
        match api.store.get::<PersistentVolumeClaim>(&ns, &name) {
            Some(c) if c.metadata.deletion_timestamp.is_some() => {
                first_err.get_or_insert_with(|| {
                    ApiError::new(Reason::Conflict, format!("pvc {name} is being deleted"))
                });
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        claim.metadata.owner_references =
            desired_claim_owners(set, None, false, &claim.metadata.owner_references);
        claim.set_defaults();
        let set_name = set.metadata.name();
        match api.create(claim, &WriteOptions::default()) {
            Ok(_) => event(
                api,
                set,
                EventType::Normal,
                "SuccessfulCreate",
                format!("create Claim {name} Pod {pod_name} in StatefulSet {set_name} success"),
            ),
            Err(e) if e.reason == Reason::AlreadyExists => {}
            Err(e) => {
                event(
                    api,
                    set,
                    EventType::Warning,
                    "FailedCreate",
                    format!(
                        "create Claim {name} for Pod {pod_name} in StatefulSet {set_name} failed error: failed to create PVC {name}: {}",
                        e.message
                    ),
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

/// `newStatefulSetPod`: the pod of an ordinal from a template, with its
/// identity (name, hostname, subdomain, labels) and claim volumes.
pub fn new_pod(set: &StatefulSet, template: &PodTemplateSpec, revision: &str, ordinal: i32) -> Pod {
    let mut pod = history::pod_from_template(template, KIND, &set.metadata);
    let name = set.pod_name(ordinal);
    pod.metadata.name = Some(name.clone());
    pod.metadata
        .labels
        .insert(POD_NAME_LABEL.to_string(), name.clone());
    pod.metadata
        .labels
        .insert(POD_INDEX_LABEL.to_string(), ordinal.to_string());
    pod.metadata.labels.insert(
        CONTROLLER_REVISION_HASH_LABEL.to_string(),
        revision.to_string(),
    );
    pod.spec.hostname = name;
    pod.spec.subdomain = set.spec.service_name.clone();
    let claim_names: BTreeSet<&str> = set
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| t.metadata.name())
        .collect();
    let mut volumes: Vec<Volume> = set
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| Volume {
            name: t.metadata.name().to_string(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: set.claim_name(t, ordinal),
                read_only: false,
            }),
            ..Default::default()
        })
        .collect();
    volumes.extend(
        pod.spec
            .volumes
            .drain(..)
            .filter(|v| !claim_names.contains(v.name.as_str())),
    );
    pod.spec.volumes = volumes;
    pod.set_defaults();
    pod
}

/// The update and current revisions (`getStatefulSetRevisions`), creating
/// or renumbering the update revision when the template changed.
fn revisions(
    set: &StatefulSet,
    revs: &[Rc<ControllerRevision>],
    api: &mut ApiServer,
    collision_count: &mut i32,
) -> Result<(Rc<ControllerRevision>, Rc<ControllerRevision>), ApiError> {
    let data = history::template_patch(&set.spec.template);
    let next = history::next_revision(revs);
    let last_equal = revs.iter().rev().find(|r| r.data == data).cloned();
    let update = match last_equal {
        Some(eq) if revs.last().is_some_and(|l| Rc::ptr_eq(l, &eq)) => eq,
        Some(eq) => history::renumber(api, &eq, next)?,
        None => history::create_revision(
            api,
            NewRevision {
                owner_kind: KIND,
                owner: &set.metadata,
                labels: &set.spec.template.metadata.labels,
                annotations: &set.metadata.annotations,
                data,
                revision: next,
            },
            collision_count,
        )?,
    };
    let current = revs
        .iter()
        .find(|r| r.metadata.name() == set.status.current_revision)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok((current, update))
}

/// Takes in pods at the set's ordinals that match its selector but have no
/// controller (left behind by an orphaning delete).
fn adopt_orphans(api: &mut ApiServer, set: &StatefulSet) -> Result<(), ApiError> {
    let Some(selector) = set.spec.selector.clone() else {
        return Ok(());
    };
    let start = set.start_ordinal();
    for ord in start..start.saturating_add(set.replicas().max(0)) {
        let Some(p) = api
            .store
            .get::<Pod>(set.metadata.namespace(), &set.pod_name(ord))
            .cloned()
        else {
            continue;
        };
        if p.metadata.controller().is_some()
            || is_terminating(&p)
            || !selector.matches(&p.metadata.labels)
        {
            continue;
        }
        let mut adopted = (*p).clone();
        adopted
            .metadata
            .owner_references
            .push(history::controller_ref(KIND, &set.metadata));
        api.update(adopted, &WriteOptions::default())?;
    }
    Ok(())
}

/// The set's pods by ordinal.
fn owned_pods(api: &ApiServer, set: &StatefulSet) -> BTreeMap<i32, Rc<Pod>> {
    let uid = set.metadata.uid();
    api.store
        .dependents_of(uid)
        .filter(|(k, _)| *k == Kind::Pod)
        .filter_map(|(_, key)| api.store.get::<Pod>(&key.namespace, &key.name))
        .filter(|p| p.metadata.controller().is_some_and(|r| r.uid == uid))
        .filter_map(|p| ordinal_in(set, p).map(|o| (o, p.clone())))
        .collect()
}

fn compute_status(
    set: &StatefulSet,
    pods: &BTreeMap<i32, Rc<Pod>>,
    current: &str,
    update: &str,
    now: i64,
) -> StatefulSetStatus {
    let mut st = StatefulSetStatus {
        observed_generation: set.metadata.generation.unwrap_or(0),
        current_revision: current.to_string(),
        update_revision: update.to_string(),
        collision_count: set.status.collision_count,
        conditions: set.status.conditions.clone(),
        ..Default::default()
    };
    for p in pods.values() {
        st.replicas += 1;
        if is_running_and_ready(p) {
            st.ready_replicas += 1;
            if is_available(set, p, now) {
                st.available_replicas += 1;
            }
        }
        if !is_terminating(p) {
            if revision_of(p) == current {
                st.current_replicas += 1;
            }
            if revision_of(p) == update {
                st.updated_replicas += 1;
            }
        }
    }
    st
}

/// One pass over a StatefulSet (`UpdateStatefulSet`).
fn sync(set: &Rc<StatefulSet>, api: &mut ApiServer) -> Result<Action, ApiError> {
    let set: &StatefulSet = set;
    if set.metadata.deletion_timestamp.is_none() {
        adopt_orphans(api, set)?;
    }
    let revs = history::owned_revisions(api, set.metadata.uid());
    let mut collision_count = set.status.collision_count.unwrap_or(0);
    let (current, update) = revisions(set, &revs, api, &mut collision_count)?;
    let current_name = current.metadata.name().to_string();
    let update_name = update.metadata.name().to_string();
    let current_template =
        history::template_of(&current).unwrap_or_else(|| set.spec.template.clone());

    let result = update_pods(set, api, &current_template, &current_name, &update_name);

    // Status reflects the pods as they are now, after this pass's writes.
    let pods = owned_pods(api, set);
    let now = api.wall_millis();
    let mut status = compute_status(set, &pods, &current_name, &update_name, now);
    status.collision_count = Some(collision_count);
    // `completeRollingUpdate`.
    if set.spec.update_strategy.type_ == StatefulSetUpdateStrategyType::RollingUpdate
        && status.updated_replicas == status.replicas
        && status.ready_replicas == status.replicas
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
    if let Some(fresh) = api
        .store
        .get::<StatefulSet>(set.metadata.namespace(), set.metadata.name())
        .cloned()
    {
        if fresh.status != status && fresh.metadata.uid() == set.metadata.uid() {
            let mut s = (*fresh).clone();
            s.status = status.clone();
            api.write_status(s)?;
        }
    }

    // Keep the history within its limit; pods' revisions stay.
    let mut live: BTreeSet<String> = pods.values().map(|p| revision_of(p).to_string()).collect();
    live.insert(status.current_revision.clone());
    live.insert(update_name.clone());
    let revs = history::owned_revisions(api, set.metadata.uid());
    history::truncate(
        api,
        &revs,
        &live,
        set.spec.revision_history_limit.unwrap_or(10),
    )?;

    result?;
    // Pods that are ready but not yet available need a look when they are.
    let next = pods
        .values()
        .filter_map(|p| history::available_at(p, set.spec.min_ready_seconds, now))
        .min();
    Ok(match next {
        Some(at) => Action::RequeueAfter((at - now).max(1)),
        None => Action::AwaitChange,
    })
}

/// What processing a replica decided.
enum Step {
    Continue,
    /// Ordered mode must wait for this pod.
    Block,
}

/// Creates, recreates, scales and updates pods (`updateStatefulSet`).
fn update_pods(
    set: &StatefulSet,
    api: &mut ApiServer,
    current_template: &PodTemplateSpec,
    current_name: &str,
    update_name: &str,
) -> Result<(), ApiError> {
    if set.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let pods = owned_pods(api, set);
    let start = set.start_ordinal();
    let end = start.saturating_add(set.replicas().max(0));
    let monotonic = !set.is_parallel();
    let now = api.wall_millis();

    // The first unhealthy pod: ordered scale-down may only remove it.
    let first_unhealthy: Option<i32> = (start..end)
        .find(|o| pods.get(o).is_none_or(|p| is_unavailable(set, p, now)))
        .or_else(|| {
            pods.iter()
                .filter(|(o, _)| **o < start || **o >= end)
                .find(|(_, p)| is_unavailable(set, p, now))
                .map(|(o, _)| *o)
        });

    for ord in start..end {
        let step = process_replica(
            set,
            api,
            pods.get(&ord),
            ord,
            current_template,
            current_name,
            update_name,
        )?;
        if matches!(step, Step::Block) && monotonic {
            return Ok(());
        }
    }

    let condemned: Vec<(i32, Rc<Pod>)> = pods
        .iter()
        .rev()
        .filter(|(o, _)| **o < start || **o >= end)
        .map(|(o, p)| (*o, p.clone()))
        .collect();
    for (ord, pod) in &condemned {
        fix_claim_owners(api, set, pod, *ord, true)?;
    }
    for (ord, pod) in &condemned {
        if is_terminating(pod) {
            if monotonic {
                return Ok(());
            }
            continue;
        }
        if monotonic && !is_available(set, pod, now) && first_unhealthy != Some(*ord) {
            return Ok(());
        }
        delete_pod(api, set, pod)?;
        if monotonic {
            return Ok(());
        }
    }

    if set.spec.update_strategy.type_ != StatefulSetUpdateStrategyType::RollingUpdate {
        return Ok(());
    }
    // Replace from the highest ordinal down to the partition, one at a time.
    let partition = start.saturating_add(set.partition().max(0));
    for ord in (partition.max(start)..end).rev() {
        let Some(pod) = api
            .store
            .get::<Pod>(set.metadata.namespace(), &set.pod_name(ord))
            .cloned()
        else {
            return Ok(());
        };
        if revision_of(&pod) != update_name && !is_terminating(&pod) {
            return delete_pod(api, set, &pod);
        }
        if is_unavailable(set, &pod, now) {
            return Ok(());
        }
    }
    Ok(())
}

fn delete_pod(api: &mut ApiServer, set: &StatefulSet, pod: &Pod) -> Result<(), ApiError> {
    match api.delete::<Pod>(pod.namespace(), pod.name(), &DeleteOptions::default()) {
        Ok(_) => {
            pod_event(api, set, "delete", pod.name(), None);
            Ok(())
        }
        Err(e) if e.reason == Reason::NotFound => Ok(()),
        Err(e) => {
            pod_event(api, set, "delete", pod.name(), Some(&e));
            Err(e)
        }
    }
}

/// `processReplica` for one ordinal in range.
#[allow(clippy::too_many_arguments)]
fn process_replica(
    set: &StatefulSet,
    api: &mut ApiServer,
    pod: Option<&Rc<Pod>>,
    ord: i32,
    current_template: &PodTemplateSpec,
    current_name: &str,
    update_name: &str,
) -> Result<Step, ApiError> {
    let mut pod = pod.cloned();
    // A finished pod is deleted and made again.
    if let Some(p) = pod.clone().filter(|p| p.is_terminal()) {
        if is_terminating(&p) {
            return Ok(Step::Block);
        }
        let ns = set.metadata.namespace();
        let (type_, reason, what) = if p.phase() == PodPhase::Failed {
            (EventType::Warning, "RecreatingFailedPod", "failed")
        } else {
            (EventType::Normal, "RecreatingTerminatedPod", "terminated")
        };
        event(
            api,
            set,
            type_,
            reason,
            format!(
                "StatefulSet {ns}/{} is recreating {what} Pod {}",
                set.metadata.name(),
                p.name()
            ),
        );
        match api.delete::<Pod>(p.namespace(), p.name(), &DeleteOptions::default()) {
            Ok(Deleted::Gone(_)) => {
                pod_event(api, set, "delete", p.name(), None);
                pod = None;
            }
            Ok(Deleted::Pending(_)) => {
                pod_event(api, set, "delete", p.name(), None);
                return Ok(Step::Block);
            }
            Err(e) if e.reason == Reason::NotFound => pod = None,
            Err(e) => {
                pod_event(api, set, "delete", p.name(), Some(&e));
                return Err(e);
            }
        }
    }
    let Some(pod) = pod else {
        // `newVersionedStatefulSetPod`: ordinals below the partition stay
        // at the current revision.
        let below_partition = set.spec.update_strategy.type_
            == StatefulSetUpdateStrategyType::RollingUpdate
            && ord < set.start_ordinal().saturating_add(set.partition());
        let new = if below_partition {
            new_pod(set, current_template, current_name, ord)
        } else {
            new_pod(set, &set.spec.template, update_name, ord)
        };
        let name = new.name().to_string();
        if let Err(e) = create_claims(api, set, &name, ord) {
            pod_event(api, set, "create", &name, Some(&e));
            return Err(e);
        }
        match api.create(new, &WriteOptions::default()) {
            Ok(_) => pod_event(api, set, "create", &name, None),
            Err(e) if e.reason == Reason::AlreadyExists => {}
            Err(e) => {
                pod_event(api, set, "create", &name, Some(&e));
                return Err(e);
            }
        }
        return Ok(Step::Block);
    };
    if pod.phase() == PodPhase::Pending {
        // Claims deleted while the pod waits are made again.
        create_claims(api, set, pod.name(), ord)?;
    }
    if is_terminating(&pod) || !is_running_and_ready(&pod) {
        return Ok(Step::Block);
    }
    if !is_available(set, &pod, api.wall_millis()) {
        return Ok(Step::Block);
    }
    fix_claim_owners(api, set, &pod, ord, false)?;
    Ok(Step::Continue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_come_from_the_name_suffix() {
        let cases = [
            ("web-0", Some(("web", 0))),
            ("my-web-12", Some(("my-web", 12))),
            ("web", None),
            ("web-", None),
            ("web-x1", None),
            ("web-99999999999", None),
        ];
        for (name, want) in cases {
            assert_eq!(parent_and_ordinal(name), want, "{name}");
        }
    }
}
