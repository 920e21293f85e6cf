//! The learner's terminal: a shell on the control-plane node whose `kubectl`
//! talks to the simulated cluster and whose `sleep` moves simulated time.
//! The browser terminal and `podlab run` both drive a [`Session`].

mod trace;
mod transcript;

use std::cell::{Ref, RefCell, RefMut};
use std::net::Ipv4Addr;
use std::rc::Rc;

pub use transcript::{split_commands, Command, SplitError};

use crate::apiserver::Millis;
use crate::sim::Cluster;
use crate::userland::fs::Image;
use crate::userland::outside::{Connect, DnsAnswer, HttpReply, HttpRequest, Outside};
use crate::userland::{
    busybox_registry, ExecOptions, Machine, MachineConfig, Output, Pid, PipeWriter, Registry,
    Stdin, Stream,
};

/// The host's view of the world: the cluster behind it.
pub struct HostOutside {
    pub cluster: Rc<RefCell<Cluster>>,
}

impl Outside for HostOutside {
    fn wall_clock_ms(&self, now: u64) -> i64 {
        crate::apiserver::EPOCH_MILLIS + now as i64
    }

    fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer {
        self.cluster.borrow().network().dns_lookup(server, fqdn)
    }

    fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String> {
        self.cluster.borrow().network().dns_reverse(server, ip)
    }

    fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect {
        self.cluster.borrow().network().connect(ip, port)
    }

    fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply {
        self.cluster.borrow().network().http(ip, port, request)
    }

    fn host(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// The cluster behind a host process, if it runs on a host machine.
pub fn cluster_of(p: &crate::userland::Proc) -> Option<Rc<RefCell<Cluster>>> {
    p.outside()
        .host()
        .and_then(|h| h.downcast_ref::<HostOutside>())
        .map(|h| h.cluster.clone())
}

/// A command longer than this (in simulated time) is stopped: a transcript
/// must end even if it runs `sleep infinity`.
pub const MAX_COMMAND_MILLIS: Millis = 24 * 60 * 60 * 1000;

/// Where the session's files live.
pub const HOME: &str = "/root";

/// One output chunk of a command, as a terminal shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub stream: Stream,
    pub text: String,
}

/// A shell session on the cluster.
pub struct Session {
    cluster: Rc<RefCell<Cluster>>,
    host: Machine,
    shell: Pid,
    stdin: PipeWriter,
    output: Output,
}

fn host_registry() -> Registry {
    let mut r = busybox_registry();
    r.register("kubectl", crate::kubectl::kubectl_main);
    r.register("trace", trace::trace_main);
    r
}

impl Session {
    /// A session for scripts: no terminal, no prompts (what `podlab run`
    /// replays transcripts in).
    pub fn new(cluster: Cluster) -> Session {
        Session::start(cluster, false)
    }

    /// A session at a terminal: the shell prompts (`controlplane:~$ `) and
    /// programs see a tty, so `kubectl exec -it … sh` opens an interactive
    /// shell in the container.
    pub fn interactive(cluster: Cluster) -> Session {
        Session::start(cluster, true)
    }

    fn start(cluster: Cluster, tty: bool) -> Session {
        let cluster = Rc::new(RefCell::new(cluster));
        let registry = Rc::new(host_registry());
        let names: Vec<String> = registry.names().iter().map(|n| n.to_string()).collect();
        let applets: Vec<&str> = names.iter().map(String::as_str).collect();
        let image = Image::busybox(&applets);
        let now = cluster.borrow().clock() as u64;
        let mut host = Machine::new(MachineConfig {
            hostname: "controlplane".to_string(),
            image,
            env: vec![
                (
                    "PATH".to_string(),
                    crate::userland::DEFAULT_PATH.to_string(),
                ),
                ("HOME".to_string(), HOME.to_string()),
                (
                    "KUBECONFIG".to_string(),
                    "/etc/kubernetes/admin.conf".to_string(),
                ),
                ("TERM".to_string(), "xterm".to_string()),
                ("PS1".to_string(), "\\h:\\w$ ".to_string()),
            ],
            outside: Rc::new(HostOutside {
                cluster: cluster.clone(),
            }),
            registry,
            working_dir: HOME.to_string(),
        });
        host.advance_to(now);
        let handle = host
            .exec(
                vec!["sh".to_string()],
                ExecOptions {
                    stdin: Stdin::Interactive,
                    tty,
                    env: Vec::new(),
                },
            )
            .expect("the host image has a shell");
        let stdin = handle.stdin.expect("interactive stdin");
        let mut s = Session {
            cluster,
            host,
            shell: handle.pid,
            stdin,
            output: handle.output,
        };
        s.settle(MAX_COMMAND_MILLIS);
        // A terminal keeps the first prompt; a script has none.
        if !tty {
            s.output.take();
        }
        s
    }

    pub fn cluster(&self) -> Ref<'_, Cluster> {
        self.cluster.borrow()
    }

    pub fn cluster_mut(&self) -> RefMut<'_, Cluster> {
        self.cluster.borrow_mut()
    }

    /// Puts a file in the session's home directory (relative paths) or
    /// anywhere (absolute).
    pub fn add_file(&mut self, path: &str, data: &[u8]) {
        let full = crate::userland::fs::absolute(HOME, path);
        let now = crate::apiserver::EPOCH_MILLIS / 1000 + self.cluster.borrow().clock() / 1000;
        let mut fs = self.host.fs();
        let comps: Vec<&str> = full.split('/').filter(|c| !c.is_empty()).collect();
        let mut dir = String::new();
        for c in comps.iter().take(comps.len().saturating_sub(1)) {
            dir.push('/');
            dir.push_str(c);
            let _ = fs.mkdir("/", &dir, 0o755, now);
        }
        let _ = fs.write("/", &full, data, false, now);
    }

    /// Whether the shell has exited (`exit`).
    pub fn ended(&self) -> bool {
        self.host.exit_status(self.shell).is_some()
    }

    /// Runs one command (possibly several lines, with heredocs) to
    /// completion, moving simulated time as it sleeps or waits, and returns
    /// what it printed.
    pub fn run(&mut self, command: &str) -> Vec<Line> {
        let mut text = command.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.stdin.write(text.as_bytes());
        self.settle(MAX_COMMAND_MILLIS);
        self.take_output()
    }

    /// Runs the host until its shell waits for input (or `limit` passes).
    fn settle(&mut self, limit: Millis) {
        let start = self.cluster.borrow().clock();
        let mut idle_rounds = 0;
        loop {
            let now = self.cluster.borrow().clock();
            self.host.advance_to(now as u64);
            if self.ended() {
                return;
            }
            match self.host.next_wake() {
                None => return,
                Some(t) if (t as Millis) > now => {
                    if t as Millis - start > limit {
                        self.cluster.borrow_mut().advance_to(start + limit);
                        self.host.advance_to((start + limit) as u64);
                        return;
                    }
                    self.cluster.borrow_mut().advance_to(t as Millis);
                    idle_rounds = 0;
                }
                Some(_) => {
                    idle_rounds += 1;
                    if idle_rounds > 1_000_000 {
                        return;
                    }
                }
            }
        }
    }

    /// Output written since the last command (at a terminal, the first
    /// prompt).
    pub fn pending_output(&mut self) -> Vec<Line> {
        self.take_output()
    }

    fn take_output(&mut self) -> Vec<Line> {
        let mut lines: Vec<Line> = Vec::new();
        for chunk in self.output.take() {
            let text = String::from_utf8_lossy(&chunk.data).into_owned();
            match lines.last_mut() {
                Some(l) if l.stream == chunk.stream => l.text.push_str(&text),
                _ => lines.push(Line {
                    stream: chunk.stream,
                    text,
                }),
            }
        }
        lines
    }
}
