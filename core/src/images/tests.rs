//! The images through machines on simulated time: each program's output,
//! its answers over HTTP, and how it reacts to signals, the way the
//! kubelet will drive them.

use std::cell::RefCell;
use std::net::Ipv4Addr;
use std::rc::Rc;

use super::{Catalog, ImageInfo, PullError};
use crate::userland::fs::Node;
use crate::userland::outside::{
    Connect, DnsAnswer, FakeOutside, HttpOutcome, HttpReply, HttpRequest, Outside,
};
use crate::userland::proc::SpawnError;
use crate::userland::{
    Endpoint, ExecOptions, ExitStatus, Machine, MachineConfig, Millis, Output, ServeResult, Signal,
    Stream,
};

/// The pod IP requests come from in these tests.
const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 244, 1, 1);

/// Routes 127.0.0.1 back into the machine itself, like a pod's loopback.
struct Loopback {
    inner: FakeOutside,
    me: RefCell<Option<Endpoint>>,
}

impl Outside for Loopback {
    fn wall_clock_ms(&self, now: Millis) -> i64 {
        self.inner.wall_clock_ms(now)
    }
    fn dns_lookup(&self, server: Ipv4Addr, fqdn: &str) -> DnsAnswer {
        self.inner.dns_lookup(server, fqdn)
    }
    fn dns_reverse(&self, server: Ipv4Addr, ip: Ipv4Addr) -> Option<String> {
        self.inner.dns_reverse(server, ip)
    }
    fn connect(&self, ip: Ipv4Addr, port: u16) -> Connect {
        match self.me.borrow().as_ref() {
            Some(e) if ip.is_loopback() && e.accepts(port) => Connect::Accepted,
            _ => Connect::Refused,
        }
    }
    fn http(&self, ip: Ipv4Addr, port: u16, request: &HttpRequest) -> HttpReply {
        let me = self.me.borrow().clone();
        let outcome = match me {
            Some(e) if ip.is_loopback() => {
                let mut req = request.clone();
                req.client_ip = Some(Ipv4Addr::LOCALHOST);
                match e.http(port, &req) {
                    ServeResult::Response(r) => HttpOutcome::Response(r),
                    ServeResult::Silent => HttpOutcome::Timeout,
                    ServeResult::NotListening => HttpOutcome::Refused,
                }
            }
            _ => HttpOutcome::Refused,
        };
        HttpReply {
            after_ms: 1,
            outcome,
        }
    }
}

struct Container {
    m: Machine,
    log: Output,
    pid: u32,
    info: Rc<ImageInfo>,
}

impl Container {
    fn stdout(&self) -> String {
        self.log.text(Stream::Stdout)
    }

    fn stderr(&self) -> String {
        self.log.text(Stream::Stderr)
    }

    /// Runs every due process up to simulated time `t`.
    fn run_to(&mut self, t: Millis) {
        for _ in 0..100_000 {
            match self.m.next_wake() {
                Some(w) if w <= t => self.m.advance_to(w),
                _ => break,
            }
        }
        self.m.advance_to(t);
    }

    fn status(&self) -> Option<ExitStatus> {
        self.m.exit_status(self.pid)
    }

    fn get(&self, port: u16, path: &str) -> (u16, String, Vec<(String, String)>) {
        let req = HttpRequest {
            method: "GET".into(),
            host: "10.244.1.5".into(),
            path: path.into(),
            headers: vec![
                ("User-Agent".into(), "Wget".into()),
                ("Connection".into(), "close".into()),
            ],
            client_ip: Some(CLIENT),
            sent_at: self.m.now(),
        };
        match self.m.http(port, &req) {
            ServeResult::Response(r) => (
                r.status,
                String::from_utf8_lossy(&r.body).into_owned(),
                r.headers,
            ),
            other => (0, format!("{other:?}"), Vec::new()),
        }
    }

    /// `kubectl exec`: runs argv to completion, returning (status, stdout, stderr).
    fn exec(&mut self, argv: &[&str]) -> (Option<ExitStatus>, String, String) {
        let h = match self.m.exec(
            argv.iter().map(|s| s.to_string()).collect(),
            ExecOptions::default(),
        ) {
            Ok(h) => h,
            Err(e) => return (None, String::new(), format!("{e:?}")),
        };
        let until = self.m.now() + 600_000;
        for _ in 0..100_000 {
            if self.m.exit_status(h.pid).is_some() {
                break;
            }
            match self.m.next_wake() {
                Some(w) if w <= until => self.m.advance_to(w),
                _ => break,
            }
        }
        (
            self.m.exit_status(h.pid),
            h.output.text(Stream::Stdout),
            h.output.text(Stream::Stderr),
        )
    }
}

/// Starts a container the way the kubelet will: ENTRYPOINT + CMD unless
/// `command` replaces them.
fn boot_with(catalog: &mut Catalog, reference: &str, command: Option<&[&str]>) -> Container {
    let info = catalog.pull(reference).expect("image pulls");
    let outside = Rc::new(Loopback {
        inner: FakeOutside::new(),
        me: RefCell::new(None),
    });
    let mut env = info.env.clone();
    env.push(("HOSTNAME".into(), "web-0".into()));
    let mut m = Machine::new(MachineConfig {
        hostname: "web-0".into(),
        image: info.filesystem.clone(),
        env,
        outside: outside.clone(),
        registry: info.registry.clone(),
        working_dir: info.working_dir.clone(),
    });
    *outside.me.borrow_mut() = Some(m.endpoint());
    if m.fs().stat("/", "/etc").is_ok() {
        let _ = m
            .fs()
            .write("/", "/etc/hosts", b"127.0.0.1\tlocalhost\n", false, 0);
    }
    let argv: Vec<String> = match command {
        Some(c) => c.iter().map(|s| s.to_string()).collect(),
        None => info
            .entrypoint
            .iter()
            .chain(info.cmd.iter())
            .cloned()
            .collect(),
    };
    let log = Output::new();
    let pid = m.start(argv, log.clone()).expect("main process starts");
    m.advance_to(0);
    Container { m, log, pid, info }
}

fn boot(reference: &str) -> Container {
    boot_with(&mut Catalog::new(), reference, None)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn each_image_has_the_config_of_the_real_one() {
    type Case = (
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
        Signal,
        bool,
    );
    let cases: &[Case] = &[
        (
            "busybox runs sh",
            "busybox:1.28",
            &[],
            &["sh"],
            Signal::Term,
            true,
        ),
        (
            "old nginx has no entrypoint",
            "nginx:1.14.2",
            &[],
            &["nginx", "-g", "daemon off;"],
            Signal::Term,
            true,
        ),
        (
            "nginx 1.19.2 has the entrypoint but TERM",
            "nginx:1.19.2",
            &["/docker-entrypoint.sh"],
            &["nginx", "-g", "daemon off;"],
            Signal::Term,
            true,
        ),
        (
            "current nginx stops with QUIT",
            "nginx",
            &["/docker-entrypoint.sh"],
            &["nginx", "-g", "daemon off;"],
            Signal::Quit,
            true,
        ),
        (
            "nginx-slim",
            "registry.k8s.io/nginx-slim:0.8",
            &[],
            &["nginx", "-g", "daemon off;"],
            Signal::Term,
            true,
        ),
        (
            "debian runs bash",
            "debian",
            &[],
            &["bash"],
            Signal::Term,
            true,
        ),
        (
            "ubuntu runs /bin/bash",
            "ubuntu",
            &[],
            &["/bin/bash"],
            Signal::Term,
            true,
        ),
        (
            "perl",
            "perl:5.34.0",
            &[],
            &["perl5.34.0", "-de0"],
            Signal::Term,
            true,
        ),
        (
            "agnhost",
            "registry.k8s.io/e2e-test-images/agnhost:2.40",
            &["/agnhost"],
            &["pause"],
            Signal::Term,
            true,
        ),
        (
            "kubia",
            "idealism/kubia",
            &["node", "app.js"],
            &[],
            Signal::Term,
            true,
        ),
        (
            "ssd-monitor",
            "idealism/ssd-monitor",
            &[
                "/bin/sh",
                "-c",
                "while true; do echo 'SSD OK'; sleep 5; done",
            ],
            &[],
            Signal::Term,
            true,
        ),
        (
            "training liveness",
            "quay.io/junkai/training:liveness",
            &[],
            &["/server"],
            Signal::Term,
            true,
        ),
        (
            "goproxy has no shell",
            "registry.k8s.io/goproxy:0.1",
            &[],
            &["/goproxy"],
            Signal::Term,
            false,
        ),
        (
            "pause has no shell",
            "registry.k8s.io/pause:3.10",
            &["/pause"],
            &[],
            Signal::Term,
            false,
        ),
        (
            "etcd is distroless",
            "registry.k8s.io/etcd:3.5.16-0",
            &[],
            &["/usr/local/bin/etcd"],
            Signal::Term,
            false,
        ),
        (
            "kube-apiserver runs go-runner",
            "registry.k8s.io/kube-apiserver:v1.32.2",
            &["/go-runner"],
            &[],
            Signal::Term,
            false,
        ),
        (
            "kube-proxy",
            "registry.k8s.io/kube-proxy:v1.32.2",
            &["/usr/local/bin/kube-proxy"],
            &[],
            Signal::Term,
            false,
        ),
        (
            "coredns",
            "registry.k8s.io/coredns/coredns:v1.11.3",
            &["/coredns"],
            &[],
            Signal::Term,
            false,
        ),
    ];
    let mut catalog = Catalog::new();
    for (name, reference, ep, cmd, stop, has_sh) in cases {
        let info = catalog.pull(reference).expect(name);
        assert_eq!(info.entrypoint, *ep, "{name}");
        assert_eq!(info.cmd, *cmd, "{name}");
        assert_eq!(info.stop_signal, *stop, "{name}");
        assert_eq!(info.working_dir, "/", "{name}");
        assert!(info.env.iter().any(|(k, _)| k == "PATH"), "{name}");
        let fs = crate::userland::Fs::new(&info.filesystem);
        let sh = fs.stat("/", "/bin/sh").is_ok_and(|s| s.is_executable());
        assert_eq!(sh, *has_sh, "{name}: /bin/sh");
        assert!(
            info.image_id.starts_with(&format!(
                "{}@sha256:",
                info.reference.rsplit_once(':').map_or("", |(r, _)| r)
            )),
            "{name}: {}",
            info.image_id
        );
        assert!(info.size_bytes > 100_000, "{name}");
    }
}

#[test]
fn pulls_resolve_references_and_fail_like_the_runtime() {
    let mut catalog = Catalog::new();
    let ok = catalog.pull("nginx:1.14.2").unwrap();
    assert_eq!(ok.reference, "docker.io/library/nginx:1.14.2");
    assert_eq!(ok.exposed_ports, vec![80]);
    let cases = [
        (
            "a misspelt image",
            "nginxx",
            PullError::NotFound("rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginxx:latest\": failed to resolve reference \"docker.io/library/nginxx:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed".into()),
        ),
        (
            "a misspelt tag",
            "nginx:1.91",
            PullError::NotFound("rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.91\": failed to resolve reference \"docker.io/library/nginx:1.91\": docker.io/library/nginx:1.91: not found".into()),
        ),
        (
            "an uppercase name",
            "Nginx",
            PullError::InvalidName("Failed to apply default image tag \"Nginx\": couldn't parse image reference \"Nginx\": invalid reference format: repository name (library/Nginx) must be lowercase".into()),
        ),
    ];
    for (name, reference, want) in cases {
        assert_eq!(catalog.pull(reference).unwrap_err(), want, "{name}");
    }
}

#[test]
fn images_are_built_once_and_shared() {
    let mut catalog = Catalog::new();
    let a = catalog.pull("nginx:1.14.2").unwrap();
    let b = catalog.pull("docker.io/library/nginx:1.14.2").unwrap();
    let c = catalog.pull("busybox").unwrap();
    assert!(Rc::ptr_eq(&a, &b), "the same reference is one image");
    assert!(Rc::ptr_eq(&a.registry, &c.registry), "one program registry");
    let root = |i: &ImageInfo| match i.filesystem.root() {
        Node::Dir(d) => Rc::as_ptr(d),
        _ => std::ptr::null(),
    };
    let first = boot_with(&mut catalog, "nginx:1.14.2", None);
    let second = boot_with(&mut catalog, "nginx:1.14.2", None);
    assert_eq!(
        root(&first.info),
        root(&second.info),
        "containers share the tree"
    );
}

const OLD_WELCOME_LEN: usize = 612;

#[test]
fn old_nginx_serves_the_welcome_page_and_logs_the_request() {
    let c = boot("nginx:1.14.2");
    assert_eq!(c.stdout(), "", "1.14.2 logs nothing at start");
    assert_eq!(c.stderr(), "");
    let (status, body, headers) = c.get(80, "/");
    assert_eq!(status, 200);
    assert_eq!(body.len(), OLD_WELCOME_LEN);
    assert!(body.starts_with("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>"));
    assert_eq!(header(&headers, "Server"), Some("nginx/1.14.2"));
    assert_eq!(header(&headers, "Content-Type"), Some("text/html"));
    assert_eq!(header(&headers, "Content-Length"), Some("612"));
    assert_eq!(
        c.stdout(),
        "10.244.1.1 - - [25/Nov/2026:15:51:47 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"Wget\" \"-\"\n"
    );
}

#[test]
fn nginx_answers_missing_files_and_directories_like_nginx() {
    let c = boot("nginx:1.14.2");
    c.m.fs()
        .mkdir("/", "/usr/share/nginx/html/docs", 0o755, 0)
        .unwrap();
    let cases = [
        ("a missing file", "/nope", 404, None),
        (
            "a directory without its slash",
            "/docs",
            301,
            Some("http://10.244.1.5/docs/"),
        ),
        ("a directory without an index", "/docs/", 403, None),
        ("the error page itself", "/50x.html", 200, None),
        ("climbing out of the root", "/../x", 400, None),
    ];
    for (name, path, want, location) in cases {
        let (status, body, headers) = c.get(80, path);
        assert_eq!(status, want, "{name}");
        assert_eq!(header(&headers, "Location"), location, "{name}");
        if want >= 300 && want != 200 {
            assert!(
                body.contains("<hr><center>nginx/1.14.2</center>"),
                "{name}: {body}"
            );
        }
    }
    let (_, body, _) = c.get(80, "/nope");
    assert_eq!(
        body,
        "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body bgcolor=\"white\">\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.14.2</center>\r\n</body>\r\n</html>\r\n"
    );
    assert!(
        c.stderr().starts_with(
            "2026/11/25 15:51:47 [error] 29#29: *1 open() \"/usr/share/nginx/html/nope\" failed (2: No such file or directory), client: 10.244.1.1, server: localhost, request: \"GET /nope HTTP/1.1\", host: \"10.244.1.5\"\n"
        ),
        "{}",
        c.stderr()
    );
    assert!(
        c.stdout()
            .contains("\"GET /nope HTTP/1.1\" 404 169 \"-\" \"Wget\" \"-\"\n"),
        "{}",
        c.stdout()
    );
}

#[test]
fn nginx_serves_what_another_container_wrote_into_its_html_directory() {
    let c = boot("nginx");
    c.m.fs()
        .write(
            "/",
            "/usr/share/nginx/html/index.html",
            b"Hello from the debian container\n",
            false,
            0,
        )
        .unwrap();
    assert_eq!(c.get(80, "/").1, "Hello from the debian container\n");
}

#[test]
fn current_nginx_logs_its_entrypoint_and_start_up() {
    let c = boot("nginx");
    assert_eq!(
        c.stdout(),
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh
10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf
10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf
/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh
/docker-entrypoint.sh: Configuration complete; ready for start up
"
    );
    assert_eq!(
        c.stderr(),
        "2026/11/25 15:51:47 [notice] 1#1: using the \"epoll\" event method
2026/11/25 15:51:47 [notice] 1#1: nginx/1.31.6
2026/11/25 15:51:47 [notice] 1#1: built by gcc 14.2.0 (Debian 14.2.0-19) 
2026/11/25 15:51:47 [notice] 1#1: OS: Linux 5.15.0-91-generic
2026/11/25 15:51:47 [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576
2026/11/25 15:51:47 [notice] 1#1: start worker processes
2026/11/25 15:51:47 [notice] 1#1: start worker process 29
2026/11/25 15:51:47 [notice] 1#1: start worker process 30
"
    );
    let (status, body, _) = c.get(80, "/");
    assert_eq!((status, body.len()), (200, 615));
    let conf =
        c.m.fs()
            .read("/", "/etc/nginx/conf.d/default.conf")
            .unwrap();
    assert!(String::from_utf8_lossy(&conf).contains("    listen       80;\n    listen  [::]:80;\n"));
}

#[test]
fn the_entrypoint_reports_a_changed_or_read_only_default_conf() {
    let cases = [
        (
            "changed",
            "server { listen 80; }\n",
            false,
            "info: /etc/nginx/conf.d/default.conf differs from the packaged version",
        ),
        (
            "read-only",
            "",
            true,
            "info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)",
        ),
    ];
    for (name, content, read_only, want) in cases {
        let mut catalog = Catalog::new();
        let info = catalog.pull("nginx").unwrap();
        let outside = Rc::new(FakeOutside::new());
        let mut m = Machine::new(MachineConfig {
            hostname: "web".into(),
            image: info.filesystem.clone(),
            env: info.env.clone(),
            outside,
            registry: info.registry.clone(),
            working_dir: String::new(),
        });
        if read_only {
            let packaged = crate::userland::Fs::new(&info.filesystem)
                .read("/", "/etc/nginx/conf.d/default.conf")
                .unwrap();
            let vol = crate::userland::Volume::from_image(
                crate::userland::Image::builder()
                    .file("default.conf", packaged, 0o644)
                    .build(),
            );
            m.fs().mount("/etc/nginx/conf.d", vol, true);
        } else {
            m.fs()
                .write(
                    "/",
                    "/etc/nginx/conf.d/default.conf",
                    content.as_bytes(),
                    false,
                    0,
                )
                .unwrap();
        }
        let log = Output::new();
        let argv = info
            .entrypoint
            .iter()
            .chain(info.cmd.iter())
            .cloned()
            .collect();
        m.start(argv, log.clone()).unwrap();
        m.advance_to(0);
        assert!(
            log.text(Stream::Stdout)
                .contains(&format!("10-listen-on-ipv6-by-default.sh: {want}\n")),
            "{name}: {}",
            log.text(Stream::Stdout)
        );
        assert!(m.accepts(80), "{name}: nginx still starts");
    }
}

#[test]
fn nginx_stops_on_quit_and_term_with_status_zero() {
    let cases = [
        (
            "the stop signal QUIT",
            Signal::Quit,
            "signal 3 (SIGQUIT) received, shutting down",
        ),
        (
            "TERM",
            Signal::Term,
            "signal 15 (SIGTERM) received, exiting",
        ),
    ];
    for (name, sig, line) in cases {
        let mut c = boot("nginx");
        assert!(c.m.signal(c.pid, sig), "{name}");
        c.run_to(1);
        assert_eq!(c.status(), Some(ExitStatus::SUCCESS), "{name}");
        assert!(
            c.stderr().contains(&format!("[notice] 1#1: {line}\n")),
            "{name}"
        );
        assert!(c.stderr().ends_with("[notice] 1#1: exit\n"), "{name}");
        assert!(!c.m.accepts(80), "{name}: the port closes");
    }
}

#[test]
fn nginx_s_quit_from_an_exec_stops_the_master() {
    let cases = [("old nginx", "nginx:1.14.2"), ("current nginx", "nginx")];
    for (name, reference) in cases {
        let mut c = boot(reference);
        let (status, _, _) = c.exec(&["nginx", "-s", "quit"]);
        assert_eq!(status, Some(ExitStatus::SUCCESS), "{name}");
        c.run_to(c.m.now() + 1);
        assert_eq!(
            c.status(),
            Some(ExitStatus::SUCCESS),
            "{name}: master exited"
        );
        // The master removed its pid file on the way out.
        let (again, _, err) = c.exec(&["nginx", "-s", "quit"]);
        assert_eq!(again, Some(ExitStatus::FAILURE), "{name}");
        assert!(
            err.ends_with("nginx.pid\" failed (2: No such file or directory)\n"),
            "{name}: {err}"
        );
    }
}

#[test]
fn nginx_command_line_answers_like_nginx() {
    let mut c = boot("nginx:1.14.2");
    let cases: [(&str, &[&str], i32, &str); 4] = [
        ("version", &["nginx", "-v"], 0, "nginx version: nginx/1.14.2\n"),
        ("config test", &["nginx", "-t"], 0, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n"),
        ("bad signal", &["nginx", "-s", "restart"], 1, "nginx: invalid option: \"-s restart\"\n"),
        ("bad option", &["nginx", "-x"], 1, "nginx: invalid option: \"x\"\n"),
    ];
    for (name, argv, code, err) in cases {
        let (status, _, stderr) = c.exec(argv);
        assert_eq!(status.map(ExitStatus::code), Some(code), "{name}");
        assert_eq!(stderr, err, "{name}");
    }
}

#[test]
fn nginx_reload_applies_a_new_config_and_keeps_a_broken_one_out() {
    let mut c = boot("nginx:1.14.2");
    c.m.fs()
        .write(
            "/",
            "/etc/nginx/conf.d/default.conf",
            b"server {\n    listen 8080;\n    location / { return 200 'moved\\n'; }\n}\n",
            false,
            0,
        )
        .unwrap();
    let (status, _, _) = c.exec(&["nginx", "-s", "reload"]);
    assert_eq!(status, Some(ExitStatus::SUCCESS));
    c.run_to(c.m.now() + 1);
    assert!(c.m.accepts(8080) && !c.m.accepts(80));
    assert_eq!(c.get(8080, "/").1, "moved\n");
    c.m.fs()
        .write(
            "/",
            "/etc/nginx/conf.d/default.conf",
            b"server {\n",
            false,
            0,
        )
        .unwrap();
    let (t, _, terr) = c.exec(&["nginx", "-t"]);
    assert_eq!(t, Some(ExitStatus::FAILURE));
    assert_eq!(
        terr,
        "nginx: [emerg] unexpected end of file, expecting \"}\" in /etc/nginx/conf.d/default.conf:1\nnginx: configuration file /etc/nginx/nginx.conf test failed\n"
    );
    // `-s` reads the configuration first and refuses to signal on errors.
    let (r, _, rerr) = c.exec(&["nginx", "-s", "reload"]);
    assert_eq!(r, Some(ExitStatus::FAILURE));
    assert_eq!(
        rerr,
        "nginx: [emerg] unexpected end of file, expecting \"}\" in /etc/nginx/conf.d/default.conf:1\n"
    );
    // A HUP sent anyway makes the master log the error and keep serving.
    c.m.signal(c.pid, Signal::Hup);
    c.run_to(c.m.now() + 1);
    assert!(
        c.m.accepts(8080),
        "a broken config leaves the old one serving"
    );
    assert!(c.stderr().contains("[emerg] 1#1: unexpected end of file, expecting \"}\" in /etc/nginx/conf.d/default.conf:1\n"));
}

#[test]
fn nginx_fails_to_start_on_a_broken_config() {
    let mut catalog = Catalog::new();
    let info = catalog.pull("nginx:1.14.2").unwrap();
    let mut m = Machine::new(MachineConfig {
        hostname: "web".into(),
        image: info.filesystem.clone(),
        env: info.env.clone(),
        outside: Rc::new(FakeOutside::new()),
        registry: info.registry.clone(),
        working_dir: String::new(),
    });
    m.fs()
        .write(
            "/",
            "/etc/nginx/conf.d/default.conf",
            b"server {\n  listen 80;\n}\n}\n",
            false,
            0,
        )
        .unwrap();
    let log = Output::new();
    let pid = m.start(info.cmd.clone(), log.clone()).unwrap();
    m.advance_to(0);
    assert_eq!(m.exit_status(pid), Some(ExitStatus::FAILURE));
    assert_eq!(
        log.text(Stream::Stderr),
        "2026/11/25 15:51:47 [emerg] 1#1: unexpected \"}\" in /etc/nginx/conf.d/default.conf:4\nnginx: [emerg] unexpected \"}\" in /etc/nginx/conf.d/default.conf:4\n"
    );
}

#[test]
fn nginx_without_daemon_off_leaves_the_container_at_once() {
    let mut c = boot_with(&mut Catalog::new(), "nginx:1.14.2", Some(&["nginx"]));
    c.run_to(1);
    assert_eq!(c.status(), Some(ExitStatus::SUCCESS));
}

#[test]
fn a_container_fetches_its_own_page_through_localhost() {
    let cases: [(&str, &str, &[&str], &str); 2] = [
        (
            "curl in the Debian image",
            "nginx",
            &["curl", "-s", "localhost"],
            "curl/8.14.1",
        ),
        (
            "busybox wget in the Alpine image",
            "nginx:alpine",
            &["wget", "-q", "-O", "-", "http://localhost/"],
            "Wget",
        ),
    ];
    for (name, reference, argv, agent) in cases {
        let mut c = boot(reference);
        let (status, out, err) = c.exec(argv);
        assert_eq!(status, Some(ExitStatus::SUCCESS), "{name}: {err}");
        assert_eq!(out.len(), 615, "{name}");
        assert!(out.contains("<title>Welcome to nginx!</title>"), "{name}");
        assert!(
            c.stdout().ends_with(&format!(
                "127.0.0.1 - - [25/Nov/2026:15:51:47 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"{agent}\" \"-\"\n"
            )),
            "{name}: {}",
            c.stdout()
        );
    }
}

#[test]
fn curl_reports_connection_errors_with_its_numbers() {
    let mut c = boot("nginx");
    let cases: [(&str, &[&str], i32, &str); 3] = [
        ("nothing listens", &["curl", "localhost:8080"], 7, "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n"),
        ("an unknown host", &["curl", "-sS", "nosuchhost"], 6, "curl: (6) Could not resolve host: nosuchhost\n"),
        ("fail on 404", &["curl", "-sSf", "localhost/missing"], 22, "curl: (22) The requested URL returned error: 404\n"),
    ];
    for (name, argv, code, err) in cases {
        let (status, _, stderr) = c.exec(argv);
        assert_eq!(status.map(ExitStatus::code), Some(code), "{name}");
        assert_eq!(stderr, err, "{name}");
    }
}

#[test]
fn the_liveness_servers_are_healthy_for_ten_seconds() {
    let cases: [(&str, &str, Option<&[&str]>); 2] = [
        (
            "agnhost liveness",
            "registry.k8s.io/e2e-test-images/agnhost:2.40",
            Some(&["/agnhost", "liveness"]),
        ),
        (
            "the training image's /server",
            "quay.io/junkai/training:liveness",
            Some(&["/server"]),
        ),
    ];
    for (name, reference, command) in cases {
        let mut c = boot_with(&mut Catalog::new(), reference, command);
        let timeline = [
            (3_000, 200, "ok"),
            (10_000, 200, "ok"),
            (10_001, 500, "error: 10.001"),
            (13_000, 500, "error: 13"),
        ];
        for (t, status, body) in timeline {
            c.run_to(t);
            let (s, b, _) = c.get(8080, "/healthz");
            assert_eq!((s, b.as_str()), (status, body), "{name} at {t} ms");
        }
        assert_eq!(c.get(8080, "/started").1, "13s", "{name}");
        assert_eq!(c.get(8080, "/other").0, 404, "{name}");
        // A Go program without handlers, as pid 1, exits 2 on TERM.
        c.m.signal(c.pid, Signal::Term);
        c.run_to(13_001);
        assert_eq!(c.status(), Some(ExitStatus::Code(2)), "{name}");
    }
}

#[test]
fn agnhost_subcommands_behave_like_the_test_image() {
    let mut catalog = Catalog::new();
    let agn = "registry.k8s.io/e2e-test-images/agnhost:2.40";
    let c = boot_with(
        &mut catalog,
        agn,
        Some(&["/agnhost", "netexec", "--http-port=8080"]),
    );
    let cases = [
        ("hostname", "/hostname", 200, "web-0".to_string()),
        (
            "echo",
            "/echo?msg=hello%20world",
            200,
            "hello world".to_string(),
        ),
        (
            "echo with a code",
            "/echo?msg=x&code=503",
            503,
            "x".to_string(),
        ),
    ];
    for (name, path, status, body) in cases {
        assert_eq!(c.get(8080, path).0, status, "{name}");
        assert_eq!(c.get(8080, path).1, body, "{name}");
    }
    assert!(c.get(8080, "/clientip").1.starts_with("10.244.1.1:"));
    assert!(c
        .get(8080, "/")
        .1
        .starts_with("NOW: 2026-11-25 15:51:47 +0000 UTC m=+0."));
    assert!(c.stderr().starts_with("2026/11/25 15:51:47 Started UDP server on port  8081\n2026/11/25 15:51:47 Started HTTP server on port 8080\n"));

    let mut sh = boot_with(&mut catalog, agn, Some(&["/agnhost", "serve-hostname"]));
    assert_eq!(sh.get(9376, "/").1, "web-0");
    sh.m.signal(sh.pid, Signal::Term);
    sh.run_to(59_000);
    assert_eq!(sh.status(), None, "waits for the pod to be deleted");
    sh.run_to(60_000);
    assert_eq!(sh.status(), Some(ExitStatus::SUCCESS));

    let mut pause = boot_with(&mut catalog, agn, None);
    assert_eq!(pause.stdout(), "Paused\n");
    pause.m.signal(pause.pid, Signal::Term);
    pause.run_to(1);
    assert_eq!(pause.status(), Some(ExitStatus::Code(2)));
}

#[test]
fn kubia_answers_with_its_hostname_and_logs_the_client() {
    let c = boot("idealism/kubia");
    assert_eq!(c.get(8080, "/").1, "You've hit web-0\n");
    assert_eq!(
        c.stdout(),
        "Kubia server starting...\nReceived request from ::ffff:10.244.1.1\n"
    );
}

#[test]
fn kubia_unhealthy_fails_from_the_sixth_request() {
    let c = boot("idealism/kubia-unhealthy");
    for n in 1..=5 {
        let (status, body, _) = c.get(8080, "/");
        assert_eq!(
            (status, body.as_str()),
            (200, "You've hit web-0\n"),
            "request {n}"
        );
    }
    let (status, body, _) = c.get(8080, "/");
    assert_eq!(
        (status, body.as_str()),
        (500, "I'm not well. Please restart me!")
    );
}

#[test]
fn kubia_ignores_term_as_pid_one() {
    let mut c = boot("idealism/kubia");
    c.m.signal(c.pid, Signal::Term);
    c.run_to(30_000);
    assert_eq!(c.status(), None, "still running when the grace period ends");
    c.m.signal(c.pid, Signal::Kill);
    assert_eq!(c.status(), Some(ExitStatus::Signaled(Signal::Kill)));
}

#[test]
fn ssd_monitor_prints_every_five_seconds() {
    let mut c = boot("idealism/ssd-monitor");
    c.run_to(12_000);
    let times: Vec<Millis> = c
        .log
        .chunks()
        .iter()
        .filter(|ch| ch.data == b"SSD OK\n")
        .map(|ch| ch.at)
        .collect();
    // Each round also spends a few milliseconds running echo and sleep.
    assert_eq!(times.len(), 3, "{times:?}");
    for (k, t) in times.iter().enumerate() {
        let due = 5_000 * k as Millis;
        assert!((due..due + 50).contains(t), "line {k} at {t} ms");
    }
}

#[test]
fn batch_job_runs_two_minutes_and_succeeds() {
    let mut c = boot("idealism/batch-job");
    c.run_to(119_999);
    assert_eq!(c.status(), None);
    c.run_to(120_000);
    assert_eq!(c.status(), Some(ExitStatus::SUCCESS));
    assert_eq!(
        c.stdout(),
        "Wed Nov 25 15:51:47 UTC 2026 Batch job starting\nWed Nov 25 15:53:47 UTC 2026 Finished succesfully\n"
    );
}

#[test]
fn pause_exits_cleanly_on_term_and_has_no_shell() {
    let cases = [
        (
            "TERM",
            Signal::Term,
            ExitStatus::SUCCESS,
            "Shutting down, got signal: Terminated\n",
        ),
        (
            "INT",
            Signal::Int,
            ExitStatus::SUCCESS,
            "Shutting down, got signal: Interrupt\n",
        ),
        ("KILL", Signal::Kill, ExitStatus::Signaled(Signal::Kill), ""),
        (
            "HUP is ignored by pid 1",
            Signal::Hup,
            ExitStatus::SUCCESS,
            "",
        ),
    ];
    for (name, sig, want, err) in cases {
        let mut c = boot("registry.k8s.io/pause:3.10");
        c.m.signal(c.pid, sig);
        c.run_to(1);
        if sig == Signal::Hup {
            assert_eq!(c.status(), None, "{name}");
            continue;
        }
        assert_eq!(c.status(), Some(want), "{name}");
        assert_eq!(c.stderr(), err, "{name}");
    }
    let mut c = boot("registry.k8s.io/pause:3.10");
    let exec =
        c.m.exec(vec!["sh".into()], ExecOptions::default())
            .map(|_| ());
    assert_eq!(exec, Err(SpawnError::NotFound("sh".into())));
    let (status, out, _) = c.exec(&["/pause", "-v"]);
    assert_eq!(
        (status, out.as_str()),
        (Some(ExitStatus::SUCCESS), "pause.c v3.10\n")
    );
}

#[test]
fn control_plane_components_log_start_up_and_answer_health_checks() {
    let mut catalog = Catalog::new();
    /// (name, image, command, a health port and path, a start-up log excerpt)
    type Case<'a> = (&'a str, &'a str, &'a [&'a str], (u16, &'a str), &'a str);
    let cases: [Case; 4] = [
        (
            "kube-apiserver",
            "registry.k8s.io/kube-apiserver:v1.32.2",
            &["kube-apiserver", "--advertise-address=192.168.56.10", "--secure-port=6443"],
            (6443, "/livez"),
            "I1125 15:51:47.000000       1 options.go:238] external host was not specified, using 192.168.56.10\n",
        ),
        (
            "kube-scheduler",
            "registry.k8s.io/kube-scheduler:v1.32.2",
            &["kube-scheduler", "--leader-elect=true"],
            (10259, "/healthz"),
            "\"Starting Kubernetes Scheduler\" version=\"v1.32.2\"",
        ),
        (
            "etcd",
            "registry.k8s.io/etcd:3.5.16-0",
            &["etcd", "--name=cp-1"],
            (2381, "/health"),
            "\"msg\":\"starting an etcd server\",\"etcd-version\":\"3.5.16\"",
        ),
        (
            "coredns",
            "registry.k8s.io/coredns/coredns:v1.11.3",
            &["/coredns", "-conf", "/etc/coredns/Corefile"],
            (8080, "/health"),
            "CoreDNS-1.11.3\nlinux/amd64, go1.21.11, a6338e9\n",
        ),
    ];
    for (name, reference, command, (port, path), line) in cases {
        let mut c = boot_with(&mut catalog, reference, Some(command));
        let all = format!("{}{}", c.stdout(), c.stderr());
        assert!(all.contains(line), "{name}: {all}");
        assert_eq!(c.get(port, path).0, 200, "{name}");
        assert!(
            c.exec(&["sh", "-c", "true"]).0.is_none(),
            "{name}: no shell"
        );
        c.m.signal(c.pid, Signal::Term);
        c.run_to(6_000);
        assert_eq!(c.status(), Some(ExitStatus::SUCCESS), "{name}");
    }
}

#[test]
fn shells_and_tools_work_in_the_distribution_images() {
    let cases: [(&str, &str, &[&str], &str); 4] = [
        (
            "debian bash -c",
            "debian",
            &["bash", "-c", "echo hi from $(cat /etc/debian_version)"],
            "hi from 13.2\n",
        ),
        (
            "the seed's debian writer",
            "debian",
            &[
                "/bin/sh",
                "-c",
                "echo Hello from the debian container > /tmp/index.html && cat /tmp/index.html",
            ],
            "Hello from the debian container\n",
        ),
        (
            "ubuntu",
            "ubuntu",
            &["bash", "-c", "grep VERSION_ID /etc/os-release"],
            "VERSION_ID=\"24.04\"\n",
        ),
        ("busybox", "busybox", &["sh", "-c", "echo $((6*7))"], "42\n"),
    ];
    let mut catalog = Catalog::new();
    for (name, reference, command, want) in cases {
        let mut c = boot_with(&mut catalog, reference, Some(command));
        c.run_to(1_000);
        assert_eq!(
            c.status(),
            Some(ExitStatus::SUCCESS),
            "{name}: {}",
            c.stderr()
        );
        assert_eq!(c.stdout(), want, "{name}");
    }
}

#[test]
fn goproxy_accepts_tcp_and_refuses_plain_http_requests() {
    let c = boot("quay.io/junkai/training:goproxy-liveness");
    assert!(c.m.accepts(8080));
    let (status, body, _) = c.get(8080, "/");
    assert_eq!(
        (status, body.as_str()),
        (
            500,
            "This is a proxy server. Does not respond to non-proxy requests.\n"
        )
    );
}

#[test]
fn the_calculator_images_ship_their_programs() {
    let mut catalog = Catalog::new();
    let cases: [(&str, &str, &[&str], &str); 2] = [
        (
            "perl names its version",
            "perl:5.34.0",
            &["perl", "-v"],
            "\nThis is perl 5, version 34, subversion 0 (v5.34.0) built for x86_64-linux-gnu\n",
        ),
        (
            "bc is GNU bc 1.07",
            "resouer/ubuntu-bc",
            &["bc", "--version"],
            "bc 1.07.1\n",
        ),
    ];
    for (name, reference, argv, want) in cases {
        let mut c = boot_with(&mut catalog, reference, Some(&["sleep", "3600"]));
        let (status, out, _) = c.exec(argv);
        assert_eq!(status, Some(ExitStatus::SUCCESS), "{name}");
        assert!(out.starts_with(want), "{name}: {out}");
    }
}

#[test]
fn the_calculators_compute_in_their_images() {
    let mut catalog = Catalog::new();
    let cases: [(&str, &str, &[&str], &str); 2] = [
        (
            "perl prints pi to 20 digits",
            "perl:5.34.0",
            &["perl", "-Mbignum=bpi", "-wle", "print bpi(20)"],
            "3.1415926535897932385\n",
        ),
        (
            "bc -l evaluates a program from sh",
            "resouer/ubuntu-bc",
            &["sh", "-c", "echo 'scale=10; 4*a(1)' | bc -l"],
            "3.1415926532\n",
        ),
    ];
    for (name, reference, argv, want) in cases {
        let mut c = boot_with(&mut catalog, reference, Some(&["sleep", "3600"]));
        let (status, out, err) = c.exec(argv);
        assert_eq!(status, Some(ExitStatus::SUCCESS), "{name}: {err}");
        assert_eq!(out, want, "{name}");
    }
}

/// A small deterministic generator for the garbage tests.
fn garbage(seed: u64, alphabet: &[u8], len: usize) -> String {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = super::support::mix(x);
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

#[test]
fn garbage_references_never_panic_a_pull() {
    let alphabet = b"abcXYZ019:/@._-[] sha256:";
    let mut catalog = Catalog::new();
    for seed in 0..3_000u64 {
        let len = (seed % 40) as usize;
        let reference = garbage(seed, alphabet, len);
        // Either outcome is fine; the point is that nothing panics.
        let _ = catalog.pull(&reference);
    }
}

#[test]
fn garbage_configs_never_panic_nginx() {
    let alphabet = b"server{};listen 80 root/'\"#\n\\$include*.conf location=^~return 301";
    let mut catalog = Catalog::new();
    for seed in 0..200u64 {
        let mut c = boot_with(&mut catalog, "nginx:1.14.2", Some(&["sleep", "3600"]));
        let text = garbage(seed, alphabet, 30 + (seed % 120) as usize);
        c.m.fs()
            .write(
                "/",
                "/etc/nginx/conf.d/default.conf",
                text.as_bytes(),
                false,
                0,
            )
            .unwrap();
        let (status, _, _) = c.exec(&["nginx", "-t"]);
        assert!(status.is_some(), "seed {seed}: nginx -t finished");
    }
}

#[test]
fn garbage_request_paths_never_panic_nginx() {
    let c = boot("nginx");
    let alphabet = b"/.%2e%2f?#index.html50x..//a\\\xc3";
    for seed in 0..2_000u64 {
        let path = garbage(seed, alphabet, (seed % 30) as usize);
        let (status, _, _) = c.get(80, &path);
        assert!((200..600).contains(&status), "{path:?} answered {status}");
    }
}
