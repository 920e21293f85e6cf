//! A terminal session: kubectl against the simulated cluster.

use podlab_core::terminal::{Line, Session};
use podlab_core::userland::Stream;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::text;

fn stderr(lines: &[Line]) -> String {
    lines
        .iter()
        .filter(|l| l.stream == Stream::Stderr)
        .map(|l| l.text.as_str())
        .collect()
}

#[test]
fn kubectl_applies_and_gets_a_pod() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let out = s.run("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: box\nspec:\n  containers:\n  - name: box\n    image: busybox\n    command: [\"sleep\", \"3600\"]\nEOF");
    assert_eq!(text(&out), "pod/box created\n");
    let out = s.run("kubectl get pods");
    let t = text(&out);
    assert!(t.starts_with("NAME   READY   STATUS"), "{t}");
    let out = s.run("sleep 5");
    assert_eq!(text(&out), "");
    let out = s.run("kubectl get pod box -o jsonpath='{.status.phase}'");
    assert_eq!(text(&out), "Running");
    let out = s.run("kubectl get pdos");
    assert_eq!(
        stderr(&out),
        "error: the server doesn't have a resource type \"pdos\"\n"
    );
    let out = s.run("kubectl exec box -- sh -c 'echo hi from $(hostname)'");
    assert_eq!(text(&out), "hi from box\n");
}
