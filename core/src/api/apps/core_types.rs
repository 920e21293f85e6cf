//! core/v1 types that the workload kinds embed: the claim a StatefulSet
//! stamps out per replica, object references (CronJob status, EndpointSlice
//! targets) and condition statuses.

use std::collections::BTreeMap;

use podlab_macros::Api;

use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::quantity::Quantity;
use crate::api::time::Time;
use crate::string_enum;

string_enum! {
    /// The status of a condition.
    pub enum ConditionStatus {
        True = "True",
        False = "False",
        Unknown = "Unknown",
    }
}

/// A reference to an object, precise enough to find it.
#[derive(Api, Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectReference {
    /// Kind of the referent.
    #[api(omitempty)]
    pub kind: String,
    /// Namespace of the referent.
    #[api(omitempty)]
    pub namespace: String,
    /// Name of the referent.
    #[api(omitempty)]
    pub name: String,
    /// UID of the referent.
    #[api(omitempty)]
    pub uid: String,
    /// API version of the referent.
    #[api(omitempty)]
    pub api_version: String,
    /// The resourceVersion the reference was made at.
    #[api(omitempty)]
    pub resource_version: String,
    /// A field of the referent, such as a container of a pod (`spec.containers{web}`).
    #[api(omitempty)]
    pub field_path: String,
}

/// A user's request for storage. Here it is used as the template a
/// StatefulSet turns into one claim per replica.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/PersistentVolumeClaim")]
pub struct PersistentVolumeClaim {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The storage wanted.
    pub spec: PersistentVolumeClaimSpec,
    /// What the system has provided so far.
    pub status: PersistentVolumeClaimStatus,
}

/// The storage a claim asks for.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimSpec {
    /// Desired access modes: ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod.
    pub access_modes: Vec<String>,
    /// Label query over volumes to consider for binding.
    pub selector: Option<LabelSelector>,
    /// Minimum (and, optionally, maximum) amount of storage.
    pub resources: VolumeResourceRequirements,
    /// Name of the volume to bind to.
    #[api(omitempty)]
    pub volume_name: String,
    /// StorageClass to provision from; the empty string asks for no class.
    pub storage_class_name: Option<String>,
    /// Filesystem (default) or Block.
    pub volume_mode: Option<String>,
    /// An existing object to populate the volume from (a snapshot or another claim).
    pub data_source: Option<TypedLocalObjectReference>,
    /// Like dataSource, but may name any object, in another namespace too.
    pub data_source_ref: Option<TypedObjectReference>,
    /// VolumeAttributesClass the claim uses.
    pub volume_attributes_class_name: Option<String>,
}

/// Storage requests and limits of a claim.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeResourceRequirements {
    /// Maximum amount of storage.
    pub limits: BTreeMap<String, Quantity>,
    /// Minimum amount of storage.
    pub requests: BTreeMap<String, Quantity>,
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

/// Observed state of a claim.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimStatus {
    /// Pending, Bound or Lost.
    #[api(omitempty)]
    pub phase: String,
    /// Access modes the bound volume has.
    pub access_modes: Vec<String>,
    /// Capacity of the bound volume.
    pub capacity: BTreeMap<String, Quantity>,
    /// Current conditions of the claim.
    pub conditions: Vec<PersistentVolumeClaimCondition>,
    /// Storage allocated to the claim.
    pub allocated_resources: BTreeMap<String, Quantity>,
    /// Status of resize operations per resource.
    pub allocated_resource_statuses: BTreeMap<String, String>,
    /// VolumeAttributesClass currently applied.
    pub current_volume_attributes_class_name: Option<String>,
    /// Status of a pending VolumeAttributesClass change.
    pub modify_volume_status: Option<ModifyVolumeStatus>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::Encode;
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
