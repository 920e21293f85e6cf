//! PersistentVolumes, PersistentVolumeClaims and StorageClasses.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::pod::{csi_attributes, time_rfc1123z};
use super::{annotations_multiline, events_section, labels_multiline, terminating, Doc};
use crate::api::corev1::{Event, PersistentVolume, PersistentVolumeClaim, Pod};
use crate::api::storagev1::StorageClass;
use crate::kubectl::table::format::{
    access_modes, format_labels, is_default_storage_class, pv_class, pvc_class, title_bool_ptr,
};
use crate::kubectl::table::storage_quantity;
use crate::store::Store;
use crate::util::sort;
use crate::value::Value;

/// The pods that use a claim (`getPodsForPVC`): pods mounting it, once per
/// volume that names it, then pods that own it and are not listed yet.
pub(super) fn pods_using_claim(store: &Store, pvc: &PersistentVolumeClaim) -> Vec<Rc<Pod>> {
    let ns_pods: Vec<Rc<Pod>> = store
        .table::<Pod>()
        .iter_ns(Some(pvc.metadata.namespace()))
        .map(|(_, p)| p.clone())
        .collect();
    let mut pods: Vec<Rc<Pod>> = Vec::new();
    for p in &ns_pods {
        for v in &p.spec.volumes {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == pvc.metadata.name())
            {
                pods.push(p.clone());
            }
        }
    }
    for owner in &pvc.metadata.owner_references {
        if owner.kind != "Pod" {
            continue;
        }
        let Some(p) = ns_pods.iter().find(|p| p.metadata.uid() == owner.uid) else {
            continue;
        };
        if !pods.iter().any(|q| q.metadata.uid() == p.metadata.uid()) {
            pods.push(p.clone());
        }
    }
    pods
}

fn go_string_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `kubectl describe pvc`. `pods` are the pods using the claim.
pub fn describe_pvc(
    pvc: &PersistentVolumeClaim,
    pods: &[Rc<Pod>],
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &pvc.metadata;
    let spec = &pvc.spec;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    w.write(
        0,
        &format!(
            "StorageClass:\t{}\n",
            pvc_class(&meta.annotations, spec.storage_class_name.as_deref())
        ),
    );
    match terminating(meta, now_ms) {
        Some(t) => w.write(0, &format!("Status:\t{t}\n")),
        None => w.write(0, &format!("Status:\t{}\n", pvc.status.phase)),
    }
    w.write(0, &format!("Volume:\t{}\n", spec.volume_name));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!("Finalizers:\t{}\n", go_string_list(&meta.finalizers)),
    );
    let (capacity, modes) = if spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            storage_quantity(&pvc.status.capacity),
            access_modes(&pvc.status.access_modes),
        )
    };
    w.write(0, &format!("Capacity:\t{capacity}\n"));
    w.write(0, &format!("Access Modes:\t{modes}\n"));
    if let Some(m) = &spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{m}\n"));
    }
    if let Some(ds) = &spec.data_source {
        w.write(0, "DataSource:\n");
        if let Some(g) = &ds.api_group {
            w.write(1, &format!("APIGroup:\t{g}\n"));
        }
        w.write(1, &format!("Kind:\t{}\n", ds.kind));
        w.write(1, &format!("Name:\t{}\n", ds.name));
    }
    w.write(0, "Used By:\t");
    if pods.is_empty() {
        w.line("<none>");
    } else {
        let mut names: Vec<&str> = pods.iter().map(|p| p.metadata.name()).collect();
        sort::sort(&mut names);
        for (i, n) in names.into_iter().enumerate() {
            if i != 0 {
                w.write(0, "\t");
            }
            w.write(0, &format!("{n}\n"));
        }
    }
    if !pvc.status.conditions.is_empty() {
        w.write(0, "Conditions:\n");
        w.write(
            1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in &pvc.status.conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status.as_str(),
                    time_rfc1123z(c.last_probe_time),
                    time_rfc1123z(c.last_transition_time),
                    c.reason,
                    c.message
                ),
            );
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `kubectl describe pv`.
pub fn describe_pv(pv: &PersistentVolume, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = &pv.metadata;
    let spec = &pv.spec;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!("Finalizers:\t{}\n", go_string_list(&meta.finalizers)),
    );
    w.write(
        0,
        &format!(
            "StorageClass:\t{}\n",
            pv_class(&meta.annotations, &spec.storage_class_name)
        ),
    );
    match terminating(meta, now_ms) {
        Some(t) => w.write(0, &format!("Status:\t{t}\n")),
        None => w.write(0, &format!("Status:\t{}\n", pv.status.phase)),
    }
    match &spec.claim_ref {
        Some(c) => w.write(0, &format!("Claim:\t{}/{}\n", c.namespace, c.name)),
        None => w.write(0, "Claim:\t\n"),
    }
    w.write(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            spec.persistent_volume_reclaim_policy
        ),
    );
    w.write(
        0,
        &format!("Access Modes:\t{}\n", access_modes(&spec.access_modes)),
    );
    if let Some(m) = &spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{m}\n"));
    }
    w.write(
        0,
        &format!("Capacity:\t{}\n", storage_quantity(&spec.capacity)),
    );
    w.write(0, "Node Affinity:\t");
    match spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
    {
        None => w.line("<none>"),
        Some(required) => {
            w.line("");
            w.write(1, "Required Terms:\t");
            if required.node_selector_terms.is_empty() {
                w.line("<none>");
            } else {
                w.line("");
                for (i, term) in required.node_selector_terms.iter().enumerate() {
                    w.write(2, &format!("Term {i}:\t"));
                    if term.match_expressions.is_empty() {
                        w.line("<none>");
                        continue;
                    }
                    for (j, req) in term.match_expressions.iter().enumerate() {
                        if j != 0 {
                            w.write(2, "\t");
                        }
                        let mut expr = format!("{} {}", req.key, req.operator.to_lowercase());
                        if !req.values.is_empty() {
                            expr.push_str(&format!(" [{}]", req.values.join(", ")));
                        }
                        w.write(0, &format!("{expr}\n"));
                    }
                }
            }
        }
    }
    w.write(0, &format!("Message:\t{}\n", pv.status.message));
    w.write(0, "Source:\n");
    if let Some(h) = &spec.host_path {
        w.write(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h.path,
                h.type_.as_deref().unwrap_or("<none>")
            ),
        );
    } else if let Some(n) = &spec.nfs {
        w.write(
            2,
            &format!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                n.server, n.path, n.read_only
            ),
        );
    } else if let Some(l) = &spec.local {
        w.write(
            2,
            &format!(
                "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n",
                l.path
            ),
        );
    } else if let Some(c) = &spec.csi {
        w.write(
            2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                str_field(c, "driver"),
                str_field(c, "fsType"),
                str_field(c, "volumeHandle"),
                c.get("readOnly").and_then(Value::as_bool).unwrap_or(false)
            ),
        );
        let attrs: BTreeMap<String, String> = c
            .get("volumeAttributes")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        csi_attributes(&mut w, &attrs);
    } else {
        w.write(1, "<unknown>\n");
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe storageclass`.
pub fn describe_storage_class(sc: &StorageClass, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = &sc.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    let default = if is_default_storage_class(&meta.annotations) {
        "Yes"
    } else {
        "No"
    };
    w.write(0, &format!("IsDefaultClass:\t{default}\n"));
    w.write(
        0,
        &format!("Annotations:\t{}\n", format_labels(&meta.annotations)),
    );
    w.write(0, &format!("Provisioner:\t{}\n", sc.provisioner));
    w.write(
        0,
        &format!("Parameters:\t{}\n", format_labels(&sc.parameters)),
    );
    w.write(
        0,
        &format!(
            "AllowVolumeExpansion:\t{}\n",
            title_bool_ptr(sc.allow_volume_expansion)
        ),
    );
    if sc.mount_options.is_empty() {
        w.write(0, "MountOptions:\t<none>\n");
    } else {
        w.write(0, "MountOptions:\n");
        for o in &sc.mount_options {
            w.write(1, &format!("{o}\n"));
        }
    }
    if let Some(r) = &sc.reclaim_policy {
        w.write(0, &format!("ReclaimPolicy:\t{r}\n"));
    }
    if let Some(m) = &sc.volume_binding_mode {
        w.write(0, &format!("VolumeBindingMode:\t{m}\n"));
    }
    if !sc.allowed_topologies.is_empty() {
        w.write(0, "AllowedTopologies:\t");
        w.line("");
        for (i, term) in sc.allowed_topologies.iter().enumerate() {
            w.write(1, &format!("Term {i}:\t"));
            if term.match_label_expressions.is_empty() {
                w.line("<none>");
                continue;
            }
            for (j, req) in term.match_label_expressions.iter().enumerate() {
                if j != 0 {
                    w.write(1, "\t");
                }
                let mut expr = format!("{} in", req.key);
                if !req.values.is_empty() {
                    expr.push_str(&format!(" [{}]", req.values.join(", ")));
                }
                w.write(0, &format!("{expr}\n"));
            }
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}
