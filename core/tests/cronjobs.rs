//! CronJobs on simulated time: one Job per schedule time, named after it,
//! with the concurrency policies, deadlines and history limits.

use std::rc::Rc;

use podlab_core::api::batch::cronjob::CronJob;
use podlab_core::api::batch::job::Job;
use podlab_core::api::corev1::Event;
use podlab_core::api::time::parse_rfc3339;
use podlab_core::apiserver::WriteOptions;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

fn cronjob(name: &str, spec: &str, script: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: {name}
spec:
  schedule: \"*/1 * * * *\"
{spec}  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: c
            image: busybox
            args: [\"/bin/sh\", \"-c\", \"{script}\"]
          restartPolicy: OnFailure
"
    )
}

fn cj(c: &Cluster, name: &str) -> Rc<CronJob> {
    c.api()
        .store
        .get::<CronJob>("default", name)
        .expect("cronjob")
        .clone()
}

fn jobs(c: &Cluster) -> Vec<Rc<Job>> {
    let mut v: Vec<Rc<Job>> = c
        .api()
        .store
        .table::<Job>()
        .iter_ns(Some("default"))
        .map(|(_, j)| j.clone())
        .collect();
    v.sort_by_key(|j| j.metadata.name().to_string());
    v
}

fn events(c: &Cluster, name: &str) -> Vec<(String, String)> {
    c.api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| e.clone())
        .filter(|e| e.involved_object.kind == "CronJob" && e.involved_object.name == name)
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect()
}

fn count(ev: &[(String, String)], reason: &str) -> usize {
    ev.iter().filter(|(r, _)| r == reason).count()
}

/// Seconds into the simulated minute.
fn seconds_into_minute(c: &Cluster) -> i64 {
    c.api().wall_millis().div_euclid(1000).rem_euclid(60)
}

/// Advances to `s` seconds after the next full minute.
fn advance_past_minute(c: &mut Cluster, s: i64) {
    let into = seconds_into_minute(c);
    c.advance_by((60 - into + s) * 1000);
}

#[test]
fn the_seeds_hello_cronjob_makes_a_job_per_minute_named_after_its_schedule() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &cronjob("hello", "", "date; echo Hello from the Kubernetes cluster"),
    );
    c.advance_by(150_000);
    let all = jobs(&c);
    assert!((2..=3).contains(&all.len()), "{} jobs", all.len());
    for j in &all {
        let stamp = j
            .metadata
            .annotation("batch.kubernetes.io/cronjob-scheduled-timestamp")
            .expect("scheduled timestamp");
        let scheduled = parse_rfc3339(stamp).expect("rfc3339") / 1000;
        assert_eq!(scheduled % 60, 0, "on the minute");
        assert_eq!(j.metadata.name(), format!("hello-{}", scheduled / 60));
        assert!(stamp.ends_with(":00Z"), "{stamp}");
        let owner = j.metadata.controller().expect("owner");
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("CronJob", "hello")
        );
        let created = j.metadata.creation_timestamp.expect("created").seconds();
        assert!((0..=1).contains(&(created - scheduled)), "created on time");
    }
    let done: Vec<&Rc<Job>> = all.iter().filter(|j| j.is_complete()).collect();
    assert!(done.len() >= 2);
    let status = cj(&c, "hello").status.clone();
    assert!(status.last_schedule_time.is_some());
    assert!(status.last_successful_time.is_some());
    let ev = events(&c, "hello");
    assert!(ev.contains(&(
        "SuccessfulCreate".into(),
        format!("Created job {}", all[0].metadata.name())
    )));
    assert!(ev.contains(&(
        "SawCompletedJob".into(),
        format!(
            "Saw completed job: {}, status: Complete",
            all[0].metadata.name()
        )
    )));
}

#[test]
fn only_the_newest_three_successful_jobs_are_kept() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &cronjob("keep", "", "true"));
    c.advance_by(6 * 60_000);
    let all = jobs(&c);
    assert_eq!(
        all.len(),
        3,
        "{:?}",
        all.iter().map(|j| j.metadata.name()).collect::<Vec<_>>()
    );
    let ev = events(&c, "keep");
    assert!(count(&ev, "SuccessfulDelete") >= 2);
    assert!(ev
        .iter()
        .any(|(r, m)| r == "SuccessfulDelete" && m.starts_with("Deleted job keep-")));
}

#[test]
fn forbid_skips_a_slot_while_a_job_runs_and_catches_up_after() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &cronjob("solo", "  concurrencyPolicy: Forbid\n", "sleep 90"),
    );
    advance_past_minute(&mut c, 5);
    assert_eq!(jobs(&c).len(), 1);
    advance_past_minute(&mut c, 5);
    assert_eq!(jobs(&c).len(), 1, "the second slot is skipped");
    let ev = events(&c, "solo");
    assert!(ev.contains(&(
        "JobAlreadyActive".into(),
        "Not starting job because prior execution is running and concurrency policy is Forbid"
            .into()
    )));
    // The first job ends ~95 s after its start; the skipped slot then runs
    // at once, before the next minute.
    c.advance_by(40_000);
    assert_eq!(jobs(&c).len(), 2);
    assert_eq!(cj(&c, "solo").status.active.len(), 1);
}

#[test]
fn replace_deletes_the_running_job_for_the_next_one() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &cronjob("swap", "  concurrencyPolicy: Replace\n", "sleep 600"),
    );
    advance_past_minute(&mut c, 5);
    let first = jobs(&c)[0].metadata.name().to_string();
    advance_past_minute(&mut c, 5);
    let ev = events(&c, "swap");
    assert!(ev.contains(&("SuccessfulDelete".into(), format!("Deleted job {first}"))));
    let status = cj(&c, "swap").status.clone();
    assert_eq!(status.active.len(), 1);
    assert_ne!(status.active[0].name, first);
}

#[test]
fn allow_runs_jobs_side_by_side() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &cronjob("many", "", "sleep 600"));
    advance_past_minute(&mut c, 5);
    advance_past_minute(&mut c, 5);
    advance_past_minute(&mut c, 5);
    assert_eq!(cj(&c, "many").status.active.len(), 3);
}

fn set_suspend(c: &mut Cluster, name: &str, on: bool) {
    let mut x = (*cj(c, name)).clone();
    x.spec.suspend = Some(on);
    c.api_mut()
        .update(x, &WriteOptions::default())
        .expect("updated");
}

#[test]
fn a_suspended_cronjob_starts_nothing() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &cronjob("paused", "  suspend: true\n", "true"));
    c.advance_by(180_000);
    assert!(jobs(&c).is_empty());
}

#[test]
fn a_slot_older_than_the_starting_deadline_is_skipped() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &cronjob(
            "late",
            "  suspend: true\n  startingDeadlineSeconds: 10\n",
            "true",
        ),
    );
    advance_past_minute(&mut c, 30);
    set_suspend(&mut c, "late", false);
    c.advance_by(1_000);
    // The deadline moves the earliest time considered past the slot 30 s
    // ago, so the slot is not even seen as missed (no MissSchedule).
    assert!(jobs(&c).is_empty());
    assert_eq!(count(&events(&c, "late"), "MissSchedule"), 0);
    advance_past_minute(&mut c, 2);
    assert_eq!(jobs(&c).len(), 1, "the next slot runs");
}

#[test]
fn more_than_a_hundred_missed_slots_warn_but_still_start_the_latest() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &cronjob("behind", "  suspend: true\n", "true"));
    c.advance_by(110 * 60_000);
    set_suspend(&mut c, "behind", false);
    c.advance_by(1_000);
    let ev = events(&c, "behind");
    assert_eq!(count(&ev, "TooManyMissedTimes"), 1);
    assert!(ev.contains(&(
        "TooManyMissedTimes".into(),
        "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into()
    )));
    assert_eq!(jobs(&c).len(), 1);
}

#[test]
fn the_scheduled_timestamp_is_written_in_the_time_zone() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &cronjob("zoned", "  timeZone: Asia/Shanghai\n", "true"),
    );
    advance_past_minute(&mut c, 5);
    let j = &jobs(&c)[0];
    let stamp = j
        .metadata
        .annotation("batch.kubernetes.io/cronjob-scheduled-timestamp")
        .expect("stamp");
    assert!(stamp.ends_with(":00+08:00"), "{stamp}");
    let scheduled = parse_rfc3339(stamp).expect("parses") / 1000;
    assert_eq!(j.metadata.name(), format!("zoned-{}", scheduled / 60));
}

#[test]
fn only_the_newest_failed_job_is_kept() {
    let mut c = Cluster::new(ClusterConfig::default());
    let yaml = cronjob("broken", "", "exit 1").replace(
        "  jobTemplate:\n    spec:\n",
        "  jobTemplate:\n    spec:\n      backoffLimit: 0\n",
    );
    apply(&mut c, &yaml);
    c.advance_by(4 * 60_000 + 30_000);
    let all = jobs(&c);
    assert_eq!(
        all.len(),
        1,
        "{:?}",
        all.iter().map(|j| j.metadata.name()).collect::<Vec<_>>()
    );
    assert!(all[0].is_failed());
    let ev = events(&c, "broken");
    assert!(count(&ev, "SuccessfulDelete") >= 2);
    assert!(ev.iter().any(|(r, m)| r == "SawCompletedJob"
        && m.starts_with("Saw completed job: broken-")
        && m.ends_with(", status: Failed")));
    let status = cj(&c, "broken").status.clone();
    assert_eq!(status.last_successful_time, None);
    assert!(status.active.is_empty());
}
