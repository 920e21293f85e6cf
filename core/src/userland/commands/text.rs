//! Text applets and the small regular-expression matcher they share.

use super::applet;
use super::common::{bad_option, complain, getopt, read_input};
use crate::userland::proc::{ExitStatus, Proc, Signal};
use crate::util::sort;

applet!(grep, grep_main);
applet!(sed, sed_main);
applet!(sort, sort_main);
applet!(uniq, uniq_main);
applet!(tr, tr_main);
applet!(cut, cut_main);
applet!(base64, base64_main);

fn args(p: &Proc) -> Vec<String> {
    p.argv.iter().skip(1).cloned().collect()
}

async fn out(p: &Proc, data: &[u8]) -> Result<(), ExitStatus> {
    p.write(1, data)
        .await
        .map_err(|_| ExitStatus::Signaled(Signal::Pipe))
}

// ---- regular expressions ----

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(bool, Vec<(char, char)>),
    Start,
    End,
    Group(Vec<Vec<Node>>, usize),
    Repeat(Box<Node>, usize, usize),
}

/// A compiled POSIX basic or extended regular expression (the subset
/// scripts use: `. * + ? ^ $ [] () | {m,n}`).
#[derive(Clone, Debug)]
pub struct Regex {
    alts: Vec<Vec<Node>>,
    groups: usize,
    icase: bool,
}

struct Compiler {
    cs: Vec<char>,
    i: usize,
    ere: bool,
    groups: usize,
    depth: usize,
}

impl Compiler {
    fn special(&self, c: char) -> Option<&'static str> {
        // Which token this position is: a BRE spells `\(`, an ERE `(`.
        let next = self.cs.get(self.i + 1).copied();
        match (self.ere, c, next) {
            (true, '(', _) => Some("("),
            (true, ')', _) => Some(")"),
            (true, '|', _) => Some("|"),
            (false, '\\', Some('(')) => Some("\\("),
            (false, '\\', Some(')')) => Some("\\)"),
            (false, '\\', Some('|')) => Some("\\|"),
            _ => None,
        }
    }

    fn alts(&mut self) -> Result<Vec<Vec<Node>>, String> {
        self.depth += 1;
        if self.depth > 50 {
            return Err("regex too complex".into());
        }
        let mut alts = vec![self.seq()?];
        while let Some(c) = self.cs.get(self.i).copied() {
            match self.special(c) {
                Some("|") => self.i += 1,
                Some("\\|") => self.i += 2,
                _ => break,
            }
            alts.push(self.seq()?);
        }
        self.depth -= 1;
        Ok(alts)
    }

    fn seq(&mut self) -> Result<Vec<Node>, String> {
        let mut seq: Vec<Node> = Vec::new();
        while let Some(c) = self.cs.get(self.i).copied() {
            if matches!(self.special(c), Some(")" | "\\)" | "|" | "\\|")) {
                break;
            }
            let atom = match self.special(c) {
                Some("(") | Some("\\(") => {
                    self.i += if self.ere { 1 } else { 2 };
                    self.groups += 1;
                    let idx = self.groups;
                    let inner = self.alts()?;
                    match self.cs.get(self.i) {
                        Some(')') if self.ere => self.i += 1,
                        Some('\\') if !self.ere && self.cs.get(self.i + 1) == Some(&')') => {
                            self.i += 2
                        }
                        _ => return Err("Unmatched ( or \\(".into()),
                    }
                    Node::Group(inner, idx)
                }
                _ => {
                    self.i += 1;
                    match c {
                        '.' => Node::Any,
                        '^' if seq.is_empty() => Node::Start,
                        '$' if self.i == self.cs.len()
                            || matches!(
                                self.special(self.cs[self.i]),
                                Some(")" | "\\)" | "|" | "\\|")
                            ) =>
                        {
                            Node::End
                        }
                        '[' => self.class()?,
                        '\\' => {
                            let Some(n) = self.cs.get(self.i).copied() else {
                                return Err("Trailing backslash".into());
                            };
                            self.i += 1;
                            match n {
                                'w' => Node::Class(
                                    false,
                                    vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
                                ),
                                's' => Node::Class(
                                    false,
                                    vec![(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')],
                                ),
                                'd' => Node::Class(false, vec![('0', '9')]),
                                '+' if !self.ere => {
                                    apply_repeat(&mut seq, 1, usize::MAX);
                                    continue;
                                }
                                '?' if !self.ere => {
                                    apply_repeat(&mut seq, 0, 1);
                                    continue;
                                }
                                '{' if !self.ere => {
                                    let (lo, hi) = self.braces(true)?;
                                    apply_repeat(&mut seq, lo, hi);
                                    continue;
                                }
                                'n' => Node::Char('\n'),
                                't' => Node::Char('\t'),
                                other => Node::Char(other),
                            }
                        }
                        '*' if !seq.is_empty() => {
                            apply_repeat(&mut seq, 0, usize::MAX);
                            continue;
                        }
                        '+' if self.ere && !seq.is_empty() => {
                            apply_repeat(&mut seq, 1, usize::MAX);
                            continue;
                        }
                        '?' if self.ere && !seq.is_empty() => {
                            apply_repeat(&mut seq, 0, 1);
                            continue;
                        }
                        '{' if self.ere && !seq.is_empty() => {
                            let (lo, hi) = self.braces(false)?;
                            apply_repeat(&mut seq, lo, hi);
                            continue;
                        }
                        other => Node::Char(other),
                    }
                }
            };
            seq.push(atom);
        }
        Ok(seq)
    }

    fn braces(&mut self, bre: bool) -> Result<(usize, usize), String> {
        let mut body = String::new();
        loop {
            let Some(c) = self.cs.get(self.i).copied() else {
                return Err("Unmatched \\{".into());
            };
            self.i += 1;
            if bre && c == '\\' && self.cs.get(self.i) == Some(&'}') {
                self.i += 1;
                break;
            }
            if !bre && c == '}' {
                break;
            }
            body.push(c);
        }
        let bad = || "Invalid content of \\{\\}".to_string();
        match body.split_once(',') {
            None => {
                let n = body.parse().map_err(|_| bad())?;
                Ok((n, n))
            }
            Some((a, "")) => Ok((a.parse().map_err(|_| bad())?, usize::MAX)),
            Some((a, b)) => Ok((a.parse().unwrap_or(0), b.parse().map_err(|_| bad())?)),
        }
    }

    fn class(&mut self) -> Result<Node, String> {
        let mut neg = false;
        if self.cs.get(self.i) == Some(&'^') {
            neg = true;
            self.i += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.cs.get(self.i).copied() else {
                return Err("Unmatched [, [^, [:, [., or [=".into());
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.cs.get(self.i + 1) == Some(&':') {
                let rest: String = self.cs[self.i + 2..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = &rest[..end];
                    items.extend(named_class(name));
                    self.i += 2 + end + 2;
                    continue;
                }
            }
            self.i += 1;
            if self.cs.get(self.i) == Some(&'-')
                && self.cs.get(self.i + 1).is_some_and(|n| *n != ']')
            {
                let hi = self.cs[self.i + 1];
                self.i += 2;
                items.push((c, hi));
            } else {
                items.push((c, c));
            }
        }
        Ok(Node::Class(neg, items))
    }
}

fn named_class(name: &str) -> Vec<(char, char)> {
    match name {
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "digit" => vec![('0', '9')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        _ => vec![],
    }
}

fn apply_repeat(seq: &mut Vec<Node>, lo: usize, hi: usize) {
    if let Some(last) = seq.pop() {
        seq.push(Node::Repeat(Box::new(last), lo, hi));
    }
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    Class(bool, Vec<(char, char)>),
    Start,
    End,
    Save(usize),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// Repetition counts above this are clamped (the program is expanded).
const MAX_REPEAT: usize = 255;
const MAX_PROGRAM: usize = 20_000;

fn emit(prog: &mut Vec<Inst>, n: &Node) -> Result<(), String> {
    if prog.len() > MAX_PROGRAM {
        return Err("regex too big".into());
    }
    match n {
        Node::Char(c) => prog.push(Inst::Char(*c)),
        Node::Any => prog.push(Inst::Any),
        Node::Class(neg, items) => prog.push(Inst::Class(*neg, items.clone())),
        Node::Start => prog.push(Inst::Start),
        Node::End => prog.push(Inst::End),
        Node::Group(alts, idx) => {
            prog.push(Inst::Save(2 * idx));
            emit_alts(prog, alts)?;
            prog.push(Inst::Save(2 * idx + 1));
        }
        Node::Repeat(node, lo, hi) => {
            let lo = (*lo).min(MAX_REPEAT);
            for _ in 0..lo {
                emit(prog, node)?;
            }
            if *hi == usize::MAX {
                let l = prog.len();
                prog.push(Inst::Split(l + 1, 0));
                emit(prog, node)?;
                prog.push(Inst::Jmp(l));
                let end = prog.len();
                prog[l] = Inst::Split(l + 1, end);
            } else {
                let extra = hi.saturating_sub(lo).min(MAX_REPEAT);
                let mut holes = Vec::new();
                for _ in 0..extra {
                    holes.push(prog.len());
                    prog.push(Inst::Split(0, 0));
                    emit(prog, node)?;
                }
                let end = prog.len();
                for h in holes {
                    prog[h] = Inst::Split(h + 1, end);
                }
            }
        }
    }
    Ok(())
}

fn emit_alts(prog: &mut Vec<Inst>, alts: &[Vec<Node>]) -> Result<(), String> {
    let mut jumps = Vec::new();
    for (i, alt) in alts.iter().enumerate() {
        let last = i + 1 == alts.len();
        let split = prog.len();
        if !last {
            prog.push(Inst::Split(split + 1, 0));
        }
        for n in alt {
            emit(prog, n)?;
        }
        if !last {
            jumps.push(prog.len());
            prog.push(Inst::Jmp(0));
            let next = prog.len();
            prog[split] = Inst::Split(split + 1, next);
        }
    }
    let end = prog.len();
    for j in jumps {
        prog[j] = Inst::Jmp(end);
    }
    Ok(())
}

type Caps = Vec<Option<usize>>;

impl Regex {
    pub fn new(pattern: &str, extended: bool, icase: bool) -> Result<Regex, String> {
        let mut c = Compiler {
            cs: pattern.chars().collect(),
            i: 0,
            ere: extended,
            groups: 0,
            depth: 0,
        };
        let alts = c.alts()?;
        if c.i < c.cs.len() {
            return Err("Unmatched ) or \\)".into());
        }
        Ok(Regex {
            alts,
            groups: c.groups,
            icase,
        })
    }

    fn program(&self) -> Result<Vec<Inst>, String> {
        let mut prog = vec![Inst::Save(0)];
        emit_alts(&mut prog, &self.alts)?;
        prog.push(Inst::Save(1));
        prog.push(Inst::Match);
        Ok(prog)
    }

    /// The leftmost match at or after `start`: capture spans (0 = whole).
    pub fn find_at(&self, s: &[char], start: usize) -> Option<Vec<Option<(usize, usize)>>> {
        let prog = self.program().ok()?;
        let ncap = 2 * (self.groups + 1);
        let mut visited = vec![usize::MAX; prog.len()];
        let mut gen = 0usize;
        let mut clist: Vec<(usize, Caps)> = Vec::new();
        let mut matched: Option<Caps> = None;
        for pos in start..=s.len() {
            if matched.is_none() {
                let mut l = std::mem::take(&mut clist);
                gen += 1;
                for (pc, _) in &l {
                    visited[*pc] = gen;
                }
                self.add(
                    &prog,
                    &mut l,
                    &mut visited,
                    gen,
                    0,
                    pos,
                    s.len(),
                    vec![None; ncap],
                );
                clist = l;
            }
            if clist.is_empty() {
                if matched.is_some() {
                    break;
                }
                continue;
            }
            gen += 1;
            let mut nlist: Vec<(usize, Caps)> = Vec::new();
            for (pc, caps) in std::mem::take(&mut clist) {
                let ok = match &prog[pc] {
                    Inst::Match => {
                        matched = Some(caps);
                        break;
                    }
                    Inst::Char(c) => s.get(pos).is_some_and(|x| {
                        *x == *c || (self.icase && x.to_lowercase().eq(c.to_lowercase()))
                    }),
                    Inst::Any => s.get(pos).is_some_and(|x| *x != '\n'),
                    Inst::Class(neg, items) => s.get(pos).is_some_and(|x| {
                        let (l, u) = (x.to_ascii_lowercase(), x.to_ascii_uppercase());
                        let hit = items.iter().any(|(a, b)| {
                            (*a <= *x && *x <= *b)
                                || (self.icase && ((*a <= l && l <= *b) || (*a <= u && u <= *b)))
                        });
                        hit != *neg
                    }),
                    _ => false,
                };
                if ok {
                    self.add(
                        &prog,
                        &mut nlist,
                        &mut visited,
                        gen,
                        pc + 1,
                        pos + 1,
                        s.len(),
                        caps,
                    );
                }
            }
            clist = nlist;
            if clist.is_empty() && matched.is_some() {
                break;
            }
        }
        let caps = matched?;
        let spans = (0..=self.groups)
            .map(|g| {
                match (
                    caps.get(2 * g).copied().flatten(),
                    caps.get(2 * g + 1).copied().flatten(),
                ) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                }
            })
            .collect();
        Some(spans)
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &self,
        prog: &[Inst],
        list: &mut Vec<(usize, Caps)>,
        visited: &mut [usize],
        gen: usize,
        pc: usize,
        pos: usize,
        len: usize,
        mut caps: Caps,
    ) {
        // An explicit stack: epsilon closures can be long (`a{0,255}`).
        let mut stack: Vec<(usize, Caps)> = vec![(pc, std::mem::take(&mut caps))];
        while let Some((pc, mut caps)) = stack.pop() {
            if pc >= prog.len() || visited[pc] == gen {
                continue;
            }
            visited[pc] = gen;
            match &prog[pc] {
                Inst::Jmp(x) => stack.push((*x, caps)),
                Inst::Split(x, y) => {
                    stack.push((*y, caps.clone()));
                    stack.push((*x, caps));
                }
                Inst::Save(n) => {
                    if let Some(slot) = caps.get_mut(*n) {
                        *slot = Some(pos);
                    }
                    stack.push((pc + 1, caps));
                }
                Inst::Start => {
                    if pos == 0 {
                        stack.push((pc + 1, caps));
                    }
                }
                Inst::End => {
                    if pos == len {
                        stack.push((pc + 1, caps));
                    }
                }
                _ => list.push((pc, caps)),
            }
        }
    }

    pub fn is_match(&self, line: &str) -> bool {
        let cs: Vec<char> = line.chars().collect();
        self.find_at(&cs, 0).is_some()
    }
}

/// `expr STRING : REGEX`: anchored at the start; the first group's text,
/// or the match length when the pattern has no group.
pub fn expr_match(s: &str, re: &str) -> (String, Option<i64>) {
    let anchored = if re.starts_with('^') {
        re.to_string()
    } else {
        format!("^{re}")
    };
    let Ok(r) = Regex::new(&anchored, false, false) else {
        return (String::new(), Some(0));
    };
    let cs: Vec<char> = s.chars().collect();
    match r.find_at(&cs, 0) {
        Some(spans) if r.groups > 0 => {
            let t = spans
                .get(1)
                .copied()
                .flatten()
                .map(|(a, b)| cs[a..b].iter().collect())
                .unwrap_or_default();
            (t, None)
        }
        Some(spans) => {
            let n = spans.first().copied().flatten().map_or(0, |(a, b)| b - a);
            (String::new(), Some(n as i64))
        }
        None if r.groups > 0 => (String::new(), None),
        None => (String::new(), Some(0)),
    }
}

// ---- grep ----

async fn grep_main(p: Proc) -> ExitStatus {
    let egrep = super::common::applet_name(&p) == "egrep";
    let opts = match getopt(&args(&p), "ivcqnElhHFwxsro", "efABCm") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    // Context (-A/-B/-C) and the match limit (-m), as numbers.
    let num = |c: char| -> Result<Option<usize>, String> {
        match opts.value(c) {
            None => Ok(None),
            Some(v) => v
                .parse::<usize>()
                .map(Some)
                .map_err(|_| format!("invalid number '{v}'")),
        }
    };
    let (ctx_c, ctx_a, ctx_b, max) = match (num('C'), num('A'), num('B'), num('m')) {
        (Ok(c), Ok(a), Ok(b), Ok(m)) => (c, a, b, m),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => {
            complain(&p, &e).await;
            return ExitStatus::Code(2);
        }
    };
    let after = ctx_a.or(ctx_c).unwrap_or(0);
    let before = ctx_b.or(ctx_c).unwrap_or(0);
    let context = after > 0 || before > 0;
    let mut operands = opts.operands.clone();
    let patterns: Vec<String> = if opts.values.iter().any(|(k, _)| *k == 'e') {
        opts.values
            .iter()
            .filter(|(k, _)| *k == 'e')
            .map(|(_, v)| v.clone())
            .collect()
    } else if operands.is_empty() {
        let _ = p
            .err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e PATTERN.../-f FILE [FILE]...\n")
            .await;
        return ExitStatus::Code(2);
    } else {
        operands.remove(0).split('\n').map(str::to_string).collect()
    };
    let icase = opts.has('i');
    let fixed = opts.has('F');
    let mut res = Vec::new();
    for pat in &patterns {
        let mut src = if fixed {
            regex_escape(pat)
        } else {
            pat.clone()
        };
        if opts.has('w') {
            src = format!("(^|[^[:alnum:]_])({src})([^[:alnum:]_]|$)");
        }
        if opts.has('x') {
            src = format!("^({src})$");
        }
        let ere = opts.has('E') || egrep || opts.has('w') || opts.has('x');
        let src = if ere && !(opts.has('E') || egrep) && !fixed {
            bre_to_ere(pat, opts.has('w'), opts.has('x'))
        } else {
            src
        };
        match Regex::new(&src, ere, icase) {
            Ok(r) => res.push(r),
            Err(e) => {
                super::common::complain(&p, &format!("bad regex '{pat}': {e}")).await;
                return ExitStatus::Code(2);
            }
        }
    }
    if operands.is_empty() {
        operands.push("-".into());
    }
    let show_names = (operands.len() > 1 || opts.has('H')) && !opts.has('h');
    let mut any = false;
    let mut status_err = false;
    let mut text = String::new();
    let mut printed_group = false;
    for f in &operands {
        let data = match read_input(&p, f).await {
            Ok(d) => d,
            Err(e) => {
                if !opts.has('s') {
                    complain(&p, &format!("{f}: {e}")).await;
                }
                status_err = true;
                continue;
            }
        };
        let content = String::from_utf8_lossy(&data).into_owned();
        let lines: Vec<&str> = content.lines().collect();
        let name = if f == "-" {
            "(standard input)"
        } else {
            f.as_str()
        };
        // Matching lines print with `:` after the file name and line number,
        // context lines with `-`; `--` separates groups that do not touch.
        let emit = |text: &mut String, ln: usize, sep: char| {
            if show_names {
                text.push_str(name);
                text.push(sep);
            }
            if opts.has('n') {
                text.push_str(&format!("{}{sep}", ln + 1));
            }
            text.push_str(lines[ln]);
            text.push('\n');
        };
        let mut count = 0;
        let mut last: Option<usize> = None;
        let mut pending_after = 0;
        for (ln, line) in lines.iter().enumerate() {
            let limit_reached = max.is_some_and(|m| count >= m);
            let hit = !limit_reached && res.iter().any(|r| r.is_match(line)) != opts.has('v');
            if !hit {
                if pending_after > 0 && !(opts.has('c') || opts.has('l')) {
                    emit(&mut text, ln, '-');
                    last = Some(ln);
                    pending_after -= 1;
                } else if limit_reached {
                    break;
                }
                continue;
            }
            count += 1;
            any = true;
            if opts.has('q') {
                return ExitStatus::SUCCESS;
            }
            if opts.has('c') || opts.has('l') {
                continue;
            }
            let from = ln.saturating_sub(before).max(last.map_or(0, |l| l + 1));
            let gap = match last {
                Some(l) => from > l + 1,
                None => printed_group,
            };
            if context && gap {
                text.push_str("--\n");
            }
            for i in from..ln {
                emit(&mut text, i, '-');
            }
            emit(&mut text, ln, ':');
            last = Some(ln);
            printed_group = true;
            pending_after = after;
        }
        if opts.has('l') && count > 0 {
            text.push_str(&format!(
                "{}\n",
                if f == "-" { "(standard input)" } else { f }
            ));
        } else if opts.has('c') {
            if show_names {
                text.push_str(&format!("{f}:"));
            }
            text.push_str(&format!("{count}\n"));
        }
        p.charge(1).await;
    }
    if let Err(s) = out(&p, text.as_bytes()).await {
        return s;
    }
    if status_err && !any {
        ExitStatus::Code(2)
    } else if any {
        ExitStatus::SUCCESS
    } else {
        ExitStatus::FAILURE
    }
}

/// Rewrites a basic regex as an extended one (for -w/-x wrapping).
fn bre_to_ere(pat: &str, word: bool, line: bool) -> String {
    let mut out = String::new();
    let cs: Vec<char> = pat.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\\' && i + 1 < cs.len() {
            let n = cs[i + 1];
            if "(){}|+?".contains(n) {
                out.push(n);
            } else {
                out.push('\\');
                out.push(n);
            }
            i += 2;
            continue;
        }
        if "(){}|+?".contains(c) {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
    let mut src = out;
    if word {
        src = format!("(^|[^[:alnum:]_])({src})([^[:alnum:]_]|$)");
    }
    if line {
        src = format!("^({src})$");
    }
    src
}

fn regex_escape(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if ".[]\\*^$+?(){}|".contains(c) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

// ---- sed ----

#[derive(Clone, Debug)]
enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

#[derive(Clone, Debug)]
enum SedCmd {
    Subst {
        re: Regex,
        rep: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Print,
    Delete,
    Quit,
    Append(String),
    Insert(String),
    Change(String),
    LineNo,
}

#[derive(Clone, Debug)]
struct SedInst {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    cmd: SedCmd,
}

fn sed_parse(script: &str, ere: bool) -> Result<Vec<SedInst>, String> {
    let cs: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let addr = |i: &mut usize| -> Result<Option<Addr>, String> {
        match cs.get(*i) {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = cs.get(*i).and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    *i += 1;
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                *i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') => {
                *i += 1;
                let mut re = String::new();
                while let Some(c) = cs.get(*i).copied() {
                    *i += 1;
                    if c == '\\' && cs.get(*i) == Some(&'/') {
                        re.push('/');
                        *i += 1;
                        continue;
                    }
                    if c == '/' {
                        return Ok(Some(Addr::Re(Regex::new(&re, ere, false)?)));
                    }
                    re.push(c);
                }
                Err("unterminated address regex".into())
            }
            _ => Ok(None),
        }
    };
    while i < cs.len() {
        while cs.get(i).is_some_and(|c| c.is_whitespace() || *c == ';') {
            i += 1;
        }
        if i >= cs.len() {
            break;
        }
        let a1 = addr(&mut i)?;
        let mut a2 = None;
        if a1.is_some() && cs.get(i) == Some(&',') {
            i += 1;
            a2 = addr(&mut i)?;
        }
        let mut negate = false;
        while cs.get(i) == Some(&' ') {
            i += 1;
        }
        if cs.get(i) == Some(&'!') {
            negate = true;
            i += 1;
        }
        let Some(c) = cs.get(i).copied() else {
            return Err("missing command".into());
        };
        i += 1;
        let text_arg = |i: &mut usize| -> String {
            while cs.get(*i) == Some(&' ') {
                *i += 1;
            }
            if cs.get(*i) == Some(&'\\') {
                *i += 1;
            }
            let mut t = String::new();
            while let Some(c) = cs.get(*i).copied() {
                if c == '\n' {
                    break;
                }
                t.push(c);
                *i += 1;
            }
            t
        };
        let cmd = match c {
            'p' => SedCmd::Print,
            'd' => SedCmd::Delete,
            'q' => SedCmd::Quit,
            '=' => SedCmd::LineNo,
            'a' => SedCmd::Append(text_arg(&mut i)),
            'i' => SedCmd::Insert(text_arg(&mut i)),
            'c' => SedCmd::Change(text_arg(&mut i)),
            's' => {
                let Some(delim) = cs.get(i).copied() else {
                    return Err("unterminated `s' command".into());
                };
                i += 1;
                let mut parts = [String::new(), String::new()];
                for part in parts.iter_mut() {
                    loop {
                        let Some(c) = cs.get(i).copied() else {
                            return Err("unterminated `s' command".into());
                        };
                        i += 1;
                        if c == '\\' && cs.get(i) == Some(&delim) {
                            part.push(delim);
                            i += 1;
                            continue;
                        }
                        if c == '\\' {
                            part.push('\\');
                            if let Some(n) = cs.get(i).copied() {
                                part.push(n);
                                i += 1;
                            }
                            continue;
                        }
                        if c == delim {
                            break;
                        }
                        part.push(c);
                    }
                }
                let (mut global, mut nth, mut print, mut icase) = (false, 1, false, false);
                while let Some(f) = cs.get(i).copied() {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => icase = true,
                        d if d.is_ascii_digit() => nth = d.to_digit(10).unwrap_or(1) as usize,
                        _ => break,
                    }
                    i += 1;
                }
                SedCmd::Subst {
                    re: Regex::new(&parts[0], ere, icase)?,
                    rep: parts[1].clone(),
                    global,
                    nth,
                    print,
                }
            }
            other => return Err(format!("unsupported command {other}")),
        };
        out.push(SedInst {
            a1,
            a2,
            negate,
            cmd,
        });
    }
    Ok(out)
}

fn substitute(line: &str, re: &Regex, rep: &str, global: bool, nth: usize) -> Option<String> {
    let cs: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    let mut count = 0;
    let mut changed = false;
    let mut copied = 0;
    while pos <= cs.len() {
        let Some(spans) = re.find_at(&cs, pos) else {
            break;
        };
        let Some((s, e)) = spans.first().copied().flatten() else {
            break;
        };
        count += 1;
        if count >= nth {
            out.extend(&cs[copied..s]);
            let rc: Vec<char> = rep.chars().collect();
            let mut k = 0;
            while k < rc.len() {
                match rc[k] {
                    '&' => out.extend(&cs[s..e]),
                    '\\' if k + 1 < rc.len() => {
                        k += 1;
                        match rc[k] {
                            d @ '1'..='9' => {
                                let g = d.to_digit(10).unwrap_or(0) as usize;
                                if let Some(Some((a, b))) = spans.get(g) {
                                    out.extend(&cs[*a..*b]);
                                }
                            }
                            'n' => out.push('\n'),
                            't' => out.push('\t'),
                            other => out.push(other),
                        }
                    }
                    c => out.push(c),
                }
                k += 1;
            }
            copied = e;
            changed = true;
            if !global {
                break;
            }
        }
        pos = if e > s { e } else { e + 1 };
    }
    if !changed {
        return None;
    }
    out.extend(&cs[copied.min(cs.len())..]);
    Some(out)
}

fn addr_hit(a: &Addr, ln: usize, last: bool, line: &str) -> bool {
    match a {
        Addr::Line(n) => *n == ln,
        Addr::Last => last,
        Addr::Re(r) => r.is_match(line),
    }
}

fn sed_run(prog: &[SedInst], input: &str, quiet: bool) -> String {
    let lines: Vec<&str> = input.lines().collect();
    let mut out = String::new();
    let mut in_range = vec![false; prog.len()];
    'lines: for (idx, l) in lines.iter().enumerate() {
        let ln = idx + 1;
        let last = idx + 1 == lines.len();
        let mut line = l.to_string();
        let mut append = Vec::new();
        let mut deleted = false;
        for (k, inst) in prog.iter().enumerate() {
            let mut hit = match (&inst.a1, &inst.a2) {
                (None, _) => true,
                (Some(a), None) => addr_hit(a, ln, last, &line),
                (Some(a), Some(b)) => {
                    if in_range[k] {
                        if addr_hit(b, ln, last, &line) || matches!(b, Addr::Line(n) if *n <= ln) {
                            in_range[k] = false;
                        }
                        true
                    } else if addr_hit(a, ln, last, &line) {
                        in_range[k] = !matches!(b, Addr::Line(n) if *n <= ln);
                        true
                    } else {
                        false
                    }
                }
            };
            if inst.negate {
                hit = !hit;
            }
            if !hit {
                continue;
            }
            match &inst.cmd {
                SedCmd::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(n) = substitute(&line, re, rep, *global, *nth) {
                        line = n;
                        if *print {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
                SedCmd::Print => {
                    out.push_str(&line);
                    out.push('\n');
                }
                SedCmd::Delete => {
                    deleted = true;
                    break;
                }
                SedCmd::Quit => {
                    if !quiet {
                        out.push_str(&line);
                        out.push('\n');
                    }
                    break 'lines;
                }
                SedCmd::LineNo => out.push_str(&format!("{ln}\n")),
                SedCmd::Append(t) => append.push(t.clone()),
                SedCmd::Insert(t) => {
                    out.push_str(t);
                    out.push('\n');
                }
                SedCmd::Change(t) => {
                    out.push_str(t);
                    out.push('\n');
                    deleted = true;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&line);
            out.push('\n');
        }
        for a in append {
            out.push_str(&a);
            out.push('\n');
        }
    }
    out
}

async fn sed_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let mut quiet = false;
    let mut in_place = false;
    let mut ere = false;
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(x) = a.get(i) {
        match x.as_str() {
            "-n" => quiet = true,
            "-i" => in_place = true,
            "-E" | "-r" => ere = true,
            "-e" => {
                i += 1;
                if let Some(s) = a.get(i) {
                    scripts.push(s.clone());
                }
            }
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s.chars().skip(1) {
                    match c {
                        'n' => quiet = true,
                        'i' => in_place = true,
                        'E' | 'r' => ere = true,
                        c => return bad_option(&p, c).await,
                    }
                }
            }
            _ => {
                if scripts.is_empty() {
                    scripts.push(x.clone());
                } else {
                    files.push(x.clone());
                }
            }
        }
        i += 1;
    }
    let prog = match sed_parse(&scripts.join("\n"), ere) {
        Ok(pr) => pr,
        Err(e) => {
            complain(&p, &e).await;
            return ExitStatus::FAILURE;
        }
    };
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = ExitStatus::SUCCESS;
    let mut text = String::new();
    for f in &files {
        let data = match read_input(&p, f).await {
            Ok(d) => d,
            Err(e) => {
                complain(&p, &format!("{f}: {e}")).await;
                status = ExitStatus::FAILURE;
                continue;
            }
        };
        let result = sed_run(&prog, &String::from_utf8_lossy(&data), quiet);
        if in_place && f != "-" {
            let now = p.wall_secs();
            let r = p.fs_mut().write(&p.cwd, f, result.as_bytes(), false, now);
            if let Err(e) = r {
                complain(&p, &format!("can't create '{f}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        } else {
            text.push_str(&result);
        }
    }
    if let Err(s) = out(&p, text.as_bytes()).await {
        return s;
    }
    status
}

// ---- sort, uniq, tr, cut ----

async fn gather(p: &Proc, files: &[String]) -> Result<String, ExitStatus> {
    let mut all = String::new();
    let list: Vec<String> = if files.is_empty() {
        vec!["-".into()]
    } else {
        files.to_vec()
    };
    for f in &list {
        match read_input(p, f).await {
            Ok(d) => all.push_str(&String::from_utf8_lossy(&d)),
            Err(e) => {
                complain(p, &format!("can't open '{f}': {e}")).await;
                return Err(ExitStatus::FAILURE);
            }
        }
    }
    Ok(all)
}

fn leading_num(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map_or(t.len(), |(i, _)| i);
    t[..end].parse().unwrap_or(0.0)
}

async fn sort_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "nrufb", "kt") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let data = match gather(&p, &opts.operands).await {
        Ok(d) => d,
        Err(s) => return s,
    };
    let sep = opts.value('t').and_then(|t| t.chars().next());
    let key = opts.value('k').and_then(|k| {
        k.split([',', '.'])
            .next()?
            .trim_end_matches(|c: char| c.is_alphabetic())
            .parse::<usize>()
            .ok()
    });
    let field = |l: &str| -> String {
        match key {
            None => l.to_string(),
            Some(k) => {
                let parts: Vec<&str> = match sep {
                    Some(c) => l.split(c).collect(),
                    None => l.split_whitespace().collect(),
                };
                parts
                    .get(k.saturating_sub(1)..)
                    .map(|x| x.join(" "))
                    .unwrap_or_default()
            }
        }
    };
    let mut lines: Vec<&str> = data.lines().collect();
    let numeric = opts.has('n');
    let fold = opts.has('f');
    sort::sort_by(&mut lines, |a, b| {
        let (fa, fb) = (field(a), field(b));
        let o = if numeric {
            leading_num(&fa)
                .partial_cmp(&leading_num(&fb))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            fa.to_lowercase().cmp(&fb.to_lowercase())
        } else {
            fa.cmp(&fb)
        };
        o.then_with(|| a.cmp(b))
    });
    if opts.has('r') {
        lines.reverse();
    }
    if opts.has('u') {
        lines.dedup_by(|a, b| field(a) == field(b));
    }
    let mut text = String::new();
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    match out(&p, text.as_bytes()).await {
        Ok(()) => ExitStatus::SUCCESS,
        Err(s) => s,
    }
}

async fn uniq_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "cdui", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let data = match gather(&p, &opts.operands).await {
        Ok(d) => d,
        Err(s) => return s,
    };
    let mut groups: Vec<(String, usize)> = Vec::new();
    for l in data.lines() {
        match groups.last_mut() {
            Some((g, n)) if *g == l || (opts.has('i') && g.eq_ignore_ascii_case(l)) => *n += 1,
            _ => groups.push((l.to_string(), 1)),
        }
    }
    let mut text = String::new();
    for (l, n) in groups {
        if (opts.has('d') && n < 2) || (opts.has('u') && n > 1) {
            continue;
        }
        if opts.has('c') {
            text.push_str(&format!("{n:>7} {l}\n"));
        } else {
            text.push_str(&l);
            text.push('\n');
        }
    }
    match out(&p, text.as_bytes()).await {
        Ok(()) => ExitStatus::SUCCESS,
        Err(s) => s,
    }
}

fn tr_set(s: &str) -> Vec<char> {
    let (u, _) = super::common::unescape(s, false);
    let cs: Vec<char> = u.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '[' && cs.get(i + 1) == Some(&':') {
            let rest: String = cs[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                for (a, b) in named_class(&rest[..end]) {
                    out.extend(a..=b);
                }
                i += 2 + end + 2;
                continue;
            }
        }
        if cs.get(i + 1) == Some(&'-') && i + 2 < cs.len() {
            out.extend(cs[i]..=cs[i + 2]);
            i += 3;
            continue;
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

async fn tr_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "dsc", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let Some(s1) = opts.operands.first().map(|s| tr_set(s)) else {
        complain(&p, "missing operand").await;
        return ExitStatus::FAILURE;
    };
    let s2 = opts.operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    let data = p.read_all(0).await;
    let text = String::from_utf8_lossy(&data);
    let mut o = String::new();
    let mut last: Option<char> = None;
    for c in text.chars() {
        let inset = s1.contains(&c) != opts.has('c');
        let mapped = if opts.has('d') {
            if inset {
                continue;
            }
            c
        } else if inset && !s2.is_empty() {
            let k = s1.iter().position(|x| *x == c).unwrap_or(0);
            *s2.get(k).or(s2.last()).unwrap_or(&c)
        } else {
            c
        };
        if opts.has('s')
            && last == Some(mapped)
            && (s2.contains(&mapped) || (s2.is_empty() && s1.contains(&mapped)))
        {
            continue;
        }
        last = Some(mapped);
        o.push(mapped);
    }
    match out(&p, o.as_bytes()).await {
        Ok(()) => ExitStatus::SUCCESS,
        Err(s) => s,
    }
}

fn ranges(spec: &str) -> Vec<(usize, usize)> {
    spec.split(',')
        .filter_map(|r| match r.split_once('-') {
            None => r.parse().ok().map(|n| (n, n)),
            Some((a, b)) => Some((a.parse().unwrap_or(1), b.parse().unwrap_or(usize::MAX))),
        })
        .collect()
}

async fn cut_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "s", "dfcb") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let data = match gather(&p, &opts.operands).await {
        Ok(d) => d,
        Err(s) => return s,
    };
    let delim = opts
        .value('d')
        .and_then(|d| d.chars().next())
        .unwrap_or('\t');
    let mut text = String::new();
    for l in data.lines() {
        if let Some(f) = opts.value('f') {
            if !l.contains(delim) {
                if !opts.has('s') {
                    text.push_str(l);
                    text.push('\n');
                }
                continue;
            }
            let parts: Vec<&str> = l.split(delim).collect();
            let rs = ranges(f);
            let picked: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| rs.iter().any(|(a, b)| *a <= i + 1 && *i < *b))
                .map(|(_, s)| *s)
                .collect();
            text.push_str(&picked.join(&delim.to_string()));
        } else if let Some(c) = opts.value('c').or(opts.value('b')) {
            let rs = ranges(c);
            let picked: String = l
                .chars()
                .enumerate()
                .filter(|(i, _)| rs.iter().any(|(a, b)| *a <= i + 1 && *i < *b))
                .map(|(_, c)| c)
                .collect();
            text.push_str(&picked);
        } else {
            complain(&p, "expected a list of bytes, characters, or fields").await;
            return ExitStatus::FAILURE;
        }
        text.push('\n');
    }
    match out(&p, text.as_bytes()).await {
        Ok(()) => ExitStatus::SUCCESS,
        Err(s) => s,
    }
}

/// `base64 [-d] [-w COLS] [FILE]`: encodes with lines of 76 columns (`-w 0`:
/// one line without a newline, as coreutils prints it), or decodes, ignoring
/// line breaks.
async fn base64_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "d", "w") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let file = opts.operands.first().map(String::as_str).unwrap_or("-");
    let data = match super::common::read_input(&p, file).await {
        Ok(d) => d,
        Err(e) => {
            complain(&p, &format!("{file}: {e}")).await;
            return ExitStatus::FAILURE;
        }
    };
    if opts.has('d') {
        let text: String = String::from_utf8_lossy(&data)
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        return match crate::api::corev1::base64_decode(&text) {
            Ok(bytes) => match out(&p, &bytes).await {
                Ok(()) => ExitStatus::SUCCESS,
                Err(st) => st,
            },
            Err(_) => {
                complain(&p, "invalid input").await;
                ExitStatus::FAILURE
            }
        };
    }
    let cols = match opts.value('w').map(str::parse::<usize>) {
        None => 76,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            complain(
                &p,
                &format!("invalid number '{}'", opts.value('w').unwrap_or("")),
            )
            .await;
            return ExitStatus::FAILURE;
        }
    };
    let encoded = crate::api::corev1::base64_encode(&data);
    let mut text = String::new();
    if cols == 0 {
        text.push_str(&encoded);
    } else {
        let bytes = encoded.as_bytes();
        for line in bytes.chunks(cols) {
            text.push_str(&String::from_utf8_lossy(line));
            text.push('\n');
        }
    }
    match out(&p, text.as_bytes()).await {
        Ok(()) => ExitStatus::SUCCESS,
        Err(st) => st,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regexes_match_like_posix() {
        let cases = [
            ("literal", "abc", false, "xabcx", true),
            ("anchors", "^abc$", false, "abc", true),
            ("anchor fails", "^abc$", false, "abcd", false),
            ("bre star", "ab*c", false, "ac", true),
            ("bre plus is literal", "a+", false, "aa", false),
            ("ere plus", "a+b", true, "aaab", true),
            (
                "bre group and alternation",
                "\\(cat\\|dog\\)s",
                false,
                "dogs",
                true,
            ),
            ("ere alternation", "cat|dog", true, "hotdog", true),
            ("class", "[0-9][0-9]*", false, "x42", true),
            ("negated class", "^[^a-z]*$", false, "ABC1", true),
            ("interval", "^a{2,3}$", true, "aaa", true),
            ("interval too many", "^a{2,3}$", true, "aaaa", false),
            ("dot", "h.llo", false, "hello", true),
        ];
        for (name, re, ere, s, want) in cases {
            let r = Regex::new(re, ere, false).unwrap();
            assert_eq!(r.is_match(s), want, "{name}");
        }
        assert!(Regex::new("HELLO", false, true)
            .unwrap()
            .is_match("say hello"));
    }

    #[test]
    fn sed_scripts_edit_lines() {
        let cases = [
            ("global substitution", "s/a/b/g", false, "aaa\n", "bbb\n"),
            ("first only", "s/a/b/", false, "aaa\n", "baa\n"),
            (
                "groups and ampersand",
                "s/\\(h\\)i/[&:\\1]/",
                false,
                "hi\n",
                "[hi:h]\n",
            ),
            ("print with -n", "2p", true, "a\nb\nc\n", "b\n"),
            ("delete by regex", "/b/d", false, "a\nb\nc\n", "a\nc\n"),
            ("range", "2,3d", false, "a\nb\nc\nd\n", "a\nd\n"),
            ("last line", "$s/$/!/", false, "a\nb\n", "a\nb!\n"),
            ("two commands", "s/a/x/;s/b/y/", false, "ab\n", "xy\n"),
        ];
        for (name, script, quiet, input, want) in cases {
            let prog = sed_parse(script, false).unwrap();
            assert_eq!(sed_run(&prog, input, quiet), want, "{name}");
        }
    }

    #[test]
    fn expr_colon_matches_at_the_start() {
        assert_eq!(expr_match("abc123", "[a-z]*"), (String::new(), Some(3)));
        assert_eq!(
            expr_match("abc123", "[a-z]*\\([0-9]*\\)"),
            ("123".to_string(), None)
        );
        assert_eq!(expr_match("123", "x"), (String::new(), Some(0)));
    }
}
