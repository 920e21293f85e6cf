//! The syllabus's liveness probe examples on simulated time: an exec probe
//! that starts failing when a file is removed, HTTP probes against servers
//! that turn unhealthy, and how long the kubelet takes to restart them.

mod seed_support;

use seed_support::{apply, jsonpath, session, sh, timeline};

const LIVENESS_EXEC: &str = "apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: test-liveness-exec
spec:
  containers:
  - name: liveness
    image: busybox
    args:
    - /bin/sh
    - -c
    - touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600
    livenessProbe:
      exec:
        command:
        - cat
        - /tmp/healthy
      initialDelaySeconds: 5
      periodSeconds: 5
";

const LIVENESS_HTTP: &str = "apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: quay.io/junkai/training:liveness
    args:
    - /server
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
";

const KUBIA_LIVENESS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: kubia-liveness
spec:
  containers:
    - image: idealism/kubia-unhealthy
      name: kubia
      ports:
        - containerPort: 8080
          protocol: TCP
      livenessProbe:
        httpGet:
          port: 8080
          path: /
";

const RESTARTS: &str = "{.status.containerStatuses[0].restartCount}";

/// Seconds after creation at which the container's restart count grew.
fn restarts(yaml: &str, pod: &str, seconds: u64) -> (podlab_core::terminal::Session, Vec<u64>) {
    let mut s = session();
    assert_eq!(
        apply(&mut s, "pod.yaml", yaml),
        format!("pod/{pod} created\n")
    );
    let seen = timeline(&mut s, &format!("pod {pod}"), RESTARTS, seconds);
    let at = seen
        .iter()
        .filter(|(_, count)| count.parse::<u32>().is_ok_and(|n| n > 0))
        .map(|(t, _)| *t)
        .collect();
    (s, at)
}

fn within(at: u64, lo: u64, hi: u64) -> bool {
    (lo..=hi).contains(&at)
}

/// 000, "容器健康检查和回复机制": the file goes at 30s; probes every 5s fail
/// at 35, 40 and 45s; the shell is pid 1 and ignores SIGTERM, so the kill
/// waits out the 30s grace period: a restart about 75s after creation.
#[test]
fn an_exec_liveness_probe_restarts_the_container_once_the_file_is_gone() {
    let (mut s, at) = restarts(LIVENESS_EXEC, "test-liveness-exec", 150);
    assert!(at.len() == 2 && within(at[0], 70, 82), "{at:?}");
    let described = sh(&mut s, "kubectl describe pod test-liveness-exec");
    for line in [
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
        "Container liveness failed liveness probe, will be restarted",
        "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n",
        "    Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3\n",
    ] {
        assert!(described.contains(line), "missing {line:?} in\n{described}");
    }
}

/// 000/liveness example server: healthy for its first 10 seconds, then
/// 500; probes every 3s with failureThreshold 3 kill it about 18s after
/// each start. A Go server that is pid 1 exits 2 on SIGTERM (the runtime's
/// dieFromSignal fallback), so it goes at once, not after the grace period.
#[test]
fn an_http_liveness_probe_restarts_the_server_every_eighteen_seconds() {
    let (mut s, at) = restarts(LIVENESS_HTTP, "liveness-http", 60);
    assert_eq!(at.len(), 3, "{at:?}");
    assert!(within(at[0], 16, 21), "{at:?}");
    assert!(
        within(at[1] - at[0], 16, 20) && within(at[2] - at[1], 16, 20),
        "{at:?}"
    );
    let last = jsonpath(
        &mut s,
        "pod liveness-http",
        "{.status.containerStatuses[0].lastState.terminated.reason} {.status.containerStatuses[0].lastState.terminated.exitCode}",
    );
    assert_eq!(last, "Error 2");
    let described = sh(&mut s, "kubectl describe pod liveness-http");
    assert!(
        described.contains("Liveness probe failed: HTTP probe failed with statuscode: 500"),
        "{described}"
    );
    assert!(
        described.contains("    Liveness:       http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3\n"),
        "{described}"
    );
}

/// 004, "使用存活探测器": the kubia-unhealthy app answers 500 from its sixth
/// request on; with the default period (10s) the third failure comes about
/// 80s in, and the node app, pid 1, ignores SIGTERM: killed after the grace
/// period with 137, as the notes' describe output shows.
#[test]
fn the_unhealthy_kubia_app_is_killed_with_137_after_its_fifth_request() {
    let (mut s, at) = restarts(KUBIA_LIVENESS, "kubia-liveness", 130);
    assert!(at.len() == 1 && within(at[0], 100, 115), "{at:?}");
    let described = sh(&mut s, "kubectl describe pod kubia-liveness");
    for line in [
        "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n",
        "    Restart Count:  1\n",
        "    Liveness:       http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3\n",
        "Liveness probe failed: HTTP probe failed with statuscode: 500",
        "Container kubia failed liveness probe, will be restarted",
    ] {
        assert!(described.contains(line), "missing {line:?} in\n{described}");
    }
    // The previous instance's log: the banner, five good requests and the
    // three failing probes.
    let previous = sh(&mut s, "kubectl logs kubia-liveness --previous");
    assert!(
        previous.starts_with("Kubia server starting...\n"),
        "{previous}"
    );
    assert_eq!(
        previous.matches("Received request from").count(),
        8,
        "{previous}"
    );
}

/// 004, "配置存活探测器的附加属性": with initialDelaySeconds 15 the first
/// probe waits 15s, so the restart comes about 15s later than without.
#[test]
fn an_initial_delay_postpones_the_first_probe() {
    let delayed = KUBIA_LIVENESS.replace(
        "          path: /\n",
        "          path: /\n        initialDelaySeconds: 15\n",
    );
    let (mut s, at) = restarts(&delayed, "kubia-liveness", 130);
    assert!(at.len() == 1 && within(at[0], 112, 128), "{at:?}");
    let described = sh(&mut s, "kubectl describe pod kubia-liveness");
    assert!(
        described.contains("delay=15s timeout=1s period=10s"),
        "{described}"
    );
}
