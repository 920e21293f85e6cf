//! Network applets: `nslookup` (busybox 1.28's format), `wget`, `nc`.

use std::net::Ipv4Addr;

use super::applet;
use super::common::complain;
use super::sys::parse_duration;
use crate::userland::outside::{Connect, DnsAnswer, HttpOutcome, HttpRequest};
use crate::userland::proc::{ExitStatus, Proc};

applet!(nslookup, nslookup_main);
applet!(wget, wget_main);
applet!(nc, nc_main);

/// Simulated cost of one DNS round trip.
const DNS_RTT_MS: u64 = 2;
/// What a resolver waits for an unanswering server (resolv.conf defaults:
/// timeout 5 s, 2 attempts).
const DNS_TIMEOUT_MS: u64 = 10_000;

pub(crate) struct ResolvConf {
    server: Ipv4Addr,
    search: Vec<String>,
    ndots: usize,
}

pub(crate) fn resolv_conf(p: &Proc) -> ResolvConf {
    let mut rc = ResolvConf {
        server: Ipv4Addr::LOCALHOST,
        search: Vec::new(),
        ndots: 1,
    };
    let data = p.fs().read("/", "/etc/resolv.conf").unwrap_or_default();
    let mut server_set = false;
    for line in String::from_utf8_lossy(&data).lines() {
        let mut w = line.split_whitespace();
        match w.next() {
            Some("nameserver") if !server_set => {
                if let Some(ip) = w.next().and_then(|s| s.parse().ok()) {
                    rc.server = ip;
                    server_set = true;
                }
            }
            Some("search") => rc.search = w.map(str::to_string).collect(),
            Some("options") => {
                for o in w {
                    if let Some(n) = o.strip_prefix("ndots:").and_then(|n| n.parse().ok()) {
                        rc.ndots = n;
                    }
                }
            }
            _ => {}
        }
    }
    rc
}

pub(crate) enum Resolved {
    Found(Vec<Ipv4Addr>),
    NotFound,
}

/// getaddrinfo: `/etc/hosts`, then DNS with the search list.
pub(crate) async fn resolve(p: &Proc, name: &str, rc: &ResolvConf) -> Resolved {
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Resolved::Found(vec![ip]);
    }
    let hosts = p.fs().read("/", "/etc/hosts").unwrap_or_default();
    for line in String::from_utf8_lossy(&hosts).lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut w = line.split_whitespace();
        if let Some(ip) = w.next().and_then(|s| s.parse::<Ipv4Addr>().ok()) {
            if w.any(|n| n == name) {
                return Resolved::Found(vec![ip]);
            }
        }
    }
    let absolute = name.ends_with('.');
    let dots = name.matches('.').count();
    let mut candidates: Vec<String> = Vec::new();
    if absolute {
        candidates.push(name.trim_end_matches('.').to_string());
    } else {
        let with_search: Vec<String> = rc.search.iter().map(|d| format!("{name}.{d}")).collect();
        if dots >= rc.ndots {
            candidates.push(name.to_string());
            candidates.extend(with_search);
        } else {
            candidates.extend(with_search);
            candidates.push(name.to_string());
        }
    }
    for c in candidates {
        p.sleep(DNS_RTT_MS).await;
        match p.outside().dns_lookup(rc.server, &c) {
            DnsAnswer::Records(ips) if !ips.is_empty() => return Resolved::Found(ips),
            DnsAnswer::Records(_) | DnsAnswer::NxDomain => {}
            DnsAnswer::Timeout => {
                p.sleep(DNS_TIMEOUT_MS).await;
                return Resolved::NotFound;
            }
        }
    }
    Resolved::NotFound
}

/// `Address N: IP NAME` lines, the name from a reverse lookup.
fn address_lines(p: &Proc, server: Ipv4Addr, ips: &[Ipv4Addr]) -> String {
    let mut s = String::new();
    for (i, ip) in ips.iter().enumerate() {
        match p.outside().dns_reverse(server, *ip) {
            Some(n) => s.push_str(&format!("Address {}: {ip} {n}\n", i + 1)),
            None => s.push_str(&format!("Address {}: {ip}\n", i + 1)),
        }
    }
    s
}

async fn nslookup_main(p: Proc) -> ExitStatus {
    let a: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    if a.is_empty() || a.len() > 2 || a[0].starts_with('-') {
        let _ = p
            .err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n")
            .await;
        return ExitStatus::FAILURE;
    }
    let mut rc = resolv_conf(&p);
    if let Some(s) = a.get(1).and_then(|s| s.parse().ok()) {
        rc.server = s;
    }
    let mut stdout = format!("{:<10} {}\n", "Server:", rc.server);
    stdout.push_str(&address_lines(&p, rc.server, &[rc.server]));
    stdout.push('\n');
    let name = &a[0];
    match resolve(&p, name, &rc).await {
        Resolved::Found(ips) => {
            stdout.push_str(&format!("{:<10} {name}\n", "Name:"));
            stdout.push_str(&address_lines(&p, rc.server, &ips));
            let _ = p.out(&stdout).await;
            ExitStatus::SUCCESS
        }
        Resolved::NotFound => {
            // stdout is block-buffered into a pipe and flushed at exit, so
            // the error line lands in the log first.
            complain(&p, &format!("can't resolve '{name}'")).await;
            let _ = p.out(&stdout).await;
            ExitStatus::FAILURE
        }
    }
}

struct Url {
    host: String,
    port: u16,
    path: String,
}

fn parse_url(u: &str) -> Option<Url> {
    let (rest, default_port) = if let Some(r) = u.strip_prefix("http://") {
        (r, 80)
    } else if let Some(r) = u.strip_prefix("https://") {
        (r, 443)
    } else if u.contains("://") {
        return None;
    } else {
        (u, 80)
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().ok()?),
        None => (hostport.to_string(), default_port),
    };
    if host.is_empty() {
        return None;
    }
    Some(Url { host, port, path })
}

async fn wget_main(p: Proc) -> ExitStatus {
    let a: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    let mut quiet = false;
    let mut spider = false;
    let mut show_headers = false;
    let mut output: Option<String> = None;
    let mut timeout_ms: u64 = 900_000;
    let mut urls = Vec::new();
    let mut i = 0;
    while let Some(x) = a.get(i) {
        match x.as_str() {
            "-q" | "--quiet" => quiet = true,
            "-S" | "--server-response" => show_headers = true,
            "--spider" => spider = true,
            "-O" => {
                i += 1;
                output = a.get(i).cloned();
            }
            "-T" | "--timeout" => {
                i += 1;
                timeout_ms = a
                    .get(i)
                    .and_then(|t| parse_duration(t).ok().flatten())
                    .unwrap_or(timeout_ms);
            }
            "-qO-" | "-qO" => {
                quiet = true;
                output = Some(if x == "-qO-" {
                    "-".into()
                } else {
                    i += 1;
                    a.get(i).cloned().unwrap_or_default()
                });
            }
            s if s.starts_with("-O") => output = Some(s[2..].to_string()),
            s if s.starts_with("--timeout=") => {
                timeout_ms = parse_duration(&s[10..])
                    .ok()
                    .flatten()
                    .unwrap_or(timeout_ms);
            }
            s if s.starts_with("-T") => {
                timeout_ms = parse_duration(&s[2..]).ok().flatten().unwrap_or(timeout_ms);
            }
            "-c" | "-s" | "--no-check-certificate" => {}
            _ => urls.push(x.clone()),
        }
        i += 1;
    }
    let Some(url_s) = urls.first().cloned() else {
        let _ = p
            .err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: wget [-c|--continue] [--spider] [-q|--quiet] [-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n\t[-S|--server-response] [-U|--user-agent AGENT] [-T SEC] URL...\n")
            .await;
        return ExitStatus::FAILURE;
    };
    let Some(url) = parse_url(&url_s) else {
        complain(&p, &format!("not an http or ftp url: {url_s}")).await;
        return ExitStatus::FAILURE;
    };
    let rc = resolv_conf(&p);
    let ip = match resolve(&p, &url.host, &rc).await {
        Resolved::Found(ips) => ips[0],
        Resolved::NotFound => {
            complain(&p, &format!("bad address '{}'", url.host)).await;
            return ExitStatus::FAILURE;
        }
    };
    if !quiet {
        let _ = p
            .err(&format!("Connecting to {} ({ip}:{})\n", url.host, url.port))
            .await;
    }
    match p.outside().connect(ip, url.port) {
        Connect::Refused => {
            complain(
                &p,
                &format!("can't connect to remote host ({ip}): Connection refused"),
            )
            .await;
            return ExitStatus::FAILURE;
        }
        Connect::Unreachable => {
            complain(
                &p,
                &format!("can't connect to remote host ({ip}): No route to host"),
            )
            .await;
            return ExitStatus::FAILURE;
        }
        Connect::Timeout => {
            p.sleep(timeout_ms).await;
            complain(&p, "download timed out").await;
            return ExitStatus::FAILURE;
        }
        Connect::Accepted => {}
    }
    let host_header = if url.port == 80 {
        url.host.clone()
    } else {
        format!("{}:{}", url.host, url.port)
    };
    let req = HttpRequest {
        method: if spider { "HEAD".into() } else { "GET".into() },
        host: host_header,
        path: url.path.clone(),
        headers: vec![
            ("User-Agent".into(), "Wget".into()),
            ("Connection".into(), "close".into()),
        ],
        client_ip: None,
        sent_at: p.now(),
    };
    let reply = p.outside().http(ip, url.port, &req);
    if reply.after_ms >= timeout_ms {
        p.sleep(timeout_ms).await;
        complain(&p, "download timed out").await;
        return ExitStatus::FAILURE;
    }
    p.sleep(reply.after_ms).await;
    let resp = match reply.outcome {
        HttpOutcome::Response(r) => r,
        HttpOutcome::Refused => {
            complain(
                &p,
                &format!("can't connect to remote host ({ip}): Connection refused"),
            )
            .await;
            return ExitStatus::FAILURE;
        }
        HttpOutcome::Unreachable => {
            complain(
                &p,
                &format!("can't connect to remote host ({ip}): No route to host"),
            )
            .await;
            return ExitStatus::FAILURE;
        }
        HttpOutcome::Timeout => {
            p.sleep(timeout_ms.saturating_sub(reply.after_ms)).await;
            complain(&p, "download timed out").await;
            return ExitStatus::FAILURE;
        }
    };
    if show_headers {
        let mut h = format!("  HTTP/1.1 {} {}\n", resp.status, resp.reason);
        for (k, v) in &resp.headers {
            h.push_str(&format!("  {k}: {v}\n"));
        }
        let _ = p.err(&h).await;
    }
    if !(200..300).contains(&resp.status) {
        complain(
            &p,
            &format!(
                "server returned error: HTTP/1.1 {} {}",
                resp.status, resp.reason
            ),
        )
        .await;
        return ExitStatus::FAILURE;
    }
    if spider {
        if !quiet {
            let _ = p.err("remote file exists\n").await;
        }
        return ExitStatus::SUCCESS;
    }
    let file = output.unwrap_or_else(|| {
        let base = url
            .path
            .split('?')
            .next()
            .unwrap_or("")
            .rsplit('/')
            .next()
            .unwrap_or("");
        if base.is_empty() {
            "index.html".to_string()
        } else {
            base.to_string()
        }
    });
    if file == "-" {
        let _ = p.write(1, &resp.body).await;
        return ExitStatus::SUCCESS;
    }
    let now = p.wall_secs();
    let w = p.fs_mut().write(&p.cwd, &file, &resp.body, false, now);
    if let Err(e) = w {
        complain(&p, &format!("can't open '{file}': {}", e.text())).await;
        return ExitStatus::FAILURE;
    }
    if !quiet {
        let shown = file.rsplit('/').next().unwrap_or(&file).to_string();
        let _ = p
            .err(&format!(
                "saving to '{file}'\n{:<20.20} 100% |{}| {:>5}  0:00:00 ETA\n'{file}' saved\n",
                shown,
                "*".repeat(31),
                resp.body.len()
            ))
            .await;
    }
    ExitStatus::SUCCESS
}

async fn nc_main(p: Proc) -> ExitStatus {
    let a: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    let mut zero = false;
    let mut listen = false;
    let mut port: Option<u16> = None;
    let mut wait_ms: Option<u64> = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while let Some(x) = a.get(i) {
        match x.as_str() {
            "-z" => zero = true,
            "-l" | "-lk" => listen = true,
            "-v" | "-n" | "-k" => {}
            "-p" => {
                i += 1;
                port = a.get(i).and_then(|s| s.parse().ok());
            }
            "-w" => {
                i += 1;
                wait_ms = a.get(i).and_then(|s| parse_duration(s).ok().flatten());
            }
            "-zv" | "-vz" => zero = true,
            _ => rest.push(x.clone()),
        }
        i += 1;
    }
    if listen {
        let Some(port) = port.or_else(|| rest.last().and_then(|s| s.parse().ok())) else {
            complain(&p, "bad port").await;
            return ExitStatus::FAILURE;
        };
        p.listen(port);
        return p.pause().await;
    }
    let (Some(host), Some(port)) = (
        rest.first().cloned(),
        rest.get(1).and_then(|s| s.parse::<u16>().ok()),
    ) else {
        let _ = p
            .err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n")
            .await;
        return ExitStatus::FAILURE;
    };
    let rc = resolv_conf(&p);
    let ip = match resolve(&p, &host, &rc).await {
        Resolved::Found(ips) => ips[0],
        Resolved::NotFound => {
            complain(&p, &format!("bad address '{host}'")).await;
            return ExitStatus::FAILURE;
        }
    };
    match p.outside().connect(ip, port) {
        Connect::Accepted => {}
        Connect::Refused => {
            if !zero {
                complain(
                    &p,
                    &format!("can't connect to remote host ({ip}): Connection refused"),
                )
                .await;
            }
            return ExitStatus::FAILURE;
        }
        Connect::Unreachable => {
            if !zero {
                complain(
                    &p,
                    &format!("can't connect to remote host ({ip}): No route to host"),
                )
                .await;
            }
            return ExitStatus::FAILURE;
        }
        Connect::Timeout => {
            match wait_ms {
                Some(w) => p.sleep(w).await,
                None => p.sleep(127_000).await,
            }
            if !zero {
                complain(
                    &p,
                    &format!("can't connect to remote host ({ip}): Connection timed out"),
                )
                .await;
            }
            return ExitStatus::FAILURE;
        }
    }
    if zero {
        return ExitStatus::SUCCESS;
    }
    // A request on stdin that looks like HTTP is answered by the server.
    let input = p.read_all(0).await;
    let text = String::from_utf8_lossy(&input).into_owned();
    let mut lines = text.lines();
    if let Some((method, path)) = lines.next().and_then(|l| {
        let mut w = l.split_whitespace();
        Some((w.next()?.to_string(), w.next()?.to_string()))
    }) {
        let req = HttpRequest {
            method,
            host: host.clone(),
            path,
            headers: Vec::new(),
            client_ip: None,
            sent_at: p.now(),
        };
        let reply = p.outside().http(ip, port, &req);
        p.sleep(reply.after_ms).await;
        if let HttpOutcome::Response(r) = reply.outcome {
            let mut raw = format!("HTTP/1.1 {} {}\r\n", r.status, r.reason);
            for (k, v) in &r.headers {
                raw.push_str(&format!("{k}: {v}\r\n"));
            }
            raw.push_str("\r\n");
            let _ = p.out(&raw).await;
            let _ = p.write(1, &r.body).await;
        }
    }
    ExitStatus::SUCCESS
}
