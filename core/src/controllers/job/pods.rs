//! What the Job controller reads off its pods: activity, readiness,
//! finish times, completion indexes, and the order in which it removes
//! surplus pods.

use std::rc::Rc;

use crate::api::batch::job::JOB_COMPLETION_INDEX_ANNOTATION;
use crate::api::corev1::{Pod, PodPhase};
use crate::util::sort;

/// The finalizer that keeps a Job's pods until the controller has counted
/// them.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// Failures of an index so far, carried from pod to pod.
pub const INDEX_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-failure-count";
/// Ignored failures of an index so far.
pub const INDEX_IGNORED_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-ignored-failure-count";

pub fn has_tracking_finalizer(p: &Pod) -> bool {
    p.metadata
        .finalizers
        .iter()
        .any(|f| f == TRACKING_FINALIZER)
}

/// Pending or running and not being deleted (`FilterActivePods`).
pub fn is_active(p: &Pod) -> bool {
    !p.is_terminal() && p.metadata.deletion_timestamp.is_none()
}

/// Being deleted but not finished (`IsPodTerminating`).
pub fn is_terminating(p: &Pod) -> bool {
    !p.is_terminal() && p.metadata.deletion_timestamp.is_some()
}

/// The pod's completion index, or None when it has none or a bad one.
pub fn completion_index(p: &Pod) -> Option<i32> {
    p.metadata
        .annotation(JOB_COMPLETION_INDEX_ANNOTATION)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|i| *i >= 0)
}

/// A count annotation, 0 when missing or malformed.
pub fn count_annotation(p: &Pod, key: &str) -> i32 {
    p.metadata
        .annotation(key)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|v| *v >= 0)
        .unwrap_or(0)
}

/// When the pod finished, in wall-clock milliseconds (`getFinishedTime`):
/// the last container exit, else when it stopped being ready, else its
/// deletion, else its creation.
pub fn finished_at(p: &Pod) -> i64 {
    let statuses = &p.status.container_statuses;
    if !statuses.is_empty() {
        let mut latest: Option<i64> = None;
        let mut all = true;
        for cs in statuses {
            match cs.state.terminated.as_ref().and_then(|t| t.finished_at) {
                Some(t) => latest = Some(latest.map_or(t.millis(), |l| l.max(t.millis()))),
                None => {
                    all = false;
                    break;
                }
            }
        }
        if let (true, Some(t)) = (all, latest) {
            return t;
        }
    }
    if let Some(t) = p
        .condition("Ready")
        .filter(|c| c.status == "False")
        .and_then(|c| c.last_transition_time)
    {
        return t.millis();
    }
    if let Some(d) = p.metadata.deletion_timestamp {
        return d.millis() - p.metadata.deletion_grace_period_seconds.unwrap_or(0) * 1000;
    }
    p.metadata.creation_timestamp.map_or(0, |t| t.millis())
}

fn phase_ordinal(p: &Pod) -> u8 {
    match p.phase() {
        PodPhase::Pending => 0,
        PodPhase::Unknown => 1,
        PodPhase::Running => 2,
        _ => 0,
    }
}

fn ready_since(p: &Pod) -> Option<i64> {
    p.condition("Ready")
        .filter(|c| c.status == "True")
        .and_then(|c| c.last_transition_time)
        .map(|t| t.millis())
}

fn max_restarts(p: &Pod) -> i32 {
    p.status
        .container_statuses
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

/// Sorts pods so that the ones to remove first come first
/// (`controller.ActivePods`): unscheduled, then pending, not ready, ready
/// for less time, more restarts, newer.
pub fn sort_for_removal(pods: &mut [Rc<Pod>]) {
    sort::sort_by(pods, |a, b| {
        use std::cmp::Ordering;
        let assigned = |p: &Pod| p.node_name().is_some();
        if a.spec.node_name != b.spec.node_name && (!assigned(a) || !assigned(b)) {
            return assigned(a).cmp(&assigned(b));
        }
        let by_phase = phase_ordinal(a).cmp(&phase_ordinal(b));
        if by_phase != Ordering::Equal {
            return by_phase;
        }
        let by_ready = a.is_ready().cmp(&b.is_ready());
        if by_ready != Ordering::Equal {
            return by_ready;
        }
        if a.is_ready() && b.is_ready() {
            let (ta, tb) = (ready_since(a), ready_since(b));
            if ta != tb {
                // Ready more recently (or at an unknown time) goes first.
                return tb.unwrap_or(i64::MAX).cmp(&ta.unwrap_or(i64::MAX));
            }
        }
        let by_restarts = max_restarts(b).cmp(&max_restarts(a));
        if by_restarts != Ordering::Equal {
            return by_restarts;
        }
        let created = |p: &Pod| {
            p.metadata
                .creation_timestamp
                .map_or(i64::MAX, |t| t.millis())
        };
        created(b).cmp(&created(a))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::corev1::PodCondition;
    use crate::api::time::Time;

    fn pod(name: &str, node: &str, phase: PodPhase, ready: bool, created: i64) -> Rc<Pod> {
        let mut p = Pod::default();
        p.metadata.name = Some(name.into());
        p.metadata.creation_timestamp = Some(Time(created));
        p.spec.node_name = node.into();
        p.status.phase = phase;
        p.status.conditions.push(PodCondition {
            type_: "Ready".into(),
            status: if ready { "True" } else { "False" }.into(),
            last_transition_time: Some(Time(created + 5)),
            ..Default::default()
        });
        Rc::new(p)
    }

    #[test]
    fn surplus_pods_are_removed_least_advanced_first() {
        let mut pods = vec![
            pod("old-ready", "n1", PodPhase::Running, true, 100),
            pod("new-ready", "n1", PodPhase::Running, true, 200),
            pod("running-not-ready", "n1", PodPhase::Running, false, 50),
            pod("pending", "n1", PodPhase::Pending, false, 50),
            pod("unscheduled", "", PodPhase::Pending, false, 10),
        ];
        sort_for_removal(&mut pods);
        let names: Vec<&str> = pods.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "unscheduled",
                "pending",
                "running-not-ready",
                "new-ready",
                "old-ready"
            ]
        );
    }
}
