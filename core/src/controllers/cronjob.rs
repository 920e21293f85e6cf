//! The CronJob controller (`cronjob_controllerv2.go`): starts a Job for the
//! most recent unmet schedule time, applies the concurrency policy and the
//! starting deadline, tracks active Jobs and prunes finished ones beyond
//! the history limits. It wakes 100 ms after each schedule time.

use std::rc::Rc;

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::ConditionStatus;
use crate::api::batch::cronjob::{ConcurrencyPolicy, CronJob, SCHEDULED_TIMESTAMP_ANNOTATION};
use crate::api::batch::job::{Job, JobConditionType};
use crate::api::batch::schedule::{is_known_time_zone, Schedule};
use crate::api::meta::{ObjectMeta, OwnerReference};
use crate::api::resource::Resource;
use crate::api::time::{format_rfc1123z, Civil, Time};
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{
    ApiError, ApiServer, DeleteOptions, Millis, Propagation, Reason, WriteOptions,
};
use crate::store::{Kind, ObjKey, Object, WatchEvent};
use crate::util::sort;

const COMPONENT: &str = "cronjob-controller";
/// Padding after a schedule time before the controller looks
/// (`nextScheduleDelta`), against clock skew.
const NEXT_SCHEDULE_DELTA: Millis = 100;
/// More missed start times than this gives a warning.
const MANY_MISSED: i64 = 100;

fn source() -> Source {
    Source::component(COMPONENT)
}

/// Starts Jobs on schedule.
pub struct CronJobController;

impl Controller for CronJobController {
    fn id(&self) -> CtrlId {
        CtrlId::CronJob
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::CronJob(cj) => out.push((
                ObjKey::of(&cj.metadata),
                QueueReason::Changed(Kind::CronJob, ev.typ),
            )),
            Object::Job(j) => {
                let mut push = |meta: &ObjectMeta| {
                    if let Some(r) = meta.controller().filter(|r| r.kind == "CronJob") {
                        out.push((
                            ObjKey::new(meta.namespace(), &r.name),
                            QueueReason::Related(Kind::Job, meta.name().to_string()),
                        ));
                    }
                };
                push(&j.metadata);
                if let Some(Object::Job(old)) = &ev.old {
                    if old.metadata.controller() != j.metadata.controller() {
                        push(&old.metadata);
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(cj) = api.store.get::<CronJob>(&key.namespace, &key.name).cloned() else {
            return Ok(Action::AwaitChange);
        };
        let jobs = owned_jobs(&cj, api);
        let mut copy = (*cj).clone();
        let cleaned = cleanup_finished_jobs(&mut copy, &jobs, api);
        let (requeue, synced, result) = sync_cronjob(&mut copy, &jobs, api);
        if cleaned || synced {
            api.write_status(copy)?;
        }
        result?;
        Ok(match requeue {
            Some(d) => Action::RequeueAfter(d.max(1)),
            None => Action::AwaitChange,
        })
    }
}

/// Jobs whose controller reference names this CronJob
/// (`getJobsToBeReconciled` matches the name only).
fn owned_jobs(cj: &CronJob, api: &ApiServer) -> Vec<Rc<Job>> {
    api.store
        .table::<Job>()
        .iter_ns(Some(cj.metadata.namespace()))
        .map(|(_, j)| j)
        .filter(|j| {
            j.metadata
                .controller()
                .is_some_and(|r| r.name == cj.metadata.name())
        })
        .cloned()
        .collect()
}

/// Complete or Failed, if finished.
fn finished_status(j: &Job) -> Option<JobConditionType> {
    j.status
        .conditions
        .iter()
        .find(|c| {
            matches!(
                c.type_,
                JobConditionType::Complete | JobConditionType::Failed
            ) && c.status == ConditionStatus::True
        })
        .map(|c| c.type_.clone())
}

fn in_active_list(cj: &CronJob, uid: &str) -> bool {
    cj.status.active.iter().any(|r| r.uid == uid)
}

fn remove_from_active_list(cj: &mut CronJob, uid: &str) {
    cj.status.active.retain(|r| r.uid != uid);
}

/// Deletes a Job and its pods, and forgets it (`deleteJob`).
fn delete_job(cj: &mut CronJob, job: &Job, api: &mut ApiServer) -> bool {
    let opts = DeleteOptions {
        propagation: Propagation::Background,
        ..Default::default()
    };
    match api.delete::<Job>(job.metadata.namespace(), job.metadata.name(), &opts) {
        Ok(_) => {}
        Err(e) => {
            api.record_event(
                object_ref(cj, ""),
                EventType::Warning,
                "FailedDelete",
                format!("Deleted job: {}", e.message),
                &source(),
            );
            return false;
        }
    }
    remove_from_active_list(cj, job.metadata.uid());
    api.record_event(
        object_ref(cj, ""),
        EventType::Normal,
        "SuccessfulDelete",
        format!("Deleted job {}", job.metadata.name()),
        &source(),
    );
    true
}

/// `cleanupFinishedJobs`: keeps the newest finished Jobs within the
/// history limits.
fn cleanup_finished_jobs(cj: &mut CronJob, jobs: &[Rc<Job>], api: &mut ApiServer) -> bool {
    let (ok_limit, failed_limit) = (
        cj.spec.successful_jobs_history_limit,
        cj.spec.failed_jobs_history_limit,
    );
    if ok_limit.is_none() && failed_limit.is_none() {
        return false;
    }
    let mut succeeded: Vec<Rc<Job>> = Vec::new();
    let mut failed: Vec<Rc<Job>> = Vec::new();
    for j in jobs {
        match finished_status(j) {
            Some(JobConditionType::Complete) => succeeded.push(j.clone()),
            Some(JobConditionType::Failed) => failed.push(j.clone()),
            _ => {}
        }
    }
    let mut changed = false;
    for (list, limit) in [(succeeded, ok_limit), (failed, failed_limit)] {
        if let Some(limit) = limit {
            changed |= remove_oldest_jobs(cj, list, limit, api);
        }
    }
    changed
}

/// `removeOldestJobs`: oldest by start time (jobs never started last),
/// then by name.
fn remove_oldest_jobs(
    cj: &mut CronJob,
    mut jobs: Vec<Rc<Job>>,
    limit: i32,
    api: &mut ApiServer,
) -> bool {
    let excess = jobs.len() as i64 - i64::from(limit);
    if excess <= 0 {
        return false;
    }
    sort::sort_by(&mut jobs, |a, b| {
        let key = |j: &Job| (j.status.start_time.is_none(), j.status.start_time);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.metadata.name().cmp(b.metadata.name()))
    });
    let mut changed = false;
    for j in jobs.iter().take(excess as usize) {
        changed |= delete_job(cj, j, api);
    }
    changed
}

/// Missed schedule times since the last one: none, a few, or more than 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Missed {
    None,
    Few,
    Many,
}

/// `mostRecentScheduleTime`: the earliest time considered, the latest
/// schedule time not after now (in Unix seconds), and how many were
/// missed. Errors for schedules whose slots are under a second apart.
fn most_recent_schedule_time(
    cj: &CronJob,
    now_ms: i64,
    sched: &ZonedSchedule,
    with_deadline: bool,
) -> Result<(i64, Option<i64>, Missed), String> {
    let mut earliest_ms = cj
        .status
        .last_schedule_time
        .or(cj.metadata.creation_timestamp)
        .map_or(0, |t| t.millis());
    if with_deadline {
        if let Some(d) = cj.spec.starting_deadline_seconds {
            earliest_ms = earliest_ms.max(now_ms - d.saturating_mul(1000));
        }
    }
    let earliest = earliest_ms.div_euclid(1000);
    let Some(t1) = sched.next(earliest) else {
        return Ok((earliest, None, Missed::None));
    };
    if now_ms < t1 * 1000 {
        return Ok((earliest, None, Missed::None));
    }
    let Some(t2) = sched.next(t1) else {
        return Ok((earliest, Some(t1), Missed::None));
    };
    if now_ms < t2 * 1000 {
        return Ok((earliest, Some(t1), Missed::None));
    }
    let between = t2 - t1;
    if between < 1 {
        return Err("time difference between two schedules is less than 1 second".to_string());
    }
    let elapsed = (now_ms - t1 * 1000).div_euclid(1000);
    let missed = elapsed / between + 1;
    // Jump close to now, then step to the exact latest time.
    let mut t = t1 + (missed - 2) * between;
    let mut most_recent = None;
    for _ in 0..10_000 {
        match sched.next(t) {
            Some(n) if n * 1000 <= now_ms => {
                most_recent = Some(n);
                t = n;
            }
            _ => break,
        }
    }
    let level = if missed > MANY_MISSED {
        Missed::Many
    } else if missed > 0 {
        Missed::Few
    } else {
        Missed::None
    };
    Ok((earliest, most_recent, level))
}

/// `nextScheduleTimeDuration`: until the next schedule time after the
/// last one, plus the padding.
fn next_schedule_delay(cj: &CronJob, now_ms: i64, sched: &ZonedSchedule) -> Option<Millis> {
    let from = match most_recent_schedule_time(cj, now_ms, sched, false) {
        Err(_) => now_ms.div_euclid(1000),
        Ok((earliest, recent, _)) => recent.unwrap_or(earliest),
    };
    let next = sched.next(from)?;
    Some(next * 1000 + NEXT_SCHEDULE_DELTA - now_ms)
}

/// Returns (requeue after, status changed, result).
fn sync_cronjob(
    cj: &mut CronJob,
    jobs: &[Rc<Job>],
    api: &mut ApiServer,
) -> (Option<Millis>, bool, Result<(), ApiError>) {
    let now_ms = api.wall_millis();
    let mut changed = false;
    let cj_ref = |cj: &CronJob| object_ref(cj, "");
    for j in jobs {
        let uid = j.metadata.uid();
        let found = in_active_list(cj, uid);
        let finished = finished_status(j);
        if !found && finished.is_none() {
            api.record_event(
                cj_ref(cj),
                EventType::Warning,
                "UnexpectedJob",
                format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    j.metadata.name()
                ),
                &source(),
            );
        } else if let (true, Some(status)) = (found, &finished) {
            remove_from_active_list(cj, uid);
            api.record_event(
                cj_ref(cj),
                EventType::Normal,
                "SawCompletedJob",
                format!(
                    "Saw completed job: {}, status: {}",
                    j.metadata.name(),
                    status.as_str()
                ),
                &source(),
            );
            changed = true;
        } else if finished == Some(JobConditionType::Complete) {
            let done = j.status.completion_time;
            let newer = match (cj.status.last_successful_time, done) {
                (None, _) => true,
                (Some(last), Some(d)) => d > last,
                (Some(_), None) => false,
            };
            if newer && cj.status.last_successful_time != done {
                cj.status.last_successful_time = done;
                changed = true;
            }
        }
    }
    // Active Jobs that no longer exist.
    let gone: Vec<(String, String)> = cj
        .status
        .active
        .iter()
        .filter(|r| !jobs.iter().any(|j| j.metadata.uid() == r.uid))
        .filter(|r| api.store.get::<Job>(&r.namespace, &r.name).is_none())
        .map(|r| (r.uid.clone(), r.name.clone()))
        .collect();
    for (uid, name) in gone {
        api.record_event(
            cj_ref(cj),
            EventType::Normal,
            "MissingJob",
            format!("Active job went missing: {name}"),
            &source(),
        );
        remove_from_active_list(cj, &uid);
        changed = true;
    }

    if cj.metadata.deletion_timestamp.is_some() {
        return (None, changed, Ok(()));
    }
    if let Some(tz) = &cj.spec.time_zone {
        if !is_known_time_zone(tz) {
            api.record_event(
                cj_ref(cj),
                EventType::Warning,
                "UnknownTimeZone",
                format!("invalid timeZone: \"{tz}\": unknown time zone {tz}"),
                &source(),
            );
            return (None, changed, Ok(()));
        }
    }
    if cj.is_suspended() {
        return (None, changed, Ok(()));
    }
    if cj.spec.schedule.contains("TZ") {
        api.record_event(
            cj_ref(cj),
            EventType::Warning,
            "UnsupportedSchedule",
            format!(
                "CRON_TZ or TZ used in schedule \"{}\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
                cj.spec.schedule
            ),
            &source(),
        );
    }
    let sched = match ZonedSchedule::of(cj) {
        Ok(s) => s,
        Err(e) => {
            api.record_event(
                cj_ref(cj),
                EventType::Warning,
                "UnparseableSchedule",
                format!("unparseable schedule: \"{}\" : {e}", cj.spec.schedule),
                &source(),
            );
            return (None, changed, Ok(()));
        }
    };
    let scheduled = match most_recent_schedule_time(cj, now_ms, &sched, true) {
        Err(e) => {
            api.record_event(
                cj_ref(cj),
                EventType::Warning,
                "InvalidSchedule",
                format!("invalid schedule: {} : {e}", cj.spec.schedule),
                &source(),
            );
            return (None, changed, Ok(()));
        }
        Ok((_, None, _)) => {
            return (next_schedule_delay(cj, now_ms, &sched), changed, Ok(()));
        }
        Ok((_, Some(t), missed)) => {
            if missed == Missed::Many {
                api.record_event(
                    cj_ref(cj),
                    EventType::Warning,
                    "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".to_string(),
                    &source(),
                );
            }
            t
        }
    };
    let requeue = |cj: &CronJob| next_schedule_delay(cj, now_ms, &sched);
    let too_late = cj
        .spec
        .starting_deadline_seconds
        .is_some_and(|d| (scheduled + d) * 1000 < now_ms);
    if too_late {
        api.record_event(
            cj_ref(cj),
            EventType::Warning,
            "MissSchedule",
            format!(
                "Missed scheduled time to start a job: {}",
                format_rfc1123z(scheduled)
            ),
            &source(),
        );
        return (requeue(cj), changed, Ok(()));
    }
    let name = cj.job_name(Time(scheduled));
    if cj.status.active.iter().any(|r| r.name == name)
        || cj.status.last_schedule_time == Some(Time(scheduled))
    {
        return (requeue(cj), changed, Ok(()));
    }
    if cj.spec.concurrency_policy == ConcurrencyPolicy::Forbid && !cj.status.active.is_empty() {
        api.record_event(
            cj_ref(cj),
            EventType::Normal,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid"
                .to_string(),
            &source(),
        );
        return (requeue(cj), changed, Ok(()));
    }
    if cj.spec.concurrency_policy == ConcurrencyPolicy::Replace {
        for r in cj.status.active.clone() {
            let Some(job) = api.store.get::<Job>(&r.namespace, &r.name).cloned() else {
                api.record_event(
                    cj_ref(cj),
                    EventType::Warning,
                    "FailedGet",
                    format!("Get job: jobs.batch \"{}\" not found", r.name),
                    &source(),
                );
                return (None, changed, Err(ApiError::not_found(Job::INFO, &r.name)));
            };
            if !delete_job(cj, &job, api) {
                return (
                    None,
                    changed,
                    Err(ApiError::new(
                        Reason::InternalError,
                        format!("could not replace job {}/{}", r.namespace, r.name),
                    )),
                );
            }
            changed = true;
        }
    }

    let job = job_from_template(cj, scheduled, &sched);
    let created = match api.create(job, &WriteOptions::default()) {
        Ok(j) => {
            api.record_event(
                cj_ref(cj),
                EventType::Normal,
                "SuccessfulCreate",
                format!("Created job {}", j.metadata.name()),
                &source(),
            );
            j
        }
        Err(e) if e.reason == Reason::AlreadyExists => {
            let Some(existing) = api
                .store
                .get::<Job>(cj.metadata.namespace(), &name)
                .cloned()
            else {
                return (None, changed, Err(e));
            };
            let ours = existing
                .metadata
                .controller()
                .is_some_and(|r| r.uid == cj.metadata.uid());
            if !ours || in_active_list(cj, existing.metadata.uid()) {
                return (None, changed, Ok(()));
            }
            existing
        }
        Err(e) if e.reason == Reason::Forbidden => return (None, changed, Err(e)),
        Err(e) => {
            api.record_event(
                cj_ref(cj),
                EventType::Warning,
                "FailedCreate",
                format!("Error creating job: {}", e.message),
                &source(),
            );
            return (None, changed, Err(e));
        }
    };
    cj.status.active.push(object_ref(&*created, ""));
    cj.status.last_schedule_time = Some(Time(scheduled));
    (requeue(cj), true, Ok(()))
}

/// `getJobFromTemplate2`.
fn job_from_template(cj: &CronJob, scheduled: i64, sched: &ZonedSchedule) -> Job {
    let template = &cj.spec.job_template;
    let mut annotations = template.metadata.annotations.clone();
    annotations.insert(
        SCHEDULED_TIMESTAMP_ANNOTATION.to_string(),
        sched.zone.rfc3339(scheduled),
    );
    let mut job = Job {
        metadata: ObjectMeta {
            name: Some(cj.job_name(Time(scheduled))),
            namespace: Some(cj.metadata.namespace().to_string()),
            labels: template.metadata.labels.clone(),
            annotations,
            owner_references: vec![OwnerReference {
                api_version: "batch/v1".to_string(),
                kind: "CronJob".to_string(),
                name: cj.metadata.name().to_string(),
                uid: cj.metadata.uid().to_string(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }],
            ..Default::default()
        },
        spec: template.spec.clone(),
        ..Default::default()
    };
    job.set_defaults();
    job
}

/// A schedule read in its time zone.
struct ZonedSchedule {
    schedule: Schedule,
    zone: Zone,
}

impl ZonedSchedule {
    /// `formatSchedule` + `cron.ParseStandard`: `spec.timeZone` or a `TZ=`
    /// prefix picks the zone.
    fn of(cj: &CronJob) -> Result<ZonedSchedule, String> {
        let schedule = Schedule::parse_standard(&cj.spec.schedule)?;
        let text = cj.spec.schedule.trim_start();
        let prefixed = text
            .strip_prefix("CRON_TZ=")
            .or_else(|| text.strip_prefix("TZ="))
            .and_then(|rest| rest.split_whitespace().next());
        let name = match (prefixed, &cj.spec.time_zone) {
            (Some(z), _) => z.to_string(),
            (None, Some(z)) => z.clone(),
            (None, None) => "UTC".to_string(),
        };
        Ok(ZonedSchedule {
            schedule,
            zone: Zone::named(&name),
        })
    }

    /// The next activation strictly after `after` (Unix seconds), reading
    /// the fields in local time.
    fn next(&self, after: i64) -> Option<i64> {
        if let Schedule::Every(_) = self.schedule {
            return self.schedule.next(after);
        }
        let off = self.zone.offset_at(after);
        let local = self.schedule.next(after + off)?;
        let t = local - off;
        // Across an offset change the local reading shifts; read again with
        // the offset in force at the candidate.
        let off2 = self.zone.offset_at(t);
        if off2 == off {
            return Some(t);
        }
        let t2 = self.schedule.next(after + off2)? - off2;
        Some(if t2 > after { t2 } else { t })
    }
}

/// Daylight-saving rules of the zones the controller knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dst {
    None,
    /// United States and Canada: second Sunday of March to first Sunday of
    /// November, at 02:00 local time.
    NorthAmerica,
    /// European Union and United Kingdom: last Sunday of March to last
    /// Sunday of October, at 01:00 UTC.
    Europe,
    /// South-eastern Australia: first Sunday of October to first Sunday of
    /// April, at 02:00 standard time.
    Australia,
    /// New Zealand: last Sunday of September to first Sunday of April, at
    /// 02:00 standard time.
    NewZealand,
}

/// A time zone as a standard offset and a daylight-saving rule. Zones
/// outside this small table read as UTC (the zone database is too large
/// for the bundle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Zone {
    standard: i64,
    dst: Dst,
}

const UTC_NAMES: &[&str] = &[
    "UTC",
    "GMT",
    "UCT",
    "Zulu",
    "Universal",
    "Greenwich",
    "Etc/UTC",
    "Etc/GMT",
    "Etc/UCT",
    "Etc/Zulu",
    "Etc/Universal",
    "Etc/Greenwich",
    "Etc/GMT0",
    "Etc/GMT+0",
    "Etc/GMT-0",
];

/// (name, standard offset in minutes, rule).
const ZONES: &[(&str, i64, Dst)] = &[
    ("Asia/Shanghai", 480, Dst::None),
    ("Asia/Chongqing", 480, Dst::None),
    ("Asia/Harbin", 480, Dst::None),
    ("Asia/Urumqi", 360, Dst::None),
    ("Asia/Hong_Kong", 480, Dst::None),
    ("Asia/Macau", 480, Dst::None),
    ("Asia/Taipei", 480, Dst::None),
    ("Asia/Singapore", 480, Dst::None),
    ("Asia/Kuala_Lumpur", 480, Dst::None),
    ("Asia/Manila", 480, Dst::None),
    ("Asia/Tokyo", 540, Dst::None),
    ("Asia/Seoul", 540, Dst::None),
    ("Asia/Kolkata", 330, Dst::None),
    ("Asia/Calcutta", 330, Dst::None),
    ("Asia/Kathmandu", 345, Dst::None),
    ("Asia/Dhaka", 360, Dst::None),
    ("Asia/Bangkok", 420, Dst::None),
    ("Asia/Jakarta", 420, Dst::None),
    ("Asia/Ho_Chi_Minh", 420, Dst::None),
    ("Asia/Karachi", 300, Dst::None),
    ("Asia/Dubai", 240, Dst::None),
    ("Asia/Riyadh", 180, Dst::None),
    ("Asia/Tehran", 210, Dst::None),
    ("Europe/Moscow", 180, Dst::None),
    ("Europe/Istanbul", 180, Dst::None),
    ("Africa/Lagos", 60, Dst::None),
    ("Africa/Johannesburg", 120, Dst::None),
    ("Africa/Nairobi", 180, Dst::None),
    ("America/Sao_Paulo", -180, Dst::None),
    ("America/Argentina/Buenos_Aires", -180, Dst::None),
    ("America/Bogota", -300, Dst::None),
    ("America/Lima", -300, Dst::None),
    ("America/Phoenix", -420, Dst::None),
    ("Pacific/Honolulu", -600, Dst::None),
    ("Australia/Brisbane", 600, Dst::None),
    ("Australia/Perth", 480, Dst::None),
    ("America/New_York", -300, Dst::NorthAmerica),
    ("America/Toronto", -300, Dst::NorthAmerica),
    ("America/Chicago", -360, Dst::NorthAmerica),
    ("America/Denver", -420, Dst::NorthAmerica),
    ("America/Los_Angeles", -480, Dst::NorthAmerica),
    ("America/Vancouver", -480, Dst::NorthAmerica),
    ("America/Anchorage", -540, Dst::NorthAmerica),
    ("Europe/London", 0, Dst::Europe),
    ("Europe/Dublin", 0, Dst::Europe),
    ("Europe/Lisbon", 0, Dst::Europe),
    ("Europe/Berlin", 60, Dst::Europe),
    ("Europe/Paris", 60, Dst::Europe),
    ("Europe/Madrid", 60, Dst::Europe),
    ("Europe/Rome", 60, Dst::Europe),
    ("Europe/Amsterdam", 60, Dst::Europe),
    ("Europe/Brussels", 60, Dst::Europe),
    ("Europe/Vienna", 60, Dst::Europe),
    ("Europe/Zurich", 60, Dst::Europe),
    ("Europe/Stockholm", 60, Dst::Europe),
    ("Europe/Oslo", 60, Dst::Europe),
    ("Europe/Copenhagen", 60, Dst::Europe),
    ("Europe/Warsaw", 60, Dst::Europe),
    ("Europe/Prague", 60, Dst::Europe),
    ("Europe/Budapest", 60, Dst::Europe),
    ("Europe/Athens", 120, Dst::Europe),
    ("Europe/Helsinki", 120, Dst::Europe),
    ("Europe/Kiev", 120, Dst::Europe),
    ("Europe/Kyiv", 120, Dst::Europe),
    ("Europe/Bucharest", 120, Dst::Europe),
    ("Europe/Sofia", 120, Dst::Europe),
    ("Australia/Sydney", 600, Dst::Australia),
    ("Australia/Melbourne", 600, Dst::Australia),
    ("Australia/Canberra", 600, Dst::Australia),
    ("Australia/Hobart", 600, Dst::Australia),
    ("Pacific/Auckland", 720, Dst::NewZealand),
];

/// The Unix second of the n-th (1-based; 0 = last) Sunday of a month at
/// `secs_into_day` (UTC reading).
fn nth_sunday(year: i64, month: u32, n: u32, secs_into_day: i64) -> i64 {
    let first = Civil {
        year,
        month,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        weekday: 0,
    }
    .to_unix();
    let first_weekday = Civil::from_unix(first).weekday;
    let first_sunday = 1 + (7 - first_weekday) % 7;
    let day = if n == 0 {
        let days_in_month = {
            let (ny, nm) = if month == 12 {
                (year + 1, 1)
            } else {
                (year, month + 1)
            };
            let next = Civil {
                year: ny,
                month: nm,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0,
                weekday: 0,
            }
            .to_unix();
            ((next - first) / 86_400) as u32
        };
        let mut d = first_sunday;
        while d + 7 <= days_in_month {
            d += 7;
        }
        d
    } else {
        first_sunday + 7 * (n - 1)
    };
    first + i64::from(day - 1) * 86_400 + secs_into_day
}

impl Zone {
    fn named(name: &str) -> Zone {
        let utc = Zone {
            standard: 0,
            dst: Dst::None,
        };
        if UTC_NAMES.contains(&name) {
            return utc;
        }
        // POSIX-style signs: Etc/GMT+5 is five hours behind UTC.
        if let Some(rest) = name.strip_prefix("Etc/GMT") {
            if let Ok(h) = rest.parse::<i64>() {
                if (-14..=12).contains(&h) {
                    return Zone {
                        standard: -h * 3600,
                        dst: Dst::None,
                    };
                }
            }
        }
        ZONES
            .iter()
            .find(|(n, _, _)| *n == name)
            .map_or(utc, |(_, minutes, dst)| Zone {
                standard: minutes * 60,
                dst: *dst,
            })
    }

    /// Seconds east of UTC in force at a Unix second.
    fn offset_at(&self, t: i64) -> i64 {
        let year = Civil::from_unix(t + self.standard).year;
        let summer = match self.dst {
            Dst::None => false,
            Dst::NorthAmerica => {
                let start = nth_sunday(year, 3, 2, 2 * 3600) - self.standard;
                let end = nth_sunday(year, 11, 1, 2 * 3600) - self.standard - 3600;
                t >= start && t < end
            }
            Dst::Europe => {
                let start = nth_sunday(year, 3, 0, 3600);
                let end = nth_sunday(year, 10, 0, 3600);
                t >= start && t < end
            }
            Dst::Australia => {
                let end = nth_sunday(year, 4, 1, 3 * 3600) - self.standard - 3600;
                let start = nth_sunday(year, 10, 1, 2 * 3600) - self.standard;
                t < end || t >= start
            }
            Dst::NewZealand => {
                let end = nth_sunday(year, 4, 1, 3 * 3600) - self.standard - 3600;
                let start = nth_sunday(year, 9, 0, 2 * 3600) - self.standard;
                t < end || t >= start
            }
        };
        self.standard + if summer { 3600 } else { 0 }
    }

    /// RFC 3339 in this zone: `Z` for UTC, else `+08:00`.
    fn rfc3339(&self, t: i64) -> String {
        let off = self.offset_at(t);
        let c = Civil::from_unix(t + off);
        let zone = if off == 0 {
            "Z".to_string()
        } else {
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.abs();
            format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(s: &str) -> i64 {
        crate::api::time::parse_rfc3339(s).expect("time") / 1000
    }

    #[test]
    fn zones_read_local_time_with_daylight_saving() {
        let cases = [
            (
                "UTC in winter",
                "UTC",
                "2026-01-05T09:00:00Z",
                "2026-01-05T09:00:00Z",
            ),
            (
                "Shanghai is eight hours ahead",
                "Asia/Shanghai",
                "2026-01-05T09:00:00Z",
                "2026-01-05T17:00:00+08:00",
            ),
            (
                "Berlin in winter",
                "Europe/Berlin",
                "2026-01-05T09:00:00Z",
                "2026-01-05T10:00:00+01:00",
            ),
            (
                "Berlin in summer",
                "Europe/Berlin",
                "2026-07-01T09:00:00Z",
                "2026-07-01T11:00:00+02:00",
            ),
            (
                "New York in summer",
                "America/New_York",
                "2026-07-01T12:00:00Z",
                "2026-07-01T08:00:00-04:00",
            ),
            (
                "New York just before the spring change",
                "America/New_York",
                "2026-03-08T06:59:59Z",
                "2026-03-08T01:59:59-05:00",
            ),
            (
                "New York just after",
                "America/New_York",
                "2026-03-08T07:00:00Z",
                "2026-03-08T03:00:00-04:00",
            ),
            (
                "Etc/GMT+5 is behind UTC",
                "Etc/GMT+5",
                "2026-01-05T09:00:00Z",
                "2026-01-05T04:00:00-05:00",
            ),
            (
                "Sydney in January is on summer time",
                "Australia/Sydney",
                "2026-01-05T00:00:00Z",
                "2026-01-05T11:00:00+11:00",
            ),
        ];
        for (name, zone, at, want) in cases {
            assert_eq!(Zone::named(zone).rfc3339(unix(at)), want, "{name}");
        }
    }

    #[test]
    fn a_daily_schedule_fires_at_local_midnight() {
        let sched = ZonedSchedule {
            schedule: Schedule::parse_standard("0 0 * * *").expect("schedule"),
            zone: Zone::named("Asia/Shanghai"),
        };
        let next = sched.next(unix("2026-01-05T09:00:00Z")).expect("next");
        assert_eq!(Zone::named("UTC").rfc3339(next), "2026-01-05T16:00:00Z");
    }
}
