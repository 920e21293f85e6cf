//! The cluster network as containers see it: pod IPs reaching containers,
//! Service IPs spread over ready endpoints (kube-proxy), and cluster DNS
//! answering as CoreDNS does.
//!
//! It keeps its own copy of the objects it needs, updated from the watch
//! feed, because containers query it from inside their processes, while
//! the store is busy elsewhere.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::rc::Rc;

use crate::api::corev1::{Endpoints, Pod, Service, ServiceType};
use crate::sim::rng::Rng;
use crate::store::{ObjKey, Object, WatchEvent, WatchType};
use crate::userland::outside::{Connect, DnsAnswer, HttpOutcome, HttpReply, HttpRequest, Outside};
use crate::userland::{Endpoint, ServeResult};

pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const DNS_SERVICE_IP: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);

/// A pod on the network: where its containers listen.
struct PodNet {
    endpoints: Vec<Endpoint>,
}

#[derive(Default)]
struct State {
    pods: BTreeMap<Ipv4Addr, PodNet>,
    /// Host-network pods by node address, then pod uid: they share the
    /// node's address and ports.
    hosts: BTreeMap<Ipv4Addr, BTreeMap<String, PodNet>>,
    services: BTreeMap<ObjKey, Rc<Service>>,
    endpoints: BTreeMap<ObjKey, Rc<Endpoints>>,
    /// Lookup tables built from the objects on demand.
    tables: Option<Tables>,
}

#[derive(Default)]
struct Tables {
    /// A records by fully qualified name (without the trailing dot).
    names: BTreeMap<String, Vec<Ipv4Addr>>,
    ptr: BTreeMap<Ipv4Addr, String>,
    /// Service IP:port → backends (pod IP, target port).
    backends: BTreeMap<(Ipv4Addr, u16), Vec<(Ipv4Addr, u16)>>,
    /// Service IPs, to tell "no endpoints" from "no such address".
    service_ips: BTreeMap<Ipv4Addr, ()>,
}

/// The shared network of one cluster.
pub struct Network {
    st: RefCell<State>,
    rng: RefCell<Rng>,
    epoch_ms: i64,
}

/// Latency of a request inside the cluster network.
const HOP_MS: u64 = 1;

impl Network {
    pub fn new(seed: u64, epoch_ms: i64) -> Network {
        Network {
            st: RefCell::new(State::default()),
            // A stream of its own, so traffic does not shift other random
            // choices.
            rng: RefCell::new(Rng::new(seed ^ 0x6e65_7477_6f72_6b21)),
            epoch_ms,
        }
    }

    /// Keeps the network's copy of Services and Endpoints current.
    pub fn on_event(&self, ev: &WatchEvent) {
        let mut st = self.st.borrow_mut();
        match &ev.object {
            Object::Service(s) => {
                let key = ObjKey::of(&s.metadata);
                if ev.typ == WatchType::Deleted {
                    st.services.remove(&key);
                } else {
                    st.services.insert(key, s.clone());
                }
                st.tables = None;
            }
            Object::Endpoints(e) => {
                let key = ObjKey::of(&e.metadata);
                if ev.typ == WatchType::Deleted {
                    st.endpoints.remove(&key);
                } else {
                    st.endpoints.insert(key, e.clone());
                }
                st.tables = None;
            }
            _ => {}
        }
    }

    /// Attaches a pod's containers at its IP.
    pub fn attach(&self, ip: Ipv4Addr, endpoints: Vec<Endpoint>) {
        self.st.borrow_mut().pods.insert(ip, PodNet { endpoints });
    }

    pub fn detach(&self, ip: Ipv4Addr) {
        self.st.borrow_mut().pods.remove(&ip);
    }

    /// Attaches a host-network pod's containers at its node's address.
    pub fn attach_host(&self, node_ip: Ipv4Addr, uid: &str, endpoints: Vec<Endpoint>) {
        self.st
            .borrow_mut()
            .hosts
            .entry(node_ip)
            .or_default()
            .insert(uid.to_string(), PodNet { endpoints });
    }

    pub fn detach_host(&self, node_ip: Ipv4Addr, uid: &str) {
        let mut st = self.st.borrow_mut();
        if let Some(pods) = st.hosts.get_mut(&node_ip) {
            pods.remove(uid);
            if pods.is_empty() {
                st.hosts.remove(&node_ip);
            }
        }
    }

    fn with_tables<R>(&self, f: impl FnOnce(&Tables) -> R) -> R {
        let mut st = self.st.borrow_mut();
        if st.tables.is_none() {
            let t = build_tables(&st);
            st.tables = Some(t);
        }
        f(st.tables.as_ref().expect("just built"))
    }

    /// Where a connection to `ip:port` lands: a pod address, or a backend
    /// chosen at random among a Service's endpoints, as kube-proxy's
    /// iptables rules choose.
    fn route(&self, ip: Ipv4Addr, port: u16) -> Result<(Ipv4Addr, u16), Connect> {
        if ip.is_loopback() {
            // Only a pod's own loopback reaches anything; see `ContainerOutside`.
            return Err(Connect::Refused);
        }
        {
            let st = self.st.borrow();
            if st.pods.contains_key(&ip) || st.hosts.contains_key(&ip) {
                return Ok((ip, port));
            }
        }
        let backends = self.with_tables(|t| {
            if t.service_ips.contains_key(&ip) {
                Some(t.backends.get(&(ip, port)).cloned().unwrap_or_default())
            } else {
                None
            }
        });
        match backends {
            // A Service with no endpoints rejects the connection.
            Some(b) if b.is_empty() => Err(Connect::Refused),
            Some(b) => {
                let i = self.rng.borrow_mut().below(b.len() as u64) as usize;
                Ok(b[i])
            }
            // Nothing owns the address (a pod that is gone, a wrong IP).
            None => Err(Connect::Timeout),
        }
    }

    fn endpoints_at(&self, ip: Ipv4Addr) -> Vec<Endpoint> {
        let st = self.st.borrow();
        if let Some(p) = st.pods.get(&ip) {
            return p.endpoints.clone();
        }
        st.hosts
            .get(&ip)
            .map(|pods| {
                pods.values()
                    .flat_map(|p| p.endpoints.iter().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect {
        match self.route(ip, port) {
            Err(c) => c,
            Ok((pod_ip, port)) => {
                if self.endpoints_at(pod_ip).iter().any(|e| e.accepts(port)) {
                    Connect::Accepted
                } else {
                    Connect::Refused
                }
            }
        }
    }

    pub fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply {
        let outcome = match self.route(ip, port) {
            Err(Connect::Refused) => HttpOutcome::Refused,
            Err(Connect::Unreachable) => HttpOutcome::Unreachable,
            Err(_) => HttpOutcome::Timeout,
            Ok((pod_ip, port)) => {
                let mut outcome = HttpOutcome::Refused;
                for e in self.endpoints_at(pod_ip) {
                    match e.http(port, request) {
                        ServeResult::NotListening => continue,
                        ServeResult::Silent => {
                            outcome = HttpOutcome::Timeout;
                            break;
                        }
                        ServeResult::Response(r) => {
                            outcome = HttpOutcome::Response(r);
                            break;
                        }
                    }
                }
                outcome
            }
        };
        HttpReply {
            after_ms: HOP_MS,
            outcome,
        }
    }

    /// Whether CoreDNS answers: the `kube-dns` Service has a ready
    /// endpoint. A cluster without that Service or its Endpoints (bare test
    /// setups) answers as if it did.
    fn dns_serving(&self) -> bool {
        let st = self.st.borrow();
        let key = ObjKey::new("kube-system", "kube-dns");
        if !st.services.contains_key(&key) {
            return true;
        }
        match st.endpoints.get(&key) {
            None => true,
            Some(e) => e.subsets.iter().any(|s| !s.addresses.is_empty()),
        }
    }

    pub fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer {
        if server != DNS_SERVICE_IP || !self.dns_serving() {
            return DnsAnswer::Timeout;
        }
        let name = fqdn.trim_end_matches('.').to_ascii_lowercase();
        // <a-b-c-d>.<ns>.pod.cluster.local answers with the address it names.
        if let Some(rest) = name.strip_suffix(&format!(".pod.{CLUSTER_DOMAIN}")) {
            if let Some((dashed, _ns)) = rest.split_once('.') {
                if let Ok(ip) = dashed.replace('-', ".").parse::<Ipv4Addr>() {
                    return DnsAnswer::Records(vec![ip]);
                }
            }
        }
        self.with_tables(|t| match t.names.get(&name) {
            Some(ips) if !ips.is_empty() => DnsAnswer::Records(ips.clone()),
            _ => DnsAnswer::NxDomain,
        })
    }

    pub fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String> {
        if server != DNS_SERVICE_IP || !self.dns_serving() {
            return None;
        }
        self.with_tables(|t| t.ptr.get(&ip).cloned())
    }

    pub fn wall_clock_ms(&self, now: u64) -> i64 {
        self.epoch_ms + now as i64
    }
}

fn build_tables(st: &State) -> Tables {
    let mut t = Tables::default();
    for (key, svc) in &st.services {
        let base = format!("{}.{}.svc.{CLUSTER_DOMAIN}", key.name, key.namespace);
        if svc.service_type() == ServiceType::ExternalName {
            continue;
        }
        let eps = st.endpoints.get(key);
        if svc.is_headless() {
            let mut ips = Vec::new();
            if let Some(eps) = eps {
                for subset in &eps.subsets {
                    let addrs = subset.addresses.iter().chain(
                        svc.spec
                            .publish_not_ready_addresses
                            .then_some(subset.not_ready_addresses.iter())
                            .into_iter()
                            .flatten(),
                    );
                    for a in addrs {
                        let Ok(ip) = a.ip.parse::<Ipv4Addr>() else {
                            continue;
                        };
                        if !ips.contains(&ip) {
                            ips.push(ip);
                        }
                        if !a.hostname.is_empty() {
                            let host = format!("{}.{base}", a.hostname);
                            t.names.entry(host.clone()).or_default().push(ip);
                            t.ptr.insert(ip, host);
                        }
                    }
                }
            }
            t.names.insert(base, ips);
            continue;
        }
        let Ok(cip) = svc.spec.cluster_ip.parse::<Ipv4Addr>() else {
            continue;
        };
        t.names.insert(base.clone(), vec![cip]);
        t.ptr.insert(cip, base);
        t.service_ips.insert(cip, ());
        for port in &svc.spec.ports {
            let Ok(p) = u16::try_from(port.port) else {
                continue;
            };
            let mut backends = Vec::new();
            if let Some(eps) = eps {
                for subset in &eps.subsets {
                    // The subset's port with the Service port's name.
                    let target = subset
                        .ports
                        .iter()
                        .find(|ep| ep.name == port.name)
                        .or_else(|| subset.ports.first())
                        .and_then(|ep| u16::try_from(ep.port).ok());
                    let Some(target) = target else { continue };
                    for a in &subset.addresses {
                        if let Ok(ip) = a.ip.parse::<Ipv4Addr>() {
                            backends.push((ip, target));
                        }
                    }
                }
            }
            t.backends.insert((cip, p), backends);
        }
    }
    t
}

/// A container's view of the outside: the network plus its own identity.
pub struct ContainerOutside {
    pub net: Rc<Network>,
    /// The pod's address: where its loopback leads (containers of a pod
    /// share one network namespace) and whom servers see connecting.
    /// For host-network pods, the node's address.
    pub pod_ip: Option<Ipv4Addr>,
}

impl ContainerOutside {
    /// The address a connection to `ip` really goes to.
    fn target(&self, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        if ip.is_loopback() {
            self.pod_ip
        } else {
            Some(ip)
        }
    }
}

impl Outside for ContainerOutside {
    fn wall_clock_ms(&self, now: u64) -> i64 {
        self.net.wall_clock_ms(now)
    }

    fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer {
        self.net.dns_lookup(server, fqdn)
    }

    fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String> {
        self.net.dns_reverse(server, ip)
    }

    fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect {
        match self.target(ip) {
            Some(to) => self.net.connect(to, port),
            None => Connect::Refused,
        }
    }

    fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply {
        let Some(to) = self.target(ip) else {
            return HttpReply {
                after_ms: 0,
                outcome: HttpOutcome::Refused,
            };
        };
        let mut request = request.clone();
        request.client_ip = Some(if ip.is_loopback() {
            Ipv4Addr::LOCALHOST
        } else {
            self.pod_ip.unwrap_or(Ipv4Addr::LOCALHOST)
        });
        self.net.http(to, port, &request)
    }
}

/// The DNS name of a pod's own address (`10-244-1-5.default.pod.cluster.local`).
pub fn pod_dns_name(pod: &Pod, ip: &str) -> String {
    format!(
        "{}.{}.pod.{CLUSTER_DOMAIN}",
        ip.replace('.', "-"),
        pod.namespace()
    )
}
