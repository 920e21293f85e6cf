//! `kubectl logs` and `kubectl attach` on simulated time.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::{err, out};

/// Two pods labelled app=x counting every 5 s, and 58 s for them to run.
fn counting() -> Session {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    for p in ["a", "b"] {
        s.run(&format!(
            "kubectl run {p} --image=busybox -l app=x -- sh -c 'i=0; while true; do echo {p}$i; i=$((i+1)); sleep 5; done'"
        ));
    }
    s.run("sleep 58");
    s
}

#[test]
fn logs_by_selector_show_the_last_ten_lines_of_each_pod() {
    let mut s = counting();
    let got = out(&s.run("kubectl logs -l app=x"));
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 20, "{got}");
    assert!(
        lines[0].starts_with('a') && lines[10].starts_with('b'),
        "{got}"
    );
    assert_eq!(lines[9], "a11");
    let prefixed = out(&s.run("kubectl logs -l app=x --prefix --tail=1"));
    assert_eq!(prefixed, "[pod/a/a] a11\n[pod/b/b] b11\n");
    let none = s.run("kubectl logs -l app=nothing");
    assert_eq!(err(&none), "No resources found in default namespace.\n");
}

#[test]
fn logs_since_and_timestamps_use_the_kubelet_clock() {
    let mut s = counting();
    assert_eq!(out(&s.run("kubectl logs a --since=11s")), "a10\na11\n");
    let stamped = out(&s.run("kubectl logs a --tail=1 --timestamps"));
    let (stamp, line) = stamped.trim_end().split_once(' ').expect("a stamp");
    assert_eq!(line, "a11");
    // RFC 3339 with a fraction that never ends in zero, as Go prints it.
    assert!(
        stamp.starts_with("2026-01-05T09:") && stamp.ends_with('Z'),
        "{stamp}"
    );
    assert!(!stamp.trim_end_matches('Z').ends_with('0'), "{stamp}");
    let from = stamp.to_string();
    let since = out(&s.run(&format!("kubectl logs a --since-time={from}")));
    assert_eq!(since, "a11\n");
    let bad = s.run("kubectl logs a --since-time=2026-01-05");
    assert_eq!(
        err(&bad),
        "error: parsing time \"2026-01-05\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"\n"
    );
}

#[test]
fn attach_streams_new_output_until_the_container_exits() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl run t --image=busybox --restart=Never -- sh -c 'echo early; sleep 20; echo late; sleep 5; exit 0'");
    s.run("sleep 10");
    assert_eq!(out(&s.run("kubectl attach t")), "late\n");
    let done = s.run("kubectl attach t");
    assert_eq!(
        err(&done),
        "error: cannot attach a container in a completed pod; current phase is Succeeded\n"
    );
    assert_eq!(
        err(&s.run("kubectl attach")),
        "error: at least 1 argument is required for attach\n"
    );
}

#[test]
fn get_watch_prints_changes_in_the_columns_of_the_first_table() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl run x --image=busybox --restart=Never -- sleep 5");
    let got = out(&s.run("kubectl get pods -w"));
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines[0], "NAME   READY   STATUS    RESTARTS   AGE", "{got}");
    assert_eq!(lines[1], "x      0/1     Pending   0          0s", "{got}");
    // A wider cell widens its column from then on; earlier lines stay.
    let creating = lines
        .iter()
        .position(|l| l.contains("ContainerCreating"))
        .expect("ContainerCreating");
    assert_eq!(
        lines[creating],
        "x      0/1     ContainerCreating   0          0s"
    );
    assert!(
        lines[creating + 1..]
            .iter()
            .all(|l| l.starts_with("x      ") && l.len() >= 45),
        "{got}"
    );
    assert!(
        got.contains("x      0/1     Completed           0          6s\n"),
        "{got}"
    );
}

#[test]
fn get_watch_shows_a_deleted_pod_terminating() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl create deployment web --image=nginx:1.27 --replicas=2");
    s.run("sleep 5");
    s.run("kubectl scale deploy web --replicas=1");
    let got = out(&s.run("kubectl get pods -w --request-timeout=5s"));
    assert!(got.contains("Terminating"), "{got}");
    assert_eq!(got.lines().filter(|l| l.starts_with("NAME")).count(), 1);
}

#[test]
fn run_with_stdin_feeds_a_heredoc_to_the_container_and_closes_it_after() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let r = s.run(
        "kubectl run -i --rm t --image=busybox --restart=Never -- sh <<EOF\necho hello from stdin\nhostname\nEOF",
    );
    assert_eq!(out(&r), "hello from stdin\nt\npod \"t\" deleted\n");
    assert_eq!(err(&r), "");
}

#[test]
fn a_container_with_stdin_waits_for_input_until_attached() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    // Without an attached client, `cat` blocks on its open stdin.
    s.run("kubectl run c --image=busybox --restart=Never -i --attach=false -- cat");
    s.run("sleep 20");
    let r =
        s.run("kubectl get pod c -o jsonpath='{.status.phase} {.spec.containers[0].stdinOnce}'");
    assert_eq!(out(&r), "Running true");
    // The first attach session's input reaches it; its end closes stdin.
    let r = s.run("kubectl attach -i c <<EOF\nline one\nEOF");
    assert_eq!(out(&r), "line one\n");
    s.run("sleep 5");
    let r = s.run("kubectl get pod c -o jsonpath='{.status.phase}'");
    assert_eq!(out(&r), "Succeeded");
    let r = s.run("kubectl logs c");
    assert_eq!(out(&r), "line one\n");
}
