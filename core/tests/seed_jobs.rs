//! The syllabus's Job and CronJob examples: one pod to completion, fixed
//! completions with parallelism, jobs expanded from a template, an image
//! that does not exist, and CronJobs (including the removed
//! batch/v1beta1 and `kubectl run --schedule`).

mod seed_support;

use seed_support::{apply, jsonpath, row, session, sh, wait};

const BATCH_JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: batch-job
spec:
  template:
    metadata:
      labels:
        app: batch-job
    spec:
      restartPolicy: OnFailure
      containers:
        - name: main
          image: idealism/batch-job
";

/// 004, "Job 运行一个 pod": the image sleeps two minutes between its two
/// lines; the Job shows Running 0/1, then Complete 1/1 after about 2m.
#[test]
fn the_batch_job_runs_one_pod_for_two_minutes_then_completes() {
    let mut s = session();
    s.add_file("batch-job.yaml", BATCH_JOB.as_bytes());
    assert_eq!(
        sh(&mut s, "kubectl create -f batch-job.yaml"),
        "job.batch/batch-job created\n"
    );
    wait(&mut s, 10);
    let jobs = sh(&mut s, "kubectl get jobs");
    assert_eq!(row(&jobs, "batch-job")[1..3], ["Running", "0/1"], "{jobs}");
    let pod = jsonpath(&mut s, "pods -l app=batch-job", "{.items[0].metadata.name}");
    assert!(
        pod.starts_with("batch-job-") && pod.len() == "batch-job-".len() + 5,
        "{pod}"
    );
    let pods = sh(&mut s, "kubectl get pods");
    assert_eq!(row(&pods, &pod)[1..3], ["1/1", "Running"], "{pods}");
    wait(&mut s, 120);
    let pods = sh(&mut s, "kubectl get pods");
    assert_eq!(row(&pods, &pod)[1..3], ["0/1", "Completed"], "{pods}");
    let jobs = sh(&mut s, "kubectl get jobs");
    let cols = row(&jobs, "batch-job");
    assert_eq!(cols[1..3], ["Complete", "1/1"], "{jobs}");
    assert!(cols[3].starts_with("2m"), "{jobs}");
    let log = sh(&mut s, &format!("kubectl logs {pod}"));
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() == 2, "{log}");
    assert!(lines[0].ends_with(" UTC 2026 Batch job starting"), "{log}");
    assert!(
        lines[1].ends_with(" UTC 2026 Finished succesfully"),
        "{log}"
    );
}

/// 004, "在 Job 中运行多个 pod 实例": five completions, two at a time; each
/// pod takes two minutes, so three waves: about six minutes in all.
#[test]
fn five_completions_run_two_pods_at_a_time() {
    let mut s = session();
    let yaml = BATCH_JOB
        .replace(
            "name: batch-job\n",
            "name: multi-completion-parallel-batch-job\n",
        )
        .replace(
            "spec:\n  template:",
            "spec:\n  completions: 5\n  parallelism: 2\n  template:",
        );
    s.add_file("multi-completion-parallel-batch-job.yaml", yaml.as_bytes());
    sh(
        &mut s,
        "kubectl create -f multi-completion-parallel-batch-job.yaml",
    );
    let mut most_running = 0;
    for _ in 0..40 {
        wait(&mut s, 10);
        let running = sh(
            &mut s,
            "kubectl get pods --field-selector=status.phase=Running -o name",
        );
        most_running = most_running.max(running.lines().count());
    }
    assert_eq!(most_running, 2);
    let jobs = sh(
        &mut s,
        "kubectl get job multi-completion-parallel-batch-job",
    );
    let cols = row(&jobs, "multi-completion-parallel-batch-job");
    assert_eq!(cols[1..3], ["Complete", "5/5"], "{jobs}");
    assert!(cols[3].starts_with("6m"), "{jobs}");
    let done = sh(
        &mut s,
        "kubectl get pods --field-selector=status.phase=Succeeded -o name",
    );
    assert_eq!(done.lines().count(), 5, "{done}");
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
        image: resouer/ubuntu-bc
        command: [\"sh\", \"-c\", \"echo 'scale=10000; 4*a(1)' | bc -l \"]
      restartPolicy: Never
  backoffLimit: 4
";

/// 000 and 001, "Job": bc computes pi to 10000 places; the Job completes
/// and its pod's log starts with the digits, wrapped as bc wraps them.
#[test]
fn the_pi_job_prints_ten_thousand_digits_with_bc() {
    let mut s = session();
    apply(&mut s, "job.yaml", PI);
    wait(&mut s, 240);
    assert_eq!(
        jsonpath(
            &mut s,
            "job pi",
            "{.status.succeeded} {.status.conditions[?(@.type==\"Complete\")].status}"
        ),
        "1 True"
    );
    let log = sh(&mut s, "kubectl logs job/pi");
    assert!(
        log.starts_with("3.141592653589793238462643383279502884197169399375105820974944592307\\\n"),
        "{}",
        &log[..log.len().min(200)]
    );
    let described = sh(&mut s, "kubectl describe jobs/pi");
    assert!(described.contains("Backoff Limit:    4\n"), "{described}");
    assert!(
        described.contains("Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed\n"),
        "{described}"
    );
}

const JOB_TEMPLATE: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: process-item-$ITEM
  labels:
    jobgroup: jobexample
spec:
  template:
    metadata:
      name: jobexample
      labels:
        jobgroup: jobexample
    spec:
      containers:
      - name: c
        image: busybox
        command: [\"sh\", \"-c\", \"echo Processing item $ITEM && sleep 5\"]
      restartPolicy: Never
";

/// 000, "外部管理器 + Job 模板" (001 too): one Job per item from a
/// template expanded with sed; all carry the jobgroup label.
#[test]
fn jobs_expanded_from_a_template_each_process_their_item() {
    let mut s = session();
    s.add_file("job-tmpl.yaml", JOB_TEMPLATE.as_bytes());
    sh(&mut s, "mkdir ./jobs");
    sh(
        &mut s,
        "for i in apple banana cherry; do cat job-tmpl.yaml | sed \"s/\\$ITEM/$i/\" > ./jobs/job-$i.yaml; done",
    );
    assert_eq!(
        sh(&mut s, "kubectl create -f ./jobs"),
        "job.batch/process-item-apple created\njob.batch/process-item-banana created\njob.batch/process-item-cherry created\n"
    );
    wait(&mut s, 20);
    let jobs = sh(&mut s, "kubectl get jobs -l jobgroup=jobexample");
    for item in ["apple", "banana", "cherry"] {
        let name = format!("process-item-{item}");
        assert_eq!(row(&jobs, &name)[1..3], ["Complete", "1/1"], "{jobs}");
        let log = sh(&mut s, &format!("kubectl logs job/{name}"));
        assert_eq!(log, format!("Processing item {item}\n"));
    }
}

/// 000 and 001, "固定任务数目的并行 Job": the work-queue image
/// `myrepo/job-wq-1` is a placeholder that does not exist on Docker Hub;
/// its pods fail to pull, two at a time.
#[test]
fn the_work_queue_job_image_does_not_exist() {
    let mut s = session();
    apply(
        &mut s,
        "job.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: job-wq-1\nspec:\n  completions: 8\n  parallelism: 2\n  template:\n    metadata:\n      name: job-wq-1\n    spec:\n      containers:\n      - name: c\n        image: myrepo/job-wq-1\n        env:\n        - name: BROKER_URL\n          value: amqp://guest:guest@rabbitmq-service:5672\n        - name: QUEUE\n          value: job1\n      restartPolicy: OnFailure\n",
    );
    wait(&mut s, 5);
    let pods = sh(&mut s, "kubectl get pods -l job-name=job-wq-1");
    assert_eq!(
        pods.lines().filter(|l| l.contains("ErrImagePull")).count(),
        2,
        "{pods}"
    );
    let message = jsonpath(
        &mut s,
        "pods -l job-name=job-wq-1",
        "{.items[0].status.containerStatuses[0].state.waiting.message}",
    );
    assert!(
        message.ends_with("failed to resolve reference \"docker.io/myrepo/job-wq-1:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"),
        "{message}"
    );
}

const HELLO_V1BETA1: &str = "apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: \"*/1 * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox
            args:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
";

/// 000 and 002, "CronJob": batch/v1beta1 is gone since v1.25 and
/// `kubectl run --schedule` since long before; batch/v1 runs a Job every
/// minute and keeps the last three successful ones.
#[test]
fn the_hello_cron_job_needs_batch_v1_and_keeps_three_jobs() {
    let mut s = session();
    s.add_file("cronjob.yaml", HELLO_V1BETA1.as_bytes());
    assert_eq!(
        sh(&mut s, "kubectl create -f cronjob.yaml"),
        "error: resource mapping not found for name: \"hello\" namespace: \"\" from \"cronjob.yaml\": no matches for kind \"CronJob\" in version \"batch/v1beta1\"\nensure CRDs are installed first\n"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl run hello --schedule=\"*/1 * * * *\" --restart=OnFailure --image=busybox -- /bin/sh -c \"date; echo Hello from the Kubernetes cluster\""
        ),
        "error: unknown flag: --schedule\nSee 'kubectl run --help' for usage.\n"
    );
    s.add_file(
        "cronjob.yaml",
        HELLO_V1BETA1
            .replace("batch/v1beta1", "batch/v1")
            .as_bytes(),
    );
    assert_eq!(
        sh(&mut s, "kubectl create -f cronjob.yaml"),
        "cronjob.batch/hello created\n"
    );
    wait(&mut s, 300);
    let jobs = jsonpath(&mut s, "jobs", "{.items[*].metadata.name}");
    let names: Vec<&str> = jobs.split(' ').collect();
    assert_eq!(names.len(), 3, "{jobs}");
    // Job names are the scheduled time in minutes since the epoch.
    for w in names.windows(2) {
        let a: u64 = w[0].trim_start_matches("hello-").parse().unwrap_or(0);
        let b: u64 = w[1].trim_start_matches("hello-").parse().unwrap_or(0);
        assert_eq!(b, a + 1, "{jobs}");
    }
    let log = sh(&mut s, &format!("kubectl logs job/{}", names[2]));
    assert!(
        log.ends_with(" UTC 2026\nHello from the Kubernetes cluster\n"),
        "{log}"
    );
    let cj = sh(&mut s, "kubectl get cronjob hello");
    assert_eq!(row(&cj, "hello")[1..6], ["*/1", "*", "*", "*", "*"], "{cj}");
}
