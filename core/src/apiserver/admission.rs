//! Admission on create (the plugins a kubeadm cluster enables by default)
//! and the Service IP and node-port allocators.

use std::any::Any;
use std::collections::BTreeSet;

use super::{ApiError, ApiServer};
use crate::api::corev1::{
    ConfigMapProjection, DownwardApiProjection, DownwardApiVolumeFile, KeyToPath,
    ObjectFieldSelector, PersistentVolume, PersistentVolumeClaim, Pod, ProjectedVolumeSource,
    Service, ServiceAccount, ServiceAccountTokenProjection, ServiceType, Toleration, Volume,
    VolumeMount, VolumeProjection,
};
use crate::api::resource::Resource;
use crate::api::validation::{BadValue, FieldErr, Path};
use crate::net::{format_ipv4, parse_ipv4, Cidr};
use crate::store::Stored;

/// kubeadm's Service range; 10.96.0.1 is the `kubernetes` Service and
/// 10.96.0.10 is cluster DNS.
pub const SERVICE_CIDR: &str = "10.96.0.0/12";
pub const NODE_PORT_MIN: i32 = 30000;
pub const NODE_PORT_MAX: i32 = 32767;

/// Addresses and ports handed out to Services.
#[derive(Default)]
pub struct Allocators {
    cluster_ips: BTreeSet<u32>,
    node_ports: BTreeSet<i32>,
}

/// Frees what a removed object held.
pub(super) fn released<T: Stored>(api: &mut ApiServer, obj: &T) {
    if let Some(svc) = (obj as &dyn Any).downcast_ref::<Service>() {
        api.admission.release_service(svc);
    }
}

impl Allocators {
    fn release_service(&mut self, svc: &Service) {
        for ip in &svc.spec.cluster_ips {
            if let Some(ip) = parse_ipv4(ip) {
                self.cluster_ips.remove(&ip);
            }
        }
        for p in &svc.spec.ports {
            self.node_ports.remove(&p.node_port);
        }
    }
}

const SA_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Mutating admission before validation.
pub(super) fn admit_create<T: Stored>(api: &mut ApiServer, obj: &mut T) -> Result<(), ApiError> {
    let any = obj as &mut dyn Any;
    if let Some(pod) = any.downcast_mut::<Pod>() {
        admit_pod(api, pod)?;
    } else if let Some(pvc) = any.downcast_mut::<PersistentVolumeClaim>() {
        admit_pvc(api, pvc);
    } else if let Some(pv) = any.downcast_mut::<PersistentVolume>() {
        if !pv
            .metadata
            .finalizers
            .iter()
            .any(|f| f == "kubernetes.io/pv-protection")
        {
            pv.metadata
                .finalizers
                .push("kubernetes.io/pv-protection".to_string());
        }
    }
    Ok(())
}

fn admit_pod(api: &mut ApiServer, pod: &mut Pod) -> Result<(), ApiError> {
    // ServiceAccount admission leaves a kubelet's mirror pods alone.
    if pod
        .metadata
        .annotations
        .contains_key("kubernetes.io/config.mirror")
    {
        admit_pod_common(pod);
        return Ok(());
    }
    // ServiceAccount admission.
    if pod.spec.service_account_name.is_empty() {
        pod.spec.service_account_name = "default".to_string();
    }
    pod.spec.service_account = pod.spec.service_account_name.clone();
    let ns = pod.metadata.namespace().to_string();
    let sa_name = pod.spec.service_account_name.clone();
    let sa = api.store.get::<ServiceAccount>(&ns, &sa_name).cloned();
    let Some(sa) = sa else {
        return Err(ApiError::forbidden(
            Pod::INFO,
            pod.metadata.name(),
            &format!(
                "error looking up service account {ns}/{sa_name}: serviceaccount \"{sa_name}\" not found"
            ),
        ));
    };
    let automount = pod
        .spec
        .automount_service_account_token
        .or(sa.automount_service_account_token)
        .unwrap_or(true);
    let has_mount = |mounts: &[VolumeMount]| mounts.iter().any(|m| m.mount_path == SA_MOUNT_PATH);
    if automount {
        let volume_name = format!("kube-api-access-{}", api.rng().name_suffix(5));
        let mut added = false;
        for c in pod
            .spec
            .init_containers
            .iter_mut()
            .chain(pod.spec.containers.iter_mut())
        {
            if !has_mount(&c.volume_mounts) {
                c.volume_mounts.push(VolumeMount {
                    name: volume_name.clone(),
                    read_only: true,
                    mount_path: SA_MOUNT_PATH.to_string(),
                    ..Default::default()
                });
                added = true;
            }
        }
        if added {
            pod.spec.volumes.push(token_volume(volume_name));
        }
    }
    admit_pod_common(pod);
    Ok(())
}

/// The system PriorityClasses every cluster has.
fn system_priority(class: &str) -> Option<i32> {
    match class {
        "system-node-critical" => Some(2_000_001_000),
        "system-cluster-critical" => Some(2_000_000_000),
        _ => None,
    }
}

fn admit_pod_common(pod: &mut Pod) {
    // DefaultTolerationSeconds.
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = pod.spec.tolerations.iter().any(|t| {
            (t.key == key || (t.key.is_empty() && t.operator == "Exists"))
                && (t.effect.is_empty() || t.effect == "NoExecute")
        });
        if !tolerated {
            pod.spec.tolerations.push(Toleration {
                key: key.to_string(),
                operator: "Exists".to_string(),
                effect: "NoExecute".to_string(),
                toleration_seconds: Some(300),
                ..Default::default()
            });
        }
    }
    // Priority admission: only the system classes exist, so everything
    // else runs at priority 0 with the default preemption policy.
    if pod.spec.priority.is_none() {
        pod.spec.priority = Some(system_priority(&pod.spec.priority_class_name).unwrap_or(0));
    }
    if pod.spec.preemption_policy.is_none() {
        pod.spec.preemption_policy = Some("PreemptLowerPriority".to_string());
    }
}

/// The projected volume the ServiceAccount admission plugin adds.
fn token_volume(name: String) -> Volume {
    Volume {
        name,
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(0o644),
            sources: vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".to_string(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".to_string(),
                        items: vec![KeyToPath {
                            key: "ca.crt".to_string(),
                            path: "ca.crt".to_string(),
                            mode: None,
                        }],
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardApiProjection {
                        items: vec![DownwardApiVolumeFile {
                            path: "namespace".to_string(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: "v1".to_string(),
                                field_path: "metadata.namespace".to_string(),
                            }),
                            ..Default::default()
                        }],
                    }),
                    ..Default::default()
                },
            ],
        }),
        ..Default::default()
    }
}

fn admit_pvc(api: &mut ApiServer, pvc: &mut PersistentVolumeClaim) {
    if pvc.spec.storage_class_name.is_none() {
        if let Some(default) = api.default_storage_class() {
            pvc.spec.storage_class_name = Some(default);
        }
    }
    if !pvc
        .metadata
        .finalizers
        .iter()
        .any(|f| f == "kubernetes.io/pvc-protection")
    {
        pvc.metadata
            .finalizers
            .push("kubernetes.io/pvc-protection".to_string());
    }
}

/// Allocates Service addresses and node ports (after validation, as the
/// Service REST storage does).
pub(super) fn allocate<T: Stored>(
    api: &mut ApiServer,
    obj: &mut T,
    dry_run: bool,
) -> Result<(), ApiError> {
    let Some(svc) = (obj as &mut dyn Any).downcast_mut::<Service>() else {
        return Ok(());
    };
    let name = svc.metadata.name().to_string();
    let range = Cidr::parse(SERVICE_CIDR).expect("static CIDR");
    let t = svc.service_type();
    if t != ServiceType::ExternalName {
        svc.spec.ip_families = vec!["IPv4".to_string()];
        if svc.spec.ip_family_policy.is_none() {
            svc.spec.ip_family_policy = Some("SingleStack".to_string());
        }
        if svc.spec.cluster_ip == "None" {
            svc.spec.cluster_ips = vec!["None".to_string()];
        } else {
            let requested = if svc.spec.cluster_ip.is_empty() {
                svc.spec.cluster_ips.first().cloned().unwrap_or_default()
            } else {
                svc.spec.cluster_ip.clone()
            };
            let ip = if requested.is_empty() {
                // Random allocation from the upper part of the range, as
                // the real allocator prefers; the lower part is for static
                // addresses such as 10.96.0.1 and 10.96.0.10.
                let size = range.size();
                let mut found = None;
                for _ in 0..64 {
                    let n = 16 + api.rng().below(size - 17);
                    let candidate = range.nth(n).unwrap_or(range.base);
                    if !api.admission.cluster_ips.contains(&candidate) {
                        found = Some(candidate);
                        break;
                    }
                }
                found.ok_or_else(|| {
                    ApiError::new(
                        super::Reason::InternalError,
                        "Internal error occurred: failed to allocate a serviceIP: range is full",
                    )
                })?
            } else {
                let parsed = parse_ipv4(&requested).filter(|ip| range.contains(*ip));
                let Some(ip) = parsed else {
                    return Err(ApiError::invalid(
                        Service::INFO,
                        &name,
                        vec![FieldErr::invalid(
                            Path::root("spec").child("clusterIPs"),
                            BadValue::Raw(format!("[]string{{\"{requested}\"}}")),
                            &format!(
                                "failed to allocate IP {requested}: provided IP is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                            ),
                        )],
                    ));
                };
                if api.admission.cluster_ips.contains(&ip) {
                    return Err(ApiError::invalid(
                        Service::INFO,
                        &name,
                        vec![FieldErr::invalid(
                            Path::root("spec").child("clusterIPs"),
                            BadValue::Raw(format!("[]string{{\"{requested}\"}}")),
                            &format!("failed to allocate IP {requested}: provided IP is already allocated"),
                        )],
                    ));
                }
                ip
            };
            if !dry_run {
                api.admission.cluster_ips.insert(ip);
            }
            svc.spec.cluster_ip = format_ipv4(ip);
            svc.spec.cluster_ips = vec![svc.spec.cluster_ip.clone()];
        }
    }
    let wants_node_ports = match t {
        ServiceType::NodePort => true,
        ServiceType::LoadBalancer => svc.spec.allocate_load_balancer_node_ports != Some(false),
        _ => false,
    };
    if wants_node_ports {
        for i in 0..svc.spec.ports.len() {
            let requested = svc.spec.ports[i].node_port;
            let port = if requested == 0 {
                let span = (NODE_PORT_MAX - NODE_PORT_MIN + 1) as u64;
                let mut found = None;
                for _ in 0..256 {
                    let p = NODE_PORT_MIN + api.rng().below(span) as i32;
                    if !api.admission.node_ports.contains(&p) {
                        found = Some(p);
                        break;
                    }
                }
                found.unwrap_or(NODE_PORT_MIN)
            } else if api.admission.node_ports.contains(&requested) {
                return Err(ApiError::invalid(
                    Service::INFO,
                    &name,
                    vec![FieldErr::invalid(
                        Path::root("spec").child("ports").index(i).child("nodePort"),
                        requested,
                        "provided port is already allocated",
                    )],
                ));
            } else {
                requested
            };
            if !dry_run {
                api.admission.node_ports.insert(port);
            }
            svc.spec.ports[i].node_port = port;
        }
    }
    Ok(())
}

impl ApiServer {
    /// The StorageClass marked default, if any (the newest wins when
    /// several are, as the admission plugin picks).
    pub fn default_storage_class(&self) -> Option<String> {
        self.store
            .table::<crate::api::storagev1::StorageClass>()
            .iter()
            .filter(|(_, _, sc)| sc.is_default_class())
            .max_by_key(|(_, name, sc)| (sc.metadata.creation_timestamp, *name))
            .map(|(_, name, _)| name.to_string())
    }

    /// Reserves a static Service IP (the `kubernetes` and DNS Services).
    pub fn reserve_cluster_ip(&mut self, ip: &str) {
        if let Some(ip) = parse_ipv4(ip) {
            self.admission.cluster_ips.insert(ip);
        }
    }
}
