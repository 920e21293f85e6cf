//! The pod status the kubelet reports: container statuses
//! (`convertToAPIContainerStatuses`), the phase (`getPhase`) and the five
//! conditions (`status/generate.go`).

use crate::api::corev1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, PodCondition, PodIp, PodPhase, PodSpec, PodStatus, RestartPolicy,
    VolumeMountStatus,
};
use crate::api::time::Time;

/// A finished container instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    pub exit_code: i32,
    pub signal: i32,
    pub reason: String,
    pub message: String,
    pub started_at: Time,
    pub finished_at: Time,
    pub container_id: String,
}

/// The runtime state of a container's latest instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CState {
    /// No instance yet, or waiting to be (re)started.
    Waiting {
        reason: String,
        message: String,
    },
    Running {
        started_at: Time,
        container_id: String,
    },
    Exited(Terminated),
}

/// Everything the kubelet knows about one container, for its status.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerView {
    pub name: String,
    /// The image as the spec names it, until the runtime resolves it.
    pub image: String,
    pub image_id: String,
    pub state: CState,
    /// Set when the latest instance exited and the kubelet waits to
    /// restart it (`CrashLoopBackOff`), shown instead of the exit.
    pub waiting_override: Option<(String, String)>,
    pub last: Option<Terminated>,
    pub restart_count: i32,
    pub ready: bool,
    pub started: bool,
    pub sidecar: bool,
    pub mounts: Vec<VolumeMountStatus>,
}

impl ContainerView {
    fn api_status(&self, init: bool) -> ContainerStatus {
        let state = match (&self.waiting_override, &self.state) {
            (Some((reason, message)), _) => waiting(reason, message),
            (None, CState::Waiting { reason, message }) => waiting(reason, message),
            (None, CState::Running { started_at, .. }) => ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(*started_at),
                }),
                ..Default::default()
            },
            (None, CState::Exited(t)) => terminated(t),
        };
        let last = match (&self.waiting_override, &self.state) {
            (Some(_), CState::Exited(t)) => terminated(t),
            _ => self.last.as_ref().map(terminated).unwrap_or_default(),
        };
        let container_id = match &self.state {
            CState::Running { container_id, .. } => container_id.clone(),
            CState::Exited(t) => t.container_id.clone(),
            CState::Waiting { .. } => String::new(),
        };
        let running = matches!(self.state, CState::Running { .. });
        ContainerStatus {
            name: self.name.clone(),
            state,
            last_state: last,
            // A regular init container that finished is ready.
            ready: (self.ready && running)
                || (init
                    && !self.sidecar
                    && matches!(&self.state, CState::Exited(t) if t.exit_code == 0)),
            restart_count: self.restart_count,
            image: self.image.clone(),
            image_id: self.image_id.clone(),
            container_id,
            started: Some(self.started && running),
            volume_mounts: if container_id_known(&self.state) {
                self.mounts.clone()
            } else {
                Vec::new()
            },
            ..Default::default()
        }
    }

    fn has_last_termination(&self) -> bool {
        self.last.is_some()
            || (self.waiting_override.is_some() && matches!(self.state, CState::Exited(_)))
    }
}

fn container_id_known(state: &CState) -> bool {
    !matches!(state, CState::Waiting { .. })
}

fn waiting(reason: &str, message: &str) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: reason.to_string(),
            message: message.to_string(),
        }),
        ..Default::default()
    }
}

fn terminated(t: &Terminated) -> ContainerState {
    ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: t.exit_code,
            signal: t.signal,
            reason: t.reason.clone(),
            message: t.message.clone(),
            started_at: Some(t.started_at),
            finished_at: Some(t.finished_at),
            container_id: t.container_id.clone(),
        }),
        ..Default::default()
    }
}

/// What the status is computed from.
pub struct PodView<'a> {
    pub spec: &'a PodSpec,
    pub init: &'a [ContainerView],
    pub containers: &'a [ContainerView],
    pub sandbox_ready: bool,
    pub host_ip: &'a str,
    pub pod_ip: Option<&'a str>,
    pub start_time: Option<Time>,
    /// The pod is being deleted or evicted.
    pub terminal_requested: bool,
}

/// `getPhase`.
pub fn phase(view: &PodView<'_>, previous: &PodPhase) -> PodPhase {
    // Terminal phases never change back.
    if matches!(previous, PodPhase::Succeeded | PodPhase::Failed) {
        return previous.clone();
    }
    let policy = match &view.spec.restart_policy {
        RestartPolicy::Other(_) => RestartPolicy::Always,
        p => p.clone(),
    };
    let mut pending_init = 0;
    let mut failed_init = 0;
    for c in view.init.iter().filter(|c| !c.sidecar) {
        match &c.state {
            CState::Exited(t) if t.exit_code == 0 => {}
            CState::Exited(_) => failed_init += 1,
            CState::Running { .. } => pending_init += 1,
            CState::Waiting { .. } => {
                if c.last.as_ref().is_some_and(|l| l.exit_code != 0) {
                    failed_init += 1;
                } else {
                    pending_init += 1;
                }
            }
        }
    }
    let (mut running, mut stopped, mut succeeded, mut waiting_n) = (0, 0, 0, 0);
    for c in view.containers {
        match &c.state {
            CState::Running { .. } => running += 1,
            CState::Exited(t) => {
                stopped += 1;
                if t.exit_code == 0 && c.waiting_override.is_none() {
                    succeeded += 1;
                }
            }
            CState::Waiting { .. } => {
                if c.has_last_termination() {
                    stopped += 1;
                } else {
                    waiting_n += 1;
                }
            }
        }
    }
    // Sidecars count as running app containers once the pod is past init.
    for c in view.init.iter().filter(|c| c.sidecar) {
        if matches!(c.state, CState::Running { .. }) && pending_init == 0 {
            running += 1;
        }
    }
    let any_app_started = view
        .containers
        .iter()
        .any(|c| !matches!(c.state, CState::Waiting { .. }) || c.has_last_termination());
    if failed_init > 0 && policy == RestartPolicy::Never {
        return PodPhase::Failed;
    }
    if (pending_init > 0 || failed_init > 0) && !any_app_started {
        return PodPhase::Pending;
    }
    if waiting_n > 0 {
        return PodPhase::Pending;
    }
    if running > 0 {
        return PodPhase::Running;
    }
    if stopped > 0 {
        if view.terminal_requested {
            return if stopped == succeeded {
                PodPhase::Succeeded
            } else {
                PodPhase::Failed
            };
        }
        return match policy {
            RestartPolicy::Always => PodPhase::Running,
            RestartPolicy::Never => {
                if stopped == succeeded {
                    PodPhase::Succeeded
                } else {
                    PodPhase::Failed
                }
            }
            _ => {
                if stopped == succeeded {
                    PodPhase::Succeeded
                } else {
                    PodPhase::Running
                }
            }
        };
    }
    PodPhase::Pending
}

fn names_list(names: &[&str]) -> String {
    format!("[{}]", names.join(" "))
}

fn condition(
    type_: &str,
    status: bool,
    reason: &str,
    message: String,
    old: &PodStatus,
    now: Time,
) -> PodCondition {
    let status = if status { "True" } else { "False" };
    let since = old
        .conditions
        .iter()
        .find(|c| c.type_ == type_ && c.status == status)
        .and_then(|c| c.last_transition_time)
        .unwrap_or(now);
    PodCondition {
        type_: type_.to_string(),
        status: status.to_string(),
        last_probe_time: None,
        last_transition_time: Some(since),
        reason: reason.to_string(),
        message,
    }
}

/// The full pod status, keeping transition times from `old` where a
/// condition did not change.
pub fn generate(view: &PodView<'_>, old: &PodStatus, now: Time) -> PodStatus {
    let phase = phase(view, &old.phase);
    let terminal = matches!(phase, PodPhase::Succeeded | PodPhase::Failed);
    let init_statuses: Vec<ContainerStatus> =
        view.init.iter().map(|c| c.api_status(true)).collect();
    let statuses: Vec<ContainerStatus> = view
        .containers
        .iter()
        .map(|c| c.api_status(false))
        .collect();
    let mut conditions = Vec::new();
    conditions.push(condition(
        "PodReadyToStartContainers",
        view.sandbox_ready && !terminal,
        "",
        String::new(),
        old,
        now,
    ));
    // Initialized: every regular init container exited 0, or an app
    // container has started.
    let unfinished: Vec<&str> = view
        .init
        .iter()
        .filter(|c| !c.sidecar)
        .filter(|c| !matches!(&c.state, CState::Exited(t) if t.exit_code == 0))
        .map(|c| c.name.as_str())
        .collect();
    let sidecars_unstarted: Vec<&str> = view
        .init
        .iter()
        .filter(|c| c.sidecar && !c.started)
        .map(|c| c.name.as_str())
        .collect();
    let app_started = view
        .containers
        .iter()
        .any(|c| !matches!(c.state, CState::Waiting { .. }) || c.has_last_termination());
    let initialized = (unfinished.is_empty() && sidecars_unstarted.is_empty()) || app_started;
    let init_cond = if initialized {
        condition("Initialized", true, "", String::new(), old, now)
    } else {
        let mut list = unfinished.clone();
        list.extend(sidecars_unstarted.iter());
        condition(
            "Initialized",
            false,
            "ContainersNotInitialized",
            format!("containers with incomplete status: {}", names_list(&list)),
            old,
            now,
        )
    };
    conditions.push(init_cond);
    let unready: Vec<&str> = view
        .init
        .iter()
        .filter(|c| c.sidecar)
        .chain(view.containers.iter())
        .filter(|c| !(c.ready && matches!(c.state, CState::Running { .. })))
        .map(|c| c.name.as_str())
        .collect();
    let (ready, reason, message) = if terminal {
        (
            false,
            if phase == PodPhase::Succeeded {
                "PodCompleted"
            } else {
                "PodFailed"
            },
            String::new(),
        )
    } else if unready.is_empty() {
        (true, "", String::new())
    } else {
        (
            false,
            "ContainersNotReady",
            format!("containers with unready status: {}", names_list(&unready)),
        )
    };
    // Ready copies ContainersReady, then applies readiness gates.
    let mut ready_cond = condition("Ready", ready, reason, message.clone(), old, now);
    if ready {
        let gates: Vec<&str> = view
            .spec
            .readiness_gates
            .iter()
            .map(|g| g.condition_type.as_str())
            .filter(|t| {
                !old.conditions
                    .iter()
                    .any(|c| c.type_ == *t && c.status == "True")
            })
            .collect();
        if !gates.is_empty() {
            ready_cond = condition(
                "Ready",
                false,
                "ReadinessGatesNotReady",
                format!(
                    "corresponding condition of pod readiness gate {} does not exist.",
                    gates
                        .iter()
                        .map(|g| format!("\"{g}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                old,
                now,
            );
        }
    }
    conditions.push(ready_cond);
    conditions.push(condition(
        "ContainersReady",
        ready,
        reason,
        message,
        old,
        now,
    ));
    conditions.push(condition("PodScheduled", true, "", String::new(), old, now));
    // Conditions other components own (readiness gates, DisruptionTarget)
    // are kept.
    for c in &old.conditions {
        if !conditions.iter().any(|n| n.type_ == c.type_) {
            conditions.push(c.clone());
        }
    }
    let pod_ips = view
        .pod_ip
        .map(|ip| vec![PodIp { ip: ip.to_string() }])
        .unwrap_or_default();
    PodStatus {
        phase,
        conditions,
        message: old.message.clone(),
        reason: old.reason.clone(),
        nominated_node_name: old.nominated_node_name.clone(),
        host_ip: view.host_ip.to_string(),
        host_ips: vec![PodIp {
            ip: view.host_ip.to_string(),
        }],
        pod_ip: view.pod_ip.unwrap_or_default().to_string(),
        pod_ips,
        start_time: view.start_time,
        init_container_statuses: init_statuses,
        container_statuses: statuses,
        qos_class: old.qos_class.clone(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::corev1::Container;

    fn spec(policy: RestartPolicy) -> PodSpec {
        PodSpec {
            restart_policy: policy,
            containers: vec![Container {
                name: "app".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn view(state: CState, last: Option<Terminated>, wait: Option<&str>) -> ContainerView {
        ContainerView {
            name: "app".into(),
            image: "busybox".into(),
            image_id: String::new(),
            state,
            waiting_override: wait.map(|w| (w.to_string(), String::new())),
            last,
            restart_count: 0,
            ready: false,
            started: false,
            sidecar: false,
            mounts: vec![],
        }
    }

    fn exited(code: i32) -> Terminated {
        Terminated {
            exit_code: code,
            signal: 0,
            reason: if code == 0 { "Completed" } else { "Error" }.into(),
            message: String::new(),
            started_at: Time(0),
            finished_at: Time(1),
            container_id: "containerd://x".into(),
        }
    }

    #[test]
    fn phase_follows_get_phase() {
        let cases = [
            (
                "a running container",
                RestartPolicy::Always,
                CState::Running {
                    started_at: Time(0),
                    container_id: String::new(),
                },
                None,
                PodPhase::Running,
            ),
            (
                "never started",
                RestartPolicy::Always,
                CState::Waiting {
                    reason: "ContainerCreating".into(),
                    message: String::new(),
                },
                None,
                PodPhase::Pending,
            ),
            (
                "exit 0 with Never",
                RestartPolicy::Never,
                CState::Exited(exited(0)),
                None,
                PodPhase::Succeeded,
            ),
            (
                "exit 1 with Never",
                RestartPolicy::Never,
                CState::Exited(exited(1)),
                None,
                PodPhase::Failed,
            ),
            (
                "exit 1 with Always",
                RestartPolicy::Always,
                CState::Exited(exited(1)),
                None,
                PodPhase::Running,
            ),
            (
                "crash loop with Always",
                RestartPolicy::Always,
                CState::Exited(exited(1)),
                Some("CrashLoopBackOff"),
                PodPhase::Running,
            ),
            (
                "exit 1 with OnFailure",
                RestartPolicy::OnFailure,
                CState::Exited(exited(1)),
                None,
                PodPhase::Running,
            ),
            (
                "exit 0 with OnFailure",
                RestartPolicy::OnFailure,
                CState::Exited(exited(0)),
                None,
                PodPhase::Succeeded,
            ),
        ];
        for (name, policy, state, wait, want) in cases {
            let s = spec(policy);
            let c = [view(state, None, wait)];
            let v = PodView {
                spec: &s,
                init: &[],
                containers: &c,
                sandbox_ready: true,
                host_ip: "192.168.1.11",
                pod_ip: Some("10.244.1.2"),
                start_time: None,
                terminal_requested: false,
            };
            assert_eq!(phase(&v, &PodPhase::Pending), want, "{name}");
        }
    }

    #[test]
    fn conditions_come_in_kubelet_order_with_reasons() {
        let s = spec(RestartPolicy::Always);
        let c = [view(
            CState::Waiting {
                reason: "ContainerCreating".into(),
                message: String::new(),
            },
            None,
            None,
        )];
        let v = PodView {
            spec: &s,
            init: &[],
            containers: &c,
            sandbox_ready: false,
            host_ip: "192.168.1.11",
            pod_ip: None,
            start_time: None,
            terminal_requested: false,
        };
        let st = generate(&v, &PodStatus::default(), Time(5));
        let types: Vec<&str> = st.conditions.iter().map(|c| c.type_.as_str()).collect();
        assert_eq!(
            types,
            [
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled"
            ]
        );
        assert_eq!(st.conditions[2].reason, "ContainersNotReady");
        assert_eq!(
            st.conditions[2].message,
            "containers with unready status: [app]"
        );
        assert_eq!(st.conditions[0].reason, "");
        assert_eq!(st.phase, PodPhase::Pending);
    }
}
