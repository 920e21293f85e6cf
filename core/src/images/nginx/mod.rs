//! nginx: the official image in each era (Debian or Alpine), the
//! `nginx-slim` image of the StatefulSet tutorial, and the `nginx` program
//! itself: command line (`-v`, `-t`, `-s reload`…), the master process
//! with its signals, and the static file server.

mod conf;
mod entrypoint;
mod pages;
mod serve;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use self::conf::{ConfError, Config};
use super::rootfs;
use super::support::{boxed, log_time};
use super::Built;
use crate::userland::commands::KERNEL_RELEASE;
use crate::userland::fs::ImageBuilder;
use crate::userland::proc::{Disposition, ExitStatus, Proc, ProgramFuture, Signal};
use crate::userland::{HttpHandler, Registry};

/// An nginx release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version(pub u32, pub u32, pub u32);

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        let mut it = s.split('.').map(|x| x.parse::<u32>().ok());
        let v = Version(it.next()??, it.next()??, it.next()??);
        it.next().is_none().then_some(v)
    }
}

/// Which image nginx comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    Debian,
    Alpine,
    /// `registry.k8s.io/nginx-slim`: no entrypoint script, plain config.
    Slim,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Build {
    pub version: Version,
    pub flavor: Flavor,
}

/// The official images got `/docker-entrypoint.sh` with 1.19.0.
const ENTRYPOINT_SINCE: Version = Version(1, 19, 0);
/// `STOPSIGNAL SIGQUIT` replaced SIGTERM in the official images here.
const QUIT_STOP_SINCE: Version = Version(1, 19, 5);
/// The images have shipped curl since the entrypoint scripts arrived.
const CURL_SINCE: Version = Version(1, 19, 0);
/// Worker processes `auto` starts: one per CPU of the 2-CPU nodes.
const NODE_CPUS: u32 = 2;
/// More workers than this are not announced one by one (a typo such as
/// `worker_processes 100000;` would otherwise flood the log).
const MAX_WORKERS: u32 = 256;

/// The Debian release an nginx version's official image is built on.
fn debian_for(v: Version) -> u32 {
    match v.1 {
        0..=7 => 7,
        8..=13 => 8,
        14..=16 => 9,
        17..=19 => 10,
        20..=23 => 11,
        24..=28 => 12,
        _ => 13,
    }
}

impl Build {
    fn has_entrypoint(&self) -> bool {
        self.flavor != Flavor::Slim && self.version >= ENTRYPOINT_SINCE
    }

    /// The compiler line of `nginx -V` and the start-up notices.
    fn built_by(&self) -> String {
        match self.flavor {
            Flavor::Alpine => "gcc 14.2.0 (Alpine 14.2.0) ".to_string(),
            Flavor::Slim => "gcc 5.4.0 20160609 (Ubuntu 5.4.0-6ubuntu1~16.04.4) ".to_string(),
            Flavor::Debian => format!("{} ", rootfs::debian(debian_for(self.version)).gcc),
        }
    }

    /// The package release suffix the image's env names (`1~bookworm`).
    fn pkg_release(&self) -> String {
        match self.flavor {
            Flavor::Alpine => "1".to_string(),
            _ => format!("1~{}", rootfs::debian(debian_for(self.version)).codename),
        }
    }
}

/// The bytes of `/usr/sbin/nginx`: what the program reads back to know
/// which release it is.
fn binary(b: &Build) -> String {
    format!(
        "nginx version: nginx/{}\nbuilt by {}\nconfigure arguments: --prefix=/etc/nginx --sbin-path=/usr/sbin/nginx --modules-path=/usr/lib/nginx/modules --conf-path=/etc/nginx/nginx.conf --error-log-path=/var/log/nginx/error.log --http-log-path=/var/log/nginx/access.log --pid-path={} --lock-path=/var/run/nginx.lock --user=nginx --group=nginx --with-http_ssl_module --with-http_v2_module --with-stream\n",
        b.version,
        b.built_by(),
        pages::pid_file(b.version)
    )
}

/// What `/usr/sbin/nginx` says about itself.
pub(crate) struct Binary {
    pub version: Version,
    pub built_by: String,
    pub configure: String,
}

impl Binary {
    pub fn read(p: &Proc) -> Binary {
        let data = p.fs().read("/", "/usr/sbin/nginx").unwrap_or_default();
        let text = String::from_utf8_lossy(&data);
        let mut b = Binary {
            version: Version(1, 25, 3),
            built_by: String::new(),
            configure: String::new(),
        };
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("nginx version: nginx/") {
                b.version = Version::parse(v).unwrap_or(b.version);
            } else if let Some(g) = line.strip_prefix("built by ") {
                b.built_by = g.to_string();
            } else if let Some(c) = line.strip_prefix("configure arguments: ") {
                b.configure = c.to_string();
            }
        }
        b
    }

    fn modern(&self) -> bool {
        self.version >= pages::MODERN_CONF_SINCE
    }
}

/// The image for one nginx build.
pub(crate) fn image(b: &Build) -> Built {
    let v = b.version;
    let mut fs: ImageBuilder = match b.flavor {
        Flavor::Alpine => rootfs::alpine_fs(),
        Flavor::Slim => rootfs::ubuntu_fs(rootfs::ubuntu("16.04")),
        Flavor::Debian => rootfs::debian_fs(rootfs::debian(debian_for(v))),
    };
    let passwd = match b.flavor {
        Flavor::Alpine => rootfs::ALPINE_PASSWD,
        _ => rootfs::DEBIAN_PASSWD,
    };
    fs = fs.file(
        "etc/passwd",
        format!("{passwd}nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"),
        0o644,
    );
    fs = fs
        .executable("usr/sbin/nginx", "nginx", binary(b))
        .dir("etc/nginx/conf.d", 0o755)
        .dir("var/cache/nginx", 0o755)
        .dir("var/log/nginx", 0o755)
        .file("etc/nginx/nginx.conf", pages::nginx_conf(v), 0o644)
        .file(
            "etc/nginx/conf.d/default.conf",
            pages::default_conf(v),
            0o644,
        )
        .file("etc/nginx/mime.types", pages::mime_types(), 0o644)
        .file(
            "usr/share/nginx/html/index.html",
            pages::index_html(v),
            0o644,
        )
        .file("usr/share/nginx/html/50x.html", pages::error_html(v), 0o644)
        .symlink("var/log/nginx/access.log", "/dev/stdout")
        .symlink("var/log/nginx/error.log", "/dev/stderr");
    if b.has_entrypoint() {
        fs = entrypoint::install(fs, v);
    }
    if b.flavor != Flavor::Slim && v >= CURL_SINCE {
        fs = super::curl::install(fs, b.flavor == Flavor::Alpine, debian_for(v));
    }
    let mut env = vec![(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    )];
    match b.flavor {
        Flavor::Slim => {}
        _ if v >= Version(1, 15, 0) => {
            env.push(("NGINX_VERSION".to_string(), v.to_string()));
            env.push(("PKG_RELEASE".to_string(), b.pkg_release()));
        }
        // Older images named the package version.
        _ => env.push((
            "NGINX_VERSION".to_string(),
            format!("{v}-{}", b.pkg_release()),
        )),
    }
    let cmd = vec![
        "nginx".to_string(),
        "-g".to_string(),
        "daemon off;".to_string(),
    ];
    let (entrypoint, stop_signal) = if b.has_entrypoint() {
        let stop = if v >= QUIT_STOP_SINCE {
            Signal::Quit
        } else {
            Signal::Term
        };
        (vec!["/docker-entrypoint.sh".to_string()], stop)
    } else {
        (Vec::new(), Signal::Term)
    };
    let approx_size = match (b.flavor, v.1) {
        (Flavor::Alpine, _) => 21_000_000,
        (Flavor::Slim, _) => 40_000_000,
        (_, 0..=13) => 40_000_000,
        (_, 14..=18) => 44_700_000,
        (_, 19..=23) => 54_000_000,
        _ => 70_000_000,
    };
    Built {
        entrypoint,
        cmd,
        env,
        stop_signal,
        exposed_ports: vec![80],
        approx_size,
        filesystem: fs.build(),
    }
}

pub(crate) fn register(r: &mut Registry) {
    r.register("nginx", nginx);
    entrypoint::register(r);
}

fn nginx(p: Proc) -> ProgramFuture {
    boxed(nginx_main(p))
}

/// The parsed command line.
struct Cli {
    conf: String,
    globals: String,
    signal: Option<String>,
    test: bool,
    dump: bool,
    quiet: bool,
}

async fn usage(p: &Proc, bin: &Binary) {
    let _ = p
        .err(&format!(
            "nginx version: nginx/{}\nUsage: nginx [-?hvVtTq] [-s signal] [-p prefix]\n             [-e filename] [-c filename] [-g directives]\n\nOptions:\n  -?,-h         : this help\n  -v            : show version and exit\n  -V            : show version and configure options then exit\n  -t            : test configuration and exit\n  -T            : test configuration, dump it and exit\n  -q            : suppress non-error messages during configuration testing\n  -s signal     : send signal to a master process: stop, quit, reopen, reload\n  -p prefix     : set prefix path (default: /etc/nginx/)\n  -e filename   : set error log file (default: /var/log/nginx/error.log)\n  -c filename   : set configuration file (default: /etc/nginx/nginx.conf)\n  -g directives : set global directives out of configuration file\n\n",
            bin.version
        ))
        .await;
}

async fn nginx_main(p: Proc) -> ExitStatus {
    let bin = Binary::read(&p);
    let mut cli = Cli {
        conf: "/etc/nginx/nginx.conf".to_string(),
        globals: String::new(),
        signal: None,
        test: false,
        dump: false,
        quiet: false,
    };
    let args: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-') else {
            let _ = p.err(&format!("nginx: invalid option: \"{a}\"\n")).await;
            return ExitStatus::FAILURE;
        };
        for (k, c) in flags.char_indices() {
            match c {
                '?' | 'h' => {
                    usage(&p, &bin).await;
                    return ExitStatus::SUCCESS;
                }
                'v' => {
                    let _ = p
                        .err(&format!("nginx version: nginx/{}\n", bin.version))
                        .await;
                    return ExitStatus::SUCCESS;
                }
                'V' => {
                    let _ = p
                        .err(&format!(
                            "nginx version: nginx/{}\nbuilt by {}\nbuilt with OpenSSL 3.0.17 1 Jul 2025\nTLS SNI support enabled\nconfigure arguments: {}\n",
                            bin.version, bin.built_by, bin.configure
                        ))
                        .await;
                    return ExitStatus::SUCCESS;
                }
                't' => cli.test = true,
                'T' => {
                    cli.test = true;
                    cli.dump = true;
                }
                'q' => cli.quiet = true,
                's' | 'c' | 'g' | 'p' | 'e' => {
                    // The value is the rest of this word or the next one.
                    let rest = &flags[k + c.len_utf8()..];
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i).cloned()
                    } else {
                        Some(rest.to_string())
                    };
                    let Some(v) = value else {
                        let _ = p
                            .err(&format!("nginx: option \"-{c}\" requires parameter\n"))
                            .await;
                        return ExitStatus::FAILURE;
                    };
                    match c {
                        's' if !matches!(v.as_str(), "stop" | "quit" | "reopen" | "reload") => {
                            let _ = p.err(&format!("nginx: invalid option: \"-s {v}\"\n")).await;
                            return ExitStatus::FAILURE;
                        }
                        's' => cli.signal = Some(v),
                        'c' => cli.conf = v,
                        'g' => cli.globals = v,
                        _ => {}
                    }
                    break;
                }
                _ => {
                    let _ = p
                        .err(&format!("nginx: invalid option: \"{flags}\"\n"))
                        .await;
                    return ExitStatus::FAILURE;
                }
            }
        }
        i += 1;
    }
    let loaded = load(&p, &cli);
    if cli.test {
        return test_config(&p, &cli, loaded).await;
    }
    if let Some(sig) = cli.signal.clone() {
        return send_signal(&p, &bin, loaded, &sig).await;
    }
    let cfg = match loaded {
        Ok(c) => c,
        Err(e) => {
            let t = log_time(p.wall_ms());
            let msg = e.text();
            let _ = p
                .err(&format!(
                    "{t} [emerg] {pid}#{pid}: {msg}\nnginx: [emerg] {msg}\n",
                    pid = p.pid
                ))
                .await;
            return ExitStatus::FAILURE;
        }
    };
    if !cfg.daemon_off {
        // Without `daemon off;` the master forks into the background and
        // the command returns at once; as a container's main process that
        // ends the container.
        let fds = p.fds.clone();
        let conf = cli.conf.clone();
        let _child = p.fork("nginx: master process nginx", fds, move |child| {
            boxed(async move { master(child, cfg, conf).await })
        });
        return ExitStatus::SUCCESS;
    }
    p.set_cmdline(&format!("nginx: master process {}", p.argv.join(" ")));
    master(p, cfg, cli.conf).await
}

/// Reads the configuration the command line names.
fn load(p: &Proc, cli: &Cli) -> Result<Config, ConfError> {
    let fs = p.fs();
    let mut top = conf::load(&fs, &cli.conf)?;
    drop(fs);
    if !cli.globals.is_empty() {
        let g = conf::parse_globals(&cli.globals)?;
        top.extend(g);
    }
    conf::model(&top)
}

async fn test_config(p: &Proc, cli: &Cli, loaded: Result<Config, ConfError>) -> ExitStatus {
    match loaded {
        Ok(_) => {
            if !cli.quiet {
                let _ = p
                    .err(&format!(
                        "nginx: the configuration file {c} syntax is ok\nnginx: configuration file {c} test is successful\n",
                        c = cli.conf
                    ))
                    .await;
            }
            if cli.dump {
                let text = p.fs().read("/", &cli.conf).unwrap_or_default();
                let _ = p
                    .out(&format!(
                        "# configuration file {}:\n{}\n",
                        cli.conf,
                        String::from_utf8_lossy(&text)
                    ))
                    .await;
            }
            ExitStatus::SUCCESS
        }
        Err(e) => {
            let _ = p
                .err(&format!(
                    "nginx: [emerg] {}\nnginx: configuration file {} test failed\n",
                    e.text(),
                    cli.conf
                ))
                .await;
            ExitStatus::FAILURE
        }
    }
}

/// `nginx -s …`: signals the master named in the pid file.
async fn send_signal(
    p: &Proc,
    bin: &Binary,
    loaded: Result<Config, ConfError>,
    which: &str,
) -> ExitStatus {
    let pid_file = match &loaded {
        Ok(c) => c.pid_file.clone(),
        Err(e) => {
            let _ = p.err(&format!("nginx: [emerg] {}\n", e.text())).await;
            return ExitStatus::FAILURE;
        }
    };
    if bin.modern() {
        let t = log_time(p.wall_ms());
        let _ = p
            .err(&format!(
                "{t} [notice] {pid}#{pid}: signal process started\n",
                pid = p.pid
            ))
            .await;
    }
    let read = p.fs().read("/", &pid_file);
    let text = match read {
        Ok(d) => String::from_utf8_lossy(&d).trim().to_string(),
        Err(e) => {
            let _ = p
                .err(&format!(
                    "nginx: [error] open() \"{pid_file}\" failed ({}: {})\n",
                    conf::errno(e),
                    e.text()
                ))
                .await;
            return ExitStatus::FAILURE;
        }
    };
    let Ok(target) = text.parse::<u32>() else {
        let _ = p
            .err(&format!(
                "nginx: [error] invalid PID number \"{text}\" in \"{pid_file}\"\n"
            ))
            .await;
        return ExitStatus::FAILURE;
    };
    let sig = match which {
        "stop" => Signal::Term,
        "quit" => Signal::Quit,
        "reopen" => Signal::Usr1,
        _ => Signal::Hup,
    };
    if !p.kill(target, sig) {
        let _ = p
            .err(&format!(
                "nginx: [alert] kill({target}, {}) failed (3: No such process)\n",
                sig.number()
            ))
            .await;
        return ExitStatus::FAILURE;
    }
    ExitStatus::SUCCESS
}

/// What the request handlers share with the master.
pub(crate) struct Shared {
    pub cfg: Rc<Config>,
    pub version: Version,
    /// The first worker's pid, which error-log lines name.
    pub worker: u32,
    /// Connections served so far (`*N` in error-log lines).
    pub connections: u64,
}

/// The master process: binds, writes the pid file, announces itself and
/// serves until a signal tells it to stop.
async fn master(p: Proc, cfg: Config, conf_path: String) -> ExitStatus {
    let bin = Binary::read(&p);
    let notice = |p: &Proc, pid: u32, msg: &str| {
        format!("{} [notice] {pid}#{pid}: {msg}\n", log_time(p.wall_ms()))
    };
    let first_worker = if p.pid == 1 { 29 } else { p.pid + 1 };
    let shared = Rc::new(RefCell::new(Shared {
        cfg: Rc::new(cfg),
        version: bin.version,
        worker: first_worker,
        connections: 0,
    }));
    let ports = shared.borrow().cfg.ports();
    for port in &ports {
        let mut tries = 0;
        while p.serve_http(*port, handler(&shared, *port)).is_err() {
            let t = log_time(p.wall_ms());
            let msg = format!("bind() to 0.0.0.0:{port} failed (98: Address already in use)");
            let _ = p
                .err(&format!(
                    "{t} [emerg] {pid}#{pid}: {msg}\nnginx: [emerg] {msg}\n",
                    pid = p.pid
                ))
                .await;
            tries += 1;
            if tries == 5 {
                let _ = p
                    .err(&format!(
                        "{t} [emerg] {pid}#{pid}: still could not bind()\nnginx: [emerg] still could not bind()\n",
                        pid = p.pid
                    ))
                    .await;
                return ExitStatus::FAILURE;
            }
            p.sleep(500).await;
        }
    }
    let pid_file = shared.borrow().cfg.pid_file.clone();
    let now = p.wall_secs();
    let _ = p.fs_mut().write(
        "/",
        &pid_file,
        format!("{}\n", p.pid).as_bytes(),
        false,
        now,
    );
    let workers = |cfg: &Config| cfg.workers.unwrap_or(NODE_CPUS).clamp(1, MAX_WORKERS);
    let mut worker_pids: Vec<u32> = (0..workers(&shared.borrow().cfg))
        .map(|i| first_worker + i)
        .collect();
    let mut next_worker = first_worker + worker_pids.len() as u32;
    if shared.borrow().cfg.notice {
        let mut s = String::new();
        for m in [
            "using the \"epoll\" event method".to_string(),
            format!("nginx/{}", bin.version),
            format!("built by {}", bin.built_by),
            format!("OS: Linux {KERNEL_RELEASE}"),
            "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_string(),
            "start worker processes".to_string(),
        ] {
            s.push_str(&notice(&p, p.pid, &m));
        }
        for w in &worker_pids {
            s.push_str(&notice(&p, p.pid, &format!("start worker process {w}")));
        }
        let _ = p.err(&s).await;
    }
    for sig in [
        Signal::Quit,
        Signal::Term,
        Signal::Int,
        Signal::Hup,
        Signal::Usr1,
        Signal::Winch,
    ] {
        p.set_disposition(sig, Disposition::Catch);
    }
    loop {
        p.sleep_until_signal(None).await;
        let Some(sig) = p.take_signal() else { continue };
        let logs = shared.borrow().cfg.notice;
        let head = format!("signal {} (SIG{}) received", sig.number(), sig.name());
        match sig {
            Signal::Quit | Signal::Term | Signal::Int => {
                if logs {
                    let graceful = sig == Signal::Quit;
                    let mut s = notice(
                        &p,
                        p.pid,
                        &format!(
                            "{head}, {}",
                            if graceful { "shutting down" } else { "exiting" }
                        ),
                    );
                    for w in &worker_pids {
                        if graceful {
                            s.push_str(&notice(&p, *w, "gracefully shutting down"));
                        }
                        s.push_str(&notice(&p, *w, "exiting"));
                        s.push_str(&notice(&p, *w, "exit"));
                    }
                    for (k, w) in worker_pids.iter().enumerate() {
                        s.push_str(&notice(
                            &p,
                            p.pid,
                            &format!("signal 17 (SIGCHLD) received from {w}"),
                        ));
                        s.push_str(&notice(
                            &p,
                            p.pid,
                            &format!("worker process {w} exited with code 0"),
                        ));
                        if graceful && k + 1 < worker_pids.len() {
                            s.push_str(&notice(&p, p.pid, "signal 29 (SIGIO) received"));
                        }
                    }
                    s.push_str(&notice(&p, p.pid, "exit"));
                    let _ = p.err(&s).await;
                }
                let now = p.wall_secs();
                let _ = p.fs_mut().unlink("/", &pid_file, now);
                return ExitStatus::SUCCESS;
            }
            Signal::Hup => {
                let mut s = String::new();
                if logs {
                    s.push_str(&notice(&p, p.pid, &format!("{head}, reconfiguring")));
                    s.push_str(&notice(&p, p.pid, "reconfiguring"));
                }
                let cli = Cli {
                    conf: conf_path.clone(),
                    globals: "daemon off;".to_string(),
                    signal: None,
                    test: false,
                    dump: false,
                    quiet: false,
                };
                match load(&p, &cli) {
                    Err(e) => {
                        let t = log_time(p.wall_ms());
                        s.push_str(&format!(
                            "{t} [emerg] {pid}#{pid}: {}\n",
                            e.text(),
                            pid = p.pid
                        ));
                    }
                    Ok(new_cfg) => {
                        let old_ports = shared.borrow().cfg.ports();
                        let new_ports = new_cfg.ports();
                        for port in old_ports.iter().filter(|x| !new_ports.contains(x)) {
                            p.close_port(*port);
                        }
                        let new_logs = new_cfg.notice;
                        let count = workers(&new_cfg);
                        shared.borrow_mut().cfg = Rc::new(new_cfg);
                        for port in new_ports.iter().filter(|x| !old_ports.contains(x)) {
                            if p.serve_http(*port, handler(&shared, *port)).is_err() {
                                let t = log_time(p.wall_ms());
                                s.push_str(&format!(
                                    "{t} [emerg] {pid}#{pid}: bind() to 0.0.0.0:{port} failed (98: Address already in use)\n",
                                    pid = p.pid
                                ));
                            }
                        }
                        let new_workers: Vec<u32> = (0..count).map(|i| next_worker + i).collect();
                        next_worker += count;
                        if new_logs {
                            s.push_str(&notice(&p, p.pid, "using the \"epoll\" event method"));
                            s.push_str(&notice(&p, p.pid, "start worker processes"));
                            for w in &new_workers {
                                s.push_str(&notice(
                                    &p,
                                    p.pid,
                                    &format!("start worker process {w}"),
                                ));
                            }
                            for w in &worker_pids {
                                s.push_str(&notice(&p, *w, "gracefully shutting down"));
                                s.push_str(&notice(&p, *w, "exiting"));
                                s.push_str(&notice(&p, *w, "exit"));
                            }
                            for w in &worker_pids {
                                s.push_str(&notice(
                                    &p,
                                    p.pid,
                                    &format!("signal 17 (SIGCHLD) received from {w}"),
                                ));
                                s.push_str(&notice(
                                    &p,
                                    p.pid,
                                    &format!("worker process {w} exited with code 0"),
                                ));
                                s.push_str(&notice(&p, p.pid, "signal 29 (SIGIO) received"));
                            }
                        }
                        if let Some(first) = new_workers.first() {
                            shared.borrow_mut().worker = *first;
                        }
                        worker_pids = new_workers;
                    }
                }
                if !s.is_empty() {
                    let _ = p.err(&s).await;
                }
            }
            Signal::Usr1 => {
                if logs {
                    let mut s = notice(&p, p.pid, &format!("{head}, reopening logs"));
                    s.push_str(&notice(&p, p.pid, "reopening logs"));
                    let _ = p.err(&s).await;
                }
            }
            _ => {
                if logs {
                    let _ = p.err(&notice(&p, p.pid, &head)).await;
                }
            }
        }
    }
}

fn handler(shared: &Rc<RefCell<Shared>>, port: u16) -> HttpHandler {
    let shared = shared.clone();
    Rc::new(move |req, cx| serve::handle(&shared, port, req, cx))
}
