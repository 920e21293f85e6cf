//! Shell builtins, with ash's messages.

use super::{disposition_for, Ctl, Shell, TrapOn, Var, R};
use crate::userland::commands::common::{echo_text, printf_text, test_eval, TestError};
use crate::userland::proc::{Disposition, Signal};

/// Special builtins: assignments before them persist, as POSIX says.
pub(super) fn is_special(name: &str) -> bool {
    matches!(
        name,
        ":" | "."
            | "break"
            | "continue"
            | "eval"
            | "exec"
            | "exit"
            | "export"
            | "readonly"
            | "return"
            | "set"
            | "shift"
            | "trap"
            | "unset"
            | "source"
    )
}

pub(super) fn is_regular(name: &str) -> bool {
    matches!(
        name,
        "true"
            | "false"
            | "echo"
            | "printf"
            | "cd"
            | "pwd"
            | "read"
            | "test"
            | "["
            | "wait"
            | "kill"
            | "type"
            | "command"
            | "local"
            | "umask"
            | "alias"
            | "jobs"
            | "hash"
            | "let"
    )
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl Shell {
    pub(super) async fn run_builtin(&mut self, name: &str, words: &[String]) -> R {
        let args: Vec<String> = words.iter().skip(1).cloned().collect();
        self.status_before = self.status;
        self.status = 0;
        match name {
            ":" | "true" => {}
            "false" => self.status = 1,
            "echo" => {
                let text = echo_text(&args);
                let _ = self.p.out(&text).await;
            }
            "printf" => {
                let Some((fmt, rest)) = args.split_first() else {
                    let _ = self
                        .p
                        .err("printf: usage: printf FORMAT [ARGUMENT]...\n")
                        .await;
                    self.status = 2;
                    return Ok(());
                };
                let (text, errs) = printf_text(fmt, rest);
                let _ = self.p.out(&text).await;
                for e in &errs {
                    self.error(e).await;
                }
                if !errs.is_empty() {
                    self.status = 1;
                }
            }
            "cd" => self.cd(&args).await,
            "pwd" => {
                let cwd = format!("{}\n", self.p.cwd);
                let _ = self.p.out(&cwd).await;
            }
            "export" | "readonly" => self.export(name, &args).await?,
            "local" => {
                for a in &args {
                    let (k, v) = match a.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (a.clone(), None),
                    };
                    if !is_name(&k) {
                        self.builtin_error("local", &format!("{k}: bad variable name"))
                            .await;
                        self.status = 2;
                        return Err(Ctl::Exit(2));
                    }
                    let old = self.vars.get(&k).cloned();
                    if let Some(frame) = self.locals.last_mut() {
                        frame.push((k.clone(), old));
                    }
                    let value = v.unwrap_or_else(|| self.get_var(&k).unwrap_or("").to_string());
                    self.set_var(&k, &value);
                }
            }
            "unset" => {
                let mut funcs = false;
                for a in &args {
                    match a.as_str() {
                        "-f" => funcs = true,
                        "-v" => funcs = false,
                        n if !is_name(n) => {
                            self.builtin_error("unset", &format!("{n}: bad variable name"))
                                .await;
                            self.status = 2;
                            return Err(Ctl::Exit(2));
                        }
                        n if funcs => {
                            self.funcs.remove(n);
                        }
                        n => {
                            if self.vars.get(n).is_some_and(|v| v.readonly) {
                                self.error(&format!("{n}: is read only")).await;
                                self.status = 2;
                                return Err(Ctl::Exit(2));
                            }
                            self.vars.remove(n);
                        }
                    }
                }
            }
            "set" => self.set_builtin(&args).await,
            "shift" => {
                let n = match args.first() {
                    Some(a) => match a.parse::<usize>() {
                        Ok(n) => n,
                        Err(_) => {
                            self.builtin_error("shift", &format!("Illegal number: {a}"))
                                .await;
                            self.status = 2;
                            return Err(Ctl::Exit(2));
                        }
                    },
                    None => 1,
                };
                if n > self.positional.len() {
                    self.status = 1;
                } else {
                    self.positional.drain(..n);
                }
            }
            "exit" => {
                let code = match args.first() {
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.builtin_error("exit", &format!("Illegal number: {a}"))
                                .await;
                            self.status = 2;
                            self.exit_requested = true;
                            return Err(Ctl::Exit(2));
                        }
                    },
                    None => self.status,
                };
                self.exit_requested = true;
                self.status = code;
                return Err(Ctl::Exit(code));
            }
            "return" => {
                if let Some(a) = args.first() {
                    match a.parse::<i64>() {
                        Ok(n) => self.status = (n & 0xff) as i32,
                        Err(_) => {
                            self.builtin_error("return", &format!("Illegal number: {a}"))
                                .await;
                            self.status = 2;
                            return Err(Ctl::Exit(2));
                        }
                    }
                } else {
                    // `return` keeps `$?` of the last command.
                    self.status = self.last_status_before_builtin();
                }
                if self.call_depth == 0 {
                    // Outside a function ash ends the script (`sh -c 'return 3'`).
                    return Err(Ctl::Exit(self.status));
                }
                return Err(Ctl::Return);
            }
            "break" | "continue" => {
                let n = match args.first() {
                    Some(a) => match a.parse::<u32>() {
                        Ok(n) if n > 0 => n,
                        _ => {
                            self.builtin_error(name, &format!("Illegal number: {a}"))
                                .await;
                            self.status = 2;
                            return Err(Ctl::Exit(2));
                        }
                    },
                    None => 1,
                };
                if self.loop_depth == 0 {
                    return Ok(());
                }
                let n = n.min(self.loop_depth);
                return Err(if name == "break" {
                    Ctl::Break(n)
                } else {
                    Ctl::Continue(n)
                });
            }
            "trap" => self.trap(&args).await,
            "read" => self.read_builtin(&args).await,
            "test" | "[" => {
                let mut a = args.clone();
                if name == "[" {
                    if a.last().map(String::as_str) != Some("]") {
                        self.error("missing ]").await;
                        self.status = 2;
                        return Ok(());
                    }
                    a.pop();
                }
                let r = {
                    let fs = self.p.fs();
                    test_eval(&a, &fs, &self.p.cwd)
                };
                match r {
                    Ok(b) => self.status = i32::from(!b),
                    Err(TestError(msg)) => {
                        self.error(&msg).await;
                        self.status = 2;
                    }
                }
            }
            "wait" => self.wait_builtin(&args).await?,
            "kill" => self.kill_builtin(&args).await,
            "eval" => {
                let src = args.join(" ");
                self.status = 0;
                return self.eval_string(&src).await;
            }
            "exec" => {
                if args.is_empty() {
                    return Ok(());
                }
                let env_assigns: Vec<(String, String)> = Vec::new();
                return self.run_external(&args, &env_assigns, true).await;
            }
            "." | "source" => {
                let Some(file) = args.first() else {
                    self.builtin_error(name, "missing filename").await;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                };
                let path = if file.contains('/') {
                    Some(file.clone())
                } else {
                    self.p
                        .find_in_path(file, &self.path_var())
                        .or(Some(file.clone()))
                };
                let data = path.and_then(|p| self.p.fs().read(&self.p.cwd, &p).ok());
                match data {
                    Some(d) => {
                        let src = String::from_utf8_lossy(&d).into_owned();
                        let saved_line = self.line;
                        let r = self.run_source(&src, 1).await;
                        self.line = saved_line;
                        return r;
                    }
                    None => {
                        self.builtin_error(
                            name,
                            &format!("can't open '{file}': No such file or directory"),
                        )
                        .await;
                        self.status = 2;
                        return Err(Ctl::Exit(2));
                    }
                }
            }
            "type" => {
                for a in &args {
                    let line = self.describe(a, false);
                    match line {
                        Some(l) => {
                            let _ = self.p.out(&format!("{l}\n")).await;
                        }
                        None => {
                            let _ = self.p.out(&format!("{a}: not found\n")).await;
                            self.status = 127;
                        }
                    }
                }
            }
            "command" => {
                let (flag, rest) = match args.first().map(String::as_str) {
                    Some("-v") => (Some('v'), &args[1..]),
                    Some("-V") => (Some('V'), &args[1..]),
                    _ => (None, &args[..]),
                };
                match flag {
                    Some(f) => {
                        for a in rest {
                            match self.describe(a, f == 'v') {
                                Some(l) => {
                                    let _ = self.p.out(&format!("{l}\n")).await;
                                }
                                None => self.status = 127,
                            }
                        }
                        if self.status == 127 && f == 'v' {
                            self.status = 1;
                        }
                    }
                    None => {
                        if rest.is_empty() {
                            return Ok(());
                        }
                        let name = rest[0].clone();
                        if is_special(&name) || is_regular(&name) {
                            return Box::pin(self.run_builtin(&name, rest)).await;
                        }
                        return self.run_external(rest, &[], false).await;
                    }
                }
            }
            "umask" if args.is_empty() => {
                let _ = self.p.out("0022\n").await;
            }
            "umask" => {}
            "jobs" | "alias" | "hash" => {}
            "let" => {
                for a in &args {
                    let r = super::arith::eval(a, &mut super::expand::ArithVars(self));
                    match r {
                        Ok(v) => self.status = i32::from(v == 0),
                        Err(e) => {
                            self.error(&e.message()).await;
                            self.status = 2;
                            return Err(Ctl::Exit(2));
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn last_status_before_builtin(&self) -> i32 {
        self.status_before
    }

    /// `type`/`command -v` descriptions; `None` when unknown.
    fn describe(&self, name: &str, short: bool) -> Option<String> {
        if self.funcs.contains_key(name) {
            return Some(if short {
                name.to_string()
            } else {
                format!("{name} is a function")
            });
        }
        if is_special(name) {
            return Some(if short {
                name.to_string()
            } else {
                format!("{name} is a special shell builtin")
            });
        }
        if is_regular(name) {
            return Some(if short {
                name.to_string()
            } else {
                format!("{name} is a shell builtin")
            });
        }
        let path = self.p.find_in_path(name, &self.path_var())?;
        Some(if short {
            path
        } else {
            format!("{name} is {path}")
        })
    }

    async fn cd(&mut self, args: &[String]) {
        let target = match args.iter().find(|a| !a.starts_with('-') || *a == "-") {
            Some(a) if a == "-" => self.get_var("OLDPWD").unwrap_or("").to_string(),
            Some(a) => a.clone(),
            None => self.get_var("HOME").unwrap_or("/").to_string(),
        };
        let res = self.p.fs().canonical_dir(&self.p.cwd, &target);
        match res {
            Ok(dir) => {
                let old = std::mem::replace(&mut self.p.cwd, dir.clone());
                self.set_var("OLDPWD", &old);
                self.set_var("PWD", &dir);
                if args.first().map(String::as_str) == Some("-") {
                    let _ = self.p.out(&format!("{dir}\n")).await;
                }
            }
            Err(e) => {
                self.builtin_error("cd", &format!("can't cd to {target}: {}", e.text()))
                    .await;
                self.status = 2;
            }
        }
    }

    async fn export(&mut self, which: &str, args: &[String]) -> R {
        let list = args.is_empty() || args.iter().all(|a| a == "-p");
        if list {
            let mut out = String::new();
            for (k, v) in &self.vars {
                let show = if which == "export" {
                    v.exported
                } else {
                    v.readonly
                };
                if show {
                    out.push_str(&format!(
                        "{which} {k}='{}'\n",
                        v.value.replace('\'', "'\"'\"'")
                    ));
                }
            }
            let _ = self.p.out(&out).await;
            return Ok(());
        }
        for a in args.iter().filter(|a| *a != "-p" && *a != "-n") {
            let (k, v) = match a.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            if !is_name(&k) {
                self.builtin_error(which, &format!("{k}: bad variable name"))
                    .await;
                self.status = 2;
                return Err(Ctl::Exit(2));
            }
            if let Some(v) = &v {
                if !self.set_var(&k, v) {
                    self.error(&format!("{k}: is read only")).await;
                    self.status = 2;
                    return Err(Ctl::Exit(2));
                }
            }
            let var = self.vars.entry(k).or_insert(Var {
                value: String::new(),
                exported: false,
                readonly: false,
            });
            if which == "export" {
                var.exported = true;
            } else {
                var.readonly = true;
            }
        }
        Ok(())
    }

    async fn set_builtin(&mut self, args: &[String]) {
        if args.is_empty() {
            let mut out = String::new();
            for (k, v) in &self.vars {
                out.push_str(&format!("{k}='{}'\n", v.value.replace('\'', "'\"'\"'")));
            }
            let _ = self.p.out(&out).await;
            return;
        }
        let mut i = 0;
        while let Some(a) = args.get(i) {
            if a == "--" {
                i += 1;
                self.positional = args[i..].to_vec();
                return;
            }
            let (on, flags) = match a.chars().next() {
                Some('-') => (true, &a[1..]),
                Some('+') => (false, &a[1..]),
                _ => break,
            };
            if flags == "o" {
                if let Some(opt) = args.get(i + 1) {
                    match opt.as_str() {
                        "errexit" => self.errexit = on,
                        "xtrace" => self.xtrace = on,
                        _ => {}
                    }
                    i += 2;
                    continue;
                }
            }
            for c in flags.chars() {
                match c {
                    'e' => self.errexit = on,
                    'x' => self.xtrace = on,
                    'u' | 'f' | 'v' | 'm' | 'n' | 'C' => {}
                    _ => {
                        self.builtin_error("set", &format!("-{c}: invalid option"))
                            .await;
                        self.status = 2;
                        return;
                    }
                }
            }
            i += 1;
        }
        if i < args.len() {
            self.positional = args[i..].to_vec();
        }
    }

    async fn trap(&mut self, args: &[String]) {
        if args.is_empty() {
            let mut out = String::new();
            for (on, action) in &self.traps {
                let name = match on {
                    TrapOn::Exit => "EXIT".to_string(),
                    TrapOn::Sig(s) => s.name().to_string(),
                };
                out.push_str(&format!(
                    "trap -- '{}' {name}\n",
                    action.replace('\'', "'\"'\"'")
                ));
            }
            let _ = self.p.out(&out).await;
            return;
        }
        let (action, sigs): (Option<String>, &[String]) = if args.len() == 1 {
            // `trap SIG` alone resets it.
            (None, args)
        } else if args[0] == "-" {
            (None, &args[1..])
        } else {
            (Some(args[0].clone()), &args[1..])
        };
        for s in sigs {
            let on = if s == "0" || s.eq_ignore_ascii_case("EXIT") {
                TrapOn::Exit
            } else {
                match Signal::parse(s) {
                    Some(sig) => TrapOn::Sig(sig),
                    None => {
                        self.builtin_error("trap", &format!("{s}: bad trap")).await;
                        self.status = 1;
                        continue;
                    }
                }
            };
            match &action {
                Some(a) => {
                    self.traps.insert(on, a.clone());
                    if let TrapOn::Sig(sig) = on {
                        self.p.set_disposition(sig, disposition_for(a));
                    }
                }
                None => {
                    self.traps.remove(&on);
                    if let TrapOn::Sig(sig) = on {
                        self.p.set_disposition(sig, Disposition::Default);
                    }
                }
            }
        }
    }

    async fn read_builtin(&mut self, args: &[String]) {
        let mut raw = false;
        let mut prompt = None;
        let mut names = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-r" => raw = true,
                "-p" => {
                    prompt = args.get(i + 1).cloned();
                    i += 1;
                }
                n => names.push(n.to_string()),
            }
            i += 1;
        }
        if let Some(p) = prompt {
            let _ = self.p.err(&p).await;
        }
        if names.is_empty() {
            names.push("REPLY".to_string());
        }
        let mut line = String::new();
        let mut eof = false;
        loop {
            match self.p.read_byte(0).await {
                None => {
                    eof = true;
                    break;
                }
                Some(b'\n') => break,
                Some(b'\\') if !raw => match self.p.read_byte(0).await {
                    Some(b'\n') | None => {}
                    Some(b) => line.push(char::from(b)),
                },
                Some(b) => line.push(char::from(b)),
            }
        }
        let ifs = self.get_var("IFS").unwrap_or(" \t\n").to_string();
        let is_sep = |c: char| ifs.contains(c);
        let mut rest = line
            .trim_start_matches(|c: char| is_sep(c) && c.is_whitespace())
            .to_string();
        for (k, name) in names.iter().enumerate() {
            let value = if k + 1 == names.len() {
                std::mem::take(&mut rest)
                    .trim_end_matches(|c: char| is_sep(c) && c.is_whitespace())
                    .to_string()
            } else {
                let end = rest.find(is_sep).unwrap_or(rest.len());
                let v = rest[..end].to_string();
                rest = rest[end..].trim_start_matches(is_sep).to_string();
                v
            };
            self.set_var(name, &value);
        }
        self.status = i32::from(eof && line.is_empty());
        if eof && !line.is_empty() {
            self.status = 1;
        }
    }

    async fn wait_builtin(&mut self, args: &[String]) -> R {
        let pids: Vec<u32> = if args.is_empty() {
            self.jobs.clone()
        } else {
            let mut v = Vec::new();
            for a in args {
                match a.parse::<u32>() {
                    Ok(p) => v.push(p),
                    Err(_) => {
                        self.builtin_error("wait", &format!("Illegal number: {a}"))
                            .await;
                        self.status = 2;
                        return Err(Ctl::Exit(2));
                    }
                }
            }
            v
        };
        let mut status = 0;
        for pid in pids {
            if !self.p.is_child(pid) {
                status = 127;
                continue;
            }
            match self.p.wait_or_signal(pid).await {
                Ok(s) => {
                    status = s.map_or(127, |s| s.code());
                    self.jobs.retain(|j| *j != pid);
                }
                Err(()) => {
                    // A trapped signal interrupts `wait`: status 128+n.
                    self.status = 128 + 15;
                    return self.run_traps().await;
                }
            }
        }
        self.status = status;
        Ok(())
    }

    async fn kill_builtin(&mut self, args: &[String]) {
        let mut sig = Signal::Term;
        let mut rest: &[String] = args;
        match rest.first().map(String::as_str) {
            Some("-l") => {
                let _ = self
                    .p
                    .out(&crate::userland::commands::common::kill_list())
                    .await;
                return;
            }
            Some("-s") => {
                let Some(name) = rest.get(1) else {
                    self.status = 1;
                    return;
                };
                match Signal::parse(name) {
                    Some(s) => sig = s,
                    None => {
                        self.error(&format!("bad signal name '{name}'")).await;
                        self.status = 1;
                        return;
                    }
                }
                rest = &rest[2..];
            }
            Some(a) if a.starts_with('-') && a.len() > 1 => {
                match Signal::parse(&a[1..]) {
                    Some(s) => sig = s,
                    None => {
                        self.error(&format!("bad signal name '{}'", &a[1..])).await;
                        self.status = 1;
                        return;
                    }
                }
                rest = &rest[1..];
            }
            _ => {}
        }
        if rest.is_empty() {
            let _ = self
                .p
                .err("kill: usage: kill [-s SIGNAL | -SIGNAL] PID...\n")
                .await;
            self.status = 1;
            return;
        }
        for a in rest {
            let pid = match a.parse::<u32>() {
                Ok(p) => p,
                Err(_) => {
                    self.error(&format!("invalid number '{a}'")).await;
                    self.status = 1;
                    continue;
                }
            };
            if !self.p.kill(pid, sig) {
                self.error(&format!("can't kill pid {pid}: No such process"))
                    .await;
                self.status = 1;
            }
        }
    }
}
