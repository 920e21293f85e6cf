//! nginx's configuration language, as far as serving files needs it:
//! directives and blocks from `nginx.conf` and its includes, the syntax
//! errors nginx reports (`unexpected "}" in /etc/nginx/conf.d/x.conf:12`),
//! and the model the server answers from: servers, their ports, roots,
//! index files, locations and `return`s.

use std::rc::Rc;

use crate::userland::Fs;
use crate::util::sort;

/// Include nesting nginx would never need; stops include loops.
const MAX_INCLUDE_DEPTH: usize = 16;
/// Block nesting allowed before giving up on a pathological file.
const MAX_BLOCK_DEPTH: usize = 64;

/// The compiled-in prefix of the nginx.org packages (relative roots and
/// includes are resolved against it).
pub(crate) const PREFIX: &str = "/etc/nginx";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
    pub file: Rc<str>,
    pub line: usize,
}

/// An `[emerg]` from reading the configuration: the message and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConfError {
    pub msg: String,
    pub at: Option<(Rc<str>, usize)>,
}

impl ConfError {
    /// `unexpected "}" in /etc/nginx/conf.d/default.conf:12`.
    pub fn text(&self) -> String {
        match &self.at {
            Some((f, _)) if &**f == COMMAND_LINE => format!("{} in {f}", self.msg),
            Some((f, l)) => format!("{} in {f}:{l}", self.msg),
            None => self.msg.clone(),
        }
    }

    fn at(msg: String, file: &Rc<str>, line: usize) -> ConfError {
        ConfError {
            msg,
            at: Some((file.clone(), line)),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    Semi,
}

fn tokenize(text: &str, file: &Rc<str>) -> Result<Vec<(Tok, usize)>, ConfError> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            '{' => {
                out.push((Tok::Open, line));
                i += 1;
            }
            '}' => {
                out.push((Tok::Close, line));
                i += 1;
            }
            ';' => {
                out.push((Tok::Semi, line));
                i += 1;
            }
            '"' | '\'' => {
                let quote = c;
                let start_line = line;
                let mut w = String::new();
                i += 1;
                loop {
                    let Some(&d) = cs.get(i) else {
                        return Err(ConfError::at(
                            "unexpected end of file, expecting \";\" or \"}\"".into(),
                            file,
                            start_line,
                        ));
                    };
                    i += 1;
                    match d {
                        '\\' => {
                            if let Some(&e) = cs.get(i) {
                                unescape(&mut w, e);
                                i += 1;
                            }
                        }
                        d if d == quote => break,
                        '\n' => {
                            line += 1;
                            w.push(d);
                        }
                        d => w.push(d),
                    }
                }
                // A quoted string must be followed by a separator.
                if let Some(&n) = cs.get(i) {
                    if !(n.is_whitespace() || n == ';' || n == '{' || n == '}') {
                        return Err(ConfError::at(format!("unexpected \"{n}\""), file, line));
                    }
                }
                out.push((Tok::Word(w), start_line));
            }
            _ => {
                let mut w = String::new();
                while let Some(&d) = cs.get(i) {
                    // `${name}` is a variable, not a block.
                    if d == '{' && w.ends_with('$') {
                        while let Some(&e) = cs.get(i) {
                            w.push(e);
                            i += 1;
                            if e == '}' {
                                break;
                            }
                        }
                        continue;
                    }
                    if d.is_whitespace() || d == ';' || d == '{' || d == '}' {
                        break;
                    }
                    if d == '\\' {
                        if let Some(&e) = cs.get(i + 1) {
                            unescape(&mut w, e);
                            i += 2;
                            continue;
                        }
                    }
                    w.push(d);
                    i += 1;
                }
                out.push((Tok::Word(w), line));
            }
        }
    }
    Ok(out)
}

/// nginx's escapes: `\"`, `\'` and `\\` stand for the character, `\t`,
/// `\r` and `\n` for tab, CR and newline; any other `\x` stays as written.
fn unescape(w: &mut String, e: char) {
    match e {
        '"' | '\'' | '\\' => w.push(e),
        't' => w.push('\t'),
        'r' => w.push('\r'),
        'n' => w.push('\n'),
        other => {
            w.push('\\');
            w.push(other);
        }
    }
}

/// Directives that take a block, for nginx's two shape errors.
const BLOCK_DIRECTIVES: &[&str] = &[
    "http",
    "server",
    "location",
    "events",
    "upstream",
    "types",
    "if",
    "map",
    "stream",
    "mail",
    "limit_except",
    "geo",
    "split_clients",
    "match",
];

/// Where `-g` directives come from, in error messages.
const COMMAND_LINE: &str = "command line";

/// Directives given with `-g` on the command line (`daemon off;`).
pub(crate) fn parse_globals(text: &str) -> Result<Vec<Directive>, ConfError> {
    let file: Rc<str> = Rc::from(COMMAND_LINE);
    let toks = tokenize(text, &file)?;
    if !matches!(toks.last(), Some((Tok::Semi | Tok::Close, _))) {
        return Err(ConfError::at(
            "unexpected end of parameter, expecting \";\"".into(),
            &file,
            1,
        ));
    }
    let empty = Fs::new(&crate::userland::Image::builder().build());
    let mut pos = 0;
    parse_block(&empty, &toks, &mut pos, &file, 0, MAX_INCLUDE_DEPTH)
}

/// Reads a configuration file and its includes from the container's files.
pub(crate) fn load(fs: &Fs, path: &str) -> Result<Vec<Directive>, ConfError> {
    load_file(fs, path, 0)
}

fn load_file(fs: &Fs, path: &str, depth: usize) -> Result<Vec<Directive>, ConfError> {
    let data = fs.read("/", path).map_err(|e| ConfError {
        msg: format!("open() \"{path}\" failed ({}: {})", errno(e), e.text()),
        at: None,
    })?;
    let file: Rc<str> = Rc::from(path);
    let text = String::from_utf8_lossy(&data);
    let toks = tokenize(&text, &file)?;
    let mut pos = 0;
    let items = parse_block(fs, &toks, &mut pos, &file, 0, depth)?;
    if pos < toks.len() {
        let line = toks[pos].1;
        return Err(ConfError::at("unexpected \"}\"".into(), &file, line));
    }
    Ok(items)
}

/// The errno behind a filesystem error, as nginx prints it.
pub(crate) fn errno(e: crate::userland::FsError) -> u32 {
    use crate::userland::FsError::*;
    match e {
        NotFound => 2,
        Permission => 13,
        Exists => 17,
        NotDir => 20,
        IsDir => 21,
        Invalid => 22,
        ReadOnly => 30,
        Loop => 40,
        NotEmpty => 39,
        Busy => 16,
    }
}

fn parse_block(
    fs: &Fs,
    toks: &[(Tok, usize)],
    pos: &mut usize,
    file: &Rc<str>,
    level: usize,
    include_depth: usize,
) -> Result<Vec<Directive>, ConfError> {
    if level > MAX_BLOCK_DEPTH {
        return Err(ConfError::at("too deeply nested blocks".into(), file, 0));
    }
    let mut out = Vec::new();
    loop {
        let Some((tok, line)) = toks.get(*pos) else {
            if level > 0 {
                let last = toks.last().map_or(1, |t| t.1);
                return Err(ConfError::at(
                    "unexpected end of file, expecting \"}\"".into(),
                    file,
                    last,
                ));
            }
            return Ok(out);
        };
        let line = *line;
        match tok {
            Tok::Close => {
                if level == 0 {
                    return Err(ConfError::at("unexpected \"}\"".into(), file, line));
                }
                *pos += 1;
                return Ok(out);
            }
            Tok::Open => return Err(ConfError::at("unexpected \"{\"".into(), file, line)),
            Tok::Semi => return Err(ConfError::at("unexpected \";\"".into(), file, line)),
            Tok::Word(name) => {
                *pos += 1;
                let mut args = Vec::new();
                loop {
                    match toks.get(*pos) {
                        None => {
                            return Err(ConfError::at(
                                "unexpected end of file, expecting \";\" or \"}\"".into(),
                                file,
                                toks.last().map_or(line, |t| t.1),
                            ))
                        }
                        Some((Tok::Word(w), _)) => {
                            args.push(w.clone());
                            *pos += 1;
                        }
                        Some((Tok::Semi, l)) => {
                            let l = *l;
                            *pos += 1;
                            if BLOCK_DIRECTIVES.contains(&name.as_str()) {
                                return Err(ConfError::at(
                                    format!("directive \"{name}\" has no opening \"{{\""),
                                    file,
                                    l,
                                ));
                            }
                            if name == "include" {
                                out.extend(include(fs, &args, file, line, include_depth)?);
                            } else {
                                out.push(Directive {
                                    name: name.clone(),
                                    args,
                                    block: None,
                                    file: file.clone(),
                                    line,
                                });
                            }
                            break;
                        }
                        Some((Tok::Open, l)) => {
                            let l = *l;
                            *pos += 1;
                            if !BLOCK_DIRECTIVES.contains(&name.as_str()) {
                                return Err(ConfError::at(
                                    format!("directive \"{name}\" is not terminated by \";\""),
                                    file,
                                    l,
                                ));
                            }
                            let inner = parse_block(fs, toks, pos, file, level + 1, include_depth)?;
                            out.push(Directive {
                                name: name.clone(),
                                args,
                                block: Some(inner),
                                file: file.clone(),
                                line,
                            });
                            break;
                        }
                        Some((Tok::Close, l)) => {
                            return Err(ConfError::at("unexpected \"}\"".into(), file, *l));
                        }
                    }
                }
            }
        }
    }
}

/// `include pattern;`: one file, or every file a glob matches (sorted).
fn include(
    fs: &Fs,
    args: &[String],
    file: &Rc<str>,
    line: usize,
    depth: usize,
) -> Result<Vec<Directive>, ConfError> {
    let [pattern] = args else {
        return Err(ConfError::at(
            "invalid number of arguments in \"include\" directive".into(),
            file,
            line,
        ));
    };
    if depth >= MAX_INCLUDE_DEPTH {
        return Err(ConfError::at(
            format!("include \"{pattern}\" nested too deeply"),
            file,
            line,
        ));
    }
    let full = if pattern.starts_with('/') {
        pattern.clone()
    } else {
        format!("{PREFIX}/{pattern}")
    };
    let mut out = Vec::new();
    if full.contains(['*', '?', '[']) {
        let (dir, pat) = full.rsplit_once('/').unwrap_or(("/", &full));
        let mut names: Vec<String> = fs
            .list("/", if dir.is_empty() { "/" } else { dir })
            .map(|l| l.into_iter().map(|(n, _)| n).collect())
            .unwrap_or_default();
        sort::sort(&mut names);
        for n in names.iter().filter(|n| !n.starts_with('.') && glob(pat, n)) {
            out.extend(load_file(fs, &format!("{dir}/{n}"), depth + 1)?);
        }
    } else {
        match load_file(fs, &full, depth + 1) {
            Ok(d) => out.extend(d),
            Err(e) if e.at.is_none() => {
                return Err(ConfError::at(e.msg, file, line));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Shell-style `*` and `?` matching, enough for `conf.d/*.conf`.
fn glob(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// How a location matches a URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    Exact,
    Prefix,
    /// `^~`: a prefix that stops the regex search.
    PrefixNoRegex,
    /// `~` / `~*`: regexes are not evaluated; such locations never match.
    Regex,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    pub root: Option<String>,
    pub alias: Option<String>,
    pub index: Option<Vec<String>>,
    pub ret: Option<(u16, Option<String>)>,
    pub autoindex: Option<bool>,
    pub access_log_off: Option<bool>,
    pub try_files: Option<Vec<String>>,
    pub error_pages: Vec<(Vec<u16>, String)>,
    pub default_type: Option<String>,
}

impl Settings {
    /// `self` with anything it leaves unset taken from `outer`.
    fn inherit(mut self, outer: &Settings) -> Settings {
        if self.root.is_none() && self.alias.is_none() {
            self.root = outer.root.clone();
        }
        self.index = self.index.or_else(|| outer.index.clone());
        self.autoindex = self.autoindex.or(outer.autoindex);
        self.access_log_off = self.access_log_off.or(outer.access_log_off);
        self.default_type = self.default_type.or_else(|| outer.default_type.clone());
        if self.error_pages.is_empty() {
            self.error_pages = outer.error_pages.clone();
        }
        self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    pub kind: Match,
    pub uri: String,
    pub settings: Settings,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Server {
    pub ports: Vec<u16>,
    pub names: Vec<String>,
    pub settings: Settings,
    pub locations: Vec<Location>,
}

/// What the master needs from a loaded configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    pub servers: Vec<Server>,
    /// `worker_processes`; `None` is `auto`.
    pub workers: Option<u32>,
    pub pid_file: String,
    /// The error log's level is `notice` or finer.
    pub notice: bool,
    /// `daemon off;` in the file (the command line may add it).
    pub daemon_off: bool,
}

impl Config {
    /// The ports every server listens on, without duplicates, in order.
    pub fn ports(&self) -> Vec<u16> {
        let mut ports: Vec<u16> = Vec::new();
        for s in &self.servers {
            for p in &s.ports {
                if !ports.contains(p) {
                    ports.push(*p);
                }
            }
        }
        ports
    }
}

fn settings_directive(s: &mut Settings, d: &Directive) -> Result<(), ConfError> {
    let bad_args = || {
        ConfError::at(
            format!("invalid number of arguments in \"{}\" directive", d.name),
            &d.file,
            d.line,
        )
    };
    match d.name.as_str() {
        "root" => s.root = Some(d.args.first().cloned().ok_or_else(bad_args)?),
        "alias" => s.alias = Some(d.args.first().cloned().ok_or_else(bad_args)?),
        "index" => {
            if d.args.is_empty() {
                return Err(bad_args());
            }
            s.index = Some(d.args.clone());
        }
        "autoindex" => s.autoindex = Some(d.args.first().is_some_and(|a| a == "on")),
        "access_log" => s.access_log_off = Some(d.args.first().is_some_and(|a| a == "off")),
        "default_type" => s.default_type = d.args.first().cloned(),
        "try_files" => {
            if d.args.len() < 2 {
                return Err(bad_args());
            }
            s.try_files = Some(d.args.clone());
        }
        "error_page" => {
            let Some((uri, codes)) = d.args.split_last() else {
                return Err(bad_args());
            };
            let codes: Vec<u16> = codes
                .iter()
                .filter(|c| !c.starts_with('='))
                .filter_map(|c| c.parse().ok())
                .collect();
            if codes.is_empty() {
                return Err(bad_args());
            }
            s.error_pages.push((codes, uri.clone()));
        }
        "return" => {
            let code_text = d.args.first().ok_or_else(bad_args)?;
            let url_only = code_text.starts_with("http://")
                || code_text.starts_with("https://")
                || code_text.starts_with('$');
            s.ret = Some(match code_text.parse::<u16>() {
                Ok(code) if code <= 999 => (code, d.args.get(1).cloned()),
                _ if url_only => (302, Some(code_text.clone())),
                _ => {
                    return Err(ConfError::at(
                        format!("invalid return code \"{code_text}\""),
                        &d.file,
                        d.line,
                    ))
                }
            });
        }
        _ => {}
    }
    Ok(())
}

fn listen_port(arg: &str) -> Option<u16> {
    if arg.starts_with("unix:") {
        return None;
    }
    let port = match arg.rsplit_once(':') {
        Some((_, p)) => p,
        None if arg.bytes().all(|b| b.is_ascii_digit()) => arg,
        // `listen localhost;` — a host alone listens on 80.
        None => "80",
    };
    port.parse().ok()
}

/// Builds the serving model from the `http` block(s).
pub(crate) fn model(top: &[Directive]) -> Result<Config, ConfError> {
    let mut cfg = Config {
        servers: Vec::new(),
        workers: Some(1),
        pid_file: "/var/run/nginx.pid".to_string(),
        notice: false,
        daemon_off: false,
    };
    for d in top {
        match d.name.as_str() {
            "worker_processes" => {
                cfg.workers = match d.args.first().map(String::as_str) {
                    Some("auto") => None,
                    Some(n) => Some(n.parse().map_err(|_| {
                        ConfError::at(
                            format!("invalid value \"{n}\" in \"worker_processes\" directive"),
                            &d.file,
                            d.line,
                        )
                    })?),
                    None => Some(1),
                }
            }
            "pid" => {
                if let Some(p) = d.args.first() {
                    cfg.pid_file = p.clone();
                }
            }
            "error_log" => {
                cfg.notice = matches!(
                    d.args.get(1).map(String::as_str),
                    Some("notice" | "info" | "debug")
                );
            }
            "daemon" => cfg.daemon_off = d.args.first().is_some_and(|a| a == "off"),
            "http" => {
                let mut http = Settings::default();
                let block = d.block.as_deref().unwrap_or(&[]);
                for x in block {
                    settings_directive(&mut http, x)?;
                }
                for x in block.iter().filter(|x| x.name == "server") {
                    cfg.servers.push(server(x, &http)?);
                }
            }
            _ => {}
        }
    }
    Ok(cfg)
}

fn server(d: &Directive, http: &Settings) -> Result<Server, ConfError> {
    let mut s = Server {
        ports: Vec::new(),
        names: Vec::new(),
        settings: Settings::default(),
        locations: Vec::new(),
    };
    let block = d.block.as_deref().unwrap_or(&[]);
    for x in block {
        match x.name.as_str() {
            "listen" => {
                let arg = x.args.first().ok_or_else(|| {
                    ConfError::at(
                        "invalid number of arguments in \"listen\" directive".into(),
                        &x.file,
                        x.line,
                    )
                })?;
                let port = listen_port(arg).ok_or_else(|| {
                    ConfError::at(
                        format!("invalid port in \"{arg}\" of the \"listen\" directive"),
                        &x.file,
                        x.line,
                    )
                })?;
                if !s.ports.contains(&port) {
                    s.ports.push(port);
                }
            }
            "server_name" => s.names.extend(x.args.iter().cloned()),
            _ => settings_directive(&mut s.settings, x)?,
        }
    }
    if s.ports.is_empty() {
        s.ports.push(80);
    }
    s.settings = s.settings.inherit(http);
    for x in block.iter().filter(|x| x.name == "location") {
        s.locations.push(location(x, &s.settings)?);
    }
    Ok(s)
}

fn location(d: &Directive, server: &Settings) -> Result<Location, ConfError> {
    let (kind, uri) = match d.args.as_slice() {
        [m, uri] if m == "=" => (Match::Exact, uri.clone()),
        [m, uri] if m == "^~" => (Match::PrefixNoRegex, uri.clone()),
        [m, uri] if m == "~" || m == "~*" => (Match::Regex, uri.clone()),
        [uri] => (Match::Prefix, uri.clone()),
        _ => {
            return Err(ConfError::at(
                "invalid number of arguments in \"location\" directive".into(),
                &d.file,
                d.line,
            ))
        }
    };
    let mut settings = Settings::default();
    for x in d.block.as_deref().unwrap_or(&[]) {
        settings_directive(&mut settings, x)?;
    }
    Ok(Location {
        kind,
        uri,
        settings: settings.inherit(server),
    })
}

impl Server {
    /// The settings a URI is served with: an exact match, else the longest
    /// prefix, else the server's own.
    pub fn settings_for(&self, uri: &str) -> (Settings, Option<&Location>) {
        if let Some(l) = self
            .locations
            .iter()
            .find(|l| l.kind == Match::Exact && l.uri == uri)
        {
            return (l.settings.clone(), Some(l));
        }
        let best = self
            .locations
            .iter()
            .filter(|l| matches!(l.kind, Match::Prefix | Match::PrefixNoRegex))
            .filter(|l| uri.starts_with(&l.uri))
            .max_by_key(|l| l.uri.len());
        match best {
            Some(l) => (l.settings.clone(), Some(l)),
            None => (self.settings.clone(), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::userland::Image;

    fn fs_with(files: &[(&str, &str)]) -> Fs {
        let mut b = Image::builder().dir("etc/nginx/conf.d", 0o755);
        for (p, c) in files {
            b = b.file(p.trim_start_matches('/'), *c, 0o644);
        }
        Fs::new(&b.build())
    }

    const MAIN: &str = "user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    access_log  /var/log/nginx/access.log  main;\n    include /etc/nginx/conf.d/*.conf;\n}\n";

    #[test]
    fn the_packaged_configuration_loads_with_its_includes() {
        let fs = fs_with(&[
            ("/etc/nginx/nginx.conf", MAIN),
            ("/etc/nginx/mime.types", "types {\n    text/html  html htm;\n}\n"),
            (
                "/etc/nginx/conf.d/default.conf",
                "server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n",
            ),
            (
                "/etc/nginx/conf.d/api.conf",
                "server { listen 8080; root /srv; location /health { return 200 'ok'; } }\n",
            ),
        ]);
        let cfg = model(&load(&fs, "/etc/nginx/nginx.conf").unwrap()).unwrap();
        assert_eq!(cfg.workers, None);
        assert_eq!(cfg.pid_file, "/run/nginx.pid");
        assert!(cfg.notice);
        assert_eq!(
            cfg.ports(),
            vec![8080, 80],
            "conf.d files load in name order"
        );
        let default = &cfg.servers[1];
        let (s, _) = default.settings_for("/index.html");
        assert_eq!(s.root.as_deref(), Some("/usr/share/nginx/html"));
        assert_eq!(s.index, Some(vec!["index.html".into(), "index.htm".into()]));
        assert_eq!(
            s.error_pages,
            vec![(vec![500, 502, 503, 504], "/50x.html".into())]
        );
        let api = &cfg.servers[0];
        let (h, _) = api.settings_for("/health");
        assert_eq!(h.ret, Some((200, Some("ok".into()))));
        assert_eq!(h.root.as_deref(), Some("/srv"));
    }

    #[test]
    fn syntax_errors_read_like_nginx() {
        let cases = [
            ("a stray brace", "http {\n}\n}\n", "unexpected \"}\" in /etc/nginx/nginx.conf:3"),
            (
                "a missing semicolon at the end",
                "worker_processes 1",
                "unexpected end of file, expecting \";\" or \"}\" in /etc/nginx/nginx.conf:1",
            ),
            (
                "an unclosed block",
                "http {\n  server {\n",
                "unexpected end of file, expecting \"}\" in /etc/nginx/nginx.conf:2",
            ),
            (
                "a block directive without a block",
                "events;\n",
                "directive \"events\" has no opening \"{\" in /etc/nginx/nginx.conf:1",
            ),
            (
                "a simple directive with a block",
                "pid /run/x.pid {\n}\n",
                "directive \"pid\" is not terminated by \";\" in /etc/nginx/nginx.conf:1",
            ),
            (
                "a missing include",
                "http {\n  include /etc/nginx/missing.conf;\n}\n",
                "open() \"/etc/nginx/missing.conf\" failed (2: No such file or directory) in /etc/nginx/nginx.conf:2",
            ),
            (
                "a bad return code",
                "http { server { return abc; } }",
                "invalid return code \"abc\" in /etc/nginx/nginx.conf:1",
            ),
        ];
        for (name, text, want) in cases {
            let fs = fs_with(&[("/etc/nginx/nginx.conf", text)]);
            let got = load(&fs, "/etc/nginx/nginx.conf").and_then(|d| model(&d));
            assert_eq!(
                got.map(|_| ()).map_err(|e| e.text()),
                Err(want.to_string()),
                "{name}"
            );
        }
    }

    #[test]
    fn command_line_directives_need_their_semicolon() {
        let cases = [
            ("daemon off", "daemon off;", Ok(1)),
            ("two directives", "daemon off; worker_processes 2;", Ok(2)),
            (
                "a missing semicolon",
                "daemon off",
                Err("unexpected end of parameter, expecting \";\" in command line".to_string()),
            ),
        ];
        for (name, text, want) in cases {
            let got = parse_globals(text).map(|d| d.len()).map_err(|e| e.text());
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn listen_forms_give_their_port() {
        let cases = [
            ("a bare port", "80", Some(80)),
            ("an IPv6 wildcard", "[::]:80", Some(80)),
            ("an address and port", "0.0.0.0:8080", Some(8080)),
            ("a host alone", "localhost", Some(80)),
            ("a unix socket", "unix:/tmp/s.sock", None),
        ];
        for (name, arg, want) in cases {
            assert_eq!(listen_port(arg), want, "{name}");
        }
    }

    #[test]
    fn globs_match_like_the_shell() {
        let cases = [
            ("suffix", "*.conf", "default.conf", true),
            ("other suffix", "*.conf", "default.conf.bak", false),
            ("question mark", "a?.conf", "ab.conf", true),
            ("everything", "*", "x", true),
        ];
        for (name, pat, n, want) in cases {
            assert_eq!(glob(pat, n), want, "{name}");
        }
    }
}
