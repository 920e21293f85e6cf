//! Rollout status (`progress.go`): the Progressing condition, the
//! ReplicaFailure condition copied from the ReplicaSets, and the requeue
//! that notices a missed progress deadline.

use super::sync::{Split, Sync};
use super::util;
use crate::api::apps::{
    ConditionStatus, DeploymentCondition, DeploymentConditionType, DeploymentStatus,
};
use crate::apiserver::ApiError;

impl Sync<'_> {
    /// `syncRolloutStatus`.
    pub fn sync_rollout_status(&mut self, split: &Split) -> Result<(), ApiError> {
        let mut status = self.calculate_status(split);
        let has_deadline = util::has_progress_deadline(&self.d);
        if !has_deadline {
            util::remove_condition(&mut status, DeploymentConditionType::Progressing);
        }
        let current =
            util::condition(&self.d.status, DeploymentConditionType::Progressing).cloned();
        let complete_before = status.replicas == status.updated_replicas
            && current
                .as_ref()
                .is_some_and(|c| c.reason == util::NEW_RS_AVAILABLE);
        let now = self.api.time();
        let new_name = split.new.map(|n| self.rs(n).metadata.name().to_string());
        let about = |rs_msg: &str, d_msg: &str| match &new_name {
            Some(n) => format!("ReplicaSet \"{n}\" {rs_msg}"),
            None => format!("Deployment \"{}\" {d_msg}", self.d.metadata.name()),
        };
        if has_deadline && !complete_before {
            if util::deployment_complete(&self.d, &status) {
                let c = util::new_condition(
                    DeploymentConditionType::Progressing,
                    ConditionStatus::True,
                    util::NEW_RS_AVAILABLE,
                    about(
                        "has successfully progressed.",
                        "has successfully progressed.",
                    ),
                    now,
                );
                util::set_condition(&mut status, c);
            } else if util::deployment_progressing(&self.d, &status) {
                // Progress refreshes the update time even with the same
                // reason, which is what restarts the deadline.
                let mut c = util::new_condition(
                    DeploymentConditionType::Progressing,
                    ConditionStatus::True,
                    util::REPLICA_SET_UPDATED,
                    about("is progressing.", "is progressing."),
                    now,
                );
                if let Some(cur) = &current {
                    if cur.status == ConditionStatus::True {
                        c.last_transition_time = cur.last_transition_time;
                    }
                    util::remove_condition(&mut status, DeploymentConditionType::Progressing);
                }
                util::set_condition(&mut status, c);
            } else if util::deployment_timed_out(&self.d, &status, self.api.wall_millis()) {
                let c = util::new_condition(
                    DeploymentConditionType::Progressing,
                    ConditionStatus::False,
                    util::TIMED_OUT,
                    about("has timed out progressing.", "has timed out progressing."),
                    now,
                );
                util::set_condition(&mut status, c);
            }
        }
        match self.replica_failure(split) {
            Some(c) => util::set_condition(&mut status, c),
            None => util::remove_condition(&mut status, DeploymentConditionType::ReplicaFailure),
        }
        if status == self.d.status {
            self.requeue_stuck(&status);
            return Ok(());
        }
        self.d.status = status;
        self.write_deployment()
    }

    /// `getReplicaFailures`: the new ReplicaSet's ReplicaFailure condition,
    /// else an old one's.
    fn replica_failure(&self, split: &Split) -> Option<DeploymentCondition> {
        let mut order: Vec<usize> = split.new.into_iter().collect();
        order.extend(split.all());
        order.into_iter().find_map(|i| {
            self.rs(i)
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "ReplicaFailure")
                .map(|c| DeploymentCondition {
                    type_: DeploymentConditionType::ReplicaFailure,
                    status: c.status.clone(),
                    last_update_time: c.last_transition_time,
                    last_transition_time: c.last_transition_time,
                    reason: c.reason.clone(),
                    message: c.message.clone(),
                })
        })
    }

    /// `requeueStuckDeployment`: look again when the deadline passes
    /// (upstream adds a second against clock skew).
    fn requeue_stuck(&mut self, status: &DeploymentStatus) {
        let Some(cur) = util::condition(&self.d.status, DeploymentConditionType::Progressing)
        else {
            return;
        };
        if !util::has_progress_deadline(&self.d)
            || util::deployment_complete(&self.d, status)
            || cur.reason == util::TIMED_OUT
        {
            return;
        }
        let deadline = i64::from(self.d.spec.progress_deadline_seconds.unwrap_or(0)) * 1000;
        let due = cur
            .last_update_time
            .map_or(0, |t| t.millis())
            .saturating_add(deadline);
        let after = due.saturating_sub(self.api.wall_millis());
        self.requeue = Some(if after < 1000 {
            super::until(self.api, due.saturating_add(1))
        } else {
            after.saturating_add(1000)
        });
    }
}
