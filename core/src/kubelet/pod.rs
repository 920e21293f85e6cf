//! One pod on one node: the pod worker's state, and the containers it runs.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::prober::{ProbeKind, Worker};
use super::status::{CState, ContainerView};
use crate::api::corev1::{Container, Pod, VolumeMountStatus};
use crate::api::time::Time;
use crate::apiserver::Millis;
use crate::images::ImageInfo;
use crate::userland::{ExecHandle, Machine, Output, Pid, PipeWriter, Volume};

/// The pod sandbox (network namespace and IP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sandbox {
    None,
    Creating,
    Ready,
}

/// A running container instance.
pub struct Instance {
    pub id: String,
    pub machine: Machine,
    pub pid: Pid,
    pub started_at: Millis,
    /// The open end of the main process's stdin (`stdin: true`), until
    /// a `stdinOnce` attach session closes it.
    pub stdin: Option<PipeWriter>,
}

/// Why a container is being stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KillReason {
    /// The pod is being deleted.
    Delete,
    Liveness,
    Startup,
    PostStartFailed,
}

/// A probe or hook process in flight inside a container.
pub struct InFlight {
    pub handle: ExecHandle,
    pub deadline: Millis,
}

/// What the kubelet is doing to a container that takes time.
pub enum Op {
    Idle,
    /// Pulling the image; done at `until`.
    Pulling {
        until: Millis,
        failed: Option<String>,
    },
    /// The postStart hook runs; the container is not Running until it ends.
    PostStart {
        hook: HookRun,
    },
    /// Stopping: preStop first (if any), then the stop signal, then KILL.
    Killing {
        reason: KillReason,
        pre_stop: Option<HookRun>,
        /// When the stop signal was sent (None: not yet).
        signalled: bool,
        deadline: Millis,
        /// The one-off 2 s extension for a preStop hook still running.
        extended: bool,
    },
}

/// A lifecycle hook being run.
pub enum HookRun {
    Exec(InFlight),
    /// httpGet hooks are done at once; sleep hooks end at a time.
    Until(Millis, bool),
}

/// One container of the pod.
pub struct Ctr {
    pub spec: Container,
    pub init: bool,
    pub sidecar: bool,
    pub view: ContainerView,
    pub inst: Option<Instance>,
    pub op: Op,
    pub probes: Vec<Worker>,
    pub probe_runs: BTreeMap<ProbeKind, InFlight>,
    /// Log of the current (or last) instance, and of the one before.
    pub log: Output,
    pub prev_log: Option<Output>,
    pub image: Option<Rc<ImageInfo>>,
    /// When the latest exited instance finished.
    pub last_exit: Option<Millis>,
    /// A liveness kill restarts once the container is dead; the exit time
    /// the restart's back-off check sees is the one before the kill.
    pub restart_after_kill: Option<Option<Millis>>,
    /// Probe results that ask for a restart.
    pub liveness_failed: Option<ProbeKind>,
    pub instances: u32,
}

impl Ctr {
    pub fn new(spec: Container, init: bool) -> Ctr {
        let sidecar = init && spec.restart_policy.as_deref() == Some("Always");
        let mounts = spec
            .volume_mounts
            .iter()
            .map(|m| VolumeMountStatus {
                name: m.name.clone(),
                mount_path: m.mount_path.clone(),
                read_only: m.read_only,
                recursive_read_only: m.read_only.then(|| "Disabled".to_string()),
            })
            .collect();
        Ctr {
            view: ContainerView {
                name: spec.name.clone(),
                image: spec.image.clone(),
                image_id: String::new(),
                state: CState::Waiting {
                    reason: String::new(),
                    message: String::new(),
                },
                waiting_override: None,
                last: None,
                restart_count: 0,
                ready: false,
                started: false,
                sidecar,
                mounts,
            },
            spec,
            init,
            sidecar,
            inst: None,
            op: Op::Idle,
            probes: Vec::new(),
            probe_runs: BTreeMap::new(),
            log: Output::new(),
            prev_log: None,
            image: None,
            last_exit: None,
            restart_after_kill: None,
            liveness_failed: None,
            instances: 0,
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.view.state, CState::Running { .. }) || matches!(self.op, Op::PostStart { .. })
    }

    pub fn alive(&self) -> bool {
        self.inst.is_some()
    }

    pub fn exited_code(&self) -> Option<i32> {
        match &self.view.state {
            CState::Exited(t) => Some(t.exit_code),
            _ => None,
        }
    }

    pub fn never_started(&self) -> bool {
        self.instances == 0
    }

    pub fn busy(&self) -> bool {
        !matches!(self.op, Op::Idle)
    }
}

/// A pod the kubelet runs.
pub struct PodWorker {
    pub uid: String,
    pub pod: Rc<Pod>,
    pub admitted_at: Millis,
    pub sandbox: Sandbox,
    pub ip: Option<String>,
    pub start_time: Option<Time>,
    pub volumes: Option<BTreeMap<String, Volume>>,
    pub ctrs: Vec<Ctr>,
    pub n_init: usize,
    /// When the next sync is due (de-duplicates sync timers).
    pub sync_at: Option<Millis>,
    pub wake_at: Option<Millis>,
    /// Deletion requested: containers are being stopped.
    pub terminating: bool,
    /// Stopped and reported; waiting to be removed from the API.
    pub finished: bool,
    pub mount_failures: u32,
    /// The pod object is gone from the API (force deletion).
    pub orphaned: bool,
}

impl PodWorker {
    pub fn new(pod: Rc<Pod>, now: Millis) -> PodWorker {
        let mut ctrs: Vec<Ctr> = pod
            .spec
            .init_containers
            .iter()
            .map(|c| Ctr::new(c.clone(), true))
            .collect();
        let n_init = ctrs.len();
        ctrs.extend(
            pod.spec
                .containers
                .iter()
                .map(|c| Ctr::new(c.clone(), false)),
        );
        let has_init = n_init > 0;
        // Containers the runtime has not created yet wait with the
        // kubelet's default reason (`defaultWaitingState`).
        let reason = if has_init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        for c in ctrs.iter_mut() {
            c.view.state = CState::Waiting {
                reason: reason.to_string(),
                message: String::new(),
            };
            for (kind, probe) in [
                (ProbeKind::Startup, &c.spec.startup_probe),
                (ProbeKind::Liveness, &c.spec.liveness_probe),
                (ProbeKind::Readiness, &c.spec.readiness_probe),
            ] {
                if let Some(p) = probe {
                    c.probes.push(Worker::new(kind, (**p).clone(), now));
                }
            }
        }
        PodWorker {
            uid: pod.metadata.uid().to_string(),
            pod,
            admitted_at: now,
            sandbox: Sandbox::None,
            ip: None,
            start_time: None,
            volumes: None,
            ctrs,
            n_init,
            sync_at: None,
            wake_at: None,
            terminating: false,
            finished: false,
            mount_failures: 0,
            orphaned: false,
        }
    }

    pub fn ctr_index(&self, name: &str) -> Option<usize> {
        self.ctrs.iter().position(|c| c.spec.name == name)
    }

    /// `<pod>_<namespace>(<uid>)`, as kubelet messages name a pod.
    pub fn full_name(&self) -> String {
        format!("{}_{}({})", self.pod.name(), self.pod.namespace(), self.uid)
    }
}
