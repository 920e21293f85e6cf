//! The syllabus's Service examples: a Deployment exposed as a ClusterIP
//! Service whose Endpoints follow the pods, and the preStop example where
//! a terminating pod leaves the Service at once but lives on for its hook.

mod seed_support;

use seed_support::{apply, jsonpath, row, session, sh, wait};

const CLIENT: &str = "apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: busybox:1.28
    command: [\"sleep\", \"3600\"]
";

fn endpoints(s: &mut podlab_core::terminal::Session, name: &str) -> Vec<String> {
    let table = sh(s, &format!("kubectl get endpoints/{name}"));
    let cols = row(&table, name);
    cols.get(1)
        .map(|e| e.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// 003, "service, endpoints, headless service": before `expose` only the
/// kubernetes Service exists; after, demo has a ClusterIP on 8080 and one
/// endpoint, the pod's IP; scaling to two adds the second pod, the
/// Service itself does not change.
#[test]
fn exposing_the_demo_deployment_gives_a_service_whose_endpoints_follow_the_pods() {
    let mut s = session();
    assert_eq!(
        sh(
            &mut s,
            "kubectl create deployment demo --image quay.io/junkai/demo:1.0"
        ),
        "deployment.apps/demo created\n"
    );
    let svcs = sh(&mut s, "kubectl get svc");
    assert_eq!(svcs.lines().count(), 2, "{svcs}");
    assert_eq!(
        row(&svcs, "kubernetes")[1..5],
        ["ClusterIP", "10.96.0.1", "<none>", "443/TCP"]
    );
    assert_eq!(
        sh(&mut s, "kubectl expose deploy/demo --port=8080"),
        "service/demo exposed\n"
    );
    let svcs = sh(&mut s, "kubectl get svc");
    let demo = row(&svcs, "demo");
    assert_eq!(
        [&demo[1], &demo[3], &demo[4]],
        ["ClusterIP", "<none>", "8080/TCP"],
        "{svcs}"
    );
    let cluster_ip = demo[2].clone();
    assert!(
        cluster_ip.starts_with("10.") && cluster_ip != "10.96.0.1",
        "{svcs}"
    );
    wait(&mut s, 9);
    let pod_ip = jsonpath(&mut s, "pods -l app=demo", "{.items[0].status.podIP}");
    assert_eq!(endpoints(&mut s, "demo"), [format!("{pod_ip}:8080")]);
    assert_eq!(
        sh(&mut s, "kubectl scale --replicas=2 deploy/demo"),
        "deployment.apps/demo scaled\n"
    );
    wait(&mut s, 20);
    let svcs = sh(&mut s, "kubectl get svc");
    assert_eq!(row(&svcs, "demo")[2], cluster_ip, "{svcs}");
    let ips = jsonpath(&mut s, "pods -l app=demo", "{.items[*].status.podIP}");
    let mut want: Vec<String> = ips.split(' ').map(|ip| format!("{ip}:8080")).collect();
    want.sort();
    assert_eq!(endpoints(&mut s, "demo"), want);
    // Both pods answer through the Service's name.
    apply(&mut s, "client.yaml", CLIENT);
    wait(&mut s, 10);
    let mut answered: Vec<String> = (0..8)
        .map(|_| sh(&mut s, "kubectl exec client -- wget -qO- demo:8080"))
        .collect();
    answered.sort();
    answered.dedup();
    assert_eq!(answered.len(), 2, "{answered:?}");
    assert!(
        answered.iter().all(|a| a.starts_with("demo-")),
        "{answered:?}"
    );
}

const PRESTOP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: prestop
  name: prestop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: prestop
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: prestop
    spec:
      containers:
      - image: quay.io/junkai/demo:1.0
        name: demo
        resources: {}
        lifecycle:
          postStart:
            exec:
              command: [\"/bin/sh\", \"-c\", \"echo Hello from the postStart handler > /usr/share/message\"]
          preStop:
            exec:
              command: [\"sleep\", \"20\"]
status: {}
";

/// 003, "postStart 和 preStop 处理函数": the postStart message is there;
/// a deleted pod is Terminating while its 20s preStop sleep runs, is out
/// of the Endpoints at once (all requests go to the other pod), and is
/// gone soon after the hook ends.
#[test]
fn a_deleted_prestop_pod_leaves_the_service_at_once_and_lives_for_its_hook() {
    let mut s = session();
    assert_eq!(
        apply(&mut s, "prestop.yaml", PRESTOP),
        "deployment.apps/prestop created\n"
    );
    sh(&mut s, "kubectl expose deploy/prestop --port=8080");
    sh(&mut s, "kubectl scale --replicas=2 deploy/prestop");
    apply(&mut s, "client.yaml", CLIENT);
    wait(&mut s, 15);
    let names = jsonpath(&mut s, "pods -l app=prestop", "{.items[*].metadata.name}");
    let names: Vec<String> = names.split(' ').map(str::to_string).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(
        sh(
            &mut s,
            &format!("kubectl exec {} -- cat /usr/share/message", names[0])
        ),
        "Hello from the postStart handler\n"
    );
    assert_eq!(endpoints(&mut s, "prestop").len(), 2);
    let gone_ip = jsonpath(&mut s, &format!("pod {}", names[0]), "{.status.podIP}");
    assert_eq!(
        sh(
            &mut s,
            &format!("kubectl delete pod {} --wait=false", names[0])
        ),
        format!("pod \"{}\" deleted\n", names[0])
    );
    wait(&mut s, 1);
    let pods = sh(&mut s, "kubectl get pods -l app=prestop");
    assert_eq!(row(&pods, &names[0])[2], "Terminating", "{pods}");
    let kept_ip = jsonpath(&mut s, &format!("pod {}", names[1]), "{.status.podIP}");
    let eps = endpoints(&mut s, "prestop");
    assert_eq!(
        eps,
        [format!("{kept_ip}:8080")],
        "only the pod that stays: {gone_ip}"
    );
    wait(&mut s, 10);
    for _ in 0..4 {
        let answer = sh(&mut s, "kubectl exec client -- wget -qO- prestop:8080");
        assert_ne!(answer, names[0], "the terminating pod got traffic");
    }
    let pods = sh(&mut s, "kubectl get pods -l app=prestop");
    assert_eq!(
        row(&pods, &names[0])[2],
        "Terminating",
        "still in its preStop hook: {pods}"
    );
    wait(&mut s, 12);
    let pods = sh(&mut s, "kubectl get pods -l app=prestop");
    assert!(
        row(&pods, &names[0]).is_empty(),
        "gone after the hook: {pods}"
    );
}
