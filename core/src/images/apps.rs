//! The course's small application images (kubia and its variants, the
//! liveness and goproxy training images, the demo server, ssd-monitor,
//! batch-job, fluentd) and the kubeadm control plane's images (etcd, the
//! Kubernetes components, CoreDNS, pause).

use std::cell::Cell;
use std::rc::Rc;

use super::rootfs;
use super::support::{
    boxed, client_ip, client_port, go_block_forever, go_error, go_response, http_date, klog,
    log_time, path_only, rfc3339_micro, wait_for_signal,
};
use super::Built;
use crate::userland::commands::strftime;
use crate::userland::fs::ImageBuilder;
use crate::userland::outside::HttpResponse;
use crate::userland::proc::{Disposition, ExitStatus, Proc, ProgramFuture, Signal};
use crate::userland::{HttpHandler, Registry};

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn path_env() -> Vec<(String, String)> {
    vec![("PATH".to_string(), PATH.to_string())]
}

fn built(fs: ImageBuilder, entrypoint: &[&str], cmd: &[&str], size: u64) -> Built {
    Built {
        entrypoint: entrypoint.iter().map(|s| s.to_string()).collect(),
        cmd: cmd.iter().map(|s| s.to_string()).collect(),
        env: path_env(),
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: size,
        filesystem: fs.build(),
    }
}

pub(crate) fn register(r: &mut Registry) {
    r.register("node", node);
    r.register("goproxy", goproxy);
    r.register("demo-server", demo_server);
    r.register("fluentd-run", fluentd);
    r.register("pause", pause);
    r.register("go-runner", go_runner);
    for (name, _) in COMPONENTS {
        r.register(name, component);
    }
}

/// Which kubia app an image's `app.js` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kubia {
    /// "You've hit <hostname>".
    Hostname,
    /// The rolling-update chapter's `kubia:v1` and `v2`.
    Version(u8),
    /// `kubia:v3`, which fails from its fifth request on.
    Failing,
    /// `kubia-unhealthy`, which fails after five requests.
    Unhealthy,
}

impl Kubia {
    /// The first line of `app.js`, which `node` reads to know the app.
    fn marker(self) -> String {
        match self {
            Kubia::Hostname => "// kubia: answers every request with this pod's hostname".into(),
            Kubia::Version(v) => format!("// kubia v{v}: names its version and pod"),
            Kubia::Failing => "// kubia v3: breaks down from the fifth request on".into(),
            Kubia::Unhealthy => "// kubia-unhealthy: falls ill after five requests".into(),
        }
    }

    fn app_js(self) -> String {
        let reply = match self {
            Kubia::Hostname => "  res.writeHead(200);\n  res.end(\"You've hit \" + os.hostname() + \"\\n\");".to_string(),
            Kubia::Version(v) => format!(
                "  res.writeHead(200);\n  res.end(\"This is v{v} running in pod \" + os.hostname() + \"\\n\");"
            ),
            Kubia::Failing => "  if (++served >= 5) {\n    res.writeHead(500);\n    return res.end(\"Some internal error has occurred! This is pod \" + os.hostname() + \"\\n\");\n  }\n  res.writeHead(200);\n  res.end(\"This is v3 running in pod \" + os.hostname() + \"\\n\");".to_string(),
            Kubia::Unhealthy => "  if (++served > 5) {\n    res.writeHead(500);\n    return res.end(\"I'm not well. Please restart me!\");\n  }\n  res.writeHead(200);\n  res.end(\"You've hit \" + os.hostname() + \"\\n\");".to_string(),
        };
        format!(
            "{}\nconst http = require('http');\nconst os = require('os');\nlet served = 0;\n\nconsole.log(\"Kubia server starting...\");\n\nhttp.createServer((req, res) => {{\n  console.log(\"Received request from \" + req.connection.remoteAddress);\n{reply}\n}}).listen(8080);\n",
            self.marker()
        )
    }

    fn from_script(text: &str) -> Option<Kubia> {
        let first = text.lines().next()?;
        [
            Kubia::Hostname,
            Kubia::Version(1),
            Kubia::Version(2),
            Kubia::Failing,
            Kubia::Unhealthy,
        ]
        .into_iter()
        .find(|k| k.marker() == first)
    }
}

/// `FROM node:7`, `ADD app.js /app.js`, `ENTRYPOINT ["node", "app.js"]`.
pub(crate) fn kubia_image(app: Kubia) -> Built {
    let fs = rootfs::debian_fs(rootfs::debian(8))
        .executable("usr/local/bin/node", "node", "node v7.10.1\n")
        .file("app.js", app.app_js(), 0o644);
    let mut b = built(fs, &["node", "app.js"], &[], 264_000_000);
    b.env.extend([
        ("NPM_CONFIG_LOGLEVEL".to_string(), "info".to_string()),
        ("NODE_VERSION".to_string(), "7.10.1".to_string()),
        ("YARN_VERSION".to_string(), "0.24.4".to_string()),
    ]);
    b
}

fn node(p: Proc) -> ProgramFuture {
    boxed(node_main(p))
}

async fn node_main(p: Proc) -> ExitStatus {
    let Some(script) = p.argv.get(1).cloned() else {
        let _ = p.err("node: interactive mode needs a terminal\n").await;
        return ExitStatus::FAILURE;
    };
    let full = crate::userland::fs::absolute(&p.cwd, &script);
    let read = p.fs().read("/", &full);
    let Ok(text) = read else {
        let _ = p
            .err(&format!(
                "module.js:471\n    throw err;\n    ^\n\nError: Cannot find module '{full}'\n    at Function.Module._resolveFilename (module.js:469:15)\n    at Function.Module._load (module.js:417:25)\n    at Module.runMain (module.js:604:10)\n    at run (bootstrap_node.js:393:7)\n    at startup (bootstrap_node.js:150:9)\n    at bootstrap_node.js:508:3\n"
            ))
            .await;
        return ExitStatus::FAILURE;
    };
    let Some(app) = Kubia::from_script(&String::from_utf8_lossy(&text)) else {
        let _ = p
            .err(&format!(
                "node: {full}: only the kubia sample apps run in this image\n"
            ))
            .await;
        return ExitStatus::FAILURE;
    };
    let _ = p.out("Kubia server starting...\n").await;
    let served = Rc::new(Cell::new(0u32));
    let handler: HttpHandler = Rc::new(move |req, cx| {
        let n = served.get() + 1;
        served.set(n);
        cx.stdout(format!("Received request from ::ffff:{}\n", client_ip(req)).as_bytes());
        let host = cx.hostname().to_string();
        let (status, body) = match app {
            Kubia::Hostname => (200, format!("You've hit {host}\n")),
            Kubia::Version(v) => (200, format!("This is v{v} running in pod {host}\n")),
            Kubia::Failing if n >= 5 => (
                500,
                format!("Some internal error has occurred! This is pod {host}\n"),
            ),
            Kubia::Failing => (200, format!("This is v3 running in pod {host}\n")),
            Kubia::Unhealthy if n > 5 => (500, "I'm not well. Please restart me!".to_string()),
            Kubia::Unhealthy => (200, format!("You've hit {host}\n")),
        };
        node_response(status, body, cx.wall_ms().div_euclid(1000), req)
    });
    if p.serve_http(8080, handler).is_err() {
        let _ = p
            .err("events.js:163\n      throw er; // Unhandled 'error' event\n      ^\n\nError: listen EADDRINUSE :::8080\n")
            .await;
        return ExitStatus::FAILURE;
    }
    // Node installs no SIGTERM handler: as pid 1 the signal is ignored.
    p.pause().await
}

/// A response as node's `http` module sends it (chunked, no length).
fn node_response(
    status: u16,
    body: String,
    now: i64,
    req: &crate::userland::outside::HttpRequest,
) -> HttpResponse {
    let close =
        super::support::header(req, "Connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
    HttpResponse {
        status,
        reason: super::support::reason(status).to_string(),
        headers: vec![
            ("Date".into(), http_date(now)),
            (
                "Connection".into(),
                if close { "close" } else { "keep-alive" }.into(),
            ),
            ("Transfer-Encoding".into(), "chunked".into()),
        ],
        body: body.into_bytes(),
    }
}

/// `FROM busybox` with a shell-form ENTRYPOINT.
pub(crate) fn busybox_script_image(script: &str) -> Built {
    built(
        rootfs::busybox_fs(),
        &["/bin/sh", "-c", script],
        &[],
        720_000,
    )
}

/// The training liveness image: `/server`, alive for ten seconds.
pub(crate) fn training_liveness_image() -> Built {
    let fs = rootfs::busybox_fs().program("server", "liveness-server");
    built(fs, &[], &["/server"], 2_600_000)
}

/// `registry.k8s.io/goproxy`: an HTTP proxy on 8080, nothing else.
pub(crate) fn goproxy_image() -> Built {
    let fs = rootfs::scratch().program("goproxy", "goproxy");
    let mut b = built(fs, &[], &["/goproxy"], 2_500_000);
    b.exposed_ports = vec![8080];
    b
}

fn goproxy(p: Proc) -> ProgramFuture {
    boxed(async move {
        let handler: HttpHandler = Rc::new(|req, cx| {
            let now = cx.wall_ms().div_euclid(1000);
            if req.path.starts_with("http://") {
                go_error(502, "proxying is not simulated", now)
            } else {
                go_error(
                    500,
                    "This is a proxy server. Does not respond to non-proxy requests.",
                    now,
                )
            }
        });
        if p.serve_http(8080, handler).is_err() {
            let _ = p
                .err(&format!(
                    "{} listen tcp :8080: bind: address already in use\n",
                    log_time(p.wall_ms())
                ))
                .await;
            return ExitStatus::FAILURE;
        }
        go_block_forever(&p).await
    })
}

/// The training demo: busybox with a server on 8080 that names its host.
pub(crate) fn demo_image() -> Built {
    let fs = rootfs::busybox_fs()
        .dir("usr/share", 0o755)
        .program("demo", "demo-server");
    built(fs, &[], &["/demo"], 3_100_000)
}

fn demo_server(p: Proc) -> ProgramFuture {
    boxed(async move {
        let served = Rc::new(Cell::new(0u64));
        let handler: HttpHandler = Rc::new(move |req, cx| {
            let n = served.get() + 1;
            served.set(n);
            let ip = client_ip(req);
            cx.stdout(
                format!(
                    "{} {} {} from {ip}:{}\n",
                    log_time(cx.wall_ms()),
                    req.method,
                    req.path,
                    client_port(ip, n)
                )
                .as_bytes(),
            );
            go_response(
                200,
                format!("{}\n", cx.hostname()),
                cx.wall_ms().div_euclid(1000),
            )
        });
        if p.serve_http(8080, handler).is_err() {
            return ExitStatus::FAILURE;
        }
        let _ = p
            .out(&format!("{} listening on :8080\n", log_time(p.wall_ms())))
            .await;
        go_block_forever(&p).await
    })
}

/// The DaemonSet example's fluentd-elasticsearch: tails logs forever.
pub(crate) fn fluentd_image() -> Built {
    let fs = rootfs::debian_fs(rootfs::debian(9))
        .program("run.sh", "fluentd-run")
        .dir("etc/td-agent", 0o755)
        .file(
            "etc/td-agent/td-agent.conf",
            "<match fluent.**>\n  type null\n</match>\n\n<source>\n  type tail\n  path /var/log/containers/*.log\n  pos_file /var/log/es-containers.log.pos\n  tag kubernetes.*\n  format json\n  read_from_head true\n</source>\n",
            0o644,
        );
    built(fs, &[], &["/run.sh"], 139_000_000)
}

fn fluentd(p: Proc) -> ProgramFuture {
    boxed(async move {
        let ts = |p: &Proc| strftime("%Y-%m-%d %H:%M:%S +0000", p.wall_secs());
        let lines = [
            "[info]: reading config file path=\"/etc/td-agent/td-agent.conf\"".to_string(),
            "[info]: starting fluentd-0.12.29".to_string(),
            "[info]: gem 'fluent-plugin-elasticsearch' version '1.9.2'".to_string(),
            "[info]: gem 'fluent-plugin-kubernetes_metadata_filter' version '0.26.2'".to_string(),
            "[info]: adding match pattern=\"fluent.**\" type=\"null\"".to_string(),
            "[info]: adding source type=\"tail\"".to_string(),
        ];
        let mut s = String::new();
        for l in lines {
            s.push_str(&format!("{} {l}\n", ts(&p)));
        }
        let _ = p.out(&s).await;
        wait_for_signal(&p, &[Signal::Term, Signal::Int]).await;
        let _ = p
            .out(&format!("{} [info]: shutting down fluentd\n", ts(&p)))
            .await;
        ExitStatus::SUCCESS
    })
}

/// `registry.k8s.io/pause`: only `/pause`, no shell.
pub(crate) fn pause_image(version: &str) -> Built {
    let fs = rootfs::scratch().executable("pause", "pause", format!("pause.c v{version}\n"));
    built(fs, &["/pause"], &[], 320_000)
}

fn pause(p: Proc) -> ProgramFuture {
    if p.argv.get(1).is_some_and(|a| a.eq_ignore_ascii_case("-v")) {
        return boxed(async move {
            let data = p.fs().read("/", "/pause").unwrap_or_default();
            let text = String::from_utf8_lossy(&data).trim().to_string();
            let _ = p.out(&format!("{text}\n")).await;
            ExitStatus::SUCCESS
        });
    }
    // Kept small: thousands of pods idle in this future.
    boxed(async move {
        if p.pid != 1 {
            let _ = p.err("Warning: pause should be the first process\n").await;
        }
        p.set_disposition(Signal::Int, Disposition::Catch);
        p.set_disposition(Signal::Term, Disposition::Catch);
        loop {
            p.sleep_until_signal(None).await;
            let name = match p.take_signal() {
                Some(Signal::Int) => "Interrupt",
                Some(Signal::Term) => "Terminated",
                _ => continue,
            };
            let _ = p.err(&format!("Shutting down, got signal: {name}\n")).await;
            return ExitStatus::SUCCESS;
        }
    })
}

/// A control-plane component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Component {
    Etcd,
    Apiserver,
    ControllerManager,
    Scheduler,
    Proxy,
    CoreDns,
}

/// Program names, and where the binaries live, in [`Component`] order.
const COMPONENTS: &[(&str, &str)] = &[
    ("etcd", "usr/local/bin/etcd"),
    ("kube-apiserver", "usr/local/bin/kube-apiserver"),
    (
        "kube-controller-manager",
        "usr/local/bin/kube-controller-manager",
    ),
    ("kube-scheduler", "usr/local/bin/kube-scheduler"),
    ("kube-proxy", "usr/local/bin/kube-proxy"),
    ("coredns", "coredns"),
];

impl Component {
    fn program(self) -> &'static str {
        COMPONENTS[self as usize].0
    }

    fn binary_path(self) -> &'static str {
        COMPONENTS[self as usize].1
    }
}

/// A distroless control-plane image; `version` is its tag.
pub(crate) fn control_plane_image(c: Component, version: &str) -> Built {
    let base = match c {
        Component::CoreDns => rootfs::scratch().dir("etc/ssl/certs", 0o755),
        _ => rootfs::distroless_fs(),
    };
    let stamp = match c {
        Component::Etcd => format!("etcd Version: {}\n", version.trim_end_matches("-0")),
        Component::CoreDns => format!("CoreDNS-{}\n", version.trim_start_matches('v')),
        _ => format!("Kubernetes {version}\n"),
    };
    let mut fs = base.executable(c.binary_path(), c.program(), stamp);
    if matches!(
        c,
        Component::Apiserver | Component::ControllerManager | Component::Scheduler
    ) {
        fs = fs.program("go-runner", "go-runner");
    }
    let (ep, cmd, size): (Vec<String>, Vec<String>, u64) = match c {
        Component::Etcd => (Vec::new(), vec!["/usr/local/bin/etcd".into()], 57_700_000),
        Component::Apiserver => (vec!["/go-runner".into()], Vec::new(), 28_700_000),
        Component::ControllerManager => (vec!["/go-runner".into()], Vec::new(), 26_300_000),
        Component::Scheduler => (vec!["/go-runner".into()], Vec::new(), 20_700_000),
        Component::Proxy => (
            vec!["/usr/local/bin/kube-proxy".into()],
            Vec::new(),
            30_900_000,
        ),
        Component::CoreDns => (vec!["/coredns".into()], Vec::new(), 18_600_000),
    };
    let mut b = Built {
        entrypoint: ep,
        cmd,
        env: path_env(),
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: size,
        filesystem: fs.build(),
    };
    match c {
        Component::Etcd => b.exposed_ports = vec![2379, 2380],
        Component::CoreDns => b.exposed_ports = vec![53],
        _ => {}
    }
    if c != Component::CoreDns {
        b.env.push((
            "SSL_CERT_FILE".to_string(),
            "/etc/ssl/certs/ca-certificates.crt".to_string(),
        ));
    }
    b
}

/// `go-runner [flags] command…`: runs the command (the images' entrypoint).
fn go_runner(p: Proc) -> ProgramFuture {
    boxed(async move {
        let rest: Vec<String> = p
            .argv
            .iter()
            .skip(1)
            .skip_while(|a| a.starts_with("--"))
            .cloned()
            .collect();
        let Some(name) = rest.first().cloned() else {
            let _ = p
                .err(&format!(
                    "{} not enough arguments to run\n",
                    log_time(p.wall_ms())
                ))
                .await;
            return ExitStatus::FAILURE;
        };
        let path = p.getenv("PATH").unwrap_or(PATH).to_string();
        match p.program_for(&name, &path) {
            Ok(program) => {
                let next = p.reexec(rest, p.env.clone(), p.cwd.clone(), p.fds.clone());
                program(next).await
            }
            Err(_) => {
                let _ = p
                    .err(&format!(
                        "{} running command: exec: \"{name}\": executable file not found in $PATH\n",
                        log_time(p.wall_ms())
                    ))
                    .await;
                ExitStatus::FAILURE
            }
        }
    })
}

fn component(p: Proc) -> ProgramFuture {
    boxed(component_main(p))
}

fn arg(p: &Proc, name: &str) -> Option<String> {
    let long = format!("--{name}=");
    let dash = format!("-{name}");
    let mut it = p.argv.iter();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix(&long) {
            return Some(v.to_string());
        }
        if *a == dash || *a == format!("--{name}") {
            return it.next().cloned();
        }
    }
    None
}

fn ok_handler(body: &'static str) -> HttpHandler {
    Rc::new(move |req, cx| {
        let now = cx.wall_ms().div_euclid(1000);
        match path_only(&req.path) {
            "/healthz" | "/livez" | "/readyz" | "/health" | "/ready" | "/metrics" => {
                go_response(200, body, now)
            }
            _ => super::support::go_not_found(now),
        }
    })
}

async fn component_main(p: Proc) -> ExitStatus {
    let name = p
        .argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    let Some(which) = COMPONENTS.iter().position(|(n, _)| *n == name) else {
        return ExitStatus::FAILURE;
    };
    let c = [
        Component::Etcd,
        Component::Apiserver,
        Component::ControllerManager,
        Component::Scheduler,
        Component::Proxy,
        Component::CoreDns,
    ][which];
    let stamp = {
        let data = p
            .fs()
            .read("/", &format!("/{}", c.binary_path()))
            .unwrap_or_default();
        String::from_utf8_lossy(&data).trim().to_string()
    };
    let version = stamp.rsplit([' ', '-']).next().unwrap_or("").to_string();
    let ms = p.wall_ms();
    let k = |at: &str, msg: &str| klog('I', ms, p.pid, at, msg);
    let (lines, ports): (String, Vec<(u16, &'static str)>) = match c {
        Component::Apiserver => {
            let addr = arg(&p, "advertise-address").unwrap_or_else(|| "0.0.0.0".into());
            let port: u16 = arg(&p, "secure-port")
                .and_then(|v| v.parse().ok())
                .unwrap_or(6443);
            (
                [
                    k(
                        "options.go:238",
                        &format!("external host was not specified, using {addr}"),
                    ),
                    k("server.go:143", &format!("Version: {version}")),
                    k(
                        "server.go:145",
                        "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
                    ),
                    k(
                        "secure_serving.go:213",
                        &format!("Serving securely on [::]:{port}"),
                    ),
                ]
                .concat(),
                vec![(port, "ok")],
            )
        }
        Component::ControllerManager => (
            [
                k("serving.go:386", "Generated self-signed cert in-memory"),
                k(
                    "controllermanager.go:185",
                    &format!("\"Starting\" version=\"{version}\""),
                ),
                k(
                    "controllermanager.go:187",
                    "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
                ),
                k(
                    "secure_serving.go:213",
                    "Serving securely on 127.0.0.1:10257",
                ),
                k(
                    "leaderelection.go:257",
                    "attempting to acquire leader lease kube-system/kube-controller-manager...",
                ),
            ]
            .concat(),
            vec![(10257, "ok")],
        ),
        Component::Scheduler => (
            [
                k("serving.go:386", "Generated self-signed cert in-memory"),
                k(
                    "server.go:167",
                    &format!("\"Starting Kubernetes Scheduler\" version=\"{version}\""),
                ),
                k(
                    "server.go:169",
                    "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
                ),
                k(
                    "secure_serving.go:213",
                    "Serving securely on 127.0.0.1:10259",
                ),
                k(
                    "leaderelection.go:257",
                    "attempting to acquire leader lease kube-system/kube-scheduler...",
                ),
            ]
            .concat(),
            vec![(10259, "ok")],
        ),
        Component::Proxy => (
            [
                k("server_linux.go:66", "\"Using iptables proxy\""),
                k(
                    "server.go:243",
                    "\"kube-proxy running in dual-stack mode\" primary ipFamily=\"IPv4\"",
                ),
                k("server_linux.go:170", "\"Using iptables Proxier\""),
                k(
                    "server.go:483",
                    &format!("\"Version info\" version=\"{version}\""),
                ),
                k("config.go:199", "\"Starting service config controller\""),
                k(
                    "config.go:105",
                    "\"Starting endpoint slice config controller\"",
                ),
                k(
                    "shared_informer.go:320",
                    "Caches are synced for service config",
                ),
                k(
                    "shared_informer.go:320",
                    "Caches are synced for endpoint slice config",
                ),
            ]
            .concat(),
            vec![(10256, "ok"), (10249, "")],
        ),
        Component::Etcd => {
            let name = arg(&p, "name").unwrap_or_else(|| "default".into());
            let ts = rfc3339_micro(ms);
            let mut args = String::new();
            for (i, a) in p.argv.iter().enumerate() {
                if i > 0 {
                    args.push(',');
                }
                args.push_str(&format!("\"{a}\""));
            }
            (
                format!(
                    "{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"etcdmain/etcd.go:73\",\"msg\":\"Running: \",\"args\":[{args}]}}\n{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/etcd.go:311\",\"msg\":\"starting an etcd server\",\"etcd-version\":\"{version}\",\"go-os\":\"linux\",\"go-arch\":\"amd64\",\"max-cpu-set\":2,\"max-cpu-available\":2,\"name\":\"{name}\",\"data-dir\":\"/var/lib/etcd\"}}\n{{\"level\":\"info\",\"ts\":\"{ts}\",\"caller\":\"embed/serve.go:103\",\"msg\":\"ready to serve client requests\"}}\n"
                ),
                vec![(2379, "{\"health\":\"true\",\"reason\":\"\"}"), (2381, "{\"health\":\"true\",\"reason\":\"\"}")],
            )
        }
        Component::CoreDns => {
            let (go, sha) = match version.as_str() {
                "1.11.3" => ("go1.21.11", "a6338e9"),
                "1.11.1" => ("go1.20.7", "ae2bbc2"),
                "1.10.1" => ("go1.20", "055b2c3"),
                _ => ("go1.23.6", "7a4a8d3"),
            };
            // 128 hex digits, as a SHA-512 prints.
            let sum: String = (0..8)
                .map(|i| format!("{:016x}", super::support::mix(i + 53)))
                .collect();
            (
                format!(
                    ".:53\n[INFO] plugin/reload: Running configuration SHA512 = {sum}\nCoreDNS-{version}\nlinux/amd64, {go}, {sha}\n"
                ),
                vec![(53, ""), (8080, "OK"), (8181, "OK"), (9153, "")],
            )
        }
    };
    for (port, body) in &ports {
        if p.serve_http(*port, ok_handler(body)).is_err() {
            let msg = format!("listen tcp :{port}: bind: address already in use");
            let _ = p
                .err(&klog('E', p.wall_ms(), p.pid, "run.go:72", &msg))
                .await;
            return ExitStatus::FAILURE;
        }
    }
    let stream_out = c == Component::CoreDns;
    if stream_out {
        let _ = p.out(&lines).await;
    } else {
        let _ = p.err(&lines).await;
    }
    let sig = wait_for_signal(&p, &[Signal::Term, Signal::Int]).await;
    let ms = p.wall_ms();
    match c {
        Component::CoreDns => {
            let _ = p
                .out(&format!(
                    "[INFO] {}: Shutting down servers then terminating\n[INFO] plugin/health: Going into lameduck mode for 5s\n",
                    if sig == Signal::Int { "SIGINT" } else { "SIGTERM" }
                ))
                .await;
            p.sleep(5_000).await;
        }
        Component::Etcd => {
            let _ = p
                .err(&format!(
                    "{{\"level\":\"info\",\"ts\":\"{}\",\"caller\":\"osutil/interrupt_unix.go:64\",\"msg\":\"received signal; shutting down\",\"signal\":\"{}\"}}\n",
                    rfc3339_micro(ms),
                    if sig == Signal::Int { "interrupt" } else { "terminated" }
                ))
                .await;
        }
        // The Kubernetes components shut down quietly at this log level.
        _ => {}
    }
    ExitStatus::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kubia_app_is_recognized_from_its_script() {
        for app in [
            Kubia::Hostname,
            Kubia::Version(1),
            Kubia::Version(2),
            Kubia::Failing,
            Kubia::Unhealthy,
        ] {
            assert_eq!(Kubia::from_script(&app.app_js()), Some(app), "{app:?}");
        }
        assert_eq!(Kubia::from_script("console.log('hi')\n"), None);
    }
}
