//! Jobs on simulated time: pods run to completion, failures back off and
//! count against the limits, and the terminal conditions follow v1.31.

use std::rc::Rc;

use podlab_core::api::batch::job::Job;
use podlab_core::api::corev1::{Event, Pod};
use podlab_core::apiserver::WriteOptions;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::apply;

fn job(c: &Cluster, name: &str) -> Rc<Job> {
    c.api()
        .store
        .get::<Job>("default", name)
        .expect("job exists")
        .clone()
}

/// The Job's pods, oldest first.
fn pods_of(c: &Cluster, name: &str) -> Vec<Rc<Pod>> {
    let mut pods: Vec<Rc<Pod>> = c
        .api()
        .store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .map(|(_, p)| p.clone())
        .filter(|p| p.metadata.label("job-name") == Some(name))
        .collect();
    pods.sort_by_key(|p| (p.metadata.creation_timestamp, p.name().to_string()));
    pods
}

fn events(c: &Cluster, kind: &str, name: &str) -> Vec<(String, String)> {
    c.api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| e.clone())
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect()
}

fn conditions(j: &Job) -> Vec<(String, String, String)> {
    j.status
        .conditions
        .iter()
        .map(|c| (c.type_.to_string(), c.status.to_string(), c.reason.clone()))
        .collect()
}

const PI: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
      restartPolicy: Never
  backoffLimit: 4
";

#[test]
fn the_docs_pi_job_runs_one_pod_to_completion() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, PI);
    c.advance_by(60_000);
    let j = job(&c, "pi");
    let pods = pods_of(&c, "pi");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].phase().as_str(), "Succeeded");
    assert!(
        pods[0].metadata.finalizers.is_empty(),
        "counted pods lose the finalizer"
    );
    assert_eq!(j.status.succeeded, 1);
    assert_eq!(
        conditions(&j),
        [
            (
                "SuccessCriteriaMet".into(),
                "True".into(),
                "CompletionsReached".into()
            ),
            (
                "Complete".into(),
                "True".into(),
                "CompletionsReached".into()
            ),
        ]
    );
    assert!(j.status.completion_time.is_some());
    assert_eq!(j.status.ready, Some(0));
    assert_eq!(j.status.terminating, Some(0));
    let ev = events(&c, "Job", "pi");
    assert_eq!(
        ev,
        [
            (
                "SuccessfulCreate".into(),
                format!("Created pod: {}", pods[0].name())
            ),
            ("Completed".into(), "Job completed".into()),
        ]
    );
}

fn failing_job(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra}  template:
    spec:
      containers:
      - name: c
        image: busybox
        command: [\"sh\", \"-c\", \"exit 1\"]
      restartPolicy: Never
"
    )
}

/// Seconds between one pod's failure and the next pod's creation.
fn recreation_gaps(pods: &[Rc<Pod>]) -> Vec<i64> {
    pods.windows(2)
        .map(|w| {
            let failed = w[0].status.container_statuses[0]
                .state
                .terminated
                .as_ref()
                .and_then(|t| t.finished_at)
                .expect("first pod finished")
                .seconds();
            let created = w[1].metadata.creation_timestamp.expect("created").seconds();
            created - failed
        })
        .collect()
}

#[test]
fn failed_pods_are_replaced_after_10_20_40_80_seconds_until_the_backoff_limit() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, &failing_job("fail", "  backoffLimit: 4\n"));
    c.advance_by(9_000);
    assert_eq!(
        pods_of(&c, "fail").len(),
        1,
        "the first replacement waits 10 s"
    );
    c.advance_by(191_000);
    let pods = pods_of(&c, "fail");
    assert_eq!(pods.len(), 5);
    for (gap, want) in recreation_gaps(&pods).into_iter().zip([10, 20, 40, 80]) {
        assert!(
            (want..=want + 3).contains(&gap),
            "gap {gap} s, want {want} s"
        );
    }
    let j = job(&c, "fail");
    assert_eq!(j.status.failed, 5);
    assert_eq!(j.status.completion_time, None);
    assert_eq!(
        conditions(&j),
        [
            (
                "FailureTarget".into(),
                "True".into(),
                "BackoffLimitExceeded".into()
            ),
            (
                "Failed".into(),
                "True".into(),
                "BackoffLimitExceeded".into()
            ),
        ]
    );
    let failed = j
        .condition(podlab_core::api::batch::job::JobConditionType::Failed)
        .expect("failed");
    assert_eq!(
        failed.message,
        "Job has reached the specified backoff limit"
    );
    let ev = events(&c, "Job", "fail");
    assert_eq!(
        ev.iter().filter(|(r, _)| r == "SuccessfulCreate").count(),
        5
    );
    assert!(ev.contains(&(
        "BackoffLimitExceeded".into(),
        "Job has reached the specified backoff limit".into()
    )));
    c.advance_by(200_000);
    assert_eq!(pods_of(&c, "fail").len(), 5, "no pod after the Job failed");
}

fn busy_job(name: &str, spec: &str, restart: &str, script: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{spec}  template:
    spec:
      containers:
      - name: c
        image: busybox
        command: [\"sh\", \"-c\", \"{script}\"]
      restartPolicy: {restart}
"
    )
}

fn condition_of(j: &Job, t: &str) -> Option<(String, String, String)> {
    conditions(j).into_iter().find(|(ty, _, _)| ty == t)
}

#[test]
fn with_on_failure_container_restarts_count_against_the_limit() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job("retry", "  backoffLimit: 2\n", "OnFailure", "exit 1"),
    );
    c.advance_by(120_000);
    let j = job(&c, "retry");
    assert_eq!(
        condition_of(&j, "Failed"),
        Some((
            "Failed".into(),
            "True".into(),
            "BackoffLimitExceeded".into()
        ))
    );
    assert!(
        pods_of(&c, "retry").is_empty() || pods_of(&c, "retry").iter().all(|p| p.is_terminal())
    );
    assert_eq!(j.status.active, 0);
}

#[test]
fn a_job_past_its_deadline_fails_once_its_pods_are_gone() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job(
            "slow",
            "  activeDeadlineSeconds: 10\n",
            "Never",
            "sleep 3600",
        ),
    );
    c.advance_by(12_000);
    let j = job(&c, "slow");
    assert_eq!(
        condition_of(&j, "FailureTarget"),
        Some((
            "FailureTarget".into(),
            "True".into(),
            "DeadlineExceeded".into()
        ))
    );
    assert_eq!(
        condition_of(&j, "Failed"),
        None,
        "the pod is still terminating"
    );
    assert_eq!(j.status.terminating, Some(1));
    let pods = pods_of(&c, "slow");
    assert!(pods[0].metadata.deletion_timestamp.is_some());
    // busybox's sh ignores SIGTERM: the pod goes after the 30 s grace period.
    c.advance_by(40_000);
    let j = job(&c, "slow");
    assert_eq!(
        condition_of(&j, "Failed"),
        Some(("Failed".into(), "True".into(), "DeadlineExceeded".into()))
    );
    assert_eq!(j.status.failed, 1);
    assert_eq!(j.status.terminating, Some(0));
    let ev = events(&c, "Job", "slow");
    assert!(ev.contains(&(
        "DeadlineExceeded".into(),
        "Job was active longer than specified deadline".into()
    )));
    assert!(ev
        .iter()
        .any(|(r, m)| r == "SuccessfulDelete" && m.starts_with("Deleted pod: slow-")));
}

#[test]
fn a_suspended_job_starts_no_pods_until_resumed() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job("later", "  suspend: true\n", "Never", "sleep 2"),
    );
    c.advance_by(5_000);
    let j = job(&c, "later");
    assert!(pods_of(&c, "later").is_empty());
    assert_eq!(j.status.start_time, None);
    assert_eq!(
        condition_of(&j, "Suspended"),
        Some(("Suspended".into(), "True".into(), "JobSuspended".into()))
    );
    let mut resumed = (*j).clone();
    resumed.spec.suspend = Some(false);
    c.api_mut()
        .update(resumed, &WriteOptions::default())
        .expect("resumed");
    c.advance_by(1_000);
    let j = job(&c, "later");
    assert_eq!(pods_of(&c, "later").len(), 1);
    assert!(j.status.start_time.is_some());
    assert_eq!(
        condition_of(&j, "Suspended"),
        Some(("Suspended".into(), "False".into(), "JobResumed".into()))
    );
    c.advance_by(20_000);
    assert!(job(&c, "later").is_complete());
    let ev = events(&c, "Job", "later");
    assert!(ev.contains(&("Suspended".into(), "Job suspended".into())));
    assert!(ev.contains(&("Resumed".into(), "Job resumed".into())));
}

#[test]
fn an_indexed_job_gives_each_pod_its_index() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job(
            "idx",
            "  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n",
            "Never",
            "echo $JOB_COMPLETION_INDEX; sleep 3",
        ),
    );
    c.advance_by(1_000);
    let pods = pods_of(&c, "idx");
    assert_eq!(pods.len(), 2, "parallelism 2");
    let mut seen: Vec<String> = Vec::new();
    for p in &pods {
        let ix = p
            .metadata
            .annotation("batch.kubernetes.io/job-completion-index")
            .expect("index annotation")
            .to_string();
        assert_eq!(
            p.metadata.label("batch.kubernetes.io/job-completion-index"),
            Some(ix.as_str())
        );
        assert!(p.name().starts_with(&format!("idx-{ix}-")), "{}", p.name());
        assert_eq!(p.spec.hostname, format!("idx-{ix}"));
        let env = &p.spec.containers[0].env;
        assert!(env.iter().any(|e| e.name == "JOB_COMPLETION_INDEX"));
        seen.push(ix);
    }
    seen.sort();
    assert_eq!(seen, ["0", "1"]);
    c.advance_by(30_000);
    let j = job(&c, "idx");
    assert_eq!(j.status.completed_indexes, "0-2");
    assert_eq!(j.status.succeeded, 3);
    assert!(j.is_complete());
}

#[test]
fn completions_run_in_waves_of_parallelism() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job(
            "waves",
            "  completions: 5\n  parallelism: 2\n",
            "Never",
            "sleep 5",
        ),
    );
    let mut most = 0;
    for _ in 0..60 {
        c.advance_by(1_000);
        let running = pods_of(&c, "waves")
            .iter()
            .filter(|p| !p.is_terminal())
            .count();
        most = most.max(running);
    }
    assert_eq!(most, 2);
    let j = job(&c, "waves");
    assert_eq!(j.status.succeeded, 5);
    assert_eq!(pods_of(&c, "waves").len(), 5);
    assert!(j.is_complete());
}

#[test]
fn a_work_queue_job_stops_starting_pods_after_the_first_success() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job("queue", "  parallelism: 3\n", "Never", "sleep 4"),
    );
    c.advance_by(30_000);
    let j = job(&c, "queue");
    assert_eq!(j.spec.completions, None);
    assert_eq!(pods_of(&c, "queue").len(), 3);
    assert_eq!(j.status.succeeded, 3);
    assert!(j.is_complete());
}

#[test]
fn a_fail_job_rule_fails_the_job_with_the_rule_message() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: c
        operator: In
        values: [42]
";
    apply(&mut c, &busy_job("policy", spec, "Never", "exit 42"));
    c.advance_by(15_000);
    let j = job(&c, "policy");
    let pod = pods_of(&c, "policy")[0].name().to_string();
    let failed = j
        .condition(podlab_core::api::batch::job::JobConditionType::Failed)
        .expect("failed");
    assert_eq!(failed.reason, "PodFailurePolicy");
    assert_eq!(
        failed.message,
        format!("Container c for pod default/{pod} failed with exit code 42 matching FailJob rule at index 0")
    );
    assert_eq!(pods_of(&c, "policy").len(), 1, "no retry");
}

#[test]
fn an_ignore_rule_does_not_count_the_failure() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: Ignore
      onExitCodes:
        operator: In
        values: [7]
";
    apply(&mut c, &busy_job("ignore", spec, "Never", "exit 7"));
    c.advance_by(30_000);
    let j = job(&c, "ignore");
    assert_eq!(j.status.failed, 0, "ignored failures are not counted");
    assert!(!j.is_finished());
    assert!(pods_of(&c, "ignore").len() >= 2, "the pod is replaced");
}

#[test]
fn per_index_backoff_fails_only_the_index() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  completions: 2
  parallelism: 2
  completionMode: Indexed
  backoffLimitPerIndex: 1
";
    apply(
        &mut c,
        &busy_job(
            "per",
            spec,
            "Never",
            "if [ $JOB_COMPLETION_INDEX = 1 ]; then exit 1; fi",
        ),
    );
    c.advance_by(90_000);
    let j = job(&c, "per");
    assert_eq!(j.status.completed_indexes, "0");
    assert_eq!(j.status.failed_indexes.as_deref(), Some("1"));
    assert_eq!(j.status.failed, 2, "index 1 failed twice");
    assert_eq!(
        condition_of(&j, "Failed"),
        Some(("Failed".into(), "True".into(), "FailedIndexes".into()))
    );
    let retried = pods_of(&c, "per")
        .into_iter()
        .filter(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                == Some("1")
        })
        .map(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-index-failure-count")
                .unwrap_or("")
                .to_string()
        })
        .collect::<Vec<_>>();
    assert_eq!(retried, ["0", "1"]);
}

#[test]
fn a_finished_job_with_a_ttl_is_deleted_in_the_foreground() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(
        &mut c,
        &busy_job("short", "  ttlSecondsAfterFinished: 5\n", "Never", "true"),
    );
    c.run_until(30_000, |c| job(c, "short").is_complete());
    let done = job(&c, "short")
        .condition(podlab_core::api::batch::job::JobConditionType::Complete)
        .and_then(|c| c.last_transition_time)
        .expect("complete");
    c.advance_by(3_000);
    assert!(job(&c, "short").metadata.deletion_timestamp.is_none());
    c.advance_by(4_000);
    let j = c.api().store.get::<Job>("default", "short").cloned();
    match j {
        None => {}
        Some(j) => {
            let deleted = j.metadata.deletion_timestamp.expect("being deleted");
            assert!((5..=6).contains(&(deleted.seconds() - done.seconds())));
            assert_eq!(j.metadata.finalizers, ["foregroundDeletion"]);
        }
    }
}

/// The completion indexes of a Job's pods, oldest pod first.
fn indexes_of(c: &Cluster, name: &str) -> Vec<String> {
    pods_of(c, name)
        .iter()
        .map(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

#[test]
fn a_fail_index_rule_fails_the_index_without_retrying_it() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  completions: 3
  parallelism: 3
  completionMode: Indexed
  backoffLimitPerIndex: 5
  podFailurePolicy:
    rules:
    - action: FailIndex
      onExitCodes:
        operator: In
        values: [3]
";
    apply(
        &mut c,
        &busy_job(
            "failix",
            spec,
            "Never",
            "if [ $JOB_COMPLETION_INDEX = 1 ]; then exit 3; fi; sleep 2",
        ),
    );
    c.advance_by(30_000);
    let j = job(&c, "failix");
    assert_eq!(j.status.completed_indexes, "0,2");
    assert_eq!(j.status.failed_indexes.as_deref(), Some("1"));
    assert_eq!(j.status.failed, 1);
    let mut ix = indexes_of(&c, "failix");
    ix.sort();
    assert_eq!(ix, ["0", "1", "2"], "index 1 is not retried");
    let failed = j
        .condition(podlab_core::api::batch::job::JobConditionType::Failed)
        .expect("failed");
    assert_eq!(
        (failed.reason.as_str(), failed.message.as_str()),
        ("FailedIndexes", "Job has failed indexes")
    );
}

#[test]
fn more_failed_indexes_than_allowed_fail_the_job_and_stop_the_rest() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  completions: 4
  parallelism: 4
  completionMode: Indexed
  backoffLimitPerIndex: 0
  maxFailedIndexes: 1
";
    apply(
        &mut c,
        &busy_job(
            "maxfail",
            spec,
            "Never",
            "case $JOB_COMPLETION_INDEX in 1|2) exit 1;; esac; sleep 3600",
        ),
    );
    c.advance_by(10_000);
    let j = job(&c, "maxfail");
    assert_eq!(j.status.failed_indexes.as_deref(), Some("1,2"));
    assert_eq!(
        condition_of(&j, "FailureTarget"),
        Some((
            "FailureTarget".into(),
            "True".into(),
            "MaxFailedIndexesExceeded".into()
        ))
    );
    assert_eq!(
        condition_of(&j, "Failed"),
        None,
        "the sleeping pods are still terminating"
    );
    c.advance_by(60_000);
    let j = job(&c, "maxfail");
    let failed = j
        .condition(podlab_core::api::batch::job::JobConditionType::Failed)
        .expect("failed");
    assert_eq!(
        (failed.reason.as_str(), failed.message.as_str()),
        (
            "MaxFailedIndexesExceeded",
            "Job has exceeded the specified maximal number of failed indexes"
        )
    );
    assert_eq!(j.status.active, 0);
    assert_eq!(j.status.terminating, Some(0));
    let mut left = indexes_of(&c, "maxfail");
    left.sort();
    assert_eq!(
        left,
        ["1", "2"],
        "the failed pods stay, the rest are deleted"
    );
}

#[test]
fn a_count_rule_counts_the_failure_against_the_backoff_limit() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  backoffLimit: 1
  podFailurePolicy:
    rules:
    - action: Count
      onExitCodes:
        operator: In
        values: [5]
";
    apply(&mut c, &busy_job("counted", spec, "Never", "exit 5"));
    c.advance_by(60_000);
    let j = job(&c, "counted");
    assert_eq!(j.status.failed, 2);
    assert_eq!(pods_of(&c, "counted").len(), 2);
    assert_eq!(
        condition_of(&j, "Failed"),
        Some((
            "Failed".into(),
            "True".into(),
            "BackoffLimitExceeded".into()
        ))
    );
}

#[test]
fn a_success_policy_completes_the_job_once_its_indexes_succeed() {
    let mut c = Cluster::new(ClusterConfig::default());
    let spec = "  completions: 3
  parallelism: 3
  completionMode: Indexed
  successPolicy:
    rules:
    - succeededIndexes: \"0\"
";
    apply(
        &mut c,
        &busy_job(
            "leader",
            spec,
            "Never",
            "if [ $JOB_COMPLETION_INDEX = 0 ]; then exit 0; fi; sleep 3600",
        ),
    );
    c.advance_by(10_000);
    let j = job(&c, "leader");
    let met = j
        .condition(podlab_core::api::batch::job::JobConditionType::SuccessCriteriaMet)
        .expect("criteria met");
    assert_eq!(
        (met.reason.as_str(), met.message.as_str()),
        ("SuccessPolicy", "Matched rules at index 0")
    );
    assert!(!j.is_complete(), "the other pods are still terminating");
    assert_eq!(j.status.completed_indexes, "0");
    c.advance_by(60_000);
    let j = job(&c, "leader");
    let done = j
        .condition(podlab_core::api::batch::job::JobConditionType::Complete)
        .expect("complete");
    assert_eq!(
        (done.reason.as_str(), done.message.as_str()),
        ("SuccessPolicy", "Matched rules at index 0")
    );
    assert_eq!(j.status.succeeded, 1);
    assert_eq!(j.status.active, 0);
    assert_eq!(
        indexes_of(&c, "leader"),
        ["0"],
        "the succeeded pod stays, the rest are deleted"
    );
}
