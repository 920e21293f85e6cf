//! Golden tests of the describers. Expected text follows describe.go's
//! layout line by line; the pod and deployment cases mirror the output
//! shown on kubernetes.io (tasks/debug/debug-application/debug-running-pod,
//! concepts/workloads/controllers/deployment), brought to v1.31–v1.33
//! field order.

use std::rc::Rc;

use super::*;
use crate::api::apps::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::api::batch::{CronJob, Job};
use crate::api::corev1::{
    ConfigMap, Endpoints, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Secret,
    Service, ServiceAccount,
};
use crate::api::discovery::EndpointSlice;
use crate::api::storagev1::StorageClass;
use crate::kubectl::table::test_support::{decode, now};
use crate::store::Stored;

const KUBE_API_ACCESS: &str = r#"{"name":"kube-api-access-x7h2k","projected":{"defaultMode":420,"sources":[
    {"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},
    {"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},
    {"downwardAPI":{"items":[{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"},"path":"namespace"}]}}]}}"#;

const TOLERATIONS: &str = r#"[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
    {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]"#;

fn nginx_pod() -> Pod {
    decode(&format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"desc","namespace":"default","uid":"u-1","creationTimestamp":"2026-01-05T09:10:07Z","labels":{{"app":"desc"}}}},
        "spec":{{"volumes":[{KUBE_API_ACCESS}],
          "containers":[{{"name":"nginx","image":"nginx:1.14.2","ports":[{{"containerPort":80,"protocol":"TCP"}}],
            "volumeMounts":[{{"name":"kube-api-access-x7h2k","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}}]}}],
          "restartPolicy":"Always","serviceAccountName":"default","nodeName":"worker-1","priority":0,"tolerations":{TOLERATIONS}}},
        "status":{{"phase":"Running","hostIP":"172.18.0.3","podIP":"10.244.1.5","podIPs":[{{"ip":"10.244.1.5"}}],"startTime":"2026-01-05T09:10:07Z","qosClass":"BestEffort",
          "conditions":[{{"type":"PodReadyToStartContainers","status":"True"}},{{"type":"Initialized","status":"True"}},{{"type":"Ready","status":"True"}},{{"type":"ContainersReady","status":"True"}},{{"type":"PodScheduled","status":"True"}}],
          "containerStatuses":[{{"name":"nginx","ready":true,"started":true,"restartCount":0,"image":"docker.io/library/nginx:1.14.2",
            "imageID":"docker.io/library/nginx@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d",
            "containerID":"containerd://4c1bd5a1f3","state":{{"running":{{"startedAt":"2026-01-05T09:10:09Z"}}}},"lastState":{{}}}}]}}}}"#
    ))
}

/// An event about the `desc` pod; `seq` orders its name the way the
/// nanosecond suffix of real event names orders them.
fn event(
    seq: u32,
    reason: &str,
    message: &str,
    source: &str,
    count: i32,
    (first, last): (&str, &str),
    type_: &str,
) -> Event {
    let message = crate::value::Value::String(message.to_string()).to_json();
    decode(&format!(
        r#"{{"metadata":{{"name":"desc.188784e2c0f0{seq:04x}","namespace":"default"}},
        "involvedObject":{{"kind":"Pod","namespace":"default","name":"desc","uid":"u-1","apiVersion":"v1"}},
        "reason":"{reason}","message":{message},"source":{{"component":"{source}"}},
        "firstTimestamp":"{first}","lastTimestamp":"{last}","count":{count},"type":"{type_}"}}"#
    ))
}

fn scheduled() -> Event {
    decode(
        r#"{"metadata":{"name":"desc.sched","namespace":"default"},
        "involvedObject":{"kind":"Pod","namespace":"default","name":"desc","uid":"u-1","apiVersion":"v1"},
        "reason":"Scheduled","message":"Successfully assigned default/desc to worker-1","source":{},
        "firstTimestamp":null,"lastTimestamp":null,"type":"Normal","eventTime":"2026-01-05T09:10:07.100000Z",
        "reportingComponent":"default-scheduler","reportingInstance":"default-scheduler-control-plane"}"#,
    )
}

fn pod_events() -> Vec<Event> {
    vec![
        event(
            1,
            "Pulled",
            "Container image \"nginx:1.14.2\" already present on machine",
            "kubelet",
            1,
            ("2026-01-05T09:10:08Z", "2026-01-05T09:10:08Z"),
            "Normal",
        ),
        event(
            2,
            "Created",
            "Created container: nginx",
            "kubelet",
            1,
            ("2026-01-05T09:10:08Z", "2026-01-05T09:10:08Z"),
            "Normal",
        ),
        event(
            3,
            "Started",
            "Started container nginx",
            "kubelet",
            1,
            ("2026-01-05T09:10:08Z", "2026-01-05T09:10:08Z"),
            "Normal",
        ),
        scheduled(),
    ]
}

#[test]
fn describe_pod_matches_kubectl() {
    let want = "\
Name:             desc
Namespace:        default
Priority:         0
Service Account:  default
Node:             worker-1/172.18.0.3
Start Time:       Mon, 05 Jan 2026 09:10:07 +0000
Labels:           app=desc
Annotations:      <none>
Status:           Running
IP:               10.244.1.5
IPs:
  IP:  10.244.1.5
Containers:
  nginx:
    Container ID:   containerd://4c1bd5a1f3
    Image:          nginx:1.14.2
    Image ID:       docker.io/library/nginx@sha256:f7988fb6c02e0ce69257d9bd9cf37ae20a60f1df7563c3a2a6abe24160306b8d
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      Mon, 05 Jan 2026 09:10:09 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x7h2k (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-x7h2k:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  9s    default-scheduler  Successfully assigned default/desc to worker-1
  Normal  Pulled     9s    kubelet            Container image \"nginx:1.14.2\" already present on machine
  Normal  Created    9s    kubelet            Created container: nginx
  Normal  Started    9s    kubelet            Started container nginx
";
    assert_eq!(describe_pod(&nginx_pod(), Some(&pod_events()), now()), want);
    let no_events = describe_pod(&nginx_pod(), None, now());
    assert!(
        no_events.ends_with("node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"),
        "--show-events=false drops the section: {no_events}"
    );
    let empty = describe_pod(&nginx_pod(), Some(&[]), now());
    assert!(
        empty.ends_with("Events:                      <none>\n"),
        "{empty}"
    );
}

#[test]
fn describe_pod_shows_restarts_probes_and_repeated_events() {
    let pod: Pod = decode(
        r#"{"metadata":{"name":"liveness-exec","namespace":"default","creationTimestamp":"2026-01-05T09:08:47Z","labels":{"test":"liveness"}},
        "spec":{"nodeName":"worker-2","containers":[{"name":"liveness","image":"registry.k8s.io/busybox",
          "args":["/bin/sh","-c","touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
          "livenessProbe":{"exec":{"command":["cat","/tmp/healthy"]},"initialDelaySeconds":5,"timeoutSeconds":1,"periodSeconds":5,"successThreshold":1,"failureThreshold":3},
          "readinessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
          "startupProbe":{"tcpSocket":{"port":"http"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":30},
          "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m","memory":"64Mi"}},
          "env":[{"name":"GREETING","value":"hello\nworld"},{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},
                 {"name":"CPU_LIMIT","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu","divisor":"1m"}}},
                 {"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}],
          "envFrom":[{"configMapRef":{"name":"settings"}},{"prefix":"DB_","secretRef":{"name":"db","optional":true}}]}]},
        "status":{"phase":"Running","hostIP":"172.18.0.4","podIP":"10.244.2.9","podIPs":[{"ip":"10.244.2.9"}],"startTime":"2026-01-05T09:08:47Z",
          "containerStatuses":[{"name":"liveness","ready":true,"restartCount":1,"image":"registry.k8s.io/busybox:latest","imageID":"sha256:36a4","containerID":"containerd://77e2",
            "state":{"running":{"startedAt":"2026-01-05T09:10:03Z"}},
            "lastState":{"terminated":{"exitCode":137,"reason":"Error","startedAt":"2026-01-05T09:08:49Z","finishedAt":"2026-01-05T09:10:02Z"}}}]}}"#,
    );
    let events = vec![event(
        1,
        "Unhealthy",
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory",
        "kubelet",
        3,
        ("2026-01-05T09:09:27Z", "2026-01-05T09:09:37Z"),
        "Warning",
    )];
    let text = describe_pod(&pod, Some(&events), now());
    let want = "\
Containers:
  liveness:
    Container ID:  containerd://77e2
    Image:         registry.k8s.io/busybox
    Image ID:      sha256:36a4
    Port:          <none>
    Host Port:     <none>
    Args:
      /bin/sh
      -c
      touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600
    State:          Running
      Started:      Mon, 05 Jan 2026 09:10:03 +0000
    Last State:     Terminated
      Reason:       Error
      Exit Code:    137
      Started:      Mon, 05 Jan 2026 09:08:49 +0000
      Finished:     Mon, 05 Jan 2026 09:10:02 +0000
    Ready:          True
    Restart Count:  1
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:      250m
      memory:   64Mi
    Liveness:   exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3
    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Startup:    tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=30
    Environment Variables from:
      settings  ConfigMap                 Optional: false
      db        Secret with prefix 'DB_'  Optional: true
    Environment:
      GREETING:   hello
                  world
      POD_NAME:   liveness-exec (v1:metadata.name)
      CPU_LIMIT:  500 (limits.cpu)
      PASSWORD:   <set to the key 'password' in secret 'db'>  Optional: false
    Mounts:       <none>
Volumes:          <none>
QoS Class:        Burstable
Node-Selectors:   <none>
Tolerations:      <none>
Events:
  Type     Reason     Age                From     Message
  ----     ------     ----               ----     -------
";
    assert!(text.contains(want), "{text}");
    assert!(
        text.ends_with(
            "  Warning  Unhealthy  40s (x3 over 50s)  kubelet  Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"
        ),
        "{text}"
    );
}

#[test]
fn describe_pod_while_pending_initializing_or_deleted() {
    let pending: Pod = decode(&format!(
        r#"{{"metadata":{{"name":"big","namespace":"default","creationTimestamp":"2026-01-05T09:10:12Z"}},
        "spec":{{"containers":[{{"name":"c","image":"busybox","command":["sleep","3600"],"resources":{{"requests":{{"cpu":"100"}}}}}}],"tolerations":{TOLERATIONS}}},
        "status":{{"phase":"Pending","qosClass":"Burstable","conditions":[{{"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes are available"}}]}}}}"#
    ));
    let text = describe_pod(&pending, Some(&[]), now());
    for line in [
        "Node:         <none>\n",
        "IP:           \n",
        "IPs:          <none>\n",
        "Conditions:\n  Type           Status\n  PodScheduled   False \n",
        "    Command:\n      sleep\n      3600\n",
        "    Requests:\n      cpu:        100\n    Environment:  <none>\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }

    let deleted: Pod = decode(
        r#"{"metadata":{"name":"p","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z",
        "deletionTimestamp":"2026-01-05T09:10:47Z","deletionGracePeriodSeconds":30},
        "spec":{"containers":[{"name":"app","image":"busybox"}]},"status":{"phase":"Running"}}"#,
    );
    let text = describe_pod(&deleted, None, now());
    assert!(
        text.contains("Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\n"),
        "the deletion time lies ahead, so kubectl prints <invalid>:\n{text}"
    );

    let init: Pod = decode(
        r#"{"metadata":{"name":"myapp-pod","namespace":"default","creationTimestamp":"2026-01-05T09:10:07Z"},
        "spec":{"initContainers":[{"name":"init-myservice","image":"busybox:1.28","command":["sh","-c","until nslookup myservice; do sleep 2; done"]}],
          "containers":[{"name":"myapp-container","image":"busybox:1.28"}]},
        "status":{"phase":"Pending","initContainerStatuses":[{"name":"init-myservice","ready":false,"restartCount":0,"image":"busybox:1.28","imageID":"","state":{"running":{"startedAt":"2026-01-05T09:10:09Z"}},"lastState":{}}],
          "containerStatuses":[{"name":"myapp-container","ready":false,"restartCount":0,"image":"busybox:1.28","imageID":"","state":{"waiting":{"reason":"PodInitializing"}},"lastState":{}}]}}"#,
    );
    let text = describe_pod(&init, None, now());
    assert!(
        text.contains("Init Containers:\n  init-myservice:\n    Container ID:  \n"),
        "{text}"
    );
    assert!(
        text.contains("    State:          Waiting\n      Reason:       PodInitializing\n"),
        "{text}"
    );
}

fn deployment() -> Deployment {
    decode(
        r#"{"metadata":{"name":"nginx-deployment","namespace":"default","uid":"d-1","creationTimestamp":"2026-01-05T09:00:17Z",
          "labels":{"app":"nginx"},"annotations":{"deployment.kubernetes.io/revision":"2"}},
        "spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},
          "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.16.1","ports":[{"containerPort":80,"protocol":"TCP"}]}]}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600},
        "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,
          "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"},{"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable"}]}}"#,
    )
}

fn replica_set(name: &str, image: &str, replicas: i32, created: &str) -> ReplicaSet {
    decode(&format!(
        r#"{{"metadata":{{"name":"{name}","namespace":"default","uid":"{name}","creationTimestamp":"{created}",
          "labels":{{"app":"nginx","pod-template-hash":"{hash}"}},
          "ownerReferences":[{{"apiVersion":"apps/v1","kind":"Deployment","name":"nginx-deployment","uid":"d-1","controller":true,"blockOwnerDeletion":true}}]}},
        "spec":{{"replicas":{replicas},"selector":{{"matchLabels":{{"app":"nginx","pod-template-hash":"{hash}"}}}},
          "template":{{"metadata":{{"labels":{{"app":"nginx","pod-template-hash":"{hash}"}}}},"spec":{{"containers":[{{"name":"nginx","image":"{image}","ports":[{{"containerPort":80,"protocol":"TCP"}}]}}]}}}}}},
        "status":{{"replicas":{replicas},"readyReplicas":{replicas},"availableReplicas":{replicas}}}}}"#,
        hash = name.rsplit('-').next().unwrap_or("")
    ))
}

#[test]
fn describe_deployment_matches_kubectl() {
    let new = replica_set(
        "nginx-deployment-1564180365",
        "nginx:1.16.1",
        3,
        "2026-01-05T09:05:17Z",
    );
    let old = Rc::new(replica_set(
        "nginx-deployment-2035384211",
        "nginx:1.14.2",
        0,
        "2026-01-05T09:00:17Z",
    ));
    let events = vec![decode::<Event>(
        r#"{"metadata":{"name":"nginx-deployment.1","namespace":"default"},
        "involvedObject":{"kind":"Deployment","namespace":"default","name":"nginx-deployment","uid":"d-1","apiVersion":"apps/v1"},
        "reason":"ScalingReplicaSet","message":"Scaled up replica set nginx-deployment-1564180365 from 0 to 1","source":{"component":"deployment-controller"},
        "firstTimestamp":"2026-01-05T09:05:17Z","lastTimestamp":"2026-01-05T09:05:17Z","count":1,"type":"Normal"}"#,
    )];
    let want = "\
Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Mon, 05 Jan 2026 09:00:17 +0000
Labels:                 app=nginx
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:         nginx:1.16.1
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  nginx-deployment-2035384211 (0/0 replicas created)
NewReplicaSet:   nginx-deployment-1564180365 (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  5m    deployment-controller  Scaled up replica set nginx-deployment-1564180365 from 0 to 1
";
    assert_eq!(
        describe_deployment(&deployment(), &[old], Some(&new), Some(&events), now()),
        want
    );
}

#[test]
fn describe_through_the_store_finds_related_objects() {
    let mut store = Store::new();
    let d = deployment();
    store.put(Rc::new(d.clone()));
    store.put(Rc::new(replica_set(
        "nginx-deployment-1564180365",
        "nginx:1.16.1",
        3,
        "2026-01-05T09:05:17Z",
    )));
    store.put(Rc::new(replica_set(
        "nginx-deployment-2035384211",
        "nginx:1.14.2",
        0,
        "2026-01-05T09:00:17Z",
    )));
    let pod = nginx_pod();
    store.put(Rc::new(pod.clone()));
    for e in pod_events() {
        store.put(Rc::new(e));
    }
    // An event about another pod of the same name (an older uid) is not
    // this pod's.
    let mut stale = event(
        0,
        "Killing",
        "Stopping container nginx",
        "kubelet",
        1,
        ("2026-01-05T09:01:00Z", "2026-01-05T09:01:00Z"),
        "Normal",
    );
    stale.involved_object.uid = "u-0".into();
    store.put(Rc::new(stale));

    let text = describe(
        &store,
        &Deployment::to_object(Rc::new(d)),
        now(),
        DescribeOptions::default(),
    );
    assert!(
        text.contains("OldReplicaSets:  nginx-deployment-2035384211 (0/0 replicas created)\nNewReplicaSet:   nginx-deployment-1564180365 (3/3 replicas created)\nEvents:          <none>\n"),
        "{text}"
    );
    let text = describe(
        &store,
        &Pod::to_object(Rc::new(pod)),
        now(),
        DescribeOptions::default(),
    );
    assert_eq!(text, describe_pod(&nginx_pod(), Some(&pod_events()), now()));
    assert!(!text.contains("Killing"));
}

#[test]
fn describe_controllers_count_their_pods() {
    let rs = replica_set(
        "nginx-deployment-1564180365",
        "nginx:1.16.1",
        3,
        "2026-01-05T09:05:17Z",
    );
    let counts = PodCounts {
        running: 2,
        waiting: 1,
        succeeded: 0,
        failed: 0,
    };
    let want = "\
Name:           nginx-deployment-1564180365
Namespace:      default
Selector:       app=nginx,pod-template-hash=1564180365
Labels:         app=nginx
                pod-template-hash=1564180365
Annotations:    <none>
Controlled By:  Deployment/nginx-deployment
Replicas:       3 current / 3 desired
Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
           pod-template-hash=1564180365
  Containers:
   nginx:
    Image:         nginx:1.16.1
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(describe_replica_set(&rs, counts, Some(&[]), now()), want);

    let sts: StatefulSet = decode(
        r#"{"metadata":{"name":"web","namespace":"default","creationTimestamp":"2026-01-05T09:09:47Z"},
        "spec":{"replicas":3,"serviceName":"nginx","selector":{"matchLabels":{"app":"nginx"}},
          "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24","ports":[{"name":"web","containerPort":80,"protocol":"TCP"}],
            "volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
          "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}],
          "updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}},"podManagementPolicy":"OrderedReady"},
        "status":{"replicas":3,"readyReplicas":3}}"#,
    );
    let text = describe_stateful_set(
        &sts,
        PodCounts {
            running: 3,
            ..Default::default()
        },
        None,
        now(),
    );
    let want = "\
Name:               web
Namespace:          default
CreationTimestamp:  Mon, 05 Jan 2026 09:09:47 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           3 desired | 3 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.24
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
";
    assert_eq!(text, want);

    let ds: DaemonSet = decode(
        r#"{"metadata":{"name":"fluentd-elasticsearch","namespace":"kube-system","creationTimestamp":"2026-01-05T09:00:17Z","labels":{"k8s-app":"fluentd-logging"}},
        "spec":{"selector":{"matchLabels":{"name":"fluentd-elasticsearch"}},
          "template":{"metadata":{"labels":{"name":"fluentd-elasticsearch"}},"spec":{"tolerations":[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}],
            "containers":[{"name":"fluentd-elasticsearch","image":"quay.io/fluentd_elasticsearch/fluentd:v2.5.2",
              "resources":{"limits":{"memory":"200Mi"},"requests":{"cpu":"100m","memory":"200Mi"}}}]}}},
        "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":3,"updatedNumberScheduled":3,"numberAvailable":3}}"#,
    );
    let text = describe_daemon_set(
        &ds,
        PodCounts {
            running: 3,
            ..Default::default()
        },
        None,
        now(),
    );
    let want = "\
Name:           fluentd-elasticsearch
Selector:       name=fluentd-elasticsearch
Node-Selector:  <none>
Labels:         k8s-app=fluentd-logging
Annotations:    <none>
Desired Number of Nodes Scheduled: 3
Current Number of Nodes Scheduled: 3
Number of Nodes Scheduled with Up-to-date Pods: 3
Number of Nodes Scheduled with Available Pods: 3
Number of Nodes Misscheduled: 0
Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  name=fluentd-elasticsearch
  Containers:
   fluentd-elasticsearch:
    Image:      quay.io/fluentd_elasticsearch/fluentd:v2.5.2
    Port:       <none>
    Host Port:  <none>
    Limits:
      memory:  200Mi
    Requests:
      cpu:         100m
      memory:      200Mi
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists
";
    assert_eq!(text, want);
}

#[test]
fn describe_job_and_cron_job() {
    let job: Job = decode(
        r#"{"metadata":{"name":"pi","namespace":"default","creationTimestamp":"2026-01-05T09:08:17Z",
          "labels":{"batch.kubernetes.io/controller-uid":"c0ffee","batch.kubernetes.io/job-name":"pi","controller-uid":"c0ffee","job-name":"pi"}},
        "spec":{"parallelism":1,"completions":1,"backoffLimit":4,"completionMode":"NonIndexed","suspend":false,
          "selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"c0ffee"}},
          "template":{"metadata":{"labels":{"batch.kubernetes.io/controller-uid":"c0ffee","batch.kubernetes.io/job-name":"pi","controller-uid":"c0ffee","job-name":"pi"}},
            "spec":{"containers":[{"name":"pi","image":"perl:5.34.0","command":["perl","-Mbignum=bpi","-wle","print bpi(2000)"]}],"restartPolicy":"Never"}}},
        "status":{"startTime":"2026-01-05T09:08:17Z","completionTime":"2026-01-05T09:08:55Z","succeeded":1,"ready":0,"terminating":0}}"#,
    );
    let want = "\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid=c0ffee
Labels:           batch.kubernetes.io/controller-uid=c0ffee
                  batch.kubernetes.io/job-name=pi
                  controller-uid=c0ffee
                  job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Start Time:       Mon, 05 Jan 2026 09:08:17 +0000
Completed At:     Mon, 05 Jan 2026 09:08:55 +0000
Duration:         38s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid=c0ffee
           batch.kubernetes.io/job-name=pi
           controller-uid=c0ffee
           job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(describe_job(&job, Some(&[]), now()), want);

    let cj: CronJob = decode(
        r#"{"metadata":{"name":"hello","namespace":"default","creationTimestamp":"2026-01-05T09:00:17Z"},
        "spec":{"schedule":"* * * * *","concurrencyPolicy":"Allow","suspend":false,"successfulJobsHistoryLimit":3,"failedJobsHistoryLimit":1,
          "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"hello","image":"busybox:1.28","command":["/bin/sh","-c","date; echo Hello from the Kubernetes cluster"]}],"restartPolicy":"OnFailure"}}}}},
        "status":{"lastScheduleTime":"2026-01-05T09:10:00Z","active":[{"kind":"Job","name":"hello-29464870","namespace":"default"}]}}"#,
    );
    let text = describe_cron_job(&cj, None, now());
    let head = "\
Name:                          hello
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      * * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
";
    assert!(text.starts_with(head), "{text}");
    assert!(
        text.ends_with(
            "  Tolerations:       <none>\nLast Schedule Time:  Mon, 05 Jan 2026 09:10:00 +0000\nActive Jobs:         hello-29464870\n"
        ),
        "{text}"
    );
}

#[test]
fn describe_node_lists_pods_and_allocations() {
    let node: Node = decode(
        r#"{"metadata":{"name":"worker-1","uid":"n-1","creationTimestamp":"2026-01-05T09:00:17Z",
          "labels":{"kubernetes.io/hostname":"worker-1","kubernetes.io/os":"linux"},
          "annotations":{"node.alpha.kubernetes.io/ttl":"0"}},
        "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"],"taints":[{"key":"dedicated","value":"gpu","effect":"NoSchedule"}]},
        "status":{"capacity":{"cpu":"2","ephemeral-storage":"61202244Ki","memory":"4015016Ki","pods":"110"},
          "allocatable":{"cpu":"2","ephemeral-storage":"61202244Ki","memory":"4015016Ki","pods":"110"},
          "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-01-05T09:10:10Z","lastTransitionTime":"2026-01-05T09:00:27Z","reason":"KubeletReady","message":"kubelet is posting ready status"}],
          "addresses":[{"type":"InternalIP","address":"172.18.0.3"},{"type":"Hostname","address":"worker-1"}],
          "nodeInfo":{"machineID":"m1","systemUUID":"s1","bootID":"b1","kernelVersion":"6.8.0-51-generic","osImage":"Debian GNU/Linux 12 (bookworm)",
            "containerRuntimeVersion":"containerd://1.7.24","kubeletVersion":"v1.32.0","kubeProxyVersion":"v1.32.0","operatingSystem":"linux","architecture":"amd64"}}}"#,
    );
    let app: Pod = decode(
        r#"{"metadata":{"name":"web-0","namespace":"default","creationTimestamp":"2026-01-05T09:05:17Z"},
        "spec":{"nodeName":"worker-1","containers":[{"name":"a","image":"nginx","resources":{"requests":{"cpu":"250m","memory":"64Mi"},"limits":{"cpu":"500m","memory":"128Mi"}}},
          {"name":"b","image":"busybox","resources":{"requests":{"cpu":"100m"}}}]},"status":{"phase":"Running"}}"#,
    );
    let proxy: Pod = decode(
        r#"{"metadata":{"name":"kube-proxy-x2","namespace":"kube-system","creationTimestamp":"2026-01-05T09:00:27Z"},
        "spec":{"nodeName":"worker-1","containers":[{"name":"kube-proxy","image":"registry.k8s.io/kube-proxy:v1.32.0"}]},"status":{"phase":"Running"}}"#,
    );
    let lease = NodeLease::kept_by_kubelet(&node, now());
    let text = describe_node(&node, &[&app, &proxy], Some(&lease), Some(&[]), now());
    let want = "\
Name:               worker-1
Roles:              <none>
Labels:             kubernetes.io/hostname=worker-1
                    kubernetes.io/os=linux
Annotations:        node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Mon, 05 Jan 2026 09:00:17 +0000
Taints:             dedicated=gpu:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  worker-1
  AcquireTime:     <unset>
  RenewTime:       Mon, 05 Jan 2026 09:10:17 +0000
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message
  ----    ------  -----------------                 ------------------                ------         -------
  Ready   True    Mon, 05 Jan 2026 09:10:10 +0000   Mon, 05 Jan 2026 09:00:27 +0000   KubeletReady   kubelet is posting ready status
Addresses:
  InternalIP:  172.18.0.3
  Hostname:    worker-1
Capacity:
  cpu:                2
  ephemeral-storage:  61202244Ki
  memory:             4015016Ki
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  61202244Ki
  memory:             4015016Ki
  pods:               110
System Info:
  Machine ID:                 m1
  System UUID:                s1
  Boot ID:                    b1
  Kernel Version:             6.8.0-51-generic
  OS Image:                   Debian GNU/Linux 12 (bookworm)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.24
  Kubelet Version:            v1.32.0
  Kube-Proxy Version:         v1.32.0
PodCIDR:                      10.244.1.0/24
PodCIDRs:                     10.244.1.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name             CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----             ------------  ----------  ---------------  -------------  ---
  default                     web-0            350m (17%)    500m (25%)  64Mi (1%)        128Mi (3%)     5m
  kube-system                 kube-proxy-x2    0 (0%)        0 (0%)      0 (0%)           0 (0%)         9m50s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                350m (17%)  500m (25%)
  memory             64Mi (1%)   128Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:              <none>
";
    assert_eq!(text, want);
}

#[test]
fn describe_service_and_its_endpoints() {
    let svc: Service = decode(
        r#"{"metadata":{"name":"my-nginx","namespace":"default","creationTimestamp":"2026-01-05T09:09:56Z","labels":{"run":"my-nginx"}},
        "spec":{"type":"ClusterIP","clusterIP":"10.0.162.149","clusterIPs":["10.0.162.149"],"ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack",
          "selector":{"run":"my-nginx"},"ports":[{"port":80,"protocol":"TCP","targetPort":80}],"sessionAffinity":"None","internalTrafficPolicy":"Cluster"},
        "status":{"loadBalancer":{}}}"#,
    );
    let slice = |endpoints: &str| -> Rc<EndpointSlice> {
        Rc::new(decode(&format!(
            r#"{{"metadata":{{"name":"my-nginx-7vzhx","namespace":"default","labels":{{"kubernetes.io/service-name":"my-nginx"}}}},
            "addressType":"IPv4","ports":[{{"name":"","port":80,"protocol":"TCP"}}],"endpoints":{endpoints}}}"#
        )))
    };
    let ready =
        |ip: &str, r: bool| format!(r#"{{"addresses":["{ip}"],"conditions":{{"ready":{r}}}}}"#);
    let want = "\
Name:                     my-nginx
Namespace:                default
Labels:                   run=my-nginx
Annotations:              <none>
Selector:                 run=my-nginx
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.0.162.149
IPs:                      10.0.162.149
Port:                     <unset>  80/TCP
TargetPort:               80/TCP
Endpoints:                10.244.2.5:80,10.244.3.4:80
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
";
    let two = slice(&format!(
        "[{},{}]",
        ready("10.244.2.5", true),
        ready("10.244.3.4", true)
    ));
    assert_eq!(describe_service(&svc, &[two], Some(&[]), now()), want);
    let cases = [
        ("no slices at all", vec![], "<none>"),
        ("a slice without endpoints", vec![slice("null")], ""),
        (
            "not-ready endpoints are left out",
            vec![slice(&format!(
                "[{},{}]",
                ready("10.0.0.1", false),
                ready("10.0.0.2", true)
            ))],
            "10.0.0.2:80",
        ),
        (
            "a fourth endpoint raises the flag before its readiness is checked",
            vec![slice(&format!(
                "[{},{},{},{}]",
                ready("10.0.0.1", true),
                ready("10.0.0.2", true),
                ready("10.0.0.3", true),
                ready("10.0.0.4", false)
            ))],
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 0 more...",
        ),
        (
            "more than three ready endpoints",
            vec![slice(&format!(
                "[{},{},{},{},{}]",
                ready("10.0.0.1", true),
                ready("10.0.0.2", true),
                ready("10.0.0.3", true),
                ready("10.0.0.4", true),
                ready("10.0.0.5", true)
            ))],
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...",
        ),
    ];
    for (name, slices, want) in cases {
        let text = describe_service(&svc, &slices, None, now());
        let line = text
            .lines()
            .find(|l| l.starts_with("Endpoints:"))
            .unwrap_or_default();
        assert_eq!(
            line.trim_start_matches("Endpoints:").trim_start(),
            want,
            "{name}"
        );
    }

    let ep: Endpoints = decode(
        r#"{"metadata":{"name":"my-nginx","namespace":"default"},
        "subsets":[{"addresses":[{"ip":"10.244.2.5"},{"ip":"10.244.3.4"}],"notReadyAddresses":[{"ip":"10.244.1.9"}],"ports":[{"port":80,"protocol":"TCP"}]}]}"#,
    );
    let want = "\
Name:         my-nginx
Namespace:    default
Labels:       <none>
Annotations:  <none>
Subsets:
  Addresses:          10.244.2.5,10.244.3.4
  NotReadyAddresses:  10.244.1.9
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  80    TCP

Events:  <none>
";
    assert_eq!(describe_endpoints(&ep, Some(&[]), now()), want);

    let eps: EndpointSlice = decode(
        r#"{"metadata":{"name":"my-nginx-7vzhx","namespace":"default","labels":{"kubernetes.io/service-name":"my-nginx"}},
        "addressType":"IPv4","ports":[{"name":"","port":80,"protocol":"TCP"}],
        "endpoints":[{"addresses":["10.244.2.5"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"worker-1",
          "targetRef":{"kind":"Pod","namespace":"default","name":"my-nginx-5b56ccd65f-abcde","uid":"p1"}}]}"#,
    );
    let want = "\
Name:         my-nginx-7vzhx
Namespace:    default
Labels:       kubernetes.io/service-name=my-nginx
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  80    TCP
Endpoints:
  - Addresses:  10.244.2.5
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/my-nginx-5b56ccd65f-abcde
    NodeName:   worker-1
    Zone:       <unset>
Events:         <none>
";
    assert_eq!(describe_endpoint_slice(&eps, Some(&[]), now()), want);
}

#[test]
fn describe_config_objects() {
    // docs: tasks/configure-pod-container/configure-pod-configmap
    let cm: ConfigMap = decode(
        r#"{"metadata":{"name":"game-config","namespace":"default"},
        "data":{"ui.properties":"color.good=purple\nallow.textmode=true\n","game.properties":"enemies=aliens\nlives=3"}}"#,
    );
    let want = "\
Name:         game-config
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
game.properties:
----
enemies=aliens
lives=3

ui.properties:
----
color.good=purple
allow.textmode=true



BinaryData
====

Events:  <none>
";
    assert_eq!(describe_config_map(&cm, Some(&[]), now()), want);

    // docs: tasks/configmap-secret/managing-secret-using-kubectl
    let secret: Secret = decode(
        r#"{"metadata":{"name":"db-user-pass","namespace":"default"},"type":"Opaque",
        "data":{"password":"UyFCXCpkJHpEc2I9","username":"YWRtaW4="}}"#,
    );
    let want = "\
Name:         db-user-pass
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:  12 bytes
username:  5 bytes
";
    assert_eq!(describe_secret(&secret), want);

    let sa: ServiceAccount = decode(
        r#"{"metadata":{"name":"build-robot","namespace":"default","uid":"sa-1"},"secrets":[{"name":"build-robot-secret"}],"imagePullSecrets":[{"name":"regcred"}]}"#,
    );
    let token: Rc<Secret> = Rc::new(decode(
        r#"{"metadata":{"name":"build-robot-secret","namespace":"default",
          "annotations":{"kubernetes.io/service-account.name":"build-robot","kubernetes.io/service-account.uid":"sa-1"}},
        "type":"kubernetes.io/service-account-token","data":{"token":"ZXlK"}}"#,
    ));
    let want = "\
Name:                build-robot
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  regcred (not found)
Mountable secrets:   build-robot-secret
Tokens:              build-robot-secret
Events:              <none>
";
    assert_eq!(
        describe_service_account(&sa, &[token], Some(&[]), now()),
        want
    );

    let ns: Namespace = decode(
        r#"{"metadata":{"name":"default","labels":{"kubernetes.io/metadata.name":"default"}},"status":{"phase":"Active"}}"#,
    );
    let want = "\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
";
    assert_eq!(describe_namespace(&ns, now()), want);
}

#[test]
fn describe_storage_objects() {
    let pvc: PersistentVolumeClaim = decode(
        r#"{"metadata":{"name":"www-web-0","namespace":"default","labels":{"app":"nginx"},"finalizers":["kubernetes.io/pvc-protection"],
          "annotations":{"pv.kubernetes.io/bind-completed":"yes","volume.kubernetes.io/storage-provisioner":"rancher.io/local-path"}},
        "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard","volumeName":"pvc-5f7c","volumeMode":"Filesystem"},
        "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}}"#,
    );
    let user: Rc<Pod> = Rc::new(decode(
        r#"{"metadata":{"name":"web-0","namespace":"default"},"spec":{"volumes":[{"name":"www","persistentVolumeClaim":{"claimName":"www-web-0"}}],"containers":[]}}"#,
    ));
    let want = "\
Name:          www-web-0
Namespace:     default
StorageClass:  standard
Status:        Bound
Volume:        pvc-5f7c
Labels:        app=nginx
Annotations:   pv.kubernetes.io/bind-completed: yes
               volume.kubernetes.io/storage-provisioner: rancher.io/local-path
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      1Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       web-0
Events:        <none>
";
    assert_eq!(describe_pvc(&pvc, &[user], Some(&[]), now()), want);

    // docs: tasks/configure-pod-container/configure-persistent-volume-storage
    let pv: PersistentVolume = decode(
        r#"{"metadata":{"name":"task-pv-volume","labels":{"type":"local"},"finalizers":["kubernetes.io/pv-protection"]},
        "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain","storageClassName":"manual",
          "volumeMode":"Filesystem","hostPath":{"path":"/mnt/data","type":""},
          "claimRef":{"kind":"PersistentVolumeClaim","namespace":"default","name":"task-pv-claim"}},
        "status":{"phase":"Bound"}}"#,
    );
    let want = "\
Name:            task-pv-volume
Labels:          type=local
Annotations:     <none>
Finalizers:      [kubernetes.io/pv-protection]
StorageClass:    manual
Status:          Bound
Claim:           default/task-pv-claim
Reclaim Policy:  Retain
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        10Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /mnt/data
    HostPathType:  
Events:            <none>
";
    assert_eq!(describe_pv(&pv, Some(&[]), now()), want);

    let sc: StorageClass = decode(
        r#"{"metadata":{"name":"standard","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
        "provisioner":"rancher.io/local-path","reclaimPolicy":"Delete","volumeBindingMode":"WaitForFirstConsumer"}"#,
    );
    let want = "\
Name:                  standard
IsDefaultClass:        Yes
Annotations:           storageclass.kubernetes.io/is-default-class=true
Provisioner:           rancher.io/local-path
Parameters:            <none>
AllowVolumeExpansion:  <unset>
MountOptions:          <none>
ReclaimPolicy:         Delete
VolumeBindingMode:     WaitForFirstConsumer
Events:                <none>
";
    assert_eq!(describe_storage_class(&sc, Some(&[]), now()), want);
}

#[test]
fn events_and_revisions_use_the_generic_describer() {
    let ev = event(
        1,
        "Pulled",
        "pulled",
        "kubelet",
        1,
        ("2026-01-05T09:10:08Z", "2026-01-05T09:10:08Z"),
        "Normal",
    );
    let mut store = Store::new();
    let obj = Event::to_object(Rc::new(ev));
    store.put(Rc::new(decode::<Event>(&obj.encode().to_json())));
    let text = describe(&store, &obj, now(), DescribeOptions::default());
    for line in [
        "Name:             desc.188784e2c0f00001\n",
        "Namespace:        default\n",
        "Count:            1\n",
        "First Timestamp:  2026-01-05T09:10:08Z\n",
        "Involved Object:\n  API Version:   v1\n",
        "  Kind:          Pod\n",
        "  UID:           u-1\n",
        "Metadata:\n  Creation Timestamp:  <nil>\nReason:                Pulled\n",
        "Source:\n  Component:  kubelet\nType:         Normal\nEvents:       <none>\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn every_kind_prints_from_an_empty_object() {
    use crate::kubectl::table::{PrintOptions, Table};
    use crate::store::{Kind, KindVisitor};

    struct Empty;
    impl KindVisitor for Empty {
        type Out = Object;
        fn visit<T: Stored>(self) -> Object {
            T::to_object(Rc::new(T::default()))
        }
    }
    let store = Store::new();
    for &kind in Kind::ALL {
        let obj = kind.visit(Empty);
        let table = Table::of_kind(kind, std::slice::from_ref(&obj), now());
        let opts = PrintOptions {
            wide: true,
            with_namespace: true,
            show_labels: true,
            label_columns: vec!["app".into()],
            with_kind: true,
            ..Default::default()
        };
        let text = table.render(&opts);
        assert_eq!(text.lines().count(), 2, "{kind:?}: {text}");
        let grid = table.grid(&opts);
        assert_eq!(grid.headers.len(), grid.rows[0].len(), "{kind:?}");
        let described = describe(&store, &obj, now(), DescribeOptions::default());
        assert!(described.starts_with("Name:"), "{kind:?}: {described}");
    }
}
