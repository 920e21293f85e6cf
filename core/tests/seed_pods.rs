//! The syllabus's pod examples: containers sharing a volume and a process
//! namespace, init containers waiting for services, lifecycle hooks,
//! hostAliases, nodeSelector, and data projected from Secrets, ConfigMaps
//! and the Downward API.

mod seed_support;

use seed_support::{apply, jsonpath, row, session, sh, wait};

const TWO_CONTAINERS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: two-containers
spec:
  restartPolicy: Never
  volumes:
  - name: shared-data
    emptyDir: {}
  containers:
  - name: nginx-container
    image: nginx
    volumeMounts:
    - name: shared-data
      mountPath: /usr/share/nginx/html
  - name: debian-container
    image: debian
    volumeMounts:
    - name: shared-data
      mountPath: /pod-data
    command: [\"/bin/sh\"]
    args: [\"-c\", \"echo Hello from the debian container > /pod-data/index.html\"]
";

/// 003, "共享存储": the debian container writes the page and exits 0; the
/// pod stays 1/2 NotReady (restartPolicy Never) and nginx serves the page.
#[test]
fn two_containers_share_an_empty_dir_and_nginx_serves_what_debian_wrote() {
    let mut s = session();
    apply(&mut s, "two-containers.yaml", TWO_CONTAINERS);
    wait(&mut s, 30);
    let pods = sh(&mut s, "kubectl get pod two-containers");
    assert_eq!(
        row(&pods, "two-containers")[1..4],
        ["1/2", "NotReady", "0"],
        "{pods}"
    );
    let debian = jsonpath(
        &mut s,
        "pod two-containers",
        "{.status.containerStatuses[?(@.name==\"debian-container\")].state.terminated.reason} {.status.containerStatuses[?(@.name==\"debian-container\")].state.terminated.exitCode}",
    );
    assert_eq!(debian, "Completed 0");
    let ip = jsonpath(&mut s, "pod two-containers", "{.status.podIP}");
    apply(
        &mut s,
        "client.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox:1.28\n    command: [\"sleep\", \"3600\"]\n",
    );
    wait(&mut s, 10);
    let page = sh(&mut s, &format!("kubectl exec client -- wget -qO- {ip}"));
    assert_eq!(page, "Hello from the debian container\n");
}

const SHARED_PID: &str = "apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  shareProcessNamespace: true
  containers:
  - name: nginx
    image: nginx
  - name: shell
    image: busybox:1.28
    securityContext:
      capabilities:
        add:
        - SYS_PTRACE
    stdin: true
    tty: true
";

/// 003, "共享命名空间" (and 000's shareProcessNamespace pod): the busybox
/// container has no command but keeps stdin and a tty, so its shell waits
/// and the pod runs 2/2; nginx's image has no `ps`, busybox's has.
#[test]
fn the_shell_sidecar_with_stdin_and_tty_keeps_running_beside_nginx() {
    let mut s = session();
    apply(&mut s, "nginx.yaml", SHARED_PID);
    wait(&mut s, 60);
    let pods = sh(&mut s, "kubectl get pod nginx");
    assert_eq!(row(&pods, "nginx")[1..4], ["2/2", "Running", "0"], "{pods}");
    let no_ps = sh(&mut s, "kubectl exec nginx -c nginx -- ps");
    assert!(
        no_ps.contains("exec: \"ps\": executable file not found in $PATH: unknown"),
        "{no_ps}"
    );
    let ps = sh(&mut s, "kubectl exec nginx -c shell -- ps -ef");
    assert!(ps.starts_with("PID   USER     TIME  COMMAND\n"), "{ps}");
    assert!(ps.contains(" sh\n") && ps.contains(" ps -ef\n"), "{ps}");
}

const MYAPP: &str = "apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app: myapp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', \"until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done\"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', \"until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 5; done\"]
";

const MYAPP_SERVICES: &str = "apiVersion: v1
kind: Service
metadata:
  name: myservice
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: mydb
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9377
";

/// 003, "init pod demo1": the first init container loops on nslookup until
/// the service exists; then the second one, then the app.
#[test]
fn init_containers_wait_for_their_services_then_the_app_starts() {
    let mut s = session();
    apply(&mut s, "myapp.yaml", MYAPP);
    wait(&mut s, 20);
    let pods = sh(&mut s, "kubectl get pod myapp-pod");
    assert_eq!(
        row(&pods, "myapp-pod")[1..4],
        ["0/1", "Init:0/2", "0"],
        "{pods}"
    );
    let log = sh(&mut s, "kubectl logs myapp-pod -c init-myservice");
    for line in [
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n",
        "nslookup: can't resolve 'myservice.default.svc.cluster.local'\n",
        "waiting for myservice\n",
    ] {
        assert!(log.contains(line), "missing {line:?} in\n{log}");
    }
    let waiting = sh(&mut s, "kubectl logs myapp-pod");
    assert_eq!(
        waiting,
        "Error from server (BadRequest): container \"myapp-container\" in pod \"myapp-pod\" is waiting to start: PodInitializing\n"
    );
    assert_eq!(
        apply(&mut s, "services.yaml", MYAPP_SERVICES),
        "service/myservice created\nservice/mydb created\n"
    );
    wait(&mut s, 10);
    let pods = sh(&mut s, "kubectl get pod myapp-pod");
    assert_eq!(
        row(&pods, "myapp-pod")[1..4],
        ["1/1", "Running", "0"],
        "{pods}"
    );
    assert_eq!(
        sh(&mut s, "kubectl logs myapp-pod"),
        "The app is running!\n"
    );
    let db = sh(&mut s, "kubectl logs myapp-pod -c init-mydb");
    assert!(
        db.contains("Name:      mydb.default.svc.cluster.local\n"),
        "{db}"
    );
}

const LIFECYCLE_DEMO: &str = "apiVersion: v1
kind: Pod
metadata:
  name: lifecycle-demo
spec:
  containers:
  - name: lifecycle-demo-container
    image: nginx
    lifecycle:
      postStart:
        exec:
          command: [\"/bin/sh\", \"-c\", \"echo Hello from the postStart handler > /usr/share/message\"]
      preStop:
        exec:
          command: [\"/usr/sbin/nginx\",\"-s\",\"quit\"]
";

/// 000, "Lifecycle": the postStart hook writes its message and the
/// container is Running as soon as the hook is done; on delete the
/// preStop hook quits nginx gracefully, well inside the grace period.
#[test]
fn the_post_start_hook_writes_its_message_and_pre_stop_quits_nginx() {
    let mut s = session();
    apply(&mut s, "lifecycle.yaml", LIFECYCLE_DEMO);
    wait(&mut s, 5);
    let pods = sh(&mut s, "kubectl get pod lifecycle-demo");
    assert_eq!(
        row(&pods, "lifecycle-demo")[1..3],
        ["1/1", "Running"],
        "{pods}"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl exec lifecycle-demo -- cat /usr/share/message"
        ),
        "Hello from the postStart handler\n"
    );
    sh(&mut s, "kubectl delete pod lifecycle-demo --wait=false");
    wait(&mut s, 5);
    assert_eq!(
        sh(&mut s, "kubectl get pod lifecycle-demo"),
        "Error from server (NotFound): pods \"lifecycle-demo\" not found\n"
    );
}

const HOST_ALIASES: &str = "apiVersion: v1
kind: Pod
metadata:
  name: hostaliases-pod
spec:
  hostAliases:
  - ip: \"10.1.2.3\"
    hostnames:
    - \"foo.remote\"
    - \"bar.remote\"
  containers:
  - name: cat-hosts
    image: busybox:1.28
    command: [\"sleep\", \"3600\"]
";

/// 000, "HostAliases": the kubelet-managed /etc/hosts ends with the
/// aliases, after the pod's own entry.
#[test]
fn host_aliases_are_appended_to_the_kubelet_managed_hosts_file() {
    let mut s = session();
    apply(&mut s, "hostaliases.yaml", HOST_ALIASES);
    wait(&mut s, 10);
    let ip = jsonpath(&mut s, "pod hostaliases-pod", "{.status.podIP}");
    let hosts = sh(&mut s, "kubectl exec hostaliases-pod -- cat /etc/hosts");
    assert_eq!(
        hosts,
        format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{ip}\thostaliases-pod\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.remote\tbar.remote\n"
        )
    );
}

/// 000, "NodeSelector": a pod asking for `disktype: ssd` waits Pending
/// until a node carries the label, then runs there.
#[test]
fn a_node_selector_keeps_the_pod_pending_until_a_node_is_labelled() {
    let mut s = session();
    apply(
        &mut s,
        "ssd.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssd-pod\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: nginx\n    image: nginx\n",
    );
    wait(&mut s, 5);
    assert_eq!(
        jsonpath(&mut s, "pod ssd-pod", "{.status.phase}"),
        "Pending"
    );
    let events = sh(&mut s, "kubectl get events --field-selector reason=FailedScheduling -o jsonpath='{.items[0].message}'");
    assert_eq!(
        events,
        // The doubled period is the scheduler's own (FitError.Error).
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.."
    );
    assert_eq!(
        sh(&mut s, "kubectl label node node02 disktype=ssd"),
        "node/node02 labeled\n"
    );
    wait(&mut s, 15);
    assert_eq!(
        jsonpath(&mut s, "pod ssd-pod", "{.spec.nodeName} {.status.phase}"),
        "node02 Running"
    );
}

const PROJECTED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: test-projected-volume
spec:
  containers:
  - name: test-secret-volume
    image: busybox
    args:
    - sleep
    - \"86400\"
    volumeMounts:
    - name: mysql-cred
      mountPath: \"/projected-volume\"
      readOnly: true
  volumes:
  - name: mysql-cred
    projected:
      sources:
      - secret:
          name: user
      - secret:
          name: pass
";

/// 000, "Projected Volume / Secret": two Secrets made from files show up
/// as two files in one directory; the pod waits in ContainerCreating
/// while they are missing.
#[test]
fn two_secrets_project_into_one_directory() {
    let mut s = session();
    apply(&mut s, "test-projected-volume.yaml", PROJECTED);
    wait(&mut s, 10);
    let pods = sh(&mut s, "kubectl get pod test-projected-volume");
    assert_eq!(
        row(&pods, "test-projected-volume")[2],
        "ContainerCreating",
        "{pods}"
    );
    let described = sh(&mut s, "kubectl describe pod test-projected-volume");
    assert!(
        described.contains(
            "MountVolume.SetUp failed for volume \"mysql-cred\" : secret \"user\" not found"
        ),
        "{described}"
    );
    s.add_file("username.txt", b"admin");
    s.add_file("password.txt", b"c1oudc0w!");
    assert_eq!(
        sh(
            &mut s,
            "kubectl create secret generic user --from-file=./username.txt"
        ),
        "secret/user created\n"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl create secret generic pass --from-file=./password.txt"
        ),
        "secret/pass created\n"
    );
    wait(&mut s, 90);
    let pods = sh(&mut s, "kubectl get pod test-projected-volume");
    assert_eq!(row(&pods, "test-projected-volume")[2], "Running", "{pods}");
    assert_eq!(
        sh(
            &mut s,
            "kubectl exec test-projected-volume -- ls /projected-volume/"
        ),
        "password.txt\nusername.txt\n"
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl exec test-projected-volume -- cat /projected-volume/username.txt"
        ),
        "admin"
    );
}

/// 000, "ConfigMap": a ConfigMap made from a .properties file keeps the
/// file under its name as one key.
#[test]
fn a_config_map_from_a_properties_file_keeps_the_file_as_one_key() {
    let mut s = session();
    s.add_file(
        "example/ui.properties",
        b"color.good=purple\ncolor.bad=yellow\nallow.textmode=true\nhow.nice.to.look=fairlyNice\n",
    );
    assert_eq!(
        sh(
            &mut s,
            "kubectl create configmap ui-config --from-file=example/ui.properties"
        ),
        "configmap/ui-config created\n"
    );
    let yaml = sh(&mut s, "kubectl get configmaps ui-config -o yaml");
    assert!(
        yaml.starts_with("apiVersion: v1\ndata:\n  ui.properties: |\n    color.good=purple\n    color.bad=yellow\n    allow.textmode=true\n    how.nice.to.look=fairlyNice\nkind: ConfigMap\nmetadata:\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  name: ui-config\n  namespace: default\n"),
        "{yaml}"
    );
}

/// 000, "Downward API": the pod's labels appear as a file, one
/// `key="value"` a line.
#[test]
fn the_downward_api_projects_the_pod_labels_into_a_file() {
    let mut s = session();
    apply(
        &mut s,
        "podinfo.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: test-downwardapi-volume\n  labels:\n    zone: us-est-coast\n    cluster: test-cluster1\n    rack: rack-22\nspec:\n  containers:\n  - name: client-container\n    image: busybox:1.28\n    command: [\"sh\", \"-c\", \"sleep 3600\"]\n    volumeMounts:\n    - name: podinfo\n      mountPath: /etc/podinfo\n      readOnly: false\n  volumes:\n  - name: podinfo\n    projected:\n      sources:\n      - downwardAPI:\n          items:\n          - path: \"labels\"\n            fieldRef:\n              fieldPath: metadata.labels\n",
    );
    wait(&mut s, 10);
    assert_eq!(
        sh(
            &mut s,
            "kubectl exec test-downwardapi-volume -- cat /etc/podinfo/labels"
        ),
        "cluster=\"test-cluster1\"\nrack=\"rack-22\"\nzone=\"us-est-coast\""
    );
}
