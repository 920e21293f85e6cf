//! Process, time and identity applets.

use super::applet;
use super::common::{
    applet_name, bad_option, complain, echo_text, getopt, printf_text, test_eval, TestError,
};
use crate::userland::proc::{ExitStatus, Proc, Signal};

applet!(echo, echo_main);
applet!(printf, printf_main);
applet!(true_, true_main);
applet!(false_, false_main);
applet!(test, test_main);
applet!(date, date_main);
applet!(hostname, hostname_main);
applet!(env, env_main);
applet!(printenv, printenv_main);
applet!(id, id_main);
applet!(whoami, whoami_main);
applet!(ps, ps_main);
applet!(kill, kill_main);
applet!(uname, uname_main);
applet!(yes, yes_main);
applet!(seq, seq_main);
applet!(expr, expr_main);
applet!(basename, basename_main);
applet!(dirname, dirname_main);
applet!(which, which_main);
applet!(pwd, pwd_main);

fn args(p: &Proc) -> Vec<String> {
    p.argv.iter().skip(1).cloned().collect()
}

async fn usage(p: &Proc, text: &str) -> ExitStatus {
    let _ = p
        .err(&format!(
            "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: {text}\n"
        ))
        .await;
    ExitStatus::FAILURE
}

async fn echo_main(p: Proc) -> ExitStatus {
    let _ = p.out(&echo_text(&args(&p))).await;
    ExitStatus::SUCCESS
}

async fn printf_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let Some((fmt, rest)) = a.split_first() else {
        return usage(&p, "printf FORMAT [ARG]...").await;
    };
    let (out, errs) = printf_text(fmt, rest);
    let _ = p.out(&out).await;
    for e in &errs {
        complain(&p, e).await;
    }
    if errs.is_empty() {
        ExitStatus::SUCCESS
    } else {
        ExitStatus::FAILURE
    }
}

async fn true_main(_p: Proc) -> ExitStatus {
    ExitStatus::SUCCESS
}

async fn false_main(_p: Proc) -> ExitStatus {
    ExitStatus::FAILURE
}

async fn test_main(p: Proc) -> ExitStatus {
    let mut a = args(&p);
    let name = applet_name(&p);
    if name == "[" || name == "[[" {
        let close = if name == "[" { "]" } else { "]]" };
        if a.last().map(String::as_str) != Some(close) {
            complain(&p, &format!("missing {close}")).await;
            return ExitStatus::Code(2);
        }
        a.pop();
    }
    let r = test_eval(&a, &p.fs(), &p.cwd);
    match r {
        Ok(true) => ExitStatus::SUCCESS,
        Ok(false) => ExitStatus::FAILURE,
        Err(TestError(msg)) => {
            complain(&p, &msg).await;
            ExitStatus::Code(2)
        }
    }
}

/// Parses a busybox sleep/timeout duration (`5`, `0.5`, `1m`, `2h`, `1d`)
/// into milliseconds; `None` for infinity.
pub fn parse_duration(s: &str) -> Result<Option<u64>, ()> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("inf") || t.eq_ignore_ascii_case("infinity") {
        return Ok(None);
    }
    let (num, mult) = match t.chars().last() {
        Some('s') => (&t[..t.len() - 1], 1000.0),
        Some('m') => (&t[..t.len() - 1], 60_000.0),
        Some('h') => (&t[..t.len() - 1], 3_600_000.0),
        Some('d') => (&t[..t.len() - 1], 86_400_000.0),
        _ => (t, 1000.0),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(());
    }
    let v: f64 = num.parse().map_err(|_| ())?;
    let ms = (v * mult).round();
    if !ms.is_finite() || ms > 1e15 {
        return Ok(None);
    }
    Ok(Some(ms as u64))
}

/// What `sleep`'s arguments ask for.
enum SleepFor {
    Millis(u64),
    Forever,
    Usage,
    Invalid(String),
}

fn sleep_args(argv: &[String]) -> SleepFor {
    if argv.len() < 2 {
        return SleepFor::Usage;
    }
    let mut total: Option<u64> = Some(0);
    for x in &argv[1..] {
        match parse_duration(x) {
            Ok(Some(ms)) => total = total.map(|t| t.saturating_add(ms)),
            Ok(None) => total = None,
            Err(()) => return SleepFor::Invalid(x.clone()),
        }
    }
    total.map_or(SleepFor::Forever, SleepFor::Millis)
}

/// `sleep`: each outcome gets its own small future, so a sleeping
/// container holds little more than its process.
pub fn sleep(mut p: Proc) -> crate::userland::proc::ProgramFuture {
    match sleep_args(&p.argv) {
        SleepFor::Millis(ms) => {
            p.argv = Vec::new();
            Box::pin(async move {
                p.sleep(ms).await;
                ExitStatus::SUCCESS
            })
        }
        SleepFor::Forever => {
            p.argv = Vec::new();
            Box::pin(async move { p.pause().await })
        }
        SleepFor::Usage => Box::pin(async move {
            usage(&p, "sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays").await
        }),
        SleepFor::Invalid(x) => Box::pin(async move {
            complain(&p, &format!("invalid number '{x}'")).await;
            ExitStatus::FAILURE
        }),
    }
}

/// `pause`: blocks until a signal ends it.
pub fn pause(mut p: Proc) -> crate::userland::proc::ProgramFuture {
    p.argv = Vec::new();
    Box::pin(async move { p.pause().await })
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const DAYS_LONG: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_LONG: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// strftime for UTC Unix seconds (the subset date(1) users reach for).
pub fn strftime(fmt: &str, secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s) = (rem / 3600, (rem / 60) % 60, rem % 60);
    let wd = days.rem_euclid(7) as usize;
    let mut out = String::new();
    let mut cs = fmt.chars();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(k) = cs.next() else {
            out.push('%');
            break;
        };
        let mi0 = (mo as usize).saturating_sub(1).min(11);
        match k {
            'Y' => out.push_str(&y.to_string()),
            'y' => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            'C' => out.push_str(&format!("{:02}", y / 100)),
            'm' => out.push_str(&format!("{mo:02}")),
            'd' => out.push_str(&format!("{d:02}")),
            'e' => out.push_str(&format!("{d:>2}")),
            'H' => out.push_str(&format!("{h:02}")),
            'I' => out.push_str(&format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 })),
            'M' => out.push_str(&format!("{mi:02}")),
            'S' => out.push_str(&format!("{s:02}")),
            'p' => out.push_str(if h < 12 { "AM" } else { "PM" }),
            'a' => out.push_str(DAYS[wd]),
            'A' => out.push_str(DAYS_LONG[wd]),
            'b' | 'h' => out.push_str(MONTHS[mi0]),
            'B' => out.push_str(MONTHS_LONG[mi0]),
            'j' => {
                let (y0, _, _) = civil_from_days(days);
                let jan1 = days_from_civil(y0, 1, 1);
                out.push_str(&format!("{:03}", days - jan1 + 1));
            }
            's' => out.push_str(&secs.to_string()),
            'u' => out.push_str(&(((wd + 3) % 7) + 1).to_string()),
            'w' => out.push_str(&((wd + 4) % 7).to_string()),
            'Z' => out.push_str("UTC"),
            'z' => out.push_str("+0000"),
            'T' => out.push_str(&format!("{h:02}:{mi:02}:{s:02}")),
            'R' => out.push_str(&format!("{h:02}:{mi:02}")),
            'D' => out.push_str(&format!("{mo:02}/{d:02}/{:02}", y.rem_euclid(100))),
            'F' => out.push_str(&format!("{y}-{mo:02}-{d:02}")),
            'c' => out.push_str(&strftime("%a %b %e %H:%M:%S %Y", secs)),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'N' => out.push_str("000000000"),
            '%' => out.push('%'),
            other => {
                out.push('%');
                out.push(other);
            }
        }
    }
    out
}

pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

async fn date_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let mut secs = p.wall_secs();
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    let mut i = 0;
    while let Some(x) = a.get(i) {
        if let Some(f) = x.strip_prefix('+') {
            fmt = f.to_string();
        } else if x == "-u" || x == "--utc" {
            // The simulated clock is UTC already.
        } else if x == "-R" {
            fmt = "%a, %d %b %Y %H:%M:%S %z".to_string();
        } else if x == "-d" || x.starts_with("-d") {
            let v = if x == "-d" {
                i += 1;
                a.get(i).cloned().unwrap_or_default()
            } else {
                x[2..].to_string()
            };
            match v.strip_prefix('@').and_then(|n| n.parse::<i64>().ok()) {
                Some(n) => secs = n,
                None => {
                    complain(&p, &format!("invalid date '{v}'")).await;
                    return ExitStatus::FAILURE;
                }
            }
        } else if x == "-I" {
            fmt = "%Y-%m-%d".to_string();
        } else {
            complain(&p, &format!("invalid date '{x}'")).await;
            return ExitStatus::FAILURE;
        }
        i += 1;
    }
    let _ = p.out(&format!("{}\n", strftime(&fmt, secs))).await;
    ExitStatus::SUCCESS
}

async fn hostname_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    if a.first().map(String::as_str) == Some("-i") {
        let hosts = p.fs().read("/", "/etc/hosts").unwrap_or_default();
        let text = String::from_utf8_lossy(&hosts).into_owned();
        let host = p.hostname().to_string();
        let ip = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .find(|l| l.split_whitespace().skip(1).any(|n| n == host))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or("127.0.0.1")
            .to_string();
        let _ = p.out(&format!("{ip}\n")).await;
        return ExitStatus::SUCCESS;
    }
    let _ = p.out(&format!("{}\n", p.hostname())).await;
    ExitStatus::SUCCESS
}

async fn env_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let mut env: Vec<(String, String)> = (*p.env).clone();
    let mut i = 0;
    while let Some(x) = a.get(i) {
        if x == "-i" || x == "-" {
            env.clear();
        } else if let Some(n) = x.strip_prefix("-u") {
            let n = if n.is_empty() {
                i += 1;
                a.get(i).cloned().unwrap_or_default()
            } else {
                n.to_string()
            };
            env.retain(|(k, _)| *k != n);
        } else if let Some((k, v)) = x.split_once('=') {
            env.retain(|(n, _)| n != k);
            env.push((k.to_string(), v.to_string()));
        } else {
            break;
        }
        i += 1;
    }
    if i < a.len() {
        let argv = a[i..].to_vec();
        let name = argv[0].clone();
        let path = env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let _ = path;
        return match p.spawn(argv, std::rc::Rc::new(env), p.cwd.clone(), p.fds.clone()) {
            Ok(pid) => p.wait(pid).await.unwrap_or(ExitStatus::SUCCESS),
            Err(_) => {
                complain(
                    &p,
                    &format!("can't execute '{name}': No such file or directory"),
                )
                .await;
                ExitStatus::Code(127)
            }
        };
    }
    let mut out = String::new();
    for (k, v) in &env {
        out.push_str(&format!("{k}={v}\n"));
    }
    let _ = p.out(&out).await;
    ExitStatus::SUCCESS
}

async fn printenv_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    if a.is_empty() {
        let mut out = String::new();
        for (k, v) in p.env.iter() {
            out.push_str(&format!("{k}={v}\n"));
        }
        let _ = p.out(&out).await;
        return ExitStatus::SUCCESS;
    }
    let mut status = ExitStatus::SUCCESS;
    for n in &a {
        match p.getenv(n) {
            Some(v) => {
                let _ = p.out(&format!("{v}\n")).await;
            }
            None => status = ExitStatus::FAILURE,
        }
    }
    status
}

/// Names from `/etc/passwd` or `/etc/group` by numeric id.
fn id_name(p: &Proc, file: &str, id: u32) -> Option<String> {
    let data = p.fs().read("/", file).ok()?;
    let text = String::from_utf8_lossy(&data).into_owned();
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.get(2)?.parse::<u32>().ok()? == id).then(|| f[0].to_string())
    })
}

pub fn user_name(p: &Proc, uid: u32) -> String {
    id_name(p, "/etc/passwd", uid).unwrap_or_else(|| uid.to_string())
}

async fn id_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let user = user_name(&p, 0);
    let group = id_name(&p, "/etc/group", 0).unwrap_or_else(|| "0".to_string());
    match a.first().map(String::as_str) {
        Some("-u") => {
            let _ = p.out("0\n").await;
            return ExitStatus::SUCCESS;
        }
        Some("-g") => {
            let _ = p.out("0\n").await;
            return ExitStatus::SUCCESS;
        }
        Some("-un") | Some("-nu") => {
            let _ = p.out(&format!("{user}\n")).await;
            return ExitStatus::SUCCESS;
        }
        _ => {}
    }
    // Supplementary groups: those listing the user as a member.
    let data = p.fs().read("/", "/etc/group").unwrap_or_default();
    let text = String::from_utf8_lossy(&data).into_owned();
    let mut groups = vec![format!("0({group})")];
    for l in text.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() >= 4 && f[3].split(',').any(|m| m == user) {
            if let Ok(gid) = f[2].parse::<u32>() {
                if gid != 0 {
                    groups.push(format!("{gid}({})", f[0]));
                }
            }
        }
    }
    let _ = p
        .out(&format!(
            "uid=0({user}) gid=0({group}) groups={}\n",
            groups.join(",")
        ))
        .await;
    ExitStatus::SUCCESS
}

async fn whoami_main(p: Proc) -> ExitStatus {
    let _ = p.out(&format!("{}\n", user_name(&p, 0))).await;
    ExitStatus::SUCCESS
}

async fn ps_main(p: Proc) -> ExitStatus {
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    for info in p.processes().into_iter().filter(|i| i.running) {
        let user = user_name(&p, info.uid);
        let secs = info.cpu_ms / 1000;
        out.push_str(&format!(
            "{:>5} {:<8.8} {:>2}:{:02} {}\n",
            info.pid,
            user,
            secs / 60,
            secs % 60,
            info.cmdline
        ));
    }
    let _ = p.out(&out).await;
    ExitStatus::SUCCESS
}

async fn kill_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let mut sig = Signal::Term;
    let mut rest: &[String] = &a;
    match rest.first().map(String::as_str) {
        Some("-l") => {
            let _ = p.out(&super::common::kill_list()).await;
            return ExitStatus::SUCCESS;
        }
        Some("-s") => {
            let Some(s) = rest.get(1).and_then(|n| Signal::parse(n)) else {
                complain(
                    &p,
                    &format!(
                        "bad signal name '{}'",
                        rest.get(1).cloned().unwrap_or_default()
                    ),
                )
                .await;
                return ExitStatus::FAILURE;
            };
            sig = s;
            rest = &rest[2..];
        }
        Some(x) if x.starts_with('-') && x.len() > 1 => {
            let Some(s) = Signal::parse(&x[1..]) else {
                complain(&p, &format!("bad signal name '{}'", &x[1..])).await;
                return ExitStatus::FAILURE;
            };
            sig = s;
            rest = &rest[1..];
        }
        _ => {}
    }
    if rest.is_empty() {
        return usage(&p, "kill [-l] [-SIG] PID...").await;
    }
    let mut status = ExitStatus::SUCCESS;
    for x in rest {
        match x.parse::<u32>() {
            Ok(pid) if p.kill(pid, sig) => {}
            Ok(pid) => {
                complain(&p, &format!("can't kill pid {pid}: No such process")).await;
                status = ExitStatus::FAILURE;
            }
            Err(_) => {
                complain(&p, &format!("invalid number '{x}'")).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    status
}

/// The kernel the simulated nodes report.
pub const KERNEL_RELEASE: &str = "5.15.0-91-generic";
const KERNEL_VERSION: &str = "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023";

async fn uname_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "asnrvmpio", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let host = p.hostname().to_string();
    let all = opts.has('a');
    let mut parts: Vec<String> = Vec::new();
    if all || opts.has('s') || opts.flags.is_empty() {
        parts.push("Linux".into());
    }
    if all || opts.has('n') {
        parts.push(host);
    }
    if all || opts.has('r') {
        parts.push(KERNEL_RELEASE.into());
    }
    if all || opts.has('v') {
        parts.push(KERNEL_VERSION.into());
    }
    if all || opts.has('m') {
        parts.push("x86_64".into());
    }
    if all || opts.has('o') {
        parts.push("GNU/Linux".into());
    }
    let _ = p.out(&format!("{}\n", parts.join(" "))).await;
    ExitStatus::SUCCESS
}

async fn yes_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let line = if a.is_empty() {
        "y\n".to_string()
    } else {
        format!("{}\n", a.join(" "))
    };
    let chunk = line.repeat((4096 / line.len()).max(1));
    loop {
        if p.out(&chunk).await.is_err() {
            return ExitStatus::Signaled(Signal::Pipe);
        }
        p.charge(1).await;
    }
}

async fn seq_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "w", "s") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let sep = opts.value('s').unwrap_or("\n").to_string();
    let nums: Result<Vec<f64>, String> = opts
        .operands
        .iter()
        .map(|x| x.parse::<f64>().map_err(|_| x.clone()))
        .collect();
    let nums = match nums {
        Ok(n) => n,
        Err(x) => {
            complain(&p, &format!("invalid number '{x}'")).await;
            return ExitStatus::FAILURE;
        }
    };
    let (first, inc, last) = match nums.as_slice() {
        [l] => (1.0, 1.0, *l),
        [f, l] => (*f, 1.0, *l),
        [f, i, l] => (*f, *i, *l),
        _ => return usage(&p, "seq [-w] [-s SEP] [FIRST [INC]] LAST").await,
    };
    if inc == 0.0 {
        return ExitStatus::SUCCESS;
    }
    let integral = opts.operands.iter().all(|x| !x.contains('.'));
    let width = if opts.has('w') {
        format!("{}", last as i64)
            .len()
            .max(format!("{}", first as i64).len())
    } else {
        0
    };
    let mut v = first;
    let mut buf = String::new();
    let mut count: u64 = 0;
    let mut firstout = true;
    while (inc > 0.0 && v <= last) || (inc < 0.0 && v >= last) {
        if !firstout {
            buf.push_str(&sep);
        }
        firstout = false;
        if integral {
            buf.push_str(&format!("{:0width$}", v as i64));
        } else {
            buf.push_str(&format!("{v}"));
        }
        count += 1;
        if buf.len() >= 4096 {
            if p.out(&buf).await.is_err() {
                return ExitStatus::Signaled(Signal::Pipe);
            }
            buf.clear();
            p.charge(1).await;
        }
        v = first + inc * count as f64;
    }
    if !firstout {
        buf.push('\n');
    }
    let _ = p.out(&buf).await;
    ExitStatus::SUCCESS
}

#[derive(Clone, Debug, PartialEq)]
enum EV {
    I(i64),
    S(String),
}

impl EV {
    fn text(&self) -> String {
        match self {
            EV::I(i) => i.to_string(),
            EV::S(s) => s.clone(),
        }
    }
    fn truthy(&self) -> bool {
        match self {
            EV::I(i) => *i != 0,
            EV::S(s) => !s.is_empty() && s != "0",
        }
    }
    fn int(&self) -> Option<i64> {
        match self {
            EV::I(i) => Some(*i),
            EV::S(s) => s.trim().parse().ok(),
        }
    }
}

fn ev_of((s, n): (String, Option<i64>)) -> EV {
    match n {
        Some(i) => EV::I(i),
        None => EV::S(s),
    }
}

struct ExprP<'a> {
    a: &'a [String],
    i: usize,
    depth: usize,
}

impl ExprP<'_> {
    fn peek(&self) -> Option<&str> {
        self.a.get(self.i).map(String::as_str)
    }

    fn or(&mut self) -> Result<EV, String> {
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.i += 1;
            let r = self.and()?;
            l = if l.truthy() {
                l
            } else if r.truthy() {
                r
            } else {
                EV::I(0)
            };
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<EV, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.i += 1;
            let r = self.cmp()?;
            l = if l.truthy() && r.truthy() {
                l
            } else {
                EV::I(0)
            };
        }
        Ok(l)
    }

    fn cmp(&mut self) -> Result<EV, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| ["=", "==", "!=", "<", "<=", ">", ">="].contains(o))
        {
            let op = op.to_string();
            self.i += 1;
            let r = self.add()?;
            let ord = match (l.int(), r.int()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => l.text().cmp(&r.text()),
            };
            let v = match op.as_str() {
                "=" | "==" => ord.is_eq(),
                "!=" => ord.is_ne(),
                "<" => ord.is_lt(),
                "<=" => ord.is_le(),
                ">" => ord.is_gt(),
                _ => ord.is_ge(),
            };
            l = EV::I(i64::from(v));
        }
        Ok(l)
    }

    fn add(&mut self) -> Result<EV, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.peek().filter(|o| *o == "+" || *o == "-") {
            let op = op.to_string();
            self.i += 1;
            let r = self.mul()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".into());
            };
            l = EV::I(if op == "+" {
                a.wrapping_add(b)
            } else {
                a.wrapping_sub(b)
            });
        }
        Ok(l)
    }

    fn mul(&mut self) -> Result<EV, String> {
        let mut l = self.colon()?;
        while let Some(op) = self.peek().filter(|o| ["*", "/", "%"].contains(o)) {
            let op = op.to_string();
            self.i += 1;
            let r = self.colon()?;
            let (Some(a), Some(b)) = (l.int(), r.int()) else {
                return Err("non-numeric argument".into());
            };
            if op != "*" && b == 0 {
                return Err("division by zero".into());
            }
            l = EV::I(match op.as_str() {
                "*" => a.wrapping_mul(b),
                "/" => a.wrapping_div(b),
                _ => a.wrapping_rem(b),
            });
        }
        Ok(l)
    }

    fn colon(&mut self) -> Result<EV, String> {
        let l = self.prim()?;
        if self.peek() == Some(":") {
            self.i += 1;
            let r = self.prim()?;
            return Ok(ev_of(super::text::expr_match(&l.text(), &r.text())));
        }
        Ok(l)
    }

    fn prim(&mut self) -> Result<EV, String> {
        self.depth += 1;
        if self.depth > 100 {
            return Err("syntax error".into());
        }
        let Some(t) = self.peek().map(str::to_string) else {
            return Err("syntax error".into());
        };
        self.i += 1;
        match t.as_str() {
            "(" => {
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return Err("syntax error".into());
                }
                self.i += 1;
                Ok(v)
            }
            "length" => {
                let v = self.prim()?;
                Ok(EV::I(v.text().chars().count() as i64))
            }
            "substr" => {
                let s = self.prim()?.text();
                let pos = self.prim()?.int().unwrap_or(0);
                let len = self.prim()?.int().unwrap_or(0);
                if pos < 1 || len < 1 {
                    return Ok(EV::S(String::new()));
                }
                Ok(EV::S(
                    s.chars()
                        .skip(pos as usize - 1)
                        .take(len as usize)
                        .collect(),
                ))
            }
            "index" => {
                let s = self.prim()?.text();
                let chars = self.prim()?.text();
                let i = s
                    .chars()
                    .position(|c| chars.contains(c))
                    .map_or(0, |i| i + 1);
                Ok(EV::I(i as i64))
            }
            "match" => {
                let s = self.prim()?.text();
                let r = self.prim()?.text();
                Ok(ev_of(super::text::expr_match(&s, &r)))
            }
            _ => Ok(match t.parse::<i64>() {
                Ok(i) => EV::I(i),
                Err(_) => EV::S(t),
            }),
        }
    }
}

async fn expr_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let mut parser = ExprP {
        a: &a,
        i: 0,
        depth: 0,
    };
    let r = parser.or();
    match r {
        Ok(v) if parser.i == a.len() => {
            let _ = p.out(&format!("{}\n", v.text())).await;
            if v.truthy() {
                ExitStatus::SUCCESS
            } else {
                ExitStatus::FAILURE
            }
        }
        Ok(_) => {
            complain(&p, "syntax error").await;
            ExitStatus::Code(2)
        }
        Err(e) => {
            complain(&p, &e).await;
            ExitStatus::Code(2)
        }
    }
}

async fn basename_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let Some(path) = a.first() else {
        return usage(&p, "basename FILE [SUFFIX]").await;
    };
    let t = path.trim_end_matches('/');
    let mut b = if t.is_empty() && path.starts_with('/') {
        "/".to_string()
    } else {
        t.rsplit('/').next().unwrap_or(t).to_string()
    };
    if let Some(suf) = a.get(1) {
        if b.len() > suf.len() && b.ends_with(suf.as_str()) {
            b.truncate(b.len() - suf.len());
        }
    }
    let _ = p.out(&format!("{b}\n")).await;
    ExitStatus::SUCCESS
}

async fn dirname_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let Some(path) = a.first() else {
        return usage(&p, "dirname FILENAME").await;
    };
    let t = path.trim_end_matches('/');
    let d = match t.rfind('/') {
        None if path.starts_with('/') => "/".to_string(),
        None => ".".to_string(),
        Some(0) => "/".to_string(),
        Some(i) => t[..i].trim_end_matches('/').to_string(),
    };
    let d = if d.is_empty() { "/".to_string() } else { d };
    let _ = p.out(&format!("{d}\n")).await;
    ExitStatus::SUCCESS
}

async fn which_main(p: Proc) -> ExitStatus {
    let path = p
        .getenv("PATH")
        .unwrap_or(crate::userland::proc::DEFAULT_PATH)
        .to_string();
    let mut status = ExitStatus::SUCCESS;
    for n in args(&p) {
        match p.find_in_path(&n, &path) {
            Some(f) => {
                let _ = p.out(&format!("{f}\n")).await;
            }
            None => status = ExitStatus::FAILURE,
        }
    }
    status
}

async fn pwd_main(p: Proc) -> ExitStatus {
    let _ = p.out(&format!("{}\n", p.cwd)).await;
    ExitStatus::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_like_busybox() {
        let t = 1_795_621_907; // 2026-11-25 15:51:47 UTC
        let cases = [
            (
                "default format",
                "%a %b %e %H:%M:%S %Z %Y",
                "Wed Nov 25 15:51:47 UTC 2026",
            ),
            ("iso date", "%F %T", "2026-11-25 15:51:47"),
            ("epoch seconds", "%s", "1795621907"),
            ("day of year", "%j", "329"),
        ];
        for (name, f, want) in cases {
            assert_eq!(strftime(f, t), want, "{name}");
        }
        assert_eq!(strftime("%a %e", 0), "Thu  1");
    }

    #[test]
    fn durations_parse_like_busybox_sleep() {
        let cases = [
            ("seconds", "5", Ok(Some(5000))),
            ("fraction", "0.5", Ok(Some(500))),
            ("minutes", "1m", Ok(Some(60_000))),
            ("days", "1d", Ok(Some(86_400_000))),
            ("infinity", "infinity", Ok(None)),
            ("garbage", "foo", Err(())),
        ];
        for (name, s, want) in cases {
            assert_eq!(parse_duration(s), want, "{name}");
        }
    }
}
