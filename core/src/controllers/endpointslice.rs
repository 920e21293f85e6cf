//! The EndpointSlice controller (`pkg/controller/endpointslice`, the
//! reconciler in `staging/src/k8s.io/endpointslice`): the pods a Service
//! selects, as EndpointSlices of at most 100 endpoints with ready, serving
//! and terminating conditions; and the mirroring controller
//! (`pkg/controller/endpointslicemirroring`), which copies hand-written
//! Endpoints of Services without a selector into slices.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::endpoints::{
    find_port, managed_selector, pod_ip, pod_ref, set_trigger_time, should_be_in_endpoints,
    should_set_hostname, ServicePods, SyncBudget, TriggerTimes, HEADLESS_LABEL,
    LAST_CHANGE_TRIGGER_TIME,
};
use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{EndpointAddress, Endpoints, Pod, Service};
use crate::api::discovery::{
    AddressType, Endpoint, EndpointConditions, EndpointPort, EndpointSlice, MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
};
use crate::api::meta::{IntOrString, ObjectMeta, OwnerReference};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent};
use crate::util::sort;

/// The managed-by value of the slices this controller owns.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// The managed-by value of mirrored slices.
pub const MIRRORING_CONTROLLER_NAME: &str = "endpointslicemirroring-controller.k8s.io";
/// Endpoints with this label set to "true" are not mirrored.
pub const SKIP_MIRROR_LABEL: &str = "endpointslice.kubernetes.io/skip-mirror";
/// Most endpoints in one slice (`--max-endpoints-per-slice`).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// Most addresses the mirroring controller copies from one Endpoints.
const MAX_MIRRORED: usize = 1000;

/// `getEndpointSlicePrefix`: `<service>-`, or `slice-` when that would
/// not make a valid name.
fn slice_prefix(service: &str) -> String {
    let prefix = format!("{service}-");
    let valid = prefix.len() <= 58
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && prefix
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if valid {
        prefix
    } else {
        "slice-".to_string()
    }
}

/// The identity of an endpoint within a slice set: its addresses, hostname
/// and target (`endpointHash`); conditions and node may change in place.
fn endpoint_key(ep: &Endpoint) -> (Vec<String>, Option<String>, Option<(String, String)>) {
    let mut addrs = ep.addresses.clone();
    sort::sort(&mut addrs);
    (
        addrs,
        ep.hostname.clone(),
        ep.target_ref
            .as_ref()
            .map(|r| (r.namespace.clone(), r.name.clone())),
    )
}

type EndpointKey = (Vec<String>, Option<String>, Option<(String, String)>);

/// Ports as a key for grouping endpoints into slices.
fn ports_key(ports: &[EndpointPort]) -> Vec<(String, i32, String, Option<String>)> {
    let mut k: Vec<_> = ports
        .iter()
        .map(|p| {
            (
                p.name.clone().unwrap_or_default(),
                p.port.unwrap_or(0),
                p.protocol
                    .as_ref()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                p.app_protocol.clone(),
            )
        })
        .collect();
    sort::sort(&mut k);
    k
}

type PortsKey = Vec<(String, i32, String, Option<String>)>;

/// Labels of a controller-managed slice (`setEndpointSliceLabels`): the
/// Service's, minus reserved keys, plus the reserved ones.
fn slice_labels(svc: &Service, manager: &str) -> BTreeMap<String, String> {
    let reserved = [SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL];
    let mut labels: BTreeMap<String, String> = svc
        .metadata
        .labels
        .iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if svc.is_headless() {
        labels.insert(HEADLESS_LABEL.to_string(), String::new());
    }
    labels.insert(
        SERVICE_NAME_LABEL.to_string(),
        svc.metadata.name().to_string(),
    );
    labels.insert(MANAGED_BY_LABEL.to_string(), manager.to_string());
    labels
}

/// `podToEndpoint`.
fn pod_to_endpoint(p: &Pod, svc: &Service) -> Endpoint {
    let serving = p.is_ready();
    let terminating = p.metadata.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    Endpoint {
        addresses: vec![pod_ip(p).to_string()],
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hostname: should_set_hostname(p, svc).then(|| p.spec.hostname.clone()),
        target_ref: Some(pod_ref(p)),
        node_name: p.node_name().map(str::to_string),
        ..Default::default()
    }
}

/// `getEndpointPorts`: the Service's ports resolved against the pod.
fn endpoint_ports(p: &Pod, svc: &Service) -> Vec<EndpointPort> {
    svc.spec
        .ports
        .iter()
        .filter_map(|sp| {
            let port = find_port(p, sp)?;
            Some(EndpointPort {
                name: Some(sp.name.clone()),
                protocol: Some(sp.protocol.clone()),
                port: Some(port),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

/// What the reconciler wants: endpoints grouped by their ports.
struct Desired {
    ports: BTreeMap<PortsKey, Vec<EndpointPort>>,
    endpoints: BTreeMap<PortsKey, BTreeMap<EndpointKey, Endpoint>>,
}

/// The writes one reconcile makes.
#[derive(Default)]
struct Plan {
    create: Vec<EndpointSlice>,
    update: Vec<EndpointSlice>,
    delete: Vec<Rc<EndpointSlice>>,
}

/// Fits the desired endpoints into the existing slices of one manager
/// (`reconcileByAddressType`): keeps endpoints in place, updates changed
/// ones, drops the unwanted, fills slices being written anyway, and makes
/// new slices for the rest; an empty set keeps one placeholder slice.
fn plan_slices(
    existing: &[Rc<EndpointSlice>],
    mut desired: Desired,
    labels: &BTreeMap<String, String>,
    template: &dyn Fn(&[EndpointPort]) -> EndpointSlice,
) -> Plan {
    let mut plan = Plan::default();
    let mut unchanged: Vec<Rc<EndpointSlice>> = Vec::new();
    for slice in existing {
        let pk = ports_key(slice.ports());
        let Some(wanted) = desired.endpoints.get_mut(&pk) else {
            plan.delete.push(slice.clone());
            continue;
        };
        let mut changed = slice.metadata.labels != *labels;
        let mut kept: Vec<Endpoint> = Vec::new();
        for ep in slice.endpoints() {
            match wanted.remove(&endpoint_key(ep)) {
                Some(want) => {
                    if want != *ep {
                        changed = true;
                    }
                    kept.push(want);
                }
                None => changed = true,
            }
        }
        if kept.is_empty() {
            plan.delete.push(slice.clone());
        } else if changed {
            let mut s = (**slice).clone();
            s.endpoints = Some(kept);
            s.metadata.labels = labels.clone();
            plan.update.push(s);
        } else {
            unchanged.push(slice.clone());
        }
    }
    for (pk, wanted) in std::mem::take(&mut desired.endpoints) {
        let rest: Vec<Endpoint> = wanted.into_values().collect();
        let ports = desired.ports.get(&pk).cloned().unwrap_or_default();
        fill(
            &mut plan,
            &mut unchanged,
            &pk,
            rest,
            &ports,
            labels,
            template,
        );
    }
    add_placeholder(&mut plan, existing.len(), labels, template);
    plan
}

/// Places new endpoints: into slices written anyway while they have room,
/// then into one unchanged slice that can take them all, then into new
/// slices of at most 100.
fn fill(
    plan: &mut Plan,
    unchanged: &mut Vec<Rc<EndpointSlice>>,
    pk: &PortsKey,
    mut rest: Vec<Endpoint>,
    ports: &[EndpointPort],
    labels: &BTreeMap<String, String>,
    template: &dyn Fn(&[EndpointPort]) -> EndpointSlice,
) {
    if rest.is_empty() {
        return;
    }
    for s in plan.update.iter_mut() {
        if ports_key(s.ports()) != *pk {
            continue;
        }
        let eps = s.endpoints.get_or_insert_with(Vec::new);
        let room = MAX_ENDPOINTS_PER_SLICE.saturating_sub(eps.len());
        let n = room.min(rest.len());
        eps.extend(rest.drain(..n));
    }
    if !rest.is_empty() {
        let fits = unchanged.iter().position(|s| {
            ports_key(s.ports()) == *pk
                && s.endpoints().len() + rest.len() <= MAX_ENDPOINTS_PER_SLICE
        });
        if let Some(i) = fits {
            let mut s = (*unchanged.remove(i)).clone();
            s.endpoints
                .get_or_insert_with(Vec::new)
                .extend(std::mem::take(&mut rest));
            s.metadata.labels = labels.clone();
            plan.update.push(s);
        }
    }
    for chunk in rest.chunks(MAX_ENDPOINTS_PER_SLICE) {
        let mut s = template(ports);
        s.endpoints = Some(chunk.to_vec());
        plan.create.push(s);
    }
}

/// With nothing to serve, one empty slice still names the Service.
fn add_placeholder(
    plan: &mut Plan,
    existing: usize,
    labels: &BTreeMap<String, String>,
    template: &dyn Fn(&[EndpointPort]) -> EndpointSlice,
) {
    if plan.delete.len() != existing || !plan.create.is_empty() || !plan.update.is_empty() {
        return;
    }
    let is_placeholder = |s: &EndpointSlice| {
        s.endpoints().is_empty() && s.ports().is_empty() && s.metadata.labels == *labels
    };
    if plan.delete.len() == 1 && is_placeholder(&plan.delete[0]) {
        plan.delete.clear();
    } else {
        plan.create.push(template(&[]));
    }
}

/// Whether a slice endpoint already says what `pod_to_endpoint` would.
fn endpoint_matches(ep: &Endpoint, p: &Pod, svc: &Service) -> bool {
    let serving = p.is_ready();
    let terminating = p.metadata.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    let hostname = should_set_hostname(p, svc).then_some(p.spec.hostname.as_str());
    ep.addresses.len() == 1
        && ep.addresses[0] == pod_ip(p)
        && ep.conditions.ready == Some(ready)
        && ep.conditions.serving == Some(serving)
        && ep.conditions.terminating == Some(terminating)
        && ep.hostname.as_deref() == hostname
        && ep.node_name.as_deref() == p.node_name()
        && ep.zone.is_none()
        && ep.hints.is_none()
        && ep.deprecated_topology.is_empty()
        && ep.target_ref.as_ref().is_some_and(|r| *r == pod_ref(p))
}

/// The slice plan for the pods a Service selects (pods in name order):
/// endpoints stay where they are, changed ones are rewritten in place, new
/// ones fill slices as `fill` says. Unchanged slices are not copied.
fn plan_pod_slices(
    existing: &[Rc<EndpointSlice>],
    svc: &Service,
    pods: &[Rc<Pod>],
    labels: &BTreeMap<String, String>,
    template: &dyn Fn(&[EndpointPort]) -> EndpointSlice,
) -> Plan {
    // Ports are the same for every pod unless a target port is named.
    let all_numeric = svc
        .spec
        .ports
        .iter()
        .all(|sp| !matches!(sp.target_port, Some(IntOrString::String(_))));
    let shared_ports = pods.first().map(|p| endpoint_ports(p, svc));
    let mut groups: Vec<(PortsKey, Vec<EndpointPort>, Vec<usize>)> = Vec::new();
    let mut group_index: BTreeMap<PortsKey, usize> = BTreeMap::new();
    let mut group_of: Vec<usize> = vec![usize::MAX; pods.len()];
    for (i, p) in pods.iter().enumerate() {
        if !should_be_in_endpoints(p, true) {
            continue;
        }
        let ports = if svc.spec.ports.is_empty() && svc.is_headless() {
            Vec::new()
        } else if all_numeric {
            shared_ports.clone().unwrap_or_default()
        } else {
            endpoint_ports(p, svc)
        };
        let g = if all_numeric && !groups.is_empty() {
            0
        } else {
            let pk = ports_key(&ports);
            *group_index.entry(pk.clone()).or_insert_with(|| {
                groups.push((pk, ports, Vec::new()));
                groups.len() - 1
            })
        };
        groups[g].2.push(i);
        group_of[i] = g;
    }
    let mut placed = vec![false; pods.len()];
    let mut plan = Plan::default();
    let mut unchanged: Vec<Rc<EndpointSlice>> = Vec::new();
    for slice in existing {
        let Some(&g) = group_index.get(&ports_key(slice.ports())) else {
            plan.delete.push(slice.clone());
            continue;
        };
        // First decide, without copying, what becomes of each endpoint.
        let mut changed = slice.metadata.labels != *labels;
        let mut fate: Vec<Option<(usize, bool)>> = Vec::with_capacity(slice.endpoints().len());
        // Slices mostly list pods in name order: try the pod after the
        // last one found before searching.
        let mut next = 0usize;
        for ep in slice.endpoints() {
            let found = ep.target_ref.as_ref().and_then(|r| {
                if r.namespace != svc.metadata.namespace() {
                    return None;
                }
                if pods.get(next).is_some_and(|p| p.name() == r.name) {
                    return Some(next);
                }
                pods.binary_search_by(|p| p.name().cmp(&r.name)).ok()
            });
            if let Some(i) = found {
                next = i + 1;
            }
            match found {
                Some(i) if group_of[i] == g && !placed[i] => {
                    placed[i] = true;
                    let same = endpoint_matches(ep, &pods[i], svc);
                    changed |= !same;
                    fate.push(Some((i, same)));
                }
                _ => {
                    changed = true;
                    fate.push(None);
                }
            }
        }
        let kept = fate.iter().flatten().count();
        if kept == 0 {
            plan.delete.push(slice.clone());
        } else if changed {
            let endpoints = slice
                .endpoints()
                .iter()
                .zip(&fate)
                .filter_map(|(ep, f)| match f {
                    Some((_, true)) => Some(ep.clone()),
                    Some((i, false)) => Some(pod_to_endpoint(&pods[*i], svc)),
                    None => None,
                })
                .collect();
            let mut s = (**slice).clone();
            s.endpoints = Some(endpoints);
            s.metadata.labels = labels.clone();
            plan.update.push(s);
        } else {
            unchanged.push(slice.clone());
        }
    }
    for (pk, ports, members) in &groups {
        let rest: Vec<Endpoint> = members
            .iter()
            .filter(|i| !placed[**i])
            .map(|i| pod_to_endpoint(&pods[*i], svc))
            .collect();
        fill(&mut plan, &mut unchanged, pk, rest, ports, labels, template);
    }
    add_placeholder(&mut plan, existing.len(), labels, template);
    plan
}

/// Writes a plan, stamping the trigger time on what it writes.
fn apply_plan(plan: Plan, trigger: Option<i64>, api: &mut ApiServer) -> Result<(), ApiError> {
    for s in plan.delete {
        match api.delete::<EndpointSlice>(
            s.metadata.namespace(),
            s.metadata.name(),
            &DeleteOptions::default(),
        ) {
            Ok(_) => {}
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    for mut s in plan.update {
        if trigger.is_some() {
            set_trigger_time(&mut s.metadata, trigger);
        }
        api.update(s, &WriteOptions::default())?;
    }
    for mut s in plan.create {
        if trigger.is_some() {
            set_trigger_time(&mut s.metadata, trigger);
        }
        api.create(s, &WriteOptions::default())?;
    }
    Ok(())
}

/// Slices in a namespace that one manager keeps for one Service.
fn managed_slices(api: &ApiServer, key: &ObjKey, manager: &str) -> Vec<Rc<EndpointSlice>> {
    api.store
        .table::<EndpointSlice>()
        .iter_ns(Some(&key.namespace))
        .map(|(_, s)| s)
        .filter(|s| {
            s.metadata.label(SERVICE_NAME_LABEL) == Some(key.name.as_str())
                && s.metadata.label(MANAGED_BY_LABEL) == Some(manager)
        })
        .cloned()
        .collect()
}

fn controller_ref(api_version: &str, kind: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: meta.name().to_string(),
        uid: meta.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The slice of a (possibly empty) Service port set.
fn none_if_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

/// Keeps EndpointSlices in step with the pods Services select.
#[derive(Default)]
pub struct EndpointSliceController {
    pods: ServicePods,
    triggers: TriggerTimes,
    budget: SyncBudget,
}

impl Controller for EndpointSliceController {
    fn id(&self) -> CtrlId {
        CtrlId::EndpointSlice
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        if let Object::EndpointSlice(s) = &ev.object {
            // Someone else changed or removed a slice we manage.
            if s.metadata.label(MANAGED_BY_LABEL) == Some(CONTROLLER_NAME) {
                if let Some(svc) = s.service_name() {
                    out.push((
                        ObjKey::new(s.metadata.namespace(), svc),
                        QueueReason::Related(Kind::EndpointSlice, s.metadata.name().to_string()),
                    ));
                }
            }
            return;
        }
        self.pods.queue(ev, out);
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(svc) = api.store.get::<Service>(&key.namespace, &key.name).cloned() else {
            // The garbage collector removes the slices with their owner.
            self.triggers.forget(key);
            self.pods.forget(key);
            self.budget.forget(key);
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
        let existing = managed_slices(api, key, CONTROLLER_NAME);
        let labels = slice_labels(&svc, CONTROLLER_NAME);
        let owner = controller_ref("v1", "Service", &svc.metadata);
        let template = |ports: &[EndpointPort]| EndpointSlice {
            metadata: ObjectMeta {
                generate_name: Some(slice_prefix(svc.metadata.name())),
                namespace: Some(key.namespace.clone()),
                labels: labels.clone(),
                owner_references: vec![owner.clone()],
                ..Default::default()
            },
            address_type: AddressType::IPv4,
            endpoints: None,
            ports: none_if_empty(ports.to_vec()),
        };
        let plan = plan_pod_slices(&existing, &svc, &pods, &labels, &template);
        apply_plan(plan, trigger, api)?;
        Ok(Action::AwaitChange)
    }
}

/// `addressToEndpoint` of the mirroring controller.
fn address_to_endpoint(a: &EndpointAddress, ready: bool) -> Endpoint {
    Endpoint {
        addresses: vec![a.ip.clone()],
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: None,
            terminating: None,
        },
        hostname: (!a.hostname.is_empty()).then(|| a.hostname.clone()),
        target_ref: a.target_ref.clone(),
        node_name: a.node_name.clone(),
        ..Default::default()
    }
}

/// Copies hand-written Endpoints of selector-less Services into slices.
pub struct MirroringController;

impl Controller for MirroringController {
    fn id(&self) -> CtrlId {
        CtrlId::EndpointSliceMirroring
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let key = match &ev.object {
            Object::Endpoints(e) => ObjKey::of(&e.metadata),
            Object::Service(s) => ObjKey::of(&s.metadata),
            Object::EndpointSlice(s)
                if s.metadata.label(MANAGED_BY_LABEL) == Some(MIRRORING_CONTROLLER_NAME) =>
            {
                match s.service_name() {
                    Some(svc) => ObjKey::new(s.metadata.namespace(), svc),
                    None => return,
                }
            }
            _ => return,
        };
        out.push((key, QueueReason::Changed(ev.object.kind(), ev.typ)));
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let existing = managed_slices(api, key, MIRRORING_CONTROLLER_NAME);
        let svc = api.store.get::<Service>(&key.namespace, &key.name).cloned();
        let eps = api
            .store
            .get::<Endpoints>(&key.namespace, &key.name)
            .cloned();
        let mirror = match (&svc, &eps) {
            (Some(s), Some(e)) => {
                s.spec.selector.is_empty() && e.metadata.label(SKIP_MIRROR_LABEL) != Some("true")
            }
            _ => false,
        };
        let (Some(eps), true) = (eps, mirror) else {
            // Nothing to mirror: remove what was mirrored before.
            for s in existing {
                match api.delete::<EndpointSlice>(
                    s.metadata.namespace(),
                    s.metadata.name(),
                    &DeleteOptions::default(),
                ) {
                    Ok(_) => {}
                    Err(e) if e.reason == Reason::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            return Ok(Action::AwaitChange);
        };
        let mut labels: BTreeMap<String, String> = eps
            .metadata
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != MANAGED_BY_LABEL && k.as_str() != SERVICE_NAME_LABEL)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        labels.insert(SERVICE_NAME_LABEL.to_string(), key.name.clone());
        labels.insert(
            MANAGED_BY_LABEL.to_string(),
            MIRRORING_CONTROLLER_NAME.to_string(),
        );
        let annotations: BTreeMap<String, String> = eps
            .metadata
            .annotations
            .iter()
            .filter(|(k, _)| {
                k.as_str() != "kubectl.kubernetes.io/last-applied-configuration"
                    && k.as_str() != LAST_CHANGE_TRIGGER_TIME
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut desired = Desired {
            ports: BTreeMap::new(),
            endpoints: BTreeMap::new(),
        };
        let mut total = 0;
        for subset in &eps.subsets {
            let ports: Vec<EndpointPort> = subset
                .ports
                .iter()
                .map(|p| EndpointPort {
                    name: Some(p.name.clone()),
                    protocol: Some(p.protocol.clone()),
                    port: Some(p.port),
                    app_protocol: p.app_protocol.clone(),
                })
                .collect();
            let pk = ports_key(&ports);
            desired.ports.entry(pk.clone()).or_insert(ports);
            let group = desired.endpoints.entry(pk).or_default();
            let addrs = subset
                .addresses
                .iter()
                .map(|a| (a, true))
                .chain(subset.not_ready_addresses.iter().map(|a| (a, false)));
            for (a, ready) in addrs {
                if total >= MAX_MIRRORED {
                    break;
                }
                let ep = address_to_endpoint(a, ready);
                group.insert(endpoint_key(&ep), ep);
                total += 1;
            }
        }
        let owner = controller_ref("v1", "Endpoints", &eps.metadata);
        let template = |ports: &[EndpointPort]| EndpointSlice {
            metadata: ObjectMeta {
                generate_name: Some(slice_prefix(&key.name)),
                namespace: Some(key.namespace.clone()),
                labels: labels.clone(),
                annotations: annotations.clone(),
                owner_references: vec![owner.clone()],
                ..Default::default()
            },
            address_type: AddressType::IPv4,
            endpoints: None,
            ports: none_if_empty(ports.to_vec()),
        };
        let mut plan = plan_slices(&existing, desired, &labels, &template);
        // Mirrored Endpoints with no addresses get no placeholder.
        if eps.subsets.is_empty() {
            plan.create.clear();
        }
        apply_plan(plan, None, api)?;
        Ok(Action::AwaitChange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_names_start_with_the_service_name() {
        let cases = [
            ("a plain name", "web", "web-"),
            ("a name with dots", "my.svc", "my.svc-"),
            ("a long name falls back", &"x".repeat(60)[..], "slice-"),
        ];
        for (name, svc, want) in cases {
            assert_eq!(slice_prefix(svc), want, "{name}");
        }
    }
}
