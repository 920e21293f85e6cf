//! The scheduler's view of nodes: allocatable resources and what the pods
//! bound to each node request, kept up to date from the watch feed so a
//! scheduling cycle never walks every pod.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::api::corev1::pod_validation::pod_requests;
use crate::api::corev1::{Node, Pod};
use crate::store::ObjKey;

/// Requests the scheduler assumes for containers that state none, when
/// scoring (`schedutil.DefaultMilliCPURequest`, `DefaultMemoryRequest`).
pub const DEFAULT_MILLI_CPU: i64 = 100;
pub const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

/// Resource amounts the scheduler compares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub milli_cpu: i64,
    pub memory: i64,
    pub ephemeral_storage: i64,
    pub pods: i64,
    /// Extended resources (`example.com/gpu`), whole units.
    pub scalar: BTreeMap<String, i64>,
}

impl Resources {
    pub fn of_pod(pod: &Pod) -> Resources {
        let mut r = Resources::default();
        for (k, q) in pod_requests(&pod.spec) {
            match k.as_str() {
                "cpu" => r.milli_cpu = q.millis(),
                "memory" => r.memory = q.units(),
                "ephemeral-storage" => r.ephemeral_storage = q.units(),
                _ => {
                    r.scalar.insert(k, q.units());
                }
            }
        }
        r.pods = 1;
        r
    }

    /// The same, with the scoring defaults for missing cpu/memory requests.
    pub fn non_zero_of_pod(pod: &Pod) -> (i64, i64) {
        let mut cpu = 0;
        let mut mem = 0;
        for c in &pod.spec.containers {
            cpu += c
                .resources
                .requests
                .get("cpu")
                .map(|q| q.millis())
                .unwrap_or(DEFAULT_MILLI_CPU);
            mem += c
                .resources
                .requests
                .get("memory")
                .map(|q| q.units())
                .unwrap_or(DEFAULT_MEMORY);
        }
        (cpu, mem)
    }

    fn add(&mut self, o: &Resources, sign: i64) {
        self.milli_cpu += sign * o.milli_cpu;
        self.memory += sign * o.memory;
        self.ephemeral_storage += sign * o.ephemeral_storage;
        self.pods += sign * o.pods;
        for (k, v) in &o.scalar {
            *self.scalar.entry(k.clone()).or_default() += sign * v;
        }
    }
}

/// One node as the scheduler sees it.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub node: Rc<Node>,
    pub allocatable: Resources,
    pub requested: Resources,
    /// Requests with the scoring defaults applied.
    pub non_zero_cpu: i64,
    pub non_zero_memory: i64,
    /// Pods placed here (bound or assumed), with what they hold.
    pub pods: BTreeMap<ObjKey, Rc<Pod>>,
    /// Host ports in use: (protocol, hostIP, port).
    pub used_ports: BTreeMap<(String, String, i32), usize>,
}

impl NodeInfo {
    fn new(node: Rc<Node>) -> NodeInfo {
        let mut info = NodeInfo {
            allocatable: Resources::default(),
            node: node.clone(),
            requested: Resources::default(),
            non_zero_cpu: 0,
            non_zero_memory: 0,
            pods: BTreeMap::new(),
            used_ports: BTreeMap::new(),
        };
        info.set_node(node);
        info
    }

    fn set_node(&mut self, node: Rc<Node>) {
        let mut a = Resources::default();
        for (k, q) in &node.status.allocatable {
            match k.as_str() {
                "cpu" => a.milli_cpu = q.millis(),
                "memory" => a.memory = q.units(),
                "ephemeral-storage" => a.ephemeral_storage = q.units(),
                "pods" => a.pods = q.units(),
                _ => {
                    a.scalar.insert(k.clone(), q.units());
                }
            }
        }
        self.allocatable = a;
        self.node = node;
    }

    fn add_pod(&mut self, key: ObjKey, pod: Rc<Pod>, sign: i64) {
        self.requested.add(&Resources::of_pod(&pod), sign);
        let (cpu, mem) = Resources::non_zero_of_pod(&pod);
        self.non_zero_cpu += sign * cpu;
        self.non_zero_memory += sign * mem;
        for c in &pod.spec.containers {
            for p in &c.ports {
                if p.host_port > 0 {
                    let k = (
                        p.protocol.as_str().to_string(),
                        p.host_ip.clone(),
                        p.host_port,
                    );
                    if sign > 0 {
                        *self.used_ports.entry(k).or_default() += 1;
                    } else if let Some(n) = self.used_ports.get_mut(&k) {
                        *n -= 1;
                        if *n == 0 {
                            self.used_ports.remove(&k);
                        }
                    }
                }
            }
        }
        if sign > 0 {
            self.pods.insert(key, pod);
        } else {
            self.pods.remove(&key);
        }
    }
}

/// All nodes, in the order they joined (the scheduler walks them from a
/// rotating start index).
#[derive(Default)]
pub struct Cache {
    order: Vec<String>,
    nodes: BTreeMap<String, NodeInfo>,
    /// Where each placed pod is, so updates and deletions find it.
    placed: BTreeMap<ObjKey, String>,
    /// Placed pods per (controller uid, node): the default spreading score
    /// reads these instead of walking pods.
    owner_counts: BTreeMap<(String, String), i64>,
    /// Placed pods that carry required anti-affinity terms.
    anti_affinity: BTreeMap<ObjKey, (Rc<Pod>, String)>,
    /// Placed pods that carry any pod affinity or anti-affinity, so cycles
    /// without such pods skip the walk entirely.
    pub with_affinity_terms: usize,
}

impl Cache {
    pub fn node_names(&self) -> &[String] {
        &self.order
    }

    pub fn get(&self, name: &str) -> Option<&NodeInfo> {
        self.nodes.get(name)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn upsert_node(&mut self, node: Rc<Node>) {
        let name = node.name().to_string();
        match self.nodes.get_mut(&name) {
            Some(info) => info.set_node(node),
            None => {
                self.order.push(name.clone());
                self.nodes.insert(name, NodeInfo::new(node));
            }
        }
    }

    pub fn remove_node(&mut self, name: &str) {
        self.order.retain(|n| n != name);
        self.nodes.remove(name);
        self.placed.retain(|_, n| n != name);
        self.anti_affinity.retain(|_, (_, n)| n != name);
        self.owner_counts.retain(|(_, n), _| n != name);
    }

    /// Records a pod on its node (bound, or assumed by the scheduler).
    /// Finished pods free their resources.
    pub fn upsert_pod(&mut self, pod: Rc<Pod>) {
        let key = ObjKey::of(&pod.metadata);
        self.remove_pod(&key);
        if pod.is_terminal() {
            return;
        }
        let Some(node) = pod.node_name().map(str::to_string) else {
            return;
        };
        if let Some(info) = self.nodes.get_mut(&node) {
            if let Some(owner) = pod.metadata.controller() {
                *self
                    .owner_counts
                    .entry((owner.uid.clone(), node.clone()))
                    .or_default() += 1;
            }
            if has_required_anti_affinity(&pod) {
                self.anti_affinity
                    .insert(key.clone(), (pod.clone(), node.clone()));
            }
            info.add_pod(key.clone(), pod, 1);
            self.placed.insert(key, node);
        }
    }

    pub fn remove_pod(&mut self, key: &ObjKey) {
        if let Some(node) = self.placed.remove(key) {
            self.anti_affinity.remove(key);
            if let Some(info) = self.nodes.get_mut(&node) {
                if let Some(old) = info.pods.get(key).cloned() {
                    if let Some(owner) = old.metadata.controller() {
                        let k = (owner.uid.clone(), node.clone());
                        if let Some(n) = self.owner_counts.get_mut(&k) {
                            *n -= 1;
                            if *n <= 0 {
                                self.owner_counts.remove(&k);
                            }
                        }
                    }
                    info.add_pod(key.clone(), old, -1);
                }
            }
        }
    }

    /// Placed pods of a controller on a node.
    pub fn owned_on(&self, owner_uid: &str, node: &str) -> i64 {
        self.owner_counts
            .get(&(owner_uid.to_string(), node.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Placed pods with required anti-affinity, with their nodes.
    pub fn anti_affinity_pods(&self) -> impl Iterator<Item = &(Rc<Pod>, String)> {
        self.anti_affinity.values()
    }

    pub fn nodes(&self) -> impl Iterator<Item = &NodeInfo> {
        self.order.iter().filter_map(|n| self.nodes.get(n))
    }
}

fn has_required_anti_affinity(pod: &Pod) -> bool {
    pod.spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|a| {
            !a.required_during_scheduling_ignored_during_execution
                .is_empty()
        })
}
