//! What the images' programs share: log timestamps in each runtime's
//! format, HTTP odds and ends, Go's default signal behaviour, and the
//! stable pseudo-random numbers that make digests and sizes look real.

use std::future::Future;
use std::net::Ipv4Addr;
use std::pin::Pin;

use crate::userland::commands::strftime;
use crate::userland::outside::{HttpRequest, HttpResponse};
use crate::userland::proc::{Disposition, ExitStatus, Proc, Signal};

/// Seconds and milliseconds of a simulated wall-clock instant.
fn split_ms(ms: i64) -> (i64, i64) {
    (ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// nginx's error log and Go's `log` package: `2026/11/25 15:51:47`.
pub(crate) fn log_time(ms: i64) -> String {
    strftime("%Y/%m/%d %H:%M:%S", split_ms(ms).0)
}

/// nginx's `$time_local` in UTC: `25/Nov/2026:15:51:47 +0000`.
pub(crate) fn access_time(ms: i64) -> String {
    strftime("%d/%b/%Y:%H:%M:%S +0000", split_ms(ms).0)
}

/// An HTTP `Date` header: `Wed, 25 Nov 2026 15:51:47 GMT`.
pub(crate) fn http_date(secs: i64) -> String {
    strftime("%a, %d %b %Y %H:%M:%S GMT", secs)
}

/// A klog line (`I1125 15:51:47.123000       1 server.go:42] msg`) as the
/// Kubernetes components print them.
pub(crate) fn klog(level: char, ms: i64, pid: u32, at: &str, msg: &str) -> String {
    let (secs, milli) = split_ms(ms);
    format!(
        "{level}{} {}.{:03}000 {pid:>7} {at}] {msg}\n",
        strftime("%m%d", secs),
        strftime("%H:%M:%S", secs),
        milli
    )
}

/// RFC 3339 with microseconds, as etcd's JSON logs stamp lines.
pub(crate) fn rfc3339_micro(ms: i64) -> String {
    let (secs, milli) = split_ms(ms);
    format!("{}.{:03}000Z", strftime("%Y-%m-%dT%H:%M:%S", secs), milli)
}

/// Go's `time.Duration.String()` for a whole number of milliseconds.
pub(crate) fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let frac = ms % 1000;
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        let f = format!("{frac:03}");
        format!("{s}.{}s", f.trim_end_matches('0'))
    };
    match (h, m) {
        (0, 0) => secs,
        (0, m) => format!("{m}m{secs}"),
        (h, m) => format!("{h}h{m}m{secs}"),
    }
}

/// Go's `%v` of a float64 number of seconds (shortest representation).
pub(crate) fn go_float(secs: f64) -> String {
    format!("{secs}")
}

/// The client address a server sees; requests without one come from
/// loopback.
pub(crate) fn client_ip(req: &HttpRequest) -> Ipv4Addr {
    req.client_ip.unwrap_or(Ipv4Addr::LOCALHOST)
}

/// A plausible ephemeral source port for the `n`th request from `ip`.
pub(crate) fn client_port(ip: Ipv4Addr, n: u64) -> u16 {
    let seed = u64::from(u32::from(ip)).wrapping_add(n.wrapping_mul(0x9e37_79b9));
    32768 + (mix(seed) % 28232) as u16
}

pub(crate) fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The request path without its query string.
pub(crate) fn path_only(path: &str) -> &str {
    path.split(['?', '#']).next().unwrap_or("")
}

/// A query parameter, percent-decoded (`+` is a space, as Go's
/// `FormValue` reads it).
pub(crate) fn query_param(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (percent_decode(k, true) == name).then(|| percent_decode(v, true))
    })
}

/// `%XX` escapes decoded; invalid ones are kept as they are.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response from Go's `net/http`: `Date`, `Content-Type` and
/// `Content-Length` as it sets them.
pub(crate) fn go_response(status: u16, body: impl Into<Vec<u8>>, now_secs: i64) -> HttpResponse {
    let body = body.into();
    HttpResponse {
        status,
        reason: reason(status).to_string(),
        headers: vec![
            ("Date".into(), http_date(now_secs)),
            ("Content-Length".into(), body.len().to_string()),
            ("Content-Type".into(), "text/plain; charset=utf-8".into()),
        ],
        body,
    }
}

/// Go's `http.Error`: the message and a newline, with `nosniff`.
pub(crate) fn go_error(status: u16, msg: &str, now_secs: i64) -> HttpResponse {
    let mut r = go_response(status, format!("{msg}\n"), now_secs);
    r.headers
        .push(("X-Content-Type-Options".into(), "nosniff".into()));
    r
}

/// Go's `NotFound` handler.
pub(crate) fn go_not_found(now_secs: i64) -> HttpResponse {
    go_error(404, "404 page not found", now_secs)
}

/// The standard reason phrase.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Large",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// How a Go program without signal handlers ends on `sig`: the runtime
/// re-raises the signal, which kills the process, except as a container's
/// pid 1, where the kernel drops it and the runtime falls back to exit
/// status 2.
pub(crate) fn go_died_of(p: &Proc, sig: Signal) -> ExitStatus {
    if p.pid == 1 {
        ExitStatus::Code(2)
    } else {
        ExitStatus::Signaled(sig)
    }
}

/// Blocks like a Go server's `main` does, until a signal ends it the way
/// the Go runtime ends programs that ignore signals.
pub(crate) async fn go_block_forever(p: &Proc) -> ExitStatus {
    for sig in [Signal::Term, Signal::Int, Signal::Hup, Signal::Quit] {
        p.set_disposition(sig, Disposition::Catch);
    }
    loop {
        p.sleep_until_signal(None).await;
        match p.take_signal() {
            Some(Signal::Quit) => {
                let _ = p.err("SIGQUIT: quit\nPC=0x4740e1 m=0 sigcode=0\n\n").await;
                return ExitStatus::Code(2);
            }
            Some(sig) => return go_died_of(p, sig),
            None => {}
        }
    }
}

/// Blocks until one of `signals` arrives (others keep their default
/// action) and returns it.
pub(crate) async fn wait_for_signal(p: &Proc, signals: &[Signal]) -> Signal {
    for sig in signals {
        p.set_disposition(*sig, Disposition::Catch);
    }
    loop {
        p.sleep_until_signal(None).await;
        if let Some(sig) = p.take_signal() {
            if signals.contains(&sig) {
                return sig;
            }
        }
    }
}

/// The boxed future a [`Program`](crate::userland::Program) returns.
pub(crate) fn boxed(
    f: impl Future<Output = ExitStatus> + 'static,
) -> Pin<Box<dyn Future<Output = ExitStatus>>> {
    Box::pin(f)
}

/// splitmix64: a good 64-bit mix, for stable pseudo-random values.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A `sha256:<64 hex>` digest that is the same for the same seed.
pub(crate) fn fake_digest(seed: &str) -> String {
    let mut h = fnv1a(seed);
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for _ in 0..4 {
        h = mix(h);
        hex.push_str(&format!("{h:016x}"));
    }
    hex
}

/// `approx` with its last digits varied by `seed`, so sizes look measured.
pub(crate) fn jitter(approx: u64, seed: &str) -> u64 {
    let spread = (approx / 50).max(1);
    approx - spread / 2 + mix(fnv1a(seed)) % spread
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_follow_each_programs_format() {
        let ms = 1_795_621_907_250; // 2026-11-25 15:51:47.250 UTC
        let cases = [
            (
                "nginx error log and Go log",
                log_time(ms),
                "2026/11/25 15:51:47",
            ),
            (
                "nginx access log",
                access_time(ms),
                "25/Nov/2026:15:51:47 +0000",
            ),
            (
                "HTTP date",
                http_date(ms / 1000),
                "Wed, 25 Nov 2026 15:51:47 GMT",
            ),
            (
                "klog",
                klog('I', ms, 1, "server.go:42", "hello"),
                "I1125 15:51:47.250000       1 server.go:42] hello\n",
            ),
            ("etcd", rfc3339_micro(ms), "2026-11-25T15:51:47.250000Z"),
        ];
        for (name, got, want) in cases {
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn go_durations_print_like_time_duration() {
        let cases = [
            ("zero", 0, "0s"),
            ("milliseconds", 250, "250ms"),
            ("whole seconds", 13_000, "13s"),
            ("fractional seconds", 10_500, "10.5s"),
            ("minutes", 65_020, "1m5.02s"),
            ("hours", 3_600_000, "1h0m0s"),
        ];
        for (name, ms, want) in cases {
            assert_eq!(go_duration(ms), want, "{name}");
        }
    }

    #[test]
    fn query_parameters_are_decoded() {
        let cases = [
            ("plain", "/echo?msg=hello", "msg", Some("hello")),
            (
                "percent escapes",
                "/echo?msg=a%20b%2Fc",
                "msg",
                Some("a b/c"),
            ),
            (
                "plus is a space",
                "/echo?code=1&msg=x+y",
                "msg",
                Some("x y"),
            ),
            ("missing", "/echo?code=1", "msg", None),
            ("no query", "/echo", "msg", None),
            ("bad escape kept", "/echo?msg=100%", "msg", Some("100%")),
        ];
        for (name, path, key, want) in cases {
            assert_eq!(query_param(path, key).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn digests_are_stable_and_look_like_sha256() {
        let a = fake_digest("docker.io/library/nginx@1.14.2");
        assert_eq!(a, fake_digest("docker.io/library/nginx@1.14.2"));
        assert_ne!(a, fake_digest("docker.io/library/nginx@1.14.1"));
        assert_eq!(a.len(), 71);
        assert!(a[7..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
