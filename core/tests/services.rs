//! Services on simulated time: Endpoints and EndpointSlices follow the
//! selected pods' readiness, and the cluster network routes and resolves
//! through them.

use std::rc::Rc;

use podlab_core::api::corev1::{Endpoints, Pod, Service};
use podlab_core::api::discovery::EndpointSlice;
use podlab_core::apiserver::DeleteOptions;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::{apply, text};

fn pod_yaml(name: &str, labels: &str, script: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{{labels}}}
spec:
{extra}  containers:
  - name: c
    image: busybox
    command: [\"sh\", \"-c\", \"{script}\"]
    ports:
    - containerPort: 80
      name: http
"
    )
}

const WEB_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {tier: front}
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
";

fn endpoints(c: &Cluster, name: &str) -> Option<Rc<Endpoints>> {
    c.api().store.get::<Endpoints>("default", name).cloned()
}

fn slices(c: &Cluster, svc: &str) -> Vec<Rc<EndpointSlice>> {
    c.api()
        .store
        .table::<EndpointSlice>()
        .iter_ns(Some("default"))
        .map(|(_, s)| s.clone())
        .filter(|s| s.service_name() == Some(svc))
        .collect()
}

fn pod(c: &Cluster, name: &str) -> Rc<Pod> {
    c.api()
        .store
        .get::<Pod>("default", name)
        .expect("pod")
        .clone()
}

fn ready_ips(e: &Endpoints) -> Vec<String> {
    e.subsets
        .iter()
        .flat_map(|s| s.addresses.iter().map(|a| a.ip.clone()))
        .collect()
}

fn not_ready_ips(e: &Endpoints) -> Vec<String> {
    e.subsets
        .iter()
        .flat_map(|s| s.not_ready_addresses.iter().map(|a| a.ip.clone()))
        .collect()
}

#[test]
fn the_cluster_starts_with_the_kubernetes_and_kube_dns_services() {
    let c = Cluster::new(ClusterConfig::default());
    let api = &c.api().store;
    let k = api
        .get::<Service>("default", "kubernetes")
        .expect("kubernetes");
    assert_eq!(k.spec.cluster_ip, "10.96.0.1");
    assert_eq!(k.spec.ports[0].name, "https");
    assert_eq!(k.spec.ports[0].port, 443);
    assert_eq!(k.metadata.label("component"), Some("apiserver"));
    assert_eq!(k.metadata.label("provider"), Some("kubernetes"));
    let e = api
        .get::<Endpoints>("default", "kubernetes")
        .expect("endpoints");
    assert_eq!(ready_ips(e), ["192.168.1.10"]);
    assert_eq!(e.subsets[0].ports[0].port, 6443);
    let s = api
        .get::<EndpointSlice>("default", "kubernetes")
        .expect("slice");
    assert_eq!(s.endpoints()[0].addresses, ["192.168.1.10"]);
    let dns = api
        .get::<Service>("kube-system", "kube-dns")
        .expect("kube-dns");
    assert_eq!(dns.spec.cluster_ip, "10.96.0.10");
    let ports: Vec<(String, i32, String)> = dns
        .spec
        .ports
        .iter()
        .map(|p| (p.name.clone(), p.port, p.protocol.to_string()))
        .collect();
    assert_eq!(
        ports,
        [
            ("dns".into(), 53, "UDP".into()),
            ("dns-tcp".into(), 53, "TCP".into()),
            ("metrics".into(), 9153, "TCP".into()),
        ]
    );
    assert_eq!(
        dns.spec.selector.get("k8s-app").map(String::as_str),
        Some("kube-dns")
    );
}

#[test]
fn ready_pods_are_listed_as_addresses_sorted_by_ip_text() {
    let mut c = Cluster::new(ClusterConfig::default());
    for i in 0..3 {
        apply(
            &mut c,
            &pod_yaml(&format!("web-{i}"), "app: web", "sleep 3600", ""),
        );
    }
    apply(&mut c, WEB_SERVICE);
    c.advance_by(10_000);
    let e = endpoints(&c, "web").expect("endpoints");
    let mut ips: Vec<String> = (0..3)
        .map(|i| pod(&c, &format!("web-{i}")).status.pod_ip.clone())
        .collect();
    ips.sort();
    assert_eq!(ready_ips(&e), ips);
    assert!(not_ready_ips(&e).is_empty());
    assert_eq!(
        e.metadata.label("tier"),
        Some("front"),
        "the Service's labels"
    );
    let a = &e.subsets[0].addresses[0];
    let target = a.target_ref.as_ref().expect("target");
    assert_eq!(target.kind, "Pod");
    assert!(a.node_name.is_some());
    assert_eq!(e.subsets[0].ports[0].port, 80);
    assert!(e
        .metadata
        .annotation("endpoints.kubernetes.io/last-change-trigger-time")
        .is_some());

    let s = slices(&c, "web");
    assert_eq!(s.len(), 1);
    let s = &s[0];
    assert!(s.metadata.name().starts_with("web-") && s.metadata.name().len() == 9);
    assert_eq!(
        s.metadata.label("endpointslice.kubernetes.io/managed-by"),
        Some("endpointslice-controller.k8s.io")
    );
    assert_eq!(s.metadata.label("tier"), Some("front"));
    assert_eq!(s.address_type.as_str(), "IPv4");
    assert_eq!(s.endpoints().len(), 3);
    assert!(s
        .endpoints()
        .iter()
        .all(|e| e.conditions.ready == Some(true)
            && e.conditions.serving == Some(true)
            && e.conditions.terminating == Some(false)));
    assert_eq!(s.ports()[0].port, Some(80));
    assert_eq!(s.ports()[0].name.as_deref(), Some(""));
    let owner = s.metadata.controller().expect("owner");
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("Service", "web")
    );
}

#[test]
fn readiness_moves_a_pod_between_not_ready_and_ready_addresses() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1
kind: Pod
metadata:
  name: r
  labels: {app: r}
spec:
  containers:
  - name: c
    image: busybox
    command: [\"sh\", \"-c\", \"sleep 20; touch /tmp/ready; sleep 40; rm /tmp/ready; sleep 3600\"]
    ports:
    - containerPort: 80
    readinessProbe:
      exec:
        command: [\"cat\", \"/tmp/ready\"]
      periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: r
spec:
  selector: {app: r}
  ports:
  - port: 80
",
    );
    c.advance_by(10_000);
    let ip = pod(&c, "r").status.pod_ip.clone();
    let e = endpoints(&c, "r").expect("endpoints");
    assert_eq!(not_ready_ips(&e), std::slice::from_ref(&ip));
    assert!(ready_ips(&e).is_empty());
    assert_eq!(
        slices(&c, "r")[0].endpoints()[0].conditions.ready,
        Some(false)
    );
    c.advance_by(18_000);
    let e = endpoints(&c, "r").expect("endpoints");
    assert_eq!(ready_ips(&e), std::slice::from_ref(&ip));
    assert!(not_ready_ips(&e).is_empty());
    assert_eq!(
        slices(&c, "r")[0].endpoints()[0].conditions.ready,
        Some(true)
    );
    c.advance_by(50_000);
    let e = endpoints(&c, "r").expect("endpoints");
    assert_eq!(not_ready_ips(&e), [ip]);
}

#[test]
fn a_named_target_port_is_resolved_per_pod() {
    let mut c = Cluster::new(ClusterConfig::default());
    let pod_with_port = |name: &str, port: i32| {
        format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: named}}
spec:
  containers:
  - name: c
    image: busybox
    command: [\"sleep\", \"3600\"]
    ports:
    - containerPort: {port}
      name: http
"
        )
    };
    apply(&mut c, &pod_with_port("a", 8080));
    apply(&mut c, &pod_with_port("b", 9090));
    apply(
        &mut c,
        "apiVersion: v1
kind: Service
metadata:
  name: named
spec:
  selector: {app: named}
  ports:
  - name: web
    port: 80
    targetPort: http
",
    );
    c.advance_by(10_000);
    let e = endpoints(&c, "named").expect("endpoints");
    let mut ports: Vec<(i32, usize)> = e
        .subsets
        .iter()
        .map(|s| (s.ports[0].port, s.addresses.len()))
        .collect();
    ports.sort();
    assert_eq!(ports, [(8080, 1), (9090, 1)]);
    assert_eq!(e.subsets[0].ports[0].name, "web");
    let mut slice_ports: Vec<Option<i32>> = slices(&c, "named")
        .iter()
        .map(|s| s.ports()[0].port)
        .collect();
    slice_ports.sort();
    assert_eq!(slice_ports, [Some(8080), Some(9090)]);
}

#[test]
fn a_terminating_pod_leaves_endpoints_but_stays_in_slices_as_terminating() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &pod_yaml("web-0", "app: web", "sleep 3600", ""));
    apply(&mut c, WEB_SERVICE);
    c.advance_by(10_000);
    c.api_mut()
        .delete::<Pod>("default", "web-0", &DeleteOptions::default())
        .expect("deleted");
    c.advance_by(1_000);
    let e = endpoints(&c, "web").expect("endpoints");
    assert!(e.subsets.is_empty(), "{:?}", e.subsets);
    let s = slices(&c, "web");
    let ep = &s[0].endpoints()[0];
    assert_eq!(
        (
            ep.conditions.ready,
            ep.conditions.serving,
            ep.conditions.terminating
        ),
        (Some(false), Some(true), Some(true))
    );
    // Once the pod is gone the slice is an empty placeholder.
    c.advance_by(40_000);
    let s = slices(&c, "web");
    assert_eq!(s.len(), 1);
    assert!(s[0].endpoints().is_empty() && s[0].ports().is_empty());
}

#[test]
fn publish_not_ready_addresses_lists_unready_pods_as_ready() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &pod_yaml("p", "app: p", "sleep 3600", "").replace(
            "      name: http\n",
            "      name: http\n    readinessProbe:\n      exec:\n        command: [\"false\"]\n",
        ),
    );
    apply(
        &mut c,
        "apiVersion: v1
kind: Service
metadata:
  name: p
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: p}
  ports:
  - port: 80
",
    );
    c.advance_by(10_000);
    assert!(!pod(&c, "p").is_ready());
    let e = endpoints(&c, "p").expect("endpoints");
    assert_eq!(ready_ips(&e).len(), 1);
    assert_eq!(e.metadata.label("service.kubernetes.io/headless"), Some(""));
    let s = slices(&c, "p");
    let ep = &s[0].endpoints()[0];
    assert_eq!(
        (ep.conditions.ready, ep.conditions.serving),
        (Some(true), Some(false))
    );
}

#[test]
fn a_service_without_selector_keeps_its_hand_written_endpoints_mirrored_to_a_slice() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        "apiVersion: v1
kind: Service
metadata:
  name: ext
spec:
  ports:
  - port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Endpoints
metadata:
  name: ext
subsets:
- addresses:
  - ip: 192.0.2.42
  ports:
  - port: 9376
",
    );
    c.advance_by(5_000);
    let e = endpoints(&c, "ext").expect("endpoints");
    assert_eq!(ready_ips(&e), ["192.0.2.42"]);
    let s = slices(&c, "ext");
    assert_eq!(s.len(), 1);
    assert_eq!(
        s[0].metadata
            .label("endpointslice.kubernetes.io/managed-by"),
        Some("endpointslicemirroring-controller.k8s.io")
    );
    assert_eq!(s[0].endpoints()[0].addresses, ["192.0.2.42"]);
    assert_eq!(s[0].ports()[0].port, Some(9376));
    let owner = s[0].metadata.controller().expect("owner");
    assert_eq!(owner.kind, "Endpoints");
}

#[test]
fn more_than_a_hundred_endpoints_spread_over_two_slices() {
    let mut c = Cluster::new(ClusterConfig::default());
    for i in 0..101 {
        apply(
            &mut c,
            &pod_yaml(&format!("m-{i}"), "app: many", "sleep 3600", ""),
        );
    }
    apply(
        &mut c,
        "apiVersion: v1
kind: Service
metadata:
  name: many
spec:
  selector: {app: many}
  ports:
  - port: 80
",
    );
    c.advance_by(30_000);
    let mut sizes: Vec<usize> = slices(&c, "many")
        .iter()
        .map(|s| s.endpoints().len())
        .collect();
    sizes.sort();
    assert_eq!(sizes, [1, 100]);
    assert_eq!(
        ready_ips(&endpoints(&c, "many").expect("endpoints")).len(),
        101
    );
}

#[test]
fn pods_reach_a_service_by_name_and_headless_pods_by_hostname() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let out = s.run(
        "cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  labels:
    app: nginx
spec:
  hostname: web-0
  subdomain: nginx
  containers:
  - name: nginx
    image: nginx:1.14.2
    ports:
    - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: nginx
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: busybox
    command: [\"sleep\", \"3600\"]
EOF",
    );
    assert!(text(&out).contains("service/web created"), "{}", text(&out));
    s.run("sleep 20");
    let out = s.run("kubectl exec client -- wget -qO- web");
    assert!(text(&out).contains("Welcome to nginx!"), "{}", text(&out));
    let out = s.run("kubectl exec client -- nslookup web-0.nginx");
    let t = text(&out);
    let ip = s
        .cluster()
        .api()
        .store
        .get::<Pod>("default", "web-0")
        .expect("pod")
        .status
        .pod_ip
        .clone();
    assert!(t.contains(&ip), "{t}");
    assert!(t.contains("web-0.nginx.default.svc.cluster.local"), "{t}");
}
