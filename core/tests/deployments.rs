//! ReplicaSets and Deployments on simulated time: pods created and deleted
//! towards the desired count, adoption, rolling and recreate rollouts,
//! revisions, pause, progress deadlines, and what a learner would see
//! sampling `kubectl get rs` along the way.

use podlab_core::api::apps::{Deployment, ReplicaSet, POD_TEMPLATE_HASH_LABEL};
use podlab_core::api::corev1::{Event, Pod};
use podlab_core::apiserver::WriteOptions;
use podlab_core::store::Kind;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

/// A Deployment of busybox pods that run until stopped.
fn deployment_yaml(name: &str, replicas: i32, image: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
{extra_spec}  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: app
        image: {image}
        command: [\"sleep\", \"3600\"]
"
    )
}

fn replica_set_yaml(name: &str, replicas: i32, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
{extra_spec}  template:
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

fn deployment(c: &Cluster, name: &str) -> Deployment {
    (**c.api()
        .store
        .get::<Deployment>("default", name)
        .expect("deployment exists"))
    .clone()
}

fn replica_set(c: &Cluster, name: &str) -> ReplicaSet {
    (**c.api()
        .store
        .get::<ReplicaSet>("default", name)
        .expect("replica set exists"))
    .clone()
}

/// The ReplicaSets in `default`, oldest revision first.
fn replica_sets(c: &Cluster) -> Vec<ReplicaSet> {
    let mut v: Vec<ReplicaSet> = c
        .api()
        .store
        .table::<ReplicaSet>()
        .iter_ns(Some("default"))
        .map(|(_, r)| (**r).clone())
        .collect();
    v.sort_by_key(revision);
    v
}

fn revision(rs: &ReplicaSet) -> i64 {
    rs.metadata
        .annotation("deployment.kubernetes.io/revision")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn pods(c: &Cluster) -> Vec<Pod> {
    c.api()
        .store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .map(|(_, p)| (**p).clone())
        .collect()
}

fn pods_of(c: &Cluster, rs: &ReplicaSet) -> Vec<Pod> {
    pods(c)
        .into_iter()
        .filter(|p| {
            p.metadata
                .controller()
                .is_some_and(|r| r.uid == rs.metadata.uid())
        })
        .collect()
}

/// Messages of events with `reason` about `object`, in the order recorded.
fn events(c: &Cluster, object: &str, reason: &str) -> Vec<String> {
    let mut v: Vec<(u64, String)> = c
        .api()
        .store
        .table::<Event>()
        .iter_ns(Some("default"))
        .filter(|(_, e)| e.reason == reason && e.involved_object.name == object)
        .map(|(n, e)| {
            let serial = n
                .rsplit('.')
                .next()
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .unwrap_or(0);
            (serial, e.message.clone())
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, m)| m).collect()
}

fn event_count(c: &Cluster, object: &str, reason: &str) -> i32 {
    c.api()
        .store
        .table::<Event>()
        .iter_ns(Some("default"))
        .filter(|(_, e)| e.reason == reason && e.involved_object.name == object)
        .map(|(_, e)| e.count)
        .sum()
}

fn edit_deployment(c: &mut Cluster, name: &str, f: impl FnOnce(&mut Deployment)) {
    let mut d = deployment(c, name);
    f(&mut d);
    c.api_mut()
        .update(d, &WriteOptions::default())
        .expect("updated");
}

fn set_image(c: &mut Cluster, name: &str, image: &str) {
    edit_deployment(c, name, |d| {
        d.spec.template.spec.containers[0].image = image.to_string();
    });
}

fn condition(d: &Deployment, type_: &str) -> (String, String, String) {
    d.status
        .conditions
        .iter()
        .find(|c| c.type_.as_str() == type_)
        .map(|c| (c.status.to_string(), c.reason.clone(), c.message.clone()))
        .unwrap_or_default()
}

fn sizes(c: &Cluster) -> Vec<(i32, i32)> {
    replica_sets(c)
        .iter()
        .map(|r| (r.spec.replicas.unwrap_or(0), r.status.available_replicas))
        .collect()
}

// ---------------------------------------------------------------------------
// ReplicaSet

#[test]
fn a_replica_set_creates_named_owned_pods_and_reports_them() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &replica_set_yaml("web", 3, ""));
    c.advance_by(10_000);
    let rs = replica_set(&c, "web");
    let ps = pods_of(&c, &rs);
    assert_eq!(ps.len(), 3);
    for p in &ps {
        let name = p.metadata.name();
        let suffix = name.strip_prefix("web-").expect("generateName web-");
        assert_eq!(suffix.len(), 5, "{name}");
        assert!(suffix
            .chars()
            .all(|ch| "bcdfghjklmnpqrstvwxz2456789".contains(ch)));
        let r = p.metadata.controller().expect("controller ref");
        assert_eq!(
            (r.api_version.as_str(), r.kind.as_str(), r.name.as_str()),
            ("apps/v1", "ReplicaSet", "web")
        );
        assert_eq!(r.block_owner_deletion, Some(true));
        assert_eq!(p.phase().as_str(), "Running");
    }
    let s = &rs.status;
    assert_eq!(
        (
            s.replicas,
            s.fully_labeled_replicas,
            s.ready_replicas,
            s.available_replicas
        ),
        (3, 3, 3, 3)
    );
    assert_eq!(s.observed_generation, rs.metadata.generation.unwrap_or(0));
    let mut created = events(&c, "web", "SuccessfulCreate");
    created.sort();
    let mut want: Vec<String> = ps
        .iter()
        .map(|p| format!("Created pod: {}", p.metadata.name()))
        .collect();
    want.sort();
    assert_eq!(created, want);
}

#[test]
fn creates_go_in_bursts_of_500_per_sync() {
    let mut c = Cluster::new(ClusterConfig::default());
    c.api_mut().set_events_enabled(false);
    apply(&mut c, &replica_set_yaml("big", 1200, ""));
    let count = |c: &Cluster| pods(c).len();
    // The first sync runs 50 ms after the ReplicaSet appears.
    c.advance_by(60);
    assert_eq!(count(&c), 500, "first sync");
    c.advance_by(50);
    assert_eq!(count(&c), 1000, "second sync");
    c.advance_by(50);
    assert_eq!(count(&c), 1200, "third sync");
    c.advance_by(1_000);
    assert_eq!(count(&c), 1200, "and no more");
}

#[test]
fn failing_creates_start_slow_and_report_a_replica_failure() {
    let mut c = Cluster::new(ClusterConfig::default());
    // The template names a service account that does not exist, so the
    // API server refuses every pod.
    apply(
        &mut c,
        &replica_set_yaml("web", 5, "").replace(
            "      containers:",
            "      serviceAccountName: robot\n      containers:",
        ),
    );
    c.advance_by(60);
    // Slow start: one attempt, which failed, so no further batch.
    let failed = events(&c, "web", "FailedCreate");
    assert_eq!(failed.len(), 1);
    assert_eq!(event_count(&c, "web", "FailedCreate"), 1);
    assert!(
        failed[0].starts_with("Error creating: pods \"web-")
            && failed[0].ends_with(
                "is forbidden: error looking up service account default/robot: serviceaccount \"robot\" not found"
            ),
        "{}",
        failed[0]
    );
    let rs = replica_set(&c, "web");
    let cond = &rs.status.conditions;
    assert_eq!(cond.len(), 1);
    assert_eq!(
        (
            cond[0].type_.as_str(),
            cond[0].status.as_str(),
            cond[0].reason.as_str()
        ),
        ("ReplicaFailure", "True", "FailedCreate")
    );
    assert_eq!(pods(&c).len(), 0);
    // With the account in place, the next retry creates them all.
    apply(
        &mut c,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n",
    );
    c.advance_by(5_000);
    let rs = replica_set(&c, "web");
    assert!(
        rs.status.conditions.is_empty(),
        "{:?}",
        rs.status.conditions
    );
    assert_eq!(rs.status.replicas, 5);
    assert_eq!(events(&c, "web", "SuccessfulCreate").len(), 5);
}

#[test]
fn orphans_are_adopted_and_relabelled_pods_are_released() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\n  labels:\n    app: web\nspec:\n  containers:\n  - name: app\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n",
    );
    c.advance_by(3_000);
    apply(&mut c, &replica_set_yaml("web", 2, ""));
    c.advance_by(5_000);
    let rs = replica_set(&c, "web");
    let owned = pods_of(&c, &rs);
    assert_eq!(owned.len(), 2, "the stray pod counts, one more is made");
    assert!(owned.iter().any(|p| p.metadata.name() == "stray"));
    assert_eq!(events(&c, "web", "SuccessfulCreate").len(), 1);

    // Relabel the stray pod: it leaves, a replacement is made.
    let mut stray = (**c.api().store.get::<Pod>("default", "stray").expect("pod")).clone();
    stray.metadata.labels.insert("app".into(), "debug".into());
    c.api_mut()
        .update(stray, &WriteOptions::default())
        .expect("relabelled");
    c.advance_by(5_000);
    let stray = c.api().store.get::<Pod>("default", "stray").expect("pod");
    assert!(stray.metadata.owner_references.is_empty(), "released");
    assert_eq!(stray.phase().as_str(), "Running", "and left running");
    let rs = replica_set(&c, "web");
    assert_eq!(pods_of(&c, &rs).len(), 2);
    assert_eq!(rs.status.replicas, 2);
    assert_eq!(events(&c, "web", "SuccessfulCreate").len(), 2);

    // Labelled back, it is adopted again and one pod goes.
    let mut stray = (**stray).clone();
    stray.metadata.labels.insert("app".into(), "web".into());
    c.api_mut()
        .update(stray, &WriteOptions::default())
        .expect("relabelled");
    c.advance_by(1_000);
    let rs = replica_set(&c, "web");
    let active: Vec<Pod> = pods_of(&c, &rs)
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(active.len(), 2);
    assert_eq!(events(&c, "web", "SuccessfulDelete").len(), 1);
}

#[test]
fn scale_down_deletes_the_cheapest_pod_first() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &replica_set_yaml("web", 3, ""));
    c.advance_by(10_000);
    let rs = replica_set(&c, "web");
    let mut ps = pods_of(&c, &rs);
    ps.sort_by(|a, b| a.metadata.name().cmp(b.metadata.name()));
    // The first pod by name gets a high cost, the last a negative one.
    for (p, cost) in [(&ps[0], "100"), (&ps[2], "-100")] {
        let mut p = p.clone();
        p.metadata.annotations.insert(
            "controller.kubernetes.io/pod-deletion-cost".into(),
            cost.into(),
        );
        c.api_mut()
            .update(p, &WriteOptions::default())
            .expect("annotated");
    }
    let mut rs = replica_set(&c, "web");
    rs.spec.replicas = Some(1);
    c.api_mut()
        .update(rs, &WriteOptions::default())
        .expect("scaled");
    c.advance_by(200);
    let deleted = events(&c, "web", "SuccessfulDelete");
    assert_eq!(
        deleted,
        [
            format!("Deleted pod: {}", ps[2].metadata.name()),
            format!("Deleted pod: {}", ps[1].metadata.name()),
        ]
    );
    let rs = replica_set(&c, "web");
    assert_eq!(rs.status.replicas, 1, "terminating pods are not counted");
}

#[test]
fn available_replicas_wait_for_min_ready_seconds() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &replica_set_yaml("web", 2, "  minReadySeconds: 10\n"),
    );
    c.advance_by(5_000);
    let rs = replica_set(&c, "web");
    assert_eq!(
        (rs.status.ready_replicas, rs.status.available_replicas),
        (2, 0)
    );
    // Nothing else happens in the cluster: the controller looks again on
    // its own once the pods have been ready long enough.
    let ready_at = pods_of(&c, &rs)
        .iter()
        .filter_map(|p| p.condition("Ready").and_then(|r| r.last_transition_time))
        .max()
        .expect("ready");
    let deadline = ready_at.millis() + 10_000 - c.api().wall_millis();
    c.advance_by(deadline - 1);
    assert_eq!(replica_set(&c, "web").status.available_replicas, 0);
    c.advance_by(2_100);
    assert_eq!(replica_set(&c, "web").status.available_replicas, 2);
}

// ---------------------------------------------------------------------------
// Deployment

fn rollout_done(c: &Cluster, name: &str) -> bool {
    let d = deployment(c, name);
    let r = d.spec.replicas.unwrap_or(1);
    d.status.observed_generation >= d.metadata.generation.unwrap_or(0)
        && d.status.updated_replicas == r
        && d.status.replicas == r
        && d.status.available_replicas == r
}

#[test]
fn a_deployment_names_its_replica_set_after_the_template_hash() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 3, "busybox:1.28", ""));
    c.advance_by(10_000);
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs
        .metadata
        .label(POD_TEMPLATE_HASH_LABEL)
        .expect("hash label")
        .to_string();
    assert!(
        (1..=10).contains(&hash.len()) && hash.chars().all(|ch| "456789bcdf".contains(ch)),
        "{hash}"
    );
    assert_eq!(rs.metadata.name(), format!("web-{hash}"));
    assert_eq!(
        rs.spec
            .selector
            .as_ref()
            .and_then(|s| s.match_labels.get(POD_TEMPLATE_HASH_LABEL)),
        Some(&hash)
    );
    assert_eq!(
        rs.spec
            .template
            .metadata
            .labels
            .get(POD_TEMPLATE_HASH_LABEL),
        Some(&hash)
    );
    for (k, v) in [
        ("deployment.kubernetes.io/revision", "1"),
        ("deployment.kubernetes.io/desired-replicas", "3"),
        ("deployment.kubernetes.io/max-replicas", "4"),
    ] {
        assert_eq!(rs.metadata.annotation(k), Some(v), "{k}");
    }
    for p in pods_of(&c, rs) {
        assert!(p.metadata.name().starts_with(&format!("web-{hash}-")));
        assert_eq!(
            p.metadata.label(POD_TEMPLATE_HASH_LABEL),
            Some(hash.as_str())
        );
    }
    let d = deployment(&c, "web");
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("1")
    );
    assert_eq!(
        (
            d.status.replicas,
            d.status.updated_replicas,
            d.status.ready_replicas,
            d.status.available_replicas,
            d.status.unavailable_replicas
        ),
        (3, 3, 3, 3, 0)
    );
    assert_eq!(
        condition(&d, "Available"),
        (
            "True".into(),
            "MinimumReplicasAvailable".into(),
            "Deployment has minimum availability.".into()
        )
    );
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!("ReplicaSet \"web-{hash}\" has successfully progressed.")
        )
    );
    assert_eq!(
        events(&c, "web", "ScalingReplicaSet"),
        [format!("Scaled up replica set web-{hash} from 0 to 3")]
    );

    // The same template in another Deployment hashes the same.
    apply(
        &mut c,
        &deployment_yaml("web", 3, "busybox:1.28", "")
            .replace("name: web\n  labels", "name: web2\n  labels"),
    );
    c.advance_by(1_000);
    let twin = c
        .api()
        .store
        .table::<ReplicaSet>()
        .iter_ns(Some("default"))
        .find(|(n, _)| n.starts_with("web2-"))
        .map(|(n, _)| n.to_string());
    assert_eq!(twin, Some(format!("web2-{hash}")));
}

/// Samples the rollout every 100 ms until it completes, checking the
/// surge and availability bounds at every sample.
fn watch_rollout(c: &mut Cluster, name: &str, max_pods: i32, min_available: i32) {
    let mut done = false;
    for _ in 0..600 {
        c.advance_by(100);
        let rss = replica_sets(c);
        let spec: i32 = rss.iter().map(|r| r.spec.replicas.unwrap_or(0)).sum();
        let available: i32 = rss.iter().map(|r| r.status.available_replicas).sum();
        let live = pods(c)
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .count() as i32;
        assert!(spec <= max_pods, "{spec} pods asked for: {:?}", sizes(c));
        assert!(live <= max_pods, "{live} pods live");
        assert!(
            available >= min_available,
            "{available} available: {:?}",
            sizes(c)
        );
        if rollout_done(c, name) {
            done = true;
            break;
        }
    }
    assert!(done, "rollout finished: {:?}", sizes(c));
}

#[test]
fn a_rolling_update_of_three_replicas_moves_one_pod_at_a_time() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 3, "busybox:1.28", ""));
    c.advance_by(10_000);
    let old = replica_sets(&c)[0].metadata.name().to_string();
    set_image(&mut c, "web", "busybox:1.36");
    // Surge 1, unavailable 0: never more than 4 pods, never fewer than 3
    // available.
    watch_rollout(&mut c, "web", 4, 3);
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 2);
    let new = rss[1].metadata.name().to_string();
    assert_eq!(revision(&rss[1]), 2);
    assert_eq!(sizes(&c), [(0, 0), (3, 3)]);
    assert_eq!(
        events(&c, "web", "ScalingReplicaSet"),
        [
            format!("Scaled up replica set {old} from 0 to 3"),
            format!("Scaled up replica set {new} from 0 to 1"),
            format!("Scaled down replica set {old} from 3 to 2"),
            format!("Scaled up replica set {new} from 1 to 2"),
            format!("Scaled down replica set {old} from 2 to 1"),
            format!("Scaled up replica set {new} from 2 to 3"),
            format!("Scaled down replica set {old} from 1 to 0"),
        ]
    );
    let d = deployment(&c, "web");
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("2")
    );
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!("ReplicaSet \"{new}\" has successfully progressed.")
        )
    );
}

#[test]
fn a_rolling_update_of_ten_replicas_surges_three_and_drops_two() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 10, "busybox:1.28", ""));
    c.advance_by(15_000);
    assert!(rollout_done(&c, "web"));
    let old = replica_sets(&c)[0].metadata.name().to_string();
    set_image(&mut c, "web", "busybox:1.36");
    c.advance_by(60);
    // One sync: the new ReplicaSet starts at 3 (13 pods) and, since 2 may be
    // unavailable, the old one drops to 8 right away.
    assert_eq!(sizes(&c), [(8, 10), (3, 0)]);
    let ev = events(&c, "web", "ScalingReplicaSet");
    let new = replica_sets(&c)[1].metadata.name().to_string();
    assert_eq!(
        ev[1..],
        [
            format!("Scaled up replica set {new} from 0 to 3"),
            format!("Scaled down replica set {old} from 10 to 8"),
        ]
    );
    watch_rollout(&mut c, "web", 13, 8);
    assert_eq!(sizes(&c), [(0, 0), (10, 10)]);
}

#[test]
fn recreate_stops_every_old_pod_before_starting_new_ones() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml(
            "web",
            3,
            "busybox:1.28",
            "  strategy:\n    type: Recreate\n",
        ),
    );
    c.advance_by(10_000);
    let old = replica_sets(&c)[0].clone();
    set_image(&mut c, "web", "busybox:1.36");
    let mut saw_gap = false;
    for _ in 0..1_000 {
        c.advance_by(100);
        let old_pods = pods_of(&c, &old).len();
        let new_pods = pods(&c).len() - old_pods;
        assert!(old_pods == 0 || new_pods == 0, "old and new pods together");
        saw_gap |= old_pods == 0 && new_pods == 0;
        if rollout_done(&c, "web") {
            break;
        }
    }
    assert!(saw_gap, "a moment with no pods at all");
    assert!(rollout_done(&c, "web"));
    let new = replica_sets(&c)[1].metadata.name().to_string();
    assert_eq!(
        events(&c, "web", "ScalingReplicaSet")[1..],
        [
            format!(
                "Scaled down replica set {} from 3 to 0",
                old.metadata.name()
            ),
            format!("Scaled up replica set {new} from 0 to 3"),
        ]
    );
    let d = deployment(&c, "web");
    // Recreate allows no unavailability.
    assert_eq!(condition(&d, "Available").1, "MinimumReplicasAvailable");
}

#[test]
fn a_restart_annotation_rolls_every_pod() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 3, "busybox:1.28", ""));
    c.advance_by(10_000);
    let before: Vec<String> = pods(&c)
        .iter()
        .map(|p| p.metadata.name().to_string())
        .collect();
    // What `kubectl rollout restart` writes.
    edit_deployment(&mut c, "web", |d| {
        d.spec.template.metadata.annotations.insert(
            "kubectl.kubernetes.io/restartedAt".into(),
            "2026-01-05T09:25:00Z".into(),
        );
    });
    watch_rollout(&mut c, "web", 4, 3);
    c.advance_by(40_000);
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 2);
    assert_eq!(sizes(&c), [(0, 0), (3, 3)]);
    let after = pods(&c);
    assert_eq!(after.len(), 3);
    for p in &after {
        assert!(!before.contains(&p.metadata.name().to_string()));
        assert_eq!(
            p.metadata.annotation("kubectl.kubernetes.io/restartedAt"),
            Some("2026-01-05T09:25:00Z")
        );
    }
}

#[test]
fn a_recreated_deployment_adopts_the_replica_set_it_left_behind() {
    use podlab_core::apiserver::{DeleteOptions, Propagation};
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 3, "busybox:1.28", ""));
    c.advance_by(10_000);
    let rs_name = replica_sets(&c)[0].metadata.name().to_string();
    let pod_names: Vec<String> = pods(&c)
        .iter()
        .map(|p| p.metadata.name().to_string())
        .collect();
    c.api_mut()
        .delete::<Deployment>(
            "default",
            "web",
            &DeleteOptions {
                propagation: Propagation::Orphan,
                ..Default::default()
            },
        )
        .expect("deleted");
    c.advance_by(2_000);
    assert!(c.api().store.get::<Deployment>("default", "web").is_none());
    let orphan = replica_set(&c, &rs_name);
    assert!(orphan.metadata.owner_references.is_empty());
    assert_eq!(orphan.status.replicas, 3, "its pods keep running");

    apply(&mut c, &deployment_yaml("web", 3, "busybox:1.28", ""));
    c.advance_by(2_000);
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 1, "no new ReplicaSet");
    let d = deployment(&c, "web");
    assert_eq!(
        rss[0].metadata.controller().map(|r| r.uid.clone()),
        Some(d.metadata.uid().to_string())
    );
    let mut now: Vec<String> = pods(&c)
        .iter()
        .map(|p| p.metadata.name().to_string())
        .collect();
    now.sort();
    let mut was = pod_names;
    was.sort();
    assert_eq!(now, was, "the same pods");
    assert!(rollout_done(&c, "web"));
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("1")
    );
    assert_eq!(condition(&d, "Progressing").1, "NewReplicaSetAvailable");
    assert_eq!(
        events(&c, "web", "ScalingReplicaSet").len(),
        1,
        "only the first rollout scaled"
    );
}

#[test]
fn a_replica_set_failure_shows_on_the_deployment() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml("web", 2, "busybox:1.28", "").replace(
            "    spec:\n      containers:",
            "    spec:\n      serviceAccountName: robot\n      containers:",
        ),
    );
    c.advance_by(500);
    let d = deployment(&c, "web");
    let (status, reason, message) = condition(&d, "ReplicaFailure");
    assert_eq!((status.as_str(), reason.as_str()), ("True", "FailedCreate"));
    assert!(
        message.ends_with("is forbidden: error looking up service account default/robot: serviceaccount \"robot\" not found"),
        "{message}"
    );
    apply(
        &mut c,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n",
    );
    c.advance_by(10_000);
    let d = deployment(&c, "web");
    assert_eq!(condition(&d, "ReplicaFailure"), Default::default());
    assert!(rollout_done(&c, "web"));
}

/// The writes of a rolling update, as (time, kind, object) triples.
fn rollout_trace(seed: u64) -> Vec<(i64, Kind, String)> {
    let mut c = Cluster::new(ClusterConfig {
        seed,
        ..ClusterConfig::default()
    });
    apply(&mut c, &deployment_yaml("web", 4, "busybox:1.28", ""));
    c.advance_by(10_000);
    set_image(&mut c, "web", "busybox:1.36");
    c.advance_by(30_000);
    c.trace()
        .iter()
        .map(|t| (t.at, t.kind, t.key.to_string()))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_rollout() {
    let a = rollout_trace(7);
    assert_eq!(a, rollout_trace(7));
    assert_ne!(a, rollout_trace(8), "pod names come from the seed");
}

/// What `kubectl rollout undo --to-revision=N` does: copy that revision's
/// template, without the hash label, into the Deployment.
fn undo_to(c: &mut Cluster, name: &str, revision_n: i64) {
    let rs = replica_sets(c)
        .into_iter()
        .find(|r| revision(r) == revision_n)
        .expect("revision exists");
    let mut template = rs.spec.template.clone();
    template.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    edit_deployment(c, name, |d| d.spec.template = template);
}

#[test]
fn rolling_back_reuses_the_old_replica_set_under_a_new_revision() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 2, "busybox:1.28", ""));
    c.advance_by(10_000);
    for image in ["busybox:1.36", "busybox:1.36.1"] {
        set_image(&mut c, "web", image);
        c.advance_by(30_000);
        assert!(rollout_done(&c, "web"), "{image}");
    }
    let first = replica_sets(&c)[0].metadata.name().to_string();
    undo_to(&mut c, "web", 1);
    c.advance_by(30_000);
    assert!(rollout_done(&c, "web"));
    let rss = replica_sets(&c);
    assert_eq!(rss.len(), 3, "no new ReplicaSet");
    let back = rss.last().expect("newest");
    assert_eq!(back.metadata.name(), first);
    assert_eq!(revision(back), 4);
    assert_eq!(
        back.metadata
            .annotation("deployment.kubernetes.io/revision-history"),
        Some("1")
    );
    assert_eq!(rss.iter().map(revision).collect::<Vec<_>>(), [2, 3, 4]);
    assert_eq!(
        deployment(&c, "web")
            .metadata
            .annotation("deployment.kubernetes.io/revision"),
        Some("4")
    );
    assert!(events(&c, "web", "DeploymentRollback").is_empty());
}

#[test]
fn old_revisions_beyond_the_history_limit_are_deleted() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml("web", 1, "busybox:1.28", "  revisionHistoryLimit: 2\n"),
    );
    c.advance_by(10_000);
    for image in [
        "busybox:1.29",
        "busybox:1.30",
        "busybox:1.31",
        "busybox:1.32",
    ] {
        set_image(&mut c, "web", image);
        c.advance_by(40_000);
        assert!(rollout_done(&c, "web"), "{image}");
    }
    let revs: Vec<i64> = replica_sets(&c).iter().map(revision).collect();
    assert_eq!(revs, [3, 4, 5], "the current one and two old ones");
}

#[test]
fn a_paused_deployment_scales_but_does_not_roll_out() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 2, "busybox:1.28", ""));
    c.advance_by(10_000);
    edit_deployment(&mut c, "web", |d| d.spec.paused = true);
    c.advance_by(1_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing"),
        (
            "Unknown".into(),
            "DeploymentPaused".into(),
            "Deployment is paused".into()
        )
    );
    set_image(&mut c, "web", "busybox:1.36");
    edit_deployment(&mut c, "web", |d| d.spec.replicas = Some(4));
    c.advance_by(10_000);
    assert_eq!(replica_sets(&c).len(), 1, "no rollout while paused");
    assert_eq!(sizes(&c), [(4, 4)], "but scaling works");
    let d = deployment(&c, "web");
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("1")
    );
    assert_eq!(
        d.status.updated_replicas, 0,
        "the pods are of the old template"
    );

    edit_deployment(&mut c, "web", |d| d.spec.paused = false);
    c.advance_by(60);
    assert_eq!(replica_sets(&c).len(), 2, "the rollout starts on resume");
    c.advance_by(60_000);
    assert!(rollout_done(&c, "web"));
    assert_eq!(sizes(&c), [(0, 0), (4, 4)]);
    let d = deployment(&c, "web");
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("2")
    );
    assert_eq!(condition(&d, "Progressing").1, "NewReplicaSetAvailable");
}

#[test]
fn time_spent_paused_does_not_count_against_the_deadline() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml("web", 2, "busybox:1.28", "  progressDeadlineSeconds: 30\n"),
    );
    c.advance_by(10_000);
    set_image(&mut c, "web", "nginx:1.161");
    c.advance_by(5_000);
    edit_deployment(&mut c, "web", |d| d.spec.paused = true);
    c.advance_by(60_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing"),
        (
            "Unknown".into(),
            "DeploymentPaused".into(),
            "Deployment is paused".into()
        )
    );
    edit_deployment(&mut c, "web", |d| d.spec.paused = false);
    c.advance_by(1_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing"),
        (
            "Unknown".into(),
            "DeploymentResumed".into(),
            "Deployment is resumed".into()
        )
    );
    // The deadline counts from the resume.
    c.advance_by(28_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing").1,
        "DeploymentResumed"
    );
    c.advance_by(4_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing").1,
        "ProgressDeadlineExceeded"
    );
}

#[test]
fn resuming_a_finished_deployment_reports_it_available_again() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 1, "busybox:1.28", ""));
    c.advance_by(10_000);
    edit_deployment(&mut c, "web", |d| d.spec.paused = true);
    c.advance_by(1_000);
    edit_deployment(&mut c, "web", |d| d.spec.paused = false);
    c.advance_by(1_000);
    // DeploymentResumed is written, and the same sync finds the rollout
    // complete.
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing").1,
        "NewReplicaSetAvailable"
    );
}

#[test]
fn a_stuck_rollout_exceeds_its_progress_deadline() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml("web", 2, "busybox:1.28", "  progressDeadlineSeconds: 30\n"),
    );
    c.advance_by(10_000);
    set_image(&mut c, "web", "nginx:1.161");
    c.advance_by(10_000);
    let d = deployment(&c, "web");
    let (status, reason, _) = condition(&d, "Progressing");
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("True", "ReplicaSetUpdated")
    );
    let new = replica_sets(&c)[1].metadata.name().to_string();
    // Nothing changes for 30 s; the controller wakes up for the deadline.
    c.advance_by(25_000);
    assert_eq!(
        condition(&deployment(&c, "web"), "Progressing"),
        (
            "False".into(),
            "ProgressDeadlineExceeded".into(),
            format!("ReplicaSet \"{new}\" has timed out progressing.")
        )
    );
    // No rollback happens: the stuck ReplicaSet stays, the old pods serve.
    assert_eq!(sizes(&c), [(2, 2), (1, 0)]);
    assert_eq!(condition(&deployment(&c, "web"), "Available").0, "True");
}

/// The walk-through of the Deployment docs: 3 replicas, a new image, a
/// typo'd image that stalls the rollout, and an undo.
#[test]
fn the_docs_nginx_deployment_walk_through() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &deployment_yaml("nginx-deployment", 3, "busybox:1.28", ""),
    );
    c.advance_by(10_000);
    set_image(&mut c, "nginx-deployment", "busybox:1.36");
    c.advance_by(20_000);
    assert!(rollout_done(&c, "nginx-deployment"));
    assert_eq!(sizes(&c), [(0, 0), (3, 3)]);

    // The image does not exist: one new pod that never starts, and the
    // old ReplicaSet keeps all 3 (maxUnavailable 0).
    set_image(&mut c, "nginx-deployment", "nginx:1.161");
    c.advance_by(20_000);
    let rss = replica_sets(&c);
    assert_eq!(
        rss.iter()
            .map(|r| (
                r.spec.replicas.unwrap_or(0),
                r.status.replicas,
                r.status.ready_replicas
            ))
            .collect::<Vec<_>>(),
        [(0, 0, 0), (3, 3, 3), (1, 1, 0)]
    );
    let d = deployment(&c, "nginx-deployment");
    assert_eq!(
        (
            d.status.replicas,
            d.status.updated_replicas,
            d.status.ready_replicas,
            d.status.available_replicas,
            d.status.unavailable_replicas
        ),
        (4, 1, 3, 3, 1)
    );
    let (good, bad) = (
        rss[1].metadata.name().to_string(),
        rss[2].metadata.name().to_string(),
    );

    undo_to(&mut c, "nginx-deployment", 2);
    c.advance_by(20_000);
    let rss = replica_sets(&c);
    assert_eq!(sizes(&c), [(0, 0), (0, 0), (3, 3)]);
    let back = rss.last().expect("newest");
    assert_eq!(back.metadata.name(), good);
    assert_eq!(revision(back), 4);
    assert_eq!(
        back.metadata
            .annotation("deployment.kubernetes.io/revision-history"),
        Some("2")
    );
    let scaling = events(&c, "nginx-deployment", "ScalingReplicaSet");
    assert_eq!(
        scaling[7..],
        [
            format!("Scaled up replica set {bad} from 0 to 1"),
            format!("Scaled down replica set {bad} from 1 to 0"),
        ]
    );
    assert!(rollout_done(&c, "nginx-deployment"));
}

#[test]
fn scaling_during_a_rollout_is_proportional() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &deployment_yaml("web", 10, "busybox:1.28", ""));
    c.advance_by(15_000);
    // A rollout that cannot finish: new pods never become ready.
    set_image(&mut c, "web", "nginx:1.161");
    c.advance_by(10_000);
    assert_eq!(
        replica_sets(&c)
            .iter()
            .map(|r| r.spec.replicas.unwrap_or(0))
            .collect::<Vec<_>>(),
        [8, 5]
    );
    edit_deployment(&mut c, "web", |d| d.spec.replicas = Some(15));
    c.advance_by(1_000);
    // 19 pods allowed (15 + surge 4): the 6 extra go 4 to the old
    // ReplicaSet (8 of 13) and 2 to the new one.
    assert_eq!(
        replica_sets(&c)
            .iter()
            .map(|r| r.spec.replicas.unwrap_or(0))
            .collect::<Vec<_>>(),
        [12, 7]
    );
    for rs in replica_sets(&c) {
        assert_eq!(
            rs.metadata
                .annotation("deployment.kubernetes.io/desired-replicas"),
            Some("15")
        );
        assert_eq!(
            rs.metadata
                .annotation("deployment.kubernetes.io/max-replicas"),
            Some("19")
        );
    }
}

/// Sizes a Deployment on enough nodes and returns (tasks run, ReplicaSet
/// writes, Deployment writes) until all its pods are available.
fn scale_run(replicas: i32) -> (u64, usize, usize) {
    let workers = (replicas as u32).div_ceil(100) + 1;
    let mut c = Cluster::new(ClusterConfig {
        workers,
        ..ClusterConfig::default()
    });
    c.api_mut().set_events_enabled(false);
    let before = c.tasks_run();
    let trace_before = c.trace().len();
    apply(
        &mut c,
        &deployment_yaml("web", replicas, "busybox:1.28", ""),
    );
    let done = c.run_until(600_000, |c| rollout_done(c, "web"));
    assert!(done, "{replicas} replicas available");
    let writes = |kind: Kind| {
        c.trace()[trace_before..]
            .iter()
            .filter(|t| t.kind == kind)
            .count()
    };
    (
        c.tasks_run() - before,
        writes(Kind::ReplicaSet),
        writes(Kind::Deployment),
    )
}

#[test]
fn a_large_deployment_costs_linear_work() {
    let small = scale_run(1_000);
    let large = scale_run(10_000);
    // Ten times the pods: about ten times the tasks (kubelets and the
    // scheduler do most), and controller writes grow no faster.
    assert!(large.0 <= small.0 * 12, "tasks {small:?} -> {large:?}");
    assert!(
        large.1 <= small.1 * 12,
        "ReplicaSet writes {small:?} -> {large:?}"
    );
    assert!(
        large.2 <= small.2 * 12,
        "Deployment writes {small:?} -> {large:?}"
    );
    // A handful of writes per hundred pods, not per pod.
    assert!(large.1 <= 10_000 / 10, "ReplicaSet writes {large:?}");
    assert!(large.2 <= 100, "Deployment writes {large:?}");
}
