//! Processes on simulated time: the process table, a single-threaded
//! executor, pipes, output sinks and signals.
//!
//! A program is an `async` block polled by [`Machine::advance_to`]. It never
//! sees a waker: before each poll the executor clears what the process was
//! waiting for, and a pending future records what it waits for now (a
//! deadline, pipe readiness, a child) in its process entry. The machine then
//! knows which processes can make progress and when the next one is due.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::fs::{Fs, FsError, Image};
use super::outside::{HttpRequest, HttpResponse, Outside};

/// Simulated time in milliseconds since the engine started.
pub type Millis = u64;
pub type Pid = u32;

/// Capacity of a pipe, as on Linux.
const PIPE_CAPACITY: usize = 64 * 1024;
/// CPU time a process may accumulate before it yields to the executor;
/// keeps busy loops from starving the engine while costing few wake-ups.
const CPU_QUANTUM_MS: Millis = 10;
/// Polls one `advance_to` call may make; runnable processes left over stay
/// due at the same instant.
const MAX_POLLS_PER_ADVANCE: usize = 200_000;

/// Signals a learner can send; numbers are Linux x86-64's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    Hup,
    Int,
    Quit,
    Kill,
    Usr1,
    Usr2,
    Pipe,
    Alrm,
    Term,
    Chld,
    Cont,
    Stop,
    Winch,
}

const ALL_SIGNALS: [Signal; 13] = [
    Signal::Hup,
    Signal::Int,
    Signal::Quit,
    Signal::Kill,
    Signal::Usr1,
    Signal::Usr2,
    Signal::Pipe,
    Signal::Alrm,
    Signal::Term,
    Signal::Chld,
    Signal::Cont,
    Signal::Stop,
    Signal::Winch,
];

impl Signal {
    pub fn number(self) -> u8 {
        match self {
            Signal::Hup => 1,
            Signal::Int => 2,
            Signal::Quit => 3,
            Signal::Kill => 9,
            Signal::Usr1 => 10,
            Signal::Usr2 => 12,
            Signal::Pipe => 13,
            Signal::Alrm => 14,
            Signal::Term => 15,
            Signal::Chld => 17,
            Signal::Cont => 18,
            Signal::Stop => 19,
            Signal::Winch => 28,
        }
    }

    /// The name without `SIG`, as `kill -l` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Hup => "HUP",
            Signal::Int => "INT",
            Signal::Quit => "QUIT",
            Signal::Kill => "KILL",
            Signal::Usr1 => "USR1",
            Signal::Usr2 => "USR2",
            Signal::Pipe => "PIPE",
            Signal::Alrm => "ALRM",
            Signal::Term => "TERM",
            Signal::Chld => "CHLD",
            Signal::Cont => "CONT",
            Signal::Stop => "STOP",
            Signal::Winch => "WINCH",
        }
    }

    pub fn from_number(n: u32) -> Option<Signal> {
        ALL_SIGNALS.into_iter().find(|s| u32::from(s.number()) == n)
    }

    /// Parses `TERM`, `SIGTERM`, `term` or `15`.
    pub fn parse(s: &str) -> Option<Signal> {
        if let Ok(n) = s.parse::<u32>() {
            return Signal::from_number(n);
        }
        let up = s.to_ascii_uppercase();
        let name = up.strip_prefix("SIG").unwrap_or(&up);
        ALL_SIGNALS.into_iter().find(|sig| sig.name() == name)
    }

    fn bit(self) -> u32 {
        1 << self.number()
    }

    /// Whether the default action ends the process.
    fn default_terminates(self) -> bool {
        !matches!(
            self,
            Signal::Chld | Signal::Cont | Signal::Winch | Signal::Stop
        )
    }
}

/// How a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Code(u8),
    Signaled(Signal),
}

impl ExitStatus {
    pub const SUCCESS: ExitStatus = ExitStatus::Code(0);
    pub const FAILURE: ExitStatus = ExitStatus::Code(1);

    /// The number a shell's `$?` (and the kubelet's exitCode) shows.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Code(c) => i32::from(c),
            ExitStatus::Signaled(s) => 128 + i32::from(s.number()),
        }
    }

    pub fn success(self) -> bool {
        self == ExitStatus::Code(0)
    }

    pub fn from_code(code: i32) -> ExitStatus {
        ExitStatus::Code((code & 0xff) as u8)
    }
}

/// What a process does with a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Default,
    Ignore,
    /// The program handles it (a shell `trap`); the signal is queued.
    Catch,
}

pub type ProgramFuture = Pin<Box<dyn Future<Output = ExitStatus>>>;
/// An executable program: given its process, the future that runs it.
pub type Program = fn(Proc) -> ProgramFuture;

/// Which stream of an [`Output`] a write went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One write, stamped with the simulated time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub at: Millis,
    pub stream: Stream,
    pub data: Vec<u8>,
}

/// Where a process's stdout/stderr land: a container log or the captured
/// output of an exec. Clones share the same buffer.
#[derive(Clone, Debug, Default)]
pub struct Output(Rc<RefCell<Vec<Chunk>>>);

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    fn push(&self, at: Millis, stream: Stream, data: &[u8]) {
        let mut chunks = self.0.borrow_mut();
        if let Some(last) = chunks.last_mut() {
            if last.at == at && last.stream == stream {
                last.data.extend_from_slice(data);
                return;
            }
        }
        chunks.push(Chunk {
            at,
            stream,
            data: data.to_vec(),
        });
    }

    /// Removes and returns everything written so far.
    pub fn take(&self) -> Vec<Chunk> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    pub fn chunks(&self) -> Vec<Chunk> {
        self.0.borrow().clone()
    }

    /// One stream's bytes as text.
    pub fn text(&self, stream: Stream) -> String {
        let mut out = Vec::new();
        for c in self.0.borrow().iter().filter(|c| c.stream == stream) {
            out.extend_from_slice(&c.data);
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Both streams interleaved in write order, as a terminal shows them.
    pub fn combined(&self) -> String {
        let mut out = Vec::new();
        for c in self.0.borrow().iter() {
            out.extend_from_slice(&c.data);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

struct PipeState {
    buf: VecDeque<u8>,
    readers: u32,
    writers: u32,
}

#[derive(Clone)]
struct PipeShared {
    state: Rc<RefCell<PipeState>>,
    /// The owning machine's "some I/O happened" flag: wakes I/O waiters.
    dirty: Rc<Cell<bool>>,
}

/// The read end of a pipe; clones are `dup`s, dropping the last one closes it.
pub struct PipeReader(PipeShared);
/// The write end of a pipe.
pub struct PipeWriter(PipeShared);

impl Clone for PipeReader {
    fn clone(&self) -> Self {
        self.0.state.borrow_mut().readers += 1;
        PipeReader(self.0.clone())
    }
}

impl Clone for PipeWriter {
    fn clone(&self) -> Self {
        self.0.state.borrow_mut().writers += 1;
        PipeWriter(self.0.clone())
    }
}

impl Drop for PipeReader {
    fn drop(&mut self) {
        let mut s = self.0.state.borrow_mut();
        s.readers = s.readers.saturating_sub(1);
        self.0.dirty.set(true);
    }
}

impl Drop for PipeWriter {
    fn drop(&mut self) {
        let mut s = self.0.state.borrow_mut();
        s.writers = s.writers.saturating_sub(1);
        self.0.dirty.set(true);
    }
}

fn pipe(dirty: Rc<Cell<bool>>) -> (PipeReader, PipeWriter) {
    let shared = PipeShared {
        state: Rc::new(RefCell::new(PipeState {
            buf: VecDeque::new(),
            readers: 1,
            writers: 1,
        })),
        dirty,
    };
    (PipeReader(shared.clone()), PipeWriter(shared))
}

impl PipeWriter {
    /// Feeds bytes (e.g. a terminal's input lines); never blocks.
    pub fn write(&self, data: &[u8]) {
        self.0.state.borrow_mut().buf.extend(data.iter().copied());
        self.0.dirty.set(true);
    }
}

/// A file opened for reading: contents snapshotted at open, offset shared
/// between duplicates (as `while read l; do …; done < f` needs).
#[derive(Debug)]
pub struct FileCursor {
    data: Vec<u8>,
    pos: usize,
}

/// An open file descriptor.
#[derive(Clone)]
pub enum Fd {
    /// `/dev/null`: reads see EOF, writes vanish.
    Null,
    Out(Output, Stream),
    PipeR(PipeReader),
    PipeW(PipeWriter),
    /// A file opened for writing; each write appends to its canonical path.
    File(Rc<str>),
    FileR(Rc<RefCell<FileCursor>>),
}

impl Fd {
    pub fn file_reader(data: Vec<u8>) -> Fd {
        Fd::FileR(Rc::new(RefCell::new(FileCursor { data, pos: 0 })))
    }
}

/// A process's descriptor table: a few small numbers.
#[derive(Clone, Default)]
pub struct Fds(Vec<(u32, Fd)>);

impl Fds {
    pub fn new(stdin: Fd, stdout: Fd, stderr: Fd) -> Fds {
        Fds(vec![(0, stdin), (1, stdout), (2, stderr)])
    }

    pub fn get(&self, n: u32) -> Option<&Fd> {
        self.0.iter().find(|(k, _)| *k == n).map(|(_, f)| f)
    }

    pub fn set(&mut self, n: u32, fd: Fd) {
        match self.0.iter_mut().find(|(k, _)| *k == n) {
            Some(slot) => slot.1 = fd,
            None => {
                self.0.push((n, fd));
                self.0.sort_by_key(|(k, _)| *k);
            }
        }
    }

    pub fn close(&mut self, n: u32) {
        self.0.retain(|(k, _)| *k != n);
    }
}

/// Where an exec'd process reads its stdin from.
pub enum Stdin {
    Empty,
    Bytes(Vec<u8>),
    /// Lines fed later through the returned [`PipeWriter`] (`kubectl exec -i`).
    Interactive,
}

/// Options for [`Machine::exec`].
pub struct ExecOptions {
    pub stdin: Stdin,
    /// A terminal is attached (`-t`): shells prompt and run interactively.
    pub tty: bool,
    /// Variables added to (or replacing) the container's environment.
    pub env: Vec<(String, String)>,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions {
            stdin: Stdin::Empty,
            tty: false,
            env: Vec::new(),
        }
    }
}

/// A started exec: its pid, its output, and its stdin if interactive.
pub struct ExecHandle {
    pub pid: Pid,
    pub output: Output,
    pub stdin: Option<PipeWriter>,
}

/// Why a program could not be started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpawnError {
    /// No such file in `PATH` (or at the given path).
    NotFound(String),
    /// The file exists but is not an executable we can run.
    NotExecutable(String),
    /// A directory was named.
    IsDir(String),
}

/// A row of `ps`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: Pid,
    pub ppid: Pid,
    pub uid: u32,
    pub cmdline: String,
    pub started_at: Millis,
    pub cpu_ms: Millis,
    pub running: bool,
}

/// The commands a machine can run, by program name.
#[derive(Default)]
pub struct Registry {
    programs: Vec<(Rc<str>, Program)>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds or replaces a program.
    pub fn register(&mut self, name: &str, program: Program) {
        match self.programs.iter_mut().find(|(n, _)| &**n == name) {
            Some(slot) => slot.1 = program,
            None => self.programs.push((Rc::from(name), program)),
        }
    }

    pub fn get(&self, name: &str) -> Option<Program> {
        self.programs
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, p)| *p)
    }

    pub fn names(&self) -> Vec<Rc<str>> {
        let mut v: Vec<Rc<str>> = self.programs.iter().map(|(n, _)| n.clone()).collect();
        v.sort();
        v
    }
}

struct ProcEntry {
    pid: Pid,
    ppid: Pid,
    uid: u32,
    cmdline: Rc<str>,
    started_at: Millis,
    cpu_ms: Millis,
    cpu_debt: Millis,
    future: Option<ProgramFuture>,
    status: Option<ExitStatus>,
    runnable: bool,
    wake_at: Option<Millis>,
    waiting_io: bool,
    pending: u32,
    caught: u32,
    ignored: u32,
}

/// Answers one HTTP request on behalf of a serving process.
pub type HttpHandler = Rc<dyn Fn(&HttpRequest, &ServeCx<'_>) -> HttpResponse>;

/// The port is already taken by another listener (`EADDRINUSE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrInUse;

/// What a machine does with an HTTP request to one of its ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServeResult {
    /// Nothing listens there: the connection is refused.
    NotListening,
    /// A plain TCP listener accepted the connection and never answers.
    Silent,
    Response(HttpResponse),
}

struct HttpServer {
    handler: HttpHandler,
    out: Fd,
    err: Fd,
}

struct Listener {
    port: u16,
    pid: Pid,
    http: Option<Rc<HttpServer>>,
}

/// A serving process's side of one request: the machine's files and
/// clocks, the process's stdout/stderr, and a way to end the process.
pub struct ServeCx<'a> {
    k: &'a Kernel,
    pid: Pid,
    server: &'a HttpServer,
    exit: Cell<Option<ExitStatus>>,
}

impl ServeCx<'_> {
    pub fn now(&self) -> Millis {
        self.k.now()
    }

    /// Unix milliseconds on the simulated wall clock.
    pub fn wall_ms(&self) -> i64 {
        self.k.outside.wall_clock_ms(self.now())
    }

    pub fn hostname(&self) -> &str {
        &self.k.hostname
    }

    /// The serving process.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// The machine's filesystem; `Busy` if it is being changed right now.
    pub fn fs(&self) -> Result<Ref<'_, Fs>, FsError> {
        self.k.fs.try_borrow().map_err(|_| FsError::Busy)
    }

    pub fn stdout(&self, data: &[u8]) {
        self.write(&self.server.out, Stream::Stdout, data);
    }

    pub fn stderr(&self, data: &[u8]) {
        self.write(&self.server.err, Stream::Stderr, data);
    }

    /// Ends the serving process once the response is sent (`os.Exit`).
    pub fn exit_process(&self, status: ExitStatus) {
        self.exit.set(Some(status));
    }

    fn write(&self, fd: &Fd, stream: Stream, data: &[u8]) {
        match fd {
            Fd::Out(out, _) => out.push(self.now(), stream, data),
            Fd::PipeW(w) => w.write(data),
            Fd::File(path) => {
                let now = self.wall_ms().div_euclid(1000);
                if let Ok(mut fs) = self.k.fs.try_borrow_mut() {
                    let _ = fs.write("/", path, data, true, now);
                }
            }
            Fd::Null | Fd::PipeR(_) | Fd::FileR(_) => {}
        }
    }
}

/// A handle on a machine's listening ports that does not keep the machine
/// alive, for the network layer: requests can reach a machine while one of
/// its own processes is running (`wget localhost`).
#[derive(Clone)]
pub struct Endpoint(std::rc::Weak<Kernel>);

impl Endpoint {
    pub fn accepts(&self, port: u16) -> bool {
        self.0.upgrade().is_some_and(|k| k.accepts(port))
    }

    pub fn http(&self, port: u16, request: &HttpRequest) -> ServeResult {
        match self.0.upgrade() {
            Some(k) => k.http(port, request),
            None => ServeResult::NotListening,
        }
    }
}

struct State {
    now: Millis,
    next_pid: Pid,
    procs: Vec<ProcEntry>,
    /// Ports listened on; each closes when its process exits.
    listening: Vec<Listener>,
}

impl State {
    fn entry(&mut self, pid: Pid) -> Option<&mut ProcEntry> {
        self.procs.iter_mut().find(|p| p.pid == pid)
    }
}

pub(crate) struct Kernel {
    st: RefCell<State>,
    fs: RefCell<Fs>,
    working_dir: String,
    hostname: String,
    env: Rc<Vec<(String, String)>>,
    outside: Rc<dyn Outside>,
    registry: Rc<Registry>,
    dirty: Rc<Cell<bool>>,
}

/// What a new machine is made of.
pub struct MachineConfig {
    pub hostname: String,
    pub image: Image,
    /// The container's environment (PATH, HOSTNAME, service variables…).
    pub env: Vec<(String, String)>,
    pub outside: Rc<dyn Outside>,
    pub registry: Rc<Registry>,
    /// Where the main process and execs start (the image's WORKDIR or the
    /// container's workingDir); `/` when empty.
    pub working_dir: String,
}

/// The `PATH` a container gets when its image sets none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A container: a filesystem, a process table and a clock.
pub struct Machine {
    k: Rc<Kernel>,
}

impl Drop for Machine {
    fn drop(&mut self) {
        // Futures hold `Proc`s that point back at the kernel; dropping them
        // breaks the cycle.
        let futures: Vec<ProgramFuture> = self
            .k
            .st
            .borrow_mut()
            .procs
            .iter_mut()
            .filter_map(|p| p.future.take())
            .collect();
        drop(futures);
    }
}

impl Machine {
    pub fn new(config: MachineConfig) -> Machine {
        Machine {
            k: Rc::new(Kernel {
                st: RefCell::new(State {
                    now: 0,
                    next_pid: 1,
                    // Most containers only ever have pid 1.
                    procs: Vec::with_capacity(1),
                    listening: Vec::new(),
                }),
                fs: RefCell::new(Fs::new(&config.image)),
                working_dir: if config.working_dir.is_empty() {
                    "/".to_string()
                } else {
                    config.working_dir
                },
                hostname: config.hostname,
                env: Rc::new(config.env),
                outside: config.outside,
                registry: config.registry,
                dirty: Rc::new(Cell::new(false)),
            }),
        }
    }

    /// The filesystem, to mount volumes or inspect files.
    pub fn fs(&self) -> RefMut<'_, Fs> {
        self.k.fs.borrow_mut()
    }

    pub fn now(&self) -> Millis {
        self.k.st.borrow().now
    }

    pub fn hostname(&self) -> &str {
        &self.k.hostname
    }

    /// Starts the main process (pid 1, or the next pid after a restart) the
    /// way a container runtime does: `argv[0]` is looked up in `PATH`.
    pub fn start(&mut self, argv: Vec<String>, log: Output) -> Result<Pid, SpawnError> {
        self.start_attachable(argv, log, false, false)
            .map(|(pid, _)| pid)
    }

    /// Starts the main process with its stdin open (a container with
    /// `stdin: true`): it reads what `kubectl attach -i` or `run -i` writes
    /// through the returned writer, and sees end of input once every writer
    /// is gone. `tty` gives it a terminal, as `tty: true` does.
    pub fn start_attachable(
        &mut self,
        argv: Vec<String>,
        log: Output,
        stdin: bool,
        tty: bool,
    ) -> Result<(Pid, Option<PipeWriter>), SpawnError> {
        let (stdin_fd, writer) = if stdin {
            let (r, w) = pipe(self.k.dirty.clone());
            (Fd::PipeR(r), Some(w))
        } else {
            (Fd::Null, None)
        };
        let fds = Fds::new(
            stdin_fd,
            Fd::Out(log.clone(), Stream::Stdout),
            Fd::Out(log, Stream::Stderr),
        );
        let env = self.k.env.clone();
        let cwd = self.k.working_dir.clone();
        let pid = self.k.spawn_argv(0, argv, env, cwd, fds, tty)?;
        self.k.run();
        Ok((pid, writer))
    }

    /// Runs an extra process in the container (`kubectl exec`, probes, hooks).
    pub fn exec(&mut self, argv: Vec<String>, opts: ExecOptions) -> Result<ExecHandle, SpawnError> {
        let output = Output::new();
        let (stdin_fd, writer) = match opts.stdin {
            Stdin::Empty => (Fd::Null, None),
            Stdin::Bytes(b) => (Fd::file_reader(b), None),
            Stdin::Interactive => {
                let (r, w) = pipe(self.k.dirty.clone());
                (Fd::PipeR(r), Some(w))
            }
        };
        let fds = Fds::new(
            stdin_fd,
            Fd::Out(output.clone(), Stream::Stdout),
            Fd::Out(output.clone(), Stream::Stderr),
        );
        let env = if opts.env.is_empty() {
            self.k.env.clone()
        } else {
            let mut e: Vec<(String, String)> = (*self.k.env).clone();
            for (k, v) in opts.env {
                e.retain(|(n, _)| *n != k);
                e.push((k, v));
            }
            Rc::new(e)
        };
        let cwd = self.k.working_dir.clone();
        let pid = self.k.spawn_argv(0, argv, env, cwd, fds, opts.tty)?;
        self.k.run();
        Ok(ExecHandle {
            pid,
            output,
            stdin: writer,
        })
    }

    /// Delivers a signal. Returns false if there is no such live process.
    pub fn signal(&mut self, pid: Pid, sig: Signal) -> bool {
        self.k.signal(pid, sig)
    }

    /// `None` while running (or unknown), the exit status once it ended.
    pub fn exit_status(&self, pid: Pid) -> Option<ExitStatus> {
        self.k
            .st
            .borrow()
            .procs
            .iter()
            .find(|p| p.pid == pid)
            .and_then(|p| p.status)
    }

    pub fn is_running(&self, pid: Pid) -> bool {
        self.k
            .st
            .borrow()
            .procs
            .iter()
            .any(|p| p.pid == pid && p.status.is_none())
    }

    /// Forgets an ended process started by [`Machine::exec`] or
    /// [`Machine::start`], returning its status.
    pub fn reap(&mut self, pid: Pid) -> Option<ExitStatus> {
        let mut st = self.k.st.borrow_mut();
        let i = st
            .procs
            .iter()
            .position(|p| p.pid == pid && p.status.is_some())?;
        st.procs.remove(i).status
    }

    pub fn processes(&self) -> Vec<ProcInfo> {
        self.k.process_list()
    }

    /// Whether a process listens on `port` (`nc -l`, servers).
    pub fn listening(&self, port: u16) -> bool {
        self.k.accepts(port)
    }

    /// Whether a connection to `port` would be accepted.
    pub fn accepts(&self, port: u16) -> bool {
        self.k.accepts(port)
    }

    /// Delivers an HTTP request to whatever serves `port`.
    pub fn http(&self, port: u16, request: &HttpRequest) -> ServeResult {
        self.k.http(port, request)
    }

    /// A handle for the network layer; see [`Endpoint`].
    pub fn endpoint(&self) -> Endpoint {
        Endpoint(Rc::downgrade(&self.k))
    }

    /// Moves the clock to `now` (never backwards) and runs every process
    /// that can make progress until all are blocked.
    pub fn advance_to(&mut self, now: Millis) {
        {
            let mut st = self.k.st.borrow_mut();
            if now > st.now {
                st.now = now;
            }
            let now = st.now;
            for p in st.procs.iter_mut() {
                if p.wake_at.is_some_and(|t| t <= now) {
                    p.runnable = true;
                }
            }
        }
        self.k.run();
    }

    /// Whether a process and all its descendants wait for input, with
    /// nothing due (a shell at its prompt, not one running `sleep 5`).
    pub fn waits_for_input(&self, pid: Pid) -> bool {
        let st = self.k.st.borrow();
        if self.k.dirty.get() {
            return false;
        }
        let live: Vec<&ProcEntry> = st.procs.iter().filter(|p| p.future.is_some()).collect();
        let mut tree = vec![pid];
        let mut i = 0;
        while i < tree.len() {
            let parent = tree[i];
            tree.extend(
                live.iter()
                    .filter(|p| p.ppid == parent && p.pid != parent)
                    .map(|p| p.pid),
            );
            i += 1;
        }
        live.iter()
            .filter(|p| tree.contains(&p.pid))
            .all(|p| !p.runnable && p.wake_at.is_none())
    }

    /// The earliest simulated time at which some process is due, if any.
    /// A machine whose processes are all blocked on input has none.
    pub fn next_wake(&self) -> Option<Millis> {
        let st = self.k.st.borrow();
        if self.k.dirty.get() || st.procs.iter().any(|p| p.runnable && p.future.is_some()) {
            return Some(st.now);
        }
        st.procs
            .iter()
            .filter(|p| p.future.is_some())
            .filter_map(|p| p.wake_at)
            .min()
    }
}

impl Kernel {
    fn now(&self) -> Millis {
        self.st.borrow().now
    }

    fn accepts(&self, port: u16) -> bool {
        self.st
            .try_borrow()
            .is_ok_and(|st| st.listening.iter().any(|l| l.port == port))
    }

    /// Runs the handler with no borrow of the process table held, so it may
    /// be reached from inside this machine's own `run` (a request to
    /// localhost) and may look at the filesystem.
    fn http(&self, port: u16, request: &HttpRequest) -> ServeResult {
        let found = match self.st.try_borrow() {
            Ok(st) => st
                .listening
                .iter()
                .find(|l| l.port == port)
                .map(|l| (l.pid, l.http.clone())),
            Err(_) => None,
        };
        let (pid, server) = match found {
            None => return ServeResult::NotListening,
            Some((_, None)) => return ServeResult::Silent,
            Some((pid, Some(server))) => (pid, server),
        };
        let cx = ServeCx {
            k: self,
            pid,
            server: &server,
            exit: Cell::new(None),
        };
        let response = (server.handler)(request, &cx);
        if let Some(status) = cx.exit.get() {
            self.exit(pid, status);
        }
        ServeResult::Response(response)
    }

    fn process_list(&self) -> Vec<ProcInfo> {
        self.st
            .borrow()
            .procs
            .iter()
            .map(|p| ProcInfo {
                pid: p.pid,
                ppid: p.ppid,
                uid: p.uid,
                cmdline: p.cmdline.to_string(),
                started_at: p.started_at,
                cpu_ms: p.cpu_ms,
                running: p.status.is_none(),
            })
            .collect()
    }

    /// Resolves `argv[0]` against `PATH` (or as a path) to a program.
    fn lookup(&self, name: &str, path_var: &str, cwd: &str) -> Result<Program, SpawnError> {
        let fs = self.fs.borrow();
        let candidates: Vec<String> = if name.contains('/') {
            vec![name.to_string()]
        } else {
            path_var
                .split(':')
                .map(|d| {
                    if d.is_empty() {
                        ".".to_string()
                    } else {
                        d.to_string()
                    }
                })
                .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
                .collect()
        };
        for c in &candidates {
            match fs.stat(cwd, c) {
                Ok(st) if st.is_dir() && name.contains('/') => {
                    return Err(SpawnError::IsDir(name.to_string()));
                }
                Ok(st) if st.is_dir() => {}
                Ok(st) if st.is_executable() => {
                    if let Some(p) = st.program.as_deref().and_then(|p| self.registry.get(p)) {
                        return Ok(p);
                    }
                    // A text file with a `#!` line runs its interpreter.
                    if let Ok(data) = fs.read(cwd, c) {
                        if data.starts_with(b"#!") {
                            return Ok(super::shell::run_script_file);
                        }
                    }
                    return Err(SpawnError::NotExecutable(name.to_string()));
                }
                Ok(_) if name.contains('/') => {
                    return Err(SpawnError::NotExecutable(name.to_string()))
                }
                _ => {}
            }
        }
        Err(SpawnError::NotFound(name.to_string()))
    }

    fn spawn_argv(
        self: &Rc<Self>,
        ppid: Pid,
        argv: Vec<String>,
        env: Rc<Vec<(String, String)>>,
        cwd: String,
        fds: Fds,
        tty: bool,
    ) -> Result<Pid, SpawnError> {
        let Some(name) = argv.first() else {
            return Err(SpawnError::NotFound(String::new()));
        };
        let path_var = env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.as_str())
            .unwrap_or(DEFAULT_PATH);
        let program = self.lookup(name, path_var, &cwd)?;
        let cmdline: Rc<str> = Rc::from(argv.join(" "));
        Ok(self.spawn(ppid, cmdline, |pid| {
            program(Proc {
                pid,
                argv,
                env,
                cwd,
                fds,
                tty,
                k: self.clone(),
            })
        }))
    }

    fn spawn(
        self: &Rc<Self>,
        ppid: Pid,
        cmdline: Rc<str>,
        make: impl FnOnce(Pid) -> ProgramFuture,
    ) -> Pid {
        let pid = {
            let mut st = self.st.borrow_mut();
            let pid = st.next_pid;
            st.next_pid += 1;
            pid
        };
        let future = make(pid);
        let mut st = self.st.borrow_mut();
        let now = st.now;
        let uid = 0;
        st.procs.reserve_exact(1);
        st.procs.push(ProcEntry {
            pid,
            ppid,
            uid,
            cmdline,
            started_at: now,
            cpu_ms: 0,
            cpu_debt: 0,
            future: Some(future),
            status: None,
            runnable: true,
            wake_at: None,
            waiting_io: false,
            pending: 0,
            caught: 0,
            ignored: 0,
        });
        pid
    }

    fn signal(&self, pid: Pid, sig: Signal) -> bool {
        let mut st = self.st.borrow_mut();
        let Some(p) = st.entry(pid) else { return false };
        if p.status.is_some() {
            return false;
        }
        let terminate = if sig == Signal::Kill {
            true
        } else if p.ignored & sig.bit() != 0 {
            false
        } else if p.caught & sig.bit() != 0 {
            p.pending |= sig.bit();
            p.runnable = true;
            false
        } else {
            // PID 1 of a container ignores signals it has no handler for.
            sig.default_terminates() && pid != 1
        };
        drop(st);
        if terminate {
            self.exit(pid, ExitStatus::Signaled(sig));
        }
        true
    }

    /// Records an exit, closes the process's descriptors and wakes its parent.
    fn exit(&self, pid: Pid, status: ExitStatus) {
        let mut dropped: Vec<ProgramFuture> = Vec::new();
        let mut killed: Vec<Pid> = Vec::new();
        {
            let mut st = self.st.borrow_mut();
            let Some(p) = st.entry(pid) else { return };
            if p.status.is_some() {
                return;
            }
            p.status = Some(status);
            p.runnable = false;
            // Its sockets close with it.
            p.wake_at = None;
            if let Some(f) = p.future.take() {
                dropped.push(f);
            }
            let ppid = p.ppid;
            st.listening.retain(|l| l.pid != pid);
            if let Some(parent) = st.entry(ppid) {
                parent.runnable = true;
            }
            // Orphans are adopted by pid 1; with pid 1 gone the namespace dies.
            for c in st.procs.iter_mut().filter(|c| c.ppid == pid) {
                c.ppid = if pid == 1 { 0 } else { 1 };
            }
            if pid == 1 {
                killed = st
                    .procs
                    .iter()
                    .filter(|c| c.status.is_none())
                    .map(|c| c.pid)
                    .collect();
            }
            // Ended children of an ended parent will never be waited for.
            let parent_gone = |st: &State, pp: Pid| {
                pp != 0 && !st.procs.iter().any(|x| x.pid == pp && x.status.is_none())
            };
            let gone: Vec<Pid> = st
                .procs
                .iter()
                .filter(|x| x.status.is_some() && x.pid != 1 && parent_gone(&st, x.ppid))
                .map(|x| x.pid)
                .collect();
            st.procs.retain(|x| !gone.contains(&x.pid));
        }
        self.dirty.set(true);
        drop(dropped);
        for k in killed {
            self.exit(k, ExitStatus::Signaled(Signal::Kill));
        }
    }

    fn run(self: &Rc<Self>) {
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        for _ in 0..MAX_POLLS_PER_ADVANCE {
            let next = {
                let mut st = self.st.borrow_mut();
                if self.dirty.replace(false) {
                    for p in st.procs.iter_mut().filter(|p| p.waiting_io) {
                        p.runnable = true;
                    }
                }
                let pick = st
                    .procs
                    .iter_mut()
                    .find(|p| p.runnable && p.future.is_some());
                pick.map(|p| {
                    p.runnable = false;
                    p.wake_at = None;
                    p.waiting_io = false;
                    (p.pid, p.future.take())
                })
            };
            let Some((pid, Some(mut fut))) = next else {
                if self.dirty.get() {
                    continue;
                }
                return;
            };
            let res = fut.as_mut().poll(&mut cx);
            match res {
                Poll::Ready(status) => {
                    drop(fut);
                    self.exit(pid, status);
                }
                Poll::Pending => {
                    let mut st = self.st.borrow_mut();
                    let alive = st.entry(pid).is_some_and(|p| p.status.is_none());
                    if alive {
                        if let Some(p) = st.entry(pid) {
                            p.future = Some(fut);
                        }
                    } else {
                        drop(st);
                        drop(fut);
                    }
                }
            }
        }
    }
}

/// Why a write failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// No reader: the process has been sent SIGPIPE.
    BrokenPipe,
    /// The file could not be written (e.g. read-only mount).
    Fs(super::fs::FsError),
}

/// A running program's view of its process: arguments, environment,
/// descriptors and the kernel calls it may make.
pub struct Proc {
    pub pid: Pid,
    pub argv: Vec<String>,
    pub env: Rc<Vec<(String, String)>>,
    pub cwd: String,
    pub fds: Fds,
    /// A terminal is attached to stdin.
    pub tty: bool,
    k: Rc<Kernel>,
}

impl Proc {
    pub fn now(&self) -> Millis {
        self.k.now()
    }

    /// Unix milliseconds on the simulated wall clock.
    pub fn wall_ms(&self) -> i64 {
        self.k.outside.wall_clock_ms(self.now())
    }

    pub fn wall_secs(&self) -> i64 {
        self.wall_ms().div_euclid(1000)
    }

    pub fn hostname(&self) -> &str {
        &self.k.hostname
    }

    pub fn outside(&self) -> &dyn Outside {
        &*self.k.outside
    }

    pub fn registry(&self) -> &Registry {
        &self.k.registry
    }

    pub fn fs(&self) -> Ref<'_, Fs> {
        self.k.fs.borrow()
    }

    pub fn fs_mut(&self) -> RefMut<'_, Fs> {
        self.k.fs.borrow_mut()
    }

    pub fn getenv(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn processes(&self) -> Vec<ProcInfo> {
        self.k.process_list()
    }

    /// A new pipe whose activity wakes this machine's waiters.
    pub fn pipe(&self) -> (PipeReader, PipeWriter) {
        pipe(self.k.dirty.clone())
    }

    fn with_entry<T>(&self, f: impl FnOnce(&mut ProcEntry) -> T) -> Option<T> {
        self.k.st.borrow_mut().entry(self.pid).map(f)
    }

    fn wait_until(&self, t: Millis) {
        self.with_entry(|p| {
            p.wake_at = Some(p.wake_at.map_or(t, |w| w.min(t)));
        });
    }

    fn wait_io(&self) {
        self.with_entry(|p| p.waiting_io = true);
    }

    /// Sleeps until simulated time `t`.
    pub async fn sleep_until(&self, t: Millis) {
        poll_fn(|_| {
            if self.now() >= t {
                Poll::Ready(())
            } else {
                self.wait_until(t);
                Poll::Pending
            }
        })
        .await
    }

    pub async fn sleep(&self, ms: Millis) {
        let t = self.now().saturating_add(ms);
        self.sleep_until(t).await
    }

    /// Sleeps until `t` or until a caught signal is pending; true if a
    /// signal cut it short.
    pub async fn sleep_until_signal(&self, t: Option<Millis>) -> bool {
        poll_fn(|_| {
            if self.has_pending_signal() {
                return Poll::Ready(true);
            }
            match t {
                Some(t) if self.now() >= t => Poll::Ready(false),
                Some(t) => {
                    self.wait_until(t);
                    Poll::Pending
                }
                None => Poll::Pending,
            }
        })
        .await
    }

    /// Charges CPU time; yields to the executor once a quantum is used up,
    /// so a loop that never sleeps still lets simulated time pass.
    pub async fn charge(&self, ms: Millis) {
        let due = self
            .with_entry(|p| {
                p.cpu_ms += ms;
                p.cpu_debt += ms;
                if p.cpu_debt >= CPU_QUANTUM_MS {
                    let d = p.cpu_debt;
                    p.cpu_debt = 0;
                    Some(d)
                } else {
                    None
                }
            })
            .flatten();
        if let Some(d) = due {
            self.sleep(d).await;
        }
    }

    /// Suspends forever (until a signal ends the process).
    pub async fn pause(&self) -> ExitStatus {
        poll_fn(|_| Poll::<()>::Pending).await;
        ExitStatus::SUCCESS
    }

    /// Writes all of `data` to descriptor `n`. A write to a pipe without
    /// readers raises SIGPIPE, which ends the process unless it is caught.
    pub async fn write(&self, n: u32, data: &[u8]) -> Result<(), WriteError> {
        let Some(fd) = self.fds.get(n).cloned() else {
            return Ok(());
        };
        self.write_fd(&fd, data).await
    }

    pub async fn write_fd(&self, fd: &Fd, data: &[u8]) -> Result<(), WriteError> {
        match fd {
            Fd::Null | Fd::PipeR(_) | Fd::FileR(_) => Ok(()),
            Fd::Out(out, stream) => {
                out.push(self.now(), *stream, data);
                Ok(())
            }
            Fd::File(path) => {
                let now = self.wall_secs();
                self.fs_mut()
                    .write("/", path, data, true, now)
                    .map_err(WriteError::Fs)
            }
            Fd::PipeW(w) => {
                let mut off = 0;
                poll_fn(|_| {
                    let mut s = w.0.state.borrow_mut();
                    if s.readers == 0 {
                        drop(s);
                        self.raise(Signal::Pipe);
                        return Poll::Ready(Err(WriteError::BrokenPipe));
                    }
                    let room = PIPE_CAPACITY.saturating_sub(s.buf.len());
                    let n = room.min(data.len() - off);
                    if n > 0 {
                        s.buf.extend(data[off..off + n].iter().copied());
                        off += n;
                        w.0.dirty.set(true);
                    }
                    if off == data.len() {
                        Poll::Ready(Ok(()))
                    } else {
                        drop(s);
                        self.wait_io();
                        Poll::Pending
                    }
                })
                .await
            }
        }
    }

    /// Reads up to `max` bytes; an empty result means end of file.
    pub async fn read(&self, n: u32, max: usize) -> Vec<u8> {
        let Some(fd) = self.fds.get(n).cloned() else {
            return Vec::new();
        };
        self.read_from(&fd, max).await
    }

    /// Reads up to `max` bytes from an open descriptor.
    pub async fn read_from(&self, fd: &Fd, max: usize) -> Vec<u8> {
        match fd {
            Fd::FileR(c) => {
                let mut c = c.borrow_mut();
                let end = (c.pos + max).min(c.data.len());
                let out = c.data[c.pos..end].to_vec();
                c.pos = end;
                out
            }
            Fd::PipeR(r) => {
                poll_fn(|_| {
                    let mut s = r.0.state.borrow_mut();
                    if !s.buf.is_empty() {
                        let k = max.min(s.buf.len());
                        let out: Vec<u8> = s.buf.drain(..k).collect();
                        r.0.dirty.set(true);
                        return Poll::Ready(out);
                    }
                    if s.writers == 0 {
                        return Poll::Ready(Vec::new());
                    }
                    drop(s);
                    self.wait_io();
                    Poll::Pending
                })
                .await
            }
            _ => Vec::new(),
        }
    }

    /// Reads one byte, `None` at end of file (how `read` consumes input,
    /// leaving the rest for the next reader).
    pub async fn read_byte(&self, n: u32) -> Option<u8> {
        self.read(n, 1).await.first().copied()
    }

    /// Reads everything until end of file.
    pub async fn read_all(&self, n: u32) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let chunk = self.read(n, PIPE_CAPACITY).await;
            if chunk.is_empty() {
                return out;
            }
            out.extend_from_slice(&chunk);
        }
    }

    pub async fn out(&self, s: &str) -> Result<(), WriteError> {
        self.write(1, s.as_bytes()).await
    }

    pub async fn err(&self, s: &str) -> Result<(), WriteError> {
        self.write(2, s.as_bytes()).await
    }

    /// Starts a program by argv, resolving `argv[0]` against this
    /// process's `PATH`.
    pub fn spawn(
        &self,
        argv: Vec<String>,
        env: Rc<Vec<(String, String)>>,
        cwd: String,
        fds: Fds,
    ) -> Result<Pid, SpawnError> {
        // A child reading the terminal this process reads is at the
        // terminal too; one reading a pipe or file is not.
        let tty = self.tty
            && matches!(
                (self.fds.get(0), fds.get(0)),
                (Some(Fd::PipeR(a)), Some(Fd::PipeR(b))) if Rc::ptr_eq(&a.0.state, &b.0.state)
            );
        self.k.spawn_argv(self.pid, argv, env, cwd, fds, tty)
    }

    /// Whether `name` would resolve to something runnable.
    pub fn lookup(&self, name: &str, path_var: &str) -> Result<(), SpawnError> {
        self.k.lookup(name, path_var, &self.cwd).map(|_| ())
    }

    /// The path `name` resolves to in `path_var` (for `which`/`command -v`).
    pub fn find_in_path(&self, name: &str, path_var: &str) -> Option<String> {
        if name.contains('/') {
            return self
                .fs()
                .stat(&self.cwd, name)
                .ok()
                .filter(|s| s.is_executable())
                .map(|_| name.to_string());
        }
        let fs = self.fs();
        path_var
            .split(':')
            .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
            .find(|c| fs.stat(&self.cwd, c).is_ok_and(|s| s.is_executable()))
    }

    /// Runs `make` as a child process (a subshell, a pipeline stage).
    pub fn fork(&self, cmdline: &str, fds: Fds, make: impl FnOnce(Proc) -> ProgramFuture) -> Pid {
        let env = self.env.clone();
        let cwd = self.cwd.clone();
        let tty = self.tty;
        let k = self.k.clone();
        self.k.spawn(self.pid, Rc::from(cmdline), |pid| {
            make(Proc {
                pid,
                argv: Vec::new(),
                env,
                cwd,
                fds,
                tty,
                k,
            })
        })
    }

    /// Replaces the command line `ps` shows (after `exec`).
    pub fn set_cmdline(&self, cmdline: &str) {
        self.with_entry(|p| p.cmdline = Rc::from(cmdline));
    }

    /// Program of `name` from the registry, for `exec` without a fork.
    pub fn program_for(&self, argv0: &str, path_var: &str) -> Result<Program, SpawnError> {
        self.k.lookup(argv0, path_var, &self.cwd)
    }

    /// A `Proc` for this same pid running another program (`exec`).
    pub fn reexec(
        &self,
        argv: Vec<String>,
        env: Rc<Vec<(String, String)>>,
        cwd: String,
        fds: Fds,
    ) -> Proc {
        Proc {
            pid: self.pid,
            argv,
            env,
            cwd,
            fds,
            tty: self.tty,
            k: self.k.clone(),
        }
    }

    /// Waits for a child to end and reaps it.
    pub async fn wait(&self, pid: Pid) -> Option<ExitStatus> {
        poll_fn(|_| self.poll_child(pid)).await
    }

    fn poll_child(&self, pid: Pid) -> Poll<Option<ExitStatus>> {
        let mut st = self.k.st.borrow_mut();
        let Some(i) = st
            .procs
            .iter()
            .position(|p| p.pid == pid && p.ppid == self.pid)
        else {
            return Poll::Ready(None);
        };
        match st.procs[i].status {
            Some(s) => {
                st.procs.remove(i);
                Poll::Ready(Some(s))
            }
            None => Poll::Pending,
        }
    }

    /// Waits for a child, giving up early (with `Err`) when a caught signal
    /// is pending: the `wait` builtin is interruptible.
    pub async fn wait_or_signal(&self, pid: Pid) -> Result<Option<ExitStatus>, ()> {
        poll_fn(|_| {
            if let Poll::Ready(s) = self.poll_child(pid) {
                return Poll::Ready(Ok(s));
            }
            if self.has_pending_signal() {
                return Poll::Ready(Err(()));
            }
            Poll::Pending
        })
        .await
    }

    /// Whether `pid` is a child of this process that has not been reaped.
    pub fn is_child(&self, pid: Pid) -> bool {
        self.k
            .st
            .borrow()
            .procs
            .iter()
            .any(|p| p.pid == pid && p.ppid == self.pid)
    }

    /// Sends a signal; false if there is no such process.
    pub fn kill(&self, pid: Pid, sig: Signal) -> bool {
        self.k.signal(pid, sig)
    }

    /// Sends a signal to this process.
    pub fn raise(&self, sig: Signal) {
        self.k.signal(self.pid, sig);
    }

    pub fn set_disposition(&self, sig: Signal, d: Disposition) {
        if sig == Signal::Kill || sig == Signal::Stop {
            return;
        }
        self.with_entry(|p| {
            p.caught &= !sig.bit();
            p.ignored &= !sig.bit();
            match d {
                Disposition::Default => {}
                Disposition::Ignore => p.ignored |= sig.bit(),
                Disposition::Catch => p.caught |= sig.bit(),
            }
        });
    }

    pub fn has_pending_signal(&self) -> bool {
        self.with_entry(|p| p.pending != 0).unwrap_or(false)
    }

    /// Takes the lowest-numbered pending caught signal.
    pub fn take_signal(&self) -> Option<Signal> {
        self.with_entry(|p| {
            let sig = ALL_SIGNALS.into_iter().find(|s| p.pending & s.bit() != 0)?;
            p.pending &= !sig.bit();
            Some(sig)
        })
        .flatten()
    }

    /// Marks `port` as listened on by this machine.
    pub fn listen(&self, port: u16) {
        let mut st = self.k.st.borrow_mut();
        let pid = self.pid;
        if !st.listening.iter().any(|l| l.port == port && l.pid == pid) {
            st.listening.push(Listener {
                port,
                pid,
                http: None,
            });
        }
    }

    /// Listens on `port` for plain TCP: connections are accepted, nothing
    /// is ever answered.
    pub fn serve_tcp(&self, port: u16) -> Result<(), AddrInUse> {
        self.bind(port, None)
    }

    /// Serves HTTP on `port` while this process lives. The handler answers
    /// each request at once; it must not hold this `Proc` (that would keep
    /// the machine alive), and reaches the machine through [`ServeCx`].
    /// Access logs go to this process's stdout/stderr as they are now.
    pub fn serve_http(&self, port: u16, handler: HttpHandler) -> Result<(), AddrInUse> {
        let out = self.fds.get(1).cloned().unwrap_or(Fd::Null);
        let err = self.fds.get(2).cloned().unwrap_or(Fd::Null);
        self.bind(port, Some(Rc::new(HttpServer { handler, out, err })))
    }

    /// Stops listening on `port` (a server reloading with a new config).
    pub fn close_port(&self, port: u16) {
        let pid = self.pid;
        self.k
            .st
            .borrow_mut()
            .listening
            .retain(|l| !(l.port == port && l.pid == pid));
    }

    fn bind(&self, port: u16, http: Option<Rc<HttpServer>>) -> Result<(), AddrInUse> {
        let mut st = self.k.st.borrow_mut();
        if st.listening.iter().any(|l| l.port == port) {
            return Err(AddrInUse);
        }
        st.listening.push(Listener {
            port,
            pid: self.pid,
            http,
        });
        Ok(())
    }
}
