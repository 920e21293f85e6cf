//! RollingUpdate (`rolling.go`): grow the new ReplicaSet within the surge,
//! then shrink old ones within the unavailability budget, one step per
//! sync.

use super::sync::{Split, Sync};
use super::util::{self, spec_replicas};
use crate::apiserver::ApiError;

impl Sync<'_> {
    /// `rolloutRolling`.
    pub fn rollout_rolling(&mut self) -> Result<(), ApiError> {
        let split = self.split(true)?;
        let Some(new) = split.new else {
            return self.sync_rollout_status(&split);
        };
        if self.reconcile_new_replica_set(&split, new)? {
            return self.sync_rollout_status(&split);
        }
        let active_olds: Vec<usize> = split
            .olds
            .iter()
            .copied()
            .filter(|i| util::is_active(self.rs(*i)))
            .collect();
        if self.reconcile_old_replica_sets(&split, active_olds, new)? {
            return self.sync_rollout_status(&split);
        }
        if util::deployment_complete(&self.d, &self.d.status) {
            self.cleanup(&split.olds)?;
        }
        self.sync_rollout_status(&split)
    }

    /// `reconcileNewReplicaSet`: scale the new ReplicaSet up as far as the
    /// surge allows (or down, if the Deployment shrank).
    fn reconcile_new_replica_set(&mut self, split: &Split, new: usize) -> Result<bool, ApiError> {
        let replicas = self.d.replicas();
        let cur = spec_replicas(self.rs(new));
        if cur == replicas {
            return Ok(false);
        }
        if cur > replicas {
            return self.scale_and_record(new, replicas);
        }
        let count = util::new_rs_new_replicas(&self.d, &self.refs(&split.all()), self.rs(new));
        self.scale_and_record(new, count)
    }

    /// `reconcileOldReplicaSets`: how many old pods may go without taking
    /// availability below `replicas - maxUnavailable`, counting the new
    /// ReplicaSet's unavailable pods against the budget.
    fn reconcile_old_replica_sets(
        &mut self,
        split: &Split,
        mut olds: Vec<usize>,
        new: usize,
    ) -> Result<bool, ApiError> {
        if util::replica_count(self.refs(&olds)) == 0 {
            return Ok(false);
        }
        let all_pods = util::replica_count(self.refs(&split.all()));
        let min_available = self
            .d
            .replicas()
            .saturating_sub(util::max_unavailable(&self.d));
        let new_rs = self.rs(new);
        let new_unavailable =
            spec_replicas(new_rs).saturating_sub(new_rs.status.available_replicas);
        let max_scaled_down = all_pods
            .saturating_sub(min_available)
            .saturating_sub(new_unavailable);
        if max_scaled_down <= 0 {
            return Ok(false);
        }
        // Upstream gives up on this step, without an error, when either
        // stage fails.
        let Ok(cleaned) = self.cleanup_unhealthy_replicas(&mut olds, max_scaled_down) else {
            return Ok(false);
        };
        let mut all = olds.clone();
        all.push(new);
        let Ok(scaled) = self.scale_down_old_replica_sets_for_rolling_update(&all, &mut olds)
        else {
            return Ok(false);
        };
        Ok(cleaned.saturating_add(scaled) > 0)
    }

    /// `cleanupUnhealthyReplicas`: old pods that are not available can go
    /// first, oldest ReplicaSet first, without costing availability.
    fn cleanup_unhealthy_replicas(
        &mut self,
        olds: &mut [usize],
        max_cleanup: i32,
    ) -> Result<i32, ApiError> {
        olds.sort_by(|a, b| util::by_creation(self.rs(*a), self.rs(*b)));
        let mut total = 0;
        for i in olds.iter().copied() {
            if total >= max_cleanup {
                break;
            }
            let rs = self.rs(i);
            let spec = spec_replicas(rs);
            if spec == 0 || spec == rs.status.available_replicas {
                continue;
            }
            let count = max_cleanup
                .saturating_sub(total)
                .min(spec.saturating_sub(rs.status.available_replicas));
            let target = spec.saturating_sub(count);
            if target > spec {
                return Err(ApiError::bad_request(format!(
                    "when cleaning up unhealthy replicas, got invalid request to scale down {}/{} {spec} -> {target}",
                    rs.metadata.namespace(),
                    rs.metadata.name()
                )));
            }
            self.scale_and_record(i, target)?;
            total = total.saturating_add(count);
        }
        Ok(total)
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: available pods beyond
    /// the minimum can go, oldest ReplicaSet first.
    fn scale_down_old_replica_sets_for_rolling_update(
        &mut self,
        all: &[usize],
        olds: &mut [usize],
    ) -> Result<i32, ApiError> {
        let min_available = self
            .d
            .replicas()
            .saturating_sub(util::max_unavailable(&self.d));
        let available: i32 = all
            .iter()
            .map(|i| self.rs(*i).status.available_replicas)
            .fold(0, i32::saturating_add);
        if available <= min_available {
            return Ok(0);
        }
        olds.sort_by(|a, b| util::by_creation(self.rs(*a), self.rs(*b)));
        let budget = available.saturating_sub(min_available);
        let mut total = 0;
        for i in olds.iter().copied() {
            if total >= budget {
                break;
            }
            let spec = spec_replicas(self.rs(i));
            if spec == 0 {
                continue;
            }
            let count = spec.min(budget.saturating_sub(total));
            self.scale_and_record(i, spec.saturating_sub(count))?;
            total = total.saturating_add(count);
        }
        Ok(total)
    }
}
