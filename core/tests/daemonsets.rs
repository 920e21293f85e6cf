//! DaemonSets on simulated time: one pod per eligible node, following node
//! labels, taints and membership, and rolling updates node by node.

use podlab_core::api::apps::{ControllerRevision, DaemonSet};
use podlab_core::api::corev1::{Event, Node, Pod, Taint};
use podlab_core::apiserver::{DeleteOptions, WriteOptions};
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

/// A DaemonSet `name` in `ns` running busybox; `spec_extra` goes into the
/// DaemonSet spec and `pod_extra` into the pod spec.
fn daemon(ns: &str, name: &str, spec_extra: &str, pod_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      name: {name}
{spec_extra}  template:
    metadata:
      labels:
        name: {name}
    spec:
{pod_extra}      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sleep\", \"3600\"]
"
    )
}

const CONTROL_PLANE_TOLERATION: &str = "      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
";

fn ds(c: &Cluster, ns: &str, name: &str) -> DaemonSet {
    (**c.api().store.get::<DaemonSet>(ns, name).expect("daemonset")).clone()
}

/// Live pods of a DaemonSet: (node it is for, pod).
fn pods_of(c: &Cluster, ns: &str, name: &str) -> Vec<(String, Pod)> {
    let mut out: Vec<(String, Pod)> = c
        .api()
        .store
        .table::<Pod>()
        .iter()
        .filter(|(pns, _, p)| {
            *pns == ns
                && p.metadata.label("name") == Some(name)
                && p.metadata.deletion_timestamp.is_none()
        })
        .map(|(_, _, p)| {
            let node = p
                .spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|n| {
                    n.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .and_then(|r| r.node_selector_terms.first())
                .and_then(|t| t.match_fields.first())
                .and_then(|f| f.values.first())
                .cloned()
                .unwrap_or_default();
            (node, (**p).clone())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn nodes_of(c: &Cluster, ns: &str, name: &str) -> Vec<String> {
    pods_of(c, ns, name).into_iter().map(|(n, _)| n).collect()
}

fn events(c: &Cluster, name: &str) -> Vec<String> {
    let mut evs: Vec<Event> = c
        .api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| (**e).clone())
        .filter(|e| e.involved_object.kind == "DaemonSet" && e.involved_object.name == name)
        .collect();
    evs.sort_by_key(|e| (e.first_timestamp, e.metadata.name.clone()));
    evs.iter()
        .map(|e| format!("{}: {}", e.reason, e.message))
        .collect()
}

fn edit_node(c: &mut Cluster, name: &str, f: impl FnOnce(&mut Node)) {
    let mut n = (**c.api().store.get::<Node>("", name).expect("node")).clone();
    f(&mut n);
    c.api_mut()
        .update(n, &WriteOptions::default())
        .expect("node updated");
}

fn all_running(c: &Cluster, ns: &str, name: &str, n: usize) -> bool {
    let pods = pods_of(c, ns, name);
    pods.len() == n && pods.iter().all(|(_, p)| p.is_ready())
}

#[test]
fn fluentd_with_the_control_plane_toleration_runs_on_every_node() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &daemon(
            "kube-system",
            "fluentd-elasticsearch",
            "",
            CONTROL_PLANE_TOLERATION,
        ),
    );
    assert!(c.run_until(30_000, |c| all_running(
        c,
        "kube-system",
        "fluentd-elasticsearch",
        3
    )));
    c.advance_by(1_000);
    let pods = pods_of(&c, "kube-system", "fluentd-elasticsearch");
    let targets: Vec<&str> = pods.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(targets, ["controlplane", "node01", "node02"]);
    let d = ds(&c, "kube-system", "fluentd-elasticsearch");
    let revs: Vec<ControllerRevision> = c
        .api()
        .store
        .table::<ControllerRevision>()
        .iter()
        .map(|(_, _, r)| (**r).clone())
        .collect();
    assert_eq!(revs.len(), 1);
    let hash = revs[0]
        .metadata
        .label("controller-revision-hash")
        .unwrap_or("")
        .to_string();
    assert_eq!(
        revs[0].metadata.name(),
        format!("fluentd-elasticsearch-{hash}")
    );
    assert_eq!(revs[0].revision, 1);
    for (node, p) in &pods {
        assert_eq!(
            p.node_name(),
            Some(node.as_str()),
            "bound by the scheduler to its node"
        );
        assert!(
            p.name().starts_with("fluentd-elasticsearch-") && p.name().len() == 27,
            "{}",
            p.name()
        );
        assert_eq!(p.metadata.label("pod-template-generation"), Some("1"));
        assert_eq!(
            p.metadata.label("controller-revision-hash"),
            Some(hash.as_str())
        );
        let keys: Vec<(&str, &str, Option<i64>)> = p
            .spec
            .tolerations
            .iter()
            .map(|t| (t.key.as_str(), t.effect.as_str(), t.toleration_seconds))
            .collect();
        assert_eq!(
            keys,
            [
                ("node-role.kubernetes.io/control-plane", "NoSchedule", None),
                ("node.kubernetes.io/not-ready", "NoExecute", None),
                ("node.kubernetes.io/unreachable", "NoExecute", None),
                ("node.kubernetes.io/disk-pressure", "NoSchedule", None),
                ("node.kubernetes.io/memory-pressure", "NoSchedule", None),
                ("node.kubernetes.io/pid-pressure", "NoSchedule", None),
                ("node.kubernetes.io/unschedulable", "NoSchedule", None),
            ]
        );
    }
    let st = &d.status;
    assert_eq!(
        (
            st.desired_number_scheduled,
            st.current_number_scheduled,
            st.number_ready,
            st.updated_number_scheduled,
            st.number_available,
            st.number_unavailable,
            st.number_misscheduled,
            st.observed_generation,
        ),
        (3, 3, 3, 3, 3, 0, 0, 1)
    );
    let evs = events(&c, "fluentd-elasticsearch");
    assert_eq!(evs.len(), 3);
    for (e, (_, p)) in evs.iter().zip(&pods) {
        assert!(
            evs.contains(&format!("SuccessfulCreate: Created pod: {}", p.name())),
            "{e}"
        );
    }
}

#[test]
fn a_node_selector_follows_node_labels() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &daemon(
            "default",
            "ssd-monitor",
            "",
            "      nodeSelector:\n        disk: ssd\n",
        ),
    );
    c.advance_by(5_000);
    assert!(nodes_of(&c, "default", "ssd-monitor").is_empty());
    assert_eq!(
        ds(&c, "default", "ssd-monitor")
            .status
            .desired_number_scheduled,
        0
    );

    edit_node(&mut c, "node01", |n| {
        n.metadata.labels.insert("disk".into(), "ssd".into());
    });
    assert!(c.run_until(10_000, |c| all_running(c, "default", "ssd-monitor", 1)));
    assert_eq!(nodes_of(&c, "default", "ssd-monitor"), ["node01"]);

    // The tainted control plane stays out even when labelled.
    edit_node(&mut c, "controlplane", |n| {
        n.metadata.labels.insert("disk".into(), "ssd".into());
    });
    c.advance_by(5_000);
    assert_eq!(nodes_of(&c, "default", "ssd-monitor"), ["node01"]);

    let pod_name = pods_of(&c, "default", "ssd-monitor")[0]
        .1
        .name()
        .to_string();
    edit_node(&mut c, "node01", |n| {
        n.metadata.labels.remove("disk");
    });
    c.advance_by(1_000);
    assert!(nodes_of(&c, "default", "ssd-monitor").is_empty());
    assert!(
        events(&c, "ssd-monitor").contains(&format!("SuccessfulDelete: Deleted pod: {pod_name}"))
    );
    c.advance_by(2_000);
    assert_eq!(
        ds(&c, "default", "ssd-monitor")
            .status
            .desired_number_scheduled,
        0
    );
}

#[test]
fn taints_keep_new_pods_out_and_no_execute_evicts() {
    struct Case {
        name: &'static str,
        effect: &'static str,
        /// Nodes with a pod afterwards, desired, misscheduled.
        want: (&'static [&'static str], i32, i32),
    }
    let cases = [
        Case {
            name: "a NoSchedule taint lets the running pod stay",
            effect: "NoSchedule",
            want: (&["node01", "node02"], 1, 1),
        },
        Case {
            name: "a NoExecute taint removes the pod",
            effect: "NoExecute",
            want: (&["node02"], 1, 0),
        },
        Case {
            name: "a tolerated taint changes nothing",
            effect: "PreferNoSchedule",
            want: (&["node01", "node02"], 2, 0),
        },
    ];
    for case in cases {
        let mut c = Cluster::new(ClusterConfig::default());
        apply(&mut c, &daemon("default", "agent", "", ""));
        assert!(
            c.run_until(30_000, |c| all_running(c, "default", "agent", 2)),
            "{}",
            case.name
        );
        edit_node(&mut c, "node01", |n| {
            n.spec.taints.push(Taint {
                key: "dedicated".into(),
                value: "db".into(),
                effect: case.effect.into(),
                ..Default::default()
            })
        });
        // Long enough for an evicted pod's grace period to run out.
        c.advance_by(35_000);
        let (nodes, desired, misscheduled) = case.want;
        assert_eq!(nodes_of(&c, "default", "agent"), nodes, "{}", case.name);
        let st = ds(&c, "default", "agent").status;
        assert_eq!(
            (st.desired_number_scheduled, st.number_misscheduled),
            (desired, misscheduled),
            "{}",
            case.name
        );
    }
}

#[test]
fn a_new_node_gets_a_pod_and_a_removed_one_no_longer_counts() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &daemon("default", "agent", "", ""));
    assert!(c.run_until(30_000, |c| all_running(c, "default", "agent", 2)));
    let mut n = (**c.api().store.get::<Node>("", "node02").expect("node")).clone();
    n.metadata = Default::default();
    n.metadata.name = Some("node03".into());
    n.metadata
        .labels
        .insert("kubernetes.io/hostname".into(), "node03".into());
    c.api_mut()
        .create(n, &WriteOptions::default())
        .expect("node03");
    c.advance_by(2_000);
    assert_eq!(
        nodes_of(&c, "default", "agent"),
        ["node01", "node02", "node03"]
    );
    assert_eq!(
        ds(&c, "default", "agent").status.desired_number_scheduled,
        3
    );
    c.api_mut()
        .delete::<Node>("", "node03", &DeleteOptions::default())
        .expect("deleted");
    c.advance_by(2_000);
    assert_eq!(
        ds(&c, "default", "agent").status.desired_number_scheduled,
        2
    );
}

fn set_image(c: &mut Cluster, ns: &str, name: &str, image: &str) {
    let mut d = ds(c, ns, name);
    d.spec.template.spec.containers[0].image = image.to_string();
    c.api_mut()
        .update(d, &WriteOptions::default())
        .expect("updated");
}

fn images(c: &Cluster, ns: &str, name: &str) -> Vec<String> {
    pods_of(c, ns, name)
        .into_iter()
        .map(|(_, p)| p.spec.containers[0].image.clone())
        .collect()
}

#[test]
fn a_rolling_update_replaces_one_node_at_a_time() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &daemon("kube-system", "agent", "", CONTROL_PLANE_TOLERATION),
    );
    assert!(c.run_until(30_000, |c| all_running(c, "kube-system", "agent", 3)));
    set_image(&mut c, "kube-system", "agent", "busybox:1.37");
    // Never more than one node without an available pod.
    let mut worst = 0;
    let done = c.run_until(120_000, |c| {
        let pods = pods_of(c, "kube-system", "agent");
        let down = 3 - pods.iter().filter(|(_, p)| p.is_ready()).count();
        worst = worst.max(down);
        pods.len() == 3
            && pods
                .iter()
                .all(|(_, p)| p.is_ready() && p.spec.containers[0].image == "busybox:1.37")
    });
    assert!(done, "{:?}", images(&c, "kube-system", "agent"));
    assert_eq!(worst, 1);
    c.advance_by(1_000);
    let d = ds(&c, "kube-system", "agent");
    assert_eq!(d.status.updated_number_scheduled, 3);
    assert_eq!(d.status.observed_generation, 2);
    for (_, p) in pods_of(&c, "kube-system", "agent") {
        assert_eq!(p.metadata.label("pod-template-generation"), Some("2"));
    }
    let mut revs: Vec<i64> = c
        .api()
        .store
        .table::<ControllerRevision>()
        .iter()
        .map(|(_, _, r)| r.revision)
        .collect();
    revs.sort();
    assert_eq!(revs, [1, 2]);
}

#[test]
fn max_surge_starts_the_new_pod_before_the_old_one_goes() {
    let mut c = Cluster::new(ClusterConfig::default());
    let strategy =
        "  updateStrategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n";
    apply(&mut c, &daemon("default", "agent", strategy, ""));
    assert!(c.run_until(30_000, |c| all_running(c, "default", "agent", 2)));
    set_image(&mut c, "default", "agent", "busybox:1.37");
    c.advance_by(300);
    let pods = pods_of(&c, "default", "agent");
    assert_eq!(pods.len(), 3, "one surge pod next to the old ones");
    let mut fewest_ready = 2;
    let done = c.run_until(120_000, |c| {
        let pods = pods_of(c, "default", "agent");
        fewest_ready = fewest_ready.min(pods.iter().filter(|(_, p)| p.is_ready()).count());
        pods.len() == 2
            && pods
                .iter()
                .all(|(_, p)| p.is_ready() && p.spec.containers[0].image == "busybox:1.37")
    });
    assert!(done);
    assert_eq!(fewest_ready, 2, "no node went without a ready pod");
}

#[test]
fn on_delete_waits_for_the_user() {
    let mut c = Cluster::new(ClusterConfig::default());
    let strategy = "  updateStrategy:\n    type: OnDelete\n";
    apply(&mut c, &daemon("default", "agent", strategy, ""));
    assert!(c.run_until(30_000, |c| all_running(c, "default", "agent", 2)));
    set_image(&mut c, "default", "agent", "busybox:1.37");
    c.advance_by(20_000);
    assert_eq!(
        images(&c, "default", "agent"),
        ["busybox:1.36", "busybox:1.36"]
    );
    let victim = pods_of(&c, "default", "agent")[0].1.name().to_string();
    c.api_mut()
        .delete::<Pod>("default", &victim, &DeleteOptions::default())
        .expect("deleted");
    assert!(c.run_until(60_000, |c| images(c, "default", "agent")
        == ["busybox:1.37", "busybox:1.36"]
        && all_running(c, "default", "agent", 2)));
    c.advance_by(1_000);
    assert_eq!(
        ds(&c, "default", "agent").status.updated_number_scheduled,
        1
    );
}

#[test]
fn a_failed_daemon_pod_is_replaced() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &daemon("default", "agent", "", ""));
    assert!(c.run_until(30_000, |c| all_running(c, "default", "agent", 2)));
    let (node, mut p) = pods_of(&c, "default", "agent").remove(0);
    let name = p.name().to_string();
    p.status.phase = podlab_core::api::corev1::PodPhase::Failed;
    c.api_mut().write_status(p).expect("status");
    c.advance_by(3_000);
    assert!(events(&c, "agent").contains(&format!(
        "FailedDaemonPod: Found failed daemon pod default/{name} on node {node}, will try to kill it"
    )));
    assert!(c.run_until(30_000, |c| all_running(c, "default", "agent", 2)));
    assert!(pods_of(&c, "default", "agent")
        .iter()
        .all(|(_, p)| p.name() != name));
}
