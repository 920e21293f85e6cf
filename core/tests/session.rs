//! A terminal session: kubectl against the simulated cluster.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::{err as stderr, text};

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

#[test]
fn base64_decodes_a_secret_value_as_on_a_workstation() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl create secret generic creds --from-literal=password=s3cret");
    let cases = [
        (
            "a secret's value decoded",
            "kubectl get secret creds -o jsonpath='{.data.password}' | base64 -d",
            "s3cret",
        ),
        (
            "encoding wraps with a newline",
            "echo -n hi | base64",
            "aGk=\n",
        ),
        (
            "-w 0 prints one bare line",
            "printf 'hi' | base64 -w 0",
            "aGk=",
        ),
        (
            "long input wraps at 76 columns",
            "printf '%060d' 0 | base64 | wc -l",
            "2\n",
        ),
        (
            "line breaks ignored when decoding",
            "printf 'aG\\nk=\\n' | base64 -d",
            "hi",
        ),
        (
            "bad input",
            "echo '!!' | base64 -d",
            "base64: invalid input\n",
        ),
    ];
    for (name, cmd, want) in cases {
        assert_eq!(text(&s.run(cmd)), want, "{name}");
    }
}

#[test]
fn explain_lists_fields_by_name() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let t = text(&s.run("kubectl explain deployment.spec.strategy"));
    let rolling = t.find("  rollingUpdate\t").expect("rollingUpdate listed");
    let ty = t.find("  type\t").expect("type listed");
    assert!(rolling < ty, "{t}");
    let t = text(&s.run("kubectl explain pods.spec.nope"));
    assert_eq!(t, "error: field \"nope\" does not exist\n");
}

#[test]
fn auth_can_i_answers_for_the_admin_and_warns_as_kubectl_does() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let cases = [
        (
            "a namespaced resource",
            "kubectl auth can-i create pods",
            "yes\n",
        ),
        (
            "a cluster-scoped resource in a namespace",
            "kubectl auth can-i delete nodes",
            "Warning: resource 'nodes' is not namespace scoped\nyes\n",
        ),
        (
            "a cluster-scoped resource in all namespaces",
            "kubectl auth can-i delete nodes -A",
            "yes\n",
        ),
        (
            "an unknown resource",
            "kubectl auth can-i get widgets",
            "Warning: the server doesn't have a resource type 'widgets'\nyes\n",
        ),
        (
            "one argument",
            "kubectl auth can-i get",
            "error: you must specify two arguments: verb resource or verb nonResourceURL\n",
        ),
    ];
    for (name, cmd, want) in cases {
        assert_eq!(text(&s.run(cmd)), want, "{name}");
    }
}

#[test]
fn grep_context_and_byte_counts_behave_as_on_a_workstation() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("printf 'a\\nb\\nkey\\nc\\nd\\ne\\nkey\\nf\\n' > f.txt");
    let cases = [
        ("lines after", "grep -A1 key f.txt", "key\nc\n--\nkey\nf\n"),
        (
            "lines before",
            "grep -B 1 key f.txt",
            "b\nkey\n--\ne\nkey\n",
        ),
        (
            "context around, numbered",
            "grep -n -C2 key f.txt",
            "1-a\n2-b\n3:key\n4-c\n5-d\n6-e\n7:key\n8-f\n",
        ),
        ("the match limit", "grep -m1 key f.txt", "key\n"),
        (
            "a bad number",
            "grep -A x key f.txt",
            "grep: invalid number 'x'\n",
        ),
        ("head counts bytes with -c", "head -c 3 f.txt", "a\nb"),
        ("tail counts bytes with -c", "tail -c 4 f.txt", "y\nf\n"),
        (
            "tail -c +N starts at byte N",
            "tail -c +15 f.txt",
            "key\nf\n",
        ),
    ];
    for (name, cmd, want) in cases {
        assert_eq!(text(&s.run(cmd)), want, "{name}");
    }
}
