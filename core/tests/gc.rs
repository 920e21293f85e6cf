//! Garbage collection and namespace deletion on simulated time: cascading
//! deletes in the three propagation modes, dangling owner references, and
//! a namespace emptied by its controller before it goes.

use podlab_core::api::apps::{Deployment, ReplicaSet};
use podlab_core::api::corev1::{ConfigMap, Namespace, Pod};
use podlab_core::apiserver::{DeleteOptions, Propagation, Reason, WriteOptions};
use podlab_core::store::Kind;
use podlab_core::{Cluster, ClusterConfig};

fn apply_in(c: &mut Cluster, ns: &str, yaml: &str) {
    for node in podlab_core::syntax::parse_stream(yaml).expect("valid yaml") {
        let api_version = node
            .get("apiVersion")
            .and_then(|n| n.as_str())
            .unwrap_or("");
        let kind = node.get("kind").and_then(|n| n.as_str()).unwrap_or("");
        let kind = Kind::from_type_meta(api_version, kind).expect("known kind");
        let mut obj = c.api().decode(kind, &node).expect("decodes");
        if kind.info().namespaced {
            obj = with_namespace(obj, ns);
        }
        c.api_mut()
            .create_object(obj, &WriteOptions::default())
            .expect("created");
    }
}

fn with_namespace(obj: podlab_core::store::Object, ns: &str) -> podlab_core::store::Object {
    use podlab_core::store::Object;
    match obj {
        Object::Deployment(d) => {
            let mut d = (*d).clone();
            d.metadata.namespace = Some(ns.to_string());
            Object::Deployment(d.into())
        }
        Object::ConfigMap(m) => {
            let mut m = (*m).clone();
            m.metadata.namespace = Some(ns.to_string());
            Object::ConfigMap(m.into())
        }
        Object::ReplicaSet(r) => {
            let mut r = (*r).clone();
            r.metadata.namespace = Some(ns.to_string());
            Object::ReplicaSet(r.into())
        }
        Object::Pod(p) => {
            let mut p = (*p).clone();
            p.metadata.namespace = Some(ns.to_string());
            Object::Pod(p.into())
        }
        o => o,
    }
}

fn apply(c: &mut Cluster, yaml: &str) {
    apply_in(c, "default", yaml);
}

fn deployment_yaml(name: &str, replicas: i32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: app
        image: busybox:1.28
        command: [\"sleep\", \"3600\"]
"
    )
}

fn replica_set_yaml(name: &str, replicas: i32) -> String {
    deployment_yaml(name, replicas).replace("kind: Deployment", "kind: ReplicaSet")
}

fn count<T: podlab_core::store::Stored>(c: &Cluster, ns: &str) -> usize {
    c.api().store.table::<T>().iter_ns(Some(ns)).count()
}

fn live_pods(c: &Cluster, ns: &str) -> usize {
    c.api()
        .store
        .table::<Pod>()
        .iter_ns(Some(ns))
        .filter(|(_, p)| p.metadata.deletion_timestamp.is_none())
        .count()
}

fn delete<T: podlab_core::store::Stored>(c: &mut Cluster, name: &str, propagation: Propagation) {
    c.api_mut()
        .delete::<T>(
            "default",
            name,
            &DeleteOptions {
                propagation,
                ..Default::default()
            },
        )
        .expect("deleted");
}

#[test]
fn background_deletion_collects_replica_sets_then_pods() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 3));
    c.advance_by(10_000);
    assert_eq!(
        (count::<ReplicaSet>(&c, "default"), live_pods(&c, "default")),
        (1, 3)
    );
    delete::<Deployment>(&mut c, "web", Propagation::Background);
    assert_eq!(
        count::<Deployment>(&c, "default"),
        0,
        "the owner goes at once"
    );
    c.advance_by(200);
    assert_eq!(count::<ReplicaSet>(&c, "default"), 0);
    assert_eq!(live_pods(&c, "default"), 0, "pods are terminating");
    assert_eq!(count::<Pod>(&c, "default"), 3, "gracefully");
    c.advance_by(40_000);
    assert_eq!(count::<Pod>(&c, "default"), 0);
}

#[test]
fn foreground_deletion_keeps_the_owner_until_its_dependents_are_gone() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 2));
    c.advance_by(10_000);
    delete::<Deployment>(&mut c, "web", Propagation::Foreground);
    let d = c
        .api()
        .store
        .get::<Deployment>("default", "web")
        .expect("still there");
    assert!(d.metadata.deletion_timestamp.is_some());
    assert_eq!(d.metadata.finalizers, ["foregroundDeletion"]);
    c.advance_by(1_000);
    let rs: Vec<ReplicaSet> = c
        .api()
        .store
        .table::<ReplicaSet>()
        .iter_ns(Some("default"))
        .map(|(_, r)| (**r).clone())
        .collect();
    assert_eq!(rs.len(), 1, "the ReplicaSet waits for its pods too");
    assert_eq!(rs[0].metadata.finalizers, ["foregroundDeletion"]);
    assert_eq!(live_pods(&c, "default"), 0);
    // The owner goes only after the last pod is gone.
    let mut order = Vec::new();
    for _ in 0..600 {
        c.advance_by(100);
        let state = (
            count::<Pod>(&c, "default"),
            count::<ReplicaSet>(&c, "default"),
            count::<Deployment>(&c, "default"),
        );
        if order.last() != Some(&state) {
            order.push(state);
        }
        if state == (0, 0, 0) {
            break;
        }
    }
    assert_eq!(order.first(), Some(&(2, 1, 1)));
    assert_eq!(order.last(), Some(&(0, 0, 0)));
    assert!(
        order
            .windows(2)
            .all(|w| w[0].0 >= w[1].0 && w[0].1 >= w[1].1 && w[0].2 >= w[1].2),
        "{order:?}"
    );
    assert!(
        order.iter().all(|s| s.0 == 0 || (s.1 == 1 && s.2 == 1)),
        "no owner goes before its pods: {order:?}"
    );
}

#[test]
fn orphan_deletion_leaves_the_pods_for_a_new_owner_to_adopt() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &replica_set_yaml("web", 3));
    c.advance_by(10_000);
    delete::<ReplicaSet>(&mut c, "web", Propagation::Orphan);
    c.advance_by(1_000);
    assert_eq!(count::<ReplicaSet>(&c, "default"), 0);
    let pods: Vec<Pod> = c
        .api()
        .store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .map(|(_, p)| (**p).clone())
        .collect();
    assert_eq!(pods.len(), 3);
    assert!(
        pods.iter()
            .all(|p| p.metadata.owner_references.is_empty()
                && p.metadata.deletion_timestamp.is_none())
    );
    // A new ReplicaSet with the same selector takes them over.
    apply(&mut c, &replica_set_yaml("web", 3));
    c.advance_by(1_000);
    let rs = c
        .api()
        .store
        .get::<ReplicaSet>("default", "web")
        .expect("rs");
    assert_eq!(rs.status.replicas, 3);
    assert_eq!(count::<Pod>(&c, "default"), 3, "no new pods");
    let uid = rs.metadata.uid().to_string();
    assert!(c
        .api()
        .store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .all(|(_, p)| p.metadata.controller().is_some_and(|r| r.uid == uid)));
}

fn pod_with_owners(name: &str, owners: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  ownerReferences:\n{owners}spec:\n  containers:\n  - name: app\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n"
    )
}

fn owner_ref(kind: &str, name: &str, uid: &str) -> String {
    let api_version = if kind == "ConfigMap" { "v1" } else { "apps/v1" };
    format!("  - apiVersion: {api_version}\n    kind: {kind}\n    name: {name}\n    uid: {uid}\n")
}

#[test]
fn a_reference_to_an_owner_that_never_existed_is_collected_after_a_delay() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &pod_with_owners(
            "lost",
            &owner_ref(
                "ReplicaSet",
                "ghost",
                "0c2f5a8e-0000-4000-8000-000000000000",
            ),
        ),
    );
    c.advance_by(500);
    let p = c.api().store.get::<Pod>("default", "lost").expect("pod");
    assert!(p.metadata.deletion_timestamp.is_none(), "not at once");
    c.advance_by(1_000);
    let gone_or_going = c
        .api()
        .store
        .get::<Pod>("default", "lost")
        .is_none_or(|p| p.metadata.deletion_timestamp.is_some());
    assert!(gone_or_going);
}

#[test]
fn a_dependent_with_a_live_owner_only_loses_the_dead_reference() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keeper\n",
    );
    let uid = c
        .api()
        .store
        .get::<ConfigMap>("default", "keeper")
        .expect("cm")
        .metadata
        .uid()
        .to_string();
    let owners = format!(
        "{}{}",
        owner_ref("ConfigMap", "keeper", &uid),
        owner_ref(
            "ReplicaSet",
            "ghost",
            "0c2f5a8e-0000-4000-8000-000000000000"
        )
    );
    apply(&mut c, &pod_with_owners("shared", &owners));
    c.advance_by(3_000);
    let p = c
        .api()
        .store
        .get::<Pod>("default", "shared")
        .expect("pod stays");
    assert!(p.metadata.deletion_timestamp.is_none());
    let uids: Vec<&str> = p
        .metadata
        .owner_references
        .iter()
        .map(|r| r.uid.as_str())
        .collect();
    assert_eq!(uids, [uid.as_str()]);
    // When the last owner goes, so does the pod.
    c.api_mut()
        .delete::<ConfigMap>("default", "keeper", &DeleteOptions::default())
        .expect("deleted");
    c.advance_by(200);
    assert!(c
        .api()
        .store
        .get::<Pod>("default", "shared")
        .is_none_or(|p| p.metadata.deletion_timestamp.is_some()));
}

fn namespace(c: &Cluster, name: &str) -> Option<Namespace> {
    c.api()
        .store
        .get::<Namespace>("", name)
        .map(|n| (**n).clone())
}

fn ns_condition(ns: &Namespace, type_: &str) -> (String, String, String) {
    ns.status
        .conditions
        .iter()
        .find(|c| c.get("type").and_then(|t| t.as_str()) == Some(type_))
        .map(|c| {
            let f = |k: &str| c.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            (f("status"), f("reason"), f("message"))
        })
        .unwrap_or_default()
}

#[test]
fn deleting_a_namespace_empties_it_before_it_goes() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n",
    );
    c.advance_by(1_000);
    apply_in(&mut c, "scratch", &deployment_yaml("web", 2));
    apply_in(
        &mut c,
        "scratch",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
    );
    c.advance_by(10_000);
    assert_eq!(live_pods(&c, "scratch"), 2);

    c.api_mut()
        .delete::<Namespace>("", "scratch", &DeleteOptions::default())
        .expect("deleted");
    let ns = namespace(&c, "scratch").expect("still there");
    assert_eq!(ns.status.phase, "Terminating");
    assert!(ns.metadata.deletion_timestamp.is_some());
    assert_eq!(ns.spec.finalizers, ["kubernetes"]);
    // Nothing new may be created, and deleting again is refused.
    let refused = c.api_mut().create(
        ConfigMap {
            metadata: podlab_core::api::meta::ObjectMeta {
                name: Some("late".into()),
                namespace: Some("scratch".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        &WriteOptions::default(),
    );
    assert_eq!(
        refused.map(|_| ()).map_err(|e| e.message),
        Err("configmaps \"late\" is forbidden: unable to create new content in namespace scratch because it is being terminated".to_string())
    );
    let again = c
        .api_mut()
        .delete::<Namespace>("", "scratch", &DeleteOptions::default())
        .map(|_| ())
        .map_err(|e| (e.reason, e.message));
    assert_eq!(
        again,
        Err((Reason::Conflict, "Operation cannot be fulfilled on namespaces \"scratch\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.".to_string()))
    );

    // The controller starts 5 s after the deletion.
    c.advance_by(4_000);
    assert_eq!(
        count::<ConfigMap>(&c, "scratch"),
        2,
        "settings and kube-root-ca.crt"
    );
    c.advance_by(1_500);
    assert_eq!(count::<ConfigMap>(&c, "scratch"), 0);
    assert_eq!(count::<Deployment>(&c, "scratch"), 0);
    assert_eq!(live_pods(&c, "scratch"), 0);
    let ns = namespace(&c, "scratch").expect("waiting for pods");
    assert_eq!(
        ns_condition(&ns, "NamespaceContentRemaining"),
        (
            "True".into(),
            "SomeResourcesRemain".into(),
            "Some resources are remaining: pods. has 2 resource instances".into()
        )
    );
    assert_eq!(
        ns_condition(&ns, "NamespaceDeletionDiscoveryFailure"),
        (
            "False".into(),
            "ResourcesDiscovered".into(),
            "All resources successfully discovered".into()
        )
    );
    assert_eq!(
        ns_condition(&ns, "NamespaceFinalizersRemaining"),
        (
            "False".into(),
            "ContentHasNoFinalizers".into(),
            "All content-preserving finalizers finished".into()
        )
    );
    assert_eq!(ns.status.conditions.len(), 5);

    // Once the pods have terminated, the namespace goes.
    assert!(c.run_until(120_000, |c| namespace(c, "scratch").is_none()));
    assert_eq!(count::<Pod>(&c, "scratch"), 0);
    assert!(c.now() < 70_000, "gone {} ms in", c.now());
}

#[test]
fn an_empty_namespace_goes_once_the_controller_has_looked() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: empty\n",
    );
    c.advance_by(1_000);
    c.api_mut()
        .delete::<Namespace>("", "empty", &DeleteOptions::default())
        .expect("deleted");
    c.advance_by(4_000);
    assert!(namespace(&c, "empty").is_some(), "not before 5 s");
    c.advance_by(2_000);
    assert!(namespace(&c, "empty").is_none());
}

#[test]
fn the_system_namespaces_may_not_be_deleted() {
    let mut c = Cluster::new(ClusterConfig::default());
    for name in ["default", "kube-system", "kube-public"] {
        let err = c
            .api_mut()
            .delete::<Namespace>("", name, &DeleteOptions::default())
            .map(|_| ())
            .map_err(|e| e.message);
        assert_eq!(
            err,
            Err(format!(
                "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
            ))
        );
        assert!(namespace(&c, name).is_some_and(|n| n.metadata.deletion_timestamp.is_none()));
    }
}
