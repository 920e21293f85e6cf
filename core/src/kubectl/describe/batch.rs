//! Jobs and CronJobs.

use super::pod::{describe_pod_template, time_rfc1123z};
use super::{annotations_multiline, controlled_by, events_section, labels_multiline, Doc};
use crate::api::batch::{CronJob, Job, JobTemplateSpec};
use crate::api::corev1::Event;
use crate::api::time::human_duration;
use crate::kubectl::table::format::{selector_string, title_bool_ptr};

/// `capIndexesListOrNone`: the completed indexes, cut after the first
/// comma past 50 characters.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    match indexes
        .as_bytes()
        .iter()
        .skip(soft_limit)
        .position(|&b| b == b',')
    {
        Some(i) => format!("{}...", &indexes[..soft_limit + i + 1]),
        None => indexes.to_string(),
    }
}

/// `kubectl describe job`.
pub fn describe_job(job: &Job, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = &job.metadata;
    let spec = &job.spec;
    let st = &job.status;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    match selector_string(spec.selector.as_ref()) {
        Some(s) => w.write(0, &format!("Selector:\t{s}\n")),
        None => w.write(0, "Selector:\tFailed to get selector: invalid selector\n"),
    }
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    if let Some(c) = controlled_by(meta) {
        w.write(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = spec.parallelism {
        w.write(0, &format!("Parallelism:\t{p}\n"));
    }
    match spec.completions {
        Some(c) => w.write(0, &format!("Completions:\t{c}\n")),
        None => w.write(0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = &spec.completion_mode {
        w.write(0, &format!("Completion Mode:\t{}\n", m.as_str()));
    }
    if let Some(s) = spec.suspend {
        w.write(0, &format!("Suspend:\t{s}\n"));
    }
    if let Some(b) = spec.backoff_limit {
        w.write(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec.ttl_seconds_after_finished {
        w.write(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if let Some(t) = st.start_time {
        w.write(0, &format!("Start Time:\t{}\n", time_rfc1123z(Some(t))));
    }
    if let Some(t) = st.completion_time {
        w.write(0, &format!("Completed At:\t{}\n", time_rfc1123z(Some(t))));
    }
    if let (Some(start), Some(done)) = (st.start_time, st.completion_time) {
        w.write(
            0,
            &format!(
                "Duration:\t{}\n",
                human_duration(done.seconds() - start.seconds())
            ),
        );
    }
    if let Some(a) = spec.active_deadline_seconds {
        w.write(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    match st.ready {
        None => w.write(
            0,
            &format!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                st.active, st.succeeded, st.failed
            ),
        ),
        Some(r) => w.write(
            0,
            &format!(
                "Pods Statuses:\t{} Active ({r} Ready) / {} Succeeded / {} Failed\n",
                st.active, st.succeeded, st.failed
            ),
        ),
    }
    if spec
        .completion_mode
        .as_ref()
        .is_some_and(|m| m.as_str() == "Indexed")
    {
        w.write(
            0,
            &format!(
                "Completed Indexes:\t{}\n",
                cap_indexes(&st.completed_indexes, 50)
            ),
        );
    }
    describe_pod_template(&mut w, &spec.template);
    events_section(&mut w, events, now_ms);
    w.finish()
}

fn describe_job_template(w: &mut Doc, t: &JobTemplateSpec) {
    let spec = &t.spec;
    match &spec.selector {
        Some(sel) => match selector_string(Some(sel)) {
            Some(s) => w.write(0, &format!("Selector:\t{s}\n")),
            None => w.write(0, "Selector:\tFailed to get selector: invalid selector\n"),
        },
        None => w.write(0, "Selector:\t<unset>\n"),
    }
    match spec.parallelism {
        Some(p) => w.write(0, &format!("Parallelism:\t{p}\n")),
        None => w.write(0, "Parallelism:\t<unset>\n"),
    }
    match spec.completions {
        Some(c) => w.write(0, &format!("Completions:\t{c}\n")),
        None => w.write(0, "Completions:\t<unset>\n"),
    }
    if let Some(a) = spec.active_deadline_seconds {
        w.write(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    describe_pod_template(w, &spec.template);
}

/// `kubectl describe cronjob`.
pub fn describe_cron_job(cj: &CronJob, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = &cj.metadata;
    let spec = &cj.spec;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(0, &format!("Schedule:\t{}\n", spec.schedule));
    w.write(
        0,
        &format!(
            "Concurrency Policy:\t{}\n",
            spec.concurrency_policy.as_str()
        ),
    );
    w.write(0, &format!("Suspend:\t{}\n", title_bool_ptr(spec.suspend)));
    let or_unset = |v: Option<i64>, suffix: &str| match v {
        Some(n) => format!("{n}{suffix}"),
        None => "<unset>".to_string(),
    };
    w.write(
        0,
        &format!(
            "Successful Job History Limit:\t{}\n",
            or_unset(spec.successful_jobs_history_limit.map(i64::from), "")
        ),
    );
    w.write(
        0,
        &format!(
            "Failed Job History Limit:\t{}\n",
            or_unset(spec.failed_jobs_history_limit.map(i64::from), "")
        ),
    );
    w.write(
        0,
        &format!(
            "Starting Deadline Seconds:\t{}\n",
            or_unset(spec.starting_deadline_seconds, "s")
        ),
    );
    describe_job_template(&mut w, &spec.job_template);
    match cj.status.last_schedule_time {
        Some(t) => w.write(
            0,
            &format!("Last Schedule Time:\t{}\n", time_rfc1123z(Some(t))),
        ),
        None => w.write(0, "Last Schedule Time:\t<unset>\n"),
    }
    w.write(0, "Active Jobs:\t");
    if cj.status.active.is_empty() {
        w.line("<none>");
    } else {
        let names: Vec<&str> = cj.status.active.iter().map(|j| j.name.as_str()).collect();
        w.write(0, &names.join(", "));
        w.line("");
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}
