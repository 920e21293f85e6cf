//! Recreate (`recreate.go`): every old pod is gone before the new
//! ReplicaSet gets any.

use super::sync::{Split, Sync};
use super::util::{self, spec_replicas};
use crate::api::corev1::Pod;
use crate::apiserver::ApiError;
use crate::controllers::replicaset::is_controlled_by;
use crate::store::Kind;

impl Sync<'_> {
    /// `rolloutRecreate`.
    pub fn rollout_recreate(&mut self) -> Result<(), ApiError> {
        // No new ReplicaSet yet, so nothing scales up before the old pods
        // are down.
        let mut split = self.split(false)?;
        let active_olds: Vec<usize> = split
            .olds
            .iter()
            .copied()
            .filter(|i| util::is_active(self.rs(*i)))
            .collect();
        let mut scaled_down = false;
        for i in active_olds {
            if spec_replicas(self.rs(i)) != 0 && self.scale_and_record(i, 0)? {
                scaled_down = true;
            }
        }
        if scaled_down || self.old_pods_running(&split) {
            return self.sync_rollout_status(&split);
        }
        if split.new.is_none() {
            split = self.split(true)?;
        }
        if let Some(new) = split.new {
            self.scale_and_record(new, self.d.replicas())?;
        }
        if util::deployment_complete(&self.d, &self.d.status) {
            self.cleanup(&split.olds)?;
        }
        self.sync_rollout_status(&split)
    }

    /// `oldPodsRunning`: an old ReplicaSet still counts pods, or still has
    /// a pod that has not finished (terminating ones included).
    fn old_pods_running(&self, split: &Split) -> bool {
        if split.olds.iter().any(|i| self.rs(*i).status.replicas > 0) {
            return true;
        }
        let ns = self.d.metadata.namespace();
        self.rss.iter().enumerate().any(|(i, rs)| {
            if Some(i) == split.new {
                return false;
            }
            let uid = rs.metadata.uid();
            self.api
                .store
                .dependents_of(uid)
                .filter(|(k, _)| *k == Kind::Pod)
                .filter_map(|(_, k)| self.api.store.get::<Pod>(ns, &k.name))
                .any(|p| is_controlled_by(&p.metadata, uid) && !p.is_terminal())
        })
    }
}
