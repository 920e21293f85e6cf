//! Scheduling seen from kubectl: pending pods, and how soon a cluster change
//! frees them.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::text;

fn phase(s: &mut Session, pod: &str) -> String {
    text(&s.run(&format!(
        "kubectl get pod {pod} -o jsonpath='{{.status.phase}}'"
    )))
}

#[test]
fn removing_a_taint_schedules_a_pending_pod_within_seconds() {
    // Upstream moves unschedulable pods back to the queue on a node change,
    // after their back-off (1 s, 2 s, … capped at 10 s), not after the
    // five-minute periodic flush.
    for wait_before_untaint in [5, 60, 200] {
        let mut s = Session::new(Cluster::new(ClusterConfig::default()));
        s.run("kubectl taint nodes node01 node02 dedicated=infra:NoSchedule");
        s.run("kubectl run plain --image=busybox -- sleep 3600");
        s.run(&format!("sleep {wait_before_untaint}"));
        assert_eq!(phase(&mut s, "plain"), "Pending");
        s.run("kubectl taint nodes node01 node02 dedicated=infra:NoSchedule-");
        s.run("sleep 10");
        assert_eq!(
            phase(&mut s, "plain"),
            "Running",
            "untainted after {wait_before_untaint}s"
        );
    }
}
