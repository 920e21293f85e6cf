//! The pod table (`printPod`): READY, the STATUS algorithm and RESTARTS.

use super::format::since;
use super::{col, wide, Column, NAME};
use crate::api::corev1::{Container, ContainerState, ContainerStatus, Pod};
use crate::api::time::Time;

pub(super) const COLUMNS: &[Column] = &[
    NAME,
    col("READY"),
    col("STATUS"),
    col("RESTARTS"),
    col("AGE"),
    wide("IP"),
    wide("NODE"),
    wide("NOMINATED NODE"),
    wide("READINESS GATES"),
];

/// The READY, STATUS and RESTARTS cells of a pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodStatusCells {
    pub ready: String,
    pub status: String,
    pub restarts: String,
}

fn is_restartable(c: Option<&Container>) -> bool {
    c.is_some_and(|c| c.restart_policy.as_deref() == Some("Always"))
}

/// Keeps the later of two restart times; an absent time counts as Go's zero
/// time, before every real one.
fn latest(current: Option<Time>, status: &ContainerStatus) -> Option<Time> {
    let finished = status
        .last_state
        .terminated
        .as_ref()
        .and_then(|t| t.finished_at);
    match (current, finished) {
        (Some(c), Some(f)) if f > c => Some(f),
        (None, Some(f)) => Some(f),
        (c, _) => c,
    }
}

fn terminated_reason(prefix: &str, state: &ContainerState) -> Option<String> {
    let t = state.terminated.as_ref()?;
    Some(if !t.reason.is_empty() {
        format!("{prefix}{}", t.reason)
    } else if t.signal != 0 {
        format!("{prefix}Signal:{}", t.signal)
    } else {
        format!("{prefix}ExitCode:{}", t.exit_code)
    })
}

fn condition_true(pod: &Pod, type_: &str) -> bool {
    // Like upstream, only the first condition of a type counts.
    pod.status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

/// kube-apiserver's `printPod` status logic (v1.31–v1.33): the first
/// unfinished init container decides while the pod initializes; otherwise
/// the app containers are read from last to first, so the first container's
/// state wins.
pub fn pod_status_cells(pod: &Pod, now_ms: i64) -> PodStatusCells {
    let spec = &pod.spec;
    let status = &pod.status;
    let phase = status.phase.as_str();
    let mut reason = if status.reason.is_empty() {
        phase.to_string()
    } else {
        status.reason.clone()
    };
    if status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }

    let init_spec = |name: &str| spec.init_containers.iter().find(|c| c.name == name);
    let total = spec.containers.len()
        + spec
            .init_containers
            .iter()
            .filter(|c| is_restartable(Some(c)))
            .count();
    let mut ready = 0usize;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last_restart: Option<Time> = None;
    let mut last_sidecar_restart: Option<Time> = None;

    let mut initializing = false;
    for (i, cs) in status.init_container_statuses.iter().enumerate() {
        restarts += i64::from(cs.restart_count);
        last_restart = latest(last_restart, cs);
        let sidecar = is_restartable(init_spec(&cs.name));
        if sidecar {
            sidecar_restarts += i64::from(cs.restart_count);
            last_sidecar_restart = latest(last_sidecar_restart, cs);
        }
        let state = &cs.state;
        if state.terminated.as_ref().is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && cs.started == Some(true) {
            if cs.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(r) = terminated_reason("Init:", state) {
            reason = r;
        } else if let Some(w) = state
            .waiting
            .as_ref()
            .filter(|w| !w.reason.is_empty() && w.reason != "PodInitializing")
        {
            reason = format!("Init:{}", w.reason);
        } else {
            reason = format!("Init:{}/{}", i, spec.init_containers.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for cs in status.container_statuses.iter().rev() {
            restarts += i64::from(cs.restart_count);
            last_restart = latest(last_restart, cs);
            let state = &cs.state;
            if let Some(w) = state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
                reason = w.reason.clone();
            } else if let Some(r) = terminated_reason("", state) {
                reason = r;
            } else if cs.ready && state.running.is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.reason == "NodeLost" {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(now_ms, Some(t))),
        _ => restarts.to_string(),
    };
    PodStatusCells {
        ready: format!("{ready}/{total}"),
        status: reason,
        restarts,
    }
}

pub(super) fn cells(pod: &Pod, now_ms: i64) -> Vec<String> {
    let summary = pod_status_cells(pod, now_ms);
    let or_none = |s: &str| {
        if s.is_empty() {
            "<none>".to_string()
        } else {
            s.to_string()
        }
    };
    let ip = pod
        .status
        .pod_ips
        .first()
        .map(|p| p.ip.as_str())
        .unwrap_or("");
    let gates = &pod.spec.readiness_gates;
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let true_count = gates
            .iter()
            .filter(|g| condition_true(pod, &g.condition_type))
            .count();
        format!("{true_count}/{}", gates.len())
    };
    vec![
        pod.metadata.name().to_string(),
        summary.ready,
        summary.status,
        summary.restarts,
        since(now_ms, pod.metadata.creation_timestamp),
        or_none(ip),
        or_none(&pod.spec.node_name),
        or_none(&pod.status.nominated_node_name),
        readiness_gates,
    ]
}
