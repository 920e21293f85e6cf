//! Storage tables: PersistentVolumes, PersistentVolumeClaims and
//! StorageClasses.

use super::format::{access_modes, go_bool, is_default_storage_class, pv_class, pvc_class, since};
use super::{col, wide, Column, NAME};
use crate::api::corev1::{PersistentVolume, PersistentVolumeClaim};
use crate::api::quantity::Quantity;
use crate::api::storagev1::StorageClass;

pub(super) const PV_COLUMNS: &[Column] = &[
    NAME,
    col("CAPACITY"),
    col("ACCESS MODES"),
    col("RECLAIM POLICY"),
    col("STATUS"),
    col("CLAIM"),
    col("STORAGECLASS"),
    col("VOLUMEATTRIBUTESCLASS"),
    col("REASON"),
    col("AGE"),
    wide("VOLUMEMODE"),
];

pub(super) const PVC_COLUMNS: &[Column] = &[
    NAME,
    col("STATUS"),
    col("VOLUME"),
    col("CAPACITY"),
    col("ACCESS MODES"),
    col("STORAGECLASS"),
    col("VOLUMEATTRIBUTESCLASS"),
    col("AGE"),
    wide("VOLUMEMODE"),
];

pub(super) const STORAGE_CLASS_COLUMNS: &[Column] = &[
    NAME,
    col("PROVISIONER"),
    col("RECLAIMPOLICY"),
    col("VOLUMEBINDINGMODE"),
    col("ALLOWVOLUMEEXPANSION"),
    col("AGE"),
];

/// `capacity[storage].String()`: a missing entry prints as zero.
pub(crate) fn storage_quantity(list: &std::collections::BTreeMap<String, Quantity>) -> String {
    list.get("storage").copied().unwrap_or_default().canonical()
}

fn or_unset(s: Option<&String>) -> String {
    s.cloned().unwrap_or_else(|| "<unset>".to_string())
}

pub(super) fn pv_cells(pv: &PersistentVolume, now_ms: i64) -> Vec<String> {
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|c| format!("{}/{}", c.namespace, c.name))
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pv.status.phase.clone()
    };
    vec![
        pv.metadata.name().to_string(),
        storage_quantity(&pv.spec.capacity),
        access_modes(&pv.spec.access_modes),
        pv.spec.persistent_volume_reclaim_policy.clone(),
        phase,
        claim,
        pv_class(&pv.metadata.annotations, &pv.spec.storage_class_name),
        or_unset(pv.spec.volume_attributes_class_name.as_ref()),
        pv.status.reason.clone(),
        since(now_ms, pv.metadata.creation_timestamp),
        or_unset(pv.spec.volume_mode.as_ref()),
    ]
}

pub(super) fn pvc_cells(pvc: &PersistentVolumeClaim, now_ms: i64) -> Vec<String> {
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pvc.status.phase.clone()
    };
    // Capacity and access modes are the bound volume's, so only a bound
    // claim shows them.
    let (capacity, modes) = if pvc.spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            storage_quantity(&pvc.status.capacity),
            access_modes(&pvc.status.access_modes),
        )
    };
    vec![
        pvc.metadata.name().to_string(),
        phase,
        pvc.spec.volume_name.clone(),
        capacity,
        modes,
        pvc_class(
            &pvc.metadata.annotations,
            pvc.spec.storage_class_name.as_deref(),
        ),
        or_unset(pvc.spec.volume_attributes_class_name.as_ref()),
        since(now_ms, pvc.metadata.creation_timestamp),
        or_unset(pvc.spec.volume_mode.as_ref()),
    ]
}

pub(super) fn storage_class_cells(sc: &StorageClass, now_ms: i64) -> Vec<String> {
    let mut name = sc.metadata.name().to_string();
    if is_default_storage_class(&sc.metadata.annotations) {
        name.push_str(" (default)");
    }
    vec![
        name,
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        go_bool(sc.allow_volume_expansion.unwrap_or(false)).to_string(),
        since(now_ms, sc.metadata.creation_timestamp),
    ]
}
