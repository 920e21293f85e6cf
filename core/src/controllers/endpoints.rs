//! The Endpoints controller (`pkg/controller/endpoint`): for each Service
//! with a selector, an Endpoints object of the same name listing the
//! selected pods' addresses, ready ones in `addresses` and the others in
//! `notReadyAddresses`, per target port.
//!
//! Also the pieces the EndpointSlice controller shares: which pods each
//! Service selects (kept up to date from the watch feed, so a pod change
//! touches only the Services that select it), which pods belong in
//! endpoints, named-port resolution and the last-change trigger times.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod, Protocol,
    Service, ServicePort, ServiceType,
};
use crate::api::meta::{IntOrString, ObjectMeta};
use crate::api::time::format_rfc3339;
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// Annotation with the time of the change that led to this version.
pub const LAST_CHANGE_TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// Label on the endpoints of headless Services.
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";
/// Annotation on Endpoints cut down to the capacity.
pub const OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
/// Most addresses one Endpoints object holds (`maxCapacity`).
const MAX_CAPACITY: usize = 1000;

/// The selector a Service manages endpoints with, if any: ExternalName
/// Services and Services without a selector get none from the controllers.
pub fn managed_selector(svc: &Service) -> Option<&BTreeMap<String, String>> {
    if svc.service_type() == ServiceType::ExternalName || svc.spec.selector.is_empty() {
        return None;
    }
    Some(&svc.spec.selector)
}

fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The parts of a pod that endpoints show; a change elsewhere needs no
/// resync.
fn endpoint_view(p: &Pod) -> impl PartialEq + '_ {
    (
        (
            &p.status.pod_ip,
            p.is_ready(),
            p.metadata.deletion_timestamp.is_some(),
        ),
        (
            p.is_terminal(),
            &p.spec.node_name,
            &p.spec.hostname,
            &p.spec.subdomain,
        ),
        (
            &p.metadata.labels,
            p.condition("Ready").and_then(|c| c.last_transition_time),
        ),
    )
}

#[derive(Default)]
struct IndexState {
    /// Selectors of the Services that have one, by namespace and name.
    selectors: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    /// The pods each Service selects, by name, once looked up; kept
    /// current from the watch feed.
    members: BTreeMap<ObjKey, BTreeMap<String, Rc<Pod>>>,
}

/// Which pods each Service selects, kept current from the watch feed.
#[derive(Default)]
pub struct ServicePods {
    state: RefCell<IndexState>,
}

impl ServicePods {
    /// Takes in a change and queues the Services whose endpoints may differ,
    /// saying which pod (or which object) moved them.
    pub fn queue(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let mut keys = Vec::new();
        self.observe(ev, &mut keys);
        let reason = match &ev.object {
            Object::Pod(p) => QueueReason::Related(Kind::Pod, p.name().to_string()),
            o => QueueReason::Changed(o.kind(), ev.typ),
        };
        out.extend(keys.into_iter().map(|k| (k, reason.clone())));
    }

    /// Takes in a change; pushes the Services whose endpoints may differ.
    pub fn observe(&self, ev: &WatchEvent, out: &mut Vec<ObjKey>) {
        let mut st = self.state.borrow_mut();
        match &ev.object {
            Object::Service(svc) => {
                let key = ObjKey::of(&svc.metadata);
                let ns = key.namespace.clone();
                let selector = (ev.typ != WatchType::Deleted)
                    .then(|| managed_selector(svc).cloned())
                    .flatten();
                let old = st
                    .selectors
                    .get(&ns)
                    .and_then(|m| m.get(&key.name))
                    .cloned();
                if old != selector {
                    st.members.remove(&key);
                    let per_ns = st.selectors.entry(ns.clone()).or_default();
                    match selector {
                        Some(s) => {
                            per_ns.insert(key.name.clone(), s);
                        }
                        None => {
                            per_ns.remove(&key.name);
                            if per_ns.is_empty() {
                                st.selectors.remove(&ns);
                            }
                        }
                    }
                }
                out.push(key);
            }
            Object::Pod(p) => {
                let ns = p.namespace();
                let old = match &ev.old {
                    Some(Object::Pod(o)) => Some(o),
                    _ => None,
                };
                if ev.typ == WatchType::Modified
                    && old.is_some_and(|o| endpoint_view(o) == endpoint_view(p))
                {
                    return;
                }
                let IndexState { selectors, members } = &mut *st;
                let Some(services) = selectors.get(ns) else {
                    return;
                };
                for (name, selector) in services {
                    let was = old.is_some_and(|o| selects(selector, &o.metadata.labels));
                    let is = ev.typ != WatchType::Deleted && selects(selector, &p.metadata.labels);
                    if !was && !is {
                        continue;
                    }
                    let key = ObjKey::new(ns, name);
                    if let Some(set) = members.get_mut(&key) {
                        if is {
                            set.insert(p.name().to_string(), p.clone());
                        } else {
                            set.remove(p.name());
                        }
                    }
                    out.push(key);
                }
            }
            _ => {}
        }
    }

    /// The pods a Service selects, in name order.
    pub fn members(
        &self,
        api: &ApiServer,
        key: &ObjKey,
        selector: &BTreeMap<String, String>,
    ) -> Vec<Rc<Pod>> {
        let mut st = self.state.borrow_mut();
        let known = st
            .selectors
            .get(&key.namespace)
            .and_then(|m| m.get(&key.name))
            == Some(selector);
        if !known {
            st.members.remove(key);
        }
        let pods = st.members.entry(key.clone()).or_insert_with(|| {
            api.store
                .table::<Pod>()
                .iter_ns(Some(&key.namespace))
                .filter(|(_, p)| selects(selector, &p.metadata.labels))
                .map(|(name, p)| (name.to_string(), p.clone()))
                .collect()
        });
        pods.values().cloned().collect()
    }

    pub fn forget(&self, key: &ObjKey) {
        self.state.borrow_mut().members.remove(key);
    }
}

/// Simulated time a sync spends per pod: a controller syncing a Service
/// with many pods is busy meanwhile, and changes wait for the next sync.
/// Services of fewer than 100 pods cost nothing.
const SYNC_COST_PER_100_PODS: Millis = 10;
/// The longest a single sync keeps a Service busy.
const SYNC_COST_MAX: Millis = 2_000;

/// When each Service's controller may sync again.
#[derive(Default)]
pub struct SyncBudget {
    busy_until: BTreeMap<ObjKey, Millis>,
}

impl SyncBudget {
    /// How long to wait before syncing, if still busy with the last sync.
    pub fn wait(&self, key: &ObjKey, now: Millis) -> Option<Millis> {
        self.busy_until
            .get(key)
            .filter(|t| **t > now)
            .map(|t| t - now)
    }

    /// Records a sync over `pods` pods.
    pub fn spent(&mut self, key: &ObjKey, now: Millis, pods: usize) {
        let cost = ((pods as Millis) / 100 * SYNC_COST_PER_100_PODS).min(SYNC_COST_MAX);
        if cost > 0 {
            self.busy_until.insert(key.clone(), now + cost);
        } else {
            self.busy_until.remove(key);
        }
    }

    pub fn forget(&mut self, key: &ObjKey) {
        self.busy_until.remove(key);
    }
}

/// `ShouldPodBeInEndpoints`: running or pending with an IP, and (unless
/// terminating pods are included) not being deleted.
pub fn should_be_in_endpoints(p: &Pod, include_terminating: bool) -> bool {
    if p.is_terminal() {
        return false;
    }
    if p.status.pod_ip.is_empty() && p.status.pod_ips.is_empty() {
        return false;
    }
    include_terminating || p.metadata.deletion_timestamp.is_none()
}

/// `ShouldSetHostname`: a pod with a hostname in the Service's subdomain.
pub fn should_set_hostname(p: &Pod, svc: &Service) -> bool {
    !p.spec.hostname.is_empty()
        && p.spec.subdomain == svc.metadata.name()
        && p.namespace() == svc.metadata.namespace()
}

/// `FindPort`: a numeric target port as is; a named one from the pod's
/// container ports with the same name and protocol.
pub fn find_port(p: &Pod, port: &ServicePort) -> Option<i32> {
    match port.target_port.as_ref() {
        None => Some(port.port),
        Some(IntOrString::Int(i)) => Some(*i),
        Some(IntOrString::String(name)) => {
            fn proto(pr: &Protocol) -> &str {
                if pr.as_str().is_empty() {
                    "TCP"
                } else {
                    pr.as_str()
                }
            }
            p.spec
                .containers
                .iter()
                .chain(
                    p.spec
                        .init_containers
                        .iter()
                        .filter(|c| c.restart_policy.as_deref() == Some("Always")),
                )
                .flat_map(|c| c.ports.iter())
                .find(|cp| cp.name == *name && proto(&cp.protocol) == proto(&port.protocol))
                .map(|cp| cp.container_port)
        }
    }
}

/// The pod reference endpoints carry.
pub fn pod_ref(p: &Pod) -> ObjectReference {
    ObjectReference {
        kind: "Pod".to_string(),
        namespace: p.namespace().to_string(),
        name: p.name().to_string(),
        uid: p.metadata.uid().to_string(),
        ..Default::default()
    }
}

/// Tracks when the pods and Service behind an endpoints object last
/// changed (`TriggerTimeTracker`), in Unix seconds.
#[derive(Default)]
pub struct TriggerTimes {
    states: BTreeMap<ObjKey, TriggerState>,
}

#[derive(Default)]
struct TriggerState {
    /// Each pod's last readiness transition, in pod name order.
    pods: Vec<(String, i64)>,
    service: i64,
}

impl TriggerTimes {
    /// The time to publish, or None when no change is known: the Service's
    /// creation for a new Service, else the earliest change since the last
    /// sync among the pods' readiness transitions and the Service. `pods`
    /// come in name order, so the last sync's record is walked alongside.
    pub fn compute(&mut self, svc: &Service, pods: &[Rc<Pod>]) -> Option<i64> {
        let key = ObjKey::of(&svc.metadata);
        let known = self.states.contains_key(&key);
        let state = self.states.entry(key).or_default();
        let mut min_changed: Option<i64> = None;
        let mut seen: Vec<(String, i64)> = Vec::with_capacity(pods.len());
        let mut last = std::mem::take(&mut state.pods).into_iter().peekable();
        for p in pods {
            let Some(t) = p.condition("Ready").and_then(|c| c.last_transition_time) else {
                continue;
            };
            let t = t.seconds();
            let name = p.name();
            while last.next_if(|(n, _)| n.as_str() < name).is_some() {}
            let entry = match last.next_if(|(n, _)| n == name) {
                Some((n, before)) if t <= before => (n, t),
                Some((n, _)) => {
                    min_changed = Some(min_changed.map_or(t, |m| m.min(t)));
                    (n, t)
                }
                None => {
                    min_changed = Some(min_changed.map_or(t, |m| m.min(t)));
                    (name.to_string(), t)
                }
            };
            seen.push(entry);
        }
        state.pods = seen;
        let created = svc.metadata.creation_timestamp.map_or(0, |t| t.seconds());
        if created > state.service {
            min_changed = Some(min_changed.map_or(created, |m| m.min(created)));
        }
        state.service = created;
        if !known {
            return Some(created);
        }
        min_changed
    }

    pub fn forget(&mut self, key: &ObjKey) {
        self.states.remove(key);
    }
}

/// Sets or clears the trigger-time annotation.
pub fn set_trigger_time(meta: &mut ObjectMeta, t: Option<i64>) {
    match t {
        Some(t) => {
            meta.annotations
                .insert(LAST_CHANGE_TRIGGER_TIME.to_string(), format_rfc3339(t));
        }
        None => {
            meta.annotations.remove(LAST_CHANGE_TRIGGER_TIME);
        }
    }
}

/// Keeps Endpoints objects in step with the pods Services select.
#[derive(Default)]
pub struct EndpointsController {
    pods: ServicePods,
    triggers: TriggerTimes,
    budget: SyncBudget,
}

impl Controller for EndpointsController {
    fn id(&self) -> CtrlId {
        CtrlId::Endpoints
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if let Object::Endpoints(e) = &ev.object {
            // A deleted Endpoints object is rebuilt if its Service wants one.
            if ev.typ == WatchType::Deleted {
                out.push((
                    ObjKey::of(&e.metadata),
                    QueueReason::Changed(Kind::Endpoints, ev.typ),
                ));
            }
            return;
        }
        self.pods.queue(ev, out);
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(svc) = api.store.get::<Service>(&key.namespace, &key.name).cloned() else {
            // The Service is gone: so are its endpoints.
            self.triggers.forget(key);
            self.pods.forget(key);
            if api
                .store
                .get::<Endpoints>(&key.namespace, &key.name)
                .is_some()
            {
                match api.delete::<Endpoints>(&key.namespace, &key.name, &DeleteOptions::default())
                {
                    Ok(_) => {}
                    Err(e) if e.reason == Reason::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            return Ok(Action::AwaitChange);
        };
        let Some(selector) = managed_selector(&svc).cloned() else {
            return Ok(Action::AwaitChange);
        };
        let now = api.now();
        if let Some(wait) = self.budget.wait(key, now) {
            return Ok(Action::RequeueAfter(wait));
        }
        let pods = self.pods.members(api, key, &selector);
        self.budget.spent(key, now, pods.len());
        let trigger = self.triggers.compute(&svc, &pods);
        let (subsets, truncated) = desired_subsets(&svc, &pods);

        let current = api
            .store
            .get::<Endpoints>(&key.namespace, &key.name)
            .cloned();
        let mut labels = svc.metadata.labels.clone();
        if svc.is_headless() {
            labels.insert(HEADLESS_LABEL.to_string(), String::new());
        } else {
            labels.remove(HEADLESS_LABEL);
        }
        if let Some(cur) = &current {
            let mut compare = cur.metadata.labels.clone();
            compare.remove(HEADLESS_LABEL);
            let capacity_noted = cur.metadata.annotation(OVER_CAPACITY).is_some() == truncated;
            if cur.subsets == subsets && compare == svc.metadata.labels && capacity_noted {
                return Ok(Action::AwaitChange);
            }
        }
        let mut eps = match &current {
            Some(cur) => (**cur).clone(),
            None => Endpoints {
                metadata: ObjectMeta {
                    name: Some(key.name.clone()),
                    namespace: Some(key.namespace.clone()),
                    ..Default::default()
                },
                ..Default::default()
            },
        };
        eps.subsets = subsets;
        if truncated {
            eps.metadata
                .annotations
                .insert(OVER_CAPACITY.to_string(), "truncated".to_string());
        } else {
            eps.metadata.annotations.remove(OVER_CAPACITY);
        }
        eps.metadata.labels = labels;
        set_trigger_time(&mut eps.metadata, trigger);
        let result = if current.is_some() {
            api.update(eps, &WriteOptions::default()).map(|_| ())
        } else {
            api.create(eps, &WriteOptions::default()).map(|_| ())
        };
        match result {
            Ok(()) => Ok(Action::AwaitChange),
            // Someone else wrote it meanwhile: look again.
            Err(e) if matches!(e.reason, Reason::AlreadyExists | Reason::Conflict) => {
                Ok(Action::RequeueAfter(super::REACTION))
            }
            Err(e) => Err(e),
        }
    }
}

/// The pod's IP as endpoints list it.
pub fn pod_ip(p: &Pod) -> &str {
    if p.status.pod_ip.is_empty() {
        p.status.pod_ips.first().map_or("", |i| i.ip.as_str())
    } else {
        &p.status.pod_ip
    }
}

/// The subsets the controller wants, as `RepackSubsets` leaves them: the
/// ports that reach the same addresses share a subset, and addresses sort
/// by IP as text, then by pod uid. With more than the capacity, only the
/// addresses `truncate` keeps are built.
pub fn desired_subsets(svc: &Service, pods: &[Rc<Pod>]) -> (Vec<EndpointSubset>, bool) {
    let tolerate_unready = svc.spec.publish_not_ready_addresses;
    let mut eligible: Vec<&Rc<Pod>> = pods
        .iter()
        .filter(|p| should_be_in_endpoints(p, tolerate_unready))
        .collect();
    crate::util::sort::sort_by(&mut eligible, |a, b| {
        pod_ip(a)
            .cmp(pod_ip(b))
            .then_with(|| a.metadata.uid().cmp(b.metadata.uid()))
    });
    let ready: Vec<bool> = eligible
        .iter()
        .map(|p| tolerate_unready || p.is_ready())
        .collect();
    // Which pods (by position) each resolved port reaches; a sentinel port
    // for port-less headless Services.
    let mut by_port: BTreeMap<PortKey, Vec<u32>> = BTreeMap::new();
    for (i, p) in eligible.iter().enumerate() {
        if svc.spec.ports.is_empty() {
            if svc.is_headless() {
                by_port
                    .entry(PortKey::sentinel())
                    .or_default()
                    .push(i as u32);
            }
            continue;
        }
        for sp in &svc.spec.ports {
            if let Some(port) = find_port(p, sp) {
                by_port
                    .entry(PortKey::of(sp, port))
                    .or_default()
                    .push(i as u32);
            }
        }
    }
    // Ports reaching the same pods share a subset.
    let mut groups: BTreeMap<Vec<u32>, Vec<PortKey>> = BTreeMap::new();
    for (port, members) in by_port {
        groups.entry(members).or_default().push(port);
    }
    let mut shapes: Vec<(Vec<u32>, Vec<PortKey>)> = groups.into_iter().collect();
    crate::util::sort::sort_by_key(&mut shapes, |(members, _)| members.first().copied());
    // Counts decide the truncation before any address is built.
    let counts: Vec<(usize, usize)> = shapes
        .iter()
        .map(|(m, _)| {
            let r = m.iter().filter(|i| ready[**i as usize]).count();
            (r, m.len() - r)
        })
        .collect();
    let (keep, truncated) = truncation(&counts);
    let subsets = shapes
        .into_iter()
        .zip(keep)
        .map(|((members, ports), (keep_ready, keep_not_ready))| {
            let addr = |i: u32| {
                let p = eligible[i as usize];
                EndpointAddress {
                    ip: pod_ip(p).to_string(),
                    hostname: if should_set_hostname(p, svc) {
                        p.spec.hostname.clone()
                    } else {
                        String::new()
                    },
                    node_name: p.node_name().map(str::to_string),
                    target_ref: Some(pod_ref(p)),
                }
            };
            EndpointSubset {
                addresses: members
                    .iter()
                    .filter(|i| ready[**i as usize])
                    .take(keep_ready)
                    .map(|i| addr(*i))
                    .collect(),
                not_ready_addresses: members
                    .iter()
                    .filter(|i| !ready[**i as usize])
                    .take(keep_not_ready)
                    .map(|i| addr(*i))
                    .collect(),
                ports: ports
                    .into_iter()
                    .filter(|p| p.port > 0)
                    .map(PortKey::into_port)
                    .collect(),
            }
        })
        .collect();
    (subsets, truncated)
}

/// `truncateEndpoints` on counts: how many (ready, not ready) addresses
/// of each subset to keep, ready ones first, sharing the room among
/// subsets by size; and whether anything is cut.
fn truncation(counts: &[(usize, usize)]) -> (Vec<(usize, usize)>, bool) {
    let ready: usize = counts.iter().map(|c| c.0).sum();
    let not_ready: usize = counts.iter().map(|c| c.1).sum();
    if ready + not_ready <= MAX_CAPACITY {
        return (counts.to_vec(), false);
    }
    let cut_ready = ready > MAX_CAPACITY;
    let (max, total) = if cut_ready {
        (MAX_CAPACITY, ready)
    } else {
        (MAX_CAPACITY - ready, not_ready)
    };
    let mut room = max;
    let keep = counts
        .iter()
        .map(|&(r, n)| {
            let size = if cut_ready { r } else { n };
            let share = (size * max).div_ceil(total.max(1)).min(room).min(size);
            room -= share;
            if cut_ready {
                (share, 0)
            } else {
                (r, share)
            }
        })
        .collect();
    (keep, true)
}

/// An endpoint port as a sortable key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct PortKey {
    name: String,
    port: i32,
    protocol: String,
    app_protocol: Option<String>,
}

impl PortKey {
    fn of(sp: &ServicePort, port: i32) -> PortKey {
        PortKey {
            name: sp.name.clone(),
            port,
            protocol: sp.protocol.as_str().to_string(),
            app_protocol: sp.app_protocol.clone(),
        }
    }

    fn sentinel() -> PortKey {
        PortKey {
            name: String::new(),
            port: -1,
            protocol: String::new(),
            app_protocol: None,
        }
    }

    fn into_port(self) -> EndpointPort {
        EndpointPort {
            name: self.name,
            port: self.port,
            protocol: Protocol::parse(&self.protocol),
            app_protocol: self.app_protocol,
        }
    }
}

/// The Services a kubeadm cluster starts with: the API server's own
/// `kubernetes` Service with the Endpoints and EndpointSlice its endpoint
/// reconciler keeps (the control plane's address, port 6443), and the
/// cluster DNS Service `kube-dns` in kube-system.
pub fn bootstrap_services(api: &mut ApiServer) {
    use crate::api::corev1::{ServicePort, ServiceSpec};
    use crate::api::discovery::{
        AddressType, Endpoint, EndpointConditions, EndpointPort as SlicePort, EndpointSlice,
        SERVICE_NAME_LABEL,
    };
    use crate::api::resource::Resource;

    let pairs = |kv: &[(&str, &str)]| -> BTreeMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let port = |name: &str, port: i32, target: i32, protocol: Protocol| ServicePort {
        name: name.to_string(),
        protocol,
        port,
        target_port: Some(IntOrString::Int(target)),
        ..Default::default()
    };
    let mut kubernetes = Service {
        metadata: ObjectMeta {
            name: Some("kubernetes".to_string()),
            namespace: Some("default".to_string()),
            labels: pairs(&[("component", "apiserver"), ("provider", "kubernetes")]),
            ..Default::default()
        },
        spec: ServiceSpec {
            cluster_ip: "10.96.0.1".to_string(),
            ports: vec![port("https", 443, 6443, Protocol::Tcp)],
            ..Default::default()
        },
        ..Default::default()
    };
    kubernetes.set_defaults();
    let _ = api.create(kubernetes, &WriteOptions::default());

    let apiserver_ip = crate::kubelet::node_ip(0);
    let endpoints = Endpoints {
        metadata: ObjectMeta {
            name: Some("kubernetes".to_string()),
            namespace: Some("default".to_string()),
            labels: pairs(&[("endpointslice.kubernetes.io/skip-mirror", "true")]),
            ..Default::default()
        },
        subsets: vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip: apiserver_ip.clone(),
                ..Default::default()
            }],
            ports: vec![EndpointPort {
                name: "https".to_string(),
                port: 6443,
                protocol: Protocol::Tcp,
                app_protocol: None,
            }],
            ..Default::default()
        }],
    };
    let _ = api.create(endpoints, &WriteOptions::default());
    let slice = EndpointSlice {
        metadata: ObjectMeta {
            name: Some("kubernetes".to_string()),
            namespace: Some("default".to_string()),
            labels: pairs(&[(SERVICE_NAME_LABEL, "kubernetes")]),
            ..Default::default()
        },
        address_type: AddressType::IPv4,
        endpoints: Some(vec![Endpoint {
            addresses: vec![apiserver_ip],
            conditions: EndpointConditions {
                ready: Some(true),
                ..Default::default()
            },
            ..Default::default()
        }]),
        ports: Some(vec![SlicePort {
            name: Some("https".to_string()),
            protocol: Some(Protocol::Tcp),
            port: Some(6443),
            app_protocol: None,
        }]),
    };
    let _ = api.create(slice, &WriteOptions::default());

    let mut dns = Service {
        metadata: ObjectMeta {
            name: Some("kube-dns".to_string()),
            namespace: Some("kube-system".to_string()),
            labels: pairs(&[
                ("k8s-app", "kube-dns"),
                ("kubernetes.io/cluster-service", "true"),
                ("kubernetes.io/name", "CoreDNS"),
            ]),
            annotations: pairs(&[
                ("prometheus.io/port", "9153"),
                ("prometheus.io/scrape", "true"),
            ]),
            ..Default::default()
        },
        spec: ServiceSpec {
            cluster_ip: "10.96.0.10".to_string(),
            selector: pairs(&[("k8s-app", "kube-dns")]),
            ports: vec![
                port("dns", 53, 53, Protocol::Udp),
                port("dns-tcp", 53, 53, Protocol::Tcp),
                port("metrics", 9153, 9153, Protocol::Tcp),
            ],
            ..Default::default()
        },
        ..Default::default()
    };
    dns.set_defaults();
    let _ = api.create(dns, &WriteOptions::default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ready_since: Option<i64>) -> Rc<Pod> {
        let mut p = Pod::default();
        p.metadata.name = Some(name.to_string());
        p.metadata.namespace = Some("default".to_string());
        if let Some(t) = ready_since {
            p.status.conditions.push(crate::api::corev1::PodCondition {
                type_: "Ready".to_string(),
                status: "True".to_string(),
                last_transition_time: Some(crate::api::time::Time(t)),
                ..Default::default()
            });
        }
        Rc::new(p)
    }

    #[test]
    fn trigger_times_report_the_earliest_change_since_the_last_sync() {
        let mut svc = Service::default();
        svc.metadata.name = Some("web".to_string());
        svc.metadata.namespace = Some("default".to_string());
        svc.metadata.creation_timestamp = Some(crate::api::time::Time(100));
        type Sync = (&'static str, Vec<(&'static str, Option<i64>)>, Option<i64>);
        let syncs: Vec<Sync> = vec![
            (
                "a new Service reports its creation",
                vec![("a", Some(120))],
                Some(100),
            ),
            (
                "nothing changed reports nothing",
                vec![("a", Some(120))],
                None,
            ),
            (
                "a new pod reports its transition",
                vec![("a", Some(120)), ("b", Some(130))],
                Some(130),
            ),
            (
                "the earliest of several changes wins",
                vec![("a", Some(150)), ("b", Some(140)), ("c", Some(145))],
                Some(140),
            ),
            (
                "a pod without a Ready condition is not a change",
                vec![("a", Some(150)), ("b", Some(140)), ("bb", None)],
                None,
            ),
            (
                "a pod that left and came back counts as new",
                vec![("a", Some(150)), ("b", Some(140)), ("c", Some(145))],
                Some(145),
            ),
        ];
        let mut t = TriggerTimes::default();
        for (name, pods, want) in syncs {
            let pods: Vec<Rc<Pod>> = pods.into_iter().map(|(n, r)| pod(n, r)).collect();
            assert_eq!(t.compute(&svc, &pods), want, "{name}");
        }
    }

    /// (ready, not ready) address counts per subset.
    type Counts = Vec<(usize, usize)>;

    #[test]
    fn truncation_keeps_ready_addresses_first_and_shares_by_size() {
        let cases: [(&str, Counts, Counts, bool); 4] = [
            (
                "under capacity is untouched",
                vec![(600, 300)],
                vec![(600, 300)],
                false,
            ),
            (
                "not-ready addresses are cut first",
                vec![(900, 300)],
                vec![(900, 100)],
                true,
            ),
            (
                "too many ready drops the not-ready",
                vec![(1200, 50)],
                vec![(1000, 0)],
                true,
            ),
            (
                "subsets share the room in proportion",
                vec![(900, 0), (300, 0)],
                vec![(750, 0), (250, 0)],
                true,
            ),
        ];
        for (name, counts, want, cut) in cases {
            assert_eq!(truncation(&counts), (want, cut), "{name}");
        }
    }
}
