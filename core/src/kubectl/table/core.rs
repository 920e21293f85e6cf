//! core/v1 and discovery tables: Nodes, Namespaces, Services, Endpoints,
//! EndpointSlices, ConfigMaps, Secrets and ServiceAccounts.

use std::collections::BTreeSet;

use super::format::{format_labels, join_host_port, node_roles, since};
use super::{col, wide, Column, NAME};
use crate::api::corev1::{
    ConfigMap, Endpoints, Namespace, Node, Secret, Service, ServiceAccount, ServiceType,
};
use crate::api::discovery::EndpointSlice;
use crate::value::Value;

pub(super) const NODE_COLUMNS: &[Column] = &[
    NAME,
    col("STATUS"),
    col("ROLES"),
    col("AGE"),
    col("VERSION"),
    wide("INTERNAL-IP"),
    wide("EXTERNAL-IP"),
    wide("OS-IMAGE"),
    wide("KERNEL-VERSION"),
    wide("CONTAINER-RUNTIME"),
];

pub(super) const NAMESPACE_COLUMNS: &[Column] = &[NAME, col("STATUS"), col("AGE")];

pub(super) const SERVICE_COLUMNS: &[Column] = &[
    NAME,
    col("TYPE"),
    col("CLUSTER-IP"),
    col("EXTERNAL-IP"),
    col("PORT(S)"),
    col("AGE"),
    wide("SELECTOR"),
];

pub(super) const ENDPOINTS_COLUMNS: &[Column] = &[NAME, col("ENDPOINTS"), col("AGE")];

pub(super) const ENDPOINT_SLICE_COLUMNS: &[Column] = &[
    NAME,
    col("ADDRESSTYPE"),
    col("PORTS"),
    col("ENDPOINTS"),
    col("AGE"),
];

pub(super) const CONFIG_MAP_COLUMNS: &[Column] = &[NAME, col("DATA"), col("AGE")];

pub(super) const SECRET_COLUMNS: &[Column] = &[NAME, col("TYPE"), col("DATA"), col("AGE")];

pub(super) const SERVICE_ACCOUNT_COLUMNS: &[Column] = &[NAME, col("SECRETS"), col("AGE")];

/// The STATUS column of a node: the Ready condition (any status but True
/// reads `NotReady`), `Unknown` without one, then `SchedulingDisabled` for
/// a cordoned node.
pub fn node_status(node: &Node) -> String {
    let mut parts: Vec<&str> = Vec::new();
    // Later conditions of the same type replace earlier ones, as upstream's
    // map does.
    match node
        .status
        .conditions
        .iter()
        .rev()
        .find(|c| c.type_ == "Ready")
    {
        Some(c) if c.status == "True" => parts.push("Ready"),
        Some(_) => parts.push("NotReady"),
        None => parts.push("Unknown"),
    }
    if node.spec.unschedulable {
        parts.push("SchedulingDisabled");
    }
    parts.join(",")
}

fn node_address(node: &Node, type_: &str) -> String {
    node.status
        .addresses
        .iter()
        .find(|a| a.type_ == type_)
        .map(|a| a.address.clone())
        .unwrap_or_else(|| "<none>".to_string())
}

fn or_unknown(s: &str) -> String {
    if s.is_empty() {
        "<unknown>".to_string()
    } else {
        s.to_string()
    }
}

pub(super) fn node_cells(node: &Node, now_ms: i64) -> Vec<String> {
    let roles = node_roles(&node.metadata.labels);
    let info = &node.status.node_info;
    vec![
        node.metadata.name().to_string(),
        node_status(node),
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        },
        since(now_ms, node.metadata.creation_timestamp),
        info.kubelet_version.clone(),
        node_address(node, "InternalIP"),
        node_address(node, "ExternalIP"),
        or_unknown(&info.os_image),
        or_unknown(&info.kernel_version),
        or_unknown(&info.container_runtime_version),
    ]
}

pub(super) fn namespace_cells(ns: &Namespace, now_ms: i64) -> Vec<String> {
    vec![
        ns.metadata.name().to_string(),
        ns.status.phase.clone(),
        since(now_ms, ns.metadata.creation_timestamp),
    ]
}

/// The IPs (or, lacking one, host names) of load-balancer ingress points,
/// sorted and unique. The server prints tables with all wide cells, so the
/// 16-character clipping upstream keeps for narrow output never applies.
fn load_balancer_ips(ingress: &[Value]) -> Vec<String> {
    let mut set = BTreeSet::new();
    for i in ingress {
        let field = |k: &str| i.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        if let Some(v) = field("ip").or_else(|| field("hostname")) {
            set.insert(v.to_string());
        }
    }
    set.into_iter().collect()
}

/// The EXTERNAL-IP column (`getServiceExternalIP`).
pub fn service_external_ip(svc: &Service) -> String {
    let external = &svc.spec.external_ips;
    match &svc.spec.type_ {
        ServiceType::ClusterIp | ServiceType::NodePort => {
            if external.is_empty() {
                "<none>".to_string()
            } else {
                external.join(",")
            }
        }
        ServiceType::LoadBalancer => {
            let mut ips = load_balancer_ips(&svc.status.load_balancer.ingress);
            if !external.is_empty() {
                ips.extend(external.iter().cloned());
                return ips.join(",");
            }
            if ips.is_empty() {
                "<pending>".to_string()
            } else {
                ips.join(",")
            }
        }
        ServiceType::ExternalName => svc.spec.external_name.clone(),
        ServiceType::Other(_) => "<unknown>".to_string(),
    }
}

/// The PORT(S) column (`makePortString`).
pub fn service_ports(svc: &Service) -> String {
    let ports: Vec<String> = svc
        .spec
        .ports
        .iter()
        .map(|p| {
            if p.node_port > 0 {
                format!("{}:{}/{}", p.port, p.node_port, p.protocol.as_str())
            } else {
                format!("{}/{}", p.port, p.protocol.as_str())
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".to_string()
    } else {
        ports.join(",")
    }
}

pub(super) fn service_cells(svc: &Service, now_ms: i64) -> Vec<String> {
    vec![
        svc.metadata.name().to_string(),
        svc.spec.type_.as_str().to_string(),
        svc.spec
            .cluster_ips
            .first()
            .cloned()
            .unwrap_or_else(|| "<none>".to_string()),
        service_external_ip(svc),
        service_ports(svc),
        since(now_ms, svc.metadata.creation_timestamp),
        format_labels(&svc.spec.selector),
    ]
}

const MAX_SHOWN: usize = 3;

/// The ENDPOINTS column (`formatEndpoints`): ready addresses only, times
/// each port, at most three and then ` + N more...`. A subset whose
/// addresses are all not ready gives an empty cell.
pub fn format_endpoints(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".to_string();
    }
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for ss in &ep.subsets {
        if ss.ports.is_empty() {
            // Headless services may have no ports.
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX_SHOWN {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for port in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == MAX_SHOWN {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, &port.port.to_string()));
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX_SHOWN)
    } else {
        joined
    }
}

pub(super) fn endpoints_cells(ep: &Endpoints, now_ms: i64) -> Vec<String> {
    vec![
        ep.metadata.name().to_string(),
        format_endpoints(ep),
        since(now_ms, ep.metadata.creation_timestamp),
    ]
}

/// `listWithMoreString`: `<unset>` for an empty list.
fn list_with_more(list: &[String], more: bool, count: usize) -> String {
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count.saturating_sub(MAX_SHOWN))
    } else if joined.is_empty() {
        "<unset>".to_string()
    } else {
        joined
    }
}

pub(super) fn endpoint_slice_cells(eps: &EndpointSlice, now_ms: i64) -> Vec<String> {
    let mut ports = Vec::new();
    let mut more = false;
    let mut count = 0;
    for p in eps.ports.iter().flatten() {
        if ports.len() < MAX_SHOWN {
            ports.push(match (p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "*".to_string(),
            });
        } else {
            more = true;
        }
        count += 1;
    }
    let ports = list_with_more(&ports, more, count);

    let mut addrs = Vec::new();
    let mut more = false;
    let mut count = 0;
    for e in eps.endpoints.iter().flatten() {
        for a in &e.addresses {
            if addrs.len() < MAX_SHOWN {
                addrs.push(a.clone());
            } else {
                more = true;
            }
            count += 1;
        }
    }
    vec![
        eps.metadata.name().to_string(),
        eps.address_type.as_str().to_string(),
        ports,
        list_with_more(&addrs, more, count),
        since(now_ms, eps.metadata.creation_timestamp),
    ]
}

pub(super) fn config_map_cells(cm: &ConfigMap, now_ms: i64) -> Vec<String> {
    vec![
        cm.metadata.name().to_string(),
        (cm.data.len() + cm.binary_data.len()).to_string(),
        since(now_ms, cm.metadata.creation_timestamp),
    ]
}

/// The keys a secret holds: `stringData` is merged into `data` on write.
pub(crate) fn secret_keys(secret: &Secret) -> BTreeSet<&str> {
    secret
        .data
        .keys()
        .chain(secret.string_data.keys())
        .map(String::as_str)
        .collect()
}

pub(super) fn secret_cells(secret: &Secret, now_ms: i64) -> Vec<String> {
    vec![
        secret.metadata.name().to_string(),
        secret.type_.clone(),
        secret_keys(secret).len().to_string(),
        since(now_ms, secret.metadata.creation_timestamp),
    ]
}

pub(super) fn service_account_cells(sa: &ServiceAccount, now_ms: i64) -> Vec<String> {
    vec![
        sa.metadata.name().to_string(),
        sa.secrets.len().to_string(),
        since(now_ms, sa.metadata.creation_timestamp),
    ]
}
