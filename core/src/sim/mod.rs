//! The simulated cluster: one value that owns the API server and every
//! component, and moves only when told to. Time jumps from one due task to
//! the next; watch events fan out to components, which only queue tasks.

pub mod rng;
mod timers;
pub mod topology;

use std::collections::BTreeMap;

pub use timers::{Task, Timers};
pub use topology::{ClusterConfig, NodeSpecConfig};

use std::rc::Rc;

use crate::api::corev1::{Namespace, Node, Pod};
use crate::api::meta::ObjectMeta;
use crate::apiserver::{ApiServer, DeleteOptions, Millis, TraceEntry, WriteOptions, EPOCH_MILLIS};
use crate::controllers;
use crate::images::Catalog;
use crate::kubelet::volumes::Storage;
use crate::kubelet::{Cx, Kubelet, KubeletTask};
use crate::network::Network;
use crate::scheduler::Scheduler;
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// A node as the front end shows it in a list: what `kubectl get nodes`
/// would print, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSummary {
    pub name: String,
    /// Roles from the `node-role.kubernetes.io/<role>` labels, sorted.
    pub roles: Vec<String>,
    /// `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned.
    pub status: String,
    /// Taints as `key=value:Effect` (value omitted when empty).
    pub taints: Vec<String>,
}

/// How long the cluster has existed when a session starts, so nodes and
/// system objects have the ages a learner sees on a fresh real cluster.
pub const WARM_UP: Millis = 15 * 60_000;

/// How long a started or joining node takes before its kubelet reports in.
const NODE_BOOT: Millis = 1_000;

/// Upper bound of tasks in one `advance_to`, against runaway feedback loops.
const MAX_TASKS_PER_ADVANCE: u64 = 50_000_000;

/// A simulated Kubernetes cluster.
pub struct Cluster {
    config: ClusterConfig,
    api: ApiServer,
    timers: Timers,
    scheduler: Scheduler,
    kubelets: BTreeMap<String, Kubelet>,
    controllers: controllers::Manager,
    catalog: Catalog,
    network: Rc<Network>,
    storage: Storage,
    /// Stopped nodes: what their kubelets need to start again.
    stopped: BTreeMap<String, (NodeSpecConfig, u32)>,
    /// Simulated time at which the session started (after warm-up).
    start: Millis,
    tasks_run: u64,
    /// Open watches (`kubectl get -w`): the events each has not read yet.
    watches: BTreeMap<u64, Vec<WatchEvent>>,
    next_watch: u64,
}

impl Cluster {
    /// Builds a cluster as kubeadm would (one control plane, the configured
    /// workers) and lets it settle, so it is ready when the session starts.
    pub fn new(config: ClusterConfig) -> Cluster {
        let mut c = Cluster {
            api: ApiServer::new(config.seed),
            config: config.clone(),
            timers: Timers::default(),
            scheduler: Scheduler::new(),
            kubelets: BTreeMap::new(),
            controllers: controllers::Manager::new(),
            catalog: Catalog::new(),
            network: Rc::new(Network::new(config.seed, EPOCH_MILLIS)),
            storage: Storage::default(),
            stopped: BTreeMap::new(),
            start: 0,
            tasks_run: 0,
            watches: BTreeMap::new(),
            next_watch: 0,
        };
        c.bootstrap();
        c.advance_to(WARM_UP);
        c.start = WARM_UP;
        c
    }

    fn bootstrap(&mut self) {
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let obj = Namespace {
                metadata: ObjectMeta {
                    name: Some(ns.to_string()),
                    ..Default::default()
                },
                ..Default::default()
            };
            let mut obj = obj;
            crate::api::resource::Resource::set_defaults(&mut obj);
            let _ = self.api.create(obj, &WriteOptions::default());
        }
        controllers::volume::create_default_storage_class(&mut self.api);
        controllers::endpoints::bootstrap_services(&mut self.api);
        for (i, node) in self.config.nodes().into_iter().enumerate() {
            let name = node.name.clone();
            self.kubelets
                .insert(name.clone(), Kubelet::new(node, i as u32));
            // Nodes join a few seconds apart, as `kubeadm join` runs do.
            self.timers.at(
                1_000 + (i as Millis) * 3_000,
                Task::Kubelet(name, KubeletTask::Register),
            );
        }
        self.dispatch();
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Simulated milliseconds since the session started.
    pub fn now(&self) -> Millis {
        self.api.now() - self.start
    }

    /// Simulated milliseconds since the cluster was created.
    pub fn clock(&self) -> Millis {
        self.api.now()
    }

    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    pub fn api_mut(&mut self) -> &mut ApiServer {
        &mut self.api
    }

    /// The cluster network (pod IPs, Services, DNS).
    pub fn network(&self) -> &Rc<Network> {
        &self.network
    }

    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    pub fn controllers(&self) -> &controllers::Manager {
        &self.controllers
    }

    /// Every write so far, in order.
    pub fn trace(&self) -> &[TraceEntry] {
        self.api.trace()
    }

    /// Tasks run so far (for benchmarks and tests of "no polling").
    pub fn tasks_run(&self) -> u64 {
        self.tasks_run
    }

    /// When the next task is due, in cluster clock time.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.timers.next_due()
    }

    /// Runs everything due up to `t` (cluster clock), then sets the clock to
    /// `t`.
    pub fn advance_to(&mut self, t: Millis) {
        self.dispatch();
        let mut n = 0;
        while let Some((due, task)) = self.timers.pop_due(t) {
            n += 1;
            if n > MAX_TASKS_PER_ADVANCE {
                break;
            }
            self.api.set_now(due.max(self.api.now()));
            self.run_task(task);
            self.dispatch();
        }
        if t > self.api.now() {
            self.api.set_now(t);
        }
    }

    /// Advances simulated time by `ms`.
    pub fn advance_by(&mut self, ms: Millis) {
        let t = self.api.now().saturating_add(ms.max(0));
        self.advance_to(t);
    }

    /// Runs the next due task (jumping the clock to it); false when none.
    pub fn step(&mut self) -> bool {
        self.dispatch();
        let Some(due) = self.timers.next_due() else {
            return false;
        };
        let due = due.max(self.api.now());
        let Some((_, task)) = self.timers.pop_due(due) else {
            return false;
        };
        self.api.set_now(due);
        self.run_task(task);
        self.dispatch();
        true
    }

    /// Advances until `done` holds or `limit` ms pass; returns whether it
    /// held. The check runs after every task.
    pub fn run_until(&mut self, limit: Millis, mut done: impl FnMut(&Cluster) -> bool) -> bool {
        let end = self.api.now().saturating_add(limit);
        self.dispatch();
        loop {
            if done(self) {
                return true;
            }
            match self.timers.next_due() {
                Some(due) if due <= end => {
                    self.step();
                }
                _ => {
                    self.advance_to(end);
                    return done(self);
                }
            }
        }
    }

    fn run_task(&mut self, task: Task) {
        self.tasks_run += 1;
        match task {
            Task::Scheduler(t) => self.scheduler.run(t, &mut self.api, &mut self.timers),
            Task::Kubelet(node, t) => {
                if let Some(k) = self.kubelets.get_mut(&node) {
                    let mut cx = Cx {
                        api: &mut self.api,
                        timers: &mut self.timers,
                        catalog: &mut self.catalog,
                        net: &self.network,
                        storage: &mut self.storage,
                    };
                    k.run(t, &mut cx);
                }
            }
            Task::Controller(t) => self.controllers.run(t, &mut self.api, &mut self.timers),
        }
    }

    /// Delivers pending watch events to every component.
    fn dispatch(&mut self) {
        loop {
            let events = self.api.store.take_events();
            if events.is_empty() {
                return;
            }
            let now = self.api.now();
            for ev in &events {
                self.deliver(ev, now);
            }
        }
    }

    /// Opens a watch on every change from now on (`kubectl get -w`).
    pub fn watch_open(&mut self) -> u64 {
        self.dispatch();
        self.next_watch += 1;
        self.watches.insert(self.next_watch, Vec::new());
        self.next_watch
    }

    /// The changes a watch has not read yet, oldest first.
    pub fn watch_take(&mut self, id: u64) -> Vec<WatchEvent> {
        self.dispatch();
        self.watches
            .get_mut(&id)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn watch_close(&mut self, id: u64) {
        self.watches.remove(&id);
    }

    fn deliver(&mut self, ev: &WatchEvent, now: Millis) {
        for w in self.watches.values_mut() {
            w.push(ev.clone());
        }
        self.network.on_event(ev);
        self.scheduler.on_event(ev, &mut self.timers, now);
        self.controllers.on_event(ev, &mut self.timers, now);
        // Kubelets only hear about their own pods and nodes.
        let node = match &ev.object {
            Object::Pod(p) => p.node_name().map(str::to_string).or_else(|| {
                ev.old.as_ref().and_then(|o| match o {
                    Object::Pod(old) => old.node_name().map(str::to_string),
                    _ => None,
                })
            }),
            Object::Node(n) => Some(n.name().to_string()),
            _ => None,
        };
        if let Some(node) = node {
            if let Some(k) = self.kubelets.get_mut(&node) {
                k.on_event(ev, &mut self.timers, now);
            }
        }
    }

    /// The kubelet of a node.
    pub fn kubelet(&self, node: &str) -> Option<&Kubelet> {
        self.kubelets.get(node)
    }

    /// Powers a node off: its kubelet and containers stop and its pods
    /// drop off the network. The API still shows the node and its pods as
    /// they were until the node lifecycle controller notices the silence.
    /// Returns false when no such node is running.
    pub fn stop_node(&mut self, name: &str) -> bool {
        let Some(k) = self.kubelets.remove(name) else {
            return false;
        };
        self.stopped
            .insert(name.to_string(), (k.config().clone(), k.index()));
        self.silence_kubelet(name);
        let now = self.api.now();
        self.controllers.leases.stop(name, now);
        self.controllers.wake(
            controllers::CtrlId::NodeLifecycle,
            ObjKey::new("", name),
            controllers::QueueReason::Requeue,
            now,
            &mut self.timers,
        );
        true
    }

    /// Powers a stopped node on: a fresh kubelet reports the node Ready,
    /// finishes deleting the pods deleted meanwhile and starts the others
    /// again. Returns false when the node is not stopped.
    pub fn start_node(&mut self, name: &str) -> bool {
        let Some((config, index)) = self.stopped.remove(name) else {
            return false;
        };
        let now = self.api.now();
        self.controllers.leases.start(name, now);
        let mut k = Kubelet::new(config, index);
        let pods: Vec<Rc<Pod>> = self
            .api
            .store
            .pods_on_node(name)
            .filter_map(|key| {
                self.api
                    .store
                    .get::<Pod>(&key.namespace, &key.name)
                    .cloned()
            })
            .collect();
        for p in pods {
            if p.metadata.deletion_timestamp.is_some() {
                // Its containers died with the node: nothing to wait for.
                let opts = DeleteOptions {
                    grace_period: Some(0),
                    uid_precondition: Some(p.metadata.uid().to_string()),
                    ..Default::default()
                };
                let _ = self.api.delete::<Pod>(p.namespace(), p.name(), &opts);
            } else if !p.is_terminal() {
                let ev = WatchEvent {
                    kind: Kind::Pod,
                    typ: WatchType::Added,
                    object: Object::Pod(p),
                    old: None,
                    revision: self.api.store.revision(),
                };
                k.on_event(&ev, &mut self.timers, now);
            }
        }
        self.kubelets.insert(name.to_string(), k);
        self.timers.at(
            now + NODE_BOOT,
            Task::Kubelet(name.to_string(), KubeletTask::Register),
        );
        self.dispatch();
        true
    }

    /// Joins a new node (as `kubeadm join`): its kubelet registers it a
    /// moment later. Returns false when the name is taken.
    pub fn add_node(&mut self, config: NodeSpecConfig) -> bool {
        let name = config.name.clone();
        if self.kubelets.contains_key(&name)
            || self.stopped.contains_key(&name)
            || self.api.store.get::<Node>("", &name).is_some()
        {
            return false;
        }
        let index = self
            .kubelets
            .values()
            .map(Kubelet::index)
            .chain(self.stopped.values().map(|(_, i)| *i))
            .max()
            .map_or(0, |i| i + 1);
        let now = self.api.now();
        self.controllers.leases.start(&name, now);
        self.kubelets
            .insert(name.clone(), Kubelet::new(config, index));
        self.timers
            .at(now + NODE_BOOT, Task::Kubelet(name, KubeletTask::Register));
        true
    }

    /// Removes a node for good: its kubelet stops and its Node object is
    /// deleted (as `kubectl delete node`); the pod garbage collector then
    /// removes its pods. Returns false when there is no such node.
    pub fn remove_node(&mut self, name: &str) -> bool {
        let known = self.kubelets.remove(name).is_some() | self.stopped.remove(name).is_some();
        self.silence_kubelet(name);
        self.controllers.leases.remove(name);
        let deleted = self
            .api
            .delete::<Node>("", name, &DeleteOptions::default())
            .is_ok();
        self.dispatch();
        known || deleted
    }

    /// Drops a gone kubelet's pending work and its pods' addresses.
    fn silence_kubelet(&mut self, name: &str) {
        self.timers
            .retain(|t| !matches!(t, Task::Kubelet(n, _) if n == name));
        let ips: Vec<std::net::Ipv4Addr> = self
            .api
            .store
            .pods_on_node(name)
            .filter_map(|key| self.api.store.get::<Pod>(&key.namespace, &key.name))
            .filter(|p| !p.spec.host_network)
            .filter_map(|p| p.status.pod_ip.parse().ok())
            .collect();
        for ip in ips {
            self.network.detach(ip);
        }
    }

    /// Whether a node's kubelet is running.
    pub fn node_running(&self, name: &str) -> bool {
        self.kubelets.contains_key(name)
    }

    /// Runs a command in a pod's container (`kubectl exec`) and makes sure
    /// the kubelet drives it.
    pub fn exec_in(
        &mut self,
        node: &str,
        uid: &str,
        container: &str,
        argv: Vec<String>,
        opts: crate::userland::ExecOptions,
    ) -> Result<crate::userland::ExecHandle, crate::userland::SpawnError> {
        let now = self.api.now();
        let Some(k) = self.kubelets.get_mut(node) else {
            return Err(crate::userland::SpawnError::NotFound(String::new()));
        };
        let handle = k.exec(uid, container, argv, opts, now)?;
        self.poke_pod(node, uid);
        Ok(handle)
    }

    /// Whether a process exec'd in a container (and its children) waits for
    /// input, so an interactive `kubectl exec` should wait for the user.
    pub fn exec_waits_for_input(
        &mut self,
        node: &str,
        uid: &str,
        container: &str,
        pid: crate::userland::Pid,
    ) -> bool {
        self.kubelets
            .get_mut(node)
            .and_then(|k| k.machine_mut(uid, container))
            .is_none_or(|m| m.waits_for_input(pid))
    }

    /// The stdin of a container started with `stdin: true` (`attach -i`).
    pub fn attach_stdin(
        &self,
        node: &str,
        uid: &str,
        container: &str,
    ) -> Option<crate::userland::PipeWriter> {
        self.kubelets.get(node)?.attach_stdin(uid, container)
    }

    /// Whether a container's main process waits for input.
    pub fn main_waits_for_input(&mut self, node: &str, uid: &str, container: &str) -> bool {
        self.kubelets
            .get_mut(node)
            .is_some_and(|k| k.main_waits_for_input(uid, container))
    }

    /// Ends a container's stdin (`stdinOnce` after the first attach).
    pub fn close_stdin(&mut self, node: &str, uid: &str, container: &str) {
        if let Some(k) = self.kubelets.get_mut(node) {
            k.close_stdin(uid, container);
        }
        self.poke_pod(node, uid);
    }

    /// Lets a pod's containers react to input written to them.
    pub fn poke_pod(&mut self, node: &str, uid: &str) {
        let Some(k) = self.kubelets.get_mut(node) else {
            return;
        };
        let mut cx = Cx {
            api: &mut self.api,
            timers: &mut self.timers,
            catalog: &mut self.catalog,
            net: &self.network,
            storage: &mut self.storage,
        };
        k.poke(uid, &mut cx);
        self.dispatch();
    }

    /// The exit status of an exec'd process once it ended; a container
    /// that stopped meanwhile took the process with it (SIGKILL).
    pub fn exec_status(
        &mut self,
        node: &str,
        uid: &str,
        container: &str,
        pid: crate::userland::Pid,
    ) -> Option<crate::userland::ExitStatus> {
        let gone = Some(crate::userland::ExitStatus::Signaled(
            crate::userland::Signal::Kill,
        ));
        let Some(k) = self.kubelets.get_mut(node) else {
            return gone;
        };
        let Some(m) = k.machine_mut(uid, container) else {
            return gone;
        };
        let st = m.exit_status(pid);
        if st.is_some() {
            m.reap(pid);
        }
        st
    }

    /// The nodes in name order.
    pub fn nodes(&self) -> Vec<NodeSummary> {
        self.api
            .store
            .table::<Node>()
            .iter()
            .map(|(_, _, n)| {
                // As kubectl prints it: any Ready condition but True is
                // NotReady.
                let mut status = match n.condition("Ready") {
                    Some(c) if c.status == "True" => "Ready",
                    Some(_) => "NotReady",
                    None => "Unknown",
                }
                .to_string();
                if n.spec.unschedulable {
                    status.push_str(",SchedulingDisabled");
                }
                NodeSummary {
                    name: n.name().to_string(),
                    roles: n.roles(),
                    status,
                    taints: n.spec.taints.iter().map(|t| t.to_spec_string()).collect(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::corev1::{ConfigMap, ServiceAccount};

    #[test]
    fn default_cluster_is_kubeadm_shaped() {
        let c = Cluster::new(ClusterConfig::default());
        let nodes = c.nodes();
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["controlplane", "node01", "node02"]);
        assert_eq!(nodes[0].roles, ["control-plane"]);
        assert_eq!(
            nodes[0].taints,
            ["node-role.kubernetes.io/control-plane:NoSchedule"]
        );
        assert_eq!(nodes[0].status, "Ready");
        assert!(nodes[1].roles.is_empty() && nodes[1].taints.is_empty());
    }

    #[test]
    fn every_namespace_gets_a_default_service_account_and_root_ca() {
        let c = Cluster::new(ClusterConfig::default());
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            assert!(
                c.api().store.get::<ServiceAccount>(ns, "default").is_some(),
                "{ns}"
            );
            assert!(
                c.api()
                    .store
                    .get::<ConfigMap>(ns, "kube-root-ca.crt")
                    .is_some(),
                "{ns}"
            );
        }
    }

    #[test]
    fn the_session_starts_after_warm_up() {
        let mut c = Cluster::new(ClusterConfig::default());
        assert_eq!(c.now(), 0);
        c.advance_by(5_000);
        assert_eq!(c.now(), 5_000);
    }
}
