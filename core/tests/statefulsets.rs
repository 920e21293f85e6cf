//! StatefulSets on simulated time: ordered creation, stable identities and
//! claims, scaling, recreation, rolling updates and revisions.

use podlab_core::api::apps::{ControllerRevision, StatefulSet};
use podlab_core::api::corev1::{Event, PersistentVolumeClaim, Pod};
use podlab_core::apiserver::{ApiServer, DeleteOptions, WriteOptions};
use podlab_core::store::Kind;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::text;

fn apply(c: &mut Cluster, yaml: &str) {
    apply_api(c.api_mut(), yaml);
}

fn apply_api(api: &mut ApiServer, yaml: &str) {
    for node in podlab_core::syntax::parse_stream(yaml).expect("valid yaml") {
        let api_version = node
            .get("apiVersion")
            .and_then(|n| n.as_str())
            .unwrap_or("");
        let kind = node.get("kind").and_then(|n| n.as_str()).unwrap_or("");
        let kind = Kind::from_type_meta(api_version, kind).expect("known kind");
        let obj = api.decode(kind, &node).expect("decodes");
        api.create_object(obj, &WriteOptions::default())
            .expect("created");
    }
}

/// The docs' `web` StatefulSet behind the headless `nginx` Service (with a
/// busybox container), with `extra` added to its spec.
fn web(replicas: i32, extra: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: {replicas}
  selector:
    matchLabels:
      app: nginx
{extra}  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: busybox:1.36
        command: [\"sleep\", \"3600\"]
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"
    )
}

fn sts(c: &Cluster) -> StatefulSet {
    (**c.api()
        .store
        .get::<StatefulSet>("default", "web")
        .expect("set"))
    .clone()
}

fn pod(c: &Cluster, name: &str) -> Option<Pod> {
    c.api()
        .store
        .get::<Pod>("default", name)
        .map(|p| (**p).clone())
}

fn live_pods(c: &Cluster) -> Vec<String> {
    c.api()
        .store
        .table::<Pod>()
        .iter()
        .filter(|(_, n, p)| n.starts_with("web-") && p.metadata.deletion_timestamp.is_none())
        .map(|(_, n, _)| n.to_string())
        .collect()
}

fn claims(c: &Cluster) -> Vec<PersistentVolumeClaim> {
    c.api()
        .store
        .table::<PersistentVolumeClaim>()
        .iter()
        .map(|(_, _, p)| (**p).clone())
        .collect()
}

fn set_events(c: &Cluster) -> Vec<String> {
    let mut evs: Vec<Event> = c
        .api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| (**e).clone())
        .filter(|e| e.involved_object.kind == "StatefulSet")
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter()
        .map(|e| format!("{}: {}", e.reason, e.message))
        .collect()
}

fn ready_at(p: &Pod) -> i64 {
    p.condition("Ready")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time)
        .map(|t| t.millis())
        .unwrap_or(i64::MAX)
}

fn created_at(p: &Pod) -> i64 {
    p.metadata
        .creation_timestamp
        .map(|t| t.millis())
        .unwrap_or(0)
}

fn all_ready(c: &Cluster, n: usize) -> bool {
    let pods = live_pods(c);
    pods.len() == n
        && pods
            .iter()
            .all(|p| pod(c, p).is_some_and(|p| p.phase().as_str() == "Running" && p.is_ready()))
}

fn set_image(c: &mut Cluster, image: &str) {
    let mut s = sts(c);
    s.spec.template.spec.containers[0].image = image.to_string();
    c.api_mut()
        .update(s, &WriteOptions::default())
        .expect("updated");
}

fn image_of(c: &Cluster, name: &str) -> String {
    pod(c, name)
        .map(|p| p.spec.containers[0].image.clone())
        .unwrap_or_default()
}

fn revisions(c: &Cluster) -> Vec<(String, i64)> {
    let mut r: Vec<(String, i64)> = c
        .api()
        .store
        .table::<ControllerRevision>()
        .iter()
        .filter(|(_, n, _)| n.starts_with("web-"))
        .map(|(_, n, r)| (n.to_string(), r.revision))
        .collect();
    r.sort_by_key(|(_, n)| *n);
    r
}

#[test]
fn the_web_tutorial_creates_pods_in_order_with_their_claims() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(3, ""));
    c.advance_by(1_000);
    assert_eq!(live_pods(&c), ["web-0"], "web-1 waits for web-0");
    assert!(c.run_until(60_000, |c| all_ready(c, 3)), "three ready pods");
    c.advance_by(1_000);

    let p0 = pod(&c, "web-0").expect("web-0");
    let p1 = pod(&c, "web-1").expect("web-1");
    let p2 = pod(&c, "web-2").expect("web-2");
    assert!(
        created_at(&p1) >= ready_at(&p0),
        "web-1 after web-0 is Ready"
    );
    assert!(
        created_at(&p2) >= ready_at(&p1),
        "web-2 after web-1 is Ready"
    );

    let s = sts(&c);
    let rev = s.status.update_revision.clone();
    assert!(rev.starts_with("web-"), "{rev}");
    for (i, p) in [&p0, &p1, &p2].into_iter().enumerate() {
        let name = format!("web-{i}");
        let label = |k: &str| p.metadata.label(k).map(str::to_string);
        assert_eq!(
            label("statefulset.kubernetes.io/pod-name"),
            Some(name.clone())
        );
        assert_eq!(label("apps.kubernetes.io/pod-index"), Some(i.to_string()));
        assert_eq!(label("controller-revision-hash"), Some(rev.clone()));
        assert_eq!(label("app").as_deref(), Some("nginx"));
        assert_eq!(p.spec.hostname, name);
        assert_eq!(p.spec.subdomain, "nginx");
        let owner = p.metadata.controller().expect("owned");
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("StatefulSet", "web")
        );
        let claim = p
            .spec
            .volumes
            .iter()
            .find(|v| v.name == "www")
            .and_then(|v| v.persistent_volume_claim.clone())
            .map(|s| s.claim_name);
        assert_eq!(claim, Some(format!("www-web-{i}")));
    }

    let pvcs = claims(&c);
    let names: Vec<&str> = pvcs.iter().map(|p| p.metadata.name()).collect();
    assert_eq!(names, ["www-web-0", "www-web-1", "www-web-2"]);
    for p in &pvcs {
        assert_eq!(p.status.phase, "Bound", "{}", p.metadata.name());
        assert_eq!(p.metadata.label("app"), Some("nginx"));
        assert!(
            p.metadata.owner_references.is_empty(),
            "Retain keeps claims unowned"
        );
    }

    assert_eq!(s.status.replicas, 3);
    assert_eq!(s.status.ready_replicas, 3);
    assert_eq!(s.status.current_replicas, 3);
    assert_eq!(s.status.updated_replicas, 3);
    assert_eq!(s.status.available_replicas, 3);
    assert_eq!(s.status.current_revision, rev);
    assert_eq!(s.status.collision_count, Some(0));
    assert_eq!(s.status.observed_generation, 1);
    assert_eq!(revisions(&c), [(rev.clone(), 1)]);

    let evs = set_events(&c);
    assert_eq!(
        &evs[..4],
        [
            "SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "SuccessfulCreate: create Pod web-0 in StatefulSet web successful",
            "SuccessfulCreate: create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "SuccessfulCreate: create Pod web-1 in StatefulSet web successful",
        ]
    );
}

#[test]
fn scaling_down_removes_the_highest_ordinal_first_and_keeps_claims() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(3, ""));
    assert!(c.run_until(60_000, |c| all_ready(c, 3)));
    let mut s = sts(&c);
    s.spec.replicas = Some(1);
    c.api_mut()
        .update(s, &WriteOptions::default())
        .expect("scaled");
    c.advance_by(1_000);
    assert!(pod(&c, "web-2").is_some_and(|p| p.metadata.deletion_timestamp.is_some()));
    assert!(
        pod(&c, "web-1").is_some_and(|p| p.metadata.deletion_timestamp.is_none()),
        "web-1 waits until web-2 is gone"
    );
    assert!(c.run_until(120_000, |c| live_pods(c) == ["web-0"]
        && pod(c, "web-1").is_none()));
    c.advance_by(1_000);
    let evs = set_events(&c);
    let deletes: Vec<&String> = evs
        .iter()
        .filter(|e| e.starts_with("SuccessfulDelete"))
        .collect();
    assert_eq!(
        deletes,
        [
            "SuccessfulDelete: delete Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete: delete Pod web-1 in StatefulSet web successful",
        ]
    );
    assert_eq!(claims(&c).len(), 3, "claims outlive their pods");
    assert_eq!(sts(&c).status.replicas, 1);

    // Scaling up again reuses the claims.
    let mut s = sts(&c);
    s.spec.replicas = Some(3);
    c.api_mut()
        .update(s, &WriteOptions::default())
        .expect("scaled");
    assert!(c.run_until(60_000, |c| all_ready(c, 3)));
    assert_eq!(claims(&c).len(), 3);
}

#[test]
fn parallel_management_creates_all_pods_at_once() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(3, "  podManagementPolicy: Parallel\n"));
    c.advance_by(200);
    assert_eq!(live_pods(&c), ["web-0", "web-1", "web-2"]);
    assert!(c.run_until(60_000, |c| all_ready(c, 3)));
    // Scaling down deletes all extra pods at once too.
    let mut s = sts(&c);
    s.spec.replicas = Some(1);
    c.api_mut()
        .update(s, &WriteOptions::default())
        .expect("scaled");
    c.advance_by(200);
    assert!(["web-1", "web-2"]
        .iter()
        .all(|n| pod(&c, n).is_some_and(|p| p.metadata.deletion_timestamp.is_some())));
}

#[test]
fn the_retention_policy_decides_who_owns_the_claims() {
    struct Case {
        name: &'static str,
        policy: &'static str,
        /// Owner kinds of www-web-0 and of www-web-1 after scaling to 1.
        want: [&'static [&'static str]; 2],
    }
    let cases = [
        Case {
            name: "retain on both keeps claims unowned",
            policy: "Retain\n    whenScaled: Retain",
            want: [&[], &[]],
        },
        Case {
            name: "delete with the set gives every claim the set as owner",
            policy: "Delete\n    whenScaled: Retain",
            want: [&["StatefulSet"], &["StatefulSet"]],
        },
        Case {
            name: "delete on scale-down gives the removed pod's claim to the pod",
            policy: "Retain\n    whenScaled: Delete",
            want: [&[], &["Pod"]],
        },
        Case {
            name: "delete on both: the set owns live claims, the pod scaled-away ones",
            policy: "Delete\n    whenScaled: Delete",
            want: [&["StatefulSet"], &["Pod"]],
        },
    ];
    for case in cases {
        let mut c = Cluster::new(ClusterConfig::default());
        let extra = format!(
            "  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: {}\n",
            case.policy
        );
        apply(&mut c, &web(2, &extra));
        assert!(c.run_until(60_000, |c| all_ready(c, 2)), "{}", case.name);
        let mut s = sts(&c);
        s.spec.replicas = Some(1);
        c.api_mut()
            .update(s, &WriteOptions::default())
            .expect("scaled");
        c.advance_by(300);
        for (i, want) in case.want.iter().enumerate() {
            let claim = claims(&c)
                .into_iter()
                .find(|p| p.metadata.name() == format!("www-web-{i}"))
                .expect("claim");
            let kinds: Vec<&str> = claim
                .metadata
                .owner_references
                .iter()
                .map(|r| r.kind.as_str())
                .collect();
            assert_eq!(&kinds, want, "{}: www-web-{i}", case.name);
        }
    }
}

#[test]
fn a_rolling_update_goes_from_the_highest_ordinal_down_to_the_partition() {
    let mut c = Cluster::new(ClusterConfig::default());
    let partition =
        "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 2\n";
    apply(&mut c, &web(3, partition));
    assert!(c.run_until(60_000, |c| all_ready(c, 3)));
    let old_rev = sts(&c).status.current_revision;
    set_image(&mut c, "busybox:1.37");
    assert!(
        c.run_until(60_000, |c| image_of(c, "web-2").ends_with("1.37")
            && all_ready(c, 3))
    );
    c.advance_by(5_000);
    assert_eq!(image_of(&c, "web-1"), "busybox:1.36");
    assert_eq!(image_of(&c, "web-0"), "busybox:1.36");
    let s = sts(&c);
    assert_eq!(
        s.status.current_revision, old_rev,
        "the update is not complete"
    );
    assert_ne!(s.status.update_revision, old_rev);
    assert_eq!(
        (s.status.current_replicas, s.status.updated_replicas),
        (2, 1)
    );
    let revs = revisions(&c);
    assert_eq!(revs.len(), 2);
    assert_eq!(revs[1], (s.status.update_revision.clone(), 2));

    // A pod below the partition that is deleted comes back at the old revision.
    c.api_mut()
        .delete::<Pod>("default", "web-0", &DeleteOptions::default())
        .expect("deleted");
    assert!(c.run_until(60_000, |c| pod(c, "web-0")
        .is_some_and(|p| p.metadata.deletion_timestamp.is_none())
        && all_ready(c, 3)));
    assert_eq!(image_of(&c, "web-0"), "busybox:1.36");

    // Lowering the partition rolls the rest, highest first.
    let mut s = sts(&c);
    s.spec.update_strategy.rolling_update = Some(Default::default());
    if let Some(ru) = &mut s.spec.update_strategy.rolling_update {
        ru.partition = Some(0);
    }
    c.api_mut()
        .update(s, &WriteOptions::default())
        .expect("updated");
    c.advance_by(500);
    assert!(pod(&c, "web-1").is_some_and(|p| p.metadata.deletion_timestamp.is_some()));
    assert!(pod(&c, "web-0").is_some_and(|p| p.metadata.deletion_timestamp.is_none()));
    assert!(c.run_until(120_000, |c| sts(c).status.current_revision
        == sts(c).status.update_revision));
    for n in ["web-0", "web-1", "web-2"] {
        assert_eq!(image_of(&c, n), "busybox:1.37", "{n}");
    }
    let evs = set_events(&c);
    let deletes: Vec<&String> = evs
        .iter()
        .filter(|e| e.starts_with("SuccessfulDelete"))
        .collect();
    assert_eq!(
        deletes,
        [
            "SuccessfulDelete: delete Pod web-2 in StatefulSet web successful",
            "SuccessfulDelete: delete Pod web-1 in StatefulSet web successful",
            "SuccessfulDelete: delete Pod web-0 in StatefulSet web successful",
        ]
    );
    let s = sts(&c);
    assert_eq!(
        (s.status.current_replicas, s.status.updated_replicas),
        (3, 3)
    );
}

#[test]
fn on_delete_replaces_a_pod_only_when_it_is_deleted() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(2, "  updateStrategy:\n    type: OnDelete\n"));
    assert!(c.run_until(60_000, |c| all_ready(c, 2)));
    set_image(&mut c, "busybox:1.37");
    c.advance_by(20_000);
    assert_eq!(image_of(&c, "web-0"), "busybox:1.36");
    assert_eq!(image_of(&c, "web-1"), "busybox:1.36");
    c.api_mut()
        .delete::<Pod>("default", "web-1", &DeleteOptions::default())
        .expect("deleted");
    assert!(
        c.run_until(60_000, |c| image_of(c, "web-1").ends_with("1.37")
            && all_ready(c, 2))
    );
    assert_eq!(image_of(&c, "web-0"), "busybox:1.36");
    let s = sts(&c);
    assert_eq!(
        (s.status.current_replicas, s.status.updated_replicas),
        (1, 1)
    );
}

#[test]
fn rolling_back_renumbers_the_old_revision() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(1, "  revisionHistoryLimit: 1\n"));
    assert!(c.run_until(60_000, |c| all_ready(c, 1)));
    let first = sts(&c).status.current_revision;
    set_image(&mut c, "busybox:1.37");
    assert!(
        c.run_until(60_000, |c| image_of(c, "web-0").ends_with("1.37")
            && all_ready(c, 1))
    );
    set_image(&mut c, "busybox:1.36");
    assert!(
        c.run_until(60_000, |c| image_of(c, "web-0").ends_with("1.36")
            && all_ready(c, 1))
    );
    c.advance_by(2_000);
    let s = sts(&c);
    assert_eq!(
        s.status.update_revision, first,
        "the old snapshot is reused"
    );
    let revs = revisions(&c);
    assert_eq!(revs.last(), Some(&(first.clone(), 3)));
    assert_eq!(revs.len(), 2, "history keeps one old revision: {revs:?}");
    set_image(&mut c, "busybox:1.35");
    assert!(
        c.run_until(60_000, |c| image_of(c, "web-0").ends_with("1.35")
            && all_ready(c, 1))
    );
    c.advance_by(2_000);
    assert_eq!(revisions(&c).len(), 2, "{:?}", revisions(&c));
}

#[test]
fn a_failed_pod_is_recreated_with_an_event() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(1, ""));
    assert!(c.run_until(60_000, |c| all_ready(c, 1)));
    let uid = pod(&c, "web-0").map(|p| p.metadata.uid().to_string());
    // The node's kubelet reports the pod failed (as after a node shutdown).
    let mut p = pod(&c, "web-0").expect("pod");
    p.status.phase = podlab_core::api::corev1::PodPhase::Failed;
    c.api_mut().write_status(p).expect("status");
    c.advance_by(500);
    let fresh = pod(&c, "web-0").expect("recreated");
    assert_ne!(Some(fresh.metadata.uid().to_string()), uid);
    assert!(set_events(&c).contains(
        &"RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0".to_string()
    ));
    assert!(c.run_until(60_000, |c| all_ready(c, 1)));
}

#[test]
fn data_written_by_web_0_survives_its_recreation() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    {
        let mut c = s.cluster_mut();
        apply_api(c.api_mut(), &web(1, ""));
        assert!(c.run_until(60_000, |c| all_ready(c, 1)));
    }
    let out = s.run(
        "kubectl exec web-0 -- sh -c 'echo web-0 was here > /usr/share/nginx/html/index.html'",
    );
    assert_eq!(text(&out), "");
    let node = s
        .cluster()
        .api()
        .store
        .get::<Pod>("default", "web-0")
        .and_then(|p| p.node_name().map(str::to_string));
    s.run("kubectl delete pod web-0");
    {
        let mut c = s.cluster_mut();
        assert!(c.run_until(120_000, |c| all_ready(c, 1)));
    }
    let again = s
        .cluster()
        .api()
        .store
        .get::<Pod>("default", "web-0")
        .and_then(|p| p.node_name().map(str::to_string));
    assert_eq!(again, node, "the local volume keeps web-0 on its node");
    let out = s.run("kubectl exec web-0 -- cat /usr/share/nginx/html/index.html");
    assert_eq!(text(&out), "web-0 was here\n");
}

#[test]
fn min_ready_seconds_delays_the_next_ordinal() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &web(2, "  minReadySeconds: 5\n"));
    assert!(c.run_until(60_000, |c| all_ready(c, 2)));
    let p0 = pod(&c, "web-0").expect("web-0");
    let p1 = pod(&c, "web-1").expect("web-1");
    assert!(
        created_at(&p1) >= ready_at(&p0) + 5_000,
        "web-1 waits until web-0 has been ready for 5s"
    );
    c.advance_by(6_000);
    assert_eq!(sts(&c).status.available_replicas, 2);
}
