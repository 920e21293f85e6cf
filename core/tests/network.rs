//! The pod network as containers and the kubelet use it.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::text;

const WEB: &str = "cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
  - name: side
    image: busybox
    command: [\"sleep\", \"3600\"]
EOF";

#[test]
fn containers_of_a_pod_reach_each_other_on_localhost() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run(WEB);
    s.run("sleep 20");
    let out = text(&s.run("kubectl exec web -c side -- wget -qO- http://localhost/"));
    assert!(out.contains("Welcome to nginx!"), "{out}");
    // The access log names the loopback client.
    let logs = text(&s.run("kubectl logs web -c nginx"));
    assert!(logs.contains("127.0.0.1 - - ["), "{logs}");
}

#[test]
fn a_pod_s_loopback_does_not_reach_another_pod() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run(WEB);
    s.run("kubectl run other --image=busybox -- sleep 3600");
    s.run("sleep 20");
    let out = text(&s.run("kubectl exec other -- wget -qO- -T 2 http://127.0.0.1/"));
    assert!(out.contains("Connection refused"), "{out}");
}

#[test]
fn servers_see_the_client_pod_address() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run(WEB);
    s.run("kubectl run other --image=busybox -- sleep 3600");
    s.run("sleep 20");
    let web_ip = text(&s.run("kubectl get pod web -o jsonpath='{.status.podIP}'"));
    let other_ip = text(&s.run("kubectl get pod other -o jsonpath='{.status.podIP}'"));
    let out = text(&s.run(&format!("kubectl exec other -- wget -qO- http://{web_ip}/")));
    assert!(out.contains("Welcome to nginx!"), "{out}");
    let logs = text(&s.run("kubectl logs web -c nginx"));
    assert!(logs.contains(&format!("{other_ip} - - [")), "{logs}");
}
