//! core/v1 Node.

use std::collections::BTreeMap;

use podlab_macros::Api;

use crate::api::meta::ObjectMeta;
use crate::api::quantity::Quantity;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::*;
use crate::impl_meta;
use crate::util::sort;
use crate::value::Value;

/// A worker machine in the cluster.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Node")]
pub struct Node {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Desired behaviour of the node.
    pub spec: NodeSpec,
    /// Most recently observed status of the node.
    pub status: NodeStatus,
}

/// How a node should behave.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeSpec {
    /// Pod IP range assigned to the node.
    #[api(rename = "podCIDR", omitempty)]
    pub pod_cidr: String,
    /// Pod IP ranges assigned to the node.
    #[api(rename = "podCIDRs")]
    pub pod_cidrs: Vec<String>,
    /// ID of the node in the cloud provider.
    #[api(rename = "providerID", omitempty)]
    pub provider_id: String,
    /// Whether new pods may be scheduled here (false once cordoned).
    #[api(omitempty)]
    pub unschedulable: bool,
    /// Taints that repel pods that do not tolerate them.
    pub taints: Vec<Taint>,
    /// Deprecated dynamic kubelet configuration.
    pub config_source: Option<Value>,
    /// Deprecated.
    #[api(rename = "externalID", omitempty)]
    pub external_id: String,
}

/// A taint on a node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Taint {
    /// Taint key.
    #[api(always, required)]
    pub key: String,
    /// Taint value.
    #[api(omitempty)]
    pub value: String,
    /// NoSchedule, PreferNoSchedule or NoExecute.
    #[api(always, required)]
    pub effect: String,
    /// When a NoExecute taint was added.
    pub time_added: Option<Time>,
}

impl Taint {
    /// `key=value:Effect` (or `key:Effect`), as kubectl prints taints.
    pub fn to_spec_string(&self) -> String {
        if self.value.is_empty() {
            format!("{}:{}", self.key, self.effect)
        } else {
            format!("{}={}:{}", self.key, self.value, self.effect)
        }
    }
}

/// Observed state of a node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeStatus {
    /// Total resources of the node.
    pub capacity: BTreeMap<String, Quantity>,
    /// Resources available for scheduling.
    pub allocatable: BTreeMap<String, Quantity>,
    /// Deprecated.
    #[api(omitempty)]
    pub phase: String,
    /// Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.
    pub conditions: Vec<NodeCondition>,
    /// Addresses of the node.
    pub addresses: Vec<NodeAddress>,
    /// Endpoints of daemons running on the node.
    #[api(always)]
    pub daemon_endpoints: NodeDaemonEndpoints,
    /// General information about the node.
    #[api(always)]
    pub node_info: NodeSystemInfo,
    /// Container images on the node.
    pub images: Vec<ContainerImage>,
    /// Volumes in use.
    pub volumes_in_use: Vec<String>,
    /// Volumes attached.
    pub volumes_attached: Vec<Value>,
    /// Deprecated.
    pub config: Option<Value>,
    /// Runtime handlers available.
    pub runtime_handlers: Vec<Value>,
    /// Features supported by the node.
    pub features: Option<Value>,
}

/// A condition of a node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeCondition {
    /// Type of the condition.
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// True, False or Unknown.
    #[api(always, required)]
    pub status: String,
    /// Last time the condition was reported.
    #[api(always)]
    pub last_heartbeat_time: Option<Time>,
    /// Last time the condition changed status.
    #[api(always)]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason.
    #[api(omitempty)]
    pub reason: String,
    /// Human-readable detail.
    #[api(omitempty)]
    pub message: String,
}

/// An address of a node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeAddress {
    /// Hostname, InternalIP, ExternalIP, …
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// The address.
    #[api(always, required)]
    pub address: String,
}

/// Ports of the node's daemons.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeDaemonEndpoints {
    /// Port the kubelet listens on.
    #[api(always)]
    pub kubelet_endpoint: DaemonEndpoint,
}

/// A daemon's port.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DaemonEndpoint {
    /// Port number.
    #[api(rename = "Port", always, required)]
    pub port: i32,
}

/// Versions and identity of the node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeSystemInfo {
    /// Machine ID.
    #[api(rename = "machineID", always)]
    pub machine_id: String,
    /// System UUID.
    #[api(rename = "systemUUID", always)]
    pub system_uuid: String,
    /// Boot ID.
    #[api(rename = "bootID", always)]
    pub boot_id: String,
    /// Kernel version.
    #[api(always)]
    pub kernel_version: String,
    /// OS image.
    #[api(always)]
    pub os_image: String,
    /// Container runtime version.
    #[api(always)]
    pub container_runtime_version: String,
    /// Kubelet version.
    #[api(always)]
    pub kubelet_version: String,
    /// Kube-proxy version.
    #[api(always)]
    pub kube_proxy_version: String,
    /// Operating system.
    #[api(always)]
    pub operating_system: String,
    /// Architecture.
    #[api(always)]
    pub architecture: String,
}

/// An image present on a node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerImage {
    /// Names of the image.
    pub names: Vec<String>,
    /// Size in bytes.
    #[api(omitempty)]
    pub size_bytes: i64,
}

pub static NODE_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Node",
    plural: "nodes",
    singular: "node",
    short_names: &["no"],
    namespaced: false,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Node {
    pub fn name(&self) -> &str {
        self.metadata.name()
    }

    pub fn condition(&self, type_: &str) -> Option<&NodeCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// `Ready`, `NotReady` or `Unknown` from the Ready condition.
    pub fn ready_status(&self) -> &'static str {
        match self.condition("Ready").map(|c| c.status.as_str()) {
            Some("True") => "Ready",
            Some("False") => "NotReady",
            _ => "Unknown",
        }
    }

    /// Roles from `node-role.kubernetes.io/<role>` labels (and the legacy
    /// `kubernetes.io/role` label), sorted.
    pub fn roles(&self) -> Vec<String> {
        let mut roles: Vec<String> = self
            .metadata
            .labels
            .iter()
            .filter_map(|(k, v)| {
                if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                    Some(role.to_string())
                } else if k == "kubernetes.io/role" {
                    Some(v.clone())
                } else {
                    None
                }
            })
            .filter(|r| !r.is_empty())
            .collect();
        sort::sort(&mut roles);
        roles.dedup();
        roles
    }
}

impl Resource for Node {
    const INFO: &'static ResourceInfo = &NODE_INFO;
    impl_meta!();

    fn prepare_for_create(&mut self) {
        // Node status is written by the kubelet, which creates its own Node;
        // a user-created node keeps what it says.
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, false, validate_subdomain);
        errs.extend(validate_taints(&self.spec.taints));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_taints(&self.spec.taints));
        if !old.spec.pod_cidr.is_empty() && self.spec.pod_cidr != old.spec.pod_cidr {
            errs.push(FieldErr::forbidden(
                Path::root("spec").child("podCIDR"),
                "node updates may not change podCIDR except from \"\" to valid",
            ));
        }
        errs
    }
}

fn validate_taints(taints: &[Taint]) -> FieldErrs {
    let mut errs = Vec::new();
    let path = Path::root("spec").child("taints");
    let mut seen = Vec::new();
    for (i, t) in taints.iter().enumerate() {
        let p = path.index(i);
        for msg in qualified_name_errors(&t.key) {
            errs.push(FieldErr::invalid(p.child("key"), t.key.as_str(), &msg));
        }
        if !matches!(
            t.effect.as_str(),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute"
        ) {
            if t.effect.is_empty() {
                errs.push(FieldErr::required(p.child("effect"), ""));
            } else {
                errs.push(FieldErr::not_supported(
                    p.child("effect"),
                    t.effect.as_str(),
                    &["NoExecute", "NoSchedule", "PreferNoSchedule"],
                ));
            }
        }
        let key = (t.key.clone(), t.effect.clone());
        if seen.contains(&key) {
            errs.push(FieldErr::duplicate(p, format!("{}:{}", t.key, t.effect)));
        } else {
            seen.push(key);
        }
    }
    errs
}
