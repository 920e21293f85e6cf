//! Pods on simulated time: the kubelet's timeline as a learner sees it.

use podlab_core::api::corev1::Pod;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

fn pod(c: &Cluster, name: &str) -> Pod {
    (**c.api()
        .store
        .get::<Pod>("default", name)
        .expect("pod exists"))
    .clone()
}

#[test]
fn a_busybox_pod_runs_and_its_exit_is_reported() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo hello; sleep 5; exit 3\"]\n",
    );
    assert_eq!(pod(&c, "once").phase().as_str(), "Pending");
    c.advance_by(4_000);
    let p = pod(&c, "once");
    assert_eq!(p.phase().as_str(), "Running", "{:#?}", p.status);
    assert!(p.status.container_statuses[0].state.running.is_some());
    c.advance_by(10_000);
    let p = pod(&c, "once");
    assert_eq!(p.phase().as_str(), "Failed", "{:#?}", p.status);
    let t = p.status.container_statuses[0]
        .state
        .terminated
        .clone()
        .expect("terminated");
    assert_eq!(t.exit_code, 3);
    assert_eq!(t.reason, "Error");
}

fn waiting_message(p: &Pod) -> String {
    p.status.container_statuses[0]
        .state
        .waiting
        .as_ref()
        .map(|w| format!("{}: {}", w.reason, w.message))
        .unwrap_or_default()
}

#[test]
fn a_crashing_container_backs_off_ten_twenty_forty_seconds() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sh\", \"-c\", \"exit 1\"]\n",
    );
    let uid = pod(&c, "crash").metadata.uid().to_string();
    let msg = |d: &str| {
        format!("CrashLoopBackOff: back-off {d} restarting failed container=app pod=crash_default({uid})")
    };
    c.advance_by(8_000);
    let p = pod(&c, "crash");
    assert_eq!(p.status.container_statuses[0].restart_count, 1);
    assert_eq!(waiting_message(&p), msg("10s"));
    assert_eq!(p.phase().as_str(), "Running");
    c.advance_by(61_000);
    let p = pod(&c, "crash");
    assert_eq!(p.status.container_statuses[0].restart_count, 3, "t=69");
    assert_eq!(waiting_message(&p), msg("40s"));
    c.advance_by(71_000);
    let p = pod(&c, "crash");
    assert_eq!(p.status.container_statuses[0].restart_count, 4, "t=140");
    assert_eq!(waiting_message(&p), msg("1m20s"));
    c.advance_by(160_000);
    let p = pod(&c, "crash");
    assert_eq!(p.status.container_statuses[0].restart_count, 5, "t=300");
    assert_eq!(waiting_message(&p), msg("2m40s"));
}
