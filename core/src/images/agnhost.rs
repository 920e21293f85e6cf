//! agnhost, the Kubernetes e2e test image: one binary whose subcommands
//! (`liveness`, `netexec`, `serve-hostname`, `pause`) the documentation's
//! examples run, plus the older single-purpose liveness server it replaced.

use std::cell::Cell;
use std::rc::Rc;

use super::rootfs;
use super::support::{
    boxed, client_ip, client_port, go_block_forever, go_duration, go_error, go_float, go_not_found,
    go_response, log_time, path_only, query_param, wait_for_signal,
};
use super::Built;
use crate::userland::outside::HttpResponse;
use crate::userland::proc::{ExitStatus, Proc, ProgramFuture, Signal};
use crate::userland::{HttpHandler, Registry};

/// The liveness server answers `/healthz` with 200 for this long.
const HEALTHY_FOR_MS: u64 = 10_000;
/// serve-hostname waits this long after SIGTERM before it exits.
const AWAIT_DELETION_MS: u64 = 60_000;

pub(crate) fn image() -> Built {
    let fs = rootfs::debian_fs(rootfs::debian(12))
        .executable("agnhost", "agnhost", "agnhost\n")
        .program("usr/bin/nc", "nc")
        .program("usr/bin/nslookup", "nslookup")
        .dir("uploads", 0o755);
    let fs = super::curl::install(fs, false, 12);
    Built {
        entrypoint: vec!["/agnhost".into()],
        cmd: vec!["pause".into()],
        env: vec![(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: 51_000_000,
        filesystem: fs.build(),
    }
}

pub(crate) fn register(r: &mut Registry) {
    r.register("agnhost", agnhost);
    r.register("liveness-server", liveness_server);
}

fn agnhost(p: Proc) -> ProgramFuture {
    boxed(agnhost_main(p))
}

fn liveness_server(p: Proc) -> ProgramFuture {
    boxed(async move { liveness(&p).await })
}

const USAGE: &str = "Usage:
  agnhost [flags]
  agnhost [command]

Available Commands:
  help           Help about any command
  liveness       Starts a server that is alive for 10 seconds
  netexec        Creates HTTP(S), UDP, and (optionally) SCTP servers with various endpoints
  pause          Pauses the execution
  serve-hostname Serves the hostname

Flags:
  -h, --help   help for agnhost

Use \"agnhost [command] --help\" for more information about a command.
";

async fn agnhost_main(p: Proc) -> ExitStatus {
    let sub = p.argv.get(1).cloned().unwrap_or_default();
    match sub.as_str() {
        "liveness" => liveness(&p).await,
        "netexec" => netexec(&p).await,
        "serve-hostname" => serve_hostname(&p).await,
        "pause" => pause(&p).await,
        "" | "help" | "-h" | "--help" => {
            let _ = p.out(USAGE).await;
            ExitStatus::SUCCESS
        }
        other => {
            let _ = p
                .err(&format!(
                    "Error: unknown command \"{other}\" for \"agnhost\"\nRun 'agnhost --help' for usage.\n"
                ))
                .await;
            ExitStatus::FAILURE
        }
    }
}

async fn go_log(p: &Proc, msg: &str) {
    let _ = p.err(&format!("{} {msg}\n", log_time(p.wall_ms()))).await;
}

/// `--name=value` or `--name value` among the arguments after the
/// subcommand.
fn flag(p: &Proc, name: &str) -> Option<String> {
    let args: Vec<&String> = p.argv.iter().skip(2).collect();
    let long = format!("--{name}");
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix(&format!("{long}=")) {
            return Some(v.to_string());
        }
        if **a == long {
            return args.get(i + 1).map(|s| s.to_string());
        }
    }
    None
}

/// Alive for ten seconds, then failing: `/healthz` answers 200 `ok`, and
/// after 10 s 500 `error: <seconds since start>`.
async fn liveness(p: &Proc) -> ExitStatus {
    let started = p.now();
    let handler: HttpHandler = Rc::new(move |req, cx| {
        let now = cx.wall_ms().div_euclid(1000);
        let elapsed = cx.now().saturating_sub(started);
        match path_only(&req.path) {
            "/healthz" if elapsed > HEALTHY_FOR_MS => go_response(
                500,
                format!("error: {}", go_float(elapsed as f64 / 1000.0)),
                now,
            ),
            "/healthz" => go_response(200, "ok", now),
            "/started" => go_response(200, go_duration(elapsed), now),
            "/redirect" => {
                let loc = query_param(&req.path, "loc").unwrap_or_default();
                redirect(302, &loc, now)
            }
            _ => go_not_found(now),
        }
    });
    if p.serve_http(8080, handler).is_err() {
        go_log(p, "listen tcp :8080: bind: address already in use").await;
        return ExitStatus::FAILURE;
    }
    go_block_forever(p).await
}

fn redirect(code: u16, location: &str, now: i64) -> HttpResponse {
    let mut r = go_response(code, format!("<a href=\"{location}\">Found</a>.\n\n"), now);
    r.headers.retain(|(k, _)| k != "Content-Type");
    r.headers
        .push(("Content-Type".into(), "text/html; charset=utf-8".into()));
    r.headers.push(("Location".into(), location.to_string()));
    r
}

/// HTTP on `--http-port` (8080) with the common endpoints.
async fn netexec(p: &Proc) -> ExitStatus {
    let port: u16 = flag(p, "http-port")
        .and_then(|v| v.parse().ok())
        .unwrap_or(8080);
    let udp: i32 = flag(p, "udp-port")
        .and_then(|v| v.parse().ok())
        .unwrap_or(8081);
    let started = p.now();
    let served = Rc::new(Cell::new(0u64));
    let handler: HttpHandler = {
        let served = served.clone();
        Rc::new(move |req, cx| {
            let now_ms = cx.wall_ms();
            let now = now_ms.div_euclid(1000);
            let n = served.get() + 1;
            served.set(n);
            let log = |msg: &str| cx.stderr(format!("{} {msg}\n", log_time(now_ms)).as_bytes());
            let q = |k: &str| query_param(&req.path, k).unwrap_or_default();
            match path_only(&req.path) {
                "/clientip" => {
                    log("GET /clientip");
                    let ip = client_ip(req);
                    go_response(200, format!("{ip}:{}", client_port(ip, n)), now)
                }
                "/echo" => {
                    let (msg, code) = (q("msg"), q("code"));
                    log(&format!("GET /echo?msg={msg}&code={code}"));
                    match code.parse::<u16>() {
                        _ if code.is_empty() => go_response(200, msg, now),
                        Ok(c) => go_response(c, msg, now),
                        Err(_) => go_response(
                            200,
                            format!(
                                "argument 'code' must be an integer or empty, got \"{code}\"\n"
                            ),
                            now,
                        ),
                    }
                }
                "/hostname" | "/hostName" => {
                    log(&format!("GET {}", path_only(&req.path)));
                    go_response(200, cx.hostname().to_string(), now)
                }
                "/healthz" => {
                    log("GET /healthz");
                    go_response(200, Vec::new(), now)
                }
                "/shutdown" => {
                    log("GET /shutdown");
                    cx.exit_process(ExitStatus::SUCCESS);
                    go_response(200, Vec::new(), now)
                }
                "/exit" => {
                    let (code, timeout, wait) = (q("code"), q("timeout"), q("wait"));
                    log(&format!(
                        "GET /exit?code={code}&timeout={timeout}&wait={wait}"
                    ));
                    match code.parse::<u8>() {
                        Ok(c) if c <= 127 => {
                            cx.exit_process(ExitStatus::Code(c));
                            go_response(200, Vec::new(), now)
                        }
                        _ if code.is_empty() => {
                            cx.exit_process(ExitStatus::SUCCESS);
                            go_response(200, Vec::new(), now)
                        }
                        _ => go_response(
                            200,
                            format!("argument 'code' must be an integer [0-127] or empty, got \"{code}\"\n"),
                            now,
                        ),
                    }
                }
                "/redirect" => {
                    let (loc, code) = (q("location"), q("code"));
                    log(&format!("{} /redirect?msg={loc}&code={code}", req.method));
                    redirect(code.parse().unwrap_or(302), &loc, now)
                }
                "/shell" => {
                    log("GET /shell");
                    go_error(417, "shell commands are not run by this server", now)
                }
                _ => {
                    log("GET /");
                    let elapsed = cx.now().saturating_sub(started);
                    go_response(200, format!("NOW: {}", go_now(now_ms, elapsed)), now)
                }
            }
        })
    };
    if udp != -1 {
        go_log(p, &format!("Started UDP server on port  {udp}")).await;
    }
    go_log(p, &format!("Started HTTP server on port {port}")).await;
    if p.serve_http(port, handler).is_err() {
        go_log(
            p,
            &format!("listen tcp :{port}: bind: address already in use"),
        )
        .await;
        return ExitStatus::FAILURE;
    }
    go_block_forever(p).await
}

/// `time.Now()` as `%v` prints it, monotonic reading included.
fn go_now(wall_ms: i64, mono_ms: u64) -> String {
    let secs = wall_ms.div_euclid(1000);
    let frac = wall_ms.rem_euclid(1000);
    let wall = crate::userland::commands::strftime("%Y-%m-%d %H:%M:%S", secs);
    let frac = if frac == 0 {
        String::new()
    } else {
        format!(".{}", format!("{frac:03}").trim_end_matches('0'))
    };
    format!(
        "{wall}{frac} +0000 UTC m=+{}.{:03}000000",
        mono_ms / 1000,
        mono_ms % 1000
    )
}

/// The hostname over HTTP on `--port` (9376); on SIGTERM it waits a
/// minute for the pod to be deleted.
async fn serve_hostname(p: &Proc) -> ExitStatus {
    let port: u16 = flag(p, "port").and_then(|v| v.parse().ok()).unwrap_or(9376);
    let tcp = flag(p, "tcp").is_some_and(|v| v != "false") || p.argv.iter().any(|a| a == "--tcp");
    let served = Rc::new(Cell::new(0u64));
    let bound = if tcp {
        p.serve_tcp(port)
    } else {
        let served = served.clone();
        p.serve_http(
            port,
            Rc::new(move |req, cx| {
                let n = served.get() + 1;
                served.set(n);
                let ip = client_ip(req);
                cx.stderr(
                    format!(
                        "{} HTTP request from {ip}:{}\n",
                        log_time(cx.wall_ms()),
                        client_port(ip, n)
                    )
                    .as_bytes(),
                );
                go_response(
                    200,
                    cx.hostname().to_string(),
                    cx.wall_ms().div_euclid(1000),
                )
            }),
        )
    };
    if bound.is_err() {
        go_log(
            p,
            &format!("listen tcp :{port}: bind: address already in use"),
        )
        .await;
        return ExitStatus::FAILURE;
    }
    go_log(p, &format!("Serving on port {port}.")).await;
    wait_for_signal(p, &[Signal::Term]).await;
    go_log(p, "Shutting down after receiving signal: terminated.").await;
    go_log(p, "Awaiting pod deletion.").await;
    // Further TERMs are caught and dropped while it waits.
    p.sleep(AWAIT_DELETION_MS).await;
    ExitStatus::SUCCESS
}

/// Prints `Paused` and waits: SIGINT exits 1, SIGTERM exits 2.
async fn pause(p: &Proc) -> ExitStatus {
    let _ = p.out("Paused\n").await;
    match wait_for_signal(p, &[Signal::Int, Signal::Term]).await {
        Signal::Int => ExitStatus::Code(1),
        _ => ExitStatus::Code(2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_now_prints_wall_and_monotonic_time() {
        let cases = [
            (
                "on the second",
                1_795_621_907_000,
                12_000,
                "2026-11-25 15:51:47 +0000 UTC m=+12.000000000",
            ),
            (
                "with milliseconds",
                1_795_621_907_250,
                5,
                "2026-11-25 15:51:47.25 +0000 UTC m=+0.005000000",
            ),
        ];
        for (name, wall, mono, want) in cases {
            assert_eq!(go_now(wall, mono), want, "{name}");
        }
    }
}
