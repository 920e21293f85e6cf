//! One sync of a Deployment (`deployment_controller.go :: syncDeployment`,
//! `sync.go`): finding or creating the new ReplicaSet with the right
//! revision, scaling (proportionally during a rollout), cleaning up old
//! revisions, and the status.

use super::util::{self, spec_replicas};
use super::{owns, COMPONENT};
use crate::api::apps::{
    ConditionStatus, Deployment, DeploymentConditionType, DeploymentStatus, DeploymentStrategyType,
    ReplicaSet, ReplicaSetSpec, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION,
};
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::resource::Resource;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::controllers::replicaset::{namespace_terminating, new_controller_ref};

/// The ReplicaSets of a sync: `new` indexes the one whose template is the
/// Deployment's, `olds` the rest.
#[derive(Clone, Debug, Default)]
pub(super) struct Split {
    pub new: Option<usize>,
    pub olds: Vec<usize>,
}

impl Split {
    pub fn all(&self) -> Vec<usize> {
        let mut v = self.olds.clone();
        v.extend(self.new);
        v
    }
}

/// A sync in progress: the latest copies of the Deployment and its
/// ReplicaSets, kept current as they are written.
pub(super) struct Sync<'a> {
    pub api: &'a mut ApiServer,
    pub d: Deployment,
    pub rss: Vec<ReplicaSet>,
    /// When to look again even if nothing changes (progress deadline).
    pub requeue: Option<Millis>,
}

impl<'a> Sync<'a> {
    pub fn new(api: &'a mut ApiServer, d: Deployment, rss: Vec<ReplicaSet>) -> Sync<'a> {
        Sync {
            api,
            d,
            rss,
            requeue: None,
        }
    }

    pub fn rs(&self, i: usize) -> &ReplicaSet {
        &self.rss[i]
    }

    pub fn refs(&self, idx: &[usize]) -> Vec<&ReplicaSet> {
        idx.iter().map(|i| &self.rss[*i]).collect()
    }

    pub fn source() -> Source {
        Source::component(COMPONENT)
    }

    /// `syncDeployment` after the ReplicaSets are claimed.
    pub fn sync_deployment(&mut self) -> Result<(), ApiError> {
        if self.d.metadata.deletion_timestamp.is_some() {
            return self.sync_status_only();
        }
        self.check_paused_conditions()?;
        if self.d.spec.paused {
            return self.sync();
        }
        if self.is_scaling_event()? {
            return self.sync();
        }
        match self.d.spec.strategy.type_ {
            DeploymentStrategyType::Recreate => self.rollout_recreate(),
            _ => self.rollout_rolling(),
        }
    }

    /// Writes the Deployment's status (and revision annotation, which
    /// upstream also writes through the status).
    pub fn write_deployment(&mut self) -> Result<(), ApiError> {
        let written = self.api.write_status(self.d.clone())?;
        self.d = (*written).clone();
        Ok(())
    }

    /// `FindNewReplicaSet`: the oldest ReplicaSet whose template is the
    /// Deployment's.
    fn find_new(&self) -> Option<usize> {
        let mut idx: Vec<usize> = (0..self.rss.len()).collect();
        idx.sort_by(|a, b| util::by_creation(&self.rss[*a], &self.rss[*b]));
        idx.into_iter()
            .find(|i| util::equal_ignore_hash(&self.rss[*i].spec.template, &self.d.spec.template))
    }

    /// `getAllReplicaSetsAndSyncRevision`.
    pub fn split(&mut self, create: bool) -> Result<Split, ApiError> {
        let existing = self.find_new();
        let olds: Vec<usize> = (0..self.rss.len())
            .filter(|i| Some(*i) != existing)
            .collect();
        let new = self.get_new_replica_set(existing, &olds, create)?;
        Ok(Split { new, olds })
    }

    /// `getNewReplicaSet`: syncs the revision of the new ReplicaSet, or
    /// creates it when asked to.
    fn get_new_replica_set(
        &mut self,
        existing: Option<usize>,
        olds: &[usize],
        create: bool,
    ) -> Result<Option<usize>, ApiError> {
        let new_revision = util::max_revision(olds.iter().map(|i| &self.rss[*i])).saturating_add(1);
        if let Some(i) = existing {
            let mut copy = self.rss[i].clone();
            let annotations = util::set_new_replica_set_annotations(
                &self.d,
                &mut copy,
                new_revision,
                true,
                util::MAX_REV_HISTORY_LENGTH_IN_CHARS,
            );
            if annotations || copy.spec.min_ready_seconds != self.d.spec.min_ready_seconds {
                copy.spec.min_ready_seconds = self.d.spec.min_ready_seconds;
                let updated = self.api.update(copy, &WriteOptions::default())?;
                self.rss[i] = (*updated).clone();
                return Ok(Some(i));
            }
            let rev = copy
                .metadata
                .annotation(REVISION_ANNOTATION)
                .unwrap_or("")
                .to_string();
            let mut needs_update = self.set_revision(&rev);
            if util::has_progress_deadline(&self.d)
                && util::condition(&self.d.status, DeploymentConditionType::Progressing).is_none()
            {
                let c = util::new_condition(
                    DeploymentConditionType::Progressing,
                    ConditionStatus::True,
                    util::FOUND_NEW_RS,
                    format!("Found new replica set \"{}\"", copy.metadata.name()),
                    self.api.time(),
                );
                util::set_condition(&mut self.d.status, c);
                needs_update = true;
            }
            if needs_update {
                self.write_deployment()?;
            }
            return Ok(Some(i));
        }
        if !create {
            return Ok(None);
        }
        self.create_new_replica_set(olds, new_revision).map(Some)
    }

    fn set_revision(&mut self, rev: &str) -> bool {
        if self.d.metadata.annotation(REVISION_ANNOTATION) == Some(rev) {
            return false;
        }
        self.d
            .metadata
            .annotations
            .insert(REVISION_ANNOTATION.to_string(), rev.to_string());
        true
    }

    fn create_new_replica_set(
        &mut self,
        olds: &[usize],
        new_revision: i64,
    ) -> Result<usize, ApiError> {
        let d = &self.d;
        let hash = util::pod_template_hash(&d.spec.template, d.status.collision_count);
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
        let mut selector: LabelSelector = d.spec.selector.clone().unwrap_or_default();
        selector
            .match_labels
            .insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
        let mut rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(format!("{}-{hash}", d.metadata.name())),
                namespace: Some(d.metadata.namespace().to_string()),
                owner_references: vec![new_controller_ref(Deployment::INFO, &d.metadata)],
                labels: template.metadata.labels.clone(),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: d.spec.min_ready_seconds,
                selector: Some(selector),
                template,
            },
            ..Default::default()
        };
        let count = {
            let mut all = self.refs(olds);
            all.push(&rs);
            util::new_rs_new_replicas(d, &all, &rs)
        };
        rs.spec.replicas = Some(count);
        util::set_new_replica_set_annotations(
            d,
            &mut rs,
            new_revision,
            false,
            util::MAX_REV_HISTORY_LENGTH_IN_CHARS,
        );
        rs.set_defaults();
        let name = rs.metadata.name().to_string();
        let (idx, already_exists) = match self.api.create(rs, &WriteOptions::default()) {
            Ok(created) => {
                self.rss.push((*created).clone());
                (self.rss.len() - 1, false)
            }
            Err(e) if e.reason == Reason::AlreadyExists => {
                let found = self
                    .api
                    .store
                    .get::<ReplicaSet>(self.d.metadata.namespace(), &name)
                    .cloned();
                match found {
                    Some(rs)
                        if owns(&self.d, &rs)
                            && util::equal_ignore_hash(
                                &self.d.spec.template,
                                &rs.spec.template,
                            ) =>
                    {
                        match self.rss.iter().position(|r| r.metadata.name() == name) {
                            Some(i) => (i, true),
                            None => {
                                self.rss.push((*rs).clone());
                                (self.rss.len() - 1, true)
                            }
                        }
                    }
                    _ => {
                        // A hash collision: the next name comes from a
                        // bumped collision count.
                        let c = self.d.status.collision_count.unwrap_or(0);
                        self.d.status.collision_count = Some(c.saturating_add(1));
                        self.write_deployment()?;
                        return Err(e);
                    }
                }
            }
            Err(e) if namespace_terminating(&e) => return Err(e),
            Err(e) => {
                let msg = format!("Failed to create new replica set \"{name}\": {e}");
                if util::has_progress_deadline(&self.d) {
                    let c = util::new_condition(
                        DeploymentConditionType::Progressing,
                        ConditionStatus::False,
                        util::FAILED_RS_CREATE,
                        msg.clone(),
                        self.api.time(),
                    );
                    util::set_condition(&mut self.d.status, c);
                    let _ = self.write_deployment();
                }
                self.api.record_event(
                    object_ref(&self.d, ""),
                    EventType::Warning,
                    util::FAILED_RS_CREATE,
                    msg,
                    &Self::source(),
                );
                return Err(e);
            }
        };
        if !already_exists && count > 0 {
            self.api.record_event(
                object_ref(&self.d, ""),
                EventType::Normal,
                "ScalingReplicaSet",
                format!("Scaled up replica set {name} from 0 to {count}"),
                &Self::source(),
            );
        }
        let mut needs_update = self.set_revision(&new_revision.to_string());
        if !already_exists && util::has_progress_deadline(&self.d) {
            let c = util::new_condition(
                DeploymentConditionType::Progressing,
                ConditionStatus::True,
                util::NEW_REPLICA_SET_CREATED,
                format!("Created new replica set \"{name}\""),
                self.api.time(),
            );
            util::set_condition(&mut self.d.status, c);
            needs_update = true;
        }
        if needs_update {
            self.write_deployment()?;
        }
        Ok(idx)
    }

    /// `scaleReplicaSetAndRecordEvent`.
    pub fn scale_and_record(&mut self, i: usize, new_scale: i32) -> Result<bool, ApiError> {
        let cur = spec_replicas(&self.rss[i]);
        if cur == new_scale {
            return Ok(false);
        }
        let op = if cur < new_scale { "up" } else { "down" };
        self.scale_replica_set(i, new_scale, op)
    }

    /// `scaleReplicaSet`: sets the size and the replica annotations, and
    /// records a `ScalingReplicaSet` event when the size changed.
    pub fn scale_replica_set(
        &mut self,
        i: usize,
        new_scale: i32,
        op: &str,
    ) -> Result<bool, ApiError> {
        let desired = self.d.replicas();
        let max = desired.saturating_add(util::max_surge(&self.d));
        let old = spec_replicas(&self.rss[i]);
        let size_changes = old != new_scale;
        if !size_changes && !util::replicas_annotations_need_update(&self.rss[i], desired, max) {
            return Ok(false);
        }
        let mut copy = self.rss[i].clone();
        copy.spec.replicas = Some(new_scale);
        util::set_replicas_annotations(&mut copy, desired, max);
        let updated = self.api.update(copy, &WriteOptions::default())?;
        self.rss[i] = (*updated).clone();
        if size_changes {
            self.api.record_event(
                object_ref(&self.d, ""),
                EventType::Normal,
                "ScalingReplicaSet",
                format!(
                    "Scaled {op} replica set {} from {old} to {new_scale}",
                    updated.metadata.name()
                ),
                &Self::source(),
            );
        }
        Ok(size_changes)
    }

    /// `FindActiveOrLatest`: the only active ReplicaSet, or the newest when
    /// none is active; `None` when several are.
    fn active_or_latest(&self, split: &Split) -> Option<usize> {
        let mut olds = split.olds.clone();
        olds.sort_by(|a, b| util::by_creation(&self.rss[*b], &self.rss[*a]));
        let mut all = olds.clone();
        all.extend(split.new);
        let active: Vec<usize> = all
            .into_iter()
            .filter(|i| util::is_active(&self.rss[*i]))
            .collect();
        match active.len() {
            0 => split.new.or_else(|| olds.first().copied()),
            1 => Some(active[0]),
            _ => None,
        }
    }

    /// `scale`: resizes on a scaling event or while paused, in proportion
    /// during a rollout so neither side gains on the other.
    pub fn scale(&mut self, split: &Split) -> Result<(), ApiError> {
        if let Some(i) = self.active_or_latest(split) {
            if spec_replicas(&self.rss[i]) == self.d.replicas() {
                return Ok(());
            }
            self.scale_and_record(i, self.d.replicas())?;
            return Ok(());
        }
        if let Some(n) = split.new {
            if util::is_saturated(&self.d, &self.rss[n]) {
                for i in split.olds.clone() {
                    if util::is_active(&self.rss[i]) {
                        self.scale_and_record(i, 0)?;
                    }
                }
                return Ok(());
            }
        }
        if !self.d.is_rolling_update() {
            return Ok(());
        }
        let mut all: Vec<usize> = split
            .all()
            .into_iter()
            .filter(|i| util::is_active(&self.rss[*i]))
            .collect();
        let current = util::replica_count(self.refs(&all));
        let allowed = if self.d.replicas() > 0 {
            self.d.replicas().saturating_add(util::max_surge(&self.d))
        } else {
            0
        };
        let to_add = allowed.saturating_sub(current);
        let op = match to_add.signum() {
            1 => {
                all.sort_by(|a, b| util::by_size_newer(&self.rss[*a], &self.rss[*b]));
                "up"
            }
            -1 => {
                all.sort_by(|a, b| util::by_size_older(&self.rss[*a], &self.rss[*b]));
                "down"
            }
            _ => "",
        };
        let mut added = 0;
        let mut sizes = Vec::with_capacity(all.len());
        for i in &all {
            let rs = &self.rss[*i];
            if to_add != 0 {
                let p = util::proportion(rs, &self.d, to_add, added);
                sizes.push(spec_replicas(rs).saturating_add(p));
                added = added.saturating_add(p);
            } else {
                sizes.push(spec_replicas(rs));
            }
        }
        for (n, i) in all.iter().enumerate() {
            let mut size = sizes[n];
            // Leftovers go to the largest ReplicaSet.
            if n == 0 && to_add != 0 {
                size = size.saturating_add(to_add.saturating_sub(added)).max(0);
            }
            self.scale_replica_set(*i, size, op)?;
        }
        Ok(())
    }

    /// `cleanupDeployment`: deletes the oldest revisions beyond
    /// `revisionHistoryLimit` once they have no pods.
    pub fn cleanup(&mut self, olds: &[usize]) -> Result<(), ApiError> {
        let Some(limit) = self
            .d
            .spec
            .revision_history_limit
            .filter(|l| *l != i32::MAX)
        else {
            return Ok(());
        };
        let mut alive: Vec<usize> = olds
            .iter()
            .copied()
            .filter(|i| self.rss[*i].metadata.deletion_timestamp.is_none())
            .collect();
        let diff = i64::try_from(alive.len()).unwrap_or(i64::MAX) - i64::from(limit);
        if diff <= 0 {
            return Ok(());
        }
        alive.sort_by(|a, b| util::by_revision(&self.rss[*a], &self.rss[*b]));
        for i in alive.into_iter().take(usize::try_from(diff).unwrap_or(0)) {
            let rs = &self.rss[i];
            if rs.status.replicas != 0
                || spec_replicas(rs) != 0
                || rs.metadata.generation.unwrap_or(0) > rs.status.observed_generation
                || rs.metadata.deletion_timestamp.is_some()
            {
                continue;
            }
            let (ns, name) = (
                rs.metadata.namespace().to_string(),
                rs.metadata.name().to_string(),
            );
            match self
                .api
                .delete::<ReplicaSet>(&ns, &name, &DeleteOptions::default())
            {
                Ok(_) => {}
                Err(e) if e.reason == Reason::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// `calculateStatus`.
    pub fn calculate_status(&self, split: &Split) -> DeploymentStatus {
        let all = self.refs(&split.all());
        let sum = |f: fn(&ReplicaSet) -> i32| all.iter().map(|r| f(r)).fold(0, i32::saturating_add);
        let available = sum(|r| r.status.available_replicas);
        let total = util::replica_count(all.iter().copied());
        let mut status = DeploymentStatus {
            observed_generation: self.d.metadata.generation.unwrap_or(0),
            replicas: sum(|r| r.status.replicas),
            updated_replicas: split.new.map_or(0, |n| self.rss[n].status.replicas),
            ready_replicas: sum(|r| r.status.ready_replicas),
            available_replicas: available,
            unavailable_replicas: total.saturating_sub(available).max(0),
            conditions: self.d.status.conditions.clone(),
            collision_count: self.d.status.collision_count,
        };
        let now = self.api.time();
        let c = if available
            >= self
                .d
                .replicas()
                .saturating_sub(util::max_unavailable(&self.d))
        {
            util::new_condition(
                DeploymentConditionType::Available,
                ConditionStatus::True,
                util::MINIMUM_REPLICAS_AVAILABLE,
                "Deployment has minimum availability.".to_string(),
                now,
            )
        } else {
            util::new_condition(
                DeploymentConditionType::Available,
                ConditionStatus::False,
                util::MINIMUM_REPLICAS_UNAVAILABLE,
                "Deployment does not have minimum availability.".to_string(),
                now,
            )
        };
        util::set_condition(&mut status, c);
        status
    }

    /// `syncDeploymentStatus`.
    fn sync_deployment_status(&mut self, split: &Split) -> Result<(), ApiError> {
        let status = self.calculate_status(split);
        if status == self.d.status {
            return Ok(());
        }
        self.d.status = status;
        self.write_deployment()
    }

    /// `syncStatusOnly`.
    fn sync_status_only(&mut self) -> Result<(), ApiError> {
        let split = self.split(false)?;
        self.sync_deployment_status(&split)
    }

    /// `sync`: scaling events and paused Deployments.
    fn sync(&mut self) -> Result<(), ApiError> {
        let split = self.split(false)?;
        self.scale(&split)?;
        if self.d.spec.paused
            && self
                .d
                .metadata
                .annotation(util::DEPRECATED_ROLLBACK_TO)
                .is_none()
        {
            self.cleanup(&split.olds)?;
        }
        self.sync_deployment_status(&split)
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for another replica
    /// count than the Deployment's.
    fn is_scaling_event(&mut self) -> Result<bool, ApiError> {
        let split = self.split(false)?;
        let replicas = self.d.replicas();
        Ok(split.all().into_iter().any(|i| {
            let rs = &self.rss[i];
            util::is_active(rs)
                && rs
                    .metadata
                    .annotation(util::DESIRED_REPLICAS_ANNOTATION)
                    .and_then(|v| v.parse::<i32>().ok())
                    .is_some_and(|desired| desired != replicas)
        }))
    }

    /// `checkPausedConditions`: Progressing becomes Unknown while paused,
    /// so the time spent paused never counts against the deadline.
    fn check_paused_conditions(&mut self) -> Result<(), ApiError> {
        if !util::has_progress_deadline(&self.d) {
            return Ok(());
        }
        let cond = util::condition(&self.d.status, DeploymentConditionType::Progressing);
        if cond.is_some_and(|c| c.reason == util::TIMED_OUT) {
            return Ok(());
        }
        let paused_cond = cond.is_some_and(|c| c.reason == util::PAUSED);
        let (reason, message) = match (self.d.spec.paused, paused_cond) {
            (true, false) => (util::PAUSED, "Deployment is paused"),
            (false, true) => (util::RESUMED, "Deployment is resumed"),
            _ => return Ok(()),
        };
        let c = util::new_condition(
            DeploymentConditionType::Progressing,
            ConditionStatus::Unknown,
            reason,
            message.to_string(),
            self.api.time(),
        );
        util::set_condition(&mut self.d.status, c);
        self.write_deployment()
    }
}
