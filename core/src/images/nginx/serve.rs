//! nginx answering a request from the container's files: the server for
//! the port and Host, the location, index files, redirects for
//! directories, nginx's own error pages, and the access and error log
//! lines it writes.

use std::cell::RefCell;
use std::rc::Rc;

use super::conf::{Server, Settings, PREFIX};
use super::pages;
use super::Shared;
use crate::images::support::{
    access_time, client_ip, header, http_date, log_time, path_only, percent_decode, reason,
};
use crate::userland::fs::Kind;
use crate::userland::outside::{HttpRequest, HttpResponse};
use crate::userland::ServeCx;

/// Internal redirects (index files, error pages) one request may take.
const MAX_INTERNAL_REDIRECTS: usize = 10;

struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: String,
    extra: Vec<(String, String)>,
}

pub(crate) fn handle(
    shared: &Rc<RefCell<Shared>>,
    port: u16,
    req: &HttpRequest,
    cx: &ServeCx<'_>,
) -> HttpResponse {
    let (cfg, version, worker, conn) = match shared.try_borrow_mut() {
        Ok(mut s) => {
            s.connections += 1;
            (s.cfg.clone(), s.version, s.worker, s.connections)
        }
        Err(_) => return HttpResponse::ok(Vec::new()),
    };
    let host = req.host.split(':').next().unwrap_or("").to_string();
    let servers: Vec<&Server> = cfg
        .servers
        .iter()
        .filter(|s| s.ports.contains(&port))
        .collect();
    let Some(server) = servers
        .iter()
        .find(|s| s.names.contains(&host))
        .or(servers.first())
        .copied()
    else {
        return HttpResponse::ok(Vec::new());
    };
    let client = client_ip(req);
    let request_line = format!("{} {} HTTP/1.1", req.method, req.path);
    let server_name = server.names.first().cloned().unwrap_or_default();
    let log_error = |msg: &str| {
        cx.stderr(
            format!(
                "{} [error] {worker}#{worker}: *{conn} {msg}, client: {client}, server: {server_name}, request: \"{request_line}\", host: \"{}\"\n",
                log_time(cx.wall_ms()),
                req.host
            )
            .as_bytes(),
        );
    };
    let uri = percent_decode(path_only(&req.path), false);
    let (answer, settings) = match normalize(&uri) {
        None => (special(version, 400), server.settings.clone()),
        Some(uri) => {
            let (settings, _) = server.settings_for(&uri);
            let a = respond(cx, server, &settings, &uri, req, port, version, &log_error);
            (a, settings)
        }
    };
    let head = req.method == "HEAD";
    let sent = if head { 0 } else { answer.body.len() };
    if settings.access_log_off != Some(true) {
        let referer = header(req, "Referer").unwrap_or("-");
        let agent = header(req, "User-Agent").unwrap_or("-");
        let forwarded = header(req, "X-Forwarded-For").unwrap_or("-");
        cx.stdout(
            format!(
                "{client} - - [{}] \"{request_line}\" {} {sent} \"{referer}\" \"{agent}\" \"{forwarded}\"\n",
                access_time(cx.wall_ms()),
                answer.status
            )
            .as_bytes(),
        );
    }
    let mut headers = vec![
        ("Server".to_string(), format!("nginx/{version}")),
        ("Date".to_string(), http_date(cx.wall_ms().div_euclid(1000))),
        ("Content-Type".to_string(), answer.content_type.clone()),
        ("Content-Length".to_string(), answer.body.len().to_string()),
    ];
    headers.extend(answer.extra);
    let close = header(req, "Connection").is_some_and(|c| c.eq_ignore_ascii_case("close"));
    headers.push((
        "Connection".to_string(),
        if close { "close" } else { "keep-alive" }.to_string(),
    ));
    HttpResponse {
        status: answer.status,
        reason: reason(answer.status).to_string(),
        headers,
        body: if head { Vec::new() } else { answer.body },
    }
}

/// Resolves `.` and `..`; `None` if the URI climbs above the root or is
/// not absolute (nginx answers 400).
fn normalize(uri: &str) -> Option<String> {
    if !uri.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in uri.split('/').skip(1) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if (uri.ends_with('/') || uri.ends_with("/.") || uri.ends_with("/..")) && out != "/" {
        out.push('/');
    }
    Some(out)
}

fn special(version: super::Version, status: u16) -> Answer {
    Answer {
        status,
        body: pages::special_response(version, status, reason(status)).into_bytes(),
        content_type: "text/html".to_string(),
        extra: Vec::new(),
    }
}

fn mime_for(path: &str, settings: &Settings) -> String {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    ext.and_then(|e| {
        pages::MIME
            .iter()
            .find(|(x, _)| *x == e)
            .map(|(_, t)| t.to_string())
    })
    .or_else(|| settings.default_type.clone())
    .unwrap_or_else(|| "application/octet-stream".to_string())
}

/// The file a URI maps to under `root` or `alias`.
fn file_path(settings: &Settings, location_uri: Option<&str>, uri: &str) -> String {
    if let Some(alias) = &settings.alias {
        let rest = location_uri.map_or(uri, |l| uri.strip_prefix(l).unwrap_or(uri));
        return format!("{}{rest}", alias.trim_end_matches('/'));
    }
    let root = settings.root.clone().unwrap_or_else(|| "html".to_string());
    let root = if root.starts_with('/') {
        root
    } else {
        format!("{PREFIX}/{root}")
    };
    format!("{}{uri}", root.trim_end_matches('/'))
}

#[allow(clippy::too_many_arguments)]
fn respond(
    cx: &ServeCx<'_>,
    server: &Server,
    settings: &Settings,
    uri: &str,
    req: &HttpRequest,
    port: u16,
    version: super::Version,
    log_error: &dyn Fn(&str),
) -> Answer {
    let mut uri = uri.to_string();
    let mut settings = settings.clone();
    for _ in 0..MAX_INTERNAL_REDIRECTS {
        if let Some((code, text)) = &settings.ret {
            return returned(*code, text.as_deref(), version, &settings);
        }
        if !matches!(req.method.as_str(), "GET" | "HEAD") {
            return special(version, 405);
        }
        let location_uri = server.settings_for(&uri).1.map(|l| l.uri.clone());
        let path = file_path(&settings, location_uri.as_deref(), &uri);
        let Ok(fs) = cx.fs() else {
            return special(version, 500);
        };
        let stat = fs.stat("/", &path);
        if uri.ends_with('/') {
            let index = settings
                .index
                .clone()
                .unwrap_or_else(|| vec!["index.html".to_string()]);
            let found = index.iter().find(|name| {
                fs.stat("/", &format!("{path}{name}"))
                    .is_ok_and(|s| s.kind == Kind::File)
            });
            match (found, &stat) {
                (Some(name), _) => {
                    uri = format!("{uri}{name}");
                    settings = server.settings_for(&uri).0;
                    continue;
                }
                (None, Ok(st)) if st.is_dir() => {
                    drop(fs);
                    log_error(&format!("directory index of \"{path}\" is forbidden"));
                    return error_page(cx, server, &settings, 403, version);
                }
                _ => {
                    drop(fs);
                    let first = index.first().cloned().unwrap_or_default();
                    log_error(&format!(
                        "\"{path}{first}\" is not found (2: No such file or directory)"
                    ));
                    return error_page(cx, server, &settings, 404, version);
                }
            }
        }
        match stat {
            Ok(st) if st.is_dir() => {
                let host = req.host.split(':').next().unwrap_or("");
                let port_part = if port == 80 {
                    String::new()
                } else {
                    format!(":{port}")
                };
                let mut a = special(version, 301);
                a.extra.push((
                    "Location".to_string(),
                    format!("http://{host}{port_part}{uri}/"),
                ));
                return a;
            }
            Ok(st) => {
                let data = fs.read("/", &path).unwrap_or_default();
                let mtime = st.meta.mtime;
                return Answer {
                    status: 200,
                    content_type: mime_for(&path, &settings),
                    extra: vec![
                        ("Last-Modified".to_string(), http_date(mtime)),
                        (
                            "ETag".to_string(),
                            format!("\"{:x}-{:x}\"", mtime.max(0), data.len()),
                        ),
                        ("Accept-Ranges".to_string(), "bytes".to_string()),
                    ],
                    body: data,
                };
            }
            Err(e) => {
                drop(fs);
                let errno = super::conf::errno(e);
                log_error(&format!("open() \"{path}\" failed ({errno}: {})", e.text()));
                return error_page(cx, server, &settings, 404, version);
            }
        }
    }
    special(version, 500)
}

/// `return code [text|URL];`.
fn returned(code: u16, text: Option<&str>, version: super::Version, settings: &Settings) -> Answer {
    match code {
        301 | 302 | 303 | 307 | 308 => {
            let mut a = special(version, code);
            if let Some(url) = text {
                a.extra.push(("Location".to_string(), url.to_string()));
            }
            a
        }
        _ => match text {
            Some(t) => Answer {
                status: code,
                body: t.as_bytes().to_vec(),
                content_type: settings
                    .default_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".to_string()),
                extra: Vec::new(),
            },
            None if code >= 400 => special(version, code),
            None => Answer {
                status: code,
                body: Vec::new(),
                content_type: "application/octet-stream".to_string(),
                extra: Vec::new(),
            },
        },
    }
}

/// An error status, through `error_page` if one is configured for it.
fn error_page(
    cx: &ServeCx<'_>,
    server: &Server,
    settings: &Settings,
    status: u16,
    version: super::Version,
) -> Answer {
    let target = settings
        .error_pages
        .iter()
        .find(|(codes, _)| codes.contains(&status))
        .map(|(_, uri)| uri.clone());
    let Some(target) = target else {
        return special(version, status);
    };
    let (s, loc) = server.settings_for(&target);
    let path = file_path(&s, loc.map(|l| l.uri.as_str()), &target);
    match cx.fs().ok().and_then(|fs| fs.read("/", &path).ok()) {
        Some(body) => Answer {
            status,
            content_type: mime_for(&path, &s),
            body,
            extra: Vec::new(),
        },
        None => special(version, status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_normalize_like_nginx() {
        let cases = [
            ("root", "/", Some("/")),
            ("a file", "/index.html", Some("/index.html")),
            ("double slashes merge", "//a//b", Some("/a/b")),
            ("dot segments", "/a/./b/../c", Some("/a/c")),
            ("a trailing slash stays", "/dir/", Some("/dir/")),
            ("climbing out is refused", "/../etc/passwd", None),
            ("relative is refused", "index.html", None),
        ];
        for (name, uri, want) in cases {
            assert_eq!(normalize(uri).as_deref(), want, "{name}");
        }
    }
}
