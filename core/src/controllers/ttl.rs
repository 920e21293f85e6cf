//! The TTL-after-finished controller: deletes finished Jobs, with their
//! pods, `ttlSecondsAfterFinished` after they finished
//! (`pkg/controller/ttlafterfinished`).

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::ConditionStatus;
use crate::api::batch::job::{Job, JobConditionType};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Propagation, Reason};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

/// Finished with a TTL set (`needsCleanup`).
fn needs_cleanup(job: &Job) -> bool {
    job.spec.ttl_seconds_after_finished.is_some() && job.is_finished()
}

/// When the Job finished: the transition time of Complete or Failed, in
/// wall-clock milliseconds.
fn finished_at(job: &Job) -> Option<i64> {
    job.status
        .conditions
        .iter()
        .find(|c| {
            matches!(
                c.type_,
                JobConditionType::Complete | JobConditionType::Failed
            ) && c.status == ConditionStatus::True
        })
        .and_then(|c| c.last_transition_time)
        .map(|t| t.millis())
}

/// Deletes expired finished Jobs.
pub struct TtlAfterFinished;

impl Controller for TtlAfterFinished {
    fn id(&self) -> CtrlId {
        CtrlId::TtlAfterFinished
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let Object::Job(j) = &ev.object else { return };
        if ev.typ != WatchType::Deleted
            && j.metadata.deletion_timestamp.is_none()
            && needs_cleanup(j)
        {
            out.push((
                ObjKey::of(&j.metadata),
                QueueReason::Changed(Kind::Job, ev.typ),
            ));
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(job) = api.store.get::<Job>(&key.namespace, &key.name).cloned() else {
            return Ok(Action::AwaitChange);
        };
        if job.metadata.deletion_timestamp.is_some() || !needs_cleanup(&job) {
            return Ok(Action::AwaitChange);
        }
        let (Some(done), Some(ttl)) = (finished_at(&job), job.spec.ttl_seconds_after_finished)
        else {
            return Ok(Action::AwaitChange);
        };
        let left = done + i64::from(ttl) * 1000 - api.wall_millis();
        if left > 0 {
            return Ok(Action::RequeueAfter(left));
        }
        // Upstream deletes in the foreground: the Job stays until the
        // garbage collector has removed its pods.
        let opts = DeleteOptions {
            propagation: Propagation::Foreground,
            uid_precondition: Some(job.metadata.uid().to_string()),
            ..Default::default()
        };
        match api.delete::<Job>(&key.namespace, &key.name, &opts) {
            Ok(_) => Ok(Action::AwaitChange),
            Err(e) if e.reason == Reason::NotFound => Ok(Action::AwaitChange),
            Err(e) => Err(e),
        }
    }
}
