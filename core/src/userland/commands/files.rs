//! File applets.

use super::applet;
use super::common::{bad_option, complain, getopt, read_input};
use super::sys::{civil_from_days, user_name, MONTHS};
use crate::userland::fs::{self, FsError, Kind, Stat};
use crate::userland::proc::{ExitStatus, Proc, Signal};
use crate::util::sort;

applet!(cat, cat_main);
applet!(ls, ls_main);
applet!(mkdir, mkdir_main);
applet!(rmdir, rmdir_main);
applet!(touch, touch_main);
applet!(rm, rm_main);
applet!(cp, cp_main);
applet!(mv, mv_main);
applet!(ln, ln_main);
applet!(chmod, chmod_main);
applet!(tee, tee_main);
applet!(wc, wc_main);
applet!(head, head_main);
applet!(tail, tail_main);

fn args(p: &Proc) -> Vec<String> {
    p.argv.iter().skip(1).cloned().collect()
}

/// Writes to stdout; a broken pipe ends the applet as SIGPIPE would.
async fn out(p: &Proc, data: &[u8]) -> Result<(), ExitStatus> {
    p.write(1, data)
        .await
        .map_err(|_| ExitStatus::Signaled(Signal::Pipe))
}

async fn cat_main(p: Proc) -> ExitStatus {
    let mut files = args(&p);
    files.retain(|f| f != "-u");
    if files.is_empty() {
        files.push("-".to_string());
    }
    let mut status = ExitStatus::SUCCESS;
    for f in &files {
        if f == "-" {
            loop {
                let chunk = p.read(0, 64 * 1024).await;
                if chunk.is_empty() {
                    break;
                }
                if let Err(s) = out(&p, &chunk).await {
                    return s;
                }
            }
            continue;
        }
        let data = p.fs().read(&p.cwd, f);
        match data {
            Ok(d) => {
                if let Err(s) = out(&p, &d).await {
                    return s;
                }
            }
            Err(FsError::IsDir) => {
                complain(&p, &format!("read error: {}", FsError::IsDir.text())).await;
                status = ExitStatus::FAILURE;
            }
            Err(e) => {
                complain(&p, &format!("can't open '{f}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    status
}

fn mode_string(st: &Stat) -> String {
    let mut s = String::with_capacity(10);
    s.push(match st.kind {
        Kind::Dir => 'd',
        Kind::Link => 'l',
        Kind::File => '-',
    });
    let m = st.meta.mode;
    let bits = [
        (0o400, 'r'),
        (0o200, 'w'),
        (0o100, 'x'),
        (0o40, 'r'),
        (0o20, 'w'),
        (0o10, 'x'),
        (0o4, 'r'),
        (0o2, 'w'),
        (0o1, 'x'),
    ];
    for (i, (b, c)) in bits.iter().enumerate() {
        let on = m & b != 0;
        let ch = match i {
            2 if m & 0o4000 != 0 => {
                if on {
                    's'
                } else {
                    'S'
                }
            }
            5 if m & 0o2000 != 0 => {
                if on {
                    's'
                } else {
                    'S'
                }
            }
            8 if m & 0o1000 != 0 => {
                if on {
                    't'
                } else {
                    'T'
                }
            }
            _ if on => *c,
            _ => '-',
        };
        s.push(ch);
    }
    s
}

/// `Nov 25 15:51` for recent times, `Nov 25  2025` for older ones.
fn ls_time(mtime: i64, now: i64) -> String {
    let days = mtime.div_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let rem = mtime.rem_euclid(86_400);
    let month = MONTHS[(mo as usize).saturating_sub(1).min(11)];
    if (now - mtime).abs() > 182 * 86_400 {
        format!("{month} {d:>2}  {y}")
    } else {
        format!("{month} {d:>2} {:02}:{:02}", rem / 3600, (rem / 60) % 60)
    }
}

fn long_line(p: &Proc, name: &str, st: &Stat, now: i64) -> String {
    let user = user_name(p, st.meta.uid);
    let group = group_name(p, st.meta.gid);
    let mut line = format!(
        "{} {:>4} {:<8} {:<8} {:>9} {} {}",
        mode_string(st),
        st.nlink,
        user,
        group,
        st.size,
        ls_time(st.meta.mtime, now),
        name
    );
    if let Some(t) = &st.link_target {
        line.push_str(" -> ");
        line.push_str(t);
    }
    line.push('\n');
    line
}

fn group_name(p: &Proc, gid: u32) -> String {
    let data = p.fs().read("/", "/etc/group").unwrap_or_default();
    let text = String::from_utf8_lossy(&data).into_owned();
    text.lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2)?.parse::<u32>().ok()? == gid).then(|| f[0].to_string())
        })
        .unwrap_or_else(|| gid.to_string())
}

async fn ls_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "laA1RdhFpe", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let long = opts.has('l');
    let all = opts.has('a');
    let almost = opts.has('A');
    let dir_itself = opts.has('d');
    let recursive = opts.has('R');
    let classify = opts.has('F') || opts.has('p');
    let now = p.wall_secs();
    let mut targets = opts.operands.clone();
    if targets.is_empty() {
        targets.push(".".to_string());
    }
    let mut status = ExitStatus::SUCCESS;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for t in &targets {
        let st = p.fs().stat(&p.cwd, t).or_else(|_| p.fs().lstat(&p.cwd, t));
        match st {
            Ok(st) if st.is_dir() && !dir_itself => dirs.push(t.clone()),
            Ok(st) => files.push((t.clone(), st)),
            Err(e) => {
                complain(&p, &format!("{t}: {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    let fmt = |name: &str, st: &Stat| -> String {
        if long {
            long_line(&p, name, st, now)
        } else {
            let mut n = name.to_string();
            if classify && st.is_dir() {
                n.push('/');
            }
            format!("{n}\n")
        }
    };
    let mut text = String::new();
    for (n, st) in &files {
        text.push_str(&fmt(n, st));
    }
    let show_headers = dirs.len() + files.len() > 1 || recursive;
    let mut queue: Vec<String> = dirs;
    let mut first = files.is_empty();
    let mut guard = 0;
    while let Some(d) = if queue.is_empty() {
        None
    } else {
        Some(queue.remove(0))
    } {
        guard += 1;
        if guard > 10_000 {
            break;
        }
        if !first {
            text.push('\n');
        }
        first = false;
        if show_headers {
            text.push_str(&format!("{d}:\n"));
        }
        let entries = p.fs().list(&p.cwd, &d);
        let entries = match entries {
            Ok(e) => e,
            Err(e) => {
                complain(&p, &format!("{d}: {}", e.text())).await;
                status = ExitStatus::FAILURE;
                continue;
            }
        };
        let mut shown: Vec<(String, Stat)> = Vec::new();
        if all {
            if let Ok(st) = p.fs().stat(&p.cwd, &d) {
                shown.push((".".into(), st.clone()));
                let parent = p.fs().stat(&p.cwd, &format!("{d}/..")).unwrap_or(st);
                shown.push(("..".into(), parent));
            }
        }
        for (n, st) in entries {
            if n.starts_with('.') && !all && !almost {
                continue;
            }
            shown.push((n, st));
        }
        if long {
            let blocks: u64 = shown
                .iter()
                .filter(|(n, _)| n != "." && n != "..")
                .map(|(_, s)| s.size.div_ceil(1024) * 4 / 4)
                .sum();
            text.push_str(&format!("total {blocks}\n"));
        }
        let mut subdirs = Vec::new();
        for (n, st) in &shown {
            text.push_str(&fmt(n, st));
            if recursive && st.is_dir() && n != "." && n != ".." {
                subdirs.push(if d.ends_with('/') {
                    format!("{d}{n}")
                } else {
                    format!("{d}/{n}")
                });
            }
        }
        subdirs.extend(queue);
        queue = subdirs;
    }
    if let Err(s) = out(&p, text.as_bytes()).await {
        return s;
    }
    status
}

async fn mkdir_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "pv", "m") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let mode = opts
        .value('m')
        .and_then(|m| u16::from_str_radix(m, 8).ok())
        .unwrap_or(0o755);
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for d in &opts.operands {
        if opts.has('p') {
            let abs = fs::absolute(&p.cwd, d);
            let comps = fs::split(&abs);
            let mut path = String::new();
            for c in comps {
                path.push('/');
                path.push_str(&c);
                let exists = p.fs().stat("/", &path);
                match exists {
                    Ok(st) if st.is_dir() => continue,
                    Ok(_) => {
                        complain(
                            &p,
                            &format!("can't create directory '{d}': {}", FsError::Exists.text()),
                        )
                        .await;
                        status = ExitStatus::FAILURE;
                        break;
                    }
                    Err(_) => {
                        let r = p.fs_mut().mkdir("/", &path, mode, now);
                        if let Err(e) = r {
                            complain(
                                &p,
                                &format!("can't create directory '{path}': {}", e.text()),
                            )
                            .await;
                            status = ExitStatus::FAILURE;
                            break;
                        }
                    }
                }
            }
        } else {
            let r = p.fs_mut().mkdir(&p.cwd, d, mode, now);
            if let Err(e) = r {
                complain(&p, &format!("can't create directory '{d}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    status
}

async fn rmdir_main(p: Proc) -> ExitStatus {
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for d in args(&p).iter().filter(|a| !a.starts_with('-')) {
        let r = p.fs_mut().rmdir(&p.cwd, d, now);
        if let Err(e) = r {
            complain(&p, &format!("'{d}': {}", e.text())).await;
            status = ExitStatus::FAILURE;
        }
    }
    status
}

async fn touch_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "cam", "dtr") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for f in &opts.operands {
        if opts.has('c') && !p.fs().exists(&p.cwd, f) {
            continue;
        }
        let r = p.fs_mut().touch(&p.cwd, f, now);
        if let Err(e) = r {
            complain(&p, &format!("{f}: {}", e.text())).await;
            status = ExitStatus::FAILURE;
        }
    }
    status
}

fn remove_tree(p: &Proc, path: &str, now: i64, depth: usize) -> Result<(), (String, FsError)> {
    let st = p
        .fs()
        .lstat(&p.cwd, path)
        .map_err(|e| (path.to_string(), e))?;
    if st.kind == Kind::Dir {
        if depth > 200 {
            return Err((path.to_string(), FsError::Busy));
        }
        let entries = p
            .fs()
            .list(&p.cwd, path)
            .map_err(|e| (path.to_string(), e))?;
        for (n, _) in entries {
            remove_tree(
                p,
                &format!("{}/{n}", path.trim_end_matches('/')),
                now,
                depth + 1,
            )?;
        }
        p.fs_mut()
            .rmdir(&p.cwd, path, now)
            .map_err(|e| (path.to_string(), e))
    } else {
        p.fs_mut()
            .unlink(&p.cwd, path, now)
            .map_err(|e| (path.to_string(), e))
    }
}

async fn rm_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "rRfiv", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let force = opts.has('f');
    let rec = opts.has('r') || opts.has('R');
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for f in &opts.operands {
        let st = p.fs().lstat(&p.cwd, f);
        match st {
            Err(e) => {
                if !force {
                    complain(&p, &format!("can't remove '{f}': {}", e.text())).await;
                    status = ExitStatus::FAILURE;
                }
            }
            Ok(st) if st.kind == Kind::Dir && !rec => {
                complain(&p, &format!("'{f}' is a directory")).await;
                status = ExitStatus::FAILURE;
            }
            Ok(_) => {
                if let Err((path, e)) = remove_tree(&p, f, now, 0) {
                    complain(&p, &format!("can't remove '{path}': {}", e.text())).await;
                    status = ExitStatus::FAILURE;
                }
            }
        }
    }
    status
}

/// Where `cp`/`mv` put `src` when the last operand is `dst`.
fn destination(p: &Proc, src: &str, dst: &str) -> String {
    if p.fs().stat(&p.cwd, dst).is_ok_and(|s| s.is_dir()) {
        let base = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
        format!("{}/{base}", dst.trim_end_matches('/'))
    } else {
        dst.to_string()
    }
}

async fn cp_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "rRapfvdL", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let rec = opts.has('r') || opts.has('R') || opts.has('a');
    let Some((dst, srcs)) = opts.operands.split_last() else {
        complain(&p, "missing file operand").await;
        return ExitStatus::FAILURE;
    };
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for s in srcs {
        let st = p.fs().stat(&p.cwd, s);
        match st {
            Err(e) => {
                complain(&p, &format!("can't stat '{s}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
            Ok(st) if st.is_dir() && !rec => {
                complain(&p, &format!("omitting directory '{s}'")).await;
                status = ExitStatus::FAILURE;
            }
            Ok(_) => {
                let target = destination(&p, s, dst);
                let r = p.fs_mut().copy(&p.cwd, s, &target, now);
                if let Err(e) = r {
                    complain(&p, &format!("can't create '{target}': {}", e.text())).await;
                    status = ExitStatus::FAILURE;
                }
            }
        }
    }
    status
}

async fn mv_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "fin", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let Some((dst, srcs)) = opts.operands.split_last() else {
        complain(&p, "missing file operand").await;
        return ExitStatus::FAILURE;
    };
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    for s in srcs {
        if p.fs().lstat(&p.cwd, s).is_err() {
            complain(
                &p,
                &format!("can't rename '{s}': {}", FsError::NotFound.text()),
            )
            .await;
            status = ExitStatus::FAILURE;
            continue;
        }
        let target = destination(&p, s, dst);
        let r = p.fs_mut().rename(&p.cwd, s, &target, now);
        if let Err(e) = r {
            complain(&p, &format!("can't rename '{s}': {}", e.text())).await;
            status = ExitStatus::FAILURE;
        }
    }
    status
}

async fn ln_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "sfnv", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let (target, link) = match opts.operands.as_slice() {
        [t] => (t.clone(), t.rsplit('/').next().unwrap_or(t).to_string()),
        [t, l] => (t.clone(), destination(&p, t, l)),
        _ => {
            complain(&p, "missing file operand").await;
            return ExitStatus::FAILURE;
        }
    };
    let now = p.wall_secs();
    if opts.has('f') {
        let _ = p.fs_mut().unlink(&p.cwd, &link, now);
    }
    let r = if opts.has('s') {
        p.fs_mut().symlink(&p.cwd, &target, &link, now)
    } else {
        // Hard links become copies: the tree has no shared inodes.
        p.fs_mut().copy(&p.cwd, &target, &link, now)
    };
    match r {
        Ok(()) => ExitStatus::SUCCESS,
        Err(e) => {
            complain(&p, &format!("{link}: {}", e.text())).await;
            ExitStatus::FAILURE
        }
    }
}

async fn chmod_main(p: Proc) -> ExitStatus {
    let a = args(&p);
    let Some((mode, files)) = a.split_first() else {
        complain(&p, "missing operand").await;
        return ExitStatus::FAILURE;
    };
    let mut status = ExitStatus::SUCCESS;
    for f in files {
        let cur = p.fs().stat(&p.cwd, f).map(|s| s.meta.mode);
        let Ok(cur) = cur else {
            complain(&p, &format!("{f}: {}", FsError::NotFound.text())).await;
            status = ExitStatus::FAILURE;
            continue;
        };
        let new = if let Ok(m) = u16::from_str_radix(mode, 8) {
            m
        } else {
            let mut m = cur;
            for clause in mode.split(',') {
                let (who, rest) = clause.split_at(clause.find(['+', '-', '=']).unwrap_or(0));
                let Some(op) = rest.chars().next() else {
                    continue;
                };
                let perms = &rest[1..];
                let mut bits = 0u16;
                for c in perms.chars() {
                    bits |= match c {
                        'r' => 0o444,
                        'w' => 0o222,
                        'x' => 0o111,
                        _ => 0,
                    };
                }
                let mask = if who.is_empty() || who.contains('a') {
                    0o777
                } else {
                    let mut k = 0;
                    if who.contains('u') {
                        k |= 0o700;
                    }
                    if who.contains('g') {
                        k |= 0o070;
                    }
                    if who.contains('o') {
                        k |= 0o007;
                    }
                    k
                };
                match op {
                    '+' => m |= bits & mask,
                    '-' => m &= !(bits & mask),
                    _ => m = (m & !mask) | (bits & mask),
                }
            }
            m
        };
        let r = p.fs_mut().chmod(&p.cwd, f, new);
        if let Err(e) = r {
            complain(&p, &format!("{f}: {}", e.text())).await;
            status = ExitStatus::FAILURE;
        }
    }
    status
}

async fn tee_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "ai", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let now = p.wall_secs();
    let mut status = ExitStatus::SUCCESS;
    let mut files = Vec::new();
    for f in &opts.operands {
        let r = p.fs_mut().write(&p.cwd, f, b"", opts.has('a'), now);
        match r {
            Ok(()) => files.push(f.clone()),
            Err(e) => {
                complain(&p, &format!("can't open '{f}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    loop {
        let chunk = p.read(0, 64 * 1024).await;
        if chunk.is_empty() {
            break;
        }
        let now = p.wall_secs();
        for f in &files {
            let _ = p.fs_mut().write(&p.cwd, f, &chunk, true, now);
        }
        if let Err(s) = out(&p, &chunk).await {
            return s;
        }
    }
    status
}

async fn wc_main(p: Proc) -> ExitStatus {
    let opts = match getopt(&args(&p), "lwcmL", "") {
        Ok(o) => o,
        Err(c) => return bad_option(&p, c).await,
    };
    let mut which: Vec<char> = opts
        .flags
        .iter()
        .copied()
        .filter(|c| "lwc".contains(*c))
        .collect();
    if opts.has('m') && !which.contains(&'c') {
        which.push('c');
    }
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    sort::sort_by_key(&mut which, |c| "lwc".find(*c));
    which.dedup();
    let mut files = opts.operands.clone();
    let stdin_only = files.is_empty();
    if stdin_only {
        files.push("-".into());
    }
    let mut status = ExitStatus::SUCCESS;
    let mut text = String::new();
    let mut totals = [0usize; 3];
    for f in &files {
        let data = match read_input(&p, f).await {
            Ok(d) => d,
            Err(e) => {
                complain(&p, &format!("{f}: {e}")).await;
                status = ExitStatus::FAILURE;
                continue;
            }
        };
        let l = data.iter().filter(|b| **b == b'\n').count();
        let w = String::from_utf8_lossy(&data).split_whitespace().count();
        let c = data.len();
        let counts = [l, w, c];
        for k in 0..3 {
            totals[k] += counts[k];
        }
        text.push_str(&wc_line(
            &which,
            &counts,
            if stdin_only { None } else { Some(f) },
        ));
    }
    if files.len() > 1 {
        text.push_str(&wc_line(&which, &totals, Some("total")));
    }
    let _ = out(&p, text.as_bytes()).await;
    status
}

fn wc_line(which: &[char], counts: &[usize; 3], name: Option<&str>) -> String {
    let vals: Vec<usize> = which
        .iter()
        .map(|c| counts["lwc".find(*c).unwrap_or(0)])
        .collect();
    let mut s = if vals.len() == 1 && name.is_some() {
        vals[0].to_string()
    } else {
        vals.iter()
            .map(|v| format!("{v:>9}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if vals.len() == 1 && name.is_none() {
        s = vals[0].to_string();
    }
    if let Some(n) = name {
        s.push(' ');
        s.push_str(n);
    }
    s.push('\n');
    s
}

/// `-n N`, `-N` (obsolete form) and `-n +N` for head/tail.
/// `head`/`tail` operands: the files, the count, whether it counts bytes
/// (`-c`) rather than lines, and `-f`.
struct CountArgs {
    files: Vec<String>,
    n: Option<String>,
    bytes: bool,
    follow: bool,
}

fn count_arg(args: &[String]) -> CountArgs {
    let mut rest = Vec::new();
    let mut n = None;
    let mut bytes = false;
    let mut follow = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "-n" || a == "-c" {
            n = args.get(i + 1).cloned();
            bytes = a == "-c";
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix("-n") {
            n = Some(v.to_string());
            bytes = false;
        } else if let Some(v) = a.strip_prefix("-c") {
            n = Some(v.to_string());
            bytes = true;
        } else if a == "-f" || a == "-F" {
            follow = true;
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            n = Some(a[1..].to_string());
        } else if a == "-q" || a == "-v" {
        } else {
            rest.push(a.clone());
        }
        i += 1;
    }
    CountArgs {
        files: rest,
        n,
        bytes,
        follow,
    }
}

async fn head_main(p: Proc) -> ExitStatus {
    let CountArgs {
        mut files,
        n,
        bytes,
        ..
    } = count_arg(&args(&p));
    let n: usize = match n.as_deref().map(str::parse::<usize>) {
        None => 10,
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            complain(&p, &format!("invalid number '{}'", n.unwrap_or_default())).await;
            return ExitStatus::FAILURE;
        }
    };
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = ExitStatus::SUCCESS;
    let multi = files.len() > 1;
    for (k, f) in files.iter().enumerate() {
        if multi {
            let sep = if k > 0 { "\n" } else { "" };
            let _ = out(&p, format!("{sep}==> {f} <==\n").as_bytes()).await;
        }
        if bytes {
            match read_input(&p, f).await {
                Ok(d) => {
                    if let Err(s) = out(&p, &d[..n.min(d.len())]).await {
                        return s;
                    }
                }
                Err(e) => {
                    complain(&p, &format!("can't open '{f}': {e}")).await;
                    status = ExitStatus::FAILURE;
                }
            }
            continue;
        }
        if f == "-" {
            // Stop reading as soon as N lines are out, so `yes | head -1` ends.
            let mut lines = 0;
            let mut pending = Vec::new();
            while lines < n {
                let chunk = p.read(0, 4096).await;
                if chunk.is_empty() {
                    break;
                }
                for b in chunk {
                    pending.push(b);
                    if b == b'\n' {
                        lines += 1;
                        if lines == n {
                            break;
                        }
                    }
                }
                if let Err(s) = out(&p, &pending).await {
                    return s;
                }
                pending.clear();
            }
            continue;
        }
        let data = p.fs().read(&p.cwd, f);
        match data {
            Ok(d) => {
                let mut end = 0;
                let mut lines = 0;
                for (i, b) in d.iter().enumerate() {
                    if lines == n {
                        break;
                    }
                    end = i + 1;
                    if *b == b'\n' {
                        lines += 1;
                    }
                }
                if n == 0 {
                    end = 0;
                }
                if let Err(s) = out(&p, &d[..end]).await {
                    return s;
                }
            }
            Err(e) => {
                complain(&p, &format!("can't open '{f}': {}", e.text())).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    status
}

/// `tail -c N` (the last N bytes) and `tail -c +N` (from byte N on).
fn last_bytes(d: &[u8], n: &str) -> Vec<u8> {
    match n.strip_prefix('+') {
        Some(from) => {
            let k: usize = from.parse().unwrap_or(1);
            d.get(k.saturating_sub(1)..).unwrap_or_default().to_vec()
        }
        None => {
            let k: usize = n.parse().unwrap_or(0);
            d[d.len().saturating_sub(k)..].to_vec()
        }
    }
}

fn tail_bytes(d: &[u8], n: &str) -> Vec<u8> {
    if let Some(from) = n.strip_prefix('+') {
        let k: usize = from.parse().unwrap_or(1);
        let mut line = 1;
        for (i, b) in d.iter().enumerate() {
            if line >= k {
                return d[i..].to_vec();
            }
            if *b == b'\n' {
                line += 1;
            }
        }
        return Vec::new();
    }
    let k: usize = n.parse().unwrap_or(10);
    if k == 0 {
        return Vec::new();
    }
    let body = d.strip_suffix(b"\n").unwrap_or(d);
    let mut count = 0;
    for i in (0..body.len()).rev() {
        if body[i] == b'\n' {
            count += 1;
            if count == k {
                return d[i + 1..].to_vec();
            }
        }
    }
    d.to_vec()
}

async fn tail_main(p: Proc) -> ExitStatus {
    let CountArgs {
        mut files,
        n,
        bytes,
        follow,
    } = count_arg(&args(&p));
    let n = n.unwrap_or_else(|| "10".into());
    if !n
        .trim_start_matches('+')
        .chars()
        .all(|c| c.is_ascii_digit())
        || n.is_empty()
    {
        complain(&p, &format!("invalid number '{n}'")).await;
        return ExitStatus::FAILURE;
    }
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = ExitStatus::SUCCESS;
    let mut sizes = Vec::new();
    for f in &files {
        let d = read_input(&p, f).await;
        match d {
            Ok(d) => {
                let shown = if bytes {
                    last_bytes(&d, &n)
                } else {
                    tail_bytes(&d, &n)
                };
                if let Err(s) = out(&p, &shown).await {
                    return s;
                }
                sizes.push((f.clone(), d.len()));
            }
            Err(e) => {
                complain(&p, &format!("can't open '{f}': {e}")).await;
                status = ExitStatus::FAILURE;
            }
        }
    }
    if !follow || sizes.iter().all(|(f, _)| f == "-") {
        return status;
    }
    // busybox tail -f polls once a second for growth.
    loop {
        p.sleep(1000).await;
        for (f, size) in sizes.iter_mut() {
            if f == "-" {
                continue;
            }
            let d = p.fs().read(&p.cwd, f).unwrap_or_default();
            if d.len() < *size {
                *size = 0;
            }
            if d.len() > *size {
                let new = d[*size..].to_vec();
                *size = d.len();
                if let Err(s) = out(&p, &new).await {
                    return s;
                }
            }
        }
    }
}
