//! batch/v1 tables: Jobs and CronJobs.

use super::format::{
    container_cells, format_label_selector, human_since_millis, since, title_bool_ptr,
};
use super::{col, wide, Column, NAME};
use crate::api::batch::{CronJob, Job, JobConditionType};
use crate::api::corev1::ConditionStatus;
use crate::api::time::human_duration;

pub(super) const JOB_COLUMNS: &[Column] = &[
    NAME,
    col("STATUS"),
    col("COMPLETIONS"),
    col("DURATION"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

pub(super) const CRON_JOB_COLUMNS: &[Column] = &[
    NAME,
    col("SCHEDULE"),
    col("TIMEZONE"),
    col("SUSPEND"),
    col("ACTIVE"),
    col("LAST SCHEDULE"),
    col("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

/// `hasJobCondition`: the first condition of the type decides.
fn has_condition(job: &Job, type_: JobConditionType) -> bool {
    job.status
        .conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == ConditionStatus::True)
}

/// The STATUS column (v1.30–v1.33: no `SuccessCriteriaMet` branch yet).
pub fn job_status(job: &Job) -> &'static str {
    if has_condition(job, JobConditionType::Complete) {
        "Complete"
    } else if has_condition(job, JobConditionType::Failed) {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has_condition(job, JobConditionType::Suspended) {
        "Suspended"
    } else if has_condition(job, JobConditionType::FailureTarget) {
        "FailureTarget"
    } else {
        "Running"
    }
}

/// The COMPLETIONS column.
pub fn job_completions(job: &Job) -> String {
    let succeeded = job.status.succeeded;
    match job.spec.completions {
        Some(c) => format!("{succeeded}/{c}"),
        None => match job.spec.parallelism.unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    }
}

/// The DURATION column: empty before the job starts, running time until it
/// completes, then fixed. A failed job has no completion time and keeps
/// counting.
pub fn job_duration(job: &Job, now_ms: i64) -> String {
    match (job.status.start_time, job.status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => human_since_millis(now_ms, start.millis()),
        (Some(start), Some(done)) => human_duration(done.seconds() - start.seconds()),
    }
}

pub(super) fn job_cells(job: &Job, now_ms: i64) -> Vec<String> {
    let (names, images) = container_cells(&job.spec.template.spec.containers);
    vec![
        job.metadata.name().to_string(),
        job_status(job).to_string(),
        job_completions(job),
        job_duration(job, now_ms),
        since(now_ms, job.metadata.creation_timestamp),
        names,
        images,
        format_label_selector(job.spec.selector.as_ref()),
    ]
}

pub(super) fn cron_job_cells(cj: &CronJob, now_ms: i64) -> Vec<String> {
    let template = &cj.spec.job_template.spec;
    let (names, images) = container_cells(&template.template.spec.containers);
    let last_schedule = match cj.status.last_schedule_time {
        Some(t) => since(now_ms, Some(t)),
        None => "<none>".to_string(),
    };
    vec![
        cj.metadata.name().to_string(),
        cj.spec.schedule.clone(),
        cj.spec.time_zone.clone().unwrap_or_else(|| "<none>".into()),
        title_bool_ptr(cj.spec.suspend).to_string(),
        cj.status.active.len().to_string(),
        last_schedule,
        since(now_ms, cj.metadata.creation_timestamp),
        names,
        images,
        format_label_selector(template.selector.as_ref()),
    ]
}
