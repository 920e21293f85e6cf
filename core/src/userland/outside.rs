//! What lies outside a machine: the wall clock, cluster DNS and the network.
//!
//! The engine implements [`Outside`]; [`FakeOutside`] is a table-driven
//! stand-in for tests.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use super::proc::Millis;

/// The answer a DNS server gives for one fully qualified name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsAnswer {
    /// A records, in the order the server returns them.
    Records(Vec<Ipv4Addr>),
    /// The name does not exist.
    NxDomain,
    /// No server answered (wrong nameserver, DNS down).
    Timeout,
}

/// How a TCP connection attempt ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connect {
    Accepted,
    Refused,
    /// Nothing answers: the client gives up after its own timeout.
    Timeout,
    /// The address is not routable from here.
    Unreachable,
}

/// A request as wget sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// The `Host` header (name or IP, with `:port` when not 80).
    pub host: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The connecting machine's address as the server sees it; the network
    /// layer fills it in (clients leave `None`, which servers read as
    /// loopback).
    pub client_ip: Option<Ipv4Addr>,
    /// Simulated time the request is sent. A server whose processes were
    /// all blocked has not been advanced since; it answers at this time, not
    /// at the time it last ran.
    pub sent_at: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn ok(body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse {
            status: 200,
            reason: "OK".to_string(),
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

/// The outcome of an HTTP exchange and how long it took on simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpReply {
    pub after_ms: Millis,
    pub outcome: HttpOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpOutcome {
    Response(HttpResponse),
    Refused,
    /// The server accepted but never answered.
    Timeout,
    Unreachable,
}

/// The engine's side of a machine.
pub trait Outside {
    /// Unix time in milliseconds on the simulated wall clock at simulated
    /// instant `now`.
    fn wall_clock_ms(&self, now: Millis) -> i64;
    /// A records for a fully qualified name, asked of `server`.
    fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer;
    /// The PTR name for an address, without the trailing dot.
    fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String>;
    /// A TCP connection from this machine to `ip:port`.
    fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect;
    /// An HTTP request to `ip:port`.
    fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply;
    /// The engine behind a host machine (the learner's terminal), for
    /// programs such as kubectl that talk to the cluster itself.
    fn host(&self) -> Option<&dyn std::any::Any> {
        None
    }
}

/// The cluster DNS service address kubeadm assigns.
pub const CLUSTER_DNS_IP: Ipv4Addr = Ipv4Addr::new(10, 96, 0, 10);
/// The cluster DNS service's own name.
pub const CLUSTER_DNS_NAME: &str = "kube-dns.kube-system.svc.cluster.local";

/// A table-driven [`Outside`] for tests.
#[derive(Clone, Debug, Default)]
pub struct FakeOutside {
    /// Wall clock at simulated time 0.
    pub epoch_ms: i64,
    pub names: BTreeMap<String, Vec<Ipv4Addr>>,
    pub ptr: BTreeMap<Ipv4Addr, String>,
    pub open_ports: BTreeMap<(Ipv4Addr, u16), HttpReply>,
}

impl FakeOutside {
    /// A cluster DNS that knows only itself, at 2026-11-25 15:51:47 UTC.
    pub fn new() -> FakeOutside {
        let mut f = FakeOutside {
            epoch_ms: 1_795_621_907_000,
            ..FakeOutside::default()
        };
        f.add_host(CLUSTER_DNS_NAME, CLUSTER_DNS_IP);
        f
    }

    pub fn add_host(&mut self, fqdn: &str, ip: Ipv4Addr) {
        self.names.entry(fqdn.to_string()).or_default().push(ip);
        self.ptr.insert(ip, fqdn.to_string());
    }

    pub fn serve(&mut self, ip: Ipv4Addr, port: u16, reply: HttpReply) {
        self.open_ports.insert((ip, port), reply);
    }
}

impl Outside for FakeOutside {
    fn wall_clock_ms(&self, now: Millis) -> i64 {
        self.epoch_ms + now as i64
    }

    fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer {
        if server != CLUSTER_DNS_IP {
            return DnsAnswer::Timeout;
        }
        match self.names.get(fqdn.trim_end_matches('.')) {
            Some(ips) => DnsAnswer::Records(ips.clone()),
            None => DnsAnswer::NxDomain,
        }
    }

    fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String> {
        if server != CLUSTER_DNS_IP {
            return None;
        }
        self.ptr.get(&ip).cloned()
    }

    fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect {
        match self.open_ports.get(&(ip, port)) {
            Some(HttpReply {
                outcome: HttpOutcome::Timeout,
                ..
            }) => Connect::Timeout,
            Some(HttpReply {
                outcome: HttpOutcome::Unreachable,
                ..
            }) => Connect::Unreachable,
            Some(HttpReply {
                outcome: HttpOutcome::Refused,
                ..
            })
            | None => Connect::Refused,
            Some(_) => Connect::Accepted,
        }
    }

    fn http(&self, ip: Ipv4Addr, port: u16, _request: &HttpRequest) -> HttpReply {
        self.open_ports
            .get(&(ip, port))
            .cloned()
            .unwrap_or(HttpReply {
                after_ms: 0,
                outcome: HttpOutcome::Refused,
            })
    }
}
