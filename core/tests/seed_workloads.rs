//! The syllabus's controller examples: Deployments (replacement pods,
//! labels moving pods out of scope, scaling, image updates and rollbacks,
//! orphaning delete), DaemonSets on labelled nodes, and a StatefulSet
//! behind a headless Service.

mod seed_support;

use seed_support::{apply, jsonpath, row, session, sh, wait};

const KUBIA: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: kubia
spec:
  replicas: 3
  selector:
    matchLabels:
      app: kubia
  template:
    metadata:
      labels:
        app: kubia
    spec:
      containers:
        - name: kubia
          image: idealism/kubia
          ports:
            - containerPort: 8080
              protocol: TCP
";

fn names(s: &mut podlab_core::terminal::Session, selector: &str) -> Vec<String> {
    let out = jsonpath(
        s,
        &format!("pods -l {selector}"),
        "{.items[*].metadata.name}",
    );
    out.split_whitespace().map(str::to_string).collect()
}

/// 004, "使用 Deployment": a deleted pod is replaced at once (four pods
/// listed while it terminates); another label leaves it managed; changing
/// `app` takes it out of scope and a new one is made; deleting with
/// `--cascade=false` (now spelled `orphan`) keeps the ReplicaSet and pods.
#[test]
fn the_kubia_deployment_replaces_pods_and_follows_its_selector() {
    let mut s = session();
    s.add_file("kubia-deployment.yaml", KUBIA.as_bytes());
    assert_eq!(
        sh(&mut s, "kubectl create -f kubia-deployment.yaml"),
        "deployment.apps/kubia created\n"
    );
    wait(&mut s, 30);
    let pods = names(&mut s, "app=kubia");
    assert_eq!(pods.len(), 3, "{pods:?}");
    let table = sh(&mut s, "kubectl get pods");
    for p in &pods {
        assert_eq!(row(&table, p)[1..3], ["1/1", "Running"], "{table}");
    }
    sh(
        &mut s,
        &format!("kubectl delete pod {} --wait=false", pods[0]),
    );
    wait(&mut s, 1);
    let table = sh(&mut s, "kubectl get pods");
    assert_eq!(table.lines().count(), 5, "{table}");
    assert_eq!(row(&table, &pods[0])[2], "Terminating", "{table}");
    wait(&mut s, 40);
    assert_eq!(names(&mut s, "app=kubia").len(), 3);
    assert_eq!(
        sh(
            &mut s,
            &format!("kubectl label pod {} type=special", pods[1])
        ),
        format!("pod/{} labeled\n", pods[1])
    );
    wait(&mut s, 5);
    assert_eq!(names(&mut s, "app=kubia").len(), 3);
    sh(
        &mut s,
        &format!("kubectl label pod {} app=foo --overwrite", pods[1]),
    );
    wait(&mut s, 10);
    let managed = names(&mut s, "app=kubia");
    assert_eq!(managed.len(), 3, "{managed:?}");
    assert!(!managed.contains(&pods[1]));
    assert_eq!(
        jsonpath(
            &mut s,
            &format!("pod {}", pods[1]),
            "{.metadata.ownerReferences}"
        ),
        "",
        "the pod out of scope is released"
    );
    assert_eq!(
        sh(&mut s, "kubectl delete deployment kubia --cascade=false"),
        "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\ndeployment.apps \"kubia\" deleted\n"
    );
    wait(&mut s, 10);
    assert_eq!(names(&mut s, "app=kubia").len(), 3);
    let rs = sh(&mut s, "kubectl get rs -o name");
    assert!(rs.starts_with("replicaset.apps/kubia-"), "{rs}");
}

const NGINX_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  selector:
    matchLabels:
      app: nginx
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports:
        - containerPort: 80
";

/// 000, "编排 - 控制器模型": scale to four, a rolling update to an image
/// tag that does not exist (nginx:1.91) stalls with ErrImagePull while the
/// old pods keep serving, and `rollout undo` goes back.
#[test]
fn the_nginx_deployment_scales_stalls_on_a_bad_tag_and_rolls_back() {
    let mut s = session();
    s.add_file("nginx-deployment.yaml", NGINX_DEPLOYMENT.as_bytes());
    sh(&mut s, "kubectl create -f nginx-deployment.yaml");
    wait(&mut s, 30);
    assert_eq!(
        sh(
            &mut s,
            "kubectl scale deployment nginx-deployment --replicas=4"
        ),
        "deployment.apps/nginx-deployment scaled\n"
    );
    wait(&mut s, 20);
    let deployments = sh(&mut s, "kubectl get deployments");
    assert!(
        deployments.starts_with("NAME               READY   UP-TO-DATE   AVAILABLE   AGE\n"),
        "{deployments}"
    );
    assert_eq!(
        row(&deployments, "nginx-deployment")[1..4],
        ["4/4", "4", "4"],
        "{deployments}"
    );
    assert_eq!(
        sh(&mut s, "kubectl rollout status deployment/nginx-deployment"),
        "deployment \"nginx-deployment\" successfully rolled out\n"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl set image deployment/nginx-deployment nginx=nginx:1.91"
        ),
        "deployment.apps/nginx-deployment image updated\n"
    );
    wait(&mut s, 30);
    let deployments = sh(&mut s, "kubectl get deployments");
    // maxSurge 25% of 4 = 1, maxUnavailable 25% = 1: one old pod goes,
    // two new ones cannot pull.
    assert_eq!(
        row(&deployments, "nginx-deployment")[1..4],
        ["3/4", "2", "3"],
        "{deployments}"
    );
    let pods = sh(&mut s, "kubectl get pods");
    let stuck = pods
        .lines()
        .filter(|l| l.contains("ErrImagePull") || l.contains("ImagePullBackOff"))
        .count();
    assert_eq!(stuck, 2, "{pods}");
    let history = sh(
        &mut s,
        "kubectl rollout history deployment/nginx-deployment",
    );
    assert_eq!(
        history,
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        sh(&mut s, "kubectl rollout undo deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment rolled back\n"
    );
    wait(&mut s, 30);
    let deployments = sh(&mut s, "kubectl get deployments");
    assert_eq!(
        row(&deployments, "nginx-deployment")[1..4],
        ["4/4", "4", "4"],
        "{deployments}"
    );
    let images = jsonpath(
        &mut s,
        "pods -l app=nginx",
        "{.items[*].spec.containers[0].image}",
    );
    assert!(images.split(' ').all(|i| i == "nginx:1.7.9"), "{images}");
}

const SSD_MONITOR: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-monitor
spec:
  selector:
    matchLabels:
      app: ssd-monitor
  template:
    metadata:
      labels:
        app: ssd-monitor
    spec:
      nodeSelector:
        disk: ssd
      containers:
        - name: main
          image: idealism/ssd-monitor
";

/// 004, "使用 DaemonSet 只在特定的节点上运行 pod": nothing runs until a
/// node is labelled disk=ssd; relabelling it hdd removes the pod.
#[test]
fn the_ssd_monitor_runs_only_on_nodes_labelled_ssd() {
    let mut s = session();
    s.add_file("ssd-monitor-daemonset.yaml", SSD_MONITOR.as_bytes());
    assert_eq!(
        sh(&mut s, "kubectl create -f ssd-monitor-daemonset.yaml"),
        "daemonset.apps/ssd-monitor created\n"
    );
    wait(&mut s, 5);
    let ds = sh(&mut s, "kubectl get daemonsets");
    assert_eq!(
        row(&ds, "ssd-monitor")[1..7],
        ["0", "0", "0", "0", "0", "disk=ssd"],
        "{ds}"
    );
    assert_eq!(
        sh(&mut s, "kubectl get pods"),
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        sh(&mut s, "kubectl label node node02 disk=ssd"),
        "node/node02 labeled\n"
    );
    wait(&mut s, 10);
    let pods = names(&mut s, "app=ssd-monitor");
    assert_eq!(pods.len(), 1, "{pods:?}");
    assert_eq!(
        jsonpath(&mut s, &format!("pod {}", pods[0]), "{.spec.nodeName}"),
        "node02"
    );
    let log = sh(&mut s, &format!("kubectl logs {}", pods[0]));
    assert!(log.starts_with("SSD OK\n"), "{log}");
    assert_eq!(
        sh(&mut s, "kubectl label node node02 disk=hdd --overwrite"),
        "node/node02 labeled\n"
    );
    wait(&mut s, 1);
    let table = sh(&mut s, "kubectl get pods");
    assert_eq!(row(&table, &pods[0])[2], "Terminating", "{table}");
    wait(&mut s, 40);
    assert_eq!(
        sh(&mut s, "kubectl get pods"),
        "No resources found in default namespace.\n"
    );
}

const FLUENTD: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/master
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: k8s.gcr.io/fluentd-elasticsearch:1.20
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
        - name: varlibdockercontainers
          mountPath: /var/lib/docker/containers
          readOnly: true
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
      - name: varlibdockercontainers
        hostPath:
          path: /var/lib/docker/containers
";

/// 000, "DaemonSet": the notes' toleration names the old master taint;
/// a v1.32 control plane is tainted node-role.kubernetes.io/control-plane,
/// so the daemon runs on the two workers only.
#[test]
fn the_fluentd_daemonset_tolerates_the_old_master_taint_only() {
    let mut s = session();
    apply(&mut s, "fluentd.yaml", FLUENTD);
    wait(&mut s, 30);
    let ds = sh(
        &mut s,
        "kubectl get ds -n kube-system fluentd-elasticsearch",
    );
    assert_eq!(
        row(&ds, "fluentd-elasticsearch")[1..6],
        ["2", "2", "2", "2", "2"],
        "{ds}"
    );
    let nodes = jsonpath(
        &mut s,
        "pods -n kube-system -l name=fluentd-elasticsearch",
        "{.items[*].spec.nodeName}",
    );
    let mut nodes: Vec<&str> = nodes.split(' ').collect();
    nodes.sort();
    assert_eq!(nodes, ["node01", "node02"]);
}

const HEADLESS: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
";

const WEB: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.9.1
        ports:
        - containerPort: 80
          name: web
";

/// 000, "StatefulSet": web-0 then web-1, each resolvable as
/// <pod>.nginx through the headless Service, the name surviving a
/// re-created pod.
#[test]
fn the_web_statefulset_names_its_pods_in_order_behind_a_headless_service() {
    let mut s = session();
    apply(&mut s, "svc.yaml", HEADLESS);
    apply(&mut s, "statefulset.yaml", WEB);
    let svc = sh(&mut s, "kubectl get service nginx");
    assert_eq!(
        row(&svc, "nginx")[1..5],
        ["ClusterIP", "None", "<none>", "80/TCP"],
        "{svc}"
    );
    wait(&mut s, 30);
    assert_eq!(names(&mut s, "app=nginx"), ["web-0", "web-1"]);
    // web-1 is only created once web-0 is Running and Ready.
    let ready = jsonpath(
        &mut s,
        "pod web-0",
        "{.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}",
    );
    let created = jsonpath(&mut s, "pod web-1", "{.metadata.creationTimestamp}");
    assert!(!ready.is_empty() && created >= ready, "{ready} {created}");
    let sts = sh(&mut s, "kubectl get statefulset web");
    assert_eq!(row(&sts, "web")[1], "2/2", "{sts}");
    apply(
        &mut s,
        "dns-test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: dns-test\nspec:\n  containers:\n  - name: c\n    image: busybox:1.28.4\n    command: [\"sleep\", \"3600\"]\n",
    );
    wait(&mut s, 10);
    let ip = jsonpath(&mut s, "pod web-0", "{.status.podIP}");
    let lookup = sh(&mut s, "kubectl exec dns-test -- nslookup web-0.nginx");
    assert_eq!(
        lookup,
        format!("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: {ip} web-0.nginx.default.svc.cluster.local\n")
    );
    sh(&mut s, "kubectl delete pod web-0");
    wait(&mut s, 30);
    let ip = jsonpath(&mut s, "pod web-0", "{.status.podIP}");
    let lookup = sh(&mut s, "kubectl exec dns-test -- nslookup web-0.nginx");
    assert!(
        lookup.ends_with(&format!(
            "Address 1: {ip} web-0.nginx.default.svc.cluster.local\n"
        )),
        "{lookup}"
    );
    let hostname = sh(&mut s, "kubectl exec web-1 -- hostname");
    assert_eq!(hostname, "web-1\n");
}

/// 004, "使用更富有表达力的标签选择器": the notes write `- app: app` where
/// the field is `key`; the API server's strict decoding rejects it, and
/// with `key` the selector prints as `app in (kubia)`.
#[test]
fn a_match_expressions_selector_needs_key_not_app() {
    let mut s = session();
    let typo = KUBIA.replace(
        "    matchLabels:\n      app: kubia\n",
        "    matchExpressions:\n      - app: app\n        operator: In\n        values:\n          - kubia\n",
    );
    s.add_file("kubia-deployment-matchexpressions.yaml", typo.as_bytes());
    assert_eq!(
        sh(&mut s, "kubectl create -f kubia-deployment-matchexpressions.yaml"),
        "Error from server (BadRequest): error when creating \"kubia-deployment-matchexpressions.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.selector.matchExpressions[0].app\"\n"
    );
    s.add_file(
        "kubia-deployment-matchexpressions.yaml",
        typo.replace("- app: app", "- key: app").as_bytes(),
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl create -f kubia-deployment-matchexpressions.yaml"
        ),
        "deployment.apps/kubia created\n"
    );
    wait(&mut s, 30);
    let wide = sh(&mut s, "kubectl get deploy kubia -o wide");
    assert!(
        wide.lines()
            .nth(1)
            .is_some_and(|l| l.ends_with("   app in (kubia)")),
        "{wide}"
    );
    assert_eq!(names(&mut s, "app=kubia").len(), 3);
}

/// 004, "应对节点故障": a worker that stops answering turns NotReady after
/// the node monitor grace period (50s in v1.32); its pods are listed as
/// before until the unreachable taint's 300s toleration runs out, then
/// they are evicted and the Deployment replaces them elsewhere.
#[test]
fn pods_of_a_failed_node_are_replaced_after_five_minutes() {
    let mut s = session();
    s.add_file("kubia-deployment.yaml", KUBIA.as_bytes());
    sh(&mut s, "kubectl create -f kubia-deployment.yaml");
    wait(&mut s, 30);
    let on_node01 = jsonpath(
        &mut s,
        "pods -l app=kubia",
        "{.items[?(@.spec.nodeName==\"node01\")].metadata.name}",
    );
    let on_node01: Vec<String> = on_node01.split_whitespace().map(str::to_string).collect();
    assert!(!on_node01.is_empty());
    assert!(s.cluster_mut().stop_node("node01"));
    wait(&mut s, 40);
    let nodes = sh(&mut s, "kubectl get nodes");
    assert_eq!(
        row(&nodes, "node01")[1],
        "Ready",
        "within the grace period: {nodes}"
    );
    wait(&mut s, 30);
    let nodes = sh(&mut s, "kubectl get nodes");
    assert_eq!(row(&nodes, "node01")[1], "NotReady", "{nodes}");
    let pods = sh(&mut s, "kubectl get pods");
    assert_eq!(pods.lines().count(), 4, "nothing is replaced yet: {pods}");
    wait(&mut s, 300);
    let pods = sh(&mut s, "kubectl get pods");
    for p in &on_node01 {
        assert_eq!(row(&pods, p)[2], "Terminating", "{pods}");
    }
    let running = jsonpath(
        &mut s,
        "pods -l app=kubia --field-selector=status.phase=Running",
        "{.items[*].spec.nodeName}",
    );
    let fresh = running.split(' ').filter(|n| *n != "node01").count();
    assert_eq!(fresh, 3, "{running}");
}

/// 000, "DaemonSet" rollout: `set image`, the history, and `rollout undo
/// --to-revision=1` restoring the old template from its ControllerRevision
/// (which then comes back as revision 3).
#[test]
fn the_fluentd_daemonset_rolls_a_new_image_out_and_back() {
    let mut s = session();
    apply(&mut s, "fluentd.yaml", FLUENTD);
    wait(&mut s, 20);
    assert_eq!(
        sh(
            &mut s,
            "kubectl rollout undo daemonset fluentd-elasticsearch -n kube-system"
        ),
        "error: no last revision to roll back to\n"
    );
    assert_eq!(
        sh(&mut s, "kubectl set image ds/fluentd-elasticsearch fluentd-elasticsearch=k8s.gcr.io/fluentd-elasticsearch:v2.2.0 --record -n=kube-system"),
        "Flag --record has been deprecated, --record will be removed in the future\ndaemonset.apps/fluentd-elasticsearch image updated\n"
    );
    wait(&mut s, 30);
    // --record writes the arguments, then each flag by its long name.
    assert_eq!(
        sh(&mut s, "kubectl rollout history daemonset fluentd-elasticsearch -n kube-system"),
        "daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image ds/fluentd-elasticsearch fluentd-elasticsearch=k8s.gcr.io/fluentd-elasticsearch:v2.2.0 --record=true --namespace=kube-system\n\n"
    );
    let status = sh(
        &mut s,
        "kubectl rollout status ds/fluentd-elasticsearch -n kube-system",
    );
    assert_eq!(
        status,
        "daemon set \"fluentd-elasticsearch\" successfully rolled out\n"
    );
    assert_eq!(
        sh(&mut s, "kubectl rollout undo daemonset fluentd-elasticsearch --to-revision=2 -n kube-system"),
        "daemonset.apps/fluentd-elasticsearch skipped rollback (current template already matches revision 2)\n"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl rollout undo daemonset fluentd-elasticsearch --to-revision=1 -n kube-system"
        ),
        "daemonset.apps/fluentd-elasticsearch rolled back\n"
    );
    wait(&mut s, 30);
    let images = jsonpath(
        &mut s,
        "pods -n kube-system -l name=fluentd-elasticsearch",
        "{.items[*].spec.containers[0].image}",
    );
    assert_eq!(
        images,
        "k8s.gcr.io/fluentd-elasticsearch:1.20 k8s.gcr.io/fluentd-elasticsearch:1.20"
    );
    assert_eq!(
        sh(&mut s, "kubectl rollout history daemonset fluentd-elasticsearch -n kube-system"),
        "daemonset.apps/fluentd-elasticsearch \nREVISION  CHANGE-CAUSE\n2         kubectl set image ds/fluentd-elasticsearch fluentd-elasticsearch=k8s.gcr.io/fluentd-elasticsearch:v2.2.0 --record=true --namespace=kube-system\n3         <none>\n\n"
    );
}
