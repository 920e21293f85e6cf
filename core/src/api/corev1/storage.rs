//! core/v1 PersistentVolume and PersistentVolumeClaim.

use std::collections::BTreeMap;

use podlab_macros::Api;

use super::pod::{HostPathVolumeSource, NfsVolumeSource, NodeSelector};
use super::service::ObjectReference;
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::quantity::Quantity;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::*;
use crate::impl_meta;
use crate::string_enum;
use crate::value::Value;

/// A piece of storage in the cluster.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/PersistentVolume")]
pub struct PersistentVolume {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// What the volume offers.
    pub spec: PersistentVolumeSpec,
    /// Observed status of the volume.
    pub status: PersistentVolumeStatus,
}

/// What a persistent volume offers.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeSpec {
    /// Capacity of the volume (storage).
    pub capacity: BTreeMap<String, Quantity>,
    /// A directory on the node.
    pub host_path: Option<HostPathVolumeSource>,
    /// An NFS export.
    pub nfs: Option<NfsVolumeSource>,
    /// A local disk of one node.
    pub local: Option<LocalVolumeSource>,
    /// A CSI volume.
    pub csi: Option<Value>,
    /// GCE persistent disk.
    pub gce_persistent_disk: Option<Value>,
    /// AWS EBS volume.
    pub aws_elastic_block_store: Option<Value>,
    /// Glusterfs mount.
    pub glusterfs: Option<Value>,
    /// Ceph RBD volume.
    pub rbd: Option<Value>,
    /// iSCSI disk.
    pub iscsi: Option<Value>,
    /// Cinder volume.
    pub cinder: Option<Value>,
    /// CephFS mount.
    pub cephfs: Option<Value>,
    /// Fibre Channel volume.
    pub fc: Option<Value>,
    /// Flocker volume.
    pub flocker: Option<Value>,
    /// Flex volume driver.
    pub flex_volume: Option<Value>,
    /// Azure File share.
    pub azure_file: Option<Value>,
    /// vSphere volume.
    pub vsphere_volume: Option<Value>,
    /// Quobyte volume.
    pub quobyte: Option<Value>,
    /// Azure Data Disk.
    pub azure_disk: Option<Value>,
    /// PhotonController disk.
    pub photon_persistent_disk: Option<Value>,
    /// Portworx volume.
    pub portworx_volume: Option<Value>,
    /// ScaleIO volume.
    #[api(rename = "scaleIO")]
    pub scale_io: Option<Value>,
    /// StorageOS volume.
    pub storageos: Option<Value>,
    /// ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.
    pub access_modes: Vec<String>,
    /// The claim bound to this volume.
    pub claim_ref: Option<ObjectReference>,
    /// Retain (default for static volumes), Delete or Recycle.
    #[api(omitempty)]
    pub persistent_volume_reclaim_policy: String,
    /// StorageClass this volume belongs to.
    #[api(omitempty)]
    pub storage_class_name: String,
    /// Mount options.
    pub mount_options: Vec<String>,
    /// Filesystem (default) or Block.
    pub volume_mode: Option<String>,
    /// Nodes the volume can be used from.
    pub node_affinity: Option<VolumeNodeAffinity>,
    /// VolumeAttributesClass of the volume.
    pub volume_attributes_class_name: Option<String>,
}

/// A local disk.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LocalVolumeSource {
    /// Path of the disk or directory on the node.
    #[api(always, required)]
    pub path: String,
    /// Filesystem type.
    pub fs_type: Option<String>,
}

/// Node constraints of a volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeNodeAffinity {
    /// Nodes that can access the volume.
    pub required: Option<NodeSelector>,
}

/// Observed status of a persistent volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeStatus {
    /// Pending, Available, Bound, Released or Failed.
    #[api(omitempty)]
    pub phase: String,
    /// Human-readable detail.
    #[api(omitempty)]
    pub message: String,
    /// Machine-readable reason.
    #[api(omitempty)]
    pub reason: String,
    /// When the phase last changed.
    pub last_phase_transition_time: Option<Time>,
}

string_enum! {
    /// The status of a condition.
    pub enum ConditionStatus {
        True = "True",
        False = "False",
        Unknown = "Unknown",
    }
}

pub static PV_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "PersistentVolume",
    plural: "persistentvolumes",
    singular: "persistentvolume",
    short_names: &["pv"],
    namespaced: false,
    categories: &[],
    verbs: VERBS_ALL,
};

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn validate_access_modes(modes: &[String], path: &Path, errs: &mut FieldErrs) {
    if modes.is_empty() {
        errs.push(FieldErr::required(
            path.clone(),
            "at least 1 access mode is required",
        ));
    }
    for m in modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(FieldErr::not_supported(
                path.clone(),
                m.as_str(),
                ACCESS_MODES,
            ));
        }
    }
}

impl Resource for PersistentVolume {
    const INFO: &'static ResourceInfo = &PV_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        if self.spec.persistent_volume_reclaim_policy.is_empty() {
            self.spec.persistent_volume_reclaim_policy = "Retain".to_string();
        }
        if self.spec.volume_mode.is_none() {
            self.spec.volume_mode = Some("Filesystem".to_string());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = PersistentVolumeStatus {
            phase: "Pending".to_string(),
            ..Default::default()
        };
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, false, validate_subdomain);
        let spec = Path::root("spec");
        validate_access_modes(
            &self.spec.access_modes,
            &spec.child("accessModes"),
            &mut errs,
        );
        match self.spec.capacity.get("storage") {
            None => errs.push(FieldErr::required(spec.child("capacity"), "")),
            Some(q) if q.is_negative() => errs.push(FieldErr::invalid(
                spec.child("capacity").key("storage"),
                q.canonical(),
                "must be greater than or equal to 0",
            )),
            Some(_) => {}
        }
        let sources = [
            self.spec.host_path.is_some(),
            self.spec.nfs.is_some(),
            self.spec.local.is_some(),
            self.spec.csi.is_some(),
        ]
        .iter()
        .filter(|&&b| b)
        .count()
            + usize::from(self.spec.gce_persistent_disk.is_some())
            + usize::from(self.spec.aws_elastic_block_store.is_some())
            + usize::from(self.spec.iscsi.is_some())
            + usize::from(self.spec.rbd.is_some());
        if sources == 0 {
            errs.push(FieldErr::required(
                spec.clone(),
                "must specify a volume type",
            ));
        }
        if !matches!(
            self.spec.persistent_volume_reclaim_policy.as_str(),
            "Retain" | "Delete" | "Recycle"
        ) {
            errs.push(FieldErr::not_supported(
                spec.child("persistentVolumeReclaimPolicy"),
                self.spec.persistent_volume_reclaim_policy.as_str(),
                &["Delete", "Recycle", "Retain"],
            ));
        }
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        if self.spec.host_path != old.spec.host_path
            || self.spec.nfs != old.spec.nfs
            || self.spec.local != old.spec.local
        {
            errs.push(FieldErr::forbidden(
                Path::root("spec").child("persistentvolumesource"),
                "spec.persistentvolumesource is immutable after creation",
            ));
        }
        errs
    }
}

/// A user's request for storage.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/PersistentVolumeClaim")]
pub struct PersistentVolumeClaim {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// What the claim asks for.
    pub spec: PersistentVolumeClaimSpec,
    /// Observed status of the claim.
    pub status: PersistentVolumeClaimStatus,
}

/// What a claim asks for.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimSpec {
    /// Access modes the volume must have.
    pub access_modes: Vec<String>,
    /// Label query over volumes to consider.
    pub selector: Option<LabelSelector>,
    /// Minimum resources the volume must have.
    #[api(always)]
    pub resources: VolumeResourceRequirements,
    /// Binds the claim to this volume.
    #[api(omitempty)]
    pub volume_name: String,
    /// StorageClass required by the claim; "" means no class.
    pub storage_class_name: Option<String>,
    /// Filesystem (default) or Block.
    pub volume_mode: Option<String>,
    /// An existing object to populate the volume from (a snapshot or another claim).
    pub data_source: Option<TypedLocalObjectReference>,
    /// Like dataSource, but may name any object, in another namespace too.
    pub data_source_ref: Option<TypedObjectReference>,
    /// VolumeAttributesClass requested.
    pub volume_attributes_class_name: Option<String>,
}

/// Storage requests and limits.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeResourceRequirements {
    /// Maximum amounts.
    pub limits: BTreeMap<String, Quantity>,
    /// Minimum amounts (storage).
    pub requests: BTreeMap<String, Quantity>,
}

/// Observed status of a claim.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimStatus {
    /// Pending, Bound or Lost.
    #[api(omitempty)]
    pub phase: String,
    /// Access modes of the bound volume.
    pub access_modes: Vec<String>,
    /// Capacity of the bound volume.
    pub capacity: BTreeMap<String, Quantity>,
    /// Conditions of the claim.
    pub conditions: Vec<PersistentVolumeClaimCondition>,
    /// Resources allocated to the claim.
    pub allocated_resources: BTreeMap<String, Quantity>,
    /// Status of resize operations.
    pub allocated_resource_statuses: BTreeMap<String, String>,
    /// Current VolumeAttributesClass.
    pub current_volume_attributes_class_name: Option<String>,
    /// Status of a modify operation.
    pub modify_volume_status: Option<ModifyVolumeStatus>,
}

/// A reference to an object in the same namespace.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct TypedLocalObjectReference {
    /// API group of the referent; null for the core group.
    #[api(always)]
    pub api_group: Option<String>,
    /// Kind of the referent.
    #[api(always, required)]
    pub kind: String,
    /// Name of the referent.
    #[api(always, required)]
    pub name: String,
}

/// A reference to an object, possibly in another namespace.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct TypedObjectReference {
    /// API group of the referent; null for the core group.
    #[api(always)]
    pub api_group: Option<String>,
    /// Kind of the referent.
    #[api(always, required)]
    pub kind: String,
    /// Name of the referent.
    #[api(always, required)]
    pub name: String,
    /// Namespace of the referent.
    pub namespace: Option<String>,
}

/// A condition of a claim.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimCondition {
    /// Type of the condition, such as Resizing.
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// True, False or Unknown.
    #[api(always, required)]
    pub status: ConditionStatus,
    /// Last time the condition was checked.
    #[api(always)]
    pub last_probe_time: Option<Time>,
    /// Last time the condition changed status.
    #[api(always)]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[api(omitempty)]
    pub reason: String,
    /// Human-readable detail of the last transition.
    #[api(omitempty)]
    pub message: String,
}

/// Progress of a VolumeAttributesClass change.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ModifyVolumeStatus {
    /// The class being applied.
    #[api(omitempty)]
    pub target_volume_attributes_class_name: String,
    /// Pending, InProgress or Infeasible.
    #[api(always, required)]
    pub status: String,
}

/// Defaults of a claim (`SetDefaults_PersistentVolumeClaim`,
/// `SetDefaults_PersistentVolumeClaimSpec`): a new claim is Pending and
/// mounts a filesystem.
pub fn default_claim(claim: &mut PersistentVolumeClaim) {
    if claim.status.phase.is_empty() {
        claim.status.phase = "Pending".to_string();
    }
    if claim.spec.volume_mode.is_none() {
        claim.spec.volume_mode = Some("Filesystem".to_string());
    }
}

pub static PVC_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "PersistentVolumeClaim",
    plural: "persistentvolumeclaims",
    singular: "persistentvolumeclaim",
    short_names: &["pvc"],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl PersistentVolumeClaim {
    pub fn storage_request(&self) -> Option<Quantity> {
        self.spec.resources.requests.get("storage").copied()
    }
}

/// Validates a claim spec at `path` (also used by StatefulSet templates).
pub fn validate_pvc_spec(spec: &PersistentVolumeClaimSpec, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    validate_access_modes(&spec.access_modes, &path.child("accessModes"), &mut errs);
    match spec.resources.requests.get("storage") {
        None => errs.push(FieldErr::required(
            path.child("resources").key("storage"),
            "",
        )),
        Some(q) if q.is_zero() || q.is_negative() => errs.push(FieldErr::invalid(
            path.child("resources").child("requests").key("storage"),
            q.canonical(),
            "must be greater than zero",
        )),
        Some(_) => {}
    }
    if let Some(m) = &spec.volume_mode {
        if m != "Filesystem" && m != "Block" {
            errs.push(FieldErr::not_supported(
                path.child("volumeMode"),
                m.as_str(),
                &["Block", "Filesystem"],
            ));
        }
    }
    errs
}

impl Resource for PersistentVolumeClaim {
    const INFO: &'static ResourceInfo = &PVC_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        if self.spec.volume_mode.is_none() {
            self.spec.volume_mode = Some("Filesystem".to_string());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = PersistentVolumeClaimStatus {
            phase: "Pending".to_string(),
            ..Default::default()
        };
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        errs.extend(validate_pvc_spec(&self.spec, &Path::root("spec")));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        let mut a = self.spec.clone();
        a.resources.requests = old.spec.resources.requests.clone();
        if old.spec.volume_name.is_empty() {
            a.volume_name = old.spec.volume_name.clone();
        }
        if old.spec.storage_class_name.is_none() {
            a.storage_class_name = None;
        }
        if a != old.spec {
            errs.push(FieldErr::forbidden(
                Path::root("spec"),
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
            ));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::Encode;
    use crate::api::quantity::Quantity;
    use crate::api::time::Time;
    use crate::value::Value;

    #[test]
    fn every_claim_field_survives_a_round_trip() {
        let q = |s: &str| Quantity::parse(s).unwrap_or_default();
        let claim = PersistentVolumeClaim {
            metadata: meta("www"),
            spec: PersistentVolumeClaimSpec {
                access_modes: vec!["ReadWriteOnce".into()],
                selector: Some(selector(&[("disk", "ssd")])),
                resources: VolumeResourceRequirements {
                    limits: [("storage".to_string(), q("2Gi"))].into(),
                    requests: [("storage".to_string(), q("1Gi"))].into(),
                },
                volume_name: "pv-1".into(),
                storage_class_name: Some(String::new()),
                volume_mode: Some("Block".into()),
                data_source: Some(TypedLocalObjectReference {
                    api_group: None,
                    kind: "PersistentVolumeClaim".into(),
                    name: "src".into(),
                }),
                data_source_ref: Some(TypedObjectReference {
                    api_group: Some("snapshot.storage.k8s.io".into()),
                    kind: "VolumeSnapshot".into(),
                    name: "snap".into(),
                    namespace: Some("other".into()),
                }),
                volume_attributes_class_name: Some("gold".into()),
            },
            status: PersistentVolumeClaimStatus {
                phase: "Bound".into(),
                access_modes: vec!["ReadWriteOnce".into()],
                capacity: [("storage".to_string(), q("1Gi"))].into(),
                conditions: vec![PersistentVolumeClaimCondition {
                    type_: "Resizing".into(),
                    status: ConditionStatus::True,
                    last_probe_time: Some(Time(1)),
                    last_transition_time: None,
                    reason: "r".into(),
                    message: "m".into(),
                }],
                allocated_resources: [("storage".to_string(), q("1Gi"))].into(),
                allocated_resource_statuses: labels(&[("storage", "ControllerResizeInProgress")]),
                current_volume_attributes_class_name: Some("silver".into()),
                modify_volume_status: Some(ModifyVolumeStatus {
                    target_volume_attributes_class_name: "gold".into(),
                    status: "InProgress".into(),
                }),
            },
        };
        assert_eq!(round_trip(&claim), Ok(claim.clone()));
        // A core-group reference writes its group as null.
        let v = claim.encode();
        assert_eq!(v.pointer("spec.dataSource.apiGroup"), Some(&Value::Null));
    }

    #[test]
    fn a_new_claim_is_pending_with_a_filesystem() {
        let mut claim = PersistentVolumeClaim::default();
        default_claim(&mut claim);
        assert_eq!(claim.status.phase, "Pending");
        assert_eq!(claim.spec.volume_mode.as_deref(), Some("Filesystem"));
    }
}
