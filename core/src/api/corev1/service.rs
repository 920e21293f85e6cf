//! core/v1 Service and Endpoints.

use std::collections::{BTreeMap, BTreeSet};

use podlab_macros::Api;

use super::pod::Protocol;
use crate::api::meta::{IntOrString, ObjectMeta};
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::*;
use crate::impl_meta;
use crate::string_enum;
use crate::value::Value;

/// A stable name and address for a set of pods.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Service")]
pub struct Service {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Behaviour of the service.
    pub spec: ServiceSpec,
    /// Most recently observed status of the service.
    pub status: ServiceStatus,
}

string_enum! {
    /// How a Service is exposed.
    pub enum ServiceType {
        ClusterIp = "ClusterIP",
        NodePort = "NodePort",
        LoadBalancer = "LoadBalancer",
        ExternalName = "ExternalName",
    }
}

/// What a Service selects and how it is exposed.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ServiceSpec {
    /// Ports the service exposes.
    pub ports: Vec<ServicePort>,
    /// Pods with these labels receive the traffic. Without a selector, Endpoints are managed by hand.
    pub selector: BTreeMap<String, String>,
    /// Virtual IP of the service; "None" makes a headless service.
    #[api(rename = "clusterIP", omitempty)]
    pub cluster_ip: String,
    /// Virtual IPs of the service, one per IP family.
    #[api(rename = "clusterIPs")]
    pub cluster_ips: Vec<String>,
    /// ClusterIP (default), NodePort, LoadBalancer or ExternalName.
    #[api(rename = "type", omitempty)]
    pub type_: ServiceType,
    /// Extra IPs the nodes accept traffic for.
    #[api(rename = "externalIPs")]
    pub external_ips: Vec<String>,
    /// ClientIP or None (default).
    #[api(omitempty)]
    pub session_affinity: String,
    /// Deprecated: requested load balancer IP.
    #[api(rename = "loadBalancerIP", omitempty)]
    pub load_balancer_ip: String,
    /// Client ranges allowed through the load balancer.
    pub load_balancer_source_ranges: Vec<String>,
    /// DNS name an ExternalName service aliases.
    #[api(omitempty)]
    pub external_name: String,
    /// Cluster or Local.
    #[api(omitempty)]
    pub external_traffic_policy: String,
    /// Health check port for Local traffic policy.
    #[api(omitempty)]
    pub health_check_node_port: i32,
    /// Publish addresses of pods that are not ready.
    #[api(omitempty)]
    pub publish_not_ready_addresses: bool,
    /// Session affinity settings.
    pub session_affinity_config: Option<Value>,
    /// IPv4, IPv6 or both.
    pub ip_families: Vec<String>,
    /// SingleStack, PreferDualStack or RequireDualStack.
    pub ip_family_policy: Option<String>,
    /// Whether LoadBalancer services get node ports.
    pub allocate_load_balancer_node_ports: Option<bool>,
    /// Load balancer implementation class.
    pub load_balancer_class: Option<String>,
    /// Cluster or Local, for traffic from inside the cluster.
    pub internal_traffic_policy: Option<String>,
    /// Preference for how traffic is distributed.
    pub traffic_distribution: Option<String>,
}

/// A port of a Service.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ServicePort {
    /// Name of the port; required when there is more than one.
    #[api(omitempty)]
    pub name: String,
    /// TCP (default), UDP or SCTP.
    #[api(omitempty)]
    pub protocol: Protocol,
    /// Application protocol hint.
    pub app_protocol: Option<String>,
    /// Port the service listens on.
    #[api(always, required)]
    pub port: i32,
    /// Port number or name on the pods. Defaults to port.
    #[api(omitempty)]
    pub target_port: Option<IntOrString>,
    /// Port on every node, for NodePort and LoadBalancer services.
    #[api(omitempty)]
    pub node_port: i32,
}

/// Observed state of a Service.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ServiceStatus {
    /// Load balancer status.
    #[api(always)]
    pub load_balancer: LoadBalancerStatus,
    /// Conditions of the service.
    pub conditions: Vec<Value>,
}

/// Ingress points of a load balancer.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct LoadBalancerStatus {
    /// Ingress points.
    pub ingress: Vec<Value>,
}

pub static SERVICE_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Service",
    plural: "services",
    singular: "service",
    short_names: &["svc"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl Service {
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip == "None"
    }

    pub fn service_type(&self) -> ServiceType {
        match &self.spec.type_ {
            ServiceType::Other(s) if s.is_empty() => ServiceType::ClusterIp,
            t => t.clone(),
        }
    }
}

impl Resource for Service {
    const INFO: &'static ResourceInfo = &SERVICE_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        let spec = &mut self.spec;
        if spec.session_affinity.is_empty() {
            spec.session_affinity = "None".to_string();
        }
        if spec.type_.as_str().is_empty() {
            spec.type_ = ServiceType::ClusterIp;
        }
        for p in &mut spec.ports {
            if p.protocol.as_str().is_empty() {
                p.protocol = Protocol::Tcp;
            }
            let unset = match &p.target_port {
                None => true,
                Some(IntOrString::Int(0)) => true,
                Some(IntOrString::String(s)) => s.is_empty(),
                Some(_) => false,
            };
            if unset {
                p.target_port = Some(IntOrString::Int(p.port));
            }
        }
        let t = spec.type_.clone();
        if matches!(t, ServiceType::NodePort | ServiceType::LoadBalancer)
            && spec.external_traffic_policy.is_empty()
        {
            spec.external_traffic_policy = "Cluster".to_string();
        }
        if t != ServiceType::ExternalName && spec.internal_traffic_policy.is_none() {
            spec.internal_traffic_policy = Some("Cluster".to_string());
        }
        if t == ServiceType::LoadBalancer && spec.allocate_load_balancer_node_ports.is_none() {
            spec.allocate_load_balancer_node_ports = Some(true);
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = ServiceStatus::default();
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        // Allocated addresses survive an update that does not mention them.
        if self.spec.cluster_ip.is_empty() && self.spec.cluster_ips.is_empty() {
            self.spec.cluster_ip = old.spec.cluster_ip.clone();
            self.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
        if self.spec.ip_families.is_empty() {
            self.spec.ip_families = old.spec.ip_families.clone();
        }
        if self.spec.ip_family_policy.is_none() {
            self.spec.ip_family_policy = old.spec.ip_family_policy.clone();
        }
        for p in &mut self.spec.ports {
            if p.node_port == 0 {
                if let Some(o) = old
                    .spec
                    .ports
                    .iter()
                    .find(|o| o.port == p.port && o.protocol == p.protocol)
                {
                    p.node_port = o.node_port;
                }
            }
        }
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_dns1035_label);
        errs.extend(validate_service_spec(&self.spec));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_service_spec(&self.spec));
        if !old.spec.cluster_ip.is_empty()
            && self.spec.cluster_ip != old.spec.cluster_ip
            && self.spec.type_ != ServiceType::ExternalName
        {
            errs.push(FieldErr::invalid(
                Path::root("spec").child("clusterIPs").index(0),
                BadValue::Raw(format!("[]string{{{}}}", go_quote(&self.spec.cluster_ip))),
                "may not change once set",
            ));
        }
        errs
    }
}

fn validate_service_spec(spec: &ServiceSpec) -> FieldErrs {
    let path = Path::root("spec");
    let mut errs = Vec::new();
    let t = if spec.type_.as_str().is_empty() {
        ServiceType::ClusterIp
    } else {
        spec.type_.clone()
    };
    if !t.is_known() {
        errs.push(FieldErr::not_supported(
            path.child("type"),
            t.as_str(),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let headless = spec.cluster_ip == "None";
    if spec.ports.is_empty()
        && t != ServiceType::ExternalName
        && !(headless && spec.selector.is_empty())
    {
        errs.push(FieldErr::required(path.child("ports"), ""));
    }
    if t == ServiceType::ExternalName && spec.external_name.is_empty() {
        errs.push(FieldErr::required(path.child("externalName"), ""));
    }
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let pp = path.child("ports").index(i);
        if spec.ports.len() > 1 && p.name.is_empty() {
            errs.push(FieldErr::required(pp.child("name"), ""));
        } else if !p.name.is_empty() {
            errs.extend(validate_label_name(&pp.child("name"), &p.name));
            if !names.insert(p.name.clone()) {
                errs.push(FieldErr::duplicate(pp.child("name"), p.name.as_str()));
            }
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(FieldErr::invalid(
                pp.child("port"),
                p.port,
                "must be between 1 and 65535, inclusive",
            ));
        }
        if !p.protocol.is_known() {
            errs.push(FieldErr::not_supported(
                pp.child("protocol"),
                p.protocol.as_str(),
                &["SCTP", "TCP", "UDP"],
            ));
        }
        if let Some(IntOrString::Int(tp)) = &p.target_port {
            if !(1..=65535).contains(tp) {
                errs.push(FieldErr::invalid(
                    pp.child("targetPort"),
                    *tp,
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        if p.node_port != 0 {
            if t == ServiceType::ClusterIp {
                errs.push(FieldErr::forbidden(
                    pp.child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            } else if !(30000..=32767).contains(&p.node_port) {
                errs.push(FieldErr::invalid(
                    pp.child("nodePort"),
                    p.node_port,
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
        let key = (p.port, p.protocol.as_str().to_string());
        if !seen.insert(key) {
            errs.push(FieldErr::duplicate(
                pp.clone(),
                BadValue::Raw(format!(
                    "core.ServicePort{{Name:{}, Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:{}, NodePort:{}}}",
                    go_quote(&p.name),
                    go_quote(p.protocol.as_str()),
                    p.port,
                    p.target_port.clone().unwrap_or_default(),
                    p.node_port
                )),
            ));
        }
    }
    errs.extend(validate_labels(&spec.selector, &path.child("selector")));
    if !matches!(spec.session_affinity.as_str(), "" | "None" | "ClientIP") {
        errs.push(FieldErr::not_supported(
            path.child("sessionAffinity"),
            spec.session_affinity.as_str(),
            &["ClientIP", "None"],
        ));
    }
    errs
}

/// The addresses behind a Service, kept by the endpoints controller.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Endpoints")]
pub struct Endpoints {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Sets of addresses and ports.
    pub subsets: Vec<EndpointSubset>,
}

/// Addresses that share a set of ports.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointSubset {
    /// Ready addresses.
    pub addresses: Vec<EndpointAddress>,
    /// Addresses that are not ready.
    pub not_ready_addresses: Vec<EndpointAddress>,
    /// Ports of all addresses.
    pub ports: Vec<EndpointPort>,
}

/// One endpoint address.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointAddress {
    /// IP of the endpoint.
    #[api(always, required)]
    pub ip: String,
    /// Hostname of the endpoint.
    #[api(omitempty)]
    pub hostname: String,
    /// Node hosting the endpoint.
    pub node_name: Option<String>,
    /// The object providing the endpoint.
    pub target_ref: Option<ObjectReference>,
}

/// One endpoint port.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointPort {
    /// Name of the port.
    #[api(omitempty)]
    pub name: String,
    /// Port number.
    #[api(always, required)]
    pub port: i32,
    /// TCP, UDP or SCTP.
    #[api(omitempty)]
    pub protocol: Protocol,
    /// Application protocol.
    pub app_protocol: Option<String>,
}

/// A reference to an object.
#[derive(Api, Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectReference {
    /// Kind of the referent.
    #[api(omitempty)]
    pub kind: String,
    /// Namespace of the referent.
    #[api(omitempty)]
    pub namespace: String,
    /// Name of the referent.
    #[api(omitempty)]
    pub name: String,
    /// UID of the referent.
    #[api(omitempty)]
    pub uid: String,
    /// API version of the referent.
    #[api(omitempty)]
    pub api_version: String,
    /// Resource version of the referent.
    #[api(omitempty)]
    pub resource_version: String,
    /// A field within the referent, e.g. spec.containers{name}.
    #[api(omitempty)]
    pub field_path: String,
}

pub static ENDPOINTS_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Endpoints",
    plural: "endpoints",
    singular: "endpoints",
    short_names: &["ep"],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Resource for Endpoints {
    const INFO: &'static ResourceInfo = &ENDPOINTS_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        for s in &mut self.subsets {
            for p in &mut s.ports {
                if p.protocol.as_str().is_empty() {
                    p.protocol = Protocol::Tcp;
                }
            }
        }
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        errs.extend(validate_subsets(&self.subsets));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_subsets(&self.subsets));
        errs
    }
}

fn validate_subsets(subsets: &[EndpointSubset]) -> FieldErrs {
    let mut errs = Vec::new();
    for (i, s) in subsets.iter().enumerate() {
        let p = Path::root("subsets").index(i);
        if s.addresses.is_empty() && s.not_ready_addresses.is_empty() {
            errs.push(FieldErr::required(
                p.clone(),
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (field, list) in [
            ("addresses", &s.addresses),
            ("notReadyAddresses", &s.not_ready_addresses),
        ] {
            for (j, a) in list.iter().enumerate() {
                if crate::net::parse_ipv4(&a.ip).is_none() {
                    errs.push(FieldErr::invalid(
                        p.child(field).index(j).child("ip"),
                        a.ip.as_str(),
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    ));
                }
            }
        }
        for (j, port) in s.ports.iter().enumerate() {
            if !(1..=65535).contains(&port.port) {
                errs.push(FieldErr::invalid(
                    p.child("ports").index(j).child("port"),
                    port.port,
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
    }
    errs
}
