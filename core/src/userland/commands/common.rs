//! Logic shared by applets and shell builtins (`echo`, `printf`, `test`),
//! plus small helpers every applet uses.

use crate::userland::fs::{Fs, Kind};
use crate::userland::proc::{ExitStatus, Proc};

/// busybox `echo`: leading `-n`, `-e`, `-E` (combinable); escapes with `-e`.
pub fn echo_text(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let flags = match a.strip_prefix('-') {
            Some(f) if !f.is_empty() && f.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) => f,
            _ => break,
        };
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let mut out = String::new();
    for (k, a) in args[i..].iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if escapes {
            let (s, stop) = unescape(a, true);
            out.push_str(&s);
            if stop {
                return out;
            }
        } else {
            out.push_str(a);
        }
    }
    if newline {
        out.push('\n');
    }
    out
}

/// Backslash escapes as `echo -e` and `printf` understand them; the flag
/// says `\c` was met (stop all output).
pub fn unescape(s: &str, echo_octal: bool) -> (String, bool) {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] != '\\' || i + 1 >= cs.len() {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        i += 1;
        let c = cs[i];
        i += 1;
        match c {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'c' => return (out, true),
            'e' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            'x' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i < cs.len() && cs[i].is_ascii_hexdigit() {
                    v = v * 16 + cs[i].to_digit(16).unwrap_or(0);
                    i += 1;
                    n += 1;
                }
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('?'));
                }
            }
            '0'..='7' => {
                // echo: \0NNN; printf: \NNN.
                let mut v = 0u32;
                let mut n = 0;
                let mut j = i - 1;
                if echo_octal && c == '0' {
                    j = i;
                }
                while n < 3 && j < cs.len() && ('0'..='7').contains(&cs[j]) {
                    v = v * 8 + cs[j].to_digit(8).unwrap_or(0);
                    j += 1;
                    n += 1;
                }
                i = j;
                out.push(char::from_u32(v & 0xff).unwrap_or('?'));
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

fn parse_int_arg(s: &str) -> Result<i64, ()> {
    let t = s.trim();
    if let Some(c) = t.strip_prefix('\'').or_else(|| t.strip_prefix('"')) {
        return Ok(c.chars().next().map_or(0, |c| c as i64));
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).map_err(|_| ())?
    } else if body.len() > 1 && body.starts_with('0') {
        i64::from_str_radix(&body[1..], 8).map_err(|_| ())?
    } else {
        body.parse::<i64>().map_err(|_| ())?
    };
    Ok(if neg { -v } else { v })
}

fn pad(s: String, width: usize, left: bool, zero: bool) -> String {
    let n = s.chars().count();
    if n >= width {
        return s;
    }
    let fill = width - n;
    if left {
        format!("{s}{}", " ".repeat(fill))
    } else if zero {
        let (sign, digits) = if s.starts_with('-') || s.starts_with('+') {
            s.split_at(1)
        } else {
            ("", s.as_str())
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

/// `printf FORMAT ARGS…`: the output and the error messages (without the
/// `printf: ` prefix) for arguments that were not numbers.
pub fn printf_text(fmt: &str, args: &[String]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut errs = Vec::new();
    let fc: Vec<char> = fmt.chars().collect();
    let mut ai = 0;
    // The format is reused while arguments remain (at least one pass).
    for _pass in 0..10_000 {
        let mut i = 0;
        let mut consumed = false;
        while i < fc.len() {
            let c = fc[i];
            if c == '\\' {
                let mut j = i + 1;
                let mut esc = String::from("\\");
                if j < fc.len() {
                    esc.push(fc[j]);
                    j += 1;
                    if fc[j - 1].is_digit(8) || fc[j - 1] == 'x' {
                        while j < fc.len() && j < i + 4 && fc[j].is_ascii_hexdigit() {
                            esc.push(fc[j]);
                            j += 1;
                        }
                    }
                }
                let (s, stop) = unescape(&esc, false);
                out.push_str(&s);
                if stop {
                    return (out, errs);
                }
                i = j;
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            if fc.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut left = false;
            let mut zero = false;
            let mut plus = false;
            let mut space = false;
            while let Some(f) = fc.get(i) {
                match f {
                    '-' => left = true,
                    '0' => zero = true,
                    '+' => plus = true,
                    ' ' => space = true,
                    '#' => {}
                    _ => break,
                }
                i += 1;
            }
            let mut width = String::new();
            while let Some(d) = fc.get(i).filter(|d| d.is_ascii_digit()) {
                width.push(*d);
                i += 1;
            }
            let mut prec: Option<usize> = None;
            if fc.get(i) == Some(&'.') {
                i += 1;
                let mut p = String::new();
                while let Some(d) = fc.get(i).filter(|d| d.is_ascii_digit()) {
                    p.push(*d);
                    i += 1;
                }
                prec = Some(p.parse().unwrap_or(0));
            }
            let width: usize = width.parse().unwrap_or(0).min(10_000);
            let Some(conv) = fc.get(i).copied() else {
                break;
            };
            i += 1;
            let arg = args.get(ai).cloned();
            if arg.is_some() {
                consumed = true;
            }
            ai += 1;
            let arg_s = arg.unwrap_or_default();
            let num = |errs: &mut Vec<String>| -> i64 {
                if arg_s.is_empty() {
                    return 0;
                }
                match parse_int_arg(&arg_s) {
                    Ok(v) => v,
                    Err(()) => {
                        errs.push(format!("invalid number '{arg_s}'"));
                        0
                    }
                }
            };
            let s = match conv {
                's' => {
                    let mut s = arg_s.clone();
                    if let Some(p) = prec {
                        s = s.chars().take(p).collect();
                    }
                    s
                }
                'b' => unescape(&arg_s, true).0,
                'c' => arg_s.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' => {
                    let v = num(&mut errs);
                    let mut s = v.to_string();
                    if v >= 0 && plus {
                        s.insert(0, '+');
                    } else if v >= 0 && space {
                        s.insert(0, ' ');
                    }
                    s
                }
                'u' => (num(&mut errs) as u64).to_string(),
                'x' => format!("{:x}", num(&mut errs)),
                'X' => format!("{:X}", num(&mut errs)),
                'o' => format!("{:o}", num(&mut errs)),
                'f' | 'e' | 'g' | 'E' | 'G' => {
                    let v: f64 = if arg_s.is_empty() {
                        0.0
                    } else {
                        arg_s.trim().parse().unwrap_or_else(|_| {
                            errs.push(format!("invalid number '{arg_s}'"));
                            0.0
                        })
                    };
                    let p = prec.unwrap_or(6);
                    match conv {
                        'f' => format!("{v:.p$}"),
                        'e' | 'E' => {
                            let s = format!("{v:.p$e}");
                            // Rust writes `1.5e0`; C writes `1.500000e+00`.
                            let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                            let e: i32 = e.parse().unwrap_or(0);
                            let r = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                            if conv == 'E' {
                                r.to_uppercase()
                            } else {
                                r
                            }
                        }
                        _ => {
                            let s = format!("{v}");
                            s
                        }
                    }
                }
                other => {
                    out.push('%');
                    out.push(other);
                    continue;
                }
            };
            out.push_str(&pad(s, width, left, zero && !left && conv != 's'));
        }
        if !consumed || ai >= args.len() {
            break;
        }
    }
    (out, errs)
}

/// A `test` failure message, without the `sh: ` / `test: ` prefix.
#[derive(Debug, PartialEq, Eq)]
pub struct TestError(pub String);

fn is_binop(s: &str) -> bool {
    matches!(
        s,
        "=" | "=="
            | "!="
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "<"
            | ">"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

fn is_unop(s: &str) -> bool {
    matches!(
        s,
        "-e" | "-f"
            | "-d"
            | "-s"
            | "-r"
            | "-w"
            | "-x"
            | "-L"
            | "-h"
            | "-n"
            | "-z"
            | "-b"
            | "-c"
            | "-p"
            | "-S"
            | "-t"
            | "-g"
            | "-u"
            | "-k"
            | "-O"
            | "-G"
    )
}

struct TestP<'a> {
    a: &'a [String],
    i: usize,
    fs: &'a Fs,
    cwd: &'a str,
    depth: usize,
}

fn test_num(s: &str) -> Result<i64, TestError> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| TestError(format!("{s}: bad number")))
}

impl TestP<'_> {
    fn or(&mut self) -> Result<bool, TestError> {
        let mut v = self.and()?;
        while self.a.get(self.i).map(String::as_str) == Some("-o") {
            self.i += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, TestError> {
        let mut v = self.not()?;
        while self.a.get(self.i).map(String::as_str) == Some("-a") {
            self.i += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> Result<bool, TestError> {
        self.depth += 1;
        if self.depth > 100 {
            return Err(TestError("expression too complex".to_string()));
        }
        if self.a.get(self.i).map(String::as_str) == Some("!") && self.i + 1 < self.a.len() {
            self.i += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, TestError> {
        let rem = self.a.len() - self.i;
        let Some(first) = self.a.get(self.i).cloned() else {
            return Err(TestError("argument expected".to_string()));
        };
        if rem >= 3 && is_binop(&self.a[self.i + 1]) {
            let op = self.a[self.i + 1].clone();
            let rhs = self.a[self.i + 2].clone();
            self.i += 3;
            return self.binary(&first, &op, &rhs);
        }
        if first == "(" && rem >= 3 {
            self.i += 1;
            let v = self.or()?;
            if self.a.get(self.i).map(String::as_str) != Some(")") {
                return Err(TestError("missing )".to_string()));
            }
            self.i += 1;
            return Ok(v);
        }
        if is_unop(&first) && rem >= 2 {
            let arg = self.a[self.i + 1].clone();
            self.i += 2;
            return Ok(self.unary(&first, &arg));
        }
        self.i += 1;
        Ok(!first.is_empty())
    }

    fn unary(&self, op: &str, arg: &str) -> bool {
        match op {
            "-n" => !arg.is_empty(),
            "-z" => arg.is_empty(),
            "-t" => false,
            "-L" | "-h" => self
                .fs
                .lstat(self.cwd, arg)
                .is_ok_and(|s| s.kind == Kind::Link),
            _ => {
                let Ok(st) = self.fs.stat(self.cwd, arg) else {
                    return false;
                };
                match op {
                    "-e" | "-r" | "-w" => true,
                    "-f" => st.kind == Kind::File,
                    "-d" => st.kind == Kind::Dir,
                    "-s" => st.kind == Kind::File && st.size > 0 || st.kind == Kind::Dir,
                    "-x" => st.meta.mode & 0o111 != 0,
                    "-k" => st.meta.mode & 0o1000 != 0,
                    "-O" | "-G" => true,
                    _ => false,
                }
            }
        }
    }

    fn binary(&self, a: &str, op: &str, b: &str) -> Result<bool, TestError> {
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-nt" | "-ot" | "-ef" => {
                let ma = self.fs.stat(self.cwd, a).map(|s| s.meta.mtime).ok();
                let mb = self.fs.stat(self.cwd, b).map(|s| s.meta.mtime).ok();
                match op {
                    "-nt" => ma > mb,
                    "-ot" => ma < mb && ma.is_some(),
                    _ => {
                        ma.is_some()
                            && self.fs.resolve(self.cwd, a, true).ok()
                                == self.fs.resolve(self.cwd, b, true).ok()
                    }
                }
            }
            _ => {
                let x = test_num(a)?;
                let y = test_num(b)?;
                match op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    _ => x >= y,
                }
            }
        })
    }
}

/// Evaluates `test` arguments (without a closing `]`).
pub fn test_eval(args: &[String], fs: &Fs, cwd: &str) -> Result<bool, TestError> {
    if args.is_empty() {
        return Ok(false);
    }
    let mut p = TestP {
        a: args,
        i: 0,
        fs,
        cwd,
        depth: 0,
    };
    let v = p.or()?;
    if p.i < args.len() {
        return Err(TestError(format!("{}: unknown operand", args[p.i])));
    }
    Ok(v)
}

/// `kill -l`: the signal table as busybox prints it.
pub fn kill_list() -> String {
    const NAMES: [&str; 31] = [
        "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
        "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
        "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS",
    ];
    let mut s = String::new();
    for (i, n) in NAMES.iter().enumerate() {
        s.push_str(&format!("{:>2}) {n}\n", i + 1));
    }
    s
}

/// Splits leading single-letter options (`-abc`, `-n 5`, `-n5`) from
/// operands. `with_value` lists options that take a value.
pub struct Opts {
    pub flags: Vec<char>,
    pub values: Vec<(char, String)>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }
    pub fn value(&self, c: char) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses options the way getopt does, stopping at `--` or the first
/// operand; an unknown option is returned as `Err(c)`.
pub fn getopt(args: &[String], flags: &str, with_value: &str) -> Result<Opts, char> {
    let mut o = Opts {
        flags: Vec::new(),
        values: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        let cs: Vec<char> = a.chars().skip(1).collect();
        let mut k = 0;
        while k < cs.len() {
            let c = cs[k];
            if with_value.contains(c) {
                let rest: String = cs[k + 1..].iter().collect();
                let v = if !rest.is_empty() {
                    rest
                } else {
                    i += 1;
                    match args.get(i) {
                        Some(v) => v.clone(),
                        None => return Err(c),
                    }
                };
                o.values.push((c, v));
                break;
            }
            if !flags.contains(c) {
                return Err(c);
            }
            o.flags.push(c);
            k += 1;
        }
        i += 1;
    }
    o.operands = args[i.min(args.len())..].to_vec();
    Ok(o)
}

/// Prints `applet: msg` on stderr.
pub async fn complain(p: &Proc, msg: &str) {
    let name = applet_name(p);
    let _ = p.err(&format!("{name}: {msg}\n")).await;
}

/// The applet's name as busybox prints it (basename of argv[0]).
pub fn applet_name(p: &Proc) -> String {
    let a = p.argv.first().map(String::as_str).unwrap_or("busybox");
    a.rsplit('/').next().unwrap_or(a).to_string()
}

/// busybox's short usage error: `applet: invalid option -- 'x'` and the
/// "BusyBox … multi-call binary" usage line.
pub async fn bad_option(p: &Proc, c: char) -> ExitStatus {
    let name = applet_name(p);
    let _ = p
        .err(&format!(
            "{name}: invalid option -- '{c}'\nBusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: {name} [OPTIONS]\n"
        ))
        .await;
    ExitStatus::FAILURE
}

/// Reads a file operand (`-` is stdin) for text applets.
pub async fn read_input(p: &Proc, name: &str) -> Result<Vec<u8>, String> {
    if name == "-" {
        return Ok(p.read_all(0).await);
    }
    p.fs().read(&p.cwd, name).map_err(|e| e.text().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::userland::fs::Image;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn echo_matches_busybox() {
        let cases = [
            ("plain words", vec!["a", "b"], "a b\n"),
            ("no newline", vec!["-n", "a"], "a"),
            (
                "escapes with -e",
                vec!["-e", "a\\tb\\n", "-n", "x"],
                "a\tb\n -n x\n",
            ),
            ("escapes ignored without -e", vec!["a\\nb"], "a\\nb\n"),
            ("backslash c stops output", vec!["-e", "a\\cb"], "a"),
            ("not an option", vec!["-x", "a"], "-x a\n"),
        ];
        for (name, args, want) in cases {
            assert_eq!(echo_text(&s(&args)), want, "{name}");
        }
    }

    #[test]
    fn printf_matches_busybox() {
        let cases = [
            (
                "mixed conversions",
                "%s-%d-%5s|%-3s|%x %o %c %%\\n",
                vec!["a", "42", "r", "l", "255", "8", "xyz"],
                "a-42-    r|l  |ff 10 x %\n",
                0,
            ),
            ("format reuse", "%s\\n", vec!["a", "b", "c"], "a\nb\nc\n", 0),
            ("bad number", "%d\\n", vec!["abc"], "0\n", 1),
            ("zero padding", "%05d", vec!["42"], "00042", 0),
            ("float precision", "%.2f", vec!["3.14159"], "3.14", 0),
        ];
        for (name, fmt, args, want, nerr) in cases {
            let (out, errs) = printf_text(fmt, &s(&args));
            assert_eq!(out, want, "{name}");
            assert_eq!(errs.len(), nerr, "{name}");
        }
    }

    #[test]
    fn test_evaluates_expressions() {
        let img = Image::builder()
            .file("etc/x", "1", 0o644)
            .dir("tmp", 0o777)
            .build();
        let fs = Fs::new(&img);
        let cases: Vec<(&str, Vec<&str>, Result<bool, TestError>)> = vec![
            ("file exists", vec!["-f", "/etc/x"], Ok(true)),
            ("dir is not a file", vec!["-f", "/tmp"], Ok(false)),
            ("negation", vec!["!", "-d", "/etc/x"], Ok(true)),
            ("string equality", vec!["a", "=", "a"], Ok(true)),
            ("integer comparison", vec!["3", "-gt", "10"], Ok(false)),
            (
                "and/or",
                vec!["-n", "x", "-a", "-z", "", "-o", "a", "=", "b"],
                Ok(true),
            ),
            ("empty string is false", vec![""], Ok(false)),
            ("lone -n is a non-empty string", vec!["-n"], Ok(true)),
            (
                "bad number",
                vec!["a", "-lt", "3"],
                Err(TestError("a: bad number".into())),
            ),
        ];
        for (name, args, want) in cases {
            assert_eq!(test_eval(&s(&args), &fs, "/"), want, "{name}");
        }
    }
}
