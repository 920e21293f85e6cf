//! flannel's images: `flanneld` (the node agent of the flannel CNI, run
//! with `--kube-subnet-mgr`) and the CNI plugin image its DaemonSet's init
//! container copies `/flannel` from.

use super::rootfs;
use super::support::{boxed, klog, wait_for_signal};
use super::Built;
use crate::userland::proc::{ExitStatus, Proc, ProgramFuture, Signal};
use crate::userland::Registry;

pub(crate) fn register(r: &mut Registry) {
    r.register("flanneld", flanneld);
    r.register("flannel", cni_plugin);
}

fn path_env() -> Vec<(String, String)> {
    vec![(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    )]
}

/// `docker.io/flannel/flannel:<v>`: Alpine with `/opt/bin/flanneld`.
pub(crate) fn flannel_image(version: &str) -> Built {
    let fs = rootfs::alpine_fs()
        .dir("opt/bin", 0o755)
        .dir("etc/kube-flannel", 0o755)
        .executable("opt/bin/flanneld", "flanneld", format!("{version}\n"))
        .file(
            "opt/bin/mk-docker-opts.sh",
            "#!/bin/sh\n# Generates docker options from flannel's subnet file.\n",
            0o755,
        );
    Built {
        entrypoint: vec!["/opt/bin/flanneld".to_string()],
        cmd: Vec::new(),
        env: path_env(),
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: 32_400_000,
        filesystem: fs.build(),
    }
}

/// `docker.io/flannel/flannel-cni-plugin:<v>`: the plugin binary at
/// `/flannel`, and busybox to copy it.
pub(crate) fn cni_plugin_image(version: &str) -> Built {
    let fs = rootfs::alpine_fs().executable(
        "flannel",
        "flannel",
        format!("CNI Plugin flannel version {version} (linux/amd64)\n"),
    );
    Built {
        entrypoint: Vec::new(),
        cmd: vec!["/bin/sh".to_string()],
        env: path_env(),
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: 4_860_000,
        filesystem: fs.build(),
    }
}

/// The CNI plugin run by hand: it wants the runtime's environment.
fn cni_plugin(p: Proc) -> ProgramFuture {
    boxed(async move {
        let version = p
            .fs()
            .read("/", "/flannel")
            .map(|d| String::from_utf8_lossy(&d).trim().to_string())
            .unwrap_or_default();
        if p.argv.iter().any(|a| a == "version" || a == "--version") {
            let _ = p.out(&format!("{version}\n")).await;
            return ExitStatus::SUCCESS;
        }
        let _ = p
            .out("{\n    \"code\": 4,\n    \"msg\": \"required env variables [CNI_COMMAND] missing\"\n}\n")
            .await;
        ExitStatus::FAILURE
    })
}

fn flanneld(p: Proc) -> ProgramFuture {
    boxed(async move {
        let ms = p.wall_ms();
        let pid = p.pid;
        let node = p.hostname().to_string();
        let subnet_mgr = p.argv.iter().any(|a| a == "--kube-subnet-mgr");
        let ip_masq = p.argv.iter().any(|a| a == "--ip-masq");
        let k = |level: char, at: &str, msg: &str| klog(level, ms, pid, at, msg);
        let mut lines = vec![
            k('I', "main.go:211", &format!("CLI flags config: {{etcdEndpoints:http://127.0.0.1:4001,http://127.0.0.1:2379 etcdPrefix:/coreos.com/network etcdKeyfile: etcdCertfile: etcdCAFile: etcdUsername: etcdPassword: version:false kubeSubnetMgr:{subnet_mgr} kubeApiUrl: kubeAnnotationPrefix:flannel.alpha.coreos.com kubeConfigFile: iface:[] ifaceRegex:[] ipMasq:{ip_masq} ipMasqRandomFullyDisable:false ifaceCanReach: subnetFile:/run/flannel/subnet.env publicIP: publicIPv6: subnetLeaseRenewMargin:60 healthzIP:0.0.0.0 healthzPort:0 iptablesResyncSeconds:5 iptablesForwardRules:true netConfPath:/etc/kube-flannel/net-conf.json setNodeNetworkUnavailable:true}}")),
            k('W', "client_config.go:659", "Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work."),
            k('I', "kube.go:139", "Waiting 10m0s for node controller to sync"),
            k('I', "kube.go:469", "Starting kube subnet manager"),
            k('I', "kube.go:146", "Node controller sync successful"),
            k('I', "main.go:231", &format!("Created subnet manager: Kubernetes Subnet Manager - {node}")),
            k('I', "main.go:234", "Installing signal handlers"),
            k('I', "main.go:452", "Found network config - Backend type: vxlan"),
            k('I', "match.go:211", "Determining IP address of default interface"),
            k('I', "vxlan.go:141", "VXLAN config: VNI=1 Port=0 GBP=false Learning=false DirectRouting=false"),
            k('I', "main.go:355", "Setting up masking rules"),
            k('I', "main.go:406", "Changing default FORWARD chain policy to ACCEPT"),
            k('I', "main.go:420", "Wrote subnet file to /run/flannel/subnet.env"),
            k('I', "main.go:424", "Running backend."),
            k('I', "vxlan_network.go:65", "watching for new subnet leases"),
            k('I', "main.go:445", "Waiting for all goroutines to exit"),
        ];
        if !subnet_mgr {
            lines.truncate(1);
            lines.push(k('E', "main.go:228", "Failed to create SubnetManager: failed to create etcd client: dial tcp 127.0.0.1:2379: connect: connection refused"));
            let _ = p.err(&lines.concat()).await;
            return ExitStatus::FAILURE;
        }
        // The subnet file the CNI plugin reads on this node.
        {
            let now = p.wall_secs();
            let mut fs = p.fs_mut();
            let _ = fs.write(
                "/",
                "/run/flannel/subnet.env",
                b"FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n",
                false,
                now,
            );
        }
        let _ = p.err(&lines.concat()).await;
        let sig = wait_for_signal(&p, &[Signal::Term, Signal::Int]).await;
        let _ = p
            .err(&klog(
                'I',
                p.wall_ms(),
                pid,
                "main.go:252",
                &format!(
                    "shutdownHandler sent cancel signal... ({})",
                    if sig == Signal::Int {
                        "interrupt"
                    } else {
                        "terminated"
                    }
                ),
            ))
            .await;
        ExitStatus::SUCCESS
    })
}
