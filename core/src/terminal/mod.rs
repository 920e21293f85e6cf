//! The learner's terminal: a shell on the control-plane node's host whose
//! `kubectl` talks to the simulated cluster, whose `sleep` moves simulated
//! time and whose `ssh` opens shells on the other nodes' hosts.
//! The browser terminal and `podlab run` both drive a [`Session`].

mod ssh;
mod trace;
mod transcript;

use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
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

pub use ssh::Login;

/// A node host's view of the world: the cluster behind it, reached from
/// the node's own address.
pub struct HostOutside {
    pub cluster: Rc<RefCell<Cluster>>,
    /// The node's InternalIP: where its loopback leads (host-network pods
    /// listen there).
    pub node_ip: Ipv4Addr,
    /// Logins that `ssh` asked for, for the session to open.
    pub logins: Rc<RefCell<Vec<ssh::Login>>>,
}

impl HostOutside {
    fn target(&self, ip: Ipv4Addr) -> Ipv4Addr {
        if ip.is_loopback() {
            self.node_ip
        } else {
            ip
        }
    }
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
        self.cluster
            .borrow()
            .network()
            .connect(self.target(ip), port)
    }

    fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply {
        let mut request = request.clone();
        request.client_ip = Some(if ip.is_loopback() {
            Ipv4Addr::LOCALHOST
        } else {
            self.node_ip
        });
        self.cluster
            .borrow()
            .network()
            .http(self.target(ip), port, &request)
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

/// A shell running on a node host: the learner's first shell, or one that
/// `ssh` opened.
struct Shell {
    node: String,
    pid: Pid,
    /// Where typed input goes; none for `ssh host command`.
    stdin: Option<PipeWriter>,
    output: Output,
    /// Tells the waiting `ssh` how the remote side ended.
    reply: Option<PipeWriter>,
}

/// A shell session on the cluster, starting on `controlplane`; `ssh`
/// nests shells on other nodes.
pub struct Session {
    cluster: Rc<RefCell<Cluster>>,
    /// Each node's host machine, started when first logged into.
    hosts: BTreeMap<String, Machine>,
    /// The login shell first, then shells opened by `ssh`, innermost last.
    shells: Vec<Shell>,
    logins: Rc<RefCell<Vec<ssh::Login>>>,
    pending: Vec<Line>,
    /// Whether the session is at a terminal (prompts, a tty for programs).
    tty: bool,
}

/// The programs of a node host: busybox's applets, `kubectl` and `ssh`.
pub fn host_registry() -> Registry {
    let mut r = busybox_registry();
    r.register("kubectl", ssh::host_kubectl_main);
    r.register("ssh", ssh::ssh_main);
    r.register("trace", trace::trace_main);
    r
}

thread_local! {
    static HOST_REGISTRY: Rc<Registry> = Rc::new(host_registry());
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
        let mut s = Session {
            cluster,
            hosts: BTreeMap::new(),
            shells: Vec::new(),
            logins: Rc::new(RefCell::new(Vec::new())),
            pending: Vec::new(),
            tty,
        };
        let env = vec![(
            "KUBECONFIG".to_string(),
            "/etc/kubernetes/admin.conf".to_string(),
        )];
        let opened = s.open_shell("controlplane", None, env);
        if let Some(shell) = opened {
            s.shells.push(shell);
        }
        s.settle(MAX_COMMAND_MILLIS);
        // A terminal keeps the first prompt; a script has none.
        if !tty {
            s.pending.clear();
        }
        s
    }

    pub fn cluster(&self) -> Ref<'_, Cluster> {
        self.cluster.borrow()
    }

    pub fn cluster_mut(&self) -> RefMut<'_, Cluster> {
        self.cluster.borrow_mut()
    }

    /// The host the innermost shell runs on (what a prompt shows).
    pub fn hostname(&self) -> &str {
        self.shells
            .iter()
            .rev()
            .find(|s| s.stdin.is_some())
            .map_or("controlplane", |s| s.node.as_str())
    }

    /// The node's host machine, started on first use.
    fn host(&mut self, node: &str) -> Option<&mut Machine> {
        if !self.hosts.contains_key(node) {
            let (volume, ip) = {
                let mut c = self.cluster.borrow_mut();
                let ip = c.kubelet(node)?.node_ip().parse().ok()?;
                (c.host_filesystem(node)?, ip)
            };
            let now = self.cluster.borrow().clock() as u64;
            let mut m = Machine::new(MachineConfig {
                hostname: node.to_string(),
                image: Image::builder().build(),
                env: vec![
                    (
                        "PATH".to_string(),
                        crate::userland::DEFAULT_PATH.to_string(),
                    ),
                    ("HOME".to_string(), HOME.to_string()),
                    ("TERM".to_string(), "xterm".to_string()),
                    ("PS1".to_string(), "\\h:\\w$ ".to_string()),
                ],
                outside: Rc::new(HostOutside {
                    cluster: self.cluster.clone(),
                    node_ip: ip,
                    logins: self.logins.clone(),
                }),
                registry: HOST_REGISTRY.with(Rc::clone),
                working_dir: HOME.to_string(),
            });
            m.fs().mount("/", volume, false);
            m.advance_to(now);
            self.hosts.insert(node.to_string(), m);
        }
        self.hosts.get_mut(node)
    }

    /// Starts a login shell (or `sh -c command`) on a node's host.
    fn open_shell(
        &mut self,
        node: &str,
        command: Option<String>,
        env: Vec<(String, String)>,
    ) -> Option<Shell> {
        let tty = self.tty;
        let machine = self.host(node)?;
        let interactive = command.is_none();
        let argv = match command {
            None => vec!["sh".to_string()],
            Some(c) => vec!["sh".to_string(), "-c".to_string(), c],
        };
        let handle = machine
            .exec(
                argv,
                ExecOptions {
                    stdin: if interactive {
                        Stdin::Interactive
                    } else {
                        Stdin::Empty
                    },
                    tty: interactive && tty,
                    env,
                },
            )
            .ok()?;
        Some(Shell {
            node: node.to_string(),
            pid: handle.pid,
            stdin: handle.stdin,
            output: handle.output,
            reply: None,
        })
    }

    /// Puts a file in the session's home directory (relative paths) or
    /// anywhere (absolute), on the host of the current shell.
    pub fn add_file(&mut self, path: &str, data: &[u8]) {
        let full = crate::userland::fs::absolute(HOME, path);
        let now = crate::apiserver::EPOCH_MILLIS / 1000 + self.cluster.borrow().clock() / 1000;
        let node = self.hostname().to_string();
        let Some(host) = self.host(&node) else {
            return;
        };
        let mut fs = host.fs();
        let comps: Vec<&str> = full.split('/').filter(|c| !c.is_empty()).collect();
        let mut dir = String::new();
        for c in comps.iter().take(comps.len().saturating_sub(1)) {
            dir.push('/');
            dir.push_str(c);
            let _ = fs.mkdir("/", &dir, 0o755, now);
        }
        let _ = fs.write("/", &full, data, false, now);
    }

    /// Whether the login shell has exited (`exit`).
    pub fn ended(&self) -> bool {
        match self.shells.first() {
            Some(s) => self
                .hosts
                .get(&s.node)
                .is_none_or(|m| m.exit_status(s.pid).is_some()),
            None => true,
        }
    }

    /// Runs one command (possibly several lines, with heredocs) to
    /// completion, moving simulated time as it sleeps or waits, and returns
    /// what it printed.
    pub fn run(&mut self, command: &str) -> Vec<Line> {
        let mut text = command.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if let Some(stdin) = self.shells.iter().rev().find_map(|s| s.stdin.as_ref()) {
            stdin.write(text.as_bytes());
        }
        self.settle(MAX_COMMAND_MILLIS);
        std::mem::take(&mut self.pending)
    }

    /// Runs the hosts until the innermost shell waits for input (or `limit`
    /// passes), opening and closing `ssh` sessions on the way.
    fn settle(&mut self, limit: Millis) {
        let start = self.cluster.borrow().clock();
        let mut idle_rounds = 0;
        loop {
            let now = self.cluster.borrow().clock();
            for m in self.hosts.values_mut() {
                m.advance_to(now as u64);
            }
            {
                let mut c = self.cluster.borrow_mut();
                for node in self.hosts.keys() {
                    c.notice_host_writes(node);
                }
            }
            self.collect_output();
            if self.close_ended_shells() || self.open_requested_logins() {
                continue;
            }
            if self.ended() {
                return;
            }
            let next = self.hosts.values().filter_map(Machine::next_wake).min();
            match next {
                None => return,
                Some(t) if (t as Millis) > now => {
                    if t as Millis - start > limit {
                        self.cluster.borrow_mut().advance_to(start + limit);
                        for m in self.hosts.values_mut() {
                            m.advance_to((start + limit) as u64);
                        }
                        self.collect_output();
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

    /// Ends `ssh` sessions whose remote shell exited, innermost first, and
    /// tells each waiting `ssh` the remote exit code.
    fn close_ended_shells(&mut self) -> bool {
        let mut closed = false;
        while self.shells.len() > 1 {
            let Some(top) = self.shells.last() else { break };
            let status = self
                .hosts
                .get(&top.node)
                .and_then(|m| m.exit_status(top.pid));
            let Some(status) = status else { break };
            if let Some(top) = self.shells.pop() {
                if let Some(m) = self.hosts.get_mut(&top.node) {
                    m.reap(top.pid);
                }
                if let Some(reply) = top.reply {
                    reply.write(status.code().to_string().as_bytes());
                }
            }
            closed = true;
        }
        closed
    }

    /// Opens the shells `ssh` asked for.
    fn open_requested_logins(&mut self) -> bool {
        let requests: Vec<ssh::Login> = std::mem::take(&mut *self.logins.borrow_mut());
        let opened = !requests.is_empty();
        for req in requests {
            // A login shell gets a fresh environment: no KUBECONFIG.
            match self.open_shell(&req.node, req.command.clone(), Vec::new()) {
                Some(mut shell) => {
                    shell.reply = Some(req.reply);
                    self.shells.push(shell);
                }
                None => req.reply.write(b"255"),
            }
        }
        opened
    }

    /// Output written since the last command (at a terminal, the first
    /// prompt).
    pub fn pending_output(&mut self) -> Vec<Line> {
        self.collect_output();
        std::mem::take(&mut self.pending)
    }

    fn collect_output(&mut self) {
        for shell in self.shells.iter().rev() {
            for chunk in shell.output.take() {
                let text = String::from_utf8_lossy(&chunk.data).into_owned();
                match self.pending.last_mut() {
                    Some(l) if l.stream == chunk.stream => l.text.push_str(&text),
                    _ => self.pending.push(Line {
                        stream: chunk.stream,
                        text,
                    }),
                }
            }
        }
    }
}
