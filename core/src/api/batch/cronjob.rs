//! batch/v1 CronJob: Jobs created on a repeating schedule.

use podlab_macros::Api;

use super::job::{validate_job_spec_body, JobSpec};
use super::schedule::{is_known_time_zone, Schedule};
use crate::api::apps::{nonnegative_opt, selector_bad_value, ObjectReference};
use crate::api::corev1::pod_defaults::default_pod_spec;
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::{
    validate_object_meta, validate_object_meta_update, validate_subdomain, BadValue, FieldErr,
    FieldErrs, Path,
};
use crate::{impl_meta, string_enum};

/// Runs a Job on a cron schedule.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "batch/v1/CronJob")]
pub struct CronJob {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The schedule and the Job to run.
    pub spec: CronJobSpec,
    /// Current status, written by the controller.
    pub status: CronJobStatus,
}

/// The desired behaviour of a CronJob.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct CronJobSpec {
    /// The schedule in cron format: minute hour day-of-month month day-of-week, or a descriptor like @hourly.
    #[api(always, required)]
    pub schedule: String,
    /// Time zone of the schedule (a tz database name). Unset means the controller manager's zone.
    pub time_zone: Option<String>,
    /// Seconds after a missed scheduled time within which the Job may still start.
    pub starting_deadline_seconds: Option<i64>,
    /// Allow (default), Forbid or Replace: what to do when the previous Job still runs.
    #[api(omitempty)]
    pub concurrency_policy: ConcurrencyPolicy,
    /// Whether new runs are held back. Default false.
    pub suspend: Option<bool>,
    /// The Job to create at each scheduled time.
    #[api(always, required)]
    pub job_template: JobTemplateSpec,
    /// Successful finished Jobs kept. Default 3.
    pub successful_jobs_history_limit: Option<i32>,
    /// Failed finished Jobs kept. Default 1.
    pub failed_jobs_history_limit: Option<i32>,
}

string_enum! {
    /// What a CronJob does when a run is due while the previous one runs.
    pub enum ConcurrencyPolicy {
        /// Run both.
        Allow = "Allow",
        /// Skip the new run.
        Forbid = "Forbid",
        /// Replace the running Job with the new one.
        Replace = "Replace",
    }
}

/// The Job a CronJob creates.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct JobTemplateSpec {
    /// Metadata of the Jobs created.
    pub metadata: ObjectMeta,
    /// Spec of the Jobs created.
    pub spec: JobSpec,
}

/// The current state of a CronJob.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct CronJobStatus {
    /// The Jobs currently running.
    pub active: Vec<ObjectReference>,
    /// When a Job was last scheduled.
    pub last_schedule_time: Option<Time>,
    /// When a Job last completed successfully.
    pub last_successful_time: Option<Time>,
}

/// The annotation on each Job with the time it was scheduled for.
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// Job names add `-<minutes since epoch>` (11 characters) to the CronJob's.
const MAX_NAME_LENGTH: usize = 63 - 11;

pub static CRONJOB_INFO: ResourceInfo = ResourceInfo {
    group: "batch",
    version: "v1",
    kind: "CronJob",
    plural: "cronjobs",
    singular: "cronjob",
    short_names: &["cj"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl CronJob {
    pub fn is_suspended(&self) -> bool {
        self.spec.suspend == Some(true)
    }

    /// The parsed schedule, if it is valid.
    pub fn schedule(&self) -> Result<Schedule, String> {
        Schedule::parse_standard(&self.spec.schedule)
    }

    /// The name of the Job for a scheduled time: `<cronjob>-<minutes>`.
    pub fn job_name(&self, scheduled: Time) -> String {
        format!(
            "{}-{}",
            self.metadata.name(),
            scheduled.seconds().div_euclid(60)
        )
    }
}

/// Defaults of a CronJob (`SetDefaults_CronJob`). The Job template's spec
/// is not defaulted as a Job; only its pod template is.
pub fn default_cronjob(cj: &mut CronJob) {
    let spec = &mut cj.spec;
    if spec.concurrency_policy.as_str().is_empty() {
        spec.concurrency_policy = ConcurrencyPolicy::Allow;
    }
    spec.suspend.get_or_insert(false);
    spec.successful_jobs_history_limit.get_or_insert(3);
    spec.failed_jobs_history_limit.get_or_insert(1);
    default_pod_spec(&mut spec.job_template.spec.template.spec);
}

/// `validateTimeZone`.
fn validate_time_zone(tz: &str, path: &Path) -> FieldErrs {
    if tz.is_empty() {
        return vec![FieldErr::invalid(
            path.clone(),
            tz,
            "timeZone must be nil or non-empty string",
        )];
    }
    let part_ok = |p: &str| {
        p != "."
            && p != ".."
            && !p.starts_with('-')
            && (1..=14).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
    };
    let unknown = || FieldErr::invalid(path.clone(), tz, &format!("unknown time zone {tz}"));
    if !tz.split('/').all(part_ok) {
        return vec![unknown()];
    }
    let mut errs = Vec::new();
    if tz.eq_ignore_ascii_case("Local") {
        errs.push(FieldErr::invalid(
            path.clone(),
            tz,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if !is_known_time_zone(tz) {
        errs.push(unknown());
    }
    errs
}

/// `validateCronJobSpec`; `old` is the spec before an update.
fn validate_spec(spec: &CronJobSpec, old: Option<&CronJobSpec>, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    let sp = path.child("schedule");
    if spec.schedule.is_empty() {
        errs.push(FieldErr::required(sp, ""));
    } else {
        if let Err(e) = Schedule::parse_standard(&spec.schedule) {
            errs.push(FieldErr::invalid(sp.clone(), spec.schedule.as_str(), &e));
        }
        // Schedules stored before the rule may keep their TZ.
        let allow_tz = old.is_some_and(|o| o.schedule.contains("TZ"));
        if spec.schedule.contains("TZ") {
            if !allow_tz {
                errs.push(FieldErr::invalid(
                    sp,
                    spec.schedule.as_str(),
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                ));
            } else if spec.time_zone.is_some() {
                errs.push(FieldErr::invalid(
                    sp,
                    spec.schedule.as_str(),
                    "cannot use both timeZone field and TZ or CRON_TZ in schedule",
                ));
            }
        }
    }
    errs.extend(nonnegative_opt(
        &path.child("startingDeadlineSeconds"),
        spec.starting_deadline_seconds,
    ));
    if old.is_none_or(|o| o.time_zone != spec.time_zone) {
        if let Some(tz) = &spec.time_zone {
            errs.extend(validate_time_zone(tz, &path.child("timeZone")));
        }
    }
    match &spec.concurrency_policy {
        ConcurrencyPolicy::Other(p) if p.is_empty() => {
            errs.push(FieldErr::required(path.child("concurrencyPolicy"), ""))
        }
        ConcurrencyPolicy::Other(p) => errs.push(FieldErr::not_supported(
            path.child("concurrencyPolicy"),
            p.as_str(),
            ConcurrencyPolicy::VALUES,
        )),
        _ => {}
    }
    // `ValidateJobTemplateSpec`: the Job spec, with a selector the
    // controller will generate.
    let jt = path.child("jobTemplate").child("spec");
    let job = &spec.job_template.spec;
    errs.extend(validate_job_spec_body(job, &jt));
    if let Some(sel) = &job.selector {
        errs.push(FieldErr::invalid(
            jt.child("selector"),
            selector_bad_value(Some(sel)),
            "`selector` will be auto-generated",
        ));
    }
    if job.manual_selector == Some(true) {
        errs.push(FieldErr::not_supported(
            jt.child("manualSelector"),
            BadValue::Bool(true),
            &["nil", "false"],
        ));
    }
    errs.extend(nonnegative_opt(
        &path.child("successfulJobsHistoryLimit"),
        spec.successful_jobs_history_limit.map(i64::from),
    ));
    errs.extend(nonnegative_opt(
        &path.child("failedJobsHistoryLimit"),
        spec.failed_jobs_history_limit.map(i64::from),
    ));
    errs
}

impl Resource for CronJob {
    const INFO: &'static ResourceInfo = &CRONJOB_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    fn set_defaults(&mut self) {
        default_cronjob(self);
    }

    fn prepare_for_create(&mut self) {
        self.status = CronJobStatus::default();
        self.metadata.generation = Some(1);
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        let old_gen = old.metadata.generation.unwrap_or(0);
        self.metadata.generation = Some(if self.spec != old.spec {
            old_gen + 1
        } else {
            old_gen
        });
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        errs.extend(validate_spec(&self.spec, None, &Path::root("spec")));
        let name = self.metadata.name();
        if name.len() > MAX_NAME_LENGTH {
            errs.push(FieldErr::invalid(
                Path::root("metadata").child("name"),
                name,
                "must be no more than 52 characters",
            ));
        }
        errs
    }

    /// Long names made before the limit existed stay updatable.
    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_spec(
            &self.spec,
            Some(&old.spec),
            &Path::root("spec"),
        ));
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::{decode_strict, Encode};
    use crate::api::corev1::RestartPolicy;
    use crate::syntax::Node;
    use crate::value::Value;

    /// The seed's `hello` CronJob.
    fn hello() -> CronJob {
        let mut tpl = template(&[]);
        tpl.spec.containers[0].image = "busybox".into();
        tpl.spec.restart_policy = RestartPolicy::OnFailure;
        let mut cj = CronJob {
            metadata: meta("hello"),
            spec: CronJobSpec {
                schedule: "*/1 * * * *".into(),
                job_template: JobTemplateSpec {
                    spec: JobSpec {
                        template: tpl,
                        ..Default::default()
                    },
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        };
        cj.set_defaults();
        cj
    }

    #[test]
    fn defaults_follow_set_defaults_cronjob() {
        let cj = hello();
        assert_eq!(cj.spec.concurrency_policy, ConcurrencyPolicy::Allow);
        assert_eq!(cj.spec.suspend, Some(false));
        assert_eq!(cj.spec.successful_jobs_history_limit, Some(3));
        assert_eq!(cj.spec.failed_jobs_history_limit, Some(1));
        // The Job template keeps its own fields unset.
        let job = &cj.spec.job_template.spec;
        assert_eq!(
            (job.completions, job.parallelism, job.backoff_limit),
            (None, None, None)
        );
        assert_eq!(job.template.spec.termination_grace_period_seconds, Some(30));
    }

    #[test]
    fn encode_shows_the_template_metadata_and_defaults() {
        let mut cj = hello();
        cj.prepare_for_create();
        let v = cj.encode();
        assert_eq!(
            v.pointer("spec.jobTemplate.metadata.creationTimestamp"),
            Some(&Value::Null)
        );
        assert_eq!(
            v.pointer("spec.concurrencyPolicy"),
            Some(&Value::String("Allow".into()))
        );
        assert_eq!(
            v.pointer("spec.schedule"),
            Some(&Value::String("*/1 * * * *".into()))
        );
        assert_eq!(v.get("status"), Some(&Value::object()));
        assert_eq!(v.pointer("spec.jobTemplate.spec.suspend"), None);
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut cj = hello();
        cj.spec.time_zone = Some("Etc/UTC".into());
        cj.spec.starting_deadline_seconds = Some(200);
        cj.spec.job_template.metadata.labels = labels(&[("app", "hello")]);
        cj.status = CronJobStatus {
            active: vec![ObjectReference {
                kind: "Job".into(),
                namespace: "default".into(),
                name: "hello-28401121".into(),
                uid: "u".into(),
                api_version: "batch/v1".into(),
                resource_version: "42".into(),
                field_path: String::new(),
            }],
            last_schedule_time: Some(Time(1_704_067_260)),
            last_successful_time: Some(Time(1_704_067_270)),
        };
        assert_eq!(round_trip(&cj), Ok(cj));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = hello().encode();
        set_path(
            &mut v,
            "spec.jobTemplate.spec.template.spec.restartPolicyy",
            Value::String("Never".into()),
        );
        let err = decode_strict::<CronJob>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"spec.jobTemplate.spec.template.spec.restartPolicyy\""
        );
    }

    #[test]
    fn job_names_count_minutes_since_the_epoch() {
        // 2024-01-01T00:01:00Z.
        assert_eq!(hello().job_name(Time(1_704_067_260)), "hello-28401121");
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut CronJob);
        let cases: [(&str, Edit, &str); 10] = [
            (
                "no schedule",
                |c| c.spec.schedule.clear(),
                "spec.schedule: Required value",
            ),
            (
                "a schedule with four fields",
                |c| c.spec.schedule = "* * * *".into(),
                "spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]",
            ),
            (
                "a time zone inside the schedule",
                |c| c.spec.schedule = "TZ=UTC 0 * * * *".into(),
                "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ),
            (
                "an unknown time zone",
                |c| c.spec.time_zone = Some("Mars/Olympus".into()),
                "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus",
            ),
            (
                "the local time zone",
                |c| c.spec.time_zone = Some("Local".into()),
                "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            ),
            (
                "an unknown concurrency policy",
                |c| c.spec.concurrency_policy = ConcurrencyPolicy::parse("Queue"),
                "spec.concurrencyPolicy: Unsupported value: \"Queue\": supported values: \"Allow\", \"Forbid\", \"Replace\"",
            ),
            (
                "a job template that restarts always",
                |c| c.spec.job_template.spec.template.spec.restart_policy = RestartPolicy::Always,
                "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"",
            ),
            (
                "a selector in the job template",
                |c| c.spec.job_template.spec.selector = Some(selector(&[("a", "b")])),
                "spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated",
            ),
            (
                "a manual selector in the job template",
                |c| c.spec.job_template.spec.manual_selector = Some(true),
                "spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: \"nil\", \"false\"",
            ),
            (
                "a name longer than 52 characters",
                |c| c.metadata.name = Some("a".repeat(53)),
                "metadata.name: Invalid value: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": must be no more than 52 characters",
            ),
        ];
        assert!(
            hello().validate().is_empty(),
            "{:?}",
            messages(&hello().validate())
        );
        for (name, edit, want) in cases {
            let mut c = hello();
            edit(&mut c);
            assert_has(name, &c.validate(), want);
        }
    }

    #[test]
    fn updates_skip_the_name_limit_and_keep_old_time_zones() {
        let mut old = hello();
        old.metadata.name = Some("a".repeat(60));
        old.spec.time_zone = Some("Asia/Not_A_Zone_x".into());
        old.prepare_for_create();
        let mut new = old.clone();
        new.spec.suspend = Some(true);
        new.prepare_for_update(&old);
        assert!(
            new.validate_update(&old).is_empty(),
            "{:?}",
            messages(&new.validate_update(&old))
        );
        assert_eq!(new.metadata.generation, Some(2));
        assert!(new.is_suspended());
    }
}
