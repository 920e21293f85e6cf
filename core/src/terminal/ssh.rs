//! The node hosts' own programs: `ssh` between nodes, and `kubectl` as an
//! installed binary that needs a kubeconfig to find the API server.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::HostOutside;
use crate::userland::proc::{Fd, ProgramFuture};
use crate::userland::{ExitStatus, PipeWriter, Proc};

/// A shell `ssh` asked the session to open.
pub struct Login {
    pub node: String,
    /// `ssh host command`: run this instead of an interactive shell.
    pub command: Option<String>,
    /// Where the session writes the remote exit code (then closes).
    pub reply: PipeWriter,
}

fn boxed(
    f: impl Future<Output = ExitStatus> + 'static,
) -> Pin<Box<dyn Future<Output = ExitStatus>>> {
    Box::pin(f)
}

/// The cluster behind a host and the logins its `ssh` asks for.
type HostLinks = (Rc<RefCell<crate::sim::Cluster>>, Rc<RefCell<Vec<Login>>>);

fn host_of(p: &Proc) -> Option<HostLinks> {
    p.outside()
        .host()
        .and_then(|h| h.downcast_ref::<HostOutside>())
        .map(|h| (h.cluster.clone(), h.logins.clone()))
}

/// OpenSSH's client, reduced to what the playground uses: `ssh [user@]host
/// [command…]` with keys already in place, so no password is asked.
pub fn ssh_main(p: Proc) -> ProgramFuture {
    boxed(async move {
        let mut args = p.argv.iter().skip(1).peekable();
        let mut target = None;
        let mut command: Vec<String> = Vec::new();
        while let Some(a) = args.next() {
            if target.is_none() {
                match a.as_str() {
                    // Options that take a value.
                    "-p" | "-l" | "-i" | "-o" | "-F" | "-J" => {
                        args.next();
                        continue;
                    }
                    s if s.starts_with('-') => continue,
                    _ => target = Some(a.clone()),
                }
            } else {
                command.push(a.clone());
            }
        }
        let Some(target) = target else {
            let _ = p
                .err("usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\n")
                .await;
            return ExitStatus::Code(255);
        };
        let host = target
            .rsplit_once('@')
            .map_or(target.as_str(), |(_, h)| h)
            .to_string();
        let Some((cluster, logins)) = host_of(&p) else {
            let _ = p
                .err(&format!(
                    "ssh: Could not resolve hostname {host}: Name or service not known\n"
                ))
                .await;
            return ExitStatus::Code(255);
        };
        let node = resolve(&cluster.borrow(), &host);
        let Some(node) = node else {
            // A powered-off node's name still resolves (/etc/hosts); its
            // address answers no ARP.
            let down = {
                let c = cluster.borrow();
                let lower = host.to_ascii_lowercase();
                c.nodes().iter().any(|n| n.name == lower) && !c.node_running(&lower)
            };
            let msg = if down || host.parse::<std::net::Ipv4Addr>().is_ok() {
                format!("ssh: connect to host {host} port 22: No route to host\n")
            } else {
                format!(
                    "ssh: Could not resolve hostname {}: Name or service not known\n",
                    host.to_ascii_lowercase()
                )
            };
            let _ = p.err(&msg).await;
            return ExitStatus::Code(255);
        };
        let (reader, writer) = p.pipe();
        let interactive = command.is_empty();
        logins.borrow_mut().push(Login {
            node: node.clone(),
            command: (!interactive).then(|| command.join(" ")),
            reply: writer,
        });
        let reader = Fd::PipeR(reader);
        let mut reply = Vec::new();
        loop {
            let chunk = p.read_from(&reader, 64).await;
            if chunk.is_empty() {
                break;
            }
            reply.extend(chunk);
        }
        let code: i32 = String::from_utf8_lossy(&reply)
            .trim()
            .parse()
            .unwrap_or(255);
        if interactive {
            // Printed once the remote shell is gone, as OpenSSH does for a
            // session with a terminal.
            let _ = p.err(&format!("Connection to {host} closed.\n")).await;
        }
        ExitStatus::from_code(code)
    })
}

/// The node a host name or address names.
fn resolve(cluster: &crate::sim::Cluster, host: &str) -> Option<String> {
    let lower = host.to_ascii_lowercase();
    if cluster.kubelet(&lower).is_some() {
        return Some(lower);
    }
    cluster
        .nodes()
        .into_iter()
        .map(|n| n.name)
        .find(|n| cluster.kubelet(n).is_some_and(|k| k.node_ip() == host))
}

/// `kubectl` as installed on every kubeadm node: without a kubeconfig
/// (`$KUBECONFIG` or `~/.kube/config`) it falls back to
/// `http://localhost:8080`, where nothing listens.
pub fn host_kubectl_main(p: Proc) -> ProgramFuture {
    boxed(async move {
        if has_kubeconfig(&p) || wants_no_server(&p.argv) {
            return crate::kubectl::kubectl_main(p).await;
        }
        let ms = p.wall_ms();
        // klog stamps the OS pid, which is large on a real host.
        let pid = 10_000 + (p.pid * 7_919) % 89_000;
        let line = crate::images::klog_line(
            'E',
            ms,
            pid,
            "memcache.go:265",
            "\"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"http://localhost:8080/api?timeout=32s\\\": dial tcp 127.0.0.1:8080: connect: connection refused\"",
        );
        let mut text = line.repeat(5);
        text.push_str(
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n",
        );
        let _ = p.err(&text).await;
        ExitStatus::Code(1)
    })
}

/// Commands that work without a server (`kubectl version --client`,
/// help).
fn wants_no_server(argv: &[String]) -> bool {
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    args.is_empty()
        || args
            .iter()
            .any(|a| *a == "--help" || *a == "-h" || *a == "--client")
        || matches!(args.first(), Some(&"help") | Some(&"completion"))
}

fn has_kubeconfig(p: &Proc) -> bool {
    let fs = p.fs();
    if let Some(paths) = p.getenv("KUBECONFIG").filter(|v| !v.is_empty()) {
        return paths
            .split(':')
            .any(|f| !f.is_empty() && fs.read(&p.cwd, f).is_ok());
    }
    let home = p.getenv("HOME").unwrap_or("/root");
    fs.read("/", &format!("{home}/.kube/config")).is_ok()
}
