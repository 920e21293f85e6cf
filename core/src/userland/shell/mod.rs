//! A POSIX shell as busybox ash runs it, evaluated on simulated time.
//!
//! The interpreter knows no commands beyond its builtins: everything else is
//! looked up in the machine's `PATH` and registry, so the same code runs a
//! container's `sh -c` and the learner's host terminal (whose registry holds
//! `kubectl`).

pub mod arith;
pub mod ast;
mod builtins;
mod expand;
pub mod parse;
pub mod pattern;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::fs;
use super::proc::{Disposition, ExitStatus, Fd, Fds, Pid, Proc, ProgramFuture, Signal, SpawnError};
use ast::*;
use parse::Parser;

/// Which shell's error wording to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Ash,
    Bash,
}

/// Why evaluation stops early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctl {
    Break(u32),
    Continue(u32),
    Return,
    /// `exit`, or an error that ends a non-interactive shell.
    Exit(i32),
}

type R = Result<(), Ctl>;
type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

#[derive(Clone, Debug)]
struct Var {
    value: String,
    exported: bool,
    readonly: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TrapOn {
    Exit,
    Sig(Signal),
}

/// Simulated CPU cost of one command or builtin.
const COMMAND_COST_MS: u64 = 1;
/// Function calls nested deeper than this fail instead of exhausting memory.
const MAX_CALL_DEPTH: usize = 200;

/// The interpreter's state: one per shell process (a subshell gets a copy).
pub struct Shell {
    p: Proc,
    dialect: Dialect,
    vars: BTreeMap<String, Var>,
    /// Function-local saved values, innermost call last.
    locals: Vec<Vec<(String, Option<Var>)>>,
    arg0: String,
    positional: Vec<String>,
    funcs: BTreeMap<String, Rc<Command>>,
    traps: BTreeMap<TrapOn, String>,
    status: i32,
    last_bg: Option<Pid>,
    jobs: Vec<Pid>,
    errexit: bool,
    xtrace: bool,
    interactive: bool,
    /// Script from `-c` (line numbers from 0) or a file (from 1).
    from_c: bool,
    line: usize,
    loop_depth: u32,
    call_depth: usize,
    in_trap: bool,
    /// `$?` of the last command substitution, for assignment-only commands.
    subst_status: Option<i32>,
    /// Suppresses `set -e` inside conditions.
    in_condition: usize,
    /// `exit` was run (an interactive shell ends only then).
    exit_requested: bool,
    /// `$$`: the pid of the shell a subshell was forked from.
    root_pid: Pid,
    /// `$?` as it was when the running builtin started (for `return`).
    status_before: i32,
}

impl Shell {
    fn new(p: Proc, dialect: Dialect, arg0: String) -> Shell {
        let mut vars = BTreeMap::new();
        for (k, v) in p.env.iter() {
            vars.insert(
                k.clone(),
                Var {
                    value: v.clone(),
                    exported: true,
                    readonly: false,
                },
            );
        }
        let mut set = |k: &str, v: &str| {
            vars.entry(k.to_string()).or_insert(Var {
                value: v.to_string(),
                exported: false,
                readonly: false,
            });
        };
        set("IFS", " \t\n");
        set("PS1", "\\w \\$ ");
        set("PS2", "> ");
        set("PS4", "+ ");
        set("OPTIND", "1");
        set("PPID", "0");
        if !vars.contains_key("PATH") {
            vars.insert(
                "PATH".to_string(),
                Var {
                    value: super::proc::DEFAULT_PATH.to_string(),
                    exported: true,
                    readonly: false,
                },
            );
        }
        let cwd = vars
            .get("PWD")
            .map(|v| v.value.clone())
            .filter(|d| d.starts_with('/'));
        let mut sh = Shell {
            p,
            dialect,
            vars,
            locals: Vec::new(),
            arg0,
            positional: Vec::new(),
            funcs: BTreeMap::new(),
            traps: BTreeMap::new(),
            status: 0,
            last_bg: None,
            jobs: Vec::new(),
            errexit: false,
            xtrace: false,
            interactive: false,
            from_c: true,
            line: 0,
            loop_depth: 0,
            call_depth: 0,
            in_trap: false,
            subst_status: None,
            in_condition: 0,
            exit_requested: false,
            root_pid: 0,
            status_before: 0,
        };
        sh.root_pid = sh.p.pid;
        if let Some(d) = cwd {
            if sh.p.fs().canonical_dir("/", &d).is_ok() {
                sh.p.cwd = d;
            }
        }
        let cwd = sh.p.cwd.clone();
        sh.set_var("PWD", &cwd);
        if let Some(v) = sh.vars.get_mut("PWD") {
            v.exported = true;
        }
        sh
    }

    /// A copy for a subshell or pipeline stage running as process `p`.
    fn fork_copy(&self, p: Proc) -> Shell {
        Shell {
            p,
            dialect: self.dialect,
            vars: self.vars.clone(),
            locals: Vec::new(),
            arg0: self.arg0.clone(),
            positional: self.positional.clone(),
            funcs: self.funcs.clone(),
            // A subshell resets caught traps (POSIX), keeping ignored ones.
            traps: self
                .traps
                .iter()
                .filter(|(_, v)| v.is_empty())
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            status: self.status,
            last_bg: self.last_bg,
            jobs: Vec::new(),
            errexit: self.errexit,
            xtrace: self.xtrace,
            interactive: false,
            from_c: self.from_c,
            line: self.line,
            loop_depth: 0,
            call_depth: self.call_depth,
            in_trap: false,
            subst_status: None,
            in_condition: self.in_condition,
            exit_requested: false,
            root_pid: self.root_pid,
            status_before: 0,
        }
    }

    fn shell_name(&self) -> &str {
        match self.dialect {
            Dialect::Ash => "sh",
            Dialect::Bash => "bash",
        }
    }

    // ---- variables ----

    fn get_var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.value.as_str())
    }

    fn set_var(&mut self, name: &str, value: &str) -> bool {
        match self.vars.get_mut(name) {
            Some(v) if v.readonly => return false,
            Some(v) => v.value = value.to_string(),
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value: value.to_string(),
                        exported: false,
                        readonly: false,
                    },
                );
            }
        }
        if name == "PWD" {
            // Keep the process cwd in step only through `cd`.
        }
        true
    }

    fn path_var(&self) -> String {
        self.get_var("PATH")
            .unwrap_or(super::proc::DEFAULT_PATH)
            .to_string()
    }

    fn exported_env(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect()
    }

    // ---- messages ----

    /// `sh: msg` (or `name: line N: msg` when `$0` is not the shell).
    async fn error(&mut self, msg: &str) {
        let text = if self.dialect == Dialect::Bash {
            if self.from_c {
                format!("bash: {msg}\n")
            } else {
                format!("{}: line {}: {msg}\n", self.arg0, self.line)
            }
        } else if self.arg0 == self.shell_name() || self.interactive {
            format!("{}: {msg}\n", self.arg0)
        } else {
            format!("{}: line {}: {msg}\n", self.arg0, self.line)
        };
        let _ = self.p.err(&text).await;
    }

    /// A builtin's error: `sh: cd: line 0: msg` (no line when interactive).
    async fn builtin_error(&mut self, builtin: &str, msg: &str) {
        let text = match self.dialect {
            Dialect::Bash => format!("bash: {builtin}: {msg}\n"),
            Dialect::Ash if self.interactive => format!("{}: {builtin}: {msg}\n", self.arg0),
            Dialect::Ash => format!("{}: {builtin}: line {}: {msg}\n", self.arg0, self.line),
        };
        let _ = self.p.err(&text).await;
    }

    async fn not_found(&mut self, name: &str) {
        match self.dialect {
            Dialect::Ash => self.error(&format!("{name}: not found")).await,
            Dialect::Bash => self.error(&format!("{name}: command not found")).await,
        }
    }

    // ---- running scripts ----

    /// Runs a whole script the way ash does: parse one complete command,
    /// run it, repeat; a syntax error ends the script with status 2.
    async fn run_source(&mut self, src: &str, first_line: usize) -> R {
        let mut parser = Parser::new(src, first_line);
        loop {
            self.line = parser.line();
            match parser.next_command() {
                Ok(Some(list)) => {
                    self.eval_list(&list).await?;
                }
                Ok(None) => return Ok(()),
                Err(e) => {
                    self.error(&e.message).await;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            }
        }
    }

    /// Runs pending traps for caught signals.
    async fn run_traps(&mut self) -> R {
        if self.in_trap {
            return Ok(());
        }
        while let Some(sig) = self.p.take_signal() {
            let Some(action) = self.traps.get(&TrapOn::Sig(sig)).cloned() else {
                continue;
            };
            if action.is_empty() {
                continue;
            }
            let saved = self.status;
            self.in_trap = true;
            let r = self.eval_string(&action).await;
            self.in_trap = false;
            r?;
            self.status = saved;
        }
        Ok(())
    }

    fn eval_string<'a>(&'a mut self, src: &'a str) -> Fut<'a, R> {
        Box::pin(async move {
            match Parser::parse_all(src) {
                Ok(list) => self.eval_list(&list).await,
                Err(e) => {
                    self.error(&e.message).await;
                    self.status = 2;
                    Err(Ctl::Exit(2))
                }
            }
        })
    }

    /// Ends the shell: runs the EXIT trap once and returns the status.
    async fn finish(&mut self, r: R) -> ExitStatus {
        let mut code = match r {
            Err(Ctl::Exit(c)) => c,
            _ => self.status,
        };
        if let Some(action) = self.traps.remove(&TrapOn::Exit) {
            self.status = code;
            if let Err(Ctl::Exit(c)) = self.eval_string(&action).await {
                code = c;
            }
        }
        ExitStatus::from_code(code)
    }

    // ---- evaluation ----

    fn eval_list<'a>(&'a mut self, list: &'a List) -> Fut<'a, R> {
        Box::pin(async move {
            for item in &list.0 {
                if item.background {
                    self.spawn_background(&item.and_or);
                    self.status = 0;
                } else {
                    self.eval_and_or(&item.and_or).await?;
                }
                self.run_traps().await?;
            }
            Ok(())
        })
    }

    fn spawn_background(&mut self, ao: &AndOr) {
        let ao = ao.clone();
        let copy = self.fork_copy(self.p.reexec(
            Vec::new(),
            self.p.env.clone(),
            self.p.cwd.clone(),
            self.p.fds.clone(),
        ));
        let cmdline = self.arg0.clone();
        let fds = self.p.fds.clone();
        let pid = self.p.fork(&cmdline, fds, move |child| {
            let mut sh = copy;
            sh.p = child;
            // Background jobs of a non-interactive shell ignore INT.
            Box::pin(async move {
                let r = sh.eval_and_or_exec(&ao).await;
                sh.finish(r).await
            })
        });
        self.last_bg = Some(pid);
        self.jobs.push(pid);
        self.reap_jobs();
    }

    /// Forgets finished background jobs nobody waited for, as ash does
    /// between commands.
    fn reap_jobs(&mut self) {
        if self.jobs.len() > 64 {
            self.jobs.retain(|pid| self.p.is_child(*pid));
        }
    }

    async fn eval_and_or_exec(&mut self, ao: &AndOr) -> R {
        if ao.rest.is_empty() && ao.first.commands.len() == 1 && !ao.first.bang {
            if let Some(Command::Simple(s)) = ao.first.commands.first() {
                return self.eval_simple(s, true).await;
            }
        }
        self.eval_and_or(ao).await
    }

    async fn eval_and_or(&mut self, ao: &AndOr) -> R {
        let guarded = !ao.rest.is_empty();
        if guarded {
            self.in_condition += 1;
        }
        let r = self.eval_pipeline(&ao.first).await;
        if guarded {
            self.in_condition -= 1;
        }
        r?;
        for (i, (conn, p)) in ao.rest.iter().enumerate() {
            let run = match conn {
                Connector::And => self.status == 0,
                Connector::Or => self.status != 0,
            };
            if run {
                let last = i + 1 == ao.rest.len();
                if !last {
                    self.in_condition += 1;
                }
                let r = self.eval_pipeline(p).await;
                if !last {
                    self.in_condition -= 1;
                }
                r?;
            }
        }
        Ok(())
    }

    async fn eval_pipeline(&mut self, pl: &Pipeline) -> R {
        if pl.bang {
            self.in_condition += 1;
        }
        let r = if pl.commands.len() == 1 {
            match pl.commands.first() {
                Some(c) => self.eval_command(c).await,
                None => Ok(()),
            }
        } else {
            self.eval_multi_pipeline(&pl.commands).await
        };
        if pl.bang {
            self.in_condition -= 1;
            r?;
            self.status = i32::from(self.status == 0);
            return Ok(());
        }
        r?;
        if self.errexit && self.status != 0 && self.in_condition == 0 {
            return Err(Ctl::Exit(self.status));
        }
        Ok(())
    }

    async fn eval_multi_pipeline(&mut self, cmds: &[Command]) -> R {
        let mut pids = Vec::new();
        let mut prev: Option<Fd> = None;
        for (i, cmd) in cmds.iter().enumerate() {
            let last = i + 1 == cmds.len();
            let mut fds = self.p.fds.clone();
            if let Some(r) = prev.take() {
                fds.set(0, r);
            }
            if !last {
                let (r, w) = self.p.pipe();
                fds.set(1, Fd::PipeW(w));
                prev = Some(Fd::PipeR(r));
            }
            let copy = self.fork_copy(self.p.reexec(
                Vec::new(),
                self.p.env.clone(),
                self.p.cwd.clone(),
                fds.clone(),
            ));
            let cmd = cmd.clone();
            let cmdline = self.arg0.clone();
            let pid = self.p.fork(&cmdline, fds, move |child| {
                let mut sh = copy;
                sh.p = child;
                Box::pin(async move {
                    let r = match &cmd {
                        Command::Simple(s) => sh.eval_simple(s, true).await,
                        c => sh.eval_command(c).await,
                    };
                    sh.finish(r).await
                })
            });
            pids.push(pid);
        }
        drop(prev);
        let mut status = 0;
        for pid in pids {
            if let Some(s) = self.p.wait(pid).await {
                status = s.code();
            }
        }
        self.status = status;
        Ok(())
    }

    fn eval_command<'a>(&'a mut self, cmd: &'a Command) -> Fut<'a, R> {
        Box::pin(async move {
            match cmd {
                Command::Simple(s) => self.eval_simple(s, false).await,
                Command::FuncDef(name, body) => {
                    self.funcs.insert(name.clone(), body.clone());
                    self.status = 0;
                    Ok(())
                }
                Command::Compound(c, redirs) => {
                    if redirs.is_empty() {
                        return self.eval_compound(c).await;
                    }
                    let saved = self.p.fds.clone();
                    match self.apply_redirs(redirs).await {
                        Ok(fds) => self.p.fds = fds,
                        Err(ctl) => {
                            return match ctl {
                                Some(c) => Err(c),
                                None => {
                                    self.status = 1;
                                    Ok(())
                                }
                            }
                        }
                    }
                    let r = self.eval_compound(c).await;
                    self.p.fds = saved;
                    r
                }
            }
        })
    }

    async fn eval_cond(&mut self, l: &List) -> Result<bool, Ctl> {
        self.in_condition += 1;
        let r = self.eval_list(l).await;
        self.in_condition -= 1;
        r?;
        Ok(self.status == 0)
    }

    async fn eval_compound(&mut self, c: &Compound) -> R {
        match c {
            Compound::Group(l) => self.eval_list(l).await,
            Compound::Subshell(l) => {
                let copy = self.fork_copy(self.p.reexec(
                    Vec::new(),
                    self.p.env.clone(),
                    self.p.cwd.clone(),
                    self.p.fds.clone(),
                ));
                let l = l.clone();
                let cmdline = self.arg0.clone();
                let fds = self.p.fds.clone();
                let pid = self.p.fork(&cmdline, fds, move |child| {
                    let mut sh = copy;
                    sh.p = child;
                    Box::pin(async move {
                        let r = sh.eval_list(&l).await;
                        sh.finish(r).await
                    })
                });
                self.status = self.p.wait(pid).await.map_or(0, ExitStatus::code);
                Ok(())
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    if self.eval_cond(cond).await? {
                        return self.eval_list(body).await;
                    }
                }
                match otherwise {
                    Some(l) => self.eval_list(l).await,
                    None => {
                        self.status = 0;
                        Ok(())
                    }
                }
            }
            Compound::Loop { until, cond, body } => {
                let mut status = 0;
                self.loop_depth += 1;
                let r = loop {
                    self.p.charge(COMMAND_COST_MS).await;
                    let ok = match self.eval_cond(cond).await {
                        Ok(b) => b,
                        Err(e) => break Err(e),
                    };
                    if ok == *until {
                        break Ok(());
                    }
                    match self.eval_list(body).await {
                        Ok(()) => status = self.status,
                        Err(Ctl::Break(n)) => {
                            status = 0;
                            if n > 1 {
                                break Err(Ctl::Break(n - 1));
                            }
                            break Ok(());
                        }
                        Err(Ctl::Continue(n)) => {
                            if n > 1 {
                                break Err(Ctl::Continue(n - 1));
                            }
                        }
                        Err(e) => break Err(e),
                    }
                };
                self.loop_depth -= 1;
                self.status = status;
                r
            }
            Compound::For { var, words, body } => {
                let items = match words {
                    Some(ws) => self.expand_words(ws).await?,
                    None => self.positional.clone(),
                };
                let mut status = 0;
                self.loop_depth += 1;
                let mut r = Ok(());
                for it in items {
                    self.p.charge(COMMAND_COST_MS).await;
                    if !self.set_var(var, &it) {
                        self.error(&format!("{var}: is read only")).await;
                        r = Err(Ctl::Exit(2));
                        break;
                    }
                    match self.eval_list(body).await {
                        Ok(()) => status = self.status,
                        Err(Ctl::Break(n)) => {
                            status = 0;
                            if n > 1 {
                                r = Err(Ctl::Break(n - 1));
                            }
                            break;
                        }
                        Err(Ctl::Continue(n)) => {
                            if n > 1 {
                                r = Err(Ctl::Continue(n - 1));
                                break;
                            }
                        }
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                self.loop_depth -= 1;
                self.status = status;
                r
            }
            Compound::Case { word, arms } => {
                let subject = self.expand_single(word).await?;
                for arm in arms {
                    for pat in &arm.patterns {
                        let p = self.expand_pattern(pat).await?;
                        if pattern::matches(&p, &subject) {
                            if arm.body.0.is_empty() {
                                self.status = 0;
                                return Ok(());
                            }
                            return self.eval_list(&arm.body).await;
                        }
                    }
                }
                self.status = 0;
                Ok(())
            }
        }
    }

    async fn xtrace_line(&mut self, assigns: &[(String, String)], words: &[String]) {
        let ps4 = self.get_var("PS4").unwrap_or("+ ").to_string();
        let mut parts: Vec<String> = assigns
            .iter()
            .map(|(k, v)| format!("{k}={}", quote_for_trace(v)))
            .collect();
        parts.extend(words.iter().map(|w| quote_for_trace(w)));
        let _ = self.p.err(&format!("{ps4}{}\n", parts.join(" "))).await;
    }

    /// Runs a simple command. With `exec_last`, an external command replaces
    /// this process instead of running as a child (as ash does for the last
    /// command of `sh -c` and for pipeline stages).
    fn eval_simple<'a>(&'a mut self, s: &'a Simple, exec_last: bool) -> Fut<'a, R> {
        Box::pin(async move {
            self.line = s.line;
            self.p.charge(COMMAND_COST_MS).await;
            self.subst_status = None;
            let words = self.expand_words(&s.words).await?;
            let mut assigns = Vec::new();
            for (k, w) in &s.assigns {
                let v = self.expand_assign(w).await?;
                assigns.push((k.clone(), v));
            }
            if self.xtrace && !(words.is_empty() && assigns.is_empty()) {
                self.xtrace_line(&assigns, &words).await;
            }
            let Some(name) = words.first().cloned() else {
                // Assignments (and redirections) only.
                let st = self.subst_status.unwrap_or(0);
                for (k, v) in &assigns {
                    if !self.set_var(k, v) {
                        self.error(&format!("{k}: is read only")).await;
                        self.status = 2;
                        return Err(Ctl::Exit(2));
                    }
                }
                if !s.redirs.is_empty() {
                    match self.apply_redirs(&s.redirs).await {
                        Ok(_) => {}
                        Err(Some(c)) => return Err(c),
                        Err(None) => {
                            self.status = 1;
                            return Ok(());
                        }
                    }
                }
                self.status = st;
                return Ok(());
            };
            let saved_fds = self.p.fds.clone();
            match self.apply_redirs(&s.redirs).await {
                Ok(fds) => self.p.fds = fds,
                Err(Some(c)) => return Err(c),
                Err(None) => {
                    self.status = 1;
                    return Ok(());
                }
            }
            let r = self.dispatch(&name, &words, &assigns, exec_last).await;
            // `exec` with only redirections keeps them.
            if !(name == "exec" && words.len() == 1) {
                self.p.fds = saved_fds;
            }
            r
        })
    }

    async fn dispatch(
        &mut self,
        name: &str,
        words: &[String],
        assigns: &[(String, String)],
        exec_last: bool,
    ) -> R {
        if builtins::is_special(name) {
            for (k, v) in assigns {
                self.set_var(k, v);
            }
            return self.run_builtin(name, words).await;
        }
        if let Some(body) = self.funcs.get(name).cloned() {
            let saved: Vec<(String, Option<Var>)> = assigns
                .iter()
                .map(|(k, _)| (k.clone(), self.vars.get(k).cloned()))
                .collect();
            for (k, v) in assigns {
                self.set_var(k, v);
            }
            let r = self.call_function(&body, words).await;
            for (k, old) in saved {
                match old {
                    Some(v) => {
                        self.vars.insert(k, v);
                    }
                    None => {
                        self.vars.remove(&k);
                    }
                }
            }
            return r;
        }
        if builtins::is_regular(name) {
            let saved: Vec<(String, Option<Var>)> = assigns
                .iter()
                .map(|(k, _)| (k.clone(), self.vars.get(k).cloned()))
                .collect();
            for (k, v) in assigns {
                self.set_var(k, v);
            }
            let r = self.run_builtin(name, words).await;
            for (k, old) in saved {
                match old {
                    Some(v) => {
                        self.vars.insert(k, v);
                    }
                    None => {
                        self.vars.remove(&k);
                    }
                }
            }
            return r;
        }
        self.run_external(words, assigns, exec_last && self.traps.is_empty())
            .await
    }

    async fn call_function(&mut self, body: &Rc<Command>, words: &[String]) -> R {
        if self.call_depth >= MAX_CALL_DEPTH {
            self.error("function nesting too deep").await;
            self.status = 2;
            return Err(Ctl::Exit(2));
        }
        let saved_pos = std::mem::replace(
            &mut self.positional,
            words.iter().skip(1).cloned().collect(),
        );
        let saved_loop = std::mem::replace(&mut self.loop_depth, 0);
        self.call_depth += 1;
        self.locals.push(Vec::new());
        let r = self.eval_command(body).await;
        if let Some(saved) = self.locals.pop() {
            for (k, old) in saved.into_iter().rev() {
                match old {
                    Some(v) => {
                        self.vars.insert(k, v);
                    }
                    None => {
                        self.vars.remove(&k);
                    }
                }
            }
        }
        self.call_depth -= 1;
        self.loop_depth = saved_loop;
        self.positional = saved_pos;
        match r {
            Err(Ctl::Return) => Ok(()),
            other => other,
        }
    }

    async fn run_external(
        &mut self,
        words: &[String],
        assigns: &[(String, String)],
        exec: bool,
    ) -> R {
        let mut env = self.exported_env();
        for (k, v) in assigns {
            env.retain(|(n, _)| n != k);
            env.push((k.clone(), v.clone()));
        }
        let env = Rc::new(env);
        let path = if let Some((_, p)) = assigns.iter().find(|(k, _)| k == "PATH") {
            p.clone()
        } else {
            self.path_var()
        };
        let name = words.first().cloned().unwrap_or_default();
        if exec {
            return match self.p.program_for(&name, &path) {
                Ok(program) => {
                    self.p.set_cmdline(&words.join(" "));
                    let proc =
                        self.p
                            .reexec(words.to_vec(), env, self.p.cwd.clone(), self.p.fds.clone());
                    let st = program(proc).await;
                    Err(Ctl::Exit(st.code()))
                }
                Err(e) => {
                    self.spawn_error(&e).await;
                    Err(Ctl::Exit(self.status))
                }
            };
        }
        match self
            .p
            .spawn(words.to_vec(), env, self.p.cwd.clone(), self.p.fds.clone())
        {
            Ok(pid) => {
                let st = self.p.wait(pid).await;
                self.status = st.map_or(0, ExitStatus::code);
                Ok(())
            }
            Err(e) => {
                self.spawn_error(&e).await;
                Ok(())
            }
        }
    }

    async fn spawn_error(&mut self, e: &SpawnError) {
        match e {
            SpawnError::NotFound(n) => {
                self.not_found(n).await;
                self.status = 127;
            }
            SpawnError::NotExecutable(n) => {
                self.error(&format!("{n}: Permission denied")).await;
                self.status = 126;
            }
            SpawnError::IsDir(n) => {
                self.error(&format!("{n}: Permission denied")).await;
                self.status = 126;
            }
        }
    }

    /// Opens a command's redirections on a copy of the descriptor table.
    /// `Err(None)`: a redirection failed (message printed, status 1).
    async fn apply_redirs(&mut self, redirs: &[Redir]) -> Result<Fds, Option<Ctl>> {
        let mut fds = self.p.fds.clone();
        for r in redirs {
            let default_fd = match r.op {
                RedirOp::In | RedirOp::DupIn | RedirOp::Here | RedirOp::ReadWrite => 0,
                _ => 1,
            };
            let fd = r.fd.unwrap_or(default_fd);
            let target = match &r.target {
                RedirTarget::Here(h) => {
                    let body = match h.body.get() {
                        Some(w) => self.expand_single(w).await.map_err(Some)?,
                        None => String::new(),
                    };
                    fds.set(fd, Fd::file_reader(body.into_bytes()));
                    continue;
                }
                RedirTarget::Word(w) => self.expand_single(w).await.map_err(Some)?,
            };
            match r.op {
                RedirOp::DupIn | RedirOp::DupOut => {
                    if target == "-" {
                        fds.close(fd);
                    } else if let Ok(n) = target.parse::<u32>() {
                        match fds.get(n).cloned() {
                            Some(f) => fds.set(fd, f),
                            None => {
                                self.error(&format!("{n}: Bad file descriptor")).await;
                                return Err(None);
                            }
                        }
                    } else if r.op == RedirOp::DupOut {
                        // `>&file` is `&>file` in ash's bash mode.
                        let f = self.open_write(&target, false).await?;
                        fds.set(1, f.clone());
                        fds.set(2, f);
                    } else {
                        self.error(&format!("{target}: Bad file descriptor")).await;
                        return Err(None);
                    }
                }
                RedirOp::In | RedirOp::ReadWrite => {
                    let data = self.p.fs().read(&self.p.cwd, &target);
                    match data {
                        Ok(d) => fds.set(fd, Fd::file_reader(d)),
                        Err(fs::FsError::NotFound) if r.op == RedirOp::ReadWrite => {
                            let f = self.open_write(&target, true).await?;
                            fds.set(fd, f);
                        }
                        Err(e) => {
                            let why = match e {
                                fs::FsError::NotFound => "no such file".to_string(),
                                e => e.text().to_string(),
                            };
                            self.error(&format!("can't open {target}: {why}")).await;
                            return Err(None);
                        }
                    }
                }
                RedirOp::Out | RedirOp::Append | RedirOp::OutErr => {
                    let f = self.open_write(&target, r.op == RedirOp::Append).await?;
                    if r.op == RedirOp::OutErr {
                        fds.set(1, f.clone());
                        fds.set(2, f);
                    } else {
                        fds.set(fd, f);
                    }
                }
                RedirOp::Here => {}
            }
        }
        Ok(fds)
    }

    async fn open_write(&mut self, target: &str, append: bool) -> Result<Fd, Option<Ctl>> {
        if target == "/dev/null" {
            return Ok(Fd::Null);
        }
        if target == "/dev/stdout" || target == "/dev/stderr" {
            let n = if target == "/dev/stdout" { 1 } else { 2 };
            return Ok(self.p.fds.get(n).cloned().unwrap_or(Fd::Null));
        }
        let now = self.p.wall_secs();
        let cwd = self.p.cwd.clone();
        let res = {
            let mut fs = self.p.fs_mut();
            fs.resolve(&cwd, target, true).and_then(|comps| {
                let path = fs::join(&comps);
                fs.write("/", &path, b"", append, now).map(|_| path)
            })
        };
        match res {
            Ok(path) => Ok(Fd::File(Rc::from(path.as_str()))),
            Err(e) => {
                let why = match e {
                    fs::FsError::NotFound => "nonexistent directory",
                    e => e.text(),
                };
                self.error(&format!("can't create {target}: {why}")).await;
                Err(None)
            }
        }
    }
}

/// Quotes a word for `set -x` output the way ash does.
fn quote_for_trace(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\"'\"'"))
    }
}

/// How `sh` was asked to run.
enum Invocation {
    Command(String),
    File(String),
    Stdin,
}

fn parse_sh_args(argv: &[String]) -> Result<(Invocation, Vec<String>, bool, bool, bool), String> {
    let mut i = 1;
    let mut cmd = false;
    let mut force_interactive = false;
    let mut errexit = false;
    let mut xtrace = false;
    let mut stdin = false;
    while let Some(a) = argv.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        for c in a.chars().skip(1) {
            match c {
                'c' => cmd = true,
                'i' => force_interactive = true,
                'e' => errexit = true,
                'x' => xtrace = true,
                's' => stdin = true,
                'l' | 'u' | 'v' | 'f' | 'm' | 'n' => {}
                _ => return Err(format!("-{c}")),
            }
        }
        i += 1;
    }
    let rest: Vec<String> = argv.iter().skip(i).cloned().collect();
    let inv = if cmd {
        match rest.first() {
            Some(s) => Invocation::Command(s.clone()),
            None => return Err("-c requires an argument".to_string()),
        }
    } else if stdin || rest.is_empty() {
        Invocation::Stdin
    } else {
        Invocation::File(rest[0].clone())
    };
    let args = match &inv {
        Invocation::Command(_) => rest.into_iter().skip(1).collect(),
        Invocation::Stdin => rest,
        Invocation::File(_) => rest.into_iter().skip(1).collect(),
    };
    Ok((inv, args, force_interactive, errexit, xtrace))
}

/// The `sh` program (busybox ash).
pub fn sh_main(p: Proc) -> ProgramFuture {
    Box::pin(shell_main(p, Dialect::Ash))
}

/// The `bash` program, for images that ship it: same language, bash's
/// error wording.
pub fn bash_main(p: Proc) -> ProgramFuture {
    Box::pin(shell_main(p, Dialect::Bash))
}

/// Runs an executable script file (`#!/bin/sh` first line).
pub fn run_script_file(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        let mut p = p;
        let script = p.argv.first().cloned().unwrap_or_default();
        let mut argv = vec!["sh".to_string(), script];
        argv.extend(p.argv.iter().skip(1).cloned());
        p.argv = argv;
        shell_main(p, Dialect::Ash).await
    })
}

async fn shell_main(p: Proc, dialect: Dialect) -> ExitStatus {
    let argv = p.argv.clone();
    let invoked = argv
        .first()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "sh".to_string());
    let (inv, args, force_i, errexit, xtrace) = match parse_sh_args(&argv) {
        Ok(x) => x,
        Err(opt) => {
            let _ = p.err(&format!("{invoked}: {opt}: invalid option\n")).await;
            return ExitStatus::Code(2);
        }
    };
    let arg0 = match &inv {
        Invocation::Command(_) if !args.is_empty() => args[0].clone(),
        Invocation::File(f) => f.clone(),
        _ => invoked.clone(),
    };
    let mut positional = args;
    if matches!(inv, Invocation::Command(_)) && !positional.is_empty() {
        positional.remove(0);
    }
    let tty = p.tty;
    let mut sh = Shell::new(p, dialect, arg0);
    sh.positional = positional;
    sh.errexit = errexit;
    sh.xtrace = xtrace;
    let r = match inv {
        Invocation::Command(src) => {
            sh.from_c = true;
            sh.run_c(&src).await
        }
        Invocation::File(path) => {
            sh.from_c = false;
            let data = sh.p.fs().read(&sh.p.cwd, &path);
            match data {
                Ok(d) => {
                    let src = String::from_utf8_lossy(&d).into_owned();
                    sh.run_source(&src, 1).await
                }
                Err(e) => {
                    let why = e.text();
                    let _ =
                        sh.p.err(&format!("{invoked}: can't open '{path}': {why}\n"))
                            .await;
                    return ExitStatus::Code(2);
                }
            }
        }
        Invocation::Stdin => {
            sh.interactive = force_i || tty;
            sh.from_c = false;
            sh.run_stdin().await
        }
    };
    sh.finish(r).await
}

impl Shell {
    /// `sh -c`: the last command of the string replaces the shell when it is
    /// a plain external command and no traps are set.
    async fn run_c(&mut self, src: &str) -> R {
        let mut parser = Parser::new(src, 0);
        let mut pending: Option<List> = None;
        loop {
            let line = parser.line();
            let next = match parser.next_command() {
                Ok(n) => n,
                Err(e) => {
                    if let Some(l) = pending.take() {
                        self.eval_list(&l).await?;
                    }
                    self.line = line;
                    self.error(&e.message).await;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            };
            if let Some(l) = pending.take() {
                match &next {
                    None => {
                        // The very last list: exec its last simple command.
                        return self.eval_list_exec_last(&l).await;
                    }
                    Some(_) => self.eval_list(&l).await?,
                }
            }
            match next {
                Some(l) => {
                    self.line = line;
                    pending = Some(l);
                }
                None => return Ok(()),
            }
        }
    }

    async fn eval_list_exec_last(&mut self, list: &List) -> R {
        let n = list.0.len();
        for (i, item) in list.0.iter().enumerate() {
            if item.background {
                self.spawn_background(&item.and_or);
                self.status = 0;
            } else if i + 1 == n && self.traps.is_empty() {
                self.eval_and_or_exec(&item.and_or).await?;
            } else {
                self.eval_and_or(&item.and_or).await?;
            }
            self.run_traps().await?;
        }
        Ok(())
    }

    /// Reads commands from stdin, a line at a time, prompting when
    /// interactive (`/ # ` for root in `/`).
    async fn run_stdin(&mut self) -> R {
        let mut buf = String::new();
        let mut line_no = 1;
        loop {
            if self.interactive {
                let prompt = if buf.is_empty() {
                    self.prompt()
                } else {
                    self.get_var("PS2").unwrap_or("> ").to_string()
                };
                let _ = self.p.err(&prompt).await;
            }
            let Some(line) = self.read_line(0).await else {
                if self.interactive {
                    let _ = self.p.err("\n").await;
                }
                if !buf.is_empty() {
                    let src = std::mem::take(&mut buf);
                    self.run_source(&src, line_no).await?;
                }
                return Ok(());
            };
            buf.push_str(&line);
            buf.push('\n');
            // Complete commands run as soon as they parse.
            let mut parser = Parser::incremental(&buf, line_no);
            let mut lists = Vec::new();
            let mut incomplete = false;
            loop {
                match parser.next_command() {
                    Ok(Some(l)) => lists.push(l),
                    Ok(None) => break,
                    Err(e)
                        if e.message.contains("end of file")
                            || e.message.contains("unterminated") =>
                    {
                        incomplete = true;
                        break;
                    }
                    Err(e) => {
                        self.error(&e.message).await;
                        self.status = 2;
                        buf.clear();
                        lists.clear();
                        if !self.interactive {
                            return Err(Ctl::Exit(2));
                        }
                        break;
                    }
                }
            }
            if incomplete {
                continue;
            }
            line_no += buf.matches('\n').count();
            buf.clear();
            for l in lists {
                match self.eval_list(&l).await {
                    Ok(()) => {}
                    Err(Ctl::Exit(c)) if self.interactive && !self.exit_requested => {
                        self.status = c;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }

    fn prompt(&self) -> String {
        let ps1 = self.get_var("PS1").unwrap_or("\\w \\$ ").to_string();
        let home = self.get_var("HOME").unwrap_or("").to_string();
        let cwd = self.p.cwd.clone();
        let w = if !home.is_empty() && home != "/" && cwd.starts_with(&home) {
            format!("~{}", &cwd[home.len()..])
        } else {
            cwd
        };
        ps1.replace("\\w", &w)
            .replace("\\$", "#")
            .replace("\\h", self.p.hostname())
            .replace("\\u", "root")
    }

    /// Reads a line from descriptor `n` byte by byte (so the rest stays for
    /// the next reader); `None` at end of file with nothing read.
    async fn read_line(&mut self, n: u32) -> Option<String> {
        let mut bytes = Vec::new();
        loop {
            match self.p.read_byte(n).await {
                None => {
                    if bytes.is_empty() {
                        return None;
                    }
                    break;
                }
                Some(b'\n') => break,
                Some(b) => bytes.push(b),
            }
        }
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Used by [`Shell::run_traps`] and `trap` to map signals to dispositions.
fn disposition_for(action: &str) -> Disposition {
    if action.is_empty() {
        Disposition::Ignore
    } else {
        Disposition::Catch
    }
}

#[cfg(test)]
mod tests;
