//! kube-controller-manager: controllers that read a snapshot of the store and
//! write through the API server, driven by work queues that de-duplicate
//! keys and remember why each key was queued.

pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod endpointslice;
pub mod gc;
pub mod history;
pub mod job;
pub mod namespace;
pub mod nodelifecycle;
pub mod replicaset;
pub mod serviceaccount;
pub mod statefulset;
pub mod ttl;
pub mod volume;

use std::collections::BTreeMap;

use crate::apiserver::{ApiError, ApiServer, Millis};
use crate::sim::{Task, Timers};
use crate::store::{ObjKey, WatchEvent};

/// The controllers that exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CtrlId {
    ServiceAccount,
    RootCaPublisher,
    StatefulSet,
    DaemonSet,
    PersistentVolumeBinder,
    LocalPathProvisioner,
    PvcProtection,
    PvProtection,
    ReplicaSet,
    Deployment,
    GarbageCollector,
    Namespace,
    Job,
    JobPodFinalizers,
    CronJob,
    TtlAfterFinished,
    Endpoints,
    EndpointSlice,
    EndpointSliceMirroring,
    NodeLifecycle,
    TaintEviction,
    PodGc,
}

impl CtrlId {
    pub fn name(self) -> &'static str {
        match self {
            CtrlId::ServiceAccount => "serviceaccount-controller",
            CtrlId::RootCaPublisher => "root-ca-cert-publisher",
            CtrlId::StatefulSet => "statefulset-controller",
            CtrlId::DaemonSet => "daemonset-controller",
            CtrlId::PersistentVolumeBinder => "persistentvolume-binder",
            CtrlId::LocalPathProvisioner => "local-path-provisioner",
            CtrlId::PvcProtection => "pvc-protection-controller",
            CtrlId::PvProtection => "pv-protection-controller",
            CtrlId::ReplicaSet => "replicaset-controller",
            CtrlId::Deployment => "deployment-controller",
            CtrlId::GarbageCollector => "garbage-collector-controller",
            CtrlId::Namespace => "namespace-controller",
            CtrlId::Job | CtrlId::JobPodFinalizers => "job-controller",
            CtrlId::CronJob => "cronjob-controller",
            CtrlId::TtlAfterFinished => "ttl-after-finished-controller",
            CtrlId::Endpoints => "endpoint-controller",
            CtrlId::EndpointSlice => "endpointslice-controller",
            CtrlId::EndpointSliceMirroring => "endpointslice-mirroring-controller",
            CtrlId::NodeLifecycle => "node-lifecycle-controller",
            CtrlId::TaintEviction => "taint-eviction-controller",
            CtrlId::PodGc => "pod-garbage-collector",
        }
    }
}

/// Why a key was queued; kept for the UI ("why did this controller run?").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueReason {
    /// An object of this kind changed.
    Changed(crate::store::Kind, crate::store::WatchType),
    /// A related object (owned pod, selected pod, …) changed.
    Related(crate::store::Kind, String),
    /// The controller asked to look again after a delay.
    Requeue,
    /// Cluster start.
    Startup,
}

/// What a reconcile wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Action {
    /// Look again after this long even if nothing changes.
    RequeueAfter(Millis),
    /// Nothing to do until something changes.
    AwaitChange,
}

/// A controller: maps watch events to keys, and reconciles one key.
pub trait Controller {
    fn id(&self) -> CtrlId;
    /// Keys to reconcile because of this change.
    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>);
    /// How long after this change the keys it queued are worked on; some
    /// controllers batch (the Job controller waits a second for pod
    /// changes).
    fn reaction(&self, _ev: &WatchEvent) -> Millis {
        REACTION
    }
    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError>;
}

/// Controller timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CtrlTask {
    Reconcile(CtrlId, ObjKey),
}

/// How long after a change a controller reacts.
const REACTION: Millis = 50;
/// Retry delay after a failed write.
const ERROR_RETRY: Millis = 1_000;

#[derive(Default)]
struct Queue {
    /// Due time and reason of each queued key.
    pending: BTreeMap<ObjKey, (Millis, QueueReason)>,
}

/// All controllers and their queues.
pub struct Manager {
    controllers: Vec<Box<dyn Controller>>,
    queues: BTreeMap<CtrlId, Queue>,
    /// The last reason each key was reconciled for.
    pub last_reason: BTreeMap<(CtrlId, ObjKey), QueueReason>,
    /// Which kubelets renew their node leases (the node lifecycle
    /// controller reads it; the cluster reports stopped and started nodes).
    pub leases: nodelifecycle::Leases,
}

impl Default for Manager {
    fn default() -> Self {
        Manager::new()
    }
}

impl Manager {
    pub fn new() -> Manager {
        let leases = nodelifecycle::Leases::default();
        let controllers: Vec<Box<dyn Controller>> = vec![
            Box::new(serviceaccount::ServiceAccounts),
            Box::new(serviceaccount::RootCaPublisher),
            Box::new(statefulset::StatefulSets),
            Box::new(daemonset::DaemonSets::new()),
            Box::new(volume::PvBinder),
            Box::new(volume::LocalPathProvisioner::new()),
            Box::new(volume::PvcProtection),
            Box::new(volume::PvProtection),
            Box::new(replicaset::ReplicaSets::new()),
            Box::new(deployment::Deployments::new()),
            Box::new(gc::GarbageCollector::new()),
            Box::new(namespace::Namespaces::new()),
            Box::new(job::JobController::default()),
            Box::new(job::PodFinalizers),
            Box::new(cronjob::CronJobController),
            Box::new(ttl::TtlAfterFinished),
            Box::new(endpoints::EndpointsController::default()),
            Box::new(endpointslice::EndpointSliceController::default()),
            Box::new(endpointslice::MirroringController),
            Box::new(nodelifecycle::NodeLifecycle::new(leases.clone())),
            Box::new(nodelifecycle::TaintEviction::default()),
            Box::new(nodelifecycle::PodGc::default()),
        ];
        Manager {
            queues: controllers
                .iter()
                .map(|c| (c.id(), Queue::default()))
                .collect(),
            controllers,
            last_reason: BTreeMap::new(),
            leases,
        }
    }

    /// Queues a key for a controller from outside the watch feed (the
    /// cluster telling the node lifecycle controller about a node).
    pub fn wake(
        &mut self,
        id: CtrlId,
        key: ObjKey,
        reason: QueueReason,
        due: Millis,
        timers: &mut Timers,
    ) {
        self.enqueue(id, key, reason, due, timers);
    }

    fn enqueue(
        &mut self,
        id: CtrlId,
        key: ObjKey,
        reason: QueueReason,
        due: Millis,
        timers: &mut Timers,
    ) {
        let q = self.queues.entry(id).or_default();
        match q.pending.get(&key) {
            Some((t, _)) if *t <= due => {}
            _ => {
                q.pending.insert(key.clone(), (due, reason));
                timers.at(due, Task::Controller(CtrlTask::Reconcile(id, key)));
            }
        }
    }

    pub fn on_event(&mut self, ev: &WatchEvent, timers: &mut Timers, now: Millis) {
        let mut keys = Vec::new();
        let mut work = Vec::new();
        for c in &self.controllers {
            keys.clear();
            c.keys_for(ev, &mut keys);
            if keys.is_empty() {
                continue;
            }
            let delay = c.reaction(ev);
            for (k, r) in keys.drain(..) {
                work.push((c.id(), k, r, delay));
            }
        }
        for (id, k, r, delay) in work {
            self.enqueue(id, k, r, now + delay, timers);
        }
    }

    pub fn run(&mut self, task: CtrlTask, api: &mut ApiServer, timers: &mut Timers) {
        let CtrlTask::Reconcile(id, key) = task;
        let now = api.now();
        let Some(q) = self.queues.get_mut(&id) else {
            return;
        };
        // A stale timer for a key that was re-queued earlier or later.
        match q.pending.get(&key) {
            Some((due, _)) if *due == now => {}
            _ => return,
        }
        let Some((_, reason)) = q.pending.remove(&key) else {
            return;
        };
        self.last_reason.insert((id, key.clone()), reason);
        let Some(c) = self.controllers.iter_mut().find(|c| c.id() == id) else {
            return;
        };
        match c.reconcile(&key, api) {
            Ok(Action::AwaitChange) => {}
            Ok(Action::RequeueAfter(d)) => {
                self.enqueue(id, key, QueueReason::Requeue, now + d.max(1), timers)
            }
            Err(_) => self.enqueue(id, key, QueueReason::Requeue, now + ERROR_RETRY, timers),
        }
    }
}
