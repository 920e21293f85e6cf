//! discovery.k8s.io/v1 EndpointSlice: the network endpoints behind a
//! Service, in slices of at most 100 (as the controller writes them).

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use podlab_macros::Api;

use crate::api::apps::{immutable, label_value_errors, ObjectReference};
use crate::api::corev1::Protocol;
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::{
    is_dns1123_label, qualified_name_errors, validate_label_name, validate_labels,
    validate_object_meta, validate_object_meta_update, validate_subdomain, BadValue, ErrorType,
    FieldErr, FieldErrs, Path, DNS1123_LABEL_MSG,
};
use crate::{impl_meta, string_enum};

/// A set of endpoints of a Service. The `kubernetes.io/service-name` label
/// names the Service.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "discovery.k8s.io/v1/EndpointSlice")]
pub struct EndpointSlice {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// IPv4, IPv6 or FQDN: the kind of every address in the slice. Immutable.
    #[api(always, required)]
    pub address_type: AddressType,
    /// The endpoints, at most 1000. Null when there are none.
    #[api(always)]
    pub endpoints: Option<Vec<Endpoint>>,
    /// The ports every endpoint exposes. Null when there are none.
    #[api(always)]
    pub ports: Option<Vec<EndpointPort>>,
}

string_enum! {
    /// The kind of addresses in an EndpointSlice.
    pub enum AddressType {
        IPv4 = "IPv4",
        IPv6 = "IPv6",
        Fqdn = "FQDN",
    }
}

/// One backend of a Service.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct Endpoint {
    /// The endpoint's addresses; the controller writes exactly one.
    #[api(always, required)]
    pub addresses: Vec<String>,
    /// Whether the endpoint is ready, serving, terminating.
    pub conditions: EndpointConditions,
    /// Hostname of the endpoint, a DNS label (used for DNS records).
    pub hostname: Option<String>,
    /// The object behind the endpoint, usually a Pod.
    pub target_ref: Option<ObjectReference>,
    /// Topology of the v1beta1 API; not writable through v1.
    pub deprecated_topology: BTreeMap<String, String>,
    /// The node hosting the endpoint.
    pub node_name: Option<String>,
    /// The zone the endpoint is in.
    pub zone: Option<String>,
    /// Hints on how the endpoint should be consumed.
    pub hints: Option<EndpointHints>,
}

/// The state of an endpoint.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointConditions {
    /// Ready to receive traffic: serving and not terminating (unless the Service publishes not-ready addresses). Null means true.
    pub ready: Option<bool>,
    /// Able to receive traffic: the pod is Ready. Null means true.
    pub serving: Option<bool>,
    /// Being deleted. Null means false.
    pub terminating: Option<bool>,
}

/// Routing hints for an endpoint.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointHints {
    /// Zones that should consume this endpoint. At most 8.
    pub for_zones: Vec<ForZone>,
}

/// A zone that should consume an endpoint.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ForZone {
    /// Name of the zone.
    #[api(always, required)]
    pub name: String,
}

/// A port of the endpoints of a slice.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EndpointPort {
    /// The Service port's name; empty or a DNS label. Default "".
    pub name: Option<String>,
    /// TCP (default), UDP or SCTP.
    pub protocol: Option<Protocol>,
    /// Port number on the endpoints (the Service's target port).
    pub port: Option<i32>,
    /// Application protocol, such as http or kubernetes.io/h2c.
    pub app_protocol: Option<String>,
}

/// The label naming the Service a slice belongs to.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label naming who manages a slice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The controller's value of [`MANAGED_BY_LABEL`].
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";

const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 20_000;
const MAX_TOPOLOGY_LABELS: usize = 16;
const MAX_ZONE_HINTS: usize = 8;

pub static ENDPOINTSLICE_INFO: ResourceInfo = ResourceInfo {
    group: "discovery.k8s.io",
    version: "v1",
    kind: "EndpointSlice",
    plural: "endpointslices",
    singular: "endpointslice",
    short_names: &[],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl EndpointSlice {
    /// The Service the slice belongs to.
    pub fn service_name(&self) -> Option<&str> {
        self.metadata.label(SERVICE_NAME_LABEL)
    }

    pub fn endpoints(&self) -> &[Endpoint] {
        self.endpoints.as_deref().unwrap_or(&[])
    }

    pub fn ports(&self) -> &[EndpointPort] {
        self.ports.as_deref().unwrap_or(&[])
    }
}

impl EndpointConditions {
    /// Ready, reading null as true.
    pub fn is_ready(&self) -> bool {
        self.ready.unwrap_or(true)
    }
}

fn too_many(path: Path, have: usize, max: usize) -> FieldErr {
    FieldErr {
        path,
        kind: ErrorType::TooMany(have, max),
        detail: String::new(),
    }
}

/// `IsValidIPv4Address` then `ValidateEndpointIP`.
fn validate_ip(address: &str, v6: bool, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    let ip = parse_ip_sloppy(address);
    // An IPv4-mapped IPv6 address counts as IPv4, as Go's `To4` says.
    let family_ok = match ip {
        Some(IpAddr::V4(_)) => !v6,
        Some(IpAddr::V6(a)) => v6 != a.to_ipv4_mapped().is_some(),
        None => false,
    };
    if !family_ok {
        let msg = if v6 {
            "must be a valid IPv6 address"
        } else {
            "must be a valid IPv4 address"
        };
        errs.push(FieldErr::invalid(path.clone(), address, msg));
    }
    let Some(ip) = ip else {
        errs.push(FieldErr::invalid(
            path.clone(),
            address,
            "must be a valid IP address",
        ));
        return errs;
    };
    let ip = match ip {
        IpAddr::V6(a) => a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_unspecified() {
        errs.push(FieldErr::invalid(
            path.clone(),
            address,
            &format!("may not be unspecified ({address})"),
        ));
    }
    if ip.is_loopback() {
        errs.push(FieldErr::invalid(
            path.clone(),
            address,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ));
    }
    let (link_local, link_local_multicast) = match ip {
        IpAddr::V4(a) => (a.is_link_local(), a.octets()[..3] == [224, 0, 0]),
        IpAddr::V6(a) => {
            let s = a.segments();
            (s[0] & 0xffc0 == 0xfe80, s[0] & 0xff0f == 0xff02)
        }
    };
    if link_local {
        errs.push(FieldErr::invalid(
            path.clone(),
            address,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ));
    }
    if link_local_multicast {
        errs.push(FieldErr::invalid(
            path.clone(),
            address,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ));
    }
    errs
}

/// Go's `ParseIPSloppy`: like the standard parser, but IPv4 parts may have
/// leading zeros (read as decimal).
fn parse_ip_sloppy(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// `IsFullyQualifiedDomainName`.
fn validate_fqdn(name: &str, path: &Path) -> FieldErrs {
    if name.is_empty() {
        return vec![FieldErr::required(path.clone(), "")];
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let sub = validate_subdomain(path, name);
    if !sub.is_empty() {
        let msgs: Vec<String> = sub.into_iter().map(|e| e.detail).collect();
        return vec![FieldErr::invalid(path.clone(), name, &msgs.join(","))];
    }
    if name.split('.').count() < 2 {
        return vec![FieldErr::invalid(
            path.clone(),
            name,
            "should be a domain with at least two segments separated by dots",
        )];
    }
    for label in name.split('.') {
        if !is_dns1123_label(label) {
            let msg = if label.len() > 63 {
                "must be no more than 63 characters".to_string()
            } else {
                DNS1123_LABEL_MSG.to_string()
            };
            return vec![FieldErr::invalid(path.clone(), label, &msg)];
        }
    }
    Vec::new()
}

fn validate_endpoints(
    endpoints: &[Endpoint],
    address_type: &AddressType,
    path: &Path,
) -> FieldErrs {
    if endpoints.len() > MAX_ENDPOINTS {
        return vec![too_many(path.clone(), endpoints.len(), MAX_ENDPOINTS)];
    }
    let mut errs = Vec::new();
    for (i, ep) in endpoints.iter().enumerate() {
        let ip = path.index(i);
        let ap = ip.child("addresses");
        if ep.addresses.is_empty() {
            errs.push(FieldErr::required(
                ap.clone(),
                "must contain at least 1 address",
            ));
        } else if ep.addresses.len() > MAX_ADDRESSES {
            errs.push(too_many(ap.clone(), ep.addresses.len(), MAX_ADDRESSES));
        }
        for (j, address) in ep.addresses.iter().enumerate() {
            let p = ap.index(j);
            match address_type {
                AddressType::IPv4 => errs.extend(validate_ip(address, false, &p)),
                AddressType::IPv6 => errs.extend(validate_ip(address, true, &p)),
                AddressType::Fqdn => errs.extend(validate_fqdn(address, &p)),
                AddressType::Other(_) => {}
            }
        }
        if let Some(node) = &ep.node_name {
            errs.extend(validate_subdomain(&ip.child("nodeName"), node));
        }
        let tp = ip.child("deprecatedTopology");
        if ep.deprecated_topology.len() > MAX_TOPOLOGY_LABELS {
            errs.push(too_many(
                tp.clone(),
                ep.deprecated_topology.len(),
                MAX_TOPOLOGY_LABELS,
            ));
        }
        errs.extend(validate_labels(&ep.deprecated_topology, &tp));
        if let Some(h) = &ep.hostname {
            errs.extend(validate_label_name(&ip.child("hostname"), h));
        }
        if let Some(hints) = &ep.hints {
            let fz = ip.child("hints").child("forZones");
            if hints.for_zones.len() > MAX_ZONE_HINTS {
                errs.push(too_many(fz, hints.for_zones.len(), MAX_ZONE_HINTS));
                continue;
            }
            let mut names = BTreeSet::new();
            for (j, z) in hints.for_zones.iter().enumerate() {
                let zp = fz.index(j).child("name");
                if !names.insert(z.name.as_str()) {
                    errs.push(FieldErr::duplicate(zp.clone(), z.name.as_str()));
                }
                for msg in label_value_errors(&z.name) {
                    errs.push(FieldErr::invalid(zp.clone(), z.name.as_str(), &msg));
                }
            }
        }
    }
    errs
}

fn validate_ports(ports: &[EndpointPort], path: &Path) -> FieldErrs {
    if ports.len() > MAX_PORTS {
        return vec![too_many(path.clone(), ports.len(), MAX_PORTS)];
    }
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let ip = path.index(i);
        let name = port.name.as_deref().unwrap_or("");
        if !name.is_empty() {
            errs.extend(validate_label_name(&ip.child("name"), name));
        }
        if !names.insert(name) {
            errs.push(FieldErr::duplicate(ip.child("name"), name));
        }
        match &port.protocol {
            None => errs.push(FieldErr::required(ip.child("protocol"), "")),
            Some(p) if !p.is_known() => errs.push(FieldErr::not_supported(
                ip.child("protocol"),
                p.as_str(),
                &["SCTP", "TCP", "UDP"],
            )),
            Some(_) => {}
        }
        if let Some(ap) = &port.app_protocol {
            for msg in qualified_name_errors(ap) {
                errs.push(FieldErr::invalid(
                    ip.child("appProtocol"),
                    ap.as_str(),
                    &msg,
                ));
            }
        }
    }
    errs
}

/// Defaults of an EndpointSlice (`SetDefaults_EndpointPort`): ports are
/// named "" and speak TCP unless told otherwise.
pub fn default_endpoint_slice(s: &mut EndpointSlice) {
    for port in s.ports.iter_mut().flatten() {
        port.name.get_or_insert_with(String::new);
        port.protocol.get_or_insert(Protocol::Tcp);
    }
}

/// Topology cannot be written through v1; the field is silently dropped.
fn drop_deprecated_topology(s: &mut EndpointSlice, old: Option<&EndpointSlice>) {
    for (i, ep) in s.endpoints.iter_mut().flatten().enumerate() {
        ep.deprecated_topology = old
            .and_then(|o| o.endpoints().get(i))
            .map(|o| o.deprecated_topology.clone())
            .unwrap_or_default();
    }
}

impl Resource for EndpointSlice {
    const INFO: &'static ResourceInfo = &ENDPOINTSLICE_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    fn set_defaults(&mut self) {
        default_endpoint_slice(self);
    }

    fn prepare_for_create(&mut self) {
        self.metadata.generation = Some(1);
        drop_deprecated_topology(self, None);
    }

    fn prepare_for_update(&mut self, old: &Self) {
        drop_deprecated_topology(self, Some(old));
        // Anything but metadata counts, and so do labels.
        let changed = self.address_type != old.address_type
            || self.endpoints != old.endpoints
            || self.ports != old.ports
            || self.metadata.labels != old.metadata.labels;
        let old_gen = old.metadata.generation.unwrap_or(0);
        self.metadata.generation = Some(if changed { old_gen + 1 } else { old_gen });
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        let at = Path::root("addressType");
        match &self.address_type {
            AddressType::Other(t) if t.is_empty() => errs.push(FieldErr::required(at, "")),
            AddressType::Other(t) => errs.push(FieldErr::not_supported(
                at,
                t.as_str(),
                &["FQDN", "IPv4", "IPv6"],
            )),
            _ => {}
        }
        errs.extend(validate_endpoints(
            self.endpoints(),
            &self.address_type,
            &Path::root("endpoints"),
        ));
        errs.extend(validate_ports(self.ports(), &Path::root("ports")));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(self.validate());
        errs.extend(immutable(
            Path::root("addressType"),
            self.address_type != old.address_type,
            BadValue::Str(self.address_type.to_string()),
        ));
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::{decode_strict, Encode};
    use crate::syntax::Node;
    use crate::value::Value;

    /// A slice as the controller writes it for a one-pod Service.
    fn web() -> EndpointSlice {
        let mut meta = meta("web-x2k8q");
        meta.labels = labels(&[
            (SERVICE_NAME_LABEL, "web"),
            (MANAGED_BY_LABEL, CONTROLLER_NAME),
        ]);
        let mut s = EndpointSlice {
            metadata: meta,
            address_type: AddressType::IPv4,
            endpoints: Some(vec![Endpoint {
                addresses: vec!["10.244.1.5".into()],
                conditions: EndpointConditions {
                    ready: Some(true),
                    serving: Some(true),
                    terminating: Some(false),
                },
                target_ref: Some(ObjectReference {
                    kind: "Pod".into(),
                    namespace: "default".into(),
                    name: "web-7d4b9c-x2k8q".into(),
                    uid: "u".into(),
                    ..Default::default()
                }),
                node_name: Some("node01".into()),
                ..Default::default()
            }]),
            ports: Some(vec![EndpointPort {
                port: Some(80),
                ..Default::default()
            }]),
        };
        s.set_defaults();
        s
    }

    #[test]
    fn ports_default_to_an_empty_name_and_tcp() {
        let s = web();
        let v = s.encode();
        let port = v
            .get("ports")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or_default();
        assert_eq!(port.get("name"), Some(&Value::String(String::new())));
        assert_eq!(port.get("protocol"), Some(&Value::String("TCP".into())));
        assert_eq!(s.service_name(), Some("web"));
    }

    #[test]
    fn no_endpoints_are_written_as_null() {
        let mut s = web();
        s.endpoints = None;
        let v = s.encode();
        assert_eq!(v.get("endpoints"), Some(&Value::Null));
        assert!(s.endpoints().is_empty());
        assert!(s.validate().is_empty());
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut s = web();
        if let Some(eps) = &mut s.endpoints {
            eps[0].hostname = Some("web-0".into());
            eps[0].zone = Some("zone-a".into());
            eps[0].deprecated_topology = labels(&[("kubernetes.io/hostname", "node01")]);
            eps[0].hints = Some(EndpointHints {
                for_zones: vec![ForZone {
                    name: "zone-a".into(),
                }],
            });
        }
        if let Some(ports) = &mut s.ports {
            ports[0].app_protocol = Some("http".into());
        }
        assert_eq!(round_trip(&s), Ok(s));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = web().encode();
        set_path(&mut v, "adressType", Value::String("IPv4".into()));
        let err = decode_strict::<EndpointSlice>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"adressType\""
        );
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut EndpointSlice);
        let cases: [(&str, Edit, &str); 8] = [
            (
                "an unknown address type",
                |s| s.address_type = AddressType::parse("IP"),
                "addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"",
            ),
            (
                "an endpoint without addresses",
                |s| if let Some(e) = &mut s.endpoints { e[0].addresses.clear() },
                "endpoints[0].addresses: Required value: must contain at least 1 address",
            ),
            (
                "an IPv6 address in an IPv4 slice",
                |s| if let Some(e) = &mut s.endpoints { e[0].addresses = vec!["fd00::1".into()] },
                "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address",
            ),
            (
                "a loopback address",
                |s| if let Some(e) = &mut s.endpoints { e[0].addresses = vec!["127.0.0.1".into()] },
                "endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            ),
            (
                "a link-local address",
                |s| if let Some(e) = &mut s.endpoints { e[0].addresses = vec!["169.254.169.254".into()] },
                "endpoints[0].addresses[0]: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            ),
            (
                "a port without protocol",
                |s| if let Some(p) = &mut s.ports { p[0].protocol = None },
                "ports[0].protocol: Required value",
            ),
            (
                "two ports with one name",
                |s| if let Some(p) = &mut s.ports { p.push(p[0].clone()) },
                "ports[1].name: Duplicate value: \"\"",
            ),
            (
                "an uppercase hostname",
                |s| if let Some(e) = &mut s.endpoints { e[0].hostname = Some("Web".into()) },
                "endpoints[0].hostname: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            ),
        ];
        assert!(
            web().validate().is_empty(),
            "{:?}",
            messages(&web().validate())
        );
        for (name, edit, want) in cases {
            let mut s = web();
            edit(&mut s);
            assert_has(name, &s.validate(), want);
        }
    }

    #[test]
    fn address_families_follow_go_to4() {
        let p = Path::root("a");
        let cases = [
            ("an IPv4 address in an IPv4 slice", "10.0.0.1", false, true),
            (
                "leading zeros are read sloppily",
                "010.000.000.001",
                false,
                true,
            ),
            (
                "an IPv4-mapped address counts as IPv4",
                "::ffff:10.0.0.1",
                false,
                true,
            ),
            (
                "an IPv4-mapped address is no IPv6",
                "::ffff:10.0.0.1",
                true,
                false,
            ),
            ("an IPv6 address in an IPv6 slice", "fd00::1", true, true),
            ("garbage", "10.0.0", false, false),
        ];
        for (name, address, v6, ok) in cases {
            assert_eq!(validate_ip(address, v6, &p).is_empty(), ok, "{name}");
        }
    }

    #[test]
    fn fqdn_slices_need_two_segments() {
        let p = Path::root("a");
        assert!(validate_fqdn("example.com.", &p).is_empty());
        assert_eq!(
            messages(&validate_fqdn("localhost", &p)),
            ["a: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots"]
        );
    }

    #[test]
    fn topology_is_not_writable_and_generations_count_changes() {
        let mut s = web();
        if let Some(e) = &mut s.endpoints {
            e[0].deprecated_topology = labels(&[("a", "b")]);
        }
        s.prepare_for_create();
        assert!(s.endpoints()[0].deprecated_topology.is_empty());
        assert_eq!(s.metadata.generation, Some(1));

        let mut annotated = s.clone();
        annotated
            .metadata
            .annotations
            .insert("x".into(), "y".into());
        annotated.prepare_for_update(&s);
        assert_eq!(annotated.metadata.generation, Some(1));

        let mut moved = s.clone();
        moved.address_type = AddressType::IPv6;
        moved.endpoints = None;
        moved.prepare_for_update(&s);
        assert_eq!(moved.metadata.generation, Some(2));
        assert_has(
            "a new address type",
            &moved.validate_update(&s),
            "addressType: Invalid value: \"IPv6\": field is immutable",
        );
    }
}
