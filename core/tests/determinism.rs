//! The simulation is a function of its inputs and seed: the same session on
//! the same seed gives the same history and the same objects; another seed
//! gives other random names.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::text;

const SESSION: &[&str] = &[
    "kubectl run web --image=nginx:1.27 --port=80",
    "kubectl run crash --image=busybox -- sh -c 'echo bye; exit 3'",
    "cat <<EOF | kubectl create -f -
apiVersion: v1
kind: Pod
metadata:
  generateName: probe-
spec:
  containers:
  - name: c
    image: busybox
    command: [\"sh\", \"-c\", \"touch /tmp/ok; sleep 30; rm /tmp/ok; sleep 600\"]
    livenessProbe:
      exec:
        command: [\"cat\", \"/tmp/ok\"]
      periodSeconds: 5
EOF",
    "sleep 90",
    "kubectl exec web -- sh -c 'wget -qO- localhost >/dev/null; echo done'",
    "sleep 30",
];

/// Runs the session and returns its history and final state.
fn run(seed: u64) -> (String, String, String) {
    let mut s = Session::new(Cluster::new(ClusterConfig {
        seed,
        ..ClusterConfig::default()
    }));
    let mut transcript = String::new();
    for cmd in SESSION {
        transcript.push_str(&text(&s.run(cmd)));
    }
    let state = text(&s.run("kubectl get pods,events,nodes -A -o json"));
    let trace = format!("{:?}", s.cluster().trace());
    (transcript, state, trace)
}

#[test]
fn one_seed_gives_one_history() {
    let (t1, s1, h1) = run(7);
    let (t2, s2, h2) = run(7);
    assert_eq!(t1, t2, "terminal output");
    assert_eq!(s1, s2, "stored objects");
    assert_eq!(h1, h2, "event trace");
    assert!(h1.len() > 1000, "the session did something");
}

#[test]
fn another_seed_gives_other_names() {
    let (t1, s1, _) = run(7);
    let (t2, s2, _) = run(8);
    let generated = |t: &str| {
        t.lines()
            .find_map(|l| l.strip_prefix("pod/probe-"))
            .map(str::to_string)
    };
    let (a, b) = (generated(&t1), generated(&t2));
    assert!(a.is_some() && b.is_some(), "{t1}\n{t2}");
    assert_ne!(a, b, "generated names");
    assert_ne!(s1, s2, "uids, tokens and names differ");
}
