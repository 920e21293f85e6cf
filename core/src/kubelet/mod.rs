//! The simulated kubelet of one node: it registers its Node, runs the pods
//! bound to it in simulated containers, probes them, restarts them with
//! back-off, stops them gracefully and reports their status.

mod backoff;
pub mod env;
mod node_status;
pub mod pod;
pub mod prober;
pub mod status;
mod sync;
pub mod volumes;

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::rc::Rc;

use crate::api::corev1::Pod;
use crate::apiserver::{ApiServer, Millis};
use crate::images::Catalog;
use crate::network::Network;
use crate::sim::topology::NodeSpecConfig;
use crate::sim::{Task, Timers};
use crate::store::{Object, WatchEvent, WatchType};
use crate::userland::{Chunk, ExecHandle, ExecOptions, Machine, PipeWriter};

pub use node_status::{node_ip, pod_cidr, KUBE_VERSION};
use pod::{PodWorker, Sandbox};
pub use prober::ProbeKind;
use volumes::Storage;

/// Kubelet timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KubeletTask {
    /// Register the Node object.
    Register,
    /// Post the node status again (`nodeStatusReportFrequency`).
    Heartbeat,
    /// Run the pod worker's sync.
    Sync(String),
    /// The pod sandbox is up.
    Sandbox(String),
    /// An image pull finished (pod uid, container).
    Pulled(String, String),
    /// Drive the pod's containers (processes, hooks, kills).
    Wake(String),
    /// A probe tick (pod uid, container, probe, manual trigger).
    Probe(String, String, ProbeKind, bool),
}

/// What the kubelet works with besides itself.
pub struct Cx<'a> {
    pub api: &'a mut ApiServer,
    pub timers: &'a mut Timers,
    pub catalog: &'a mut Catalog,
    pub net: &'a Rc<Network>,
    pub storage: &'a mut Storage,
}

/// One node's kubelet.
pub struct Kubelet {
    pub node_name: String,
    config: NodeSpecConfig,
    /// Index of the node in the cluster, for its addresses.
    index: u32,
    node_ip: String,
    pods: BTreeMap<String, PodWorker>,
    backoff: backoff::Backoff,
    image_backoff: backoff::Backoff,
    image_failed_at: BTreeMap<String, Millis>,
    /// Pod IPs handed out from the node's /24 (.2 to .254).
    used_ips: BTreeSet<u8>,
    next_ip: u8,
}

impl Kubelet {
    pub fn new(config: NodeSpecConfig, index: u32) -> Kubelet {
        Kubelet {
            node_name: config.name.clone(),
            node_ip: node_ip(index),
            config,
            index,
            pods: BTreeMap::new(),
            backoff: backoff::Backoff::default(),
            image_backoff: backoff::Backoff::default(),
            image_failed_at: BTreeMap::new(),
            used_ips: BTreeSet::new(),
            next_ip: 2,
        }
    }

    pub fn node_ip(&self) -> &str {
        &self.node_ip
    }

    /// What the node is made of.
    pub fn config(&self) -> &NodeSpecConfig {
        &self.config
    }

    /// The node's position in the cluster (its addresses derive from it).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The node's end of the pod bridge (`10.244.N.1`): where the kubelet's
    /// probes and hooks come from, as servers in the pods see them.
    fn bridge_ip(&self) -> Ipv4Addr {
        let base = pod_cidr(self.index);
        let prefix = base.trim_end_matches(".0/24");
        format!("{prefix}.1").parse().unwrap_or(Ipv4Addr::LOCALHOST)
    }

    /// Host-local IPAM: the next free address after the last one given.
    fn allocate_ip(&mut self) -> Option<String> {
        for _ in 0..253 {
            let candidate = self.next_ip;
            self.next_ip = if self.next_ip >= 254 {
                2
            } else {
                self.next_ip + 1
            };
            if self.used_ips.insert(candidate) {
                let base = pod_cidr(self.index);
                let prefix = base.trim_end_matches(".0/24");
                return Some(format!("{prefix}.{candidate}"));
            }
        }
        None
    }

    fn release_ip(&mut self, ip: &str) {
        if let Some(last) = ip.rsplit('.').next().and_then(|l| l.parse::<u8>().ok()) {
            self.used_ips.remove(&last);
        }
    }

    /// Reacts to a change of a pod bound here or of this node.
    pub fn on_event(&mut self, ev: &WatchEvent, timers: &mut Timers, now: Millis) {
        let Object::Pod(p) = &ev.object else {
            return;
        };
        let uid = p.metadata.uid().to_string();
        match ev.typ {
            WatchType::Deleted => {
                if let Some(w) = self.pods.get_mut(&uid) {
                    if !w.finished {
                        w.orphaned = true;
                        timers.at(
                            now,
                            Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(uid)),
                        );
                    }
                }
            }
            _ => {
                if p.node_name() != Some(self.node_name.as_str()) {
                    return;
                }
                match self.pods.get_mut(&uid) {
                    None => {
                        if p.is_terminal() || p.metadata.deletion_timestamp.is_some() {
                            return;
                        }
                        let mut w = PodWorker::new(p.clone(), now);
                        let at = now + sync::WATCH_DELAY;
                        w.sync_at = Some(at);
                        self.pods.insert(uid.clone(), w);
                        timers.at(
                            at,
                            Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(uid)),
                        );
                    }
                    Some(w) => {
                        // Deletion requested, or a spec change the worker
                        // must see (an image update restarts a container).
                        let deleting = p.metadata.deletion_timestamp.is_some() && !w.terminating;
                        let changed = ev.old.as_ref().is_some_and(|o| match o {
                            Object::Pod(old) => old.spec != p.spec,
                            _ => false,
                        });
                        if deleting || changed {
                            let at = now + sync::WATCH_DELAY;
                            if w.sync_at.is_none_or(|t| at < t) {
                                w.sync_at = Some(at);
                                timers.at(
                                    at,
                                    Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(uid)),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn run(&mut self, task: KubeletTask, cx: &mut Cx) {
        let now = cx.api.now();
        match task {
            KubeletTask::Register | KubeletTask::Heartbeat => {
                if task == KubeletTask::Register {
                    node_status::register(self, cx.api);
                } else {
                    node_status::post_status(self, cx.api);
                }
                cx.timers.at(
                    now + node_status::STATUS_REPORT_INTERVAL,
                    Task::Kubelet(self.node_name.clone(), KubeletTask::Heartbeat),
                );
            }
            KubeletTask::Sync(uid) => {
                let Some(mut w) = self.pods.remove(&uid) else {
                    return;
                };
                if w.sync_at != Some(now) {
                    self.pods.insert(uid, w);
                    return;
                }
                w.sync_at = None;
                self.apply_spec_changes(&mut w, cx);
                self.sync(&mut w, cx);
                self.put_back(w, cx);
            }
            KubeletTask::Sandbox(uid) => {
                let Some(mut w) = self.pods.remove(&uid) else {
                    return;
                };
                if w.sandbox == Sandbox::Creating && !w.terminating {
                    w.sandbox = Sandbox::Ready;
                    w.ip = if w.pod.spec.host_network {
                        Some(self.node_ip.clone())
                    } else {
                        self.allocate_ip()
                    };
                    self.sync(&mut w, cx);
                } else if w.terminating {
                    self.sync(&mut w, cx);
                }
                self.put_back(w, cx);
            }
            KubeletTask::Pulled(uid, name) => {
                let Some(mut w) = self.pods.remove(&uid) else {
                    return;
                };
                self.pulled(&mut w, &name, cx);
                self.put_back(w, cx);
            }
            KubeletTask::Wake(uid) => {
                let Some(mut w) = self.pods.remove(&uid) else {
                    return;
                };
                if w.wake_at.is_some_and(|t| t <= now) {
                    self.wake(&mut w, cx);
                }
                self.put_back(w, cx);
            }
            KubeletTask::Probe(uid, name, kind, manual) => {
                let Some(mut w) = self.pods.remove(&uid) else {
                    return;
                };
                self.probe(&mut w, &name, kind, manual, cx);
                self.put_back(w, cx);
            }
        }
    }

    /// A changed container image restarts that container (the only spec
    /// change a running pod accepts besides deadlines and tolerations).
    fn apply_spec_changes(&mut self, w: &mut PodWorker, cx: &mut Cx) {
        let Some(current) = cx
            .api
            .store
            .get::<Pod>(w.pod.namespace(), w.pod.name())
            .cloned()
        else {
            return;
        };
        if current.metadata.uid() != w.uid {
            return;
        }
        for c in current
            .spec
            .init_containers
            .iter()
            .chain(current.spec.containers.iter())
        {
            if let Some(i) = w.ctr_index(&c.name) {
                if w.ctrs[i].spec.image != c.image {
                    w.ctrs[i].spec.image = c.image.clone();
                    w.ctrs[i].spec.image_pull_policy = c.image_pull_policy.clone();
                    w.ctrs[i].image = None;
                    if w.ctrs[i].alive() {
                        w.ctrs[i].liveness_failed = Some(ProbeKind::Liveness);
                    }
                }
            }
        }
    }

    /// Keeps the worker, or forgets it once the pod is gone.
    fn put_back(&mut self, mut w: PodWorker, cx: &mut Cx) {
        // Containers may have become due while the worker was busy.
        self.sync_network(&w, cx);
        if w.finished {
            let gone = cx
                .api
                .store
                .get::<Pod>(w.pod.namespace(), w.pod.name())
                .is_none_or(|p| p.metadata.uid() != w.uid);
            if gone {
                if let Some(ip) = w.ip.take() {
                    if !w.pod.spec.host_network {
                        self.release_ip(&ip);
                    }
                }
                self.backoff.forget_prefix(&w.uid);
                return;
            }
        }
        self.schedule_wake(&mut w, cx);
        self.pods.insert(w.uid.clone(), w);
    }

    /// Keeps the pod's network attachment in step with its containers.
    fn sync_network(&self, w: &PodWorker, cx: &mut Cx) {
        let Some(ip) = w.ip.as_deref().and_then(|i| i.parse::<Ipv4Addr>().ok()) else {
            return;
        };
        if w.finished || w.pod.spec.host_network {
            return;
        }
        let endpoints = w
            .ctrs
            .iter()
            .filter_map(|c| c.inst.as_ref().map(|i| i.machine.endpoint()))
            .collect();
        cx.net.attach(ip, endpoints);
    }

    /// Log chunks of a container: the current instance, or the previous one.
    pub fn logs(&self, uid: &str, container: &str, previous: bool) -> Option<Vec<Chunk>> {
        let w = self.pods.get(uid)?;
        let c = &w.ctrs[w.ctr_index(container)?];
        if previous {
            c.prev_log.as_ref().map(|l| l.chunks())
        } else if c.instances == 0 {
            None
        } else {
            Some(c.log.chunks())
        }
    }

    /// Whether the container has a running instance.
    pub fn is_running(&self, uid: &str, container: &str) -> bool {
        self.pods
            .get(uid)
            .and_then(|w| w.ctr_index(container).map(|i| w.ctrs[i].alive()))
            .unwrap_or(false)
    }

    /// Whether the container ever ran (so it has logs).
    pub fn has_started(&self, uid: &str, container: &str) -> bool {
        self.pods
            .get(uid)
            .and_then(|w| w.ctr_index(container).map(|i| w.ctrs[i].instances > 0))
            .unwrap_or(false)
    }

    /// A writer to the stdin of a container started with `stdin: true`,
    /// and whether its main process now waits for input (`kubectl attach -i`).
    pub fn attach_stdin(&self, uid: &str, container: &str) -> Option<PipeWriter> {
        let w = self.pods.get(uid)?;
        let i = w.ctr_index(container)?;
        w.ctrs[i].inst.as_ref()?.stdin.clone()
    }

    /// Whether a container's main process waits for input.
    pub fn main_waits_for_input(&mut self, uid: &str, container: &str) -> bool {
        let Some(w) = self.pods.get_mut(uid) else {
            return false;
        };
        let Some(i) = w.ctr_index(container) else {
            return false;
        };
        match w.ctrs[i].inst.as_mut() {
            Some(inst) => {
                let pid = inst.pid;
                inst.machine.waits_for_input(pid)
            }
            None => false,
        }
    }

    /// Closes a container's stdin for good (`stdinOnce`: the first attach
    /// session ended), so its main process reads end of input.
    pub fn close_stdin(&mut self, uid: &str, container: &str) {
        if let Some(w) = self.pods.get_mut(uid) {
            if let Some(i) = w.ctr_index(container) {
                if let Some(inst) = w.ctrs[i].inst.as_mut() {
                    inst.stdin = None;
                }
            }
        }
    }

    /// The machine of a running container, for `kubectl exec`.
    pub fn machine_mut(&mut self, uid: &str, container: &str) -> Option<&mut Machine> {
        let w = self.pods.get_mut(uid)?;
        let i = w.ctr_index(container)?;
        w.ctrs[i].inst.as_mut().map(|inst| &mut inst.machine)
    }

    /// Runs a command in a container (`kubectl exec`).
    pub fn exec(
        &mut self,
        uid: &str,
        container: &str,
        argv: Vec<String>,
        opts: ExecOptions,
        now: Millis,
    ) -> Result<ExecHandle, crate::userland::SpawnError> {
        let machine = self
            .machine_mut(uid, container)
            .ok_or_else(|| crate::userland::SpawnError::NotFound(String::new()))?;
        machine.advance_to(now as u64);
        machine.exec(argv, opts)
    }

    /// Marks a pod's containers due now (after an exec changed them).
    pub fn poke(&mut self, uid: &str, cx: &mut Cx) {
        if let Some(mut w) = self.pods.remove(uid) {
            self.wake(&mut w, cx);
            self.put_back(w, cx);
        }
    }

    /// Number of pods this kubelet runs.
    pub fn pod_count(&self) -> usize {
        self.pods.len()
    }
}
