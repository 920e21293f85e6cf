//! Nodes on simulated time: heartbeats, a stopped node going Unknown and
//! tainted, its pods evicted after their toleration, a node coming back,
//! and pods of a removed node collected.

use std::rc::Rc;

use podlab_core::api::corev1::{Event, Node, Pod};
use podlab_core::apiserver::WriteOptions;
use podlab_core::sim::NodeSpecConfig;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

fn node(c: &Cluster, name: &str) -> Rc<Node> {
    c.api().store.get::<Node>("", name).expect("node").clone()
}

fn pod(c: &Cluster, name: &str) -> Option<Rc<Pod>> {
    c.api().store.get::<Pod>("default", name).cloned()
}

/// A pod pinned to a node.
fn pinned(name: &str, node: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  nodeName: {node}
{extra}  containers:
  - name: c
    image: busybox
    command: [\"sleep\", \"36000\"]
"
    )
}

fn ready(n: &Node) -> (String, String) {
    let c = n.condition("Ready").expect("Ready condition");
    (c.status.clone(), c.reason.clone())
}

fn taints(n: &Node) -> Vec<String> {
    n.spec.taints.iter().map(|t| t.to_spec_string()).collect()
}

fn events(c: &Cluster, kind: &str, name: &str) -> Vec<(String, String, String)> {
    c.api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| e.clone())
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .map(|e| {
            (
                e.reason.clone(),
                e.message.clone(),
                e.source.component.clone(),
            )
        })
        .collect()
}

#[test]
fn kubelets_post_their_status_every_five_minutes() {
    let mut c = Cluster::new(ClusterConfig::default());
    let beat = |c: &Cluster| {
        node(c, "node01")
            .condition("Ready")
            .and_then(|r| r.last_heartbeat_time)
            .expect("heartbeat")
    };
    let first = beat(&c);
    c.advance_by(301_000);
    let second = beat(&c);
    assert_eq!(second.seconds() - first.seconds(), 300);
    let transition = node(&c, "node01")
        .condition("Ready")
        .and_then(|r| r.last_transition_time)
        .expect("transition");
    assert!(
        transition < second,
        "the status did not change, only the heartbeat"
    );
    let ev = events(&c, "Node", "node01");
    assert!(ev.contains(&(
        "RegisteredNode".into(),
        "Node node01 event: Registered Node node01 in Controller".into(),
        "node-controller".into()
    )));
}

#[test]
fn a_stopped_node_goes_unknown_is_tainted_and_its_pods_are_evicted_after_300_seconds() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &pinned("victim", "node01", ""));
    apply(
        &mut c,
        &pinned(
            "stayer",
            "node01",
            "  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n    effect: NoExecute\n",
        ),
    );
    c.advance_by(10_000);
    assert!(pod(&c, "victim").expect("victim").is_ready());
    assert!(c.stop_node("node01"));
    c.advance_by(35_000);
    assert_eq!(
        ready(&node(&c, "node01")).0,
        "True",
        "within the grace period"
    );
    c.advance_by(25_000);
    let n = node(&c, "node01");
    assert_eq!(ready(&n), ("Unknown".into(), "NodeStatusUnknown".into()));
    let r = n.condition("Ready").expect("ready");
    assert_eq!(r.message, "Kubelet stopped posting node status.");
    for ty in ["MemoryPressure", "DiskPressure", "PIDPressure"] {
        assert_eq!(
            n.condition(ty).expect("condition").status,
            "Unknown",
            "{ty}"
        );
    }
    assert_eq!(
        taints(&n),
        [
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    let added = n.spec.taints[1]
        .time_added
        .expect("NoExecute taints carry their time");
    assert!(n.spec.taints[0].time_added.is_none());
    assert_eq!(c.nodes()[1].status, "NotReady");
    let victim = pod(&c, "victim").expect("victim");
    assert!(!victim.is_ready(), "pods on the node are marked not ready");
    assert!(events(&c, "Pod", "victim").contains(&(
        "NodeNotReady".into(),
        "Node is not ready".into(),
        "node-controller".into()
    )));
    assert!(events(&c, "Node", "node01").contains(&(
        "NodeNotReady".into(),
        "Node node01 status is now: NodeNotReady".into(),
        "node-controller".into()
    )));

    // The default toleration keeps the pod for 300 s after the taint.
    let wall = |c: &Cluster| c.api().time().seconds();
    let wait = added.seconds() + 298 - wall(&c);
    c.advance_by(wait * 1000);
    assert!(pod(&c, "victim")
        .expect("victim")
        .metadata
        .deletion_timestamp
        .is_none());
    c.advance_by(4_000);
    let victim = pod(&c, "victim").expect("still there: its kubelet is gone");
    assert!(victim.metadata.deletion_timestamp.is_some(), "Terminating");
    let cond = victim.condition("DisruptionTarget").expect("disruption");
    assert_eq!(cond.reason, "DeletionByTaintManager");
    assert!(events(&c, "Pod", "victim").contains(&(
        "TaintManagerEviction".into(),
        "Marking for deletion Pod default/victim".into(),
        "taint-eviction-controller".into()
    )));
    assert!(pod(&c, "stayer")
        .expect("stayer")
        .metadata
        .deletion_timestamp
        .is_none());

    // Back on: Ready again, taints gone, the evicted pod finally removed.
    assert!(c.start_node("node01"));
    c.advance_by(5_000);
    let n = node(&c, "node01");
    assert_eq!(ready(&n), ("True".into(), "KubeletReady".into()));
    assert!(taints(&n).is_empty(), "{:?}", taints(&n));
    assert!(pod(&c, "victim").is_none());
    assert!(events(&c, "Node", "node01").contains(&(
        "NodeReady".into(),
        "Node node01 status is now: NodeReady".into(),
        "node-controller".into()
    )));
    c.advance_by(10_000);
    let stayer = pod(&c, "stayer").expect("stayer");
    assert_eq!(stayer.phase().as_str(), "Running");
    assert!(stayer.is_ready());
}

#[test]
fn nodes_can_join_and_pods_of_a_removed_node_are_collected() {
    let mut c = Cluster::new(ClusterConfig::default());
    assert!(c.add_node(NodeSpecConfig {
        name: "node03".into(),
        labels: vec![("disk".into(), "ssd".into())],
        taints: Vec::new(),
        cpu_millis: 2000,
        memory_bytes: 4 << 30,
        max_pods: 110,
    }));
    c.advance_by(3_000);
    let n = node(&c, "node03");
    assert_eq!(ready(&n).0, "True");
    assert_eq!(n.metadata.label("disk"), Some("ssd"));
    apply(&mut c, &pinned("orphan", "node03", ""));
    c.advance_by(10_000);
    assert_eq!(pod(&c, "orphan").expect("pod").phase().as_str(), "Running");
    assert!(c.remove_node("node03"));
    assert!(c.api().store.get::<Node>("", "node03").is_none());
    c.advance_by(30_000);
    assert!(pod(&c, "orphan").is_some(), "held in quarantine");
    c.advance_by(40_000);
    assert!(
        pod(&c, "orphan").is_none(),
        "the pod garbage collector removed it"
    );
}

#[test]
fn a_pod_that_does_not_tolerate_the_taint_goes_at_once() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &pinned("plain", "node02", ""));
    c.advance_by(10_000);
    // A NoExecute taint nobody tolerates (the default tolerations cover
    // only not-ready and unreachable).
    let mut n = (*node(&c, "node02")).clone();
    n.spec.taints.push(podlab_core::api::corev1::Taint {
        key: "maintenance".into(),
        value: String::new(),
        effect: "NoExecute".into(),
        time_added: None,
    });
    c.api_mut()
        .update(n, &WriteOptions::default())
        .expect("tainted");
    c.advance_by(1_000);
    let p = pod(&c, "plain").expect("terminating");
    assert!(p.metadata.deletion_timestamp.is_some());
}
