//! Services, Endpoints and EndpointSlices.

use std::rc::Rc;

use super::{annotations_multiline, events_section, labels_multiline, Doc};
use crate::api::corev1::{Endpoints, Event, Service};
use crate::api::discovery::{EndpointSlice, SERVICE_NAME_LABEL};
use crate::api::meta::{IntOrString, ObjectMeta};
use crate::kubectl::table::format::{format_labels, join_host_port};
use crate::store::Store;
use crate::value::Value;

/// The slices labelled with the service's name, in list order.
pub(super) fn slices_of_service(store: &Store, svc: &ObjectMeta) -> Vec<Rc<EndpointSlice>> {
    store
        .table::<EndpointSlice>()
        .iter_ns(Some(svc.namespace()))
        .map(|(_, s)| s.clone())
        .filter(|s| s.metadata.label(SERVICE_NAME_LABEL) == Some(svc.name()))
        .collect()
}

const MAX_SHOWN: usize = 3;

/// `formatEndpointSlices` (v1.32+): ready endpoints of the named port. As
/// upstream, the `+ N more` flag is raised on reaching a fourth endpoint
/// before its readiness is checked, so three ready endpoints followed by a
/// not-ready one print `+ 0 more...`.
fn format_endpoint_slices(slices: &[Rc<EndpointSlice>], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for slice in slices {
        let endpoints = slice.endpoints.as_deref().unwrap_or(&[]);
        let ports = slice.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            for e in endpoints {
                if list.len() == MAX_SHOWN {
                    more = true;
                }
                if e.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    list.push(e.addresses.first().cloned().unwrap_or_default());
                }
                count += 1;
            }
            continue;
        }
        for p in ports {
            if p.name.as_deref().unwrap_or("") != port_name {
                continue;
            }
            for e in endpoints {
                if list.len() == MAX_SHOWN {
                    more = true;
                }
                if e.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    let addr = e.addresses.first().map(String::as_str).unwrap_or("");
                    list.push(join_host_port(addr, &p.port.unwrap_or(0).to_string()));
                }
                count += 1;
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count.saturating_sub(MAX_SHOWN))
    } else {
        joined
    }
}

fn ingress_list(ingress: &[Value]) -> String {
    ingress
        .iter()
        .map(|i| {
            let ip = i.get("ip").and_then(Value::as_str).unwrap_or("");
            if ip.is_empty() {
                i.get("hostname")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else {
                match i.get("ipMode").and_then(Value::as_str) {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl describe service`. `slices` are the service's EndpointSlices.
pub fn describe_service(
    svc: &Service,
    slices: &[Rc<EndpointSlice>],
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &svc.metadata;
    let spec = &svc.spec;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!("Selector:\t{}\n", format_labels(&spec.selector)),
    );
    w.write(0, &format!("Type:\t{}\n", spec.type_.as_str()));
    if let Some(p) = &spec.ip_family_policy {
        w.write(0, &format!("IP Family Policy:\t{p}\n"));
    }
    if spec.ip_families.is_empty() {
        w.write(0, "IP Families:\t<none>\n");
    } else {
        w.write(
            0,
            &format!("IP Families:\t{}\n", spec.ip_families.join(",")),
        );
    }
    w.write(0, &format!("IP:\t{}\n", spec.cluster_ip));
    if spec.cluster_ips.is_empty() {
        w.write(0, "IPs:\t<none>\n");
    } else {
        w.write(0, &format!("IPs:\t{}\n", spec.cluster_ips.join(",")));
    }
    if !spec.external_ips.is_empty() {
        w.write(
            0,
            &format!("External IPs:\t{}\n", spec.external_ips.join(",")),
        );
    }
    if !spec.load_balancer_ip.is_empty() {
        w.write(
            0,
            &format!("Desired LoadBalancer IP:\t{}\n", spec.load_balancer_ip),
        );
    }
    if !spec.external_name.is_empty() {
        w.write(0, &format!("External Name:\t{}\n", spec.external_name));
    }
    let ingress = &svc.status.load_balancer.ingress;
    if !ingress.is_empty() {
        w.write(
            0,
            &format!("LoadBalancer Ingress:\t{}\n", ingress_list(ingress)),
        );
    }
    for p in &spec.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            p.name.as_str()
        };
        let proto = p.protocol.as_str();
        w.write(0, &format!("Port:\t{name}\t{}/{proto}\n", p.port));
        // An unset target port converts to the integer zero.
        match &p.target_port {
            Some(IntOrString::String(s)) => w.write(0, &format!("TargetPort:\t{s}/{proto}\n")),
            Some(IntOrString::Int(n)) => w.write(0, &format!("TargetPort:\t{n}/{proto}\n")),
            None => w.write(0, &format!("TargetPort:\t0/{proto}\n")),
        }
        if p.node_port != 0 {
            w.write(0, &format!("NodePort:\t{name}\t{}/{proto}\n", p.node_port));
        }
        w.write(
            0,
            &format!("Endpoints:\t{}\n", format_endpoint_slices(slices, &p.name)),
        );
    }
    w.write(
        0,
        &format!("Session Affinity:\t{}\n", spec.session_affinity),
    );
    if !spec.external_traffic_policy.is_empty() {
        w.write(
            0,
            &format!(
                "External Traffic Policy:\t{}\n",
                spec.external_traffic_policy
            ),
        );
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.write(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if spec.health_check_node_port != 0 {
        w.write(
            0,
            &format!("HealthCheck NodePort:\t{}\n", spec.health_check_node_port),
        );
    }
    if !spec.load_balancer_source_ranges.is_empty() {
        w.write(
            0,
            &format!(
                "LoadBalancer Source Ranges:\t{}\n",
                spec.load_balancer_source_ranges.join(",")
            ),
        );
    }
    if let Some(t) = spec
        .traffic_distribution
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        w.write(0, &format!("Traffic Distribution:\t{t}\n"));
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe endpoints`.
pub fn describe_endpoints(ep: &Endpoints, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = &ep.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(0, "Subsets:\n");
    for ss in &ep.subsets {
        let ips = |list: &[crate::api::corev1::EndpointAddress]| {
            let joined = list
                .iter()
                .map(|a| a.ip.as_str())
                .collect::<Vec<_>>()
                .join(",");
            if joined.is_empty() {
                "<none>".to_string()
            } else {
                joined
            }
        };
        w.write(1, &format!("Addresses:\t{}\n", ips(&ss.addresses)));
        w.write(
            1,
            &format!("NotReadyAddresses:\t{}\n", ips(&ss.not_ready_addresses)),
        );
        if !ss.ports.is_empty() {
            w.write(1, "Ports:\n");
            w.write(2, "Name\tPort\tProtocol\n");
            w.write(2, "----\t----\t--------\n");
            for p in &ss.ports {
                let name = if p.name.is_empty() {
                    "<unset>"
                } else {
                    &p.name
                };
                w.write(2, &format!("{name}\t{}\t{}\n", p.port, p.protocol.as_str()));
            }
        }
        w.write(0, "\n");
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe endpointslice`.
pub fn describe_endpoint_slice(
    eps: &EndpointSlice,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &eps.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(0, &format!("AddressType:\t{}\n", eps.address_type.as_str()));
    let ports = eps.ports.as_deref().unwrap_or(&[]);
    if ports.is_empty() {
        w.write(0, "Ports: <unset>\n");
    } else {
        w.write(0, "Ports:\n");
        w.write(1, "Name\tPort\tProtocol\n");
        w.write(1, "----\t----\t--------\n");
        for p in ports {
            let name = p
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let num = p
                .port
                .map(|n| n.to_string())
                .unwrap_or_else(|| "<unset>".to_string());
            let proto = p.protocol.as_ref().map(|p| p.as_str()).unwrap_or("");
            w.write(1, &format!("{name}\t{num}\t{proto}\n"));
        }
    }
    let endpoints = eps.endpoints.as_deref().unwrap_or(&[]);
    if endpoints.is_empty() {
        w.write(0, "Endpoints: <none>\n");
    } else {
        w.write(0, "Endpoints:\n");
        for e in endpoints {
            let addrs = if e.addresses.is_empty() {
                "<none>".to_string()
            } else {
                e.addresses.join(", ")
            };
            w.write(1, &format!("- Addresses:\t{addrs}\n"));
            w.write(2, "Conditions:\n");
            let ready = match e.conditions.ready {
                Some(r) => r.to_string(),
                None => "<unset>".to_string(),
            };
            w.write(3, &format!("Ready:\t{ready}\n"));
            w.write(
                2,
                &format!(
                    "Hostname:\t{}\n",
                    e.hostname.as_deref().unwrap_or("<unset>")
                ),
            );
            if let Some(t) = &e.target_ref {
                w.write(2, &format!("TargetRef:\t{}/{}\n", t.kind, t.name));
            }
            w.write(
                2,
                &format!(
                    "NodeName:\t{}\n",
                    e.node_name.as_deref().unwrap_or("<unset>")
                ),
            );
            w.write(
                2,
                &format!("Zone:\t{}\n", e.zone.as_deref().unwrap_or("<unset>")),
            );
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}
