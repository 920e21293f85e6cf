//! `curl`, which the nginx, agnhost and Debian-based images ship: the
//! options tutorials use (`-s -S -f -i -I -v -L -o -O -X -H -d -m -w`), the
//! progress meter, and curl's numbered errors in the wording of the
//! installed version.

use std::net::Ipv4Addr;

use super::support::boxed;
use crate::userland::commands::{resolv_conf, resolve, Resolved};
use crate::userland::fs::ImageBuilder;
use crate::userland::outside::{Connect, HttpOutcome, HttpRequest, HttpResponse};
use crate::userland::proc::{ExitStatus, Millis, Proc, ProgramFuture};
use crate::userland::Registry;

/// How long a connection attempt to an unanswering address lasts before
/// the kernel gives up (SYN retries).
const KERNEL_CONNECT_TIMEOUT_MS: Millis = 130_000;
/// Redirects `-L` follows before curl gives up.
const MAX_REDIRECTS: usize = 50;

/// Puts curl into a tree; the file's bytes name its version.
pub(crate) fn install(fs: ImageBuilder, alpine: bool, debian_major: u32) -> ImageBuilder {
    let version = if alpine {
        "8.14.1"
    } else {
        match debian_major {
            0..=10 => "7.64.0",
            11 => "7.74.0",
            12 => "7.88.1",
            _ => "8.14.1",
        }
    };
    fs.executable("usr/bin/curl", "curl", format!("curl {version}\n"))
}

pub(crate) fn register(r: &mut Registry) {
    r.register("curl", curl);
}

fn curl(p: Proc) -> ProgramFuture {
    boxed(curl_main(p))
}

/// curl's version, read from its own file.
fn version(p: &Proc) -> (u32, u32, String) {
    let path = p
        .find_in_path("curl", p.getenv("PATH").unwrap_or("/usr/bin"))
        .unwrap_or_else(|| "/usr/bin/curl".to_string());
    let data = p.fs().read("/", &path).unwrap_or_default();
    let text = String::from_utf8_lossy(&data);
    let v = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("8.14.1")
        .to_string();
    let mut it = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    (it.next().unwrap_or(8), it.next().unwrap_or(0), v)
}

struct Opts {
    silent: bool,
    no_meter: bool,
    show_error: bool,
    fail: bool,
    include: bool,
    head: bool,
    verbose: bool,
    follow: bool,
    output: Option<String>,
    remote_name: bool,
    method: Option<String>,
    headers: Vec<(String, String)>,
    data: Option<String>,
    max_time: Option<Millis>,
    connect_timeout: Option<Millis>,
    write_out: Option<String>,
    url: Option<String>,
}

fn secs(s: &str) -> Option<Millis> {
    s.parse::<f64>()
        .ok()
        .filter(|v| *v >= 0.0)
        .map(|v| (v * 1000.0) as Millis)
}

fn parse(args: &[String]) -> Result<Opts, (i32, String)> {
    let mut o = Opts {
        silent: false,
        no_meter: false,
        show_error: false,
        fail: false,
        include: false,
        head: false,
        verbose: false,
        follow: false,
        output: None,
        remote_name: false,
        method: None,
        headers: Vec::new(),
        data: None,
        max_time: None,
        connect_timeout: None,
        write_out: None,
        url: None,
    };
    let mut i = 0;
    let next = |i: &mut usize, name: &str| -> Result<String, (i32, String)> {
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or((2, format!("option {name}: requires parameter")))
    };
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "--silent" => o.silent = true,
            "--show-error" => o.show_error = true,
            "--fail" => o.fail = true,
            "--include" => o.include = true,
            "--head" => o.head = true,
            "--verbose" => o.verbose = true,
            "--location" => o.follow = true,
            "--insecure" | "--compressed" => {}
            "--no-progress-meter" => o.no_meter = true,
            "--output" => o.output = Some(next(&mut i, a)?),
            "--remote-name" => o.remote_name = true,
            "--request" => o.method = Some(next(&mut i, a)?),
            "--header" => push_header(&mut o, &next(&mut i, a)?),
            "--data" | "--data-raw" | "--data-binary" => o.data = Some(next(&mut i, a)?),
            "--max-time" => o.max_time = secs(&next(&mut i, a)?),
            "--connect-timeout" => o.connect_timeout = secs(&next(&mut i, a)?),
            "--write-out" => o.write_out = Some(next(&mut i, a)?),
            "--retry" | "--user-agent" => {
                next(&mut i, a)?;
            }
            s if s.starts_with("--") => {
                return Err((
                    2,
                    format!("option {s}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"),
                ))
            }
            s if s.starts_with('-') && s.len() > 1 => {
                let flags: Vec<char> = s[1..].chars().collect();
                for (k, c) in flags.iter().enumerate() {
                    let rest: String = flags[k + 1..].iter().collect();
                    let mut value = |name: &str| -> Result<String, (i32, String)> {
                        if rest.is_empty() {
                            next(&mut i, name)
                        } else {
                            Ok(rest.clone())
                        }
                    };
                    match c {
                        's' => o.silent = true,
                        'S' => o.show_error = true,
                        'f' => o.fail = true,
                        'i' => o.include = true,
                        'I' => o.head = true,
                        'v' => o.verbose = true,
                        'L' => o.follow = true,
                        'k' => {}
                        'O' => o.remote_name = true,
                        'o' | 'X' | 'H' | 'd' | 'm' | 'w' => {
                            let v = value(&format!("-{c}"))?;
                            match c {
                                'o' => o.output = Some(v),
                                'X' => o.method = Some(v),
                                'H' => push_header(&mut o, &v),
                                'd' => o.data = Some(v),
                                'm' => o.max_time = secs(&v),
                                _ => o.write_out = Some(v),
                            }
                            break;
                        }
                        other => {
                            return Err((
                                2,
                                format!("option -{other}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"),
                            ))
                        }
                    }
                }
            }
            url => o.url = Some(url.to_string()),
        }
        i += 1;
    }
    Ok(o)
}

fn push_header(o: &mut Opts, h: &str) {
    if let Some((k, v)) = h.split_once(':') {
        o.headers.push((k.trim().to_string(), v.trim().to_string()));
    }
}

struct Url {
    host: String,
    port: u16,
    path: String,
}

fn parse_url(u: &str) -> Result<Url, (i32, String)> {
    let (rest, port) = if let Some(r) = u.strip_prefix("http://") {
        (r, 80)
    } else if let Some(r) = u.strip_prefix("https://") {
        (r, 443)
    } else if let Some((scheme, _)) = u.split_once("://") {
        return Err((1, format!("Protocol \"{scheme}\" not supported")));
    } else {
        (u, 80)
    };
    let (hostport, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => match p.parse::<u16>() {
            Ok(p) => (h.to_string(), p),
            Err(_) => {
                return Err((
                    3,
                    "URL rejected: Port number was not a decimal number between 0 and 65535"
                        .to_string(),
                ))
            }
        },
        None => (hostport.to_string(), port),
    };
    if host.is_empty() {
        return Err((3, "URL rejected: No host part in the URL".to_string()));
    }
    Ok(Url { host, port, path })
}

/// curl's `max5data`: a byte count in five columns.
fn five(n: u64) -> String {
    if n < 100_000 {
        format!("{n:>5}")
    } else if n < 10_000 * 1024 {
        format!("{:>4}k", n / 1024)
    } else {
        format!("{:>4}M", n / (1024 * 1024))
    }
}

fn meter(size: usize, elapsed: Millis) -> String {
    let speed = (size as u64).saturating_mul(1000) / elapsed.max(1);
    let s = five(speed);
    format!(
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n{:>3} {}  {:>3} {}    0     0  {s}      0 --:--:-- --:--:-- --:--:-- {s}\n",
        100,
        five(size as u64),
        100,
        five(size as u64)
    )
}

async fn curl_main(p: Proc) -> ExitStatus {
    let args: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    let (major, minor, ver) = version(&p);
    let modern = (major, minor) >= (7, 82);
    let o = match parse(&args) {
        Ok(o) => o,
        Err((code, msg)) => {
            let _ = p.err(&format!("curl: {msg}\n")).await;
            return ExitStatus::Code(code as u8);
        }
    };
    let complain = |code: i32, msg: String| {
        let show = !o.silent || o.show_error;
        let p = &p;
        async move {
            if show {
                let _ = p.err(&format!("curl: ({code}) {msg}\n")).await;
            }
            ExitStatus::Code(code as u8)
        }
    };
    let Some(mut url_text) = o.url.clone() else {
        let _ = p
            .err("curl: try 'curl --help' or 'curl --manual' for more information\n")
            .await;
        return ExitStatus::Code(2);
    };
    let start = p.now();
    let deadline = o.max_time.map(|m| start + m);
    let mut redirects = 0;
    loop {
        let url = match parse_url(&url_text) {
            Ok(u) => u,
            Err((code, msg)) => return complain(code, msg).await,
        };
        let rc = resolv_conf(&p);
        let ip: Ipv4Addr = match resolve(&p, &url.host, &rc).await {
            Resolved::Found(ips) => match ips.first() {
                Some(ip) => *ip,
                None => return complain(6, format!("Could not resolve host: {}", url.host)).await,
            },
            Resolved::NotFound => {
                return complain(6, format!("Could not resolve host: {}", url.host)).await
            }
        };
        if o.verbose {
            let _ = p.err(&format!("*   Trying {ip}:{}...\n", url.port)).await;
        }
        let failed_connect = |elapsed: Millis, why: &str| {
            if modern {
                format!(
                    "Failed to connect to {} port {} after {elapsed} ms: {why}",
                    url.host, url.port
                )
            } else {
                format!(
                    "Failed to connect to {} port {}: Connection refused",
                    url.host, url.port
                )
            }
        };
        match p.outside().connect(ip, url.port) {
            Connect::Accepted => {}
            Connect::Refused | Connect::Unreachable => {
                let elapsed = p.now() - start;
                return complain(7, failed_connect(elapsed, "Couldn't connect to server")).await;
            }
            Connect::Timeout => {
                let limit = [
                    o.connect_timeout,
                    o.max_time,
                    Some(KERNEL_CONNECT_TIMEOUT_MS),
                ]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(KERNEL_CONNECT_TIMEOUT_MS);
                p.sleep_until(start + limit).await;
                let elapsed = p.now() - start;
                let msg = if modern {
                    failed_connect(elapsed, "Timeout was reached")
                } else {
                    format!("Connection timed out after {elapsed} milliseconds")
                };
                return complain(28, msg).await;
            }
        }
        if o.verbose {
            let _ = p
                .err(&format!(
                    "* Connected to {} ({ip}) port {}\n",
                    url.host, url.port
                ))
                .await;
        }
        let method = match (&o.method, o.head, &o.data) {
            (Some(m), _, _) => m.clone(),
            (None, true, _) => "HEAD".to_string(),
            (None, false, Some(_)) => "POST".to_string(),
            _ => "GET".to_string(),
        };
        let host_header = if url.port == 80 {
            url.host.clone()
        } else {
            format!("{}:{}", url.host, url.port)
        };
        let mut headers = vec![
            ("User-Agent".to_string(), format!("curl/{ver}")),
            ("Accept".to_string(), "*/*".to_string()),
        ];
        headers.extend(o.headers.iter().cloned());
        let req = HttpRequest {
            method: method.clone(),
            host: host_header.clone(),
            path: url.path.clone(),
            headers: headers.clone(),
            client_ip: None,
            sent_at: p.now(),
        };
        if o.verbose {
            let mut s = format!(
                "> {method} {} HTTP/1.1\r\n> Host: {host_header}\r\n",
                url.path
            );
            for (k, v) in &headers {
                s.push_str(&format!("> {k}: {v}\r\n"));
            }
            s.push_str(">\r\n");
            let _ = p.err(&s).await;
        }
        let reply = p.outside().http(ip, url.port, &req);
        let arrives = p.now() + reply.after_ms;
        let timed_out = |p: &Proc| {
            let elapsed = p.now() - start;
            format!("Operation timed out after {elapsed} milliseconds with 0 bytes received")
        };
        match deadline {
            Some(d) if d < arrives => {
                p.sleep_until(d).await;
                return complain(28, timed_out(&p)).await;
            }
            _ => p.sleep_until(arrives).await,
        }
        let resp: HttpResponse = match reply.outcome {
            HttpOutcome::Response(r) => r,
            HttpOutcome::Refused | HttpOutcome::Unreachable => {
                let elapsed = p.now() - start;
                return complain(7, failed_connect(elapsed, "Couldn't connect to server")).await;
            }
            HttpOutcome::Timeout => {
                match deadline {
                    Some(d) => p.sleep_until(d).await,
                    None => {
                        p.pause().await;
                    }
                }
                return complain(28, timed_out(&p)).await;
            }
        };
        let mut head_text = format!("HTTP/1.1 {} {}\r\n", resp.status, resp.reason);
        for (k, v) in &resp.headers {
            head_text.push_str(&format!("{k}: {v}\r\n"));
        }
        head_text.push_str("\r\n");
        if o.verbose {
            let shown: String = head_text
                .split_inclusive("\r\n")
                .map(|l| format!("< {l}"))
                .collect();
            let _ = p.err(&shown).await;
        }
        if o.follow && (300..400).contains(&resp.status) {
            if let Some((_, loc)) = resp
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Location"))
            {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return complain(47, format!("Maximum ({MAX_REDIRECTS}) redirects followed"))
                        .await;
                }
                url_text = if loc.starts_with('/') {
                    format!("http://{host_header}{loc}")
                } else {
                    loc.clone()
                };
                continue;
            }
        }
        if o.fail && resp.status >= 400 {
            let msg = if modern {
                format!("The requested URL returned error: {}", resp.status)
            } else {
                format!(
                    "The requested URL returned error: {} {}",
                    resp.status, resp.reason
                )
            };
            return complain(22, msg).await;
        }
        let mut out = Vec::new();
        if o.include || o.head {
            out.extend_from_slice(head_text.as_bytes());
        }
        if !o.head {
            out.extend_from_slice(&resp.body);
        }
        let elapsed = p.now() - start;
        let to_file = o.output.clone().or_else(|| {
            o.remote_name.then(|| {
                let base = url
                    .path
                    .split('?')
                    .next()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or("");
                if base.is_empty() {
                    "curl_response".to_string()
                } else {
                    base.to_string()
                }
            })
        });
        if !o.silent && !o.no_meter && !o.verbose && (to_file.is_some() || !p.tty) {
            let _ = p.err(&meter(out.len(), elapsed)).await;
        }
        match to_file {
            Some(f) if f != "-" => {
                let now = p.wall_secs();
                let w = p.fs_mut().write(&p.cwd, &f, &out, false, now);
                if let Err(e) = w {
                    if !o.silent || o.show_error {
                        let _ = p
                            .err(&format!(
                                "Warning: Failed to open the file {f}: {}\n",
                                e.text()
                            ))
                            .await;
                    }
                    return complain(23, "Failure writing output to destination".to_string()).await;
                }
            }
            _ => {
                let _ = p.write(1, &out).await;
            }
        }
        if o.verbose {
            let _ = p
                .err(&format!(
                    "* Connection #0 to host {} left intact\n",
                    url.host
                ))
                .await;
        }
        if let Some(w) = &o.write_out {
            let text = w
                .replace("%{http_code}", &format!("{:03}", resp.status))
                .replace("%{response_code}", &format!("{:03}", resp.status))
                .replace("%{size_download}", &resp.body.len().to_string())
                .replace("%{url_effective}", &url_text)
                .replace("\\n", "\n");
            let _ = p.out(&text).await;
        }
        return ExitStatus::SUCCESS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_port_and_path() {
        let cases = [
            ("host only", "localhost", Ok(("localhost", 80, "/"))),
            (
                "with scheme and port",
                "http://10.0.0.1:8080/healthz",
                Ok(("10.0.0.1", 8080, "/healthz")),
            ),
            ("query without path", "web:80?x=1", Ok(("web", 80, "/?x=1"))),
            (
                "https uses 443",
                "https://example.com/",
                Ok(("example.com", 443, "/")),
            ),
            ("unknown scheme", "ftp://x/", Err(1)),
            ("bad port", "http://x:99999/", Err(3)),
        ];
        for (name, u, want) in cases {
            let got = parse_url(u)
                .map(|u| (u.host, u.port, u.path))
                .map_err(|(c, _)| c);
            let want = want.map(|(h, p, path)| (h.to_string(), p, path.to_string()));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn the_progress_meter_sizes_columns_like_curl() {
        assert_eq!(five(612), "  612");
        assert_eq!(five(612_000), " 597k");
        assert!(meter(612, 1).ends_with(
            "100   612  100   612    0     0   597k      0 --:--:-- --:--:-- --:--:--  597k\n"
        ));
    }
}
