//! The Job controller (`pkg/controller/job`): runs pods until enough of
//! them succeed, counts failures against the back-off limits, re-creates
//! failed pods after an exponential back-off, and marks the Job finished
//! once every pod it started has terminated.
//!
//! Pods carry the `batch.kubernetes.io/job-tracking` finalizer until their
//! outcome is counted in the Job status, so a removed pod is never lost or
//! counted twice.

mod backoff;
pub mod indexes;
pub mod pods;
pub mod policy;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::ConditionStatus;
use crate::api::batch::job::{
    Job, JobCondition, JobConditionType, PodReplacementPolicy, UncountedTerminatedPods,
    JOB_COMPLETION_INDEX_ANNOTATION,
};
use crate::api::corev1::{EnvVar, EnvVarSource, ObjectFieldSelector, Pod, PodPhase};
use crate::api::meta::{ObjectMeta, OwnerReference};
use crate::api::resource::Resource;
use crate::api::time::Time;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};
use crate::util::sort;
use backoff::{BackoffRecord, BackoffStore};
use indexes::Intervals;
use pods::{
    completion_index, count_annotation, finished_at, has_tracking_finalizer, is_active,
    is_terminating, sort_for_removal, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT,
    TRACKING_FINALIZER,
};
use policy::{match_pod_failure_policy, match_success_policy, PolicyAction};

const COMPONENT: &str = "job-controller";
/// Pod changes and status-only Job changes are batched for a second
/// (`syncJobBatchPeriod`).
const BATCH_PERIOD: Millis = 1_000;
/// Most pods created or deleted, and counted, in one sync.
const MAX_PER_SYNC: usize = 500;
/// The environment variable an Indexed Job's containers get.
const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// Reasons and messages of the conditions the controller writes.
const REASON_BACKOFF_LIMIT: &str = "BackoffLimitExceeded";
const MSG_BACKOFF_LIMIT: &str = "Job has reached the specified backoff limit";
const REASON_DEADLINE: &str = "DeadlineExceeded";
const MSG_DEADLINE: &str = "Job was active longer than specified deadline";
const REASON_POD_FAILURE_POLICY: &str = "PodFailurePolicy";
const REASON_MAX_FAILED_INDEXES: &str = "MaxFailedIndexesExceeded";
const MSG_MAX_FAILED_INDEXES: &str =
    "Job has exceeded the specified maximal number of failed indexes";
const REASON_FAILED_INDEXES: &str = "FailedIndexes";
const MSG_FAILED_INDEXES: &str = "Job has failed indexes";
const REASON_SUCCESS_POLICY: &str = "SuccessPolicy";
const REASON_COMPLETIONS_REACHED: &str = "CompletionsReached";
const MSG_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";

fn source() -> Source {
    Source::component(COMPONENT)
}

/// The Job a pod belongs to, from its controller reference.
fn owning_job(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.controller()
        .filter(|r| r.kind == "Job" && r.api_version == "batch/v1")
}

/// Runs the pods of Jobs.
#[derive(Default)]
pub struct JobController {
    backoff: BackoffStore,
}

impl Controller for JobController {
    fn id(&self) -> CtrlId {
        CtrlId::Job
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::Job(j) => out.push((
                ObjKey::of(&j.metadata),
                QueueReason::Changed(Kind::Job, ev.typ),
            )),
            Object::Pod(p) => {
                let mut push = |meta: &ObjectMeta| {
                    if let Some(r) = owning_job(meta) {
                        out.push((
                            ObjKey::new(meta.namespace(), &r.name),
                            QueueReason::Related(Kind::Pod, meta.name().to_string()),
                        ));
                    }
                };
                push(&p.metadata);
                // A pod that changed hands wakes its former Job too.
                if let Some(Object::Pod(old)) = &ev.old {
                    if owning_job(&old.metadata).map(|r| &r.uid)
                        != owning_job(&p.metadata).map(|r| &r.uid)
                    {
                        push(&old.metadata);
                    }
                }
            }
            _ => {}
        }
    }

    fn reaction(&self, ev: &WatchEvent) -> Millis {
        match (&ev.object, &ev.old) {
            // New and deleted Jobs, and spec changes, are synced at once;
            // pod changes and status updates wait for the batch period.
            (Object::Job(_), None) => super::REACTION,
            (Object::Job(j), Some(Object::Job(old)))
                if j.metadata.generation != old.metadata.generation =>
            {
                super::REACTION
            }
            _ => BATCH_PERIOD,
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(job) = api.store.get::<Job>(&key.namespace, &key.name).cloned() else {
            self.backoff.remove(key);
            return Ok(Action::AwaitChange);
        };
        if job.is_finished() {
            self.backoff.remove(key);
            release_finalizers(&job, api)?;
            return Ok(Action::AwaitChange);
        }
        if let Some(mode) = &job.spec.completion_mode {
            if !mode.is_known() {
                api.record_event(
                    object_ref(&*job, ""),
                    EventType::Warning,
                    "UnknownCompletionMode",
                    "Skipped Job sync because completion mode is unknown".to_string(),
                    &source(),
                );
                return Ok(Action::AwaitChange);
            }
        }
        let mut sync = Sync::new(key, (*job).clone(), api, &self.backoff);
        let result = sync.run(api);
        if let Some(record) = sync.store_backoff {
            self.backoff.put(key, record);
        }
        result?;
        Ok(match sync.requeue {
            Some(d) => Action::RequeueAfter(d.max(1)),
            None => Action::AwaitChange,
        })
    }
}

/// Removes the tracking finalizer from the pods of a finished Job (the
/// controller's backup for pods it did not get to count).
fn release_finalizers(job: &Job, api: &mut ApiServer) -> Result<(), ApiError> {
    for pod in owned_pods(job, api) {
        if has_tracking_finalizer(&pod) {
            remove_tracking_finalizer(&pod, api)?;
        }
    }
    Ok(())
}

/// Pods whose controller is this Job, through the owner index.
fn owned_pods(job: &Job, api: &ApiServer) -> Vec<Rc<Pod>> {
    let uid = job.metadata.uid();
    api.store
        .dependents_of(uid)
        .filter(|(kind, _)| *kind == Kind::Pod)
        .filter_map(|(_, k)| api.store.get::<Pod>(&k.namespace, &k.name))
        .filter(|p| p.metadata.controller().is_some_and(|r| r.uid == uid))
        .cloned()
        .collect()
}

/// Drops the tracking finalizer (a pod already gone counts as done).
fn remove_tracking_finalizer(pod: &Pod, api: &mut ApiServer) -> Result<(), ApiError> {
    let Some(current) = api.store.get::<Pod>(pod.namespace(), pod.name()).cloned() else {
        return Ok(());
    };
    if current.metadata.uid() != pod.metadata.uid() || !has_tracking_finalizer(&current) {
        return Ok(());
    }
    let mut p = (*current).clone();
    p.metadata.finalizers.retain(|f| f != TRACKING_FINALIZER);
    match api.update(p, &WriteOptions::default()) {
        Ok(_) => Ok(()),
        Err(e) if e.reason == Reason::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn new_condition(
    type_: JobConditionType,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    now: Time,
) -> JobCondition {
    JobCondition {
        type_,
        status,
        last_probe_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.to_string(),
        message: message.to_string(),
    }
}

/// `ensureJobConditionStatus`: sets a condition, adding it only when it is
/// not False; returns whether anything changed.
fn ensure_condition(
    list: &mut Vec<JobCondition>,
    type_: JobConditionType,
    status: ConditionStatus,
    reason: &str,
    message: &str,
    now: Time,
) -> bool {
    if let Some(c) = list.iter_mut().find(|c| c.type_ == type_) {
        if c.status != status || c.reason != reason || c.message != message {
            *c = new_condition(type_, status, reason, message, now);
            return true;
        }
        return false;
    }
    if status != ConditionStatus::False {
        list.push(new_condition(type_, status, reason, message, now));
        return true;
    }
    false
}

fn true_condition(job: &Job, t: JobConditionType) -> Option<JobCondition> {
    job.condition(t)
        .filter(|c| c.status == ConditionStatus::True)
        .cloned()
}

/// Only failed pods are replaced (not terminating ones).
fn only_replace_failed(job: &Job) -> bool {
    job.spec.pod_replacement_policy == Some(PodReplacementPolicy::Failed)
        || job.spec.pod_failure_policy.is_some()
}

/// `isPodFailed`: Failed, or (unless only failed pods are replaced) being
/// deleted without having succeeded.
fn is_pod_failed(p: &Pod, job: &Job) -> bool {
    if p.phase() == PodPhase::Failed {
        return true;
    }
    if only_replace_failed(job) {
        return false;
    }
    p.metadata.deletion_timestamp.is_some() && p.phase() != PodPhase::Succeeded
}

fn completions(job: &Job) -> i32 {
    job.spec.completions.unwrap_or(0)
}

fn per_index_limit(job: &Job) -> Option<i32> {
    job.spec.backoff_limit_per_index
}

/// `pastBackoffLimitOnFailure`: with OnFailure, container restarts of
/// pending and running pods count as failures.
fn past_backoff_limit_on_failure(job: &Job, pods: &[Rc<Pod>]) -> bool {
    if job.spec.template.spec.restart_policy.as_str() != "OnFailure" {
        return false;
    }
    let restarts: i64 = pods
        .iter()
        .filter(|p| matches!(p.phase(), PodPhase::Running | PodPhase::Pending))
        .flat_map(|p| {
            p.status
                .init_container_statuses
                .iter()
                .chain(p.status.container_statuses.iter())
        })
        .map(|c| i64::from(c.restart_count))
        .sum();
    let limit = i64::from(job.backoff_limit());
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// `isIndexFailed`: the pod's failure exhausts its index's retries.
fn is_index_failed(job: &Job, p: &Pod) -> bool {
    let Some(limit) = per_index_limit(job) else {
        return false;
    };
    let mut counted = false;
    if is_pod_failed(p, job) {
        if job.spec.pod_failure_policy.is_some() {
            let m = match_pod_failure_policy(job.spec.pod_failure_policy.as_ref(), p);
            if m.action == Some(PolicyAction::FailIndex) {
                return true;
            }
            counted = m.counts;
        } else {
            counted = true;
        }
    }
    counted && count_annotation(p, INDEX_FAILURE_COUNT) >= limit
}

/// One sync of one Job (`syncJob`), with the state it builds up.
struct Sync {
    job: Job,
    pods: Vec<Rc<Pod>>,
    active_pods: Vec<Rc<Pod>>,
    finished: Option<JobCondition>,
    succeeded: i32,
    failed: i32,
    prev_succeeded_indexes: Intervals,
    succeeded_indexes: Intervals,
    failed_indexes: Option<Intervals>,
    uncounted_succeeded: BTreeSet<String>,
    uncounted_failed: BTreeSet<String>,
    delayed_per_index: BTreeMap<i32, Rc<Pod>>,
    terminating: i32,
    ready: i32,
    new_backoff: BackoffRecord,
    /// The back-off record to keep once the status is written.
    store_backoff: Option<BackoffRecord>,
    /// When to look again, the earliest of the reasons found.
    requeue: Option<Millis>,
    now: Time,
    wall: i64,
}

impl Sync {
    fn new(key: &ObjKey, mut job: Job, api: &ApiServer, backoff: &BackoffStore) -> Sync {
        let uncounted = job
            .status
            .uncounted_terminated_pods
            .get_or_insert_with(UncountedTerminatedPods::default)
            .clone();
        let pods = owned_pods(&job, api);
        let active_pods: Vec<Rc<Pod>> = pods.iter().filter(|p| is_active(p)).cloned().collect();
        let ready = active_pods.iter().filter(|p| p.is_ready()).count() as i32;
        let terminating = pods.iter().filter(|p| is_terminating(p)).count() as i32;
        Sync {
            new_backoff: backoff.get(key),
            job,
            pods,
            active_pods,
            finished: None,
            succeeded: 0,
            failed: 0,
            prev_succeeded_indexes: Intervals::default(),
            succeeded_indexes: Intervals::default(),
            failed_indexes: None,
            uncounted_succeeded: uncounted.succeeded.into_iter().collect(),
            uncounted_failed: uncounted.failed.into_iter().collect(),
            delayed_per_index: BTreeMap::new(),
            terminating,
            ready,
            store_backoff: None,
            requeue: None,
            now: api.time(),
            wall: api.wall_millis(),
        }
    }

    fn requeue_after(&mut self, d: Millis) {
        let d = d.max(0);
        self.requeue = Some(self.requeue.map_or(d, |r| r.min(d)));
    }

    fn is_indexed(&self) -> bool {
        self.job.is_indexed()
    }

    /// The pod's index when it is valid for this Job.
    fn valid_index(&self, p: &Pod) -> Option<i32> {
        completion_index(p).filter(|i| *i < completions(&self.job))
    }

    /// Pods not yet counted that pass `filter` (`getValidPodsWithFilter`).
    fn uncounted_pods(
        &self,
        uncounted: &BTreeSet<String>,
        filter: impl Fn(&Pod) -> bool,
    ) -> Vec<Rc<Pod>> {
        self.pods
            .iter()
            .filter(|p| has_tracking_finalizer(p) && !uncounted.contains(p.metadata.uid()))
            .filter(|p| !self.is_indexed() || self.valid_index(p).is_some())
            .filter(|p| filter(p))
            .cloned()
            .collect()
    }

    fn failure(&self, reason: &str, message: &str) -> JobCondition {
        // Since v1.31 the terminal condition waits for the pods to stop;
        // FailureTarget says the outcome first.
        new_condition(
            JobConditionType::FailureTarget,
            ConditionStatus::True,
            reason,
            message,
            self.now,
        )
    }

    fn run(&mut self, api: &mut ApiServer) -> Result<(), ApiError> {
        let job = self.job.clone();
        let mut active = self.active_pods.len() as i32;
        let new_succeeded = self.uncounted_pods(&self.uncounted_succeeded, |p| {
            p.phase() == PodPhase::Succeeded
        });
        let new_failed = self.uncounted_pods(&self.uncounted_failed, |p| is_pod_failed(p, &job));
        let counted_failures = new_failed
            .iter()
            .filter(|p| match_pod_failure_policy(job.spec.pod_failure_policy.as_ref(), p).counts)
            .count() as i32;
        self.succeeded = job.status.succeeded
            + new_succeeded.len() as i32
            + self.uncounted_succeeded.len() as i32;
        self.failed = job.status.failed + counted_failures + self.uncounted_failed.len() as i32;

        if self.job.status.start_time.is_none() && !job.is_suspended() {
            self.job.status.start_time = Some(self.now);
        }
        self.new_backoff = self.new_backoff.next(&new_succeeded, &new_failed);

        self.finished = true_condition(&job, JobConditionType::SuccessCriteriaMet);
        if self.finished.is_none() {
            if let Some(target) = true_condition(&job, JobConditionType::FailureTarget) {
                self.finished = Some(new_condition(
                    JobConditionType::Failed,
                    ConditionStatus::True,
                    &target.reason,
                    &target.message,
                    self.now,
                ));
            } else if let Some(msg) = self.fail_job_message() {
                self.finished = Some(self.failure(REASON_POD_FAILURE_POLICY, &msg));
            }
        }
        if self.finished.is_none() {
            let exceeds_backoff = self.failed > job.backoff_limit();
            if exceeds_backoff || past_backoff_limit_on_failure(&job, &self.pods) {
                self.finished = Some(self.failure(REASON_BACKOFF_LIMIT, MSG_BACKOFF_LIMIT));
            } else if self.past_active_deadline() {
                self.finished = Some(self.failure(REASON_DEADLINE, MSG_DEADLINE));
            } else if let (Some(ads), false) =
                (job.spec.active_deadline_seconds, job.is_suspended())
            {
                let started = self.job.status.start_time.map_or(self.wall, |t| t.millis());
                self.requeue_after(ads.saturating_mul(1000) - (self.wall - started));
            }
        }

        if self.is_indexed() {
            self.count_indexes();
        }

        let mut suspend_changed = false;
        if self.finished.is_some() {
            let pods = self.active_pods.clone();
            let (deleted_ready, deleted) = delete_active_pods(&job, &pods, api);
            if deleted != active {
                // Pods still to go: the Job is not finished yet.
                self.finished = None;
            }
            active -= deleted;
            self.terminating += deleted;
            self.ready -= deleted_ready;
        } else {
            let mut managed = false;
            if job.metadata.deletion_timestamp.is_none() {
                active = self.manage(api)?;
                managed = true;
            }
            let complete = match job.spec.completions {
                None => self.succeeded > 0 && active == 0,
                Some(c) => self.succeeded >= c && active == 0,
            };
            if complete {
                self.finished = Some(new_condition(
                    JobConditionType::SuccessCriteriaMet,
                    ConditionStatus::True,
                    REASON_COMPLETIONS_REACHED,
                    MSG_COMPLETIONS_REACHED,
                    self.now,
                ));
            } else if managed {
                suspend_changed = self.sync_suspended_condition(api);
            }
        }

        let needs_update = suspend_changed
            || active != self.job.status.active
            || Some(self.ready) != self.job.status.ready
            || Some(self.terminating) != self.job.status.terminating;
        self.job.status.active = active;
        self.job.status.ready = Some(self.ready);
        self.job.status.terminating = Some(self.terminating);
        self.track_and_remove_finalizers(api, needs_update)
    }

    /// `pastActiveDeadline`.
    fn past_active_deadline(&self) -> bool {
        let (Some(ads), Some(start)) = (
            self.job.spec.active_deadline_seconds,
            self.job.status.start_time,
        ) else {
            return false;
        };
        !self.job.is_suspended() && self.wall - start.millis() >= ads.saturating_mul(1000)
    }

    /// `getFailJobMessage`: the message of a FailJob rule a failed pod meets.
    fn fail_job_message(&self) -> Option<String> {
        let pfp = self.job.spec.pod_failure_policy.as_ref()?;
        self.pods
            .iter()
            .filter(|p| is_pod_failed(p, &self.job))
            .find_map(|p| match_pod_failure_policy(Some(pfp), p).fail_job)
    }

    /// Succeeded and failed indexes, and what they decide.
    fn count_indexes(&mut self) {
        let job = &self.job;
        let c = completions(job);
        self.prev_succeeded_indexes = Intervals::parse(&job.status.completed_indexes, c);
        let mut new: BTreeSet<i32> = BTreeSet::new();
        for p in &self.pods {
            if p.phase() == PodPhase::Succeeded && has_tracking_finalizer(p) {
                if let Some(ix) = self.valid_index(p) {
                    new.insert(ix);
                }
            }
        }
        let new: Vec<i32> = new.into_iter().collect();
        self.succeeded_indexes = self.prev_succeeded_indexes.with_indexes(&new);
        self.succeeded = self.succeeded_indexes.total();
        if per_index_limit(job).is_some() {
            let prev = Intervals::parse(job.status.failed_indexes.as_deref().unwrap_or(""), c);
            let mut failed: BTreeSet<i32> = BTreeSet::new();
            for p in &self.pods {
                if has_tracking_finalizer(p) && is_index_failed(job, p) {
                    if let Some(ix) = self.valid_index(p) {
                        failed.insert(ix);
                    }
                }
            }
            let failed: Vec<i32> = failed.into_iter().collect();
            let failed_indexes = prev.with_indexes(&failed);
            if self.finished.is_none() {
                let total = failed_indexes.total();
                if job.spec.max_failed_indexes.is_some_and(|m| total > m) {
                    self.finished =
                        Some(self.failure(REASON_MAX_FAILED_INDEXES, MSG_MAX_FAILED_INDEXES));
                } else if total > 0 && total + self.succeeded_indexes.total() >= c {
                    self.finished = Some(self.failure(REASON_FAILED_INDEXES, MSG_FAILED_INDEXES));
                }
            }
            self.failed_indexes = Some(failed_indexes);
            self.delayed_per_index = self.pods_with_delayed_deletion();
        }
        if self.finished.is_none() {
            if let Some(msg) = match_success_policy(
                self.job.spec.success_policy.as_ref(),
                c,
                &self.succeeded_indexes,
            ) {
                self.finished = Some(new_condition(
                    JobConditionType::SuccessCriteriaMet,
                    ConditionStatus::True,
                    REASON_SUCCESS_POLICY,
                    &msg,
                    self.now,
                ));
            }
        }
    }

    /// `getPodsWithDelayedDeletionPerIndex`: the last failed pod of each
    /// index still to be retried keeps its finalizer until its replacement
    /// exists, so the replacement can carry the failure count.
    fn pods_with_delayed_deletion(&self) -> BTreeMap<i32, Rc<Pod>> {
        let active: BTreeSet<i32> = self
            .active_pods
            .iter()
            .filter_map(|p| completion_index(p))
            .collect();
        let empty = Intervals::default();
        let failed = self.failed_indexes.as_ref().unwrap_or(&empty);
        let mut out: BTreeMap<i32, Rc<Pod>> = BTreeMap::new();
        let absolute = |p: &Pod| {
            count_annotation(p, INDEX_FAILURE_COUNT)
                .saturating_add(count_annotation(p, INDEX_IGNORED_FAILURE_COUNT))
        };
        for p in self.uncounted_pods(&BTreeSet::new(), |p| is_pod_failed(p, &self.job)) {
            let Some(ix) = self.valid_index(&p) else {
                continue;
            };
            if self.succeeded_indexes.has(ix) || failed.has(ix) || active.contains(&ix) {
                continue;
            }
            match out.get(&ix) {
                Some(prev)
                    if !(absolute(prev) <= absolute(&p)
                        && finished_at(&p) >= finished_at(prev)) => {}
                _ => {
                    out.insert(ix, p);
                }
            }
        }
        out
    }

    /// The Suspended condition follows `spec.suspend`; resuming restarts
    /// the active deadline clock.
    fn sync_suspended_condition(&mut self, api: &mut ApiServer) -> bool {
        let (status, reason, message, event, note) = if self.job.is_suspended() {
            (
                ConditionStatus::True,
                "JobSuspended",
                "Job suspended",
                "Suspended",
                "Job suspended",
            )
        } else {
            (
                ConditionStatus::False,
                "JobResumed",
                "Job resumed",
                "Resumed",
                "Job resumed",
            )
        };
        let changed = ensure_condition(
            &mut self.job.status.conditions,
            JobConditionType::Suspended,
            status.clone(),
            reason,
            message,
            self.now,
        );
        if changed {
            api.record_event(
                object_ref(&self.job, ""),
                EventType::Normal,
                event,
                note.to_string(),
                &source(),
            );
            if status == ConditionStatus::False {
                self.job.status.start_time = Some(self.now);
            }
        }
        changed
    }

    /// `manageJob`: creates or deletes pods towards the wanted number of
    /// active pods; returns the active count.
    fn manage(&mut self, api: &mut ApiServer) -> Result<i32, ApiError> {
        let job = self.job.clone();
        let mut active = self.active_pods.len() as i32;
        if job.is_suspended() {
            let doomed = self.pods_for_removal(active.max(0) as usize);
            let (ready, removed) = delete_job_pods(&job, &doomed, api);
            self.terminating += removed;
            self.ready -= ready;
            return Ok(active - removed);
        }
        let parallelism = job.parallelism();
        let want = match job.spec.completions {
            None if self.succeeded > 0 => active,
            None => parallelism,
            Some(c) => (c - self.succeeded).min(parallelism).max(0),
        };
        let surplus = (active - want).max(0) as usize;
        let mut doomed = self.pods_for_removal(surplus);
        doomed.truncate(MAX_PER_SYNC);
        if !doomed.is_empty() {
            let (ready, removed) = delete_job_pods(&job, &doomed, api);
            self.terminating += removed;
            self.ready -= ready;
            // A sync either deletes or creates, never both.
            return Ok(active - removed);
        }
        let terminating = if only_replace_failed(&job) {
            self.terminating
        } else {
            0
        };
        let mut diff = want - terminating - active;
        if diff <= 0 {
            return Ok(active);
        }
        if per_index_limit(&job).is_none() {
            let remaining = self.new_backoff.remaining(self.wall);
            if remaining > 0 {
                self.requeue_after(remaining.max(BATCH_PERIOD));
                // As upstream: a sync waiting out the back-off reports no
                // active pods.
                return Ok(0);
            }
        }
        diff = diff.min(MAX_PER_SYNC as i32);
        let mut indexes: Vec<i32> = Vec::new();
        if self.is_indexed() {
            indexes = self.first_pending_indexes(diff as usize);
            if per_index_limit(&job).is_some() {
                let (now_ok, wait) = self.indexes_ready_to_create(&indexes);
                if now_ok.is_empty() && wait > 0 {
                    self.requeue_after(wait.max(BATCH_PERIOD));
                    return Ok(0);
                }
                indexes = now_ok;
            }
            diff = indexes.len() as i32;
        }
        active += diff;
        let mut template = job.spec.template.clone();
        if self.is_indexed() {
            for c in template
                .spec
                .init_containers
                .iter_mut()
                .chain(template.spec.containers.iter_mut())
            {
                if !c.env.iter().any(|e| e.name == COMPLETION_INDEX_ENV) {
                    c.env.push(EnvVar {
                        name: COMPLETION_INDEX_ENV.to_string(),
                        value: String::new(),
                        value_from: Some(Box::new(EnvVarSource {
                            field_ref: Some(ObjectFieldSelector {
                                api_version: "v1".to_string(),
                                field_path: format!(
                                    "metadata.labels['{JOB_COMPLETION_INDEX_ANNOTATION}']"
                                ),
                            }),
                            ..Default::default()
                        })),
                    });
                }
            }
        }
        if !template
            .metadata
            .finalizers
            .iter()
            .any(|f| f == TRACKING_FINALIZER)
        {
            template
                .metadata
                .finalizers
                .push(TRACKING_FINALIZER.to_string());
        }
        // Slow start: batches of 1, 2, 4, … stop at the first failure.
        let mut queue = indexes.into_iter();
        let mut remaining = diff;
        let mut batch = remaining.min(1);
        while remaining > 0 {
            let mut errors = 0;
            for _ in 0..batch {
                let index = queue.next();
                let pod = self.pod_from_template(&template, index);
                if let Err(e) = create_pod(&job, pod, api) {
                    if e.reason == Reason::Forbidden && e.message.contains("being terminated") {
                        continue;
                    }
                    errors += 1;
                    active -= 1;
                }
            }
            remaining -= batch;
            if errors > 0 {
                active -= remaining;
                break;
            }
            batch = (batch * 2).min(remaining);
        }
        Ok(active)
    }

    /// `activePodsForRemoval`: pods with repeated or invalid indexes first,
    /// then the least advanced ones, `at_least` in all.
    fn pods_for_removal(&self, at_least: usize) -> Vec<Rc<Pod>> {
        let mut rm: Vec<Rc<Pod>> = Vec::new();
        let mut left: Vec<Rc<Pod>> = Vec::new();
        if self.is_indexed() {
            let mut by_index: BTreeMap<i32, Vec<Rc<Pod>>> = BTreeMap::new();
            for p in &self.active_pods {
                match self.valid_index(p) {
                    Some(ix) => by_index.entry(ix).or_default().push(p.clone()),
                    None => rm.push(p.clone()),
                }
            }
            for (_, mut same) in by_index {
                sort_for_removal(&mut same);
                let keep = same.pop();
                rm.extend(same);
                left.extend(keep);
            }
        } else {
            left = self.active_pods.clone();
        }
        if rm.len() < at_least {
            sort_for_removal(&mut left);
            let more = (at_least - rm.len()).min(left.len());
            rm.extend(left.into_iter().take(more));
        }
        rm
    }

    /// `firstPendingIndexes`.
    fn first_pending_indexes(&self, count: usize) -> Vec<i32> {
        if count == 0 {
            return Vec::new();
        }
        let mut taken: BTreeSet<i32> = self
            .active_pods
            .iter()
            .filter_map(|p| completion_index(p))
            .collect();
        if only_replace_failed(&self.job) {
            taken.extend(
                self.pods
                    .iter()
                    .filter(|p| is_terminating(p))
                    .filter_map(|p| completion_index(p)),
            );
        }
        let taken: Vec<i32> = taken.into_iter().collect();
        let mut non_pending = self.succeeded_indexes.with_indexes(&taken);
        if let Some(f) = &self.failed_indexes {
            non_pending = non_pending.merge(f);
        }
        non_pending.first_missing(count, completions(&self.job))
    }

    /// `getPodCreationInfoForIndependentIndexes`: the indexes whose own
    /// back-off has passed, or how long until the first one does.
    fn indexes_ready_to_create(&self, indexes: &[i32]) -> (Vec<i32>, Millis) {
        let mut now_ok = Vec::new();
        let mut wait: Option<Millis> = None;
        for ix in indexes {
            let remaining = match self.delayed_per_index.get(ix) {
                None => 0,
                Some(last) => {
                    let failures = count_annotation(last, INDEX_FAILURE_COUNT)
                        .saturating_add(count_annotation(last, INDEX_IGNORED_FAILURE_COUNT))
                        .saturating_add(1);
                    backoff::remaining_for(failures, Some(finished_at(last)), self.wall)
                }
            };
            if remaining == 0 {
                now_ok.push(*ix);
            } else {
                wait = Some(wait.map_or(remaining, |w| w.min(remaining)));
            }
        }
        if now_ok.is_empty() {
            (now_ok, wait.unwrap_or(0))
        } else {
            (now_ok, 0)
        }
    }

    /// `GetPodFromTemplate` plus the Indexed Job's identity.
    fn pod_from_template(
        &self,
        template: &crate::api::corev1::PodTemplateSpec,
        index: Option<i32>,
    ) -> Pod {
        let job = &self.job;
        let name = job.metadata.name();
        let mut meta = ObjectMeta {
            namespace: Some(job.metadata.namespace().to_string()),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            generate_name: Some(format!("{name}-")),
            owner_references: vec![OwnerReference {
                api_version: "batch/v1".to_string(),
                kind: "Job".to_string(),
                name: name.to_string(),
                uid: job.metadata.uid().to_string(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            ..Default::default()
        };
        let mut spec = template.spec.clone();
        if let Some(ix) = index {
            meta.annotations
                .insert(JOB_COMPLETION_INDEX_ANNOTATION.to_string(), ix.to_string());
            meta.labels
                .insert(JOB_COMPLETION_INDEX_ANNOTATION.to_string(), ix.to_string());
            spec.hostname = format!("{name}-{ix}");
            meta.generate_name = Some(generate_name_with_index(name, ix));
            if per_index_limit(job).is_some() {
                let (failures, ignored) = match self.delayed_per_index.get(&ix) {
                    None => (0, 0),
                    Some(prev) => {
                        let mut f = count_annotation(prev, INDEX_FAILURE_COUNT);
                        let mut i = count_annotation(prev, INDEX_IGNORED_FAILURE_COUNT);
                        if match_pod_failure_policy(job.spec.pod_failure_policy.as_ref(), prev)
                            .counts
                        {
                            f = f.saturating_add(1);
                        } else {
                            i = i.saturating_add(1);
                        }
                        (f, i)
                    }
                };
                meta.annotations
                    .insert(INDEX_FAILURE_COUNT.to_string(), failures.to_string());
                if ignored > 0 {
                    meta.annotations
                        .insert(INDEX_IGNORED_FAILURE_COUNT.to_string(), ignored.to_string());
                }
            }
        }
        Pod {
            metadata: meta,
            spec,
            ..Default::default()
        }
    }

    /// `trackJobStatusAndRemoveFinalizers`: counts finished pods, releases
    /// their finalizers, writes the status and, once nothing is left
    /// running, the terminal condition.
    fn track_and_remove_finalizers(
        &mut self,
        api: &mut ApiServer,
        mut needs_flush: bool,
    ) -> Result<(), ApiError> {
        let indexed = self.is_indexed();
        let mut pods = self.pods.clone();
        if indexed {
            sort::sort_by_key(&mut pods, |p| completion_index(p).map_or(-1, i64::from));
        }
        let mut with_finalizer: BTreeSet<String> = pods
            .iter()
            .filter(|p| has_tracking_finalizer(p))
            .map(|p| p.metadata.uid().to_string())
            .collect();
        needs_flush |= self.clean_uncounted(&with_finalizer);
        let mut to_release: Vec<Rc<Pod>> = Vec::new();
        let mut new_succeeded_indexes: Vec<i32> = Vec::new();
        let mut reached_max = false;
        let terminal_failure = self
            .finished
            .as_ref()
            .is_some_and(|c| c.type_ != JobConditionType::SuccessCriteriaMet);
        let base = self
            .job
            .status
            .uncounted_terminated_pods
            .as_ref()
            .map_or(0, |u| u.succeeded.len() + u.failed.len());
        let mut add_succeeded: Vec<String> = Vec::new();
        let mut add_failed: Vec<String> = Vec::new();
        for pod in &pods {
            if !has_tracking_finalizer(pod) {
                continue;
            }
            let uid = pod.metadata.uid().to_string();
            let failed = is_pod_failed(pod, &self.job);
            if !self.can_remove_finalizer(pod, failed) {
                continue;
            }
            to_release.push(pod.clone());
            if pod.phase() == PodPhase::Succeeded && !self.uncounted_failed.contains(&uid) {
                if indexed {
                    if let Some(ix) = self.valid_index(pod) {
                        if !self.prev_succeeded_indexes.has(ix) {
                            new_succeeded_indexes.push(ix);
                            needs_flush = true;
                        }
                    }
                } else if !self.uncounted_succeeded.contains(&uid) {
                    needs_flush = true;
                    add_succeeded.push(uid);
                }
            } else if failed || terminal_failure {
                let index_ok = !indexed || self.valid_index(pod).is_some();
                if !self.uncounted_failed.contains(&uid) && index_ok {
                    let counts =
                        match_pod_failure_policy(self.job.spec.pod_failure_policy.as_ref(), pod)
                            .counts;
                    if counts {
                        needs_flush = true;
                        add_failed.push(uid);
                    }
                }
            }
            let pending =
                base + new_succeeded_indexes.len() + add_succeeded.len() + add_failed.len();
            if pending >= MAX_PER_SYNC {
                reached_max = true;
                break;
            }
        }
        {
            let uncounted = self
                .job
                .status
                .uncounted_terminated_pods
                .get_or_insert_with(Default::default);
            uncounted.succeeded.extend(add_succeeded);
            uncounted.failed.extend(add_failed);
        }
        if indexed {
            sort::sort(&mut new_succeeded_indexes);
            new_succeeded_indexes.dedup();
            self.succeeded_indexes = self.succeeded_indexes.with_indexes(&new_succeeded_indexes);
            let done = self.succeeded_indexes.to_string();
            if done != self.job.status.completed_indexes {
                needs_flush = true;
            }
            self.job.status.succeeded = self.succeeded_indexes.total();
            self.job.status.completed_indexes = done;
            let failed = self.failed_indexes.as_ref().map(ToString::to_string);
            if failed != self.job.status.failed_indexes {
                self.job.status.failed_indexes = failed;
                needs_flush = true;
            }
        }
        if let Some(cond) = self.finished.clone() {
            match cond.type_ {
                JobConditionType::FailureTarget => {
                    self.job.status.conditions.push(cond.clone());
                    needs_flush = true;
                    self.finished = Some(new_condition(
                        JobConditionType::Failed,
                        ConditionStatus::True,
                        &cond.reason,
                        &cond.message,
                        self.now,
                    ));
                }
                JobConditionType::SuccessCriteriaMet => {
                    if true_condition(&self.job, JobConditionType::SuccessCriteriaMet).is_none() {
                        self.job.status.conditions.push(cond.clone());
                        needs_flush = true;
                    }
                    self.finished = Some(new_condition(
                        JobConditionType::Complete,
                        ConditionStatus::True,
                        &cond.reason,
                        &cond.message,
                        self.now,
                    ));
                }
                _ => {}
            }
        }
        // The counts become final once the finalizers are gone.
        for pod in &to_release {
            remove_tracking_finalizer(pod, api)?;
            with_finalizer.remove(pod.metadata.uid());
        }
        if needs_flush {
            self.store_backoff = Some(self.new_backoff.clone());
        }
        needs_flush |= self.clean_uncounted(&with_finalizer);
        let finished = !reached_max && self.enact_finished();
        needs_flush |= finished;
        if needs_flush {
            let written = api.write_status(self.job.clone())?;
            self.job = (*written).clone();
            if finished {
                self.record_finished(api);
            }
        }
        Ok(())
    }

    /// `canRemoveFinalizer`.
    fn can_remove_finalizer(&self, pod: &Pod, failed: bool) -> bool {
        if self.job.metadata.deletion_timestamp.is_some()
            || self.finished.is_some()
            || pod.phase() == PodPhase::Succeeded
        {
            return true;
        }
        if !failed {
            return false;
        }
        if per_index_limit(&self.job).is_some() {
            if let Some(ix) = completion_index(pod) {
                if self
                    .delayed_per_index
                    .get(&ix)
                    .is_some_and(|p| p.metadata.uid() == pod.metadata.uid())
                {
                    return false;
                }
            }
        }
        true
    }

    /// `cleanUncountedPodsWithoutFinalizers`: pods whose finalizer is gone
    /// move from the uncounted lists into the counters.
    fn clean_uncounted(&mut self, with_finalizer: &BTreeSet<String>) -> bool {
        let status = &mut self.job.status;
        let uncounted = status
            .uncounted_terminated_pods
            .get_or_insert_with(Default::default);
        let mut changed = false;
        let before = uncounted.succeeded.len();
        uncounted.succeeded.retain(|u| with_finalizer.contains(u));
        if uncounted.succeeded.len() != before {
            status.succeeded += (before - uncounted.succeeded.len()) as i32;
            changed = true;
        }
        let before = uncounted.failed.len();
        uncounted.failed.retain(|u| with_finalizer.contains(u));
        if uncounted.failed.len() != before {
            status.failed += (before - uncounted.failed.len()) as i32;
            changed = true;
        }
        changed
    }

    /// `enactJobFinished`: adds Complete or Failed once nothing is
    /// uncounted and no pod is still terminating.
    fn enact_finished(&mut self) -> bool {
        let Some(cond) = self.finished.clone() else {
            return false;
        };
        let uncounted = self
            .job
            .status
            .uncounted_terminated_pods
            .as_ref()
            .map_or(0, |u| u.succeeded.len() + u.failed.len());
        if uncounted > 0 || self.terminating > 0 {
            return false;
        }
        ensure_condition(
            &mut self.job.status.conditions,
            cond.type_.clone(),
            cond.status.clone(),
            &cond.reason,
            &cond.message,
            self.now,
        );
        if cond.type_ == JobConditionType::Complete {
            self.job.status.completion_time = self
                .job
                .condition(JobConditionType::Complete)
                .and_then(|c| c.last_transition_time);
        }
        true
    }

    fn record_finished(&self, api: &mut ApiServer) {
        let Some(cond) = &self.finished else { return };
        let job_ref = object_ref(&self.job, "");
        if cond.type_ == JobConditionType::Complete {
            if self
                .job
                .spec
                .completions
                .is_some_and(|c| self.job.status.succeeded > c)
            {
                api.record_event(
                    job_ref.clone(),
                    EventType::Warning,
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached".to_string(),
                    &source(),
                );
            }
            api.record_event(
                job_ref,
                EventType::Normal,
                "Completed",
                "Job completed".to_string(),
                &source(),
            );
        } else {
            api.record_event(
                job_ref,
                EventType::Warning,
                &cond.reason,
                cond.message.clone(),
                &source(),
            );
        }
    }
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the job name cut so the
/// whole prefix fits the generated-name limit.
fn generate_name_with_index(job: &str, index: i32) -> String {
    let suffix = format!("-{index}-");
    let max = 58usize;
    let prefix = format!("{job}{suffix}");
    if prefix.len() <= max {
        return prefix;
    }
    let keep = max.saturating_sub(suffix.len());
    let cut: String = job.chars().take(keep).collect();
    format!("{cut}{suffix}")
}

/// Creates one pod and records the outcome on the Job.
fn create_pod(job: &Job, mut pod: Pod, api: &mut ApiServer) -> Result<(), ApiError> {
    pod.set_defaults();
    match api.create(pod, &WriteOptions::default()) {
        Ok(p) => {
            api.record_event(
                object_ref(job, ""),
                EventType::Normal,
                "SuccessfulCreate",
                format!("Created pod: {}", p.name()),
                &source(),
            );
            Ok(())
        }
        Err(e) => {
            api.record_event(
                object_ref(job, ""),
                EventType::Warning,
                "FailedCreate",
                format!("Error creating: {}", e.message),
                &source(),
            );
            Err(e)
        }
    }
}

fn delete_pod(job: &Job, pod: &Pod, api: &mut ApiServer) -> bool {
    let opts = DeleteOptions {
        uid_precondition: Some(pod.metadata.uid().to_string()),
        ..Default::default()
    };
    match api.delete::<Pod>(pod.namespace(), pod.name(), &opts) {
        Ok(_) => {
            api.record_event(
                object_ref(job, ""),
                EventType::Normal,
                "SuccessfulDelete",
                format!("Deleted pod: {}", pod.name()),
                &source(),
            );
            true
        }
        Err(e) if e.reason == Reason::NotFound => true,
        Err(e) => {
            api.record_event(
                object_ref(job, ""),
                EventType::Warning,
                "FailedDelete",
                format!("Error deleting: {}", e.message),
                &source(),
            );
            false
        }
    }
}

/// `deleteActivePods`: deletes pods of a finishing Job, keeping their
/// finalizers so they are counted; returns (ready deleted, deleted).
fn delete_active_pods(job: &Job, pods: &[Rc<Pod>], api: &mut ApiServer) -> (i32, i32) {
    let mut ready = 0;
    let mut deleted = 0;
    for p in pods {
        if delete_pod(job, p, api) {
            deleted += 1;
        }
        if p.is_ready() {
            ready += 1;
        }
    }
    (ready, deleted)
}

/// `deleteJobPods`: removes surplus pods without counting them.
fn delete_job_pods(job: &Job, pods: &[Rc<Pod>], api: &mut ApiServer) -> (i32, i32) {
    let mut ready = 0;
    let mut deleted = 0;
    for p in pods {
        if remove_tracking_finalizer(p, api).is_err() {
            continue;
        }
        if delete_pod(job, p, api) {
            deleted += 1;
            if p.is_ready() {
                ready += 1;
            }
        }
    }
    (ready, deleted)
}

/// Removes the tracking finalizer from pods whose Job is gone or finished
/// (the controller's orphan queue).
pub struct PodFinalizers;

impl Controller for PodFinalizers {
    fn id(&self) -> CtrlId {
        CtrlId::JobPodFinalizers
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let Object::Pod(p) = &ev.object else { return };
        if ev.typ == WatchType::Deleted || !has_tracking_finalizer(p) {
            return;
        }
        // Only pods that may have lost their Job: orphans, and pods being
        // deleted or finished.
        let owned = owning_job(&p.metadata).is_some();
        if !owned || p.metadata.deletion_timestamp.is_some() || p.is_terminal() {
            out.push((
                ObjKey::of(&p.metadata),
                QueueReason::Changed(Kind::Pod, ev.typ),
            ));
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(pod) = api.store.get::<Pod>(&key.namespace, &key.name).cloned() else {
            return Ok(Action::AwaitChange);
        };
        if !has_tracking_finalizer(&pod) {
            return Ok(Action::AwaitChange);
        }
        if let Some(r) = pod.metadata.controller() {
            if r.kind != "Job" || r.api_version != "batch/v1" {
                return Ok(Action::AwaitChange);
            }
            let job = api
                .store
                .get::<Job>(pod.namespace(), &r.name)
                .filter(|j| j.metadata.uid() == r.uid);
            if job.is_some_and(|j| !j.is_finished()) {
                // Still the Job controller's to count.
                return Ok(Action::AwaitChange);
            }
        }
        remove_tracking_finalizer(&pod, api)?;
        Ok(Action::AwaitChange)
    }
}
