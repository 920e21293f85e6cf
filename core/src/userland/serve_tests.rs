//! Serving ports from inside a machine: HTTP handlers, plain TCP listeners,
//! their lifetime, and requests that come back into the same machine.

use std::cell::{Cell, RefCell};
use std::net::Ipv4Addr;
use std::rc::Rc;

use crate::userland::commands::{busybox_applet_names, busybox_registry};
use crate::userland::fs::Image;
use crate::userland::outside::{
    Connect, DnsAnswer, FakeOutside, HttpOutcome, HttpReply, HttpRequest, HttpResponse, Outside,
};
use crate::userland::proc::{
    AddrInUse, Endpoint, ExecOptions, ExitStatus, Machine, MachineConfig, Millis, Output, Proc,
    ProgramFuture, ServeResult, Signal, Stream,
};

/// Counts requests, logs each one, and answers with a file's contents;
/// `/quit` ends the serving process with status 3.
fn counting_server(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        let hits = Rc::new(Cell::new(0u32));
        let handler = {
            let hits = hits.clone();
            Rc::new(
                move |req: &HttpRequest, cx: &crate::userland::ServeCx<'_>| {
                    hits.set(hits.get() + 1);
                    let client = req.client_ip.unwrap_or(Ipv4Addr::LOCALHOST);
                    cx.stdout(format!("{client} {} #{}\n", req.path, hits.get()).as_bytes());
                    if req.path == "/quit" {
                        cx.exit_process(ExitStatus::Code(3));
                        return HttpResponse::ok("bye\n");
                    }
                    let body = cx
                        .fs()
                        .ok()
                        .and_then(|fs| fs.read("/", "/srv/page").ok())
                        .unwrap_or_default();
                    HttpResponse::ok(body)
                },
            )
        };
        if p.serve_http(8080, handler).is_err() {
            return ExitStatus::FAILURE;
        }
        if p.serve_tcp(9000).is_err() {
            return ExitStatus::FAILURE;
        }
        let second = p.serve_tcp(8080);
        let _ = p
            .out(&format!(
                "second bind: {:?}\n",
                second.err() == Some(AddrInUse)
            ))
            .await;
        p.pause().await
    })
}

/// Binds 7000 and 7001, then lets go of 7000 (a reload with a new config).
fn rebinding_server(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        for port in [7000, 7001] {
            if p.serve_tcp(port).is_err() {
                return ExitStatus::FAILURE;
            }
        }
        p.close_port(7000);
        p.pause().await
    })
}

/// Routes 127.0.0.1 back into the machine it belongs to.
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
        let me = self.me.borrow();
        match me.as_ref() {
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

struct Setup {
    m: Machine,
    log: Output,
    server: u32,
}

fn setup() -> Setup {
    let mut registry = busybox_registry();
    registry.register("counting-server", counting_server);
    registry.register("rebinding-server", rebinding_server);
    let image = {
        let names = busybox_applet_names();
        let mut b = Image::builder()
            .dir("tmp", 0o1777)
            .file("srv/page", "hello from the page\n", 0o644)
            .file("etc/hosts", "127.0.0.1\tlocalhost\n", 0o644)
            .program("usr/bin/counting-server", "counting-server")
            .program("usr/bin/rebinding-server", "rebinding-server");
        for a in &names {
            b = b.program(&format!("bin/{a}"), a);
        }
        b.build()
    };
    let outside = Rc::new(Loopback {
        inner: FakeOutside::new(),
        me: RefCell::new(None),
    });
    let mut m = Machine::new(MachineConfig {
        hostname: "web".into(),
        image,
        env: vec![(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
        outside: outside.clone(),
        registry: Rc::new(registry),
        working_dir: String::new(),
    });
    *outside.me.borrow_mut() = Some(m.endpoint());
    let log = Output::new();
    let server = m
        .start(vec!["counting-server".into()], log.clone())
        .expect("server starts");
    m.advance_to(0);
    Setup { m, log, server }
}

fn get(path: &str, client: Option<Ipv4Addr>) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        host: "web".into(),
        path: path.into(),
        headers: Vec::new(),
        client_ip: client,
        sent_at: 0,
    }
}

fn body(r: ServeResult) -> String {
    match r {
        ServeResult::Response(r) => String::from_utf8_lossy(&r.body).into_owned(),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_served_port_answers_from_the_filesystem_and_logs_to_the_process_stdout() {
    let s = setup();
    let cases = [
        ("first request", "/", Some(Ipv4Addr::new(10, 244, 1, 7))),
        ("second request", "/index", None),
    ];
    for (name, path, client) in cases {
        assert_eq!(
            body(s.m.http(8080, &get(path, client))),
            "hello from the page\n",
            "{name}"
        );
    }
    assert_eq!(
        s.log.text(Stream::Stdout),
        "second bind: true\n10.244.1.7 / #1\n127.0.0.1 /index #2\n"
    );
}

#[test]
fn ports_report_what_listens_on_them() {
    let s = setup();
    let cases = [
        ("http port", 8080, true, "Response"),
        ("plain tcp port", 9000, true, "Silent"),
        ("nothing there", 7000, false, "NotListening"),
    ];
    for (name, port, accepts, kind) in cases {
        assert_eq!(s.m.accepts(port), accepts, "{name}");
        let got = format!("{:?}", s.m.http(port, &get("/", None)));
        assert!(got.starts_with(kind), "{name}: {got}");
    }
}

#[test]
fn listeners_close_when_their_process_ends() {
    let cases = [("killed", true), ("exited from the handler", false)];
    for (name, kill) in cases {
        let mut s = setup();
        let endpoint = s.m.endpoint();
        if kill {
            // pid 1 ignores TERM without a handler; KILL always works.
            assert!(s.m.signal(s.server, Signal::Kill), "{name}");
        } else {
            assert_eq!(body(s.m.http(8080, &get("/quit", None))), "bye\n", "{name}");
        }
        let expected = if kill {
            ExitStatus::Signaled(Signal::Kill)
        } else {
            ExitStatus::Code(3)
        };
        assert_eq!(s.m.exit_status(s.server), Some(expected), "{name}");
        for port in [8080, 9000] {
            assert!(!s.m.accepts(port), "{name}: {port}");
            assert!(!endpoint.accepts(port), "{name}: {port}");
        }
        assert_eq!(s.m.http(8080, &get("/", None)), ServeResult::NotListening);
    }
}

#[test]
fn a_container_can_fetch_from_itself_through_localhost() {
    let mut s = setup();
    let h =
        s.m.exec(
            vec![
                "sh".into(),
                "-c".into(),
                "wget -q -O - http://localhost:8080/ && wget -q -O - http://127.0.0.1:8080/x"
                    .into(),
            ],
            ExecOptions::default(),
        )
        .expect("sh runs");
    for _ in 0..100 {
        match s.m.next_wake() {
            Some(t) => s.m.advance_to(t),
            None => break,
        }
    }
    assert_eq!(s.m.exit_status(h.pid), Some(ExitStatus::SUCCESS));
    assert_eq!(
        h.output.text(Stream::Stdout),
        "hello from the page\nhello from the page\n"
    );
    assert!(s
        .log
        .text(Stream::Stdout)
        .ends_with("127.0.0.1 / #1\n127.0.0.1 /x #2\n"));
}

#[test]
fn an_endpoint_does_not_keep_its_machine_alive() {
    let s = setup();
    let endpoint = s.m.endpoint();
    drop(s);
    assert!(!endpoint.accepts(8080));
    assert_eq!(
        endpoint.http(8080, &get("/", None)),
        ServeResult::NotListening
    );
}

#[test]
fn a_process_can_close_one_of_its_ports() {
    let mut s = setup();
    let h =
        s.m.exec(vec!["rebinding-server".into()], ExecOptions::default())
            .expect("runs");
    s.m.advance_to(1);
    assert!(s.m.is_running(h.pid));
    let cases = [
        ("closed", 7000, false),
        ("kept", 7001, true),
        ("other process's", 8080, true),
    ];
    for (name, port, open) in cases {
        assert_eq!(s.m.accepts(port), open, "{name}");
    }
}
