//! Static pods: a manifest written on a node runs there without the API
//! server, shows up as a mirror pod, survives `kubectl delete` and goes
//! away with its file.

mod common;

use common::text;

use podlab_core::api::corev1::Pod;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

fn session() -> Session {
    Session::new(Cluster::new(ClusterConfig::default()))
}

const STATIC_WEB: &str = "cat <<EOF >/etc/kubernetes/manifests/static-web.yaml
apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels:
    role: myrole
spec:
  containers:
    - name: web
      image: nginx
      ports:
        - name: web
          containerPort: 80
          protocol: TCP
EOF";

fn mirror(s: &Session, name: &str) -> Option<Pod> {
    s.cluster()
        .api()
        .store
        .get::<Pod>("default", name)
        .map(|p| (**p).clone())
}

/// Writes the seed's static-web manifest on node01 and waits until its
/// mirror pod runs.
fn static_web_running(s: &mut Session) {
    s.run("ssh node01");
    s.run(STATIC_WEB);
    s.run("exit");
    s.run("sleep 20");
}

#[test]
fn a_manifest_written_on_a_worker_runs_as_a_mirror_pod_within_twenty_seconds() {
    let mut s = session();
    static_web_running(&mut s);
    let out = text(&s.run("kubectl get pod static-web-node01 -o wide --no-headers"));
    let cols: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(
        &cols[..4],
        ["static-web-node01", "1/1", "Running", "0"],
        "{out}"
    );
    assert_eq!(cols[6], "node01", "{out}");
    assert!(cols[5].starts_with("10.244.1."), "{out}");
}

#[test]
fn the_mirror_pod_carries_the_kubelet_annotations_and_a_node_owner() {
    let mut s = session();
    static_web_running(&mut s);
    let p = mirror(&s, "static-web-node01").expect("mirror pod");
    let a = &p.metadata.annotations;
    assert_eq!(
        a.get("kubernetes.io/config.source").map(String::as_str),
        Some("file")
    );
    let hash = a
        .get("kubernetes.io/config.hash")
        .cloned()
        .unwrap_or_default();
    assert_eq!(hash.len(), 32, "md5-sized hash");
    assert_eq!(a.get("kubernetes.io/config.mirror"), Some(&hash));
    assert!(a.contains_key("kubernetes.io/config.seen"));
    assert_ne!(
        p.metadata.uid(),
        hash,
        "the API server gives the mirror its own uid"
    );
    let owner = &p.metadata.owner_references[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("Node", "node01")
    );
    assert_eq!(owner.controller, Some(true));
    assert_eq!(p.spec.node_name, "node01");
    assert!(
        p.spec
            .tolerations
            .iter()
            .any(|t| t.operator == "Exists" && t.key.is_empty() && t.effect == "NoExecute"),
        "static pods tolerate every NoExecute taint"
    );
    assert!(
        p.spec.volumes.is_empty(),
        "mirror pods get no service account token volume"
    );
}

#[test]
fn deleting_the_mirror_pod_brings_it_back_with_the_containers_still_running() {
    let mut s = session();
    static_web_running(&mut s);
    let before = mirror(&s, "static-web-node01").expect("mirror pod");
    assert_eq!(
        text(&s.run("kubectl delete pod static-web-node01")),
        "pod \"static-web-node01\" deleted\n"
    );
    s.run("sleep 3");
    let after = mirror(&s, "static-web-node01").expect("recreated");
    assert_ne!(after.metadata.uid(), before.metadata.uid());
    let out = text(&s.run("kubectl get pod static-web-node01 --no-headers"));
    let cols: Vec<&str> = out.split_whitespace().collect();
    assert_eq!(
        &cols[..5],
        ["static-web-node01", "1/1", "Running", "0", "3s"],
        "{out}"
    );
    assert_eq!(
        after.status.start_time, before.status.start_time,
        "the pod itself never stopped"
    );
}

#[test]
fn removing_the_manifest_stops_the_pod_and_deletes_its_mirror() {
    let mut s = session();
    static_web_running(&mut s);
    s.run("ssh node01 rm /etc/kubernetes/manifests/static-web.yaml");
    s.run("sleep 5");
    assert!(mirror(&s, "static-web-node01").is_none());
    assert_eq!(
        text(&s.run("kubectl get pods")),
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        s.cluster().kubelet("node01").map(|k| k.pod_count()),
        Some(2)
    );
}

#[test]
fn editing_the_manifest_restarts_the_pod_with_the_new_spec() {
    let mut s = session();
    static_web_running(&mut s);
    s.run("ssh node01 \"sed -i 's/image: nginx/image: nginx:1.25/' /etc/kubernetes/manifests/static-web.yaml\"");
    s.run("sleep 20");
    let p = mirror(&s, "static-web-node01").expect("mirror pod");
    assert_eq!(p.spec.containers[0].image, "nginx:1.25");
    let out = text(&s.run("kubectl get pod static-web-node01 --no-headers"));
    assert!(out.contains("Running"), "{out}");
}

#[test]
fn an_invalid_manifest_is_ignored_with_a_log_line_and_no_event() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "a file that is not a pod",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
            "couldn't parse as pod",
        ),
        (
            "a pod without containers",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\nspec:\n  containers: []\n",
            "invalid pod",
        ),
    ];
    for (name, manifest, wanted) in cases {
        let mut s = session();
        let events_before = text(&s.run("kubectl get events -A --no-headers | wc -l"));
        s.run(&format!(
            "ssh node02 \"printf '%s' '{manifest}' > /etc/kubernetes/manifests/bad.yaml\""
        ));
        s.run("sleep 25");
        let errors = s
            .cluster()
            .kubelet("node02")
            .map(|k| k.manifest_errors().to_vec())
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert!(
            errors[0].message.contains(wanted),
            "{name}: {:?}",
            errors[0]
        );
        assert_eq!(
            text(&s.run("kubectl get pods --no-headers -A -o wide | grep -c node02")).trim(),
            "2",
            "{name}: only the DaemonSet pods run"
        );
        let events_after = text(&s.run("kubectl get events -A --no-headers | wc -l"));
        assert_eq!(events_before, events_after, "{name}");
    }
}

#[test]
fn a_mirror_pod_is_not_a_regular_pod_on_its_node() {
    // The kubelet must not run a mirror pod as a second copy.
    let mut s = session();
    static_web_running(&mut s);
    s.run("kubectl delete pod static-web-node01");
    s.run("sleep 3");
    // node01 runs kube-proxy, flannel and static-web, nothing more.
    assert_eq!(
        s.cluster().kubelet("node01").map(|k| k.pod_count()),
        Some(3)
    );
}

#[test]
fn logs_and_exec_of_a_mirror_pod_reach_its_static_pod() {
    let mut s = session();
    static_web_running(&mut s);
    let cases = [
        (
            "the etcd log starts with its arguments",
            "kubectl logs -n kube-system etcd-controlplane | head -1 | grep -c 'Running: '",
            "1\n",
        ),
        (
            "exec runs in the static pod's container",
            "kubectl exec static-web-node01 -- cat /etc/hostname",
            "static-web-node01\n",
        ),
    ];
    for (name, cmd, want) in cases {
        assert_eq!(text(&s.run(cmd)), want, "{name}");
    }
    // Still so once the mirror pod was recreated with a new uid.
    s.run("kubectl delete pod static-web-node01");
    s.run("sleep 3");
    assert_eq!(
        text(&s.run("kubectl exec static-web-node01 -- cat /etc/hostname")),
        "static-web-node01\n"
    );
}
