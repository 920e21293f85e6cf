//! Storage: the PersistentVolume binder (`pkg/controller/volume/persistentvolume`),
//! the simulated local-path dynamic provisioner behind the default
//! `standard` StorageClass, and the pvc-protection / pv-protection
//! controllers that release their finalizers once nothing uses the object.
//!
//! The default class binds on first consumer, as kind's does: a claim waits
//! until the scheduler picks a node for a pod that uses it and writes that
//! node into `volume.kubernetes.io/selected-node`; then a matching volume is
//! bound or a new one is provisioned on that node.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{
    HostPathVolumeSource, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ObjectReference,
    PersistentVolume, PersistentVolumeClaim, PersistentVolumeSpec, Pod, PodPhase,
    VolumeNodeAffinity,
};
use crate::api::meta::ObjectMeta;
use crate::api::quantity::Quantity;
use crate::api::resource::Resource;
use crate::api::storagev1::{StorageClass, IS_DEFAULT_CLASS_ANNOTATION};
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// Set on a claim once binding finished.
pub const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
/// Set on a claim or volume whose half of the binding the controller wrote.
pub const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
/// The provisioner a claim waits for.
pub const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
/// The node the scheduler chose for a claim that waits for its consumer.
pub const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
/// Which provisioner made a volume.
pub const PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";

/// The default class's provisioner and where it keeps volumes on a node.
pub const LOCAL_PATH: &str = "rancher.io/local-path";
const LOCAL_PATH_ROOT: &str = "/var/local-path-provisioner";
const LOCAL_PATH_SELECTED_NODE: &str = "local.path.provisioner/selected-node";

/// The binder looks at every pending claim this often
/// (`--pvclaimbinder-sync-period`).
const RESYNC: Millis = 15_000;
/// How long the local-path provisioner takes (its helper pod makes the
/// directory on the node).
const PROVISION_TIME: Millis = 1_500;
/// How long it takes to remove a released volume.
const DELETE_TIME: Millis = 1_000;

const BINDER: &str = "persistentvolume-controller";

/// Creates the default StorageClass `standard` (kind's), at cluster start.
pub fn create_default_storage_class(api: &mut ApiServer) {
    let mut sc = StorageClass {
        metadata: ObjectMeta {
            name: Some("standard".to_string()),
            ..Default::default()
        },
        provisioner: LOCAL_PATH.to_string(),
        reclaim_policy: Some("Delete".to_string()),
        volume_binding_mode: Some("WaitForFirstConsumer".to_string()),
        ..Default::default()
    };
    sc.metadata
        .annotations
        .insert(IS_DEFAULT_CLASS_ANNOTATION.to_string(), "true".to_string());
    sc.set_defaults();
    let _ = api.create(sc, &WriteOptions::default());
}

fn claim_class(claim: &PersistentVolumeClaim) -> &str {
    claim.spec.storage_class_name.as_deref().unwrap_or("")
}

fn set_annotation(meta: &mut ObjectMeta, key: &str, value: &str) {
    meta.annotations.insert(key.to_string(), value.to_string());
}

fn claim_ref(claim: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: "v1".to_string(),
        kind: "PersistentVolumeClaim".to_string(),
        namespace: claim.metadata.namespace().to_string(),
        name: claim.metadata.name().to_string(),
        uid: claim.metadata.uid().to_string(),
        resource_version: claim.metadata.resource_version.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// Whether a volume's claim reference names this claim (a reference
/// without a uid is a pre-binding by name).
fn refers_to(pv: &PersistentVolume, claim: &PersistentVolumeClaim) -> bool {
    pv.spec.claim_ref.as_ref().is_some_and(|r| {
        r.name == claim.metadata.name()
            && r.namespace == claim.metadata.namespace()
            && (r.uid.is_empty() || r.uid == claim.metadata.uid())
    })
}

fn storage(q: &BTreeMap<String, Quantity>) -> Option<Quantity> {
    q.get("storage").copied()
}

/// Why a volume cannot serve a claim (`checkVolumeSatisfyClaim`), if so.
fn mismatch(pv: &PersistentVolume, claim: &PersistentVolumeClaim) -> Option<String> {
    let request = claim.storage_request().unwrap_or_default();
    let capacity = storage(&pv.spec.capacity).unwrap_or_default();
    if capacity < request {
        return Some("requested PV is too small".to_string());
    }
    if pv.spec.storage_class_name != claim_class(claim) {
        return Some("storageClassName does not match".to_string());
    }
    let pv_mode = pv.spec.volume_mode.as_deref().unwrap_or("Filesystem");
    let claim_mode = claim.spec.volume_mode.as_deref().unwrap_or("Filesystem");
    if pv_mode != claim_mode {
        return Some("incompatible volumeMode".to_string());
    }
    if !claim
        .spec
        .access_modes
        .iter()
        .all(|m| pv.spec.access_modes.contains(m))
    {
        return Some("incompatible accessMode".to_string());
    }
    None
}

/// Whether a volume can be used from a node.
pub fn volume_fits_node(pv: &PersistentVolume, node: &crate::api::corev1::Node) -> bool {
    let Some(req) = pv
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
    else {
        return true;
    };
    req.node_selector_terms
        .iter()
        .any(|t| crate::scheduler::plugins::term_matches(t, node))
}

/// `findBestMatchForClaim`: a volume pre-bound to the claim, else the
/// smallest available one that satisfies it.
fn find_match(
    api: &ApiServer,
    claim: &PersistentVolumeClaim,
    node: Option<&str>,
) -> Option<Rc<PersistentVolume>> {
    let node = node.and_then(|n| api.store.get::<crate::api::corev1::Node>("", n).cloned());
    let selector = claim.spec.selector.as_ref();
    let mut best: Option<Rc<PersistentVolume>> = None;
    for (_, _, pv) in api.store.table::<PersistentVolume>().iter() {
        if pv.metadata.deletion_timestamp.is_some() || mismatch(pv, claim).is_some() {
            continue;
        }
        if node.as_ref().is_some_and(|n| !volume_fits_node(pv, n)) {
            continue;
        }
        if refers_to(pv, claim) {
            return Some(pv.clone());
        }
        if pv.spec.claim_ref.is_some() || pv.status.phase != "Available" {
            continue;
        }
        if selector.is_some_and(|s| !s.matches(&pv.metadata.labels)) {
            continue;
        }
        let cap = storage(&pv.spec.capacity).unwrap_or_default();
        if best
            .as_ref()
            .is_none_or(|b| cap < storage(&b.spec.capacity).unwrap_or_default())
        {
            best = Some(pv.clone());
        }
    }
    best
}

/// The binder. Keys with an empty namespace are volumes, others claims; the
/// empty key means "every pending claim".
#[derive(Default)]
pub struct PvBinder;

fn all_claims() -> ObjKey {
    ObjKey::new("", "")
}

impl Controller for PvBinder {
    fn id(&self) -> CtrlId {
        CtrlId::PersistentVolumeBinder
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let why = |k: Kind| QueueReason::Changed(k, ev.typ);
        match &ev.object {
            Object::PersistentVolumeClaim(c) => {
                if ev.typ == WatchType::Deleted {
                    if !c.spec.volume_name.is_empty() {
                        out.push((
                            ObjKey::new("", &c.spec.volume_name),
                            QueueReason::Related(
                                Kind::PersistentVolumeClaim,
                                c.metadata.name().to_string(),
                            ),
                        ));
                    }
                } else {
                    out.push((ObjKey::of(&c.metadata), why(Kind::PersistentVolumeClaim)));
                }
            }
            Object::PersistentVolume(pv) => {
                if ev.typ != WatchType::Deleted {
                    out.push((
                        ObjKey::new("", pv.metadata.name()),
                        why(Kind::PersistentVolume),
                    ));
                }
                match &pv.spec.claim_ref {
                    Some(r) if !r.namespace.is_empty() => out.push((
                        ObjKey::new(&r.namespace, &r.name),
                        QueueReason::Related(
                            Kind::PersistentVolume,
                            pv.metadata.name().to_string(),
                        ),
                    )),
                    _ if ev.typ == WatchType::Added => {
                        out.push((all_claims(), why(Kind::PersistentVolume)))
                    }
                    _ => {}
                }
            }
            Object::StorageClass(_) if ev.typ == WatchType::Added => {
                out.push((all_claims(), why(Kind::StorageClass)))
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        if key.namespace.is_empty() && key.name.is_empty() {
            let pending: Vec<Rc<PersistentVolumeClaim>> = api
                .store
                .table::<PersistentVolumeClaim>()
                .iter()
                .map(|(_, _, c)| c.clone())
                .filter(|c| c.status.phase == "Pending")
                .collect();
            for c in pending {
                let _ = sync_claim(api, &c)?;
            }
            return Ok(Action::AwaitChange);
        }
        if key.namespace.is_empty() {
            let Some(pv) = api.store.get::<PersistentVolume>("", &key.name).cloned() else {
                return Ok(Action::AwaitChange);
            };
            return sync_volume(api, &pv);
        }
        let Some(claim) = api
            .store
            .get::<PersistentVolumeClaim>(&key.namespace, &key.name)
            .cloned()
        else {
            return Ok(Action::AwaitChange);
        };
        sync_claim(api, &claim)
    }
}

fn claim_event(
    api: &mut ApiServer,
    claim: &PersistentVolumeClaim,
    t: EventType,
    reason: &str,
    msg: String,
) {
    api.record_event(
        object_ref(claim, ""),
        t,
        reason,
        msg,
        &Source::component(BINDER),
    );
}

/// A pod that uses the claim and waits to be scheduled.
fn unscheduled_user(api: &ApiServer, claim: &PersistentVolumeClaim) -> Option<String> {
    api.store
        .table::<Pod>()
        .iter_ns(Some(claim.metadata.namespace()))
        .map(|(_, p)| p)
        .find(|p| {
            p.node_name().is_none()
                && p.spec.volumes.iter().any(|v| {
                    v.persistent_volume_claim
                        .as_ref()
                        .is_some_and(|s| s.claim_name == claim.metadata.name())
                })
        })
        .map(|p| p.name().to_string())
}

/// `syncClaim`.
fn sync_claim(api: &mut ApiServer, claim: &Rc<PersistentVolumeClaim>) -> Result<Action, ApiError> {
    if claim.metadata.annotation(BIND_COMPLETED).is_some() {
        return sync_bound_claim(api, claim);
    }
    if !claim.spec.volume_name.is_empty() {
        return sync_prebound_claim(api, claim);
    }
    let class_name = claim_class(claim).to_string();
    let class = (!class_name.is_empty())
        .then(|| api.store.get::<StorageClass>("", &class_name).cloned())
        .flatten();
    let selected = claim.metadata.annotation(SELECTED_NODE).map(str::to_string);
    let delayed = class.as_ref().is_some_and(|c| c.waits_for_first_consumer());
    if delayed && selected.is_none() {
        match unscheduled_user(api, claim) {
            Some(pod) => claim_event(
                api,
                claim,
                EventType::Normal,
                "WaitForPodScheduled",
                format!("waiting for pod {pod} to be scheduled"),
            ),
            None => claim_event(
                api,
                claim,
                EventType::Normal,
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".to_string(),
            ),
        }
        return Ok(Action::RequeueAfter(RESYNC));
    }
    if let Some(pv) = find_match(api, claim, selected.as_deref()) {
        bind(api, &pv, claim)?;
        return Ok(Action::AwaitChange);
    }
    if class_name.is_empty() {
        claim_event(
            api,
            claim,
            EventType::Normal,
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set"
                .to_string(),
        );
        return Ok(Action::RequeueAfter(RESYNC));
    }
    let Some(class) = class else {
        claim_event(
            api,
            claim,
            EventType::Warning,
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
        );
        return Ok(Action::RequeueAfter(RESYNC));
    };
    // Every class's provisioner runs outside the controller manager: mark
    // the claim for it and wait.
    if claim.metadata.annotation(STORAGE_PROVISIONER) != Some(class.provisioner.as_str()) {
        let mut c = (**claim).clone();
        set_annotation(
            &mut c.metadata,
            BETA_STORAGE_PROVISIONER,
            &class.provisioner,
        );
        set_annotation(&mut c.metadata, STORAGE_PROVISIONER, &class.provisioner);
        api.update(c, &WriteOptions::default())?;
    }
    let fresh = api
        .store
        .get::<PersistentVolumeClaim>(claim.metadata.namespace(), claim.metadata.name())
        .cloned()
        .unwrap_or_else(|| claim.clone());
    claim_event(
        api,
        &fresh,
        EventType::Normal,
        "ExternalProvisioning",
        format!(
            "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
            class.provisioner
        ),
    );
    Ok(Action::RequeueAfter(RESYNC))
}

/// A claim that names its volume (`spec.volumeName`) but is not bound yet.
fn sync_prebound_claim(
    api: &mut ApiServer,
    claim: &Rc<PersistentVolumeClaim>,
) -> Result<Action, ApiError> {
    let Some(pv) = api
        .store
        .get::<PersistentVolume>("", &claim.spec.volume_name)
        .cloned()
    else {
        // The volume may be created later.
        return Ok(Action::RequeueAfter(RESYNC));
    };
    if pv.spec.claim_ref.is_some() && !refers_to(&pv, claim) {
        claim_event(
            api,
            claim,
            EventType::Warning,
            "FailedBinding",
            format!(
                "volume \"{}\" already bound to a different claim.",
                pv.metadata.name()
            ),
        );
        return Ok(Action::RequeueAfter(RESYNC));
    }
    if let Some(why) = mismatch(&pv, claim) {
        claim_event(
            api,
            claim,
            EventType::Warning,
            "VolumeMismatch",
            format!(
                "Cannot bind to requested volume \"{}\": {why}",
                pv.metadata.name()
            ),
        );
        return Ok(Action::RequeueAfter(RESYNC));
    }
    bind(api, &pv, claim)?;
    Ok(Action::AwaitChange)
}

/// A bound claim: lost when its volume is gone, else kept consistent.
fn sync_bound_claim(
    api: &mut ApiServer,
    claim: &Rc<PersistentVolumeClaim>,
) -> Result<Action, ApiError> {
    match api
        .store
        .get::<PersistentVolume>("", &claim.spec.volume_name)
        .cloned()
    {
        None => {
            if claim.status.phase != "Lost" {
                let mut c = (**claim).clone();
                c.status.phase = "Lost".to_string();
                api.write_status(c)?;
                claim_event(
                    api,
                    claim,
                    EventType::Warning,
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
                        .to_string(),
                );
            }
        }
        Some(pv) if refers_to(&pv, claim) => {
            if claim.status.phase != "Bound" {
                bind(api, &pv, claim)?;
            }
        }
        Some(_) => {
            if claim.status.phase != "Lost" {
                let mut c = (**claim).clone();
                c.status.phase = "Lost".to_string();
                api.write_status(c)?;
                claim_event(
                    api,
                    claim,
                    EventType::Warning,
                    "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly"
                        .to_string(),
                );
            }
        }
    }
    Ok(Action::AwaitChange)
}

fn set_pv_phase(api: &ApiServer, pv: &mut PersistentVolume, phase: &str) {
    if pv.status.phase != phase {
        pv.status.phase = phase.to_string();
        pv.status.last_phase_transition_time = Some(api.time());
    }
}

/// `bind`: the volume points at the claim and is Bound; the claim names
/// the volume, is Bound, and shows its capacity and access modes.
fn bind(
    api: &mut ApiServer,
    pv: &PersistentVolume,
    claim: &PersistentVolumeClaim,
) -> Result<(), ApiError> {
    if !refers_to(pv, claim) || pv.spec.claim_ref.as_ref().is_some_and(|r| r.uid.is_empty()) {
        let mut v = pv.clone();
        let by_controller = pv.spec.claim_ref.is_none();
        v.spec.claim_ref = Some(claim_ref(claim));
        if by_controller {
            set_annotation(&mut v.metadata, BOUND_BY_CONTROLLER, "yes");
        }
        api.update(v, &WriteOptions::default())?;
    }
    let Some(current) = api
        .store
        .get::<PersistentVolume>("", pv.metadata.name())
        .cloned()
    else {
        return Ok(());
    };
    if current.status.phase != "Bound" {
        let mut v = (*current).clone();
        set_pv_phase(api, &mut v, "Bound");
        api.write_status(v)?;
    }
    let mut c = claim.clone();
    let mut changed = false;
    if c.spec.volume_name.is_empty() {
        c.spec.volume_name = pv.metadata.name().to_string();
        set_annotation(&mut c.metadata, BOUND_BY_CONTROLLER, "yes");
        changed = true;
    }
    if c.metadata.annotation(BIND_COMPLETED).is_none() {
        set_annotation(&mut c.metadata, BIND_COMPLETED, "yes");
        changed = true;
    }
    if changed {
        c = (*api.update(c, &WriteOptions::default())?).clone();
    }
    let mut bound = c.clone();
    bound.status.phase = "Bound".to_string();
    bound.status.access_modes = pv.spec.access_modes.clone();
    bound.status.capacity = pv.spec.capacity.clone();
    if bound != c {
        api.write_status(bound)?;
    }
    Ok(())
}

/// `syncVolume`: Available without a claim, Bound with its claim, Released
/// once the claim is gone, then reclaimed by its policy.
fn sync_volume(api: &mut ApiServer, pv: &Rc<PersistentVolume>) -> Result<Action, ApiError> {
    let Some(r) = pv.spec.claim_ref.clone() else {
        if pv.status.phase != "Available" && pv.status.phase != "Failed" {
            let mut v = (**pv).clone();
            set_pv_phase(api, &mut v, "Available");
            api.write_status(v)?;
        }
        return Ok(Action::AwaitChange);
    };
    let claim = api
        .store
        .get::<PersistentVolumeClaim>(&r.namespace, &r.name)
        .cloned()
        .filter(|c| r.uid.is_empty() || c.metadata.uid() == r.uid);
    match claim {
        Some(c) if c.spec.volume_name == pv.metadata.name() => {
            if pv.status.phase != "Bound" {
                let mut v = (**pv).clone();
                set_pv_phase(api, &mut v, "Bound");
                api.write_status(v)?;
            }
        }
        Some(_) => {
            // Pre-bound to a claim that is not bound yet: the claim's sync
            // finishes the binding.
            if pv.status.phase != "Available" && pv.status.phase != "Bound" {
                let mut v = (**pv).clone();
                set_pv_phase(api, &mut v, "Available");
                api.write_status(v)?;
            }
        }
        None if r.uid.is_empty() => {
            if pv.status.phase != "Available" {
                let mut v = (**pv).clone();
                set_pv_phase(api, &mut v, "Available");
                api.write_status(v)?;
            }
        }
        None => {
            if pv.status.phase == "Bound"
                || pv.status.phase == "Available"
                || pv.status.phase == "Pending"
            {
                let mut v = (**pv).clone();
                set_pv_phase(api, &mut v, "Released");
                api.write_status(v)?;
            }
            let fresh = api
                .store
                .get::<PersistentVolume>("", pv.metadata.name())
                .cloned()
                .unwrap_or_else(|| pv.clone());
            reclaim(api, &fresh)?;
        }
    }
    Ok(Action::AwaitChange)
}

/// `reclaimVolume` for a released volume.
fn reclaim(api: &mut ApiServer, pv: &PersistentVolume) -> Result<(), ApiError> {
    if pv.status.phase != "Released" || pv.spec.persistent_volume_reclaim_policy != "Delete" {
        return Ok(());
    }
    if pv.metadata.annotation(PROVISIONED_BY).is_some() {
        // Its provisioner deletes it.
        return Ok(());
    }
    let path = pv.spec.host_path.as_ref().map(|h| h.path.clone());
    let deletable = path
        .as_deref()
        .is_some_and(|p| p.len() > 5 && p.starts_with("/tmp/"));
    if deletable {
        match api.delete::<PersistentVolume>("", pv.metadata.name(), &DeleteOptions::default()) {
            Ok(_) => {}
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => return Err(e),
        }
        return Ok(());
    }
    let msg = match path {
        Some(p) => format!("host_path deleter only supports /tmp/.+ but received provided {p}"),
        None => format!(
            "error getting deleter volume plugin for volume \"{}\": no deletable volume plugin matched",
            pv.metadata.name()
        ),
    };
    let mut v = pv.clone();
    set_pv_phase(api, &mut v, "Failed");
    v.status.message = msg.clone();
    api.write_status(v)?;
    api.record_event(
        object_ref(pv, ""),
        EventType::Warning,
        "VolumeFailedDelete",
        msg,
        &Source::component(BINDER),
    );
    Ok(())
}

/// The simulated local-path provisioner: makes a `pvc-<uid>` hostPath
/// volume on the selected node for claims of its classes, and deletes its
/// released volumes. Keys with an empty namespace are volumes.
#[derive(Default)]
pub struct LocalPathProvisioner {
    /// The provisioner's identity, as its events name it.
    identity: Option<String>,
    /// When each claim's volume will be ready, by claim uid.
    in_progress: BTreeMap<String, Millis>,
    /// When each released volume will be gone, by volume name.
    deleting: BTreeMap<String, Millis>,
}

impl LocalPathProvisioner {
    pub fn new() -> LocalPathProvisioner {
        LocalPathProvisioner::default()
    }

    fn source(&mut self, api: &mut ApiServer) -> Source {
        let id = self.identity.get_or_insert_with(|| {
            let rs = api.rng().name_suffix(10);
            let pod = api.rng().name_suffix(5);
            let uid = api.rng().uuid();
            format!("{LOCAL_PATH}_local-path-provisioner-{rs}-{pod}_{uid}")
        });
        Source::component(id)
    }

    fn provision(
        &mut self,
        api: &mut ApiServer,
        claim: &PersistentVolumeClaim,
    ) -> Result<Action, ApiError> {
        let uid = claim.metadata.uid().to_string();
        let ns = claim.metadata.namespace();
        let name = claim.metadata.name();
        let class_name = claim_class(claim).to_string();
        let Some(class) = api.store.get::<StorageClass>("", &class_name).cloned() else {
            return Ok(Action::AwaitChange);
        };
        let src = self.source(api);
        let now = api.now();
        let Some(due) = self.in_progress.get(&uid).copied() else {
            api.record_event(
                object_ref(claim, ""),
                EventType::Normal,
                "Provisioning",
                format!("External provisioner is provisioning volume for claim \"{ns}/{name}\""),
                &src,
            );
            let Some(node) = claim.metadata.annotation(SELECTED_NODE).map(str::to_string) else {
                self.in_progress.remove(&uid);
                api.record_event(
                    object_ref(claim, ""),
                    EventType::Warning,
                    "ProvisioningFailed",
                    format!("failed to provision volume with StorageClass \"{class_name}\": configuration error, no node was specified"),
                    &src,
                );
                return Ok(Action::RequeueAfter(RESYNC));
            };
            let _ = node;
            self.in_progress.insert(uid, now + PROVISION_TIME);
            return Ok(Action::RequeueAfter(PROVISION_TIME));
        };
        if due > now {
            return Ok(Action::RequeueAfter(due - now));
        }
        self.in_progress.remove(&uid);
        let Some(node) = claim.metadata.annotation(SELECTED_NODE).map(str::to_string) else {
            return Ok(Action::AwaitChange);
        };
        let pv_name = format!("pvc-{uid}");
        let mut pv = PersistentVolume {
            metadata: ObjectMeta {
                name: Some(pv_name.clone()),
                ..Default::default()
            },
            spec: PersistentVolumeSpec {
                capacity: claim.spec.resources.requests.clone(),
                host_path: Some(HostPathVolumeSource {
                    path: format!("{LOCAL_PATH_ROOT}/{pv_name}_{ns}_{name}"),
                    type_: Some("DirectoryOrCreate".to_string()),
                }),
                access_modes: claim.spec.access_modes.clone(),
                claim_ref: Some(claim_ref(claim)),
                persistent_volume_reclaim_policy: class
                    .reclaim_policy
                    .clone()
                    .unwrap_or_else(|| "Delete".to_string()),
                storage_class_name: class_name.clone(),
                volume_mode: claim.spec.volume_mode.clone(),
                node_affinity: Some(VolumeNodeAffinity {
                    required: Some(NodeSelector {
                        node_selector_terms: vec![NodeSelectorTerm {
                            match_expressions: vec![NodeSelectorRequirement {
                                key: "kubernetes.io/hostname".to_string(),
                                operator: "In".to_string(),
                                values: vec![node.clone()],
                            }],
                            ..Default::default()
                        }],
                    }),
                }),
                mount_options: class.mount_options.clone(),
                ..Default::default()
            },
            ..Default::default()
        };
        set_annotation(&mut pv.metadata, LOCAL_PATH_SELECTED_NODE, &node);
        set_annotation(&mut pv.metadata, PROVISIONED_BY, LOCAL_PATH);
        pv.set_defaults();
        match api.create(pv, &WriteOptions::default()) {
            Ok(_) => {}
            Err(e) if e.reason == Reason::AlreadyExists => {}
            Err(e) => {
                api.record_event(
                    object_ref(claim, ""),
                    EventType::Warning,
                    "ProvisioningFailed",
                    format!(
                        "failed to provision volume with StorageClass \"{class_name}\": {}",
                        e.message
                    ),
                    &src,
                );
                return Err(e);
            }
        }
        api.record_event(
            object_ref(claim, ""),
            EventType::Normal,
            "ProvisioningSucceeded",
            format!("Successfully provisioned volume {pv_name}"),
            &src,
        );
        Ok(Action::AwaitChange)
    }

    fn delete_released(
        &mut self,
        api: &mut ApiServer,
        pv: &PersistentVolume,
    ) -> Result<Action, ApiError> {
        let name = pv.metadata.name().to_string();
        let now = api.now();
        let due = *self
            .deleting
            .entry(name.clone())
            .or_insert(now + DELETE_TIME);
        if due > now {
            return Ok(Action::RequeueAfter(due - now));
        }
        self.deleting.remove(&name);
        match api.delete::<PersistentVolume>("", &name, &DeleteOptions::default()) {
            Ok(_) => Ok(Action::AwaitChange),
            Err(e) if e.reason == Reason::NotFound => Ok(Action::AwaitChange),
            Err(e) => Err(e),
        }
    }
}

fn wants_provisioning(c: &PersistentVolumeClaim) -> bool {
    c.metadata.annotation(STORAGE_PROVISIONER) == Some(LOCAL_PATH)
        && c.spec.volume_name.is_empty()
        && c.metadata.deletion_timestamp.is_none()
}

fn wants_deleting(pv: &PersistentVolume) -> bool {
    pv.metadata.annotation(PROVISIONED_BY) == Some(LOCAL_PATH)
        && pv.status.phase == "Released"
        && pv.spec.persistent_volume_reclaim_policy == "Delete"
        && pv.metadata.deletion_timestamp.is_none()
}

impl Controller for LocalPathProvisioner {
    fn id(&self) -> CtrlId {
        CtrlId::LocalPathProvisioner
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if ev.typ == WatchType::Deleted {
            return;
        }
        match &ev.object {
            Object::PersistentVolumeClaim(c) if wants_provisioning(c) => out.push((
                ObjKey::of(&c.metadata),
                QueueReason::Changed(Kind::PersistentVolumeClaim, ev.typ),
            )),
            Object::PersistentVolume(pv) if wants_deleting(pv) => out.push((
                ObjKey::new("", pv.metadata.name()),
                QueueReason::Changed(Kind::PersistentVolume, ev.typ),
            )),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        if key.namespace.is_empty() {
            let Some(pv) = api.store.get::<PersistentVolume>("", &key.name).cloned() else {
                self.deleting.remove(&key.name);
                return Ok(Action::AwaitChange);
            };
            if !wants_deleting(&pv) {
                self.deleting.remove(&key.name);
                return Ok(Action::AwaitChange);
            }
            return self.delete_released(api, &pv);
        }
        let Some(claim) = api
            .store
            .get::<PersistentVolumeClaim>(&key.namespace, &key.name)
            .cloned()
        else {
            return Ok(Action::AwaitChange);
        };
        if !wants_provisioning(&claim) {
            self.in_progress.remove(claim.metadata.uid());
            return Ok(Action::AwaitChange);
        }
        self.provision(api, &claim)
    }
}

/// Whether a pod counts as using a claim (`podUsesPVC`): scheduled, not
/// finished, and naming the claim.
fn pod_uses(pod: &Pod, claim: &str) -> bool {
    pod.node_name().is_some()
        && !matches!(pod.phase(), PodPhase::Succeeded | PodPhase::Failed)
        && pod.spec.volumes.iter().any(|v| {
            v.persistent_volume_claim
                .as_ref()
                .is_some_and(|s| s.claim_name == claim)
        })
}

/// Removes `kubernetes.io/pvc-protection` from a claim being deleted once
/// no pod uses it.
#[derive(Default)]
pub struct PvcProtection;

impl Controller for PvcProtection {
    fn id(&self) -> CtrlId {
        CtrlId::PvcProtection
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::PersistentVolumeClaim(c)
                if ev.typ != WatchType::Deleted
                    && c.metadata.deletion_timestamp.is_some()
                    && c.metadata.finalizers.iter().any(|f| f == PVC_PROTECTION) =>
            {
                out.push((
                    ObjKey::of(&c.metadata),
                    QueueReason::Changed(Kind::PersistentVolumeClaim, ev.typ),
                ))
            }
            Object::Pod(p) if ev.typ == WatchType::Deleted || p.is_terminal() => {
                for v in &p.spec.volumes {
                    if let Some(s) = &v.persistent_volume_claim {
                        out.push((
                            ObjKey::new(p.namespace(), &s.claim_name),
                            QueueReason::Related(Kind::Pod, p.name().to_string()),
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(claim) = api
            .store
            .get::<PersistentVolumeClaim>(&key.namespace, &key.name)
            .cloned()
        else {
            return Ok(Action::AwaitChange);
        };
        if claim.metadata.deletion_timestamp.is_none()
            || !claim
                .metadata
                .finalizers
                .iter()
                .any(|f| f == PVC_PROTECTION)
        {
            return Ok(Action::AwaitChange);
        }
        let used = api
            .store
            .table::<Pod>()
            .iter_ns(Some(&key.namespace))
            .any(|(_, p)| pod_uses(p, &key.name));
        if used {
            return Ok(Action::AwaitChange);
        }
        let mut c = (*claim).clone();
        c.metadata.finalizers.retain(|f| f != PVC_PROTECTION);
        api.update(c, &WriteOptions::default())?;
        Ok(Action::AwaitChange)
    }
}

/// Removes `kubernetes.io/pv-protection` from a volume being deleted once
/// it is no longer bound.
#[derive(Default)]
pub struct PvProtection;

impl Controller for PvProtection {
    fn id(&self) -> CtrlId {
        CtrlId::PvProtection
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if let Object::PersistentVolume(pv) = &ev.object {
            if ev.typ != WatchType::Deleted
                && pv.metadata.deletion_timestamp.is_some()
                && pv.metadata.finalizers.iter().any(|f| f == PV_PROTECTION)
            {
                out.push((
                    ObjKey::new("", pv.metadata.name()),
                    QueueReason::Changed(Kind::PersistentVolume, ev.typ),
                ));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(pv) = api.store.get::<PersistentVolume>("", &key.name).cloned() else {
            return Ok(Action::AwaitChange);
        };
        if pv.metadata.deletion_timestamp.is_none() || pv.status.phase == "Bound" {
            return Ok(Action::AwaitChange);
        }
        let mut v = (*pv).clone();
        v.metadata.finalizers.retain(|f| f != PV_PROTECTION);
        api.update(v, &WriteOptions::default())?;
        Ok(Action::AwaitChange)
    }
}
