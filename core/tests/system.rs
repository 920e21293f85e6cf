//! The cluster as kubeadm and flannel leave it, and the node hosts behind
//! it: kube-system's pods, `ssh` between nodes, hostPath directories seen
//! from both sides, and DNS that depends on CoreDNS.

mod common;

use common::{err, text};

use podlab_core::sim::NodeSpecConfig;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

fn session() -> Session {
    Session::new(Cluster::new(ClusterConfig::default()))
}

#[test]
fn kube_system_has_the_control_plane_as_static_pods_on_controlplane() {
    let mut s = session();
    let out = text(&s.run("kubectl get pods -n kube-system -o wide --no-headers"));
    for name in [
        "etcd-controlplane",
        "kube-apiserver-controlplane",
        "kube-controller-manager-controlplane",
        "kube-scheduler-controlplane",
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} missing:\n{out}"));
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (cols[1], cols[2], cols[5], cols[6]),
            ("1/1", "Running", "192.168.1.10", "controlplane"),
            "{line}"
        );
    }
}

#[test]
fn kube_proxy_and_flannel_run_on_every_node_with_the_node_address() {
    let mut s = session();
    for (ns, prefix) in [
        ("kube-system", "kube-proxy-"),
        ("kube-flannel", "kube-flannel-ds-"),
    ] {
        let out = text(&s.run(&format!("kubectl get pods -n {ns} -o wide --no-headers")));
        let mut nodes: Vec<(String, String)> = out
            .lines()
            .filter(|l| l.starts_with(prefix))
            .map(|l| {
                let c: Vec<&str> = l.split_whitespace().collect();
                assert_eq!((c[1], c[2]), ("1/1", "Running"), "{l}");
                (c[6].to_string(), c[5].to_string())
            })
            .collect();
        nodes.sort();
        assert_eq!(
            nodes,
            [
                ("controlplane".to_string(), "192.168.1.10".to_string()),
                ("node01".to_string(), "192.168.1.11".to_string()),
                ("node02".to_string(), "192.168.1.12".to_string()),
            ],
            "{ns}"
        );
    }
}

#[test]
fn kubeadm_config_maps_are_where_kubeadm_puts_them() {
    let mut s = session();
    let cases = [
        ("kube-system", "coredns", "Corefile"),
        ("kube-system", "kube-proxy", "config.conf"),
        ("kube-system", "kubeadm-config", "ClusterConfiguration"),
        ("kube-system", "kubelet-config", "kubelet"),
        (
            "kube-system",
            "extension-apiserver-authentication",
            "client-ca-file",
        ),
        ("kube-public", "cluster-info", "kubeconfig"),
        ("kube-flannel", "kube-flannel-cfg", "net-conf.json"),
    ];
    for (ns, name, key) in cases {
        let out = s.run(&format!(
            "kubectl get cm -n {ns} {name} -o jsonpath='{{.data}}' | grep -c '{key}'"
        ));
        assert_eq!(text(&out).trim(), "1", "{ns}/{name} has {key}");
    }
}

#[test]
fn the_flannel_init_containers_install_the_cni_files_on_each_host() {
    let mut s = session();
    let out = text(&s.run("ssh node02 ls /etc/cni/net.d /opt/cni/bin"));
    assert!(out.contains("10-flannel.conflist"), "{out}");
    assert!(out.contains("flannel"), "{out}");
}

#[test]
fn ssh_opens_a_shell_on_the_node_and_exit_returns() {
    let mut s = session();
    assert_eq!(s.hostname(), "controlplane");
    let cases = [
        ("ssh node01", "node01", ""),
        ("hostname", "node01", "node01\n"),
        ("exit", "controlplane", "Connection to node01 closed.\n"),
        ("ssh root@node02", "node02", ""),
        ("ssh controlplane", "controlplane", ""),
        ("exit", "node02", "Connection to controlplane closed.\n"),
        ("exit", "controlplane", "Connection to node02 closed.\n"),
        ("hostname", "controlplane", "controlplane\n"),
    ];
    for (cmd, host, out) in cases {
        assert_eq!(text(&s.run(cmd)), out, "{cmd}");
        assert_eq!(s.hostname(), host, "after {cmd}");
    }
    assert!(!s.ended());
}

#[test]
fn ssh_to_an_unknown_host_fails_as_openssh_does() {
    let mut s = session();
    let out = s.run("ssh node09");
    assert_eq!(
        err(&out),
        "ssh: Could not resolve hostname node09: Name or service not known\n"
    );
    assert_eq!(text(&s.run("echo $?")), "255\n");
    assert_eq!(s.hostname(), "controlplane");
}

#[test]
fn ssh_with_a_command_runs_it_remotely_and_returns_its_status() {
    let mut s = session();
    assert_eq!(text(&s.run("ssh node01 hostname")), "node01\n");
    s.run("ssh node01 'exit 3'");
    assert_eq!(text(&s.run("echo $?")), "3\n");
}

#[test]
fn kubectl_on_a_worker_has_no_kubeconfig() {
    let mut s = session();
    s.run("ssh node01");
    let out = err(&s.run("kubectl get pods"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    for l in &lines[..5] {
        assert!(l.starts_with('E'), "{l}");
        assert!(l.ends_with("memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"http://localhost:8080/api?timeout=32s\\\": dial tcp 127.0.0.1:8080: connect: connection refused\""), "{l}");
    }
    assert_eq!(
        lines[5],
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?"
    );
    assert_eq!(text(&s.run("echo $?")), "1\n");
    s.run("exit");
    // Back on the control plane kubectl works, also in an ssh login there.
    s.run("ssh controlplane");
    assert_eq!(
        text(&s.run("kubectl get nodes --no-headers | wc -l")).trim(),
        "3"
    );
}

#[test]
fn a_file_a_pod_writes_to_a_host_path_is_on_that_node() {
    let mut s = session();
    s.run("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: writer\nspec:\n  nodeName: node01\n  containers:\n  - name: w\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo hello from the pod > /data/x; sleep 3600\"]\n    volumeMounts:\n    - name: d\n      mountPath: /data\n  volumes:\n  - name: d\n    hostPath:\n      path: /var/data\nEOF");
    s.run("sleep 10");
    assert_eq!(
        text(&s.run("ssh node01 cat /var/data/x")),
        "hello from the pod\n"
    );
    assert_eq!(
        err(&s.run("ssh node02 cat /var/data/x")),
        "cat: can't open '/var/data/x': No such file or directory\n"
    );
    // And the other way round: a file put there on the host shows in the pod.
    s.run("ssh node01 'echo from the host > /var/data/y'");
    assert_eq!(
        text(&s.run("kubectl exec writer -- cat /data/y")),
        "from the host\n"
    );
}

#[test]
fn host_path_type_checks_see_the_node_s_files() {
    let cases = [
        ("Directory", "/etc/kubernetes", None),
        (
            "Directory",
            "/nope",
            Some("hostPath type check failed: /nope is not a directory"),
        ),
        (
            "Directory",
            "/etc/kubernetes/kubelet.conf",
            Some("hostPath type check failed: /etc/kubernetes/kubelet.conf is not a directory"),
        ),
        ("File", "/etc/kubernetes/kubelet.conf", None),
        (
            "File",
            "/etc/kubernetes",
            Some("hostPath type check failed: /etc/kubernetes is not a file"),
        ),
        ("FileOrCreate", "/tmp/new-file", None),
        ("DirectoryOrCreate", "/srv/new/dir", None),
        (
            "Socket",
            "/run/containerd/containerd.sock",
            Some(
                "hostPath type check failed: /run/containerd/containerd.sock is not a socket file",
            ),
        ),
    ];
    for (t, path, failure) in cases {
        let mut s = session();
        s.run(&format!("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: hp\nspec:\n  nodeName: node02\n  containers:\n  - name: c\n    image: busybox\n    command: [\"sleep\", \"3600\"]\n    volumeMounts:\n    - name: h\n      mountPath: /h\n  volumes:\n  - name: h\n    hostPath:\n      path: {path}\n      type: {t}\nEOF"));
        s.run("sleep 10");
        let phase = text(&s.run("kubectl get pod hp -o jsonpath='{.status.phase}'"));
        let events = text(&s.run("kubectl get events --field-selector reason=FailedMount -o jsonpath='{.items[*].message}'"));
        match failure {
            None => {
                assert_eq!(phase, "Running", "{t} {path}: {events}");
                assert!(events.is_empty(), "{t} {path}");
                let exists = s.run(&format!("ssh node02 test -e {path}"));
                assert!(exists.is_empty());
                assert_eq!(
                    text(&s.run("echo $?")),
                    "0\n",
                    "{t} {path} exists on the host"
                );
            }
            Some(msg) => {
                assert_eq!(phase, "Pending", "{t} {path}");
                assert!(
                    events.contains(&format!(
                        "MountVolume.SetUp failed for volume \"h\" : {msg}"
                    )),
                    "{t} {path}: {events}"
                );
            }
        }
    }
}

#[test]
fn dns_answers_only_while_coredns_has_ready_endpoints() {
    let mut s = session();
    let has_endpoints = text(&s.run(
        "kubectl get endpoints -n kube-system kube-dns -o jsonpath='{.subsets[*].addresses[*].ip}'",
    ));
    assert_eq!(
        has_endpoints.split_whitespace().count(),
        2,
        "both CoreDNS replicas back kube-dns: {has_endpoints}"
    );
    s.run("kubectl run box --image=busybox -- sleep 3600");
    s.run("sleep 10");
    let lookup = "kubectl exec box -- nslookup kubernetes.default";
    assert!(text(&s.run(lookup)).contains("10.96.0.1"));
    s.run("kubectl scale deployment coredns -n kube-system --replicas=0");
    s.run("sleep 40");
    // busybox's nslookup, as in the DNS debugging guide: the server has
    // no name either, since its reverse lookup failed too.
    let out = text(&s.run(lookup));
    assert!(
        out.contains("nslookup: can't resolve 'kubernetes.default'"),
        "{out}"
    );
    assert!(out.contains("Address 1: 10.96.0.10\n"), "{out}");
    s.run("kubectl scale deployment coredns -n kube-system --replicas=2");
    s.run("sleep 40");
    assert!(text(&s.run(lookup)).contains("10.96.0.1"));
}

#[test]
fn host_network_pods_answer_on_their_node_address() {
    let mut s = session();
    // The API server's static pod listens on the control plane's address.
    let out = text(&s.run("kubectl run probe --image=busybox --restart=Never -- wget -qO- -T 2 http://192.168.1.10:2381/health; sleep 10; kubectl logs probe"));
    assert!(out.contains("{\"health\":\"true\""), "{out}");
}

#[test]
fn ssh_follows_nodes_that_stop_start_and_join() {
    let mut s = session();
    assert!(s.cluster_mut().stop_node("node01"));
    let out = s.run("ssh node01");
    assert_eq!(
        err(&out),
        "ssh: connect to host node01 port 22: No route to host\n"
    );
    assert_eq!(text(&s.run("echo $?")), "255\n");
    assert!(s.cluster_mut().start_node("node01"));
    assert_eq!(text(&s.run("ssh node01 hostname")), "node01\n");
    assert!(s.cluster_mut().add_node(NodeSpecConfig {
        name: "node03".into(),
        labels: Vec::new(),
        taints: Vec::new(),
        cpu_millis: 2000,
        memory_bytes: 4 << 30,
        max_pods: 110,
    }));
    s.run("sleep 30");
    let cases = [
        ("the new node is a host", "ssh node03 hostname", "node03\n"),
        (
            "flannel's init containers installed its CNI config",
            "ssh node03 ls /etc/cni/net.d",
            "10-flannel.conflist\n",
        ),
    ];
    for (name, cmd, want) in cases {
        assert_eq!(text(&s.run(cmd)), want, "{name}");
    }
}
