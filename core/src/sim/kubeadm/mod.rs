//! What `kubeadm init`, `kubeadm join` and the flannel manifest leave on a
//! fresh cluster: the nodes' host files (kubeconfigs, certificates, the
//! control plane's static pod manifests, the kubelet's config) and the
//! API objects of the add-ons (CoreDNS, kube-proxy, flannel, kubeadm's
//! ConfigMaps). The texts follow kubeadm v1.32 and kube-flannel v0.26.

use std::cell::RefCell;

use crate::api::corev1::base64_encode;
use crate::apiserver::{ApiServer, WriteOptions};
use crate::controllers::serviceaccount::ROOT_CA_PEM;
use crate::kubelet::node_ip;
use crate::store::{Kind, KindVisitor, Stored};
use crate::syntax::Node;
use crate::userland::fs::ImageBuilder;
use crate::userland::Image;

/// Where every kubelet looks for static pods (kubeadm's `staticPodPath`).
pub const STATIC_POD_PATH: &str = "/etc/kubernetes/manifests";

/// The control plane's static pods, by file name.
const MANIFESTS: &[(&str, &str)] = &[
    ("etcd.yaml", include_str!("etcd.yaml")),
    ("kube-apiserver.yaml", include_str!("kube-apiserver.yaml")),
    (
        "kube-controller-manager.yaml",
        include_str!("kube-controller-manager.yaml"),
    ),
    ("kube-scheduler.yaml", include_str!("kube-scheduler.yaml")),
];

const ADDONS: &str = include_str!("addons.yaml");

const KUBELET_CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: \"\"
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
";

/// The API server's address as every kubeconfig names it.
fn control_plane_ip() -> String {
    node_ip(0)
}

fn fill(text: &str) -> String {
    let ca_data = base64_encode(ROOT_CA_PEM.as_bytes());
    let indent = |s: &str, n: usize| {
        let pad = " ".repeat(n);
        s.lines()
            .map(|l| format!("{pad}{l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    text.replace("@IP@", &control_plane_ip())
        .replace("@CA_DATA@", &ca_data)
        .replace("@CA@", &indent(ROOT_CA_PEM.trim_end(), 4))
        .replace("@KUBELET_CONFIG@", &indent(KUBELET_CONFIG.trim_end(), 4))
        .replace(
            "@KUBELET_HASH@",
            &format!("{:016x}", crate::sim::rng::fnv(KUBELET_CONFIG.as_bytes())).repeat(4),
        )
}

/// A kubeconfig as kubeadm writes them (`admin.conf`, `kubelet.conf`, …).
fn kubeconfig(user: &str) -> String {
    let ca = base64_encode(ROOT_CA_PEM.as_bytes());
    let cert = base64_encode(format!("podlab client certificate for {user}\n").as_bytes());
    let key = base64_encode(format!("podlab client key for {user}\n").as_bytes());
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://{ip}:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: {user}\n  name: {user}@kubernetes\ncurrent-context: {user}@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {cert}\n    client-key-data: {key}\n",
        ip = control_plane_ip()
    )
}

/// Files every kubeadm node has.
fn common_files(mut b: ImageBuilder) -> ImageBuilder {
    for d in [
        "data",
        "etc/cni/net.d",
        "etc/kubernetes/manifests",
        "etc/kubernetes/pki",
        "home",
        "mnt",
        "opt/cni/bin",
        "run",
        "srv",
        "usr/local/bin",
        "var/lib/kubelet",
        "var/log/containers",
        "var/log/pods",
    ] {
        b = b.dir(d, 0o755);
    }
    b.file("etc/kubernetes/pki/ca.crt", ROOT_CA_PEM, 0o644)
        .file("var/lib/kubelet/config.yaml", KUBELET_CONFIG, 0o644)
        .file(
            "var/lib/kubelet/kubeadm-flags.env",
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10\"\n",
            0o644,
        )
        .file("etc/kubernetes/kubelet.conf", kubeconfig_kubelet(), 0o600)
}

fn kubeconfig_kubelet() -> String {
    // The kubelet's client certificate rotates, so its kubeconfig points
    // at the current one on disk.
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: https://{}:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: system:node\n  name: system:node@kubernetes\ncurrent-context: system:node@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: system:node\n  user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n",
        base64_encode(ROOT_CA_PEM.as_bytes()),
        control_plane_ip()
    )
}

fn control_plane_files(mut b: ImageBuilder) -> ImageBuilder {
    b = b.dir("var/lib/etcd", 0o700).dir("root/.kube", 0o755);
    for (name, text) in MANIFESTS {
        b = b.file(
            &format!("etc/kubernetes/manifests/{name}"),
            fill(text),
            0o600,
        );
    }
    for (file, user) in [
        ("admin.conf", "kubernetes-admin"),
        ("super-admin.conf", "kubernetes-super-admin"),
        ("controller-manager.conf", "system:kube-controller-manager"),
        ("scheduler.conf", "system:kube-scheduler"),
    ] {
        b = b.file(&format!("etc/kubernetes/{file}"), kubeconfig(user), 0o600);
    }
    for f in [
        "apiserver.crt",
        "apiserver-etcd-client.crt",
        "apiserver-kubelet-client.crt",
        "front-proxy-ca.crt",
        "front-proxy-client.crt",
        "etcd/ca.crt",
        "etcd/healthcheck-client.crt",
        "etcd/peer.crt",
        "etcd/server.crt",
    ] {
        b = b.file(&format!("etc/kubernetes/pki/{f}"), ROOT_CA_PEM, 0o644);
    }
    for f in [
        "ca.key",
        "apiserver.key",
        "apiserver-etcd-client.key",
        "apiserver-kubelet-client.key",
        "front-proxy-ca.key",
        "front-proxy-client.key",
        "sa.key",
        "sa.pub",
        "etcd/ca.key",
        "etcd/healthcheck-client.key",
        "etcd/peer.key",
        "etcd/server.key",
    ] {
        b = b.file(
            &format!("etc/kubernetes/pki/{f}"),
            format!("podlab key material: {f}\n"),
            0o600,
        );
    }
    // `kubeadm init` tells the admin to copy admin.conf here.
    b.file("root/.kube/config", kubeconfig("kubernetes-admin"), 0o600)
}

thread_local! {
    /// Built once per thread: every cluster's nodes start from these.
    static HOST_IMAGES: RefCell<Option<(Image, Image)>> = const { RefCell::new(None) };
}

/// The host filesystem a node starts with: the terminal's tools plus
/// what kubeadm wrote (the control plane's manifests and kubeconfigs on
/// `controlplane`; only the kubelet's files on workers).
pub fn host_image(control_plane: bool) -> Image {
    HOST_IMAGES.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (cp, worker) = slot.get_or_insert_with(|| {
            let registry = crate::terminal::host_registry();
            let names: Vec<String> = registry.names().iter().map(|n| n.to_string()).collect();
            let applets: Vec<&str> = names.iter().map(String::as_str).collect();
            let base = common_files(Image::busybox(&applets).to_builder());
            let worker = base.build();
            let cp = control_plane_files(worker.to_builder()).build();
            (cp, worker)
        });
        if control_plane {
            cp.clone()
        } else {
            worker.clone()
        }
    })
}

/// The text of a control-plane manifest (for tests and the docs).
pub fn manifest(name: &str) -> Option<String> {
    MANIFESTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| fill(t))
}

/// Creates the add-ons' objects: CoreDNS, kube-proxy, flannel and
/// kubeadm's ConfigMaps.
pub fn create_addons(api: &mut ApiServer) {
    let text = fill(ADDONS);
    let Ok(docs) = crate::syntax::parse_stream(&text) else {
        return;
    };
    for doc in docs {
        let api_version = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
        let Some(k) = Kind::from_type_meta(api_version, kind) else {
            continue;
        };
        k.visit(Create(api, &doc));
    }
}

struct Create<'a>(&'a mut ApiServer, &'a Node);

impl KindVisitor for Create<'_> {
    type Out = ();
    fn visit<T: Stored>(self) -> Self::Out {
        if let Ok(mut obj) = crate::api::codec::decode_strict::<T>(self.1) {
            obj.set_defaults();
            let _ = self.0.create(obj, &WriteOptions::default());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manifest_decodes_as_a_pod() {
        for (name, _) in MANIFESTS {
            let text = manifest(name).unwrap_or_default();
            let node = crate::syntax::parse_value(&text).expect(name);
            let pod = crate::api::codec::decode_strict::<crate::api::corev1::Pod>(&node);
            assert!(pod.is_ok(), "{name}: {:?}", pod.err());
        }
    }

    #[test]
    fn every_addon_decodes_strictly() {
        let text = fill(ADDONS);
        let docs = crate::syntax::parse_stream(&text).expect("addons parse");
        assert_eq!(docs.len(), 14);
        struct Check<'a>(&'a Node);
        impl KindVisitor for Check<'_> {
            type Out = Result<(), String>;
            fn visit<T: Stored>(self) -> Self::Out {
                crate::api::codec::decode_strict::<T>(self.0)
                    .map(|_| ())
                    .map_err(|e| format!("{e:?}"))
            }
        }
        for doc in &docs {
            let v = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
            let k = doc.get("kind").and_then(Node::as_str).unwrap_or("");
            let kind = Kind::from_type_meta(v, k).expect(k);
            assert_eq!(kind.visit(Check(doc)), Ok(()), "{k}");
        }
    }
}
