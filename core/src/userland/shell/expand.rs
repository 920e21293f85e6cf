//! Word expansion: parameters, command substitution, arithmetic, field
//! splitting, pathname expansion and quote removal.

use std::rc::Rc;

use super::arith;
use super::ast::*;
use super::pattern;
use super::{Ctl, Fut, Shell};
use crate::userland::proc::{ExitStatus, Fd};
use crate::util::sort;

/// Expanded text before splitting.
#[derive(Debug)]
enum Seg {
    /// `split`: came from an unquoted expansion (subject to IFS splitting).
    /// `quoted`: exempt from globbing.
    Text {
        s: String,
        quoted: bool,
        split: bool,
    },
    /// A field boundary (between the words of `"$@"`).
    Break,
}

/// Largest output a command substitution keeps; the rest is read and dropped.
const MAX_SUBST_BYTES: usize = 1 << 20;
/// Most pathname-expansion results per word.
const MAX_GLOB_RESULTS: usize = 10_000;

pub(super) struct ArithVars<'a>(pub(super) &'a mut Shell);

impl arith::Vars for ArithVars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get_var(name).map(str::to_string)
    }
    fn set(&mut self, name: &str, value: i64) {
        self.0.set_var(name, &value.to_string());
    }
}

impl Shell {
    /// Expands words into fields: splitting and globbing apply.
    pub(super) async fn expand_words(&mut self, words: &[Word]) -> Result<Vec<String>, Ctl> {
        let mut out = Vec::new();
        for w in words {
            let mut segs = Vec::new();
            self.expand_parts(&w.0, &mut segs).await?;
            for field in self.split_fields(segs) {
                self.glob_field(field, &mut out);
            }
        }
        Ok(out)
    }

    /// Expands one word to one string (assignment values, redirection
    /// targets, `case` subjects, heredocs): no splitting, no globbing.
    pub(super) async fn expand_single(&mut self, w: &Word) -> Result<String, Ctl> {
        let mut segs = Vec::new();
        self.expand_parts(&w.0, &mut segs).await?;
        let mut s = String::new();
        let mut first = true;
        for seg in segs {
            match seg {
                Seg::Text { s: t, .. } => s.push_str(&t),
                Seg::Break => {
                    if !first {
                        s.push(' ');
                    }
                }
            }
            first = false;
        }
        Ok(s)
    }

    pub(super) async fn expand_assign(&mut self, w: &Word) -> Result<String, Ctl> {
        self.expand_single(w).await
    }

    /// Expands a word as a pattern: quoted characters are escaped.
    pub(super) async fn expand_pattern(&mut self, w: &Word) -> Result<String, Ctl> {
        let mut segs = Vec::new();
        self.expand_parts(&w.0, &mut segs).await?;
        let mut s = String::new();
        for seg in segs {
            if let Seg::Text { s: t, quoted, .. } = seg {
                if quoted {
                    s.push_str(&pattern::escape(&t));
                } else {
                    s.push_str(&t);
                }
            }
        }
        Ok(s)
    }

    fn expand_parts<'a>(
        &'a mut self,
        parts: &'a [Part],
        out: &'a mut Vec<Seg>,
    ) -> Fut<'a, Result<(), Ctl>> {
        Box::pin(async move {
            for part in parts {
                match part {
                    Part::Lit { text, quoted } => out.push(Seg::Text {
                        s: text.clone(),
                        quoted: *quoted,
                        split: false,
                    }),
                    Part::Tilde(user) => {
                        let home = if user.is_empty() {
                            self.get_var("HOME").unwrap_or("/").to_string()
                        } else {
                            self.home_of(user).unwrap_or_else(|| format!("~{user}"))
                        };
                        out.push(Seg::Text {
                            s: home,
                            quoted: true,
                            split: false,
                        });
                    }
                    Part::Param { exp, quoted } => self.expand_param(exp, *quoted, out).await?,
                    Part::Cmd { list, quoted } => {
                        let s = self.command_subst(list).await;
                        out.push(Seg::Text {
                            s,
                            quoted: *quoted,
                            split: !*quoted,
                        });
                    }
                    Part::Arith { expr, quoted } => {
                        let text = self.expand_single(expr).await?;
                        let r = arith::eval(&text, &mut ArithVars(self));
                        match r {
                            Ok(v) => out.push(Seg::Text {
                                s: v.to_string(),
                                quoted: *quoted,
                                split: !*quoted,
                            }),
                            Err(e) => {
                                self.error(&e.message()).await;
                                self.status = 2;
                                return Err(Ctl::Exit(2));
                            }
                        }
                    }
                }
            }
            Ok(())
        })
    }

    fn home_of(&self, user: &str) -> Option<String> {
        let passwd = self.p.fs().read("/", "/etc/passwd").ok()?;
        let text = String::from_utf8_lossy(&passwd).into_owned();
        text.lines()
            .map(|l| l.split(':').collect::<Vec<_>>())
            .find(|f| f.first() == Some(&user))
            .and_then(|f| f.get(5).map(|s| s.to_string()))
    }

    /// A special or named parameter's value; `None` when unset.
    fn param_value(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "$" => Some(self.shell_pid().to_string()),
            "!" => self.last_bg.map(|p| p.to_string()),
            "#" => Some(self.positional.len().to_string()),
            "0" => Some(self.arg0.clone()),
            "-" => {
                let mut f = String::new();
                if self.errexit {
                    f.push('e');
                }
                if self.interactive {
                    f.push('i');
                }
                if self.xtrace {
                    f.push('x');
                }
                Some(f)
            }
            "@" | "*" => {
                if self.positional.is_empty() {
                    None
                } else {
                    Some(self.positional.join(" "))
                }
            }
            "LINENO" => Some(self.line.to_string()),
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().ok()?;
                self.positional.get(i.checked_sub(1)?).cloned()
            }
            n => self.get_var(n).map(str::to_string),
        }
    }

    /// `$$` is the top shell's pid even in subshells.
    fn shell_pid(&self) -> u32 {
        self.root_pid
    }

    async fn expand_param(
        &mut self,
        exp: &Param,
        quoted: bool,
        out: &mut Vec<Seg>,
    ) -> Result<(), Ctl> {
        let name = exp.name.as_str();
        let push = |out: &mut Vec<Seg>, s: String| {
            out.push(Seg::Text {
                s,
                quoted,
                split: !quoted,
            })
        };
        match &exp.op {
            ParamOp::Plain => {
                if name == "@" && quoted {
                    // Each positional parameter is its own field.
                    for (i, a) in self.positional.iter().enumerate() {
                        if i > 0 {
                            out.push(Seg::Break);
                        }
                        out.push(Seg::Text {
                            s: a.clone(),
                            quoted: true,
                            split: false,
                        });
                    }
                    return Ok(());
                }
                if name == "*" && quoted {
                    let sep = self
                        .get_var("IFS")
                        .map_or(" ".to_string(), |s| s.chars().take(1).collect());
                    push(out, self.positional.join(&sep));
                    return Ok(());
                }
                if let Some(v) = self.param_value(name) {
                    push(out, v);
                }
            }
            ParamOp::Length => {
                let n = self.param_value(name).map_or(0, |v| v.chars().count());
                push(out, n.to_string());
            }
            ParamOp::Default { colon, word } | ParamOp::Alt { colon, word } => {
                let v = self.param_value(name);
                let set = match &v {
                    None => false,
                    Some(s) => !(*colon && s.is_empty()),
                };
                let use_word = matches!(exp.op, ParamOp::Default { .. }) != set;
                if use_word {
                    self.expand_parts(&word.0, out).await?;
                } else if matches!(exp.op, ParamOp::Default { .. }) {
                    if let Some(v) = v {
                        push(out, v);
                    }
                }
            }
            ParamOp::Assign { colon, word } => {
                let v = self.param_value(name);
                let set = match &v {
                    None => false,
                    Some(s) => !(*colon && s.is_empty()),
                };
                if set {
                    if let Some(v) = v {
                        push(out, v);
                    }
                } else {
                    let nv = self.expand_single(word).await?;
                    if !self.set_var(name, &nv) {
                        self.error(&format!("{name}: is read only")).await;
                        return Err(Ctl::Exit(2));
                    }
                    push(out, nv);
                }
            }
            ParamOp::Error { colon, word } => {
                let v = self.param_value(name);
                let set = match &v {
                    None => false,
                    Some(s) => !(*colon && s.is_empty()),
                };
                if set {
                    if let Some(v) = v {
                        push(out, v);
                    }
                } else {
                    let msg = self.expand_single(word).await?;
                    let msg = if !msg.is_empty() {
                        msg
                    } else if *colon {
                        "parameter not set or null".to_string()
                    } else {
                        "parameter not set".to_string()
                    };
                    self.error(&format!("{name}: {msg}")).await;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            }
            ParamOp::Trim {
                suffix,
                longest,
                pattern: pat,
            } => {
                let v = self.param_value(name).unwrap_or_default();
                let p = self.expand_pattern(pat).await?;
                push(out, pattern::trim(&v, &p, *suffix, *longest));
            }
        }
        Ok(())
    }

    /// Runs `$(…)` in a subshell and captures its stdout, minus trailing
    /// newlines.
    fn command_subst<'a>(&'a mut self, list: &'a Rc<List>) -> Fut<'a, String> {
        Box::pin(async move {
            let (r, w) = self.p.pipe();
            let mut fds = self.p.fds.clone();
            fds.set(1, Fd::PipeW(w));
            let copy = self.fork_copy(self.p.reexec(
                Vec::new(),
                self.p.env.clone(),
                self.p.cwd.clone(),
                fds.clone(),
            ));
            let list = list.clone();
            let cmdline = self.arg0.clone();
            let pid = self.p.fork(&cmdline, fds, move |child| {
                let mut sh = copy;
                sh.p = child;
                Box::pin(async move {
                    let r = sh.eval_list_exec_last(&list).await;
                    sh.finish(r).await
                })
            });
            let reader = Fd::PipeR(r);
            let mut data = Vec::new();
            loop {
                let chunk = self.p.read_from(&reader, 64 * 1024).await;
                if chunk.is_empty() {
                    break;
                }
                if data.len() < MAX_SUBST_BYTES {
                    data.extend_from_slice(&chunk);
                }
            }
            drop(reader);
            let st = self.p.wait(pid).await.unwrap_or(ExitStatus::SUCCESS);
            self.status = st.code();
            self.subst_status = Some(st.code());
            let mut s = String::from_utf8_lossy(&data).into_owned();
            while s.ends_with('\n') {
                s.pop();
            }
            s
        })
    }

    /// Splits expanded segments into fields on IFS; each field keeps which
    /// characters were quoted (as a pattern with escapes) for globbing.
    fn split_fields(&self, segs: Vec<Seg>) -> Vec<(String, bool)> {
        let ifs = self.get_var("IFS").unwrap_or(" \t\n").to_string();
        let mut fields: Vec<(String, bool)> = Vec::new();
        // (pattern text, has unquoted magic, started)
        let mut cur = String::new();
        let mut magic = false;
        let mut started = false;
        let end_field = |cur: &mut String,
                         magic: &mut bool,
                         started: &mut bool,
                         fields: &mut Vec<(String, bool)>| {
            if *started {
                fields.push((std::mem::take(cur), *magic));
            }
            cur.clear();
            *magic = false;
            *started = false;
        };
        for seg in segs {
            match seg {
                Seg::Break => end_field(&mut cur, &mut magic, &mut started, &mut fields),
                Seg::Text {
                    s, quoted: true, ..
                } => {
                    cur.push_str(&pattern::escape(&s));
                    started = true;
                }
                Seg::Text {
                    s,
                    quoted: false,
                    split: false,
                } => {
                    if pattern::has_magic(&s) {
                        magic = true;
                    }
                    cur.push_str(&s);
                    started |= !s.is_empty();
                }
                Seg::Text {
                    s,
                    quoted: false,
                    split: true,
                } => {
                    // Whitespace next to a non-whitespace separator belongs to it.
                    let mut after_ws = false;
                    for c in s.chars() {
                        if ifs.contains(c) {
                            if matches!(c, ' ' | '\t' | '\n') {
                                if started {
                                    end_field(&mut cur, &mut magic, &mut started, &mut fields);
                                    after_ws = true;
                                }
                            } else {
                                if started {
                                    end_field(&mut cur, &mut magic, &mut started, &mut fields);
                                } else if !after_ws {
                                    fields.push((String::new(), false));
                                }
                                after_ws = false;
                            }
                        } else {
                            if matches!(c, '*' | '?' | '[') {
                                magic = true;
                            }
                            if matches!(c, '\\' | ']') {
                                cur.push('\\');
                            }
                            cur.push(c);
                            started = true;
                            after_ws = false;
                        }
                    }
                }
            }
        }
        end_field(&mut cur, &mut magic, &mut started, &mut fields);
        fields
    }

    fn glob_field(&self, (pat, magic): (String, bool), out: &mut Vec<String>) {
        if magic && pattern::has_magic(&pat) {
            let matches = self.glob(&pat);
            if !matches.is_empty() {
                out.extend(matches);
                return;
            }
        }
        out.push(pattern::unescape(&pat));
    }

    /// Pathname expansion of a pattern against the filesystem, sorted.
    fn glob(&self, pat: &str) -> Vec<String> {
        let absolute = pat.starts_with('/');
        let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
        let mut bases: Vec<String> = vec![if absolute {
            "/".to_string()
        } else {
            String::new()
        }];
        let fs = self.p.fs();
        for (i, comp) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut next = Vec::new();
            for base in &bases {
                let join = |name: &str| {
                    if base.is_empty() {
                        name.to_string()
                    } else if base.ends_with('/') {
                        format!("{base}{name}")
                    } else {
                        format!("{base}/{name}")
                    }
                };
                if !pattern::has_magic(comp) {
                    let p = join(&pattern::unescape(comp));
                    if fs.lstat(&self.p.cwd, &p).is_ok() {
                        next.push(p);
                    }
                    continue;
                }
                let dir = if base.is_empty() { "." } else { base.as_str() };
                let Ok(entries) = fs.list(&self.p.cwd, dir) else {
                    continue;
                };
                for (name, st) in entries {
                    if name.starts_with('.') && !comp.starts_with('.') && !comp.starts_with("\\.") {
                        continue;
                    }
                    if !last && !st.is_dir() && st.kind != crate::userland::fs::Kind::Link {
                        continue;
                    }
                    if pattern::matches(comp, &name) {
                        next.push(join(&name));
                        if next.len() > MAX_GLOB_RESULTS {
                            break;
                        }
                    }
                }
            }
            bases = next;
            if bases.is_empty() {
                break;
            }
        }
        sort::sort(&mut bases);
        bases
    }
}
