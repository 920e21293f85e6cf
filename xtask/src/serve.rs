//! A small static file server for `dist/`, on std alone: enough for one
//! developer's browser, not for the internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use crate::tools::Locations;
use crate::{dist, Result};

pub const DEFAULT_PORT: u16 = 8080;

/// Longest request head we read; the app only ever sends short GETs.
const MAX_HEAD_BYTES: u64 = 16 * 1024;

pub fn build_and_serve(root: &Path, port: u16) -> Result<()> {
    dist::build(root, &Locations::detect(root))?;
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        format!("cannot listen on 127.0.0.1:{port}: {e} (try `cargo xtask serve --port 8081`)")
    })?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    println!("Podlab is at http://127.0.0.1:{port}/  (serving dist/; Ctrl-C stops)");
    serve(listener, root.join("dist"));
    Ok(())
}

/// Serves `dir` until the process ends, one thread per connection.
pub fn serve(listener: TcpListener, dir: PathBuf) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = dir.clone();
        std::thread::spawn(move || {
            // A client that hangs up early is its own business.
            let _ = handle(stream, &dir);
        });
    }
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative URLs in its
    /// index.html only work once the browser sees the slash.
    Redirect(String),
    NotFound,
    /// `..`, encoded slashes and other attempts to leave `dir`.
    Forbidden,
}

/// Maps a request target such as `/posts/a%20b.html?x=1` to a file in `dir`.
pub fn resolve(dir: &Path, target: &str) -> Resolution {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = path.strip_prefix('/') else {
        return Resolution::Forbidden;
    };
    let mut file = dir.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let Some(decoded) = percent_decode(segment) else {
            return Resolution::Forbidden;
        };
        let mut components = Path::new(&decoded).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(name)), None) if !decoded.contains(['\\', '\0']) => {
                file.push(name)
            }
            _ => return Resolution::Forbidden,
        }
    }
    if file.is_dir() {
        if !path.is_empty() && !path.ends_with('/') {
            return Resolution::Redirect(format!("/{path}/"));
        }
        file.push("index.html");
    }
    if file.is_file() {
        Resolution::File(file)
    } else {
        Resolution::NotFound
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        // Browsers compile streamed wasm only when it is labelled as such.
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn handle(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new((&stream).take(MAX_HEAD_BYTES));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Drain the headers; nothing in them changes the answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut out = &stream;
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            &[],
            b"method not allowed\n",
            method,
        );
    }
    match resolve(dir, target) {
        Resolution::File(path) => match std::fs::read(&path) {
            Ok(body) => respond(&mut out, "200 OK", content_type(&path), &[], &body, method),
            Err(_) => respond(
                &mut out,
                "404 Not Found",
                "text/plain",
                &[],
                b"not found\n",
                method,
            ),
        },
        Resolution::Redirect(location) => respond(
            &mut out,
            "301 Moved Permanently",
            "text/plain",
            &[("Location", &location)],
            b"",
            method,
        ),
        Resolution::NotFound => respond(
            &mut out,
            "404 Not Found",
            "text/plain",
            &[],
            b"not found\n",
            method,
        ),
        Resolution::Forbidden => respond(
            &mut out,
            "403 Forbidden",
            "text/plain",
            &[],
            b"forbidden\n",
            method,
        ),
    }
}

fn respond(
    out: &mut impl Write,
    status: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if method != "HEAD" {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("podlab-serve-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("assets")).expect("temp dir");
            std::fs::create_dir_all(dir.join("empty")).expect("temp dir");
            std::fs::write(dir.join("index.html"), "<p>home</p>").expect("write");
            std::fs::write(dir.join("app.wasm"), b"\0asm").expect("write");
            std::fs::write(dir.join("a b.txt"), "spaced").expect("write");
            std::fs::write(dir.join("assets").join("index.html"), "assets").expect("write");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn request_paths_resolve_to_files_inside_dist_only() {
        let tmp = TempDir::new("resolve");
        let d = &tmp.0;
        let cases: &[(&str, &str, Resolution)] = &[
            (
                "the root serves index.html",
                "/",
                Resolution::File(d.join("index.html")),
            ),
            (
                "a query string is ignored",
                "/?lang=zh-CN",
                Resolution::File(d.join("index.html")),
            ),
            (
                "a file by name",
                "/app.wasm",
                Resolution::File(d.join("app.wasm")),
            ),
            (
                "percent-encoded names are decoded",
                "/a%20b.txt",
                Resolution::File(d.join("a b.txt")),
            ),
            (
                "a folder gets its slash first",
                "/assets",
                Resolution::Redirect("/assets/".into()),
            ),
            (
                "a folder with its slash serves its index",
                "/assets/",
                Resolution::File(d.join("assets/index.html")),
            ),
            (
                "a folder without index is not found",
                "/empty/",
                Resolution::NotFound,
            ),
            (
                "a missing file is not found",
                "/missing.js",
                Resolution::NotFound,
            ),
            (
                "dot-dot cannot climb out",
                "/../Cargo.toml",
                Resolution::Forbidden,
            ),
            (
                "encoded dot-dot cannot climb out",
                "/%2e%2e/Cargo.toml",
                Resolution::Forbidden,
            ),
            (
                "an encoded slash is refused",
                "/assets%2Findex.html",
                Resolution::Forbidden,
            ),
            ("a bad escape is refused", "/%zz", Resolution::Forbidden),
            (
                "a truncated escape is refused",
                "/a%2",
                Resolution::Forbidden,
            ),
            (
                "an absolute-form target is refused",
                "http://x/",
                Resolution::Forbidden,
            ),
            ("an empty target is refused", "", Resolution::Forbidden),
        ];
        for (name, target, expected) in cases {
            assert_eq!(resolve(d, target), *expected, "{name}");
        }
    }

    #[test]
    fn wasm_is_served_as_application_wasm() {
        let cases = [
            ("x.wasm", "application/wasm"),
            ("x.js", "text/javascript; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("noext", "application/octet-stream"),
        ];
        for (file, expected) in cases {
            assert_eq!(content_type(Path::new(file)), expected, "{file}");
        }
    }

    fn fetch(port: u16, request: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.write_all(request.as_bytes()).expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    }

    #[test]
    fn the_server_answers_over_http() {
        let tmp = TempDir::new("http");
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let dir = tmp.0.clone();
        std::thread::spawn(move || serve(listener, dir));

        let cases: &[(&str, &str, &[&str], Option<&str>)] = &[
            (
                "GET of the root returns the page",
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                &[
                    "HTTP/1.1 200 OK\r\n",
                    "Content-Type: text/html; charset=utf-8\r\n",
                    "Content-Length: 11\r\n",
                ],
                Some("<p>home</p>"),
            ),
            (
                "HEAD sends headers only",
                "HEAD /app.wasm HTTP/1.1\r\n\r\n",
                &[
                    "HTTP/1.1 200 OK\r\n",
                    "Content-Type: application/wasm\r\n",
                    "Content-Length: 4\r\n",
                ],
                Some(""),
            ),
            (
                "a folder redirects to its slash",
                "GET /assets HTTP/1.1\r\n\r\n",
                &[
                    "HTTP/1.1 301 Moved Permanently\r\n",
                    "Location: /assets/\r\n",
                ],
                None,
            ),
            (
                "a missing file is a 404",
                "GET /nope HTTP/1.1\r\n\r\n",
                &["HTTP/1.1 404 Not Found\r\n"],
                None,
            ),
            (
                "POST is refused",
                "POST / HTTP/1.1\r\n\r\n",
                &["HTTP/1.1 405 Method Not Allowed\r\n"],
                None,
            ),
        ];
        for (name, request, head_lines, body) in cases {
            let response = fetch(port, request);
            let (head, got_body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
            let head = format!("{head}\r\n");
            for line in *head_lines {
                assert!(
                    head.contains(line),
                    "{name}: {line:?} missing from {head:?}"
                );
            }
            if let Some(body) = body {
                assert_eq!(got_body, *body, "{name}");
            }
        }
    }
}
