//! The Node object a kubelet registers: labels, addresses, capacity and the
//! conditions a healthy kubeadm node reports.

use std::collections::BTreeMap;

use super::Kubelet;
use crate::api::corev1::{
    DaemonEndpoint, Node, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeSpec, NodeStatus,
    NodeSystemInfo, Taint,
};
use crate::api::meta::ObjectMeta;
use crate::api::quantity::{Format, Quantity};
use crate::apiserver::{ApiServer, WriteOptions};

/// The Kubernetes version the simulated cluster runs.
pub const KUBE_VERSION: &str = "v1.32.0";
pub const CONTAINER_RUNTIME: &str = "containerd://1.7.24";

/// The node's InternalIP: control plane 192.168.1.10, workers .11, .12, …
pub fn node_ip(index: u32) -> String {
    let n = 10 + index;
    format!("192.168.{}.{}", 1 + n / 250, n % 250)
}

/// The pod range of the n-th node: 10.244.<n>.0/24.
pub fn pod_cidr(index: u32) -> String {
    format!("10.{}.{}.0/24", 244 + index / 256, index % 256)
}

fn kib(bytes: u64) -> Quantity {
    Quantity::parse(&format!("{}Ki", bytes / 1024)).unwrap_or_default()
}

/// How often a kubelet posts an unchanged node status
/// (`nodeStatusReportFrequency`); the lease says it is alive in between.
pub const STATUS_REPORT_INTERVAL: crate::apiserver::Millis = 5 * 60_000;

/// The healthy conditions a running kubelet reports: (type, reason, message).
const HEALTHY: [(&str, &str, &str, &str); 4] = [
    (
        "MemoryPressure",
        "False",
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "DiskPressure",
        "False",
        "KubeletHasNoDiskPressure",
        "kubelet has no disk pressure",
    ),
    (
        "PIDPressure",
        "False",
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    (
        "Ready",
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
    ),
];

/// Posts the node's conditions with a fresh heartbeat; a condition whose
/// status changes (a node back from Unknown) gets a new transition time.
pub(super) fn post_status(k: &Kubelet, api: &mut ApiServer) {
    let Some(node) = api.store.get::<Node>("", &k.node_name).cloned() else {
        return;
    };
    let now = api.time();
    let mut n = (*node).clone();
    for (type_, status, reason, message) in HEALTHY {
        match n.status.conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(c) => {
                if c.status != status {
                    c.last_transition_time = Some(now);
                }
                c.status = status.to_string();
                c.reason = reason.to_string();
                c.message = message.to_string();
                c.last_heartbeat_time = Some(now);
            }
            None => n.status.conditions.push(NodeCondition {
                type_: type_.to_string(),
                status: status.to_string(),
                last_heartbeat_time: Some(now),
                last_transition_time: Some(now),
                reason: reason.to_string(),
                message: message.to_string(),
            }),
        }
    }
    let _ = api.write_status(n);
}

pub(super) fn register(k: &Kubelet, api: &mut ApiServer) {
    // A restarted kubelet finds its Node and reports in.
    if api.store.get::<Node>("", &k.node_name).is_some() {
        post_status(k, api);
        return;
    }
    let cfg = &k.config;
    let mut labels: BTreeMap<String, String> = [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/os", "linux"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    labels.insert("kubernetes.io/hostname".to_string(), cfg.name.clone());
    for (key, value) in &cfg.labels {
        labels.insert(key.clone(), value.clone());
    }
    let vtep_mac = {
        let h = crate::sim::rng::fnv(cfg.name.as_bytes());
        let b: Vec<String> = (0..6)
            .map(|i| {
                let byte = (h >> (i * 8)) as u8;
                // A locally administered unicast address, as the kernel
                // gives a vxlan device.
                let byte = if i == 0 { (byte | 0x02) & 0xfe } else { byte };
                format!("{byte:02x}")
            })
            .collect();
        b.join(":")
    };
    let node_ip = node_ip(k.index);
    // kubeadm's annotations, and those flanneld sets on its node at start.
    let flannel = [
        (
            "flannel.alpha.coreos.com/backend-data".to_string(),
            format!("{{\"VNI\":1,\"VtepMAC\":\"{vtep_mac}\"}}"),
        ),
        (
            "flannel.alpha.coreos.com/backend-type".to_string(),
            "vxlan".to_string(),
        ),
        (
            "flannel.alpha.coreos.com/kube-subnet-manager".to_string(),
            "true".to_string(),
        ),
        (
            "flannel.alpha.coreos.com/public-ip".to_string(),
            node_ip.clone(),
        ),
    ];
    let mut annotations: BTreeMap<String, String> = [
        (
            "kubeadm.alpha.kubernetes.io/cri-socket",
            "unix:///var/run/containerd/containerd.sock",
        ),
        ("node.alpha.kubernetes.io/ttl", "0"),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    annotations.extend(flannel);
    let now = api.time();
    let cpu = Quantity::from_millis(cfg.cpu_millis as i64);
    // The kubelet reserves a little memory for the system.
    let memory = cfg.memory_bytes;
    let allocatable_memory = memory.saturating_sub(100 * 1024 * 1024);
    let storage = 20 * 1024 * 1024 * 1024u64;
    let mut capacity = BTreeMap::new();
    capacity.insert("cpu".to_string(), cpu);
    capacity.insert("ephemeral-storage".to_string(), kib(storage));
    capacity.insert("hugepages-1Gi".to_string(), Quantity::default());
    capacity.insert("hugepages-2Mi".to_string(), Quantity::default());
    capacity.insert("memory".to_string(), kib(memory));
    capacity.insert(
        "pods".to_string(),
        Quantity::from_units(cfg.max_pods, Format::DecimalSI),
    );
    let mut allocatable = capacity.clone();
    allocatable.insert(
        "ephemeral-storage".to_string(),
        Quantity::from_units((storage as f64 * 0.9) as i64, Format::DecimalSI),
    );
    allocatable.insert("memory".to_string(), kib(allocatable_memory));
    let condition = |type_: &str, status: &str, reason: &str, message: &str| NodeCondition {
        type_: type_.to_string(),
        status: status.to_string(),
        last_heartbeat_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.to_string(),
        message: message.to_string(),
    };
    let node = Node {
        metadata: ObjectMeta {
            name: Some(cfg.name.clone()),
            labels,
            annotations,
            ..Default::default()
        },
        spec: NodeSpec {
            pod_cidr: pod_cidr(k.index),
            pod_cidrs: vec![pod_cidr(k.index)],
            taints: cfg
                .taints
                .iter()
                .map(|(key, value, effect)| Taint {
                    key: key.clone(),
                    value: value.clone(),
                    effect: effect.clone(),
                    time_added: None,
                })
                .collect(),
            ..Default::default()
        },
        status: NodeStatus {
            capacity,
            allocatable,
            conditions: vec![
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ],
            addresses: vec![
                NodeAddress {
                    type_: "InternalIP".to_string(),
                    address: node_ip.clone(),
                },
                NodeAddress {
                    type_: "Hostname".to_string(),
                    address: cfg.name.clone(),
                },
            ],
            daemon_endpoints: NodeDaemonEndpoints {
                kubelet_endpoint: DaemonEndpoint { port: 10250 },
            },
            node_info: NodeSystemInfo {
                machine_id: api.rng().hex(32),
                system_uuid: api.rng().uuid(),
                boot_id: api.rng().uuid(),
                kernel_version: "5.15.0-126-generic".to_string(),
                os_image: "Ubuntu 22.04.5 LTS".to_string(),
                container_runtime_version: CONTAINER_RUNTIME.to_string(),
                kubelet_version: KUBE_VERSION.to_string(),
                kube_proxy_version: KUBE_VERSION.to_string(),
                operating_system: "linux".to_string(),
                architecture: "amd64".to_string(),
            },
            ..Default::default()
        },
    };
    let _ = api.create(node, &WriteOptions::default());
}
