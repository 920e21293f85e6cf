//! core/v1 Pod and everything a pod spec can say.

use std::collections::BTreeMap;

use podlab_macros::Api;

use crate::api::meta::{IntOrString, LabelSelector, ObjectMeta};
use crate::api::quantity::Quantity;
use crate::api::time::Time;
use crate::string_enum;
use crate::value::Value;

/// A group of containers that run together on one node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Pod")]
pub struct Pod {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Desired behaviour of the pod.
    pub spec: PodSpec,
    /// Most recently observed status of the pod, written by the system.
    pub status: PodStatus,
}

/// A pod's desired state.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodSpec {
    /// Volumes that containers of this pod can mount.
    pub volumes: Vec<Volume>,
    /// Containers run in order, each to completion, before the app containers start.
    pub init_containers: Vec<Container>,
    /// The containers of the pod. At least one is required.
    #[api(always, required)]
    pub containers: Vec<Container>,
    /// Temporary containers added to a running pod for debugging.
    pub ephemeral_containers: Vec<EphemeralContainer>,
    /// Restart policy for all containers: Always, OnFailure or Never. Default Always.
    #[api(omitempty)]
    pub restart_policy: RestartPolicy,
    /// Seconds between the termination signal and the kill signal. Default 30.
    pub termination_grace_period_seconds: Option<i64>,
    /// Seconds the pod may be active before the system fails it.
    pub active_deadline_seconds: Option<i64>,
    /// How DNS is set up for the pod: ClusterFirst (default), ClusterFirstWithHostNet, Default or None.
    #[api(omitempty)]
    pub dns_policy: DnsPolicy,
    /// Labels a node must have for the pod to be scheduled on it.
    pub node_selector: BTreeMap<String, String>,
    /// The ServiceAccount the pod runs as.
    #[api(omitempty)]
    pub service_account_name: String,
    /// Deprecated alias of serviceAccountName.
    #[api(omitempty)]
    pub service_account: String,
    /// Whether a service account token is mounted automatically.
    pub automount_service_account_token: Option<bool>,
    /// The node the pod is bound to; set by the scheduler or by hand to skip it.
    #[api(omitempty)]
    pub node_name: String,
    /// Use the node's network namespace.
    #[api(omitempty)]
    pub host_network: bool,
    /// Use the node's PID namespace.
    #[api(rename = "hostPID", omitempty)]
    pub host_pid: bool,
    /// Use the node's IPC namespace.
    #[api(rename = "hostIPC", omitempty)]
    pub host_ipc: bool,
    /// Share one process namespace between all containers of the pod.
    pub share_process_namespace: Option<bool>,
    /// Pod-level security attributes.
    pub security_context: Option<Box<PodSecurityContext>>,
    /// Secrets used to pull images.
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// The pod's hostname. Defaults to the pod's name.
    #[api(omitempty)]
    pub hostname: String,
    /// With hostname, gives the pod the DNS name <hostname>.<subdomain>.<namespace>.svc.<cluster domain>.
    #[api(omitempty)]
    pub subdomain: String,
    /// Scheduling constraints.
    pub affinity: Option<Box<Affinity>>,
    /// The scheduler that places the pod. Default default-scheduler.
    #[api(omitempty)]
    pub scheduler_name: String,
    /// Taints the pod tolerates.
    pub tolerations: Vec<Toleration>,
    /// Extra /etc/hosts entries.
    pub host_aliases: Vec<HostAlias>,
    /// Name of the pod's PriorityClass.
    #[api(omitempty)]
    pub priority_class_name: String,
    /// Priority value, resolved from priorityClassName by admission.
    pub priority: Option<i32>,
    /// DNS parameters merged with those from dnsPolicy.
    pub dns_config: Option<Box<PodDnsConfig>>,
    /// Extra conditions that must be true for the pod to be ready.
    pub readiness_gates: Vec<PodReadinessGate>,
    /// RuntimeClass used to run the pod.
    pub runtime_class_name: Option<String>,
    /// Whether Service information is injected as environment variables. Default true.
    pub enable_service_links: Option<bool>,
    /// Never or PreemptLowerPriority (default).
    pub preemption_policy: Option<String>,
    /// Resource overhead of running the pod's sandbox.
    pub overhead: BTreeMap<String, Quantity>,
    /// How pods spread across topology domains.
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// Use the fully qualified domain name as the hostname.
    #[api(rename = "setHostnameAsFQDN")]
    pub set_hostname_as_fqdn: Option<bool>,
    /// Operating system the pod's containers need.
    pub os: Option<PodOs>,
    /// Use the host's user namespace. Default true.
    pub host_users: Option<bool>,
    /// Gates that keep the pod from being scheduled while present.
    pub scheduling_gates: Vec<PodSchedulingGate>,
    /// Dynamic resource claims the pod uses.
    pub resource_claims: Vec<PodResourceClaim>,
}

string_enum! {
    /// Restart policy of a pod's containers.
    pub enum RestartPolicy {
        Always = "Always",
        OnFailure = "OnFailure",
        Never = "Never",
    }
}

string_enum! {
    /// How a pod's DNS is configured.
    pub enum DnsPolicy {
        ClusterFirstWithHostNet = "ClusterFirstWithHostNet",
        ClusterFirst = "ClusterFirst",
        Default = "Default",
        None = "None",
    }
}

/// A container in a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Container {
    /// Name of the container, a DNS label unique within the pod.
    #[api(always, required)]
    pub name: String,
    /// Container image name.
    #[api(omitempty)]
    pub image: String,
    /// Entrypoint array, replacing the image's ENTRYPOINT. Not run in a shell.
    pub command: Vec<String>,
    /// Arguments to the entrypoint, replacing the image's CMD.
    pub args: Vec<String>,
    /// Working directory of the container.
    #[api(omitempty)]
    pub working_dir: String,
    /// Ports the container exposes (informational).
    pub ports: Vec<ContainerPort>,
    /// Sources of environment variables (ConfigMaps, Secrets).
    pub env_from: Vec<EnvFromSource>,
    /// Environment variables.
    pub env: Vec<EnvVar>,
    /// Compute resources: requests and limits.
    #[api(always)]
    pub resources: ResourceRequirements,
    /// How the container's resources may be resized.
    pub resize_policy: Vec<ContainerResizePolicy>,
    /// Only for init containers: Always makes it a sidecar that keeps running.
    pub restart_policy: Option<String>,
    /// Volumes mounted into the container's filesystem.
    pub volume_mounts: Vec<VolumeMount>,
    /// Block devices used by the container.
    pub volume_devices: Vec<VolumeDevice>,
    /// Periodic check of liveness; the container is restarted when it fails.
    pub liveness_probe: Option<Box<Probe>>,
    /// Periodic check of readiness; the pod leaves Service endpoints when it fails.
    pub readiness_probe: Option<Box<Probe>>,
    /// Check that the application has started; other probes wait for it.
    pub startup_probe: Option<Box<Probe>>,
    /// Actions run after start and before stop.
    pub lifecycle: Option<Box<Lifecycle>>,
    /// File the termination message is read from. Default /dev/termination-log.
    #[api(omitempty)]
    pub termination_message_path: String,
    /// File or FallbackToLogsOnError. Default File.
    #[api(omitempty)]
    pub termination_message_policy: String,
    /// Always, Never or IfNotPresent. Default Always for :latest, otherwise IfNotPresent.
    #[api(omitempty)]
    pub image_pull_policy: PullPolicy,
    /// Container-level security options.
    pub security_context: Option<Box<SecurityContext>>,
    /// Keep stdin open.
    #[api(omitempty)]
    pub stdin: bool,
    /// Close stdin after the first attach ends.
    #[api(omitempty)]
    pub stdin_once: bool,
    /// Allocate a TTY.
    #[api(omitempty)]
    pub tty: bool,
}

string_enum! {
    /// When the kubelet pulls an image.
    pub enum PullPolicy {
        Always = "Always",
        Never = "Never",
        IfNotPresent = "IfNotPresent",
    }
}

/// A container added to a running pod for debugging.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EphemeralContainer {
    /// Name of the ephemeral container.
    #[api(always, required)]
    pub name: String,
    /// Container image name.
    #[api(omitempty)]
    pub image: String,
    /// Entrypoint array.
    pub command: Vec<String>,
    /// Arguments to the entrypoint.
    pub args: Vec<String>,
    /// Working directory.
    #[api(omitempty)]
    pub working_dir: String,
    /// Not allowed for ephemeral containers.
    pub ports: Vec<ContainerPort>,
    /// Sources of environment variables.
    pub env_from: Vec<EnvFromSource>,
    /// Environment variables.
    pub env: Vec<EnvVar>,
    /// Not allowed for ephemeral containers.
    pub resources: Option<ResourceRequirements>,
    /// Not allowed for ephemeral containers.
    pub resize_policy: Vec<ContainerResizePolicy>,
    /// Not allowed for ephemeral containers.
    pub restart_policy: Option<String>,
    /// Volume mounts.
    pub volume_mounts: Vec<VolumeMount>,
    /// Block devices.
    pub volume_devices: Vec<VolumeDevice>,
    /// Not allowed for ephemeral containers.
    pub liveness_probe: Option<Box<Probe>>,
    /// Not allowed for ephemeral containers.
    pub readiness_probe: Option<Box<Probe>>,
    /// Not allowed for ephemeral containers.
    pub startup_probe: Option<Box<Probe>>,
    /// Not allowed for ephemeral containers.
    pub lifecycle: Option<Box<Lifecycle>>,
    /// Termination message path.
    #[api(omitempty)]
    pub termination_message_path: String,
    /// Termination message policy.
    #[api(omitempty)]
    pub termination_message_policy: String,
    /// Image pull policy.
    #[api(omitempty)]
    pub image_pull_policy: PullPolicy,
    /// Security options.
    pub security_context: Option<Box<SecurityContext>>,
    /// Keep stdin open.
    #[api(omitempty)]
    pub stdin: bool,
    /// Close stdin after the first attach ends.
    #[api(omitempty)]
    pub stdin_once: bool,
    /// Allocate a TTY.
    #[api(omitempty)]
    pub tty: bool,
    /// Container whose namespaces this one joins.
    #[api(omitempty)]
    pub target_container_name: String,
}

/// A network port of a container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerPort {
    /// IANA_SVC_NAME unique within the pod; Services can refer to the port by it.
    #[api(omitempty)]
    pub name: String,
    /// Port to expose on the host.
    #[api(omitempty)]
    pub host_port: i32,
    /// Port number on the pod's IP address.
    #[api(always, required)]
    pub container_port: i32,
    /// UDP, TCP or SCTP. Default TCP.
    #[api(omitempty)]
    pub protocol: Protocol,
    /// Host IP to bind the host port to.
    #[api(rename = "hostIP", omitempty)]
    pub host_ip: String,
}

string_enum! {
    /// A network protocol.
    pub enum Protocol {
        Tcp = "TCP",
        Udp = "UDP",
        Sctp = "SCTP",
    }
}

/// An environment variable.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EnvVar {
    /// Name of the variable.
    #[api(always, required)]
    pub name: String,
    /// Value, with $(VAR) references expanded.
    #[api(omitempty)]
    pub value: String,
    /// Source of the value when value is not given.
    pub value_from: Option<Box<EnvVarSource>>,
}

/// Where an environment variable's value comes from.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EnvVarSource {
    /// A field of the pod: metadata.name, metadata.namespace, status.podIP, spec.nodeName, …
    pub field_ref: Option<ObjectFieldSelector>,
    /// A resource of a container: limits.cpu, requests.memory, …
    pub resource_field_ref: Option<ResourceFieldSelector>,
    /// A key of a ConfigMap.
    pub config_map_key_ref: Option<ConfigMapKeySelector>,
    /// A key of a Secret.
    pub secret_key_ref: Option<SecretKeySelector>,
}

/// Selects a field of an object.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ObjectFieldSelector {
    /// Version of the schema the path is written in. Default v1.
    #[api(omitempty)]
    pub api_version: String,
    /// Path of the field to select.
    #[api(always, required)]
    pub field_path: String,
}

/// Selects a container resource.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ResourceFieldSelector {
    /// Container name; required for volumes.
    #[api(omitempty)]
    pub container_name: String,
    /// The resource: limits.cpu, requests.memory, …
    #[api(always, required)]
    pub resource: String,
    /// Unit the value is divided by; "0" means 1.
    pub divisor: Quantity,
}

/// Selects a key of a ConfigMap.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ConfigMapKeySelector {
    /// Name of the ConfigMap.
    #[api(always)]
    pub name: String,
    /// The key to select.
    #[api(always, required)]
    pub key: String,
    /// Whether the ConfigMap or key may be missing.
    pub optional: Option<bool>,
}

/// Selects a key of a Secret.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SecretKeySelector {
    /// Name of the Secret.
    #[api(always)]
    pub name: String,
    /// The key to select.
    #[api(always, required)]
    pub key: String,
    /// Whether the Secret or key may be missing.
    pub optional: Option<bool>,
}

/// A set of environment variables from a ConfigMap or Secret.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EnvFromSource {
    /// Prefix added to every key.
    #[api(omitempty)]
    pub prefix: String,
    /// The ConfigMap to read.
    pub config_map_ref: Option<ConfigMapEnvSource>,
    /// The Secret to read.
    pub secret_ref: Option<SecretEnvSource>,
}

/// A ConfigMap used as environment variables.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ConfigMapEnvSource {
    /// Name of the ConfigMap.
    #[api(always)]
    pub name: String,
    /// Whether the ConfigMap may be missing.
    pub optional: Option<bool>,
}

/// A Secret used as environment variables.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SecretEnvSource {
    /// Name of the Secret.
    #[api(always)]
    pub name: String,
    /// Whether the Secret may be missing.
    pub optional: Option<bool>,
}

/// Compute resource requests and limits.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ResourceRequirements {
    /// Maximum amounts of compute resources allowed.
    pub limits: BTreeMap<String, Quantity>,
    /// Minimum amounts of compute resources required; used for scheduling.
    pub requests: BTreeMap<String, Quantity>,
    /// Dynamic resource claims used by this container.
    pub claims: Vec<ResourceClaim>,
}

/// A reference to a pod resource claim.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ResourceClaim {
    /// Name of an entry in the pod's resourceClaims.
    #[api(always, required)]
    pub name: String,
    /// A request within the claim.
    #[api(omitempty)]
    pub request: String,
}

/// Resize policy of one resource.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerResizePolicy {
    /// cpu or memory.
    #[api(always, required)]
    pub resource_name: String,
    /// NotRequired or RestartContainer.
    #[api(always, required)]
    pub restart_policy: String,
}

/// A volume mounted into a container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeMount {
    /// Name of a volume of the pod.
    #[api(always, required)]
    pub name: String,
    /// Mount read-only.
    #[api(omitempty)]
    pub read_only: bool,
    /// Whether read-only mounts are recursively read-only.
    pub recursive_read_only: Option<String>,
    /// Path inside the container.
    #[api(always, required)]
    pub mount_path: String,
    /// Path within the volume to mount instead of its root.
    #[api(omitempty)]
    pub sub_path: String,
    /// How mounts propagate between host and container.
    pub mount_propagation: Option<String>,
    /// Like subPath, with $(VAR) expansion.
    #[api(omitempty)]
    pub sub_path_expr: String,
}

/// A raw block device mapped into a container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeDevice {
    /// Name of a persistentVolumeClaim volume of the pod.
    #[api(always, required)]
    pub name: String,
    /// Path of the device in the container.
    #[api(always, required)]
    pub device_path: String,
}

/// A health check of a container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Probe {
    /// Run a command in the container; exit status 0 is success.
    pub exec: Option<ExecAction>,
    /// HTTP GET against the container; 200 ≤ status < 400 is success.
    pub http_get: Option<HttpGetAction>,
    /// Open a TCP connection; success if it is accepted.
    pub tcp_socket: Option<TcpSocketAction>,
    /// gRPC health check.
    pub grpc: Option<GrpcAction>,
    /// Seconds after the container started before the first probe.
    #[api(omitempty)]
    pub initial_delay_seconds: i32,
    /// Seconds after which the probe times out. Default 1.
    #[api(omitempty)]
    pub timeout_seconds: i32,
    /// How often (in seconds) to probe. Default 10.
    #[api(omitempty)]
    pub period_seconds: i32,
    /// Consecutive successes needed after a failure. Default 1; must be 1 for liveness and startup.
    #[api(omitempty)]
    pub success_threshold: i32,
    /// Consecutive failures before giving up. Default 3.
    #[api(omitempty)]
    pub failure_threshold: i32,
    /// Grace period for a kill caused by this probe's failure.
    pub termination_grace_period_seconds: Option<i64>,
}

/// Run a command.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ExecAction {
    /// Command line to run, not in a shell.
    pub command: Vec<String>,
}

/// An HTTP GET request.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "HTTPGetAction")]
pub struct HttpGetAction {
    /// Path to request.
    #[api(omitempty)]
    pub path: String,
    /// Port number or name.
    #[api(always, required)]
    pub port: IntOrString,
    /// Host to connect to; defaults to the pod IP.
    #[api(omitempty)]
    pub host: String,
    /// HTTP or HTTPS. Default HTTP.
    #[api(omitempty)]
    pub scheme: String,
    /// Custom request headers.
    pub http_headers: Vec<HttpHeader>,
}

/// A custom HTTP header.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "HTTPHeader")]
pub struct HttpHeader {
    /// Header name.
    #[api(always, required)]
    pub name: String,
    /// Header value.
    #[api(always, required)]
    pub value: String,
}

/// Open a TCP connection.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "TCPSocketAction")]
pub struct TcpSocketAction {
    /// Port number or name.
    #[api(always, required)]
    pub port: IntOrString,
    /// Host to connect to; defaults to the pod IP.
    #[api(omitempty)]
    pub host: String,
}

/// A gRPC health check.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "GRPCAction")]
pub struct GrpcAction {
    /// Port number of the gRPC service.
    #[api(always, required)]
    pub port: i32,
    /// Service name passed to the health check.
    pub service: Option<String>,
}

/// Hooks run by the kubelet around a container's life.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Lifecycle {
    /// Called right after the container is created.
    pub post_start: Option<LifecycleHandler>,
    /// Called before the container is terminated.
    pub pre_stop: Option<LifecycleHandler>,
}

/// One hook action.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LifecycleHandler {
    /// Run a command in the container.
    pub exec: Option<ExecAction>,
    /// HTTP GET against the container.
    pub http_get: Option<HttpGetAction>,
    /// Deprecated; not supported as a handler.
    pub tcp_socket: Option<TcpSocketAction>,
    /// Sleep for a number of seconds.
    pub sleep: Option<SleepAction>,
}

/// Sleep for a while.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SleepAction {
    /// Seconds to sleep.
    #[api(always, required)]
    pub seconds: i64,
}

/// Container security options.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SecurityContext {
    /// Capabilities to add and drop.
    pub capabilities: Option<Capabilities>,
    /// Run in privileged mode.
    pub privileged: Option<bool>,
    /// SELinux context.
    #[api(rename = "seLinuxOptions")]
    pub se_linux_options: Option<SeLinuxOptions>,
    /// Windows-specific options.
    pub windows_options: Option<Value>,
    /// UID to run the entrypoint as.
    pub run_as_user: Option<i64>,
    /// GID to run the entrypoint as.
    pub run_as_group: Option<i64>,
    /// Refuse to start as root.
    pub run_as_non_root: Option<bool>,
    /// Mount the root filesystem read-only.
    pub read_only_root_filesystem: Option<bool>,
    /// Whether a process may gain more privileges than its parent.
    pub allow_privilege_escalation: Option<bool>,
    /// Default or Unmasked.
    pub proc_mount: Option<String>,
    /// Seccomp profile.
    pub seccomp_profile: Option<SeccompProfile>,
    /// AppArmor profile.
    pub app_armor_profile: Option<SeccompProfile>,
}

/// Linux capabilities.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Capabilities {
    /// Capabilities to add.
    pub add: Vec<String>,
    /// Capabilities to drop.
    pub drop: Vec<String>,
}

/// SELinux labels.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "SELinuxOptions")]
pub struct SeLinuxOptions {
    /// SELinux user label.
    #[api(omitempty)]
    pub user: String,
    /// SELinux role label.
    #[api(omitempty)]
    pub role: String,
    /// SELinux type label.
    #[api(rename = "type", omitempty)]
    pub type_: String,
    /// SELinux level label.
    #[api(omitempty)]
    pub level: String,
}

/// A seccomp or AppArmor profile.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SeccompProfile {
    /// RuntimeDefault, Unconfined or Localhost.
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// Profile file for Localhost.
    pub localhost_profile: Option<String>,
}

/// Pod-level security options.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodSecurityContext {
    /// SELinux context for all containers.
    #[api(rename = "seLinuxOptions")]
    pub se_linux_options: Option<SeLinuxOptions>,
    /// Windows-specific options.
    pub windows_options: Option<Value>,
    /// UID to run containers as.
    pub run_as_user: Option<i64>,
    /// GID to run containers as.
    pub run_as_group: Option<i64>,
    /// Refuse to start containers as root.
    pub run_as_non_root: Option<bool>,
    /// Extra groups for the first process of each container.
    pub supplemental_groups: Vec<i64>,
    /// Merge or Strict.
    pub supplemental_groups_policy: Option<String>,
    /// Group that owns volumes.
    pub fs_group: Option<i64>,
    /// Namespaced sysctls.
    pub sysctls: Vec<Sysctl>,
    /// OnRootMismatch or Always.
    pub fs_group_change_policy: Option<String>,
    /// Seccomp profile.
    pub seccomp_profile: Option<SeccompProfile>,
    /// AppArmor profile.
    pub app_armor_profile: Option<SeccompProfile>,
    /// How SELinux labels are applied to volumes.
    #[api(rename = "seLinuxChangePolicy")]
    pub se_linux_change_policy: Option<String>,
}

/// A kernel parameter.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Sysctl {
    /// Name of the parameter.
    #[api(always, required)]
    pub name: String,
    /// Value of the parameter.
    #[api(always, required)]
    pub value: String,
}

/// A reference to an object in the same namespace.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LocalObjectReference {
    /// Name of the referent.
    #[api(always)]
    pub name: String,
}

/// Scheduling constraints.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Affinity {
    /// Constraints on nodes.
    pub node_affinity: Option<NodeAffinity>,
    /// Co-locate with pods matching a selector.
    pub pod_affinity: Option<PodAffinity>,
    /// Keep away from pods matching a selector.
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// Node affinity rules.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeAffinity {
    /// Hard requirement: the pod is scheduled only on matching nodes.
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// Soft preference: matching nodes score higher.
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// Node selector terms, ORed.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeSelector {
    /// The terms; a node matches if any term matches.
    #[api(always, required)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// Requirements ANDed together.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Requirements on node fields (metadata.name).
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// One requirement on a node label or field.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NodeSelectorRequirement {
    /// The label key or field name.
    #[api(always, required)]
    pub key: String,
    /// In, NotIn, Exists, DoesNotExist, Gt or Lt.
    #[api(always, required)]
    pub operator: String,
    /// Values to compare with.
    pub values: Vec<String>,
}

/// A weighted node preference.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PreferredSchedulingTerm {
    /// Weight 1-100.
    #[api(always, required)]
    pub weight: i32,
    /// The term to match.
    #[api(always, required)]
    pub preference: NodeSelectorTerm,
}

/// Pod (anti-)affinity rules.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodAffinity {
    /// Hard requirements.
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// Soft preferences.
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// Pods to be near (or away from), within a topology domain.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodAffinityTerm {
    /// The pods this term is about.
    pub label_selector: Option<LabelSelector>,
    /// Namespaces to look in; default the pod's own.
    pub namespaces: Vec<String>,
    /// Node label whose equal values form a domain, e.g. kubernetes.io/hostname.
    #[api(always, required)]
    pub topology_key: String,
    /// Namespaces to look in, by label.
    pub namespace_selector: Option<LabelSelector>,
    /// Label keys whose values are copied from the incoming pod into the selector.
    pub match_label_keys: Vec<String>,
    /// Label keys whose values must differ from the incoming pod's.
    pub mismatch_label_keys: Vec<String>,
}

/// A weighted pod affinity term.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct WeightedPodAffinityTerm {
    /// Weight 1-100.
    #[api(always, required)]
    pub weight: i32,
    /// The term.
    #[api(always, required)]
    pub pod_affinity_term: PodAffinityTerm,
}

/// A taint the pod tolerates.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Toleration {
    /// Taint key; empty with operator Exists matches all taints.
    #[api(omitempty)]
    pub key: String,
    /// Exists or Equal (default).
    #[api(omitempty)]
    pub operator: String,
    /// Taint value for Equal.
    #[api(omitempty)]
    pub value: String,
    /// NoSchedule, PreferNoSchedule or NoExecute; empty matches all.
    #[api(omitempty)]
    pub effect: String,
    /// For NoExecute: how long the pod stays bound after the taint appears.
    pub toleration_seconds: Option<i64>,
}

/// An /etc/hosts entry.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct HostAlias {
    /// IP address.
    #[api(always, required)]
    pub ip: String,
    /// Hostnames for the address.
    pub hostnames: Vec<String>,
}

/// DNS settings of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "PodDNSConfig")]
pub struct PodDnsConfig {
    /// DNS server addresses.
    pub nameservers: Vec<String>,
    /// DNS search domains.
    pub searches: Vec<String>,
    /// Resolver options.
    pub options: Vec<PodDnsConfigOption>,
}

/// A resolver option.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "PodDNSConfigOption")]
pub struct PodDnsConfigOption {
    /// Option name.
    #[api(omitempty)]
    pub name: String,
    /// Option value.
    pub value: Option<String>,
}

/// An extra readiness condition.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodReadinessGate {
    /// Pod condition type to wait for.
    #[api(always, required)]
    pub condition_type: String,
}

/// How to spread pods across a topology.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct TopologySpreadConstraint {
    /// Largest allowed difference of matching pods between domains.
    #[api(always, required)]
    pub max_skew: i32,
    /// Node label that defines domains.
    #[api(always, required)]
    pub topology_key: String,
    /// DoNotSchedule or ScheduleAnyway.
    #[api(always, required)]
    pub when_unsatisfiable: String,
    /// Pods counted in each domain.
    pub label_selector: Option<LabelSelector>,
    /// Minimum number of eligible domains.
    pub min_domains: Option<i32>,
    /// Honor or Ignore node affinity when counting domains.
    pub node_affinity_policy: Option<String>,
    /// Honor or Ignore taints when counting domains.
    pub node_taints_policy: Option<String>,
    /// Label keys whose values are added to the selector.
    pub match_label_keys: Vec<String>,
}

/// Operating system of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "PodOS")]
pub struct PodOs {
    /// linux or windows.
    #[api(always, required)]
    pub name: String,
}

/// A gate on scheduling.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodSchedulingGate {
    /// Name of the gate.
    #[api(always, required)]
    pub name: String,
}

/// A dynamic resource claim of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodResourceClaim {
    /// Name of the claim within the pod.
    #[api(always, required)]
    pub name: String,
    /// Existing ResourceClaim.
    pub resource_claim_name: Option<String>,
    /// ResourceClaimTemplate to create a claim from.
    pub resource_claim_template_name: Option<String>,
}

/// A named volume of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Volume {
    /// Name of the volume, a DNS label unique within the pod.
    #[api(always, required)]
    pub name: String,
    /// A file or directory of the node.
    pub host_path: Option<HostPathVolumeSource>,
    /// A directory that lives as long as the pod.
    pub empty_dir: Option<EmptyDirVolumeSource>,
    /// A Secret's keys as files.
    pub secret: Option<SecretVolumeSource>,
    /// A ConfigMap's keys as files.
    pub config_map: Option<ConfigMapVolumeSource>,
    /// A PersistentVolumeClaim.
    pub persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
    /// Pod fields as files.
    #[api(rename = "downwardAPI")]
    pub downward_api: Option<DownwardApiVolumeSource>,
    /// Several sources in one directory.
    pub projected: Option<ProjectedVolumeSource>,
    /// An NFS export.
    pub nfs: Option<NfsVolumeSource>,
    /// A CSI driver volume.
    pub csi: Option<Value>,
    /// A volume with its own claim that lives as long as the pod.
    pub ephemeral: Option<Value>,
    /// An OCI image as a volume.
    pub image: Option<Value>,
    /// Deprecated: a git repository checkout.
    pub git_repo: Option<Value>,
    /// GCE persistent disk.
    pub gce_persistent_disk: Option<Value>,
    /// AWS EBS volume.
    pub aws_elastic_block_store: Option<Value>,
    /// iSCSI disk.
    pub iscsi: Option<Value>,
    /// Glusterfs mount.
    pub glusterfs: Option<Value>,
    /// Ceph RBD volume.
    pub rbd: Option<Value>,
    /// Flex volume driver.
    pub flex_volume: Option<Value>,
    /// Cinder volume.
    pub cinder: Option<Value>,
    /// CephFS mount.
    pub cephfs: Option<Value>,
    /// Flocker volume.
    pub flocker: Option<Value>,
    /// Fibre Channel volume.
    pub fc: Option<Value>,
    /// Azure File share.
    pub azure_file: Option<Value>,
    /// vSphere volume.
    pub vsphere_volume: Option<Value>,
    /// Quobyte volume.
    pub quobyte: Option<Value>,
    /// Azure Data Disk.
    pub azure_disk: Option<Value>,
    /// PhotonController disk.
    pub photon_persistent_disk: Option<Value>,
    /// Portworx volume.
    pub portworx_volume: Option<Value>,
    /// ScaleIO volume.
    #[api(rename = "scaleIO")]
    pub scale_io: Option<Value>,
    /// StorageOS volume.
    pub storageos: Option<Value>,
}

/// A path on the node.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct HostPathVolumeSource {
    /// Path on the node.
    #[api(always, required)]
    pub path: String,
    /// "", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice.
    #[api(rename = "type")]
    pub type_: Option<String>,
}

/// Scratch space for a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EmptyDirVolumeSource {
    /// "" (node disk) or Memory (tmpfs).
    #[api(omitempty)]
    pub medium: String,
    /// Size limit.
    pub size_limit: Option<Quantity>,
}

/// A Secret as files.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SecretVolumeSource {
    /// Name of the Secret.
    #[api(omitempty)]
    pub secret_name: String,
    /// Keys to project and their paths; default all keys.
    pub items: Vec<KeyToPath>,
    /// File mode bits. Default 0644.
    pub default_mode: Option<i32>,
    /// Whether the Secret may be missing.
    pub optional: Option<bool>,
}

/// A ConfigMap as files.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ConfigMapVolumeSource {
    /// Name of the ConfigMap.
    #[api(always)]
    pub name: String,
    /// Keys to project and their paths; default all keys.
    pub items: Vec<KeyToPath>,
    /// File mode bits. Default 0644.
    pub default_mode: Option<i32>,
    /// Whether the ConfigMap may be missing.
    pub optional: Option<bool>,
}

/// A key and the file it becomes.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct KeyToPath {
    /// The key.
    #[api(always, required)]
    pub key: String,
    /// Relative file path.
    #[api(always, required)]
    pub path: String,
    /// File mode bits.
    pub mode: Option<i32>,
}

/// A claim used as a volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PersistentVolumeClaimVolumeSource {
    /// Name of a PersistentVolumeClaim in the pod's namespace.
    #[api(always, required)]
    pub claim_name: String,
    /// Mount read-only.
    #[api(omitempty)]
    pub read_only: bool,
}

/// Pod information as files.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "DownwardAPIVolumeSource")]
pub struct DownwardApiVolumeSource {
    /// Files to create.
    pub items: Vec<DownwardApiVolumeFile>,
    /// File mode bits. Default 0644.
    pub default_mode: Option<i32>,
}

/// One downward API file.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "DownwardAPIVolumeFile")]
pub struct DownwardApiVolumeFile {
    /// Relative file path.
    #[api(always, required)]
    pub path: String,
    /// A pod field.
    pub field_ref: Option<ObjectFieldSelector>,
    /// A container resource.
    pub resource_field_ref: Option<ResourceFieldSelector>,
    /// File mode bits.
    pub mode: Option<i32>,
}

/// Several volume sources in one directory.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ProjectedVolumeSource {
    /// The sources.
    pub sources: Vec<VolumeProjection>,
    /// File mode bits. Default 0644.
    pub default_mode: Option<i32>,
}

/// One projected source.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeProjection {
    /// Secret keys.
    pub secret: Option<SecretProjection>,
    /// Downward API files.
    #[api(rename = "downwardAPI")]
    pub downward_api: Option<DownwardApiProjection>,
    /// ConfigMap keys.
    pub config_map: Option<ConfigMapProjection>,
    /// A service account token.
    pub service_account_token: Option<ServiceAccountTokenProjection>,
    /// A ClusterTrustBundle.
    pub cluster_trust_bundle: Option<Value>,
}

/// Secret keys in a projected volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct SecretProjection {
    /// Name of the Secret.
    #[api(always)]
    pub name: String,
    /// Keys and paths.
    pub items: Vec<KeyToPath>,
    /// Whether the Secret may be missing.
    pub optional: Option<bool>,
}

/// ConfigMap keys in a projected volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ConfigMapProjection {
    /// Name of the ConfigMap.
    #[api(always)]
    pub name: String,
    /// Keys and paths.
    pub items: Vec<KeyToPath>,
    /// Whether the ConfigMap may be missing.
    pub optional: Option<bool>,
}

/// Downward API files in a projected volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "DownwardAPIProjection")]
pub struct DownwardApiProjection {
    /// Files to create.
    pub items: Vec<DownwardApiVolumeFile>,
}

/// A service account token in a projected volume.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ServiceAccountTokenProjection {
    /// Intended audience of the token.
    #[api(omitempty)]
    pub audience: String,
    /// Requested lifetime in seconds. Default 3600.
    pub expiration_seconds: Option<i64>,
    /// Relative file path.
    #[api(always, required)]
    pub path: String,
}

/// An NFS export.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "NFSVolumeSource")]
pub struct NfsVolumeSource {
    /// NFS server.
    #[api(always, required)]
    pub server: String,
    /// Exported path.
    #[api(always, required)]
    pub path: String,
    /// Mount read-only.
    #[api(omitempty)]
    pub read_only: bool,
}

/// Observed state of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodStatus {
    /// Pending, Running, Succeeded, Failed or Unknown.
    #[api(omitempty)]
    pub phase: PodPhase,
    /// Current service state of the pod.
    pub conditions: Vec<PodCondition>,
    /// Human-readable detail on why the pod is in this state.
    #[api(omitempty)]
    pub message: String,
    /// Brief reason, e.g. Evicted.
    #[api(omitempty)]
    pub reason: String,
    /// Node the scheduler nominated during preemption.
    #[api(omitempty)]
    pub nominated_node_name: String,
    /// IP of the node the pod runs on.
    #[api(rename = "hostIP", omitempty)]
    pub host_ip: String,
    /// IPs of the node.
    #[api(rename = "hostIPs")]
    pub host_ips: Vec<PodIp>,
    /// IP address of the pod.
    #[api(rename = "podIP", omitempty)]
    pub pod_ip: String,
    /// IP addresses of the pod.
    #[api(rename = "podIPs")]
    pub pod_ips: Vec<PodIp>,
    /// When the kubelet acknowledged the pod.
    pub start_time: Option<Time>,
    /// Status of each init container.
    pub init_container_statuses: Vec<ContainerStatus>,
    /// Status of each app container.
    pub container_statuses: Vec<ContainerStatus>,
    /// Guaranteed, Burstable or BestEffort.
    #[api(rename = "qosClass", omitempty)]
    pub qos_class: String,
    /// Status of each ephemeral container.
    pub ephemeral_container_statuses: Vec<ContainerStatus>,
    /// State of a pending resize.
    #[api(omitempty)]
    pub resize: String,
    /// Status of resource claims.
    pub resource_claim_statuses: Vec<Value>,
}

string_enum! {
    /// A pod's lifecycle phase.
    pub enum PodPhase {
        Pending = "Pending",
        Running = "Running",
        Succeeded = "Succeeded",
        Failed = "Failed",
        Unknown = "Unknown",
    }
}

/// An IP address.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(go = "PodIP")]
pub struct PodIp {
    /// The address.
    #[api(always)]
    pub ip: String,
}

/// A condition of a pod.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodCondition {
    /// PodScheduled, PodReadyToStartContainers, Initialized, ContainersReady or Ready.
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// True, False or Unknown.
    #[api(always, required)]
    pub status: String,
    /// Last time the condition was probed.
    #[api(always)]
    pub last_probe_time: Option<Time>,
    /// Last time the condition changed status.
    #[api(always)]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[api(omitempty)]
    pub reason: String,
    /// Human-readable detail of the last transition.
    #[api(omitempty)]
    pub message: String,
}

/// Status of one container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerStatus {
    /// Name of the container.
    #[api(always, required)]
    pub name: String,
    /// Current state.
    #[api(always)]
    pub state: ContainerState,
    /// State of the previous termination.
    #[api(always)]
    pub last_state: ContainerState,
    /// Whether the container passes its readiness probe.
    #[api(always, required)]
    pub ready: bool,
    /// Times the container has been restarted.
    #[api(always, required)]
    pub restart_count: i32,
    /// Image the container runs.
    #[api(always, required)]
    pub image: String,
    /// Image ID of the running image.
    #[api(rename = "imageID", always, required)]
    pub image_id: String,
    /// Container ID as <runtime>://<id>.
    #[api(rename = "containerID", omitempty)]
    pub container_id: String,
    /// Whether the container has passed its startup probe.
    pub started: Option<bool>,
    /// Resources allocated to the container.
    pub allocated_resources: BTreeMap<String, Quantity>,
    /// Resources configured for the running container.
    pub resources: Option<ResourceRequirements>,
    /// Mounts of the running container.
    pub volume_mounts: Vec<VolumeMountStatus>,
    /// Identity of the container's first process.
    pub user: Option<Value>,
    /// Health of allocated resources.
    pub allocated_resources_status: Vec<Value>,
}

/// A container's mount as the runtime reports it.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct VolumeMountStatus {
    /// Name of the volume.
    #[api(always, required)]
    pub name: String,
    /// Path inside the container.
    #[api(always, required)]
    pub mount_path: String,
    /// Read-only mount.
    #[api(omitempty)]
    pub read_only: bool,
    /// Enabled, Disabled or IfPossible.
    pub recursive_read_only: Option<String>,
}

/// One of waiting, running or terminated.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerState {
    /// Not yet running.
    pub waiting: Option<ContainerStateWaiting>,
    /// Running.
    pub running: Option<ContainerStateRunning>,
    /// Finished.
    pub terminated: Option<ContainerStateTerminated>,
}

/// A container that is not running yet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerStateWaiting {
    /// Why it is waiting: ContainerCreating, CrashLoopBackOff, ErrImagePull, …
    #[api(omitempty)]
    pub reason: String,
    /// Details.
    #[api(omitempty)]
    pub message: String,
}

/// A running container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerStateRunning {
    /// When the container (re)started.
    #[api(always)]
    pub started_at: Option<Time>,
}

/// A finished container.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ContainerStateTerminated {
    /// Exit status of the last run.
    #[api(always, required)]
    pub exit_code: i32,
    /// Signal that ended it.
    #[api(omitempty)]
    pub signal: i32,
    /// Completed, Error, OOMKilled, …
    #[api(omitempty)]
    pub reason: String,
    /// Details.
    #[api(omitempty)]
    pub message: String,
    /// When it started.
    #[api(always)]
    pub started_at: Option<Time>,
    /// When it finished.
    #[api(always)]
    pub finished_at: Option<Time>,
    /// Container ID as <runtime>://<id>.
    #[api(rename = "containerID", omitempty)]
    pub container_id: String,
}

/// Describes a pod to create, as in controllers' templates.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct PodTemplateSpec {
    /// Metadata of the pods to create.
    pub metadata: ObjectMeta,
    /// Spec of the pods to create.
    pub spec: PodSpec,
}

impl Container {
    /// The kubelet's view of a container as an ephemeral one is the same.
    pub fn image(&self) -> &str {
        &self.image
    }
}

impl Pod {
    pub fn name(&self) -> &str {
        self.metadata.name()
    }

    pub fn namespace(&self) -> &str {
        self.metadata.namespace()
    }

    pub fn node_name(&self) -> Option<&str> {
        Some(self.spec.node_name.as_str()).filter(|n| !n.is_empty())
    }

    /// The phase; a pod the kubelet has not reported on yet is Pending.
    pub fn phase(&self) -> PodPhase {
        match &self.status.phase {
            PodPhase::Other(s) if s.is_empty() => PodPhase::Pending,
            p => p.clone(),
        }
    }

    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// Whether the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.phase(), PodPhase::Succeeded | PodPhase::Failed)
    }

    pub fn restart_policy(&self) -> RestartPolicy {
        match &self.spec.restart_policy {
            RestartPolicy::Other(s) if s.is_empty() => RestartPolicy::Always,
            p => p.clone(),
        }
    }
}
