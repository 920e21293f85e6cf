//! Golden tests of the table printers. Expected text is written by hand
//! from upstream's cell formulas (kube-apiserver `printers.go`, cli-runtime
//! `tableprinter.go`) and checked against sample output on kubernetes.io
//! where a page shows one (cited per case).

use super::test_support::{at, decode, now, object};
use super::*;
use crate::api::apps::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::api::batch::{CronJob, Job};
use crate::api::corev1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    Secret, Service, ServiceAccount,
};
use crate::api::discovery::EndpointSlice;
use crate::api::storagev1::StorageClass;

const ONE_CONTAINER: &str = r#"{"containers":[{"name":"app","image":"busybox"}]}"#;
const TWO_CONTAINERS: &str =
    r#"{"containers":[{"name":"a","image":"busybox"},{"name":"b","image":"busybox"}]}"#;
const TWO_INIT: &str = r#"{"initContainers":[{"name":"init-myservice","image":"busybox:1.28"},{"name":"init-mydb","image":"busybox:1.28"}],"containers":[{"name":"myapp","image":"busybox:1.28"}]}"#;
const SIDECAR: &str = r#"{"initContainers":[{"name":"log","image":"busybox","restartPolicy":"Always"}],"containers":[{"name":"app","image":"nginx"}]}"#;

fn pod(spec: &str, status: &str, deleted: bool) -> Pod {
    let deletion = if deleted {
        r#","deletionTimestamp":"2026-01-05T09:10:47Z","deletionGracePeriodSeconds":30"#
    } else {
        ""
    };
    decode(&format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z"{deletion}}},"spec":{spec},"status":{status}}}"#
    ))
}

/// A container status; `state` and `last` are JSON objects.
fn cs(name: &str, ready: bool, restarts: i32, state: &str, last: &str) -> String {
    format!(
        r#"{{"name":"{name}","ready":{ready},"restartCount":{restarts},"image":"busybox","imageID":"","state":{state},"lastState":{last}}}"#
    )
}

const RUNNING: &str = r#"{"running":{"startedAt":"2026-01-05T09:00:20Z"}}"#;
const NONE: &str = "{}";
const LAST_ERROR: &str = r#"{"terminated":{"exitCode":1,"reason":"Error","startedAt":"2026-01-05T09:08:13Z","finishedAt":"2026-01-05T09:08:14Z"}}"#;

fn status(phase: &str, init: &[String], app: &[String], extra: &str) -> String {
    format!(
        r#"{{"phase":"{phase}","initContainerStatuses":[{}],"containerStatuses":[{}]{extra}}}"#,
        init.join(","),
        app.join(",")
    )
}

#[test]
fn pod_status_column_follows_print_pod() {
    let waiting = |r: &str| format!(r#"{{"waiting":{{"reason":"{r}"}}}}"#);
    let terminated = |code: i32, reason: &str, signal: i32| {
        format!(
            r#"{{"terminated":{{"exitCode":{code},"signal":{signal},"reason":"{reason}","startedAt":"2026-01-05T09:00:20Z","finishedAt":"2026-01-05T09:01:20Z"}}}}"#
        )
    };
    let ready_true = r#","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}]"#;
    let ready_false = r#","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"False"}]"#;
    let cases: Vec<(&str, &str, String, bool, [&str; 3])> = vec![
        (
            "a pod nobody has scheduled is Pending",
            ONE_CONTAINER,
            r#"{"phase":"Pending"}"#.into(),
            false,
            ["0/1", "Pending", "0"],
        ),
        (
            "a scheduling gate shows as SchedulingGated",
            ONE_CONTAINER,
            r#"{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}"#.into(),
            false,
            ["0/1", "SchedulingGated", "0"],
        ),
        (
            "a container being created shows its waiting reason",
            ONE_CONTAINER,
            status("Pending", &[], &[cs("app", false, 0, &waiting("ContainerCreating"), NONE)], ""),
            false,
            ["0/1", "ContainerCreating", "0"],
        ),
        (
            "a running ready container is Running",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", true, 0, RUNNING, NONE)], ready_true),
            false,
            ["1/1", "Running", "0"],
        ),
        (
            "a running container failing readiness is Running but not ready",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", false, 0, RUNNING, NONE)], ready_false),
            false,
            ["0/1", "Running", "0"],
        ),
        (
            "a crash loop shows restarts and the time of the last exit",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", false, 5, &waiting("CrashLoopBackOff"), LAST_ERROR)], ready_false),
            false,
            ["0/1", "CrashLoopBackOff", "5 (2m3s ago)"],
        ),
        (
            "restarts without a last termination time print bare",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", true, 2, RUNNING, NONE)], ready_true),
            false,
            ["1/1", "Running", "2"],
        ),
        (
            "an image that cannot be pulled",
            ONE_CONTAINER,
            status("Pending", &[], &[cs("app", false, 0, &waiting("ErrImagePull"), NONE)], ""),
            false,
            ["0/1", "ErrImagePull", "0"],
        ),
        (
            "an image pull in back-off",
            ONE_CONTAINER,
            status("Pending", &[], &[cs("app", false, 0, &waiting("ImagePullBackOff"), NONE)], ""),
            false,
            ["0/1", "ImagePullBackOff", "0"],
        ),
        (
            "a container that exited 0 is Completed",
            ONE_CONTAINER,
            status("Succeeded", &[], &[cs("app", false, 0, &terminated(0, "Completed", 0), NONE)], ""),
            false,
            ["0/1", "Completed", "0"],
        ),
        (
            "a container that failed is Error",
            ONE_CONTAINER,
            status("Failed", &[], &[cs("app", false, 0, &terminated(1, "Error", 0), NONE)], ""),
            false,
            ["0/1", "Error", "0"],
        ),
        (
            "an out-of-memory kill",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", false, 0, &terminated(137, "OOMKilled", 0), NONE)], ""),
            false,
            ["0/1", "OOMKilled", "0"],
        ),
        (
            "a termination without reason shows the exit code",
            ONE_CONTAINER,
            status("Failed", &[], &[cs("app", false, 0, &terminated(2, "", 0), NONE)], ""),
            false,
            ["0/1", "ExitCode:2", "0"],
        ),
        (
            "a termination by signal without reason shows the signal",
            ONE_CONTAINER,
            status("Failed", &[], &[cs("app", false, 0, &terminated(137, "", 9), NONE)], ""),
            false,
            ["0/1", "Signal:9", "0"],
        ),
        (
            "an evicted pod keeps the pod's reason",
            ONE_CONTAINER,
            r#"{"phase":"Failed","reason":"Evicted","message":"The node was low on resource: memory."}"#.into(),
            false,
            ["0/1", "Evicted", "0"],
        ),
        (
            "the first init container still running gives Init:0/2",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 0, RUNNING, NONE), cs("init-mydb", false, 0, &waiting("PodInitializing"), NONE)],
                &[cs("myapp", false, 0, &waiting("PodInitializing"), NONE)],
                "",
            ),
            false,
            ["0/1", "Init:0/2", "0"],
        ),
        (
            "after the first init container finishes, Init:1/2",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 0, &terminated(0, "Completed", 0), NONE), cs("init-mydb", false, 0, RUNNING, NONE)],
                &[cs("myapp", false, 0, &waiting("PodInitializing"), NONE)],
                "",
            ),
            false,
            ["0/1", "Init:1/2", "0"],
        ),
        (
            "a crash-looping init container shows Init: and its restarts",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 3, &waiting("CrashLoopBackOff"), LAST_ERROR), cs("init-mydb", false, 0, &waiting("PodInitializing"), NONE)],
                &[cs("myapp", false, 0, &waiting("PodInitializing"), NONE)],
                "",
            ),
            false,
            ["0/1", "Init:CrashLoopBackOff", "3 (2m3s ago)"],
        ),
        (
            "a failed init container shows Init:Error",
            TWO_INIT,
            status(
                "Failed",
                &[cs("init-myservice", false, 0, &terminated(1, "Error", 0), NONE)],
                &[cs("myapp", false, 0, &waiting("PodInitializing"), NONE)],
                "",
            ),
            false,
            ["0/1", "Init:Error", "0"],
        ),
        (
            "a failed init container without reason shows its exit code",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 0, &terminated(3, "", 0), NONE)],
                &[],
                "",
            ),
            false,
            ["0/1", "Init:ExitCode:3", "0"],
        ),
        (
            "an init container killed by a signal without reason",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 0, &terminated(143, "", 15), NONE)],
                &[],
                "",
            ),
            false,
            ["0/1", "Init:Signal:15", "0"],
        ),
        (
            "once init containers are done the app container's reason shows",
            TWO_INIT,
            status(
                "Pending",
                &[cs("init-myservice", false, 0, &terminated(0, "Completed", 0), NONE), cs("init-mydb", false, 0, &terminated(0, "Completed", 0), NONE)],
                &[cs("myapp", false, 0, &waiting("PodInitializing"), NONE)],
                r#","conditions":[{"type":"Initialized","status":"True"}]"#,
            ),
            false,
            ["0/1", "PodInitializing", "0"],
        ),
        (
            "a running sidecar counts towards ready and total",
            SIDECAR,
            format!(
                r#"{{"phase":"Running","initContainerStatuses":[{}],"containerStatuses":[{}]{ready_true}}}"#,
                cs("log", true, 0, RUNNING, NONE).replace(r#""ready":true"#, r#""ready":true,"started":true"#),
                cs("app", true, 0, RUNNING, NONE)
            ),
            false,
            ["2/2", "Running", "0"],
        ),
        (
            "one container completed next to a running one reads Running when the pod is ready",
            TWO_CONTAINERS,
            status("Running", &[], &[cs("a", false, 0, &terminated(0, "Completed", 0), NONE), cs("b", true, 0, RUNNING, NONE)], ready_true),
            false,
            ["1/2", "Running", "0"],
        ),
        (
            "and NotReady when it is not",
            TWO_CONTAINERS,
            status("Running", &[], &[cs("a", false, 0, &terminated(0, "Completed", 0), NONE), cs("b", true, 0, RUNNING, NONE)], ready_false),
            false,
            ["1/2", "NotReady", "0"],
        ),
        (
            "the first container's state wins: Completed before Error",
            TWO_CONTAINERS,
            status("Failed", &[], &[cs("a", false, 0, &terminated(0, "Completed", 0), NONE), cs("b", false, 0, &terminated(1, "Error", 0), NONE)], ""),
            false,
            ["0/2", "Completed", "0"],
        ),
        (
            "a pod being deleted is Terminating",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", true, 0, RUNNING, NONE)], ready_true),
            true,
            ["1/1", "Terminating", "0"],
        ),
        (
            "a finished pod being deleted keeps its status",
            ONE_CONTAINER,
            status("Succeeded", &[], &[cs("app", false, 0, &terminated(0, "Completed", 0), NONE)], ""),
            true,
            ["0/1", "Completed", "0"],
        ),
        (
            "a pod deleted on a lost node is Unknown",
            ONE_CONTAINER,
            status("Running", &[], &[cs("app", true, 0, RUNNING, NONE)], r#","reason":"NodeLost""#),
            true,
            ["1/1", "Unknown", "0"],
        ),
    ];
    for (name, spec, st, deleted, [ready, status_cell, restarts]) in cases {
        let p = pod(spec, &st, deleted);
        let got = pod_status_cells(&p, now());
        assert_eq!(
            (
                got.ready.as_str(),
                got.status.as_str(),
                got.restarts.as_str()
            ),
            (ready, status_cell, restarts),
            "{name}"
        );
    }
}

fn render(kind: Kind, objects: &[Object], opts: &PrintOptions) -> String {
    Table::of_kind(kind, objects, now()).render(opts)
}

fn nginx_pod(name: &str, node: &str, ip: &str, labels: &str) -> Object {
    object::<Pod>(&format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"{name}","namespace":"default","creationTimestamp":"2026-01-05T09:10:00Z","labels":{labels}}},
        "spec":{{"nodeName":"{node}","containers":[{{"name":"nginx","image":"nginx:1.14.2"}}]}},
        "status":{{"phase":"Running","podIP":"{ip}","podIPs":[{{"ip":"{ip}"}}],
          "conditions":[{{"type":"Ready","status":"True"}}],
          "containerStatuses":[{}]}}}}"#,
        cs("nginx", true, 0, RUNNING, NONE)
    ))
}

#[test]
fn pod_tables_match_kubectl() {
    let pods = vec![
        nginx_pod(
            "nginx-deployment-75675f5897-7ci7o",
            "worker-1",
            "10.244.1.2",
            r#"{"app":"nginx","pod-template-hash":"75675f5897"}"#,
        ),
        nginx_pod("web", "worker-2", "10.244.2.7", "{}"),
    ];
    let cases = [
        (
            "the default columns",
            PrintOptions::default(),
            "NAME                                READY   STATUS    RESTARTS   AGE\n\
             nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s\n\
             web                                 1/1     Running   0          17s\n",
        ),
        (
            // docs: concepts/workloads/controllers/deployment (--show-labels)
            "--show-labels adds LABELS, <none> when empty",
            PrintOptions {
                show_labels: true,
                ..Default::default()
            },
            "NAME                                READY   STATUS    RESTARTS   AGE   LABELS\n\
             nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s   app=nginx,pod-template-hash=75675f5897\n\
             web                                 1/1     Running   0          17s   <none>\n",
        ),
        (
            "-o wide adds IP, NODE, NOMINATED NODE and READINESS GATES",
            PrintOptions {
                wide: true,
                ..Default::default()
            },
            "NAME                                READY   STATUS    RESTARTS   AGE   IP           NODE       NOMINATED NODE   READINESS GATES\n\
             nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s   10.244.1.2   worker-1   <none>           <none>\n\
             web                                 1/1     Running   0          17s   10.244.2.7   worker-2   <none>           <none>\n",
        ),
        (
            "-A puts NAMESPACE first",
            PrintOptions {
                with_namespace: true,
                ..Default::default()
            },
            "NAMESPACE   NAME                                READY   STATUS    RESTARTS   AGE\n\
             default     nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s\n\
             default     web                                 1/1     Running   0          17s\n",
        ),
        (
            "-L adds a column per key, headed by its last segment, empty when unset",
            PrintOptions {
                label_columns: vec!["app".into(), "pod-template-hash".into()],
                ..Default::default()
            },
            "NAME                                READY   STATUS    RESTARTS   AGE   APP     POD-TEMPLATE-HASH\n\
             nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s   nginx   75675f5897\n\
             web                                 1/1     Running   0          17s           \n",
        ),
        (
            "--no-headers drops the header only",
            PrintOptions {
                no_headers: true,
                ..Default::default()
            },
            "nginx-deployment-75675f5897-7ci7o   1/1   Running   0     17s\n\
             web                                 1/1   Running   0     17s\n",
        ),
        (
            "--show-kind prefixes names",
            PrintOptions {
                with_kind: true,
                ..Default::default()
            },
            "NAME                                    READY   STATUS    RESTARTS   AGE\n\
             pod/nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s\n\
             pod/web                                 1/1     Running   0          17s\n",
        ),
    ];
    for (name, opts, want) in cases {
        assert_eq!(render(Kind::Pod, &pods, &opts), want, "{name}");
    }
    assert_eq!(
        render(Kind::Pod, &[], &PrintOptions::default()),
        "",
        "an empty table prints nothing"
    );
}

#[test]
fn cells_are_cut_at_line_breaks_and_escaped() {
    let cases = [
        ("a newline cuts the cell", "two\nlines", "two..."),
        ("a carriage return cuts too", "a\rb", "a..."),
        (
            "escape characters are shown, not sent",
            "\u{1b}[31mred",
            "^[[31mred",
        ),
        ("plain text is untouched", "fine", "fine"),
    ];
    for (name, cell, want) in cases {
        assert_eq!(escape_cell(cell), want, "{name}");
    }
}

fn deployment() -> Object {
    object::<Deployment>(
        r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx-deployment","namespace":"default","creationTimestamp":"2026-01-05T09:09:59Z","labels":{"app":"nginx"}},
        "spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}}},
        "status":{"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}}"#,
    )
}

fn replica_set() -> Object {
    object::<ReplicaSet>(
        r#"{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"nginx-deployment-75675f5897","namespace":"default","creationTimestamp":"2026-01-05T09:09:59Z"},
        "spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx","pod-template-hash":"75675f5897"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}}},
        "status":{"replicas":3,"readyReplicas":3,"availableReplicas":3}}"#,
    )
}

#[test]
fn workload_tables_match_kubectl() {
    let sts = object::<StatefulSet>(
        r#"{"metadata":{"name":"web","namespace":"default","creationTimestamp":"2026-01-05T09:09:47Z"},
        "spec":{"replicas":2,"serviceName":"nginx","selector":{"matchLabels":{"app":"nginx"}},"template":{"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24"}]}}},
        "status":{"replicas":2,"readyReplicas":1}}"#,
    );
    let ds = object::<DaemonSet>(
        r#"{"metadata":{"name":"fluentd-elasticsearch","namespace":"kube-system","creationTimestamp":"2026-01-05T09:00:17Z"},
        "spec":{"selector":{"matchLabels":{"name":"fluentd-elasticsearch"}},"template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"fluentd-elasticsearch","image":"quay.io/fluentd_elasticsearch/fluentd:v2.5.2"}]}}},
        "status":{"desiredNumberScheduled":2,"currentNumberScheduled":2,"numberReady":2,"updatedNumberScheduled":2,"numberAvailable":2}}"#,
    );
    let cr = object::<ControllerRevision>(
        r#"{"metadata":{"name":"fluentd-elasticsearch-64dc6799c9","namespace":"kube-system","creationTimestamp":"2026-01-05T09:00:17Z",
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"fluentd-elasticsearch","uid":"u1","controller":true}]},"revision":1,"data":{}}"#,
    );
    let wide = PrintOptions {
        wide: true,
        ..Default::default()
    };
    let cases = [
        (
            // docs: concepts/workloads/controllers/deployment
            "deployments",
            Kind::Deployment,
            vec![deployment()],
            PrintOptions::default(),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n\
             nginx-deployment   3/3     3            3           18s\n",
        ),
        (
            "deployments, wide",
            Kind::Deployment,
            vec![deployment()],
            wide.clone(),
            "NAME               READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR\n\
             nginx-deployment   3/3     3            3           18s   nginx        nginx:1.14.2   app=nginx\n",
        ),
        (
            // docs: concepts/workloads/controllers/deployment
            "replica sets",
            Kind::ReplicaSet,
            vec![replica_set()],
            PrintOptions::default(),
            "NAME                          DESIRED   CURRENT   READY   AGE\n\
             nginx-deployment-75675f5897   3         3         3       18s\n",
        ),
        (
            "replica sets, wide",
            Kind::ReplicaSet,
            vec![replica_set()],
            wide.clone(),
            "NAME                          DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES         SELECTOR\n\
             nginx-deployment-75675f5897   3         3         3       18s   nginx        nginx:1.14.2   app=nginx,pod-template-hash=75675f5897\n",
        ),
        (
            "stateful sets",
            Kind::StatefulSet,
            vec![sts.clone()],
            wide.clone(),
            "NAME   READY   AGE   CONTAINERS   IMAGES\n\
             web    1/2     30s   nginx        registry.k8s.io/nginx-slim:0.24\n",
        ),
        (
            // docs: tasks/manage-daemon/update-daemon-set shows the columns
            "daemon sets",
            Kind::DaemonSet,
            vec![ds],
            PrintOptions {
                with_namespace: true,
                ..Default::default()
            },
            "NAMESPACE     NAME                    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n\
             kube-system   fluentd-elasticsearch   2         2         2       2            2           kubernetes.io/os=linux   10m\n",
        ),
        (
            "controller revisions name their controller with its group",
            Kind::ControllerRevision,
            vec![cr],
            PrintOptions::default(),
            "NAME                               CONTROLLER                             REVISION   AGE\n\
             fluentd-elasticsearch-64dc6799c9   daemonset.apps/fluentd-elasticsearch   1          10m\n",
        ),
    ];
    for (name, kind, objs, opts, want) in cases {
        assert_eq!(render(kind, &objs, &opts), want, "{name}");
    }
}

fn job(spec: &str, status: &str, extra_meta: &str) -> Object {
    object::<Job>(&format!(
        r#"{{"metadata":{{"name":"pi","namespace":"default","creationTimestamp":"2026-01-05T09:08:17Z"{extra_meta}}},
        "spec":{spec},"status":{status}}}"#
    ))
}

#[test]
fn job_columns_follow_conditions_and_times() {
    let tmpl = r#""template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34.0"}],"restartPolicy":"Never"}}"#;
    let cases = [
        (
            "a job that has not started has no duration",
            job(
                &format!(r#"{{"completions":1,"parallelism":1,{tmpl}}}"#),
                "{}",
                "",
            ),
            ["Running", "0/1", ""],
        ),
        (
            "a running job counts its duration up to now",
            job(
                &format!(r#"{{"completions":1,"parallelism":1,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z","active":1}"#,
                "",
            ),
            ["Running", "0/1", "2m"],
        ),
        (
            "a complete job keeps the time it took",
            job(
                &format!(r#"{{"completions":1,"parallelism":1,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z","completionTime":"2026-01-05T09:08:55Z","succeeded":1,
                   "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}"#,
                "",
            ),
            ["Complete", "1/1", "38s"],
        ),
        (
            "success criteria alone still read Running before v1.34",
            job(
                &format!(r#"{{"completions":1,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z","succeeded":1,"conditions":[{"type":"SuccessCriteriaMet","status":"True"}]}"#,
                "",
            ),
            ["Running", "1/1", "2m"],
        ),
        (
            "a failed job has no completion time and keeps counting",
            job(
                &format!(r#"{{"completions":1,"backoffLimit":4,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z","failed":5,"conditions":[{"type":"FailureTarget","status":"True"},{"type":"Failed","status":"True"}]}"#,
                "",
            ),
            ["Failed", "0/1", "2m"],
        ),
        (
            "a job past its backoff limit but not yet failed",
            job(
                &format!(r#"{{"completions":1,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z","conditions":[{"type":"FailureTarget","status":"True"}]}"#,
                "",
            ),
            ["FailureTarget", "0/1", "2m"],
        ),
        (
            "a suspended job",
            job(
                &format!(r#"{{"completions":3,"suspend":true,{tmpl}}}"#),
                r#"{"conditions":[{"type":"Suspended","status":"True"}]}"#,
                "",
            ),
            ["Suspended", "0/3", ""],
        ),
        (
            "a job being deleted",
            job(
                &format!(r#"{{"completions":1,{tmpl}}}"#),
                r#"{"startTime":"2026-01-05T09:08:17Z"}"#,
                r#","deletionTimestamp":"2026-01-05T09:10:17Z""#,
            ),
            ["Terminating", "0/1", "2m"],
        ),
        (
            "a work queue with parallelism",
            job(
                &format!(r#"{{"parallelism":3,{tmpl}}}"#),
                r#"{"succeeded":1}"#,
                "",
            ),
            ["Running", "1/1 of 3", ""],
        ),
        (
            "a work queue of one",
            job(&format!(r#"{{"parallelism":1,{tmpl}}}"#), "{}", ""),
            ["Running", "0/1", ""],
        ),
    ];
    for (name, obj, [status_cell, completions, duration]) in cases {
        let t = Table::of_kind(Kind::Job, &[obj], now());
        let row = &t.rows[0].cells;
        assert_eq!(
            (row[1].as_str(), row[2].as_str(), row[3].as_str()),
            (status_cell, completions, duration),
            "{name}"
        );
    }
}

#[test]
fn cron_job_table_matches_the_docs() {
    // docs: tasks/job/automated-tasks-with-cron-jobs
    let cj = object::<CronJob>(
        r#"{"metadata":{"name":"hello","namespace":"default","creationTimestamp":"2026-01-05T09:10:07Z"},
        "spec":{"schedule":"* * * * *","suspend":false,"concurrencyPolicy":"Allow","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"hello","image":"busybox:1.28"}]}}}}},
        "status":{}}"#,
    );
    let scheduled = object::<CronJob>(
        r#"{"metadata":{"name":"tz","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z"},
        "spec":{"schedule":"*/5 * * * *","timeZone":"Etc/UTC","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}},
        "status":{"active":[{"kind":"Job","name":"tz-29464865","namespace":"default"}],"lastScheduleTime":"2026-01-05T09:10:00Z"}}"#,
    );
    assert_eq!(
        render(Kind::CronJob, &[cj, scheduled], &PrintOptions::default()),
        "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n\
         hello   * * * * *     <none>     False     0        <none>          10s\n\
         tz      */5 * * * *   Etc/UTC    <unset>   1        17s             10m\n"
    );
}

fn service(spec: &str, status: &str) -> Object {
    object::<Service>(&format!(
        r#"{{"metadata":{{"name":"my-nginx","namespace":"default","creationTimestamp":"2026-01-05T09:09:56Z"}},"spec":{spec},"status":{status}}}"#
    ))
}

#[test]
fn service_columns_follow_the_type() {
    let cases = [
        (
            // docs: tutorials/services/connect-applications-service
            "a cluster IP service",
            service(
                r#"{"type":"ClusterIP","clusterIP":"10.0.162.149","clusterIPs":["10.0.162.149"],"selector":{"run":"my-nginx"},"ports":[{"port":80,"protocol":"TCP","targetPort":80}]}"#,
                "{}",
            ),
            [
                "ClusterIP",
                "10.0.162.149",
                "<none>",
                "80/TCP",
                "run=my-nginx",
            ],
        ),
        (
            "a headless service",
            service(
                r#"{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],"selector":{"app":"nginx"},"ports":[{"name":"web","port":80,"protocol":"TCP"}]}"#,
                "{}",
            ),
            ["ClusterIP", "None", "<none>", "80/TCP", "app=nginx"],
        ),
        (
            "a node port service with two ports",
            service(
                r#"{"type":"NodePort","clusterIPs":["10.96.5.7"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":53,"nodePort":30053,"protocol":"UDP"}]}"#,
                "{}",
            ),
            [
                "NodePort",
                "10.96.5.7",
                "<none>",
                "80:30080/TCP,53:30053/UDP",
                "<none>",
            ],
        ),
        (
            "a load balancer waiting for an address",
            service(
                r#"{"type":"LoadBalancer","clusterIPs":["10.96.0.20"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}"#,
                r#"{"loadBalancer":{}}"#,
            ),
            [
                "LoadBalancer",
                "10.96.0.20",
                "<pending>",
                "80:31000/TCP",
                "<none>",
            ],
        ),
        (
            "a load balancer with ingress points and external IPs",
            service(
                r#"{"type":"LoadBalancer","clusterIPs":["10.96.0.20"],"externalIPs":["198.51.100.7"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}"#,
                r#"{"loadBalancer":{"ingress":[{"ip":"203.0.113.9"},{"hostname":"lb.example.com"}]}}"#,
            ),
            [
                "LoadBalancer",
                "10.96.0.20",
                "203.0.113.9,lb.example.com,198.51.100.7",
                "80:31000/TCP",
                "<none>",
            ],
        ),
        (
            "an external name",
            service(
                r#"{"type":"ExternalName","externalName":"my.database.example.com"}"#,
                "{}",
            ),
            [
                "ExternalName",
                "<none>",
                "my.database.example.com",
                "<none>",
                "<none>",
            ],
        ),
    ];
    for (name, svc, [type_, cluster_ip, external_ip, ports, selector]) in cases {
        let t = Table::of_kind(Kind::Service, &[svc], now());
        let row = &t.rows[0].cells;
        assert_eq!(
            [&row[1], &row[2], &row[3], &row[4], &row[6]],
            [type_, cluster_ip, external_ip, ports, selector],
            "{name}"
        );
    }
}

fn endpoints(subsets: &str) -> Object {
    object::<Endpoints>(&format!(
        r#"{{"metadata":{{"name":"web","namespace":"default","creationTimestamp":"2026-01-05T09:09:56Z"}},"subsets":{subsets}}}"#
    ))
}

#[test]
fn endpoints_show_three_ready_addresses() {
    let addrs = |ips: &[&str]| {
        ips.iter()
            .map(|ip| format!(r#"{{"ip":"{ip}"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    };
    let port80 = r#""ports":[{"port":80,"protocol":"TCP"}]"#;
    let cases = [
        ("no subsets at all", endpoints("[]"), "<none>"),
        (
            "three ready addresses",
            endpoints(&format!(
                r#"[{{"addresses":[{}],{port80}}}]"#,
                addrs(&["10.244.1.2", "10.244.2.3", "10.244.1.4"])
            )),
            "10.244.1.2:80,10.244.2.3:80,10.244.1.4:80",
        ),
        (
            "five ready addresses",
            endpoints(&format!(
                r#"[{{"addresses":[{}],{port80}}}]"#,
                addrs(&["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"])
            )),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...",
        ),
        (
            "only not-ready addresses leave the cell empty",
            endpoints(&format!(
                r#"[{{"notReadyAddresses":[{}],{port80}}}]"#,
                addrs(&["10.0.0.1"])
            )),
            "",
        ),
        (
            "a headless service without ports lists bare IPs",
            endpoints(&format!(
                r#"[{{"addresses":[{}]}}]"#,
                addrs(&["10.0.0.1", "10.0.0.2"])
            )),
            "10.0.0.1,10.0.0.2",
        ),
        (
            "every port of a subset repeats its addresses",
            endpoints(&format!(
                r#"[{{"addresses":[{}],"ports":[{{"name":"http","port":80,"protocol":"TCP"}},{{"name":"https","port":443,"protocol":"TCP"}}]}}]"#,
                addrs(&["10.0.0.1", "10.0.0.2"])
            )),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...",
        ),
        (
            "IPv6 addresses get brackets",
            endpoints(&format!(
                r#"[{{"addresses":[{}],{port80}}}]"#,
                addrs(&["fd00::1"])
            )),
            "[fd00::1]:80",
        ),
    ];
    for (name, ep, want) in cases {
        let t = Table::of_kind(Kind::Endpoints, &[ep], now());
        assert_eq!(t.rows[0].cells[1], want, "{name}");
    }
    let table = Table::of_kind(
        Kind::Endpoints,
        &[endpoints(&format!(
            r#"[{{"notReadyAddresses":[{}],{port80}}}]"#,
            addrs(&["10.0.0.1"])
        ))],
        now(),
    );
    assert_eq!(
        table.render(&PrintOptions::default()),
        "NAME   ENDPOINTS   AGE\nweb                21s\n",
        "an empty cell keeps its column"
    );
}

#[test]
fn endpoint_slices_list_every_endpoint() {
    // docs: tutorials/services/connect-applications-service
    let eps = object::<EndpointSlice>(
        r#"{"metadata":{"name":"my-nginx-7vzhx","namespace":"default","creationTimestamp":"2026-01-05T09:09:56Z","labels":{"kubernetes.io/service-name":"my-nginx"}},
        "addressType":"IPv4","ports":[{"name":"","port":80,"protocol":"TCP"}],
        "endpoints":[{"addresses":["10.244.2.5"],"conditions":{"ready":true}},{"addresses":["10.244.3.4"],"conditions":{"ready":false}}]}"#,
    );
    let empty = object::<EndpointSlice>(
        r#"{"metadata":{"name":"web-abcde","namespace":"default","creationTimestamp":"2026-01-05T09:09:56Z"},"addressType":"IPv4","ports":null,"endpoints":null}"#,
    );
    assert_eq!(
        render(Kind::EndpointSlice, &[eps, empty], &PrintOptions::default()),
        "NAME             ADDRESSTYPE   PORTS     ENDPOINTS               AGE\n\
         my-nginx-7vzhx   IPv4          80        10.244.2.5,10.244.3.4   21s\n\
         web-abcde        IPv4          <unset>   <unset>                 21s\n"
    );
}

fn node(name: &str, labels: &str, ready: &str, unschedulable: bool) -> Object {
    object::<Node>(&format!(
        r#"{{"metadata":{{"name":"{name}","creationTimestamp":"2026-01-05T09:00:17Z","labels":{labels}}},
        "spec":{{"unschedulable":{unschedulable}}},
        "status":{{"conditions":[{{"type":"MemoryPressure","status":"False"}},{{"type":"Ready","status":"{ready}"}}],
          "addresses":[{{"type":"InternalIP","address":"172.18.0.2"}},{{"type":"Hostname","address":"{name}"}}],
          "nodeInfo":{{"kubeletVersion":"v1.32.0","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.8.0-51-generic","containerRuntimeVersion":"containerd://1.7.24"}}}}}}"#
    ))
}

#[test]
fn node_tables_match_kubectl() {
    let nodes = vec![
        node(
            "control-plane",
            r#"{"node-role.kubernetes.io/control-plane":""}"#,
            "True",
            false,
        ),
        node("worker-1", "{}", "False", true),
        node("worker-2", "{}", "Unknown", false),
    ];
    assert_eq!(
        render(Kind::Node, &nodes, &PrintOptions::default()),
        "NAME            STATUS                        ROLES           AGE   VERSION\n\
         control-plane   Ready                         control-plane   10m   v1.32.0\n\
         worker-1        NotReady,SchedulingDisabled   <none>          10m   v1.32.0\n\
         worker-2        NotReady                      <none>          10m   v1.32.0\n"
    );
    assert_eq!(
        render(
            Kind::Node,
            &nodes[..1],
            &PrintOptions {
                wide: true,
                with_namespace: true,
                ..Default::default()
            }
        ),
        "NAME            STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME\n\
         control-plane   Ready    control-plane   10m   v1.32.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-51-generic   containerd://1.7.24\n",
        "a cluster-scoped kind gets no NAMESPACE column, even with -A"
    );
    let bare =
        object::<Node>(r#"{"metadata":{"name":"new","creationTimestamp":"2026-01-05T09:10:17Z"}}"#);
    let t = Table::of_kind(Kind::Node, &[bare], now());
    assert_eq!(
        t.rows[0].cells,
        vec![
            "new",
            "Unknown",
            "<none>",
            "0s",
            "",
            "<none>",
            "<none>",
            "<unknown>",
            "<unknown>",
            "<unknown>"
        ],
        "a node without status"
    );
}

#[test]
fn config_and_account_tables_count_entries() {
    let cm = object::<ConfigMap>(
        r#"{"metadata":{"name":"kube-root-ca.crt","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z"},"data":{"ca.crt":"-----BEGIN CERTIFICATE-----"}}"#,
    );
    let secret = object::<Secret>(
        r#"{"metadata":{"name":"db-user-pass","namespace":"default","creationTimestamp":"2026-01-05T09:09:17Z"},"type":"Opaque","data":{"password":"UyFCXCpkJHpEc2I9","username":"YWRtaW4="}}"#,
    );
    let sa = object::<ServiceAccount>(
        r#"{"metadata":{"name":"default","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z"}}"#,
    );
    let ns = object::<Namespace>(
        r#"{"metadata":{"name":"kube-system","creationTimestamp":"2026-01-05T09:00:17Z"},"status":{"phase":"Active"}}"#,
    );
    let cases = [
        (
            Kind::ConfigMap,
            cm,
            "NAME               DATA   AGE\nkube-root-ca.crt   1      10m\n",
        ),
        (
            // docs: tasks/configmap-secret/managing-secret-using-kubectl
            Kind::Secret,
            secret,
            "NAME           TYPE     DATA   AGE\ndb-user-pass   Opaque   2      60s\n",
        ),
        (
            Kind::ServiceAccount,
            sa,
            "NAME      SECRETS   AGE\ndefault   0         10m\n",
        ),
        (
            Kind::Namespace,
            ns,
            "NAME          STATUS   AGE\nkube-system   Active   10m\n",
        ),
    ];
    for (kind, obj, want) in cases {
        assert_eq!(
            render(kind, &[obj], &PrintOptions::default()),
            want,
            "{kind:?}"
        );
    }
}

#[test]
fn storage_tables_match_kubectl() {
    let pvc = object::<PersistentVolumeClaim>(
        r#"{"metadata":{"name":"www-web-0","namespace":"default","creationTimestamp":"2026-01-05T09:09:47Z"},
        "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard","volumeName":"pvc-5f7c","volumeMode":"Filesystem"},
        "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}"#,
    );
    let pending = object::<PersistentVolumeClaim>(
        r#"{"metadata":{"name":"claim","namespace":"default","creationTimestamp":"2026-01-05T09:09:47Z"},
        "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"3Gi"}},"volumeMode":"Filesystem"},
        "status":{"phase":"Pending"}}"#,
    );
    let pv = object::<PersistentVolume>(
        r#"{"metadata":{"name":"pvc-5f7c","creationTimestamp":"2026-01-05T09:09:48Z"},
        "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Delete","storageClassName":"standard","volumeMode":"Filesystem",
          "claimRef":{"kind":"PersistentVolumeClaim","namespace":"default","name":"www-web-0"},"hostPath":{"path":"/var/local-path-provisioner/pvc-5f7c"}},
        "status":{"phase":"Bound"}}"#,
    );
    let sc = object::<StorageClass>(
        r#"{"metadata":{"name":"standard","creationTimestamp":"2026-01-05T09:00:17Z","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
        "provisioner":"rancher.io/local-path","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"}"#,
    );
    let cases = [
        (
            "claims: capacity and modes only once bound",
            Kind::PersistentVolumeClaim,
            vec![pvc, pending],
            true,
            "NAME        STATUS    VOLUME     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE   VOLUMEMODE\n\
             www-web-0   Bound     pvc-5f7c   1Gi        RWO            standard       <unset>                 30s   Filesystem\n\
             claim       Pending                                                       <unset>                 30s   Filesystem\n",
        ),
        (
            "volumes",
            Kind::PersistentVolume,
            vec![pv],
            false,
            "NAME       CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM               STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE\n\
             pvc-5f7c   1Gi        RWO            Delete           Bound    default/www-web-0   standard       <unset>                          29s\n",
        ),
        (
            "the default storage class is marked",
            Kind::StorageClass,
            vec![sc],
            false,
            "NAME                 PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\n\
             standard (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  10m\n",
        ),
    ];
    for (name, kind, objs, wide, want) in cases {
        let opts = PrintOptions {
            wide,
            ..Default::default()
        };
        assert_eq!(render(kind, &objs, &opts), want, "{name}");
    }
}

fn kubelet_event(
    name: &str,
    reason: &str,
    message: &str,
    count: i32,
    first: &str,
    last: &str,
) -> Event {
    let message = crate::value::Value::String(message.to_string()).to_json();
    decode(&format!(
        r#"{{"metadata":{{"name":"{name}","namespace":"default","creationTimestamp":"{first}"}},
        "involvedObject":{{"kind":"Pod","namespace":"default","name":"desc","uid":"u-1","apiVersion":"v1","fieldPath":"spec.containers{{nginx}}"}},
        "reason":"{reason}","message":{message},"source":{{"component":"kubelet","host":"worker-1"}},
        "firstTimestamp":"{first}","lastTimestamp":"{last}","count":{count},"type":"Normal",
        "reportingComponent":"kubelet","reportingInstance":"worker-1"}}"#
    ))
}

fn event_object(e: Event) -> Object {
    Object::Event(std::rc::Rc::new(e))
}

fn scheduler_event() -> Event {
    decode(
        r#"{"metadata":{"name":"desc.1","namespace":"default","creationTimestamp":"2026-01-05T09:09:17Z"},
        "involvedObject":{"kind":"Pod","namespace":"default","name":"desc","uid":"u-1","apiVersion":"v1"},
        "reason":"Scheduled","message":"Successfully assigned default/desc to worker-1","source":{},
        "firstTimestamp":null,"lastTimestamp":null,"type":"Normal","eventTime":"2026-01-05T09:09:17.412345Z",
        "action":"Binding","reportingComponent":"default-scheduler","reportingInstance":"default-scheduler-control-plane"}"#,
    )
}

#[test]
fn get_events_prints_the_server_columns() {
    let events = [
        event_object(kubelet_event(
            "desc.2",
            "Pulled",
            "Container image \"nginx:1.14.2\" already present on machine",
            1,
            "2026-01-05T09:09:19Z",
            "2026-01-05T09:09:19Z",
        )),
        event_object(scheduler_event()),
        event_object(kubelet_event(
            "desc.3",
            "BackOff",
            "Back-off restarting failed container nginx in pod desc_default(u-1)\n",
            4,
            "2026-01-05T09:05:17Z",
            "2026-01-05T09:08:17Z",
        )),
    ];
    assert_eq!(
        render(Kind::Event, &events, &PrintOptions::default()),
        "LAST SEEN   TYPE     REASON      OBJECT     MESSAGE\n\
         58s         Normal   Pulled      pod/desc   Container image \"nginx:1.14.2\" already present on machine\n\
         59s         Normal   Scheduled   pod/desc   Successfully assigned default/desc to worker-1\n\
         2m          Normal   BackOff     pod/desc   Back-off restarting failed container nginx in pod desc_default(u-1)\n"
    );
    let wide = Table::of_kind(Kind::Event, &events, now()).grid(&PrintOptions {
        wide: true,
        ..Default::default()
    });
    assert_eq!(
        wide.headers,
        vec![
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    assert_eq!(
        wide.rows[1][4..6].to_vec(),
        vec!["", "default-scheduler, default-scheduler-control-plane"],
        "the newer API's reporting fields stand in for the source"
    );
    assert_eq!(
        wide.rows[2][4..6].to_vec(),
        vec!["spec.containers{nginx}", "kubelet, worker-1"]
    );
    assert_eq!(wide.rows[2][7..].to_vec(), vec!["5m", "4", "desc.3"]);
    assert_eq!(
        wide.rows[1][7..].to_vec(),
        vec!["59s", "1", "desc.1"],
        "a singleton counts 1"
    );
}

#[test]
fn events_command_sorts_and_counts() {
    let backoff = kubelet_event(
        "desc.3",
        "BackOff",
        "Back-off restarting failed container nginx in pod desc_default(u-1)",
        4,
        "2026-01-05T09:05:17Z",
        "2026-01-05T09:08:17Z",
    );
    let pulled = kubelet_event(
        "desc.2",
        "Pulled",
        "pulled",
        1,
        "2026-01-05T09:09:19Z",
        "2026-01-05T09:09:19Z",
    );
    let scheduled = scheduler_event();
    let events = [&pulled, &scheduled, &backoff];
    let grid = events_command_grid(&events, &EventsCommandOptions::default(), now());
    assert_eq!(
        grid.render(),
        "LAST SEEN         TYPE     REASON      OBJECT     MESSAGE\n\
         2m (x4 over 5m)   Normal   BackOff     Pod/desc   Back-off restarting failed container nginx in pod desc_default(u-1)\n\
         59s               Normal   Scheduled   Pod/desc   Successfully assigned default/desc to worker-1\n\
         58s               Normal   Pulled      Pod/desc   pulled\n"
    );
    let all = events_command_grid(
        &events,
        &EventsCommandOptions {
            all_namespaces: true,
            no_headers: true,
        },
        now(),
    );
    assert!(all.headers.is_empty());
    assert_eq!(all.rows[0][0], "default");
}

#[test]
fn several_kinds_print_as_separate_tables() {
    let tables = vec![
        Table::of_kind(Kind::Deployment, &[deployment()], now()),
        Table::of_kind(Kind::ReplicaSet, &[], now()),
        Table::of_kind(
            Kind::Pod,
            &[nginx_pod(
                "nginx-deployment-75675f5897-7ci7o",
                "w",
                "10.0.0.1",
                "{}",
            )],
            now(),
        ),
    ];
    assert_eq!(
        print_tables(&tables, &PrintOptions::default()),
        "NAME                               READY   UP-TO-DATE   AVAILABLE   AGE\n\
         deployment.apps/nginx-deployment   3/3     3            3           18s\n\
         \n\
         NAME                                    READY   STATUS    RESTARTS   AGE\n\
         pod/nginx-deployment-75675f5897-7ci7o   1/1     Running   0          17s\n",
        "names carry kind.group, an empty kind prints nothing, a blank line separates"
    );
    assert_eq!(
        print_tables(
            &tables,
            &PrintOptions {
                no_headers: true,
                ..Default::default()
            }
        ),
        "deployment.apps/nginx-deployment   3/3   3     3     18s\n\
         pod/nginx-deployment-75675f5897-7ci7o   1/1   Running   0     17s\n",
        "without headers there is no separator"
    );
    assert_eq!(
        print_tables(&tables[..2], &PrintOptions::default()),
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n\
         nginx-deployment   3/3     3            3           18s\n",
        "one kind with rows prints without prefixes"
    );
}

#[test]
fn rows_can_be_reordered_for_sort_by() {
    let mut t = Table::of_kind(
        Kind::Pod,
        &[
            nginx_pod("a", "n", "10.0.0.1", "{}"),
            nginx_pod("b", "n", "10.0.0.2", "{}"),
        ],
        now(),
    );
    t.reorder(&[1, 0, 7]);
    let names: Vec<&str> = t.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(names, vec!["b", "a"]);
}

#[test]
fn ages_use_the_clock_given() {
    let p = nginx_pod("a", "n", "10.0.0.1", "{}");
    let cases = [
        ("at creation", "2026-01-05T09:10:00Z", "0s"),
        ("just under two minutes", "2026-01-05T09:11:59.999Z", "119s"),
        ("three minutes two seconds", "2026-01-05T09:13:02Z", "3m2s"),
        ("a day and an hour", "2026-01-06T10:10:00Z", "25h"),
    ];
    for (name, when, want) in cases {
        let t = Table::of_kind(Kind::Pod, std::slice::from_ref(&p), at(when));
        assert_eq!(t.rows[0].cells[4], want, "{name}");
    }
}
