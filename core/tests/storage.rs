//! Storage on simulated time: the default class, binding, dynamic
//! provisioning on first consumer, reclaiming, and the protection
//! finalizers.

use podlab_core::api::corev1::{Event, PersistentVolume, PersistentVolumeClaim, Pod};
use podlab_core::api::storagev1::StorageClass;
use podlab_core::apiserver::DeleteOptions;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

fn claim(c: &Cluster, name: &str) -> Option<PersistentVolumeClaim> {
    c.api()
        .store
        .get::<PersistentVolumeClaim>("default", name)
        .map(|x| (**x).clone())
}

fn volume(c: &Cluster, name: &str) -> Option<PersistentVolume> {
    c.api()
        .store
        .get::<PersistentVolume>("", name)
        .map(|x| (**x).clone())
}

fn pod(c: &Cluster, name: &str) -> Option<Pod> {
    c.api()
        .store
        .get::<Pod>("default", name)
        .map(|x| (**x).clone())
}

/// `reason: message` of the events about an object, oldest first.
fn events_of(c: &Cluster, kind: &str, name: &str) -> Vec<String> {
    let mut evs: Vec<Event> = c
        .api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| (**e).clone())
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter()
        .map(|e| format!("{}: {}", e.reason, e.message))
        .collect()
}

fn claim_yaml(name: &str, extra_spec: &str, size: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: {size}\n{extra_spec}"
    )
}

fn host_path_pv(name: &str, size: &str, path: &str, policy: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\n  labels:\n    size: \"{size}\"\nspec:\n  capacity:\n    storage: {size}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: {policy}\n  hostPath:\n    path: {path}\n{extra}"
    )
}

fn pod_using(name: &str, claim: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: {claim}\n"
    )
}

#[test]
fn the_cluster_starts_with_a_default_class_that_waits_for_consumers() {
    let c = Cluster::new(ClusterConfig::default());
    let sc = c
        .api()
        .store
        .get::<StorageClass>("", "standard")
        .cloned()
        .expect("default class");
    assert!(sc.is_default_class());
    assert_eq!(sc.provisioner, "rancher.io/local-path");
    assert_eq!(sc.reclaim_policy.as_deref(), Some("Delete"));
    assert_eq!(
        sc.volume_binding_mode.as_deref(),
        Some("WaitForFirstConsumer")
    );
}

#[test]
fn a_claim_without_a_consumer_waits() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &claim_yaml("data", "", "1Gi"));
    c.advance_by(20_000);
    let pvc = claim(&c, "data").expect("claim");
    assert_eq!(pvc.status.phase, "Pending");
    assert_eq!(pvc.spec.storage_class_name.as_deref(), Some("standard"));
    assert_eq!(pvc.metadata.finalizers, ["kubernetes.io/pvc-protection"]);
    assert!(c.api().store.table::<PersistentVolume>().is_empty());
    assert_eq!(
        events_of(&c, "PersistentVolumeClaim", "data")
            .first()
            .map(String::as_str),
        Some("WaitForFirstConsumer: waiting for first consumer to be created before binding")
    );
}

#[test]
fn the_first_consumer_gets_a_volume_provisioned_on_its_node() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &claim_yaml("data", "", "1Gi"));
    c.advance_by(1_000);
    apply(&mut c, &pod_using("app", "data"));
    // The pod is not bound to its node before its volume is.
    c.advance_by(500);
    let p = pod(&c, "app").expect("pod");
    assert!(p.node_name().is_none(), "bound before the volume");
    c.advance_by(9_500);

    let pvc = claim(&c, "data").expect("claim");
    let p = pod(&c, "app").expect("pod");
    let node = p.node_name().expect("scheduled").to_string();
    assert_eq!(p.phase().as_str(), "Running");
    assert_eq!(pvc.status.phase, "Bound");
    let pv_name = format!("pvc-{}", pvc.metadata.uid());
    assert_eq!(pvc.spec.volume_name, pv_name);
    let ann = |k: &str| pvc.metadata.annotation(k).map(str::to_string);
    assert_eq!(
        ann("pv.kubernetes.io/bind-completed").as_deref(),
        Some("yes")
    );
    assert_eq!(
        ann("pv.kubernetes.io/bound-by-controller").as_deref(),
        Some("yes")
    );
    assert_eq!(
        ann("volume.kubernetes.io/selected-node"),
        Some(node.clone())
    );
    assert_eq!(
        ann("volume.kubernetes.io/storage-provisioner").as_deref(),
        Some("rancher.io/local-path")
    );
    assert_eq!(
        ann("volume.beta.kubernetes.io/storage-provisioner").as_deref(),
        Some("rancher.io/local-path")
    );
    assert_eq!(pvc.status.access_modes, ["ReadWriteOnce"]);
    assert_eq!(
        pvc.status.capacity.get("storage").map(|q| q.canonical()),
        Some("1Gi".to_string())
    );

    let pv = volume(&c, &pv_name).expect("provisioned volume");
    assert_eq!(pv.status.phase, "Bound");
    assert_eq!(pv.spec.persistent_volume_reclaim_policy, "Delete");
    assert_eq!(pv.spec.storage_class_name, "standard");
    assert_eq!(pv.metadata.finalizers, ["kubernetes.io/pv-protection"]);
    assert_eq!(
        pv.metadata.annotation("pv.kubernetes.io/provisioned-by"),
        Some("rancher.io/local-path")
    );
    assert_eq!(
        pv.metadata
            .annotation("pv.kubernetes.io/bound-by-controller"),
        None,
        "the provisioner pre-binds its volume"
    );
    let claim_ref = pv.spec.claim_ref.clone().expect("claimRef");
    assert_eq!(
        (claim_ref.namespace.as_str(), claim_ref.name.as_str()),
        ("default", "data")
    );
    assert_eq!(claim_ref.uid, pvc.metadata.uid());
    assert_eq!(
        pv.spec.host_path.as_ref().map(|h| h.path.clone()),
        Some(format!(
            "/var/local-path-provisioner/{pv_name}_default_data"
        ))
    );
    let pinned = pv
        .spec
        .node_affinity
        .and_then(|a| a.required)
        .map(|r| r.node_selector_terms[0].match_expressions[0].values.clone());
    assert_eq!(pinned, Some(vec![node]));

    let evs = events_of(&c, "PersistentVolumeClaim", "data");
    let reasons: Vec<&str> = evs
        .iter()
        .map(|e| e.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        reasons,
        [
            "WaitForFirstConsumer",
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ],
        "{evs:#?}"
    );
    assert_eq!(
        evs[1],
        "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
    );
    assert_eq!(
        evs[2],
        "Provisioning: External provisioner is provisioning volume for claim \"default/data\""
    );
    assert_eq!(
        evs[3],
        format!("ProvisioningSucceeded: Successfully provisioned volume {pv_name}")
    );
}

#[test]
fn static_volumes_bind_by_class_size_access_and_selector() {
    struct Case {
        name: &'static str,
        claim_spec: &'static str,
        size: &'static str,
        want: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "the smallest volume that is big enough",
            claim_spec: "  storageClassName: \"\"\n",
            size: "1Gi",
            want: Some("pv-2g"),
        },
        Case {
            name: "a claim bigger than every volume waits",
            claim_spec: "  storageClassName: \"\"\n",
            size: "10Gi",
            want: None,
        },
        Case {
            name: "a selector narrows the choice",
            claim_spec:
                "  storageClassName: \"\"\n  selector:\n    matchLabels:\n      size: 5Gi\n",
            size: "1Gi",
            want: Some("pv-5g"),
        },
        Case {
            name: "another access mode does not fit",
            claim_spec: "  storageClassName: \"\"\n  accessModes: [ReadWriteMany]\n",
            size: "1Gi",
            want: None,
        },
        Case {
            name: "volumeName picks a volume",
            claim_spec: "  storageClassName: \"\"\n  volumeName: pv-5g\n",
            size: "1Gi",
            want: Some("pv-5g"),
        },
    ];
    for case in cases {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(
            &mut c,
            &host_path_pv("pv-2g", "2Gi", "/mnt/a", "Retain", ""),
        );
        apply(
            &mut c,
            &host_path_pv("pv-5g", "5Gi", "/mnt/b", "Retain", ""),
        );
        c.advance_by(1_000);
        assert_eq!(
            volume(&c, "pv-2g").map(|v| v.status.phase),
            Some("Available".into()),
            "{}",
            case.name
        );
        let mut yaml = claim_yaml("data", case.claim_spec, case.size);
        if case.claim_spec.contains("accessModes") {
            yaml = yaml.replace("  accessModes: [ReadWriteOnce]\n", "");
        }
        apply(&mut c, &yaml);
        c.advance_by(2_000);
        let pvc = claim(&c, "data").expect("claim");
        match case.want {
            Some(pv_name) => {
                assert_eq!(pvc.status.phase, "Bound", "{}", case.name);
                assert_eq!(pvc.spec.volume_name, pv_name, "{}", case.name);
                let pv = volume(&c, pv_name).expect("volume");
                assert_eq!(pv.status.phase, "Bound", "{}", case.name);
                assert_eq!(
                    pv.metadata
                        .annotation("pv.kubernetes.io/bound-by-controller"),
                    Some("yes"),
                    "{}",
                    case.name
                );
                let by_controller = pvc
                    .metadata
                    .annotation("pv.kubernetes.io/bound-by-controller");
                if case.claim_spec.contains("volumeName") {
                    assert_eq!(by_controller, None, "{}", case.name);
                } else {
                    assert_eq!(by_controller, Some("yes"), "{}", case.name);
                }
            }
            None => {
                assert_eq!(pvc.status.phase, "Pending", "{}", case.name);
                assert_eq!(
                    events_of(&c, "PersistentVolumeClaim", "data").first().map(String::as_str),
                    Some("FailedBinding: no persistent volumes available for this claim and no storage class is set"),
                    "{}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn a_released_volume_follows_its_reclaim_policy() {
    struct Case {
        name: &'static str,
        volume: Option<String>,
        claim_spec: &'static str,
        /// The volume's phase after the claim is deleted, or None when gone.
        after: Option<&'static str>,
    }
    let cases = [
        Case {
            name: "a provisioned volume is deleted with its claim",
            volume: None,
            claim_spec: "",
            after: None,
        },
        Case {
            name: "a retained volume is kept as Released",
            volume: Some(host_path_pv("keep", "1Gi", "/mnt/keep", "Retain", "")),
            claim_spec: "  storageClassName: \"\"\n",
            after: Some("Released"),
        },
        Case {
            name: "a hostPath outside /tmp cannot be deleted",
            volume: Some(host_path_pv("keep", "1Gi", "/mnt/keep", "Delete", "")),
            claim_spec: "  storageClassName: \"\"\n",
            after: Some("Failed"),
        },
        Case {
            name: "a hostPath under /tmp is deleted",
            volume: Some(host_path_pv("keep", "1Gi", "/tmp/keep", "Delete", "")),
            claim_spec: "  storageClassName: \"\"\n",
            after: None,
        },
    ];
    for case in cases {
        let mut c = Cluster::new(ClusterConfig::default());
        if let Some(v) = &case.volume {
            apply(&mut c, v);
        }
        apply(&mut c, &claim_yaml("data", case.claim_spec, "1Gi"));
        apply(&mut c, &pod_using("app", "data"));
        c.advance_by(10_000);
        let pv_name = claim(&c, "data").expect("claim").spec.volume_name;
        assert!(!pv_name.is_empty(), "{}: bound", case.name);
        c.api_mut()
            .delete::<Pod>(
                "default",
                "app",
                &DeleteOptions {
                    grace_period: Some(0),
                    ..Default::default()
                },
            )
            .expect("pod deleted");
        c.api_mut()
            .delete::<PersistentVolumeClaim>("default", "data", &DeleteOptions::default())
            .expect("claim deleted");
        c.advance_by(5_000);
        assert!(claim(&c, "data").is_none(), "{}: claim gone", case.name);
        let phase = volume(&c, &pv_name).map(|v| v.status.phase);
        assert_eq!(phase.as_deref(), case.after, "{}", case.name);
    }
}

#[test]
fn a_claim_in_use_is_kept_until_its_pod_is_gone() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &claim_yaml("data", "", "1Gi"));
    apply(&mut c, &pod_using("app", "data"));
    c.advance_by(10_000);
    c.api_mut()
        .delete::<PersistentVolumeClaim>("default", "data", &DeleteOptions::default())
        .expect("delete");
    c.advance_by(5_000);
    let pvc = claim(&c, "data").expect("still there");
    assert!(pvc.metadata.deletion_timestamp.is_some());
    assert_eq!(pvc.status.phase, "Bound");
    c.api_mut()
        .delete::<Pod>("default", "app", &DeleteOptions::default())
        .expect("pod delete");
    c.advance_by(40_000);
    assert!(pod(&c, "app").is_none());
    assert!(claim(&c, "data").is_none(), "claim released once unused");
}

#[test]
fn a_bound_volume_is_kept_until_released() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &host_path_pv("pv1", "1Gi", "/mnt/a", "Retain", ""));
    apply(
        &mut c,
        &claim_yaml("data", "  storageClassName: \"\"\n", "1Gi"),
    );
    c.advance_by(2_000);
    c.api_mut()
        .delete::<PersistentVolume>("", "pv1", &DeleteOptions::default())
        .expect("delete");
    c.advance_by(2_000);
    let pv = volume(&c, "pv1").expect("protected");
    assert!(pv.metadata.deletion_timestamp.is_some());
    assert_eq!(pv.status.phase, "Bound");
    c.api_mut()
        .delete::<PersistentVolumeClaim>("default", "data", &DeleteOptions::default())
        .expect("delete claim");
    c.advance_by(2_000);
    assert!(volume(&c, "pv1").is_none(), "released volume goes");
}

#[test]
fn a_claim_of_a_missing_class_reports_it() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &claim_yaml("data", "  storageClassName: fast\n", "1Gi"),
    );
    c.advance_by(2_000);
    assert_eq!(
        claim(&c, "data").map(|p| p.status.phase),
        Some("Pending".into())
    );
    assert_eq!(
        events_of(&c, "PersistentVolumeClaim", "data")
            .first()
            .map(String::as_str),
        Some("ProvisioningFailed: storageclass.storage.k8s.io \"fast\" not found")
    );
}
