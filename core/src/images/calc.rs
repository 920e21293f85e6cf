//! `bc` (resouer/ubuntu-bc) and `perl` (the perl image): the programs
//! read their input like the real ones, then let the arbitrary-precision
//! calculators compute, and print after the simulated time the real
//! program would take.
//!
//! The calculators are reached through [`Calculators`], one small seam, so
//! the programs do not depend on how the calculator module is organized.

use std::time::Duration;

use super::rootfs;
use super::support::boxed;
use super::Built;
use crate::userland::proc::{ExitStatus, Proc, ProgramFuture, Signal};
use crate::userland::Registry;

/// What a calculator run printed, how it ended and how long it took.
pub(crate) struct CalcRun {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    pub cost: Duration,
    /// The program never finishes (an endless loop): after `cost` it keeps
    /// running, printing nothing more, until it is killed.
    pub still_running: bool,
}

/// The seam between the programs and the calculators.
pub(crate) struct Calculators;

impl Calculators {
    /// GNU bc on a whole program.
    fn bc(program: &str, mathlib: bool) -> Option<CalcRun> {
        let out = crate::calc::bc::run(program, mathlib);
        Some(CalcRun {
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
            cost: out.cost,
            still_running: out.completion == crate::calc::bc::Completion::Unfinished,
        })
    }

    /// `perl ARGS` for the one-liners the calculators know; `None` when
    /// the program is not one of them.
    fn perl(args: &[String]) -> Option<CalcRun> {
        let out = crate::calc::perl::run(args)?;
        Some(CalcRun {
            stdout: out.stdout,
            stderr: out.stderr,
            exit_code: out.exit_code,
            cost: out.cost,
            still_running: false,
        })
    }
}

pub(crate) fn register(r: &mut Registry) {
    r.register("bc", bc);
    r.register("perl", perl);
}

/// resouer/ubuntu-bc: Ubuntu with GNU bc 1.07.
pub(crate) fn ubuntu_bc_image() -> Built {
    let fs = rootfs::ubuntu_fs(rootfs::ubuntu("18.04")).program("usr/bin/bc", "bc");
    Built {
        entrypoint: Vec::new(),
        cmd: vec!["/bin/bash".into()],
        env: vec![(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: 44_000_000,
        filesystem: fs.build(),
    }
}

/// The official perl image for `version` (`5.34.0`).
pub(crate) fn perl_image(version: &str, debian_major: u32) -> Built {
    let fs = rootfs::debian_fs(rootfs::debian(debian_major))
        .executable("usr/local/bin/perl", "perl", format!("perl {version}\n"))
        .symlink(&format!("usr/local/bin/perl{version}"), "perl")
        .dir("usr/src/perl", 0o755);
    Built {
        entrypoint: Vec::new(),
        cmd: vec![format!("perl{version}"), "-de0".into()],
        env: vec![(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
        stop_signal: Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: 330_000_000,
        filesystem: fs.build(),
    }
}

fn bc(p: Proc) -> ProgramFuture {
    boxed(bc_main(p))
}

fn perl(p: Proc) -> ProgramFuture {
    boxed(perl_main(p))
}

/// Prints a finished run after the time it took.
async fn finish(p: &Proc, run: CalcRun) -> ExitStatus {
    let ms = u64::try_from(run.cost.as_millis()).unwrap_or(u64::MAX);
    p.sleep(ms).await;
    if !run.stdout.is_empty() {
        let _ = p.out(&run.stdout).await;
    }
    if !run.stderr.is_empty() {
        let _ = p.err(&run.stderr).await;
    }
    if run.still_running {
        return p.pause().await;
    }
    ExitStatus::from_code(run.exit_code)
}

async fn bc_main(p: Proc) -> ExitStatus {
    let mut mathlib = false;
    let mut files = Vec::new();
    for a in p.argv.iter().skip(1) {
        match a.as_str() {
            "-l" | "--mathlib" => mathlib = true,
            "-q" | "--quiet" | "-s" | "--standard" | "-w" | "--warn" => {}
            "-h" | "--help" => {
                let _ = p
                    .out("usage: bc [options] [file ...]\n  -h  --help         print this usage and exit\n  -i  --interactive  force interactive mode\n  -l  --mathlib      use the predefined math routines\n  -q  --quiet        don't print initial banner\n  -s  --standard     non-standard bc constructs are errors\n  -w  --warn         warn about non-standard bc constructs\n  -v  --version      print version information and exit\n")
                    .await;
                return ExitStatus::SUCCESS;
            }
            "-v" | "--version" => {
                let _ = p
                    .out("bc 1.07.1\nCopyright 1991-1994, 1997, 1998, 2000, 2004, 2006, 2008, 2012-2017 Free Software Foundation, Inc.\n")
                    .await;
                return ExitStatus::SUCCESS;
            }
            s if s.starts_with('-') && s.len() > 1 => {
                let flags = &s[1..];
                if flags.chars().all(|c| "lqswi".contains(c)) {
                    mathlib |= flags.contains('l');
                } else {
                    let c = flags.chars().find(|c| !"lqswi".contains(*c)).unwrap_or('?');
                    let _ = p.err(&format!("bc: invalid option -- '{c}'\n")).await;
                    return ExitStatus::FAILURE;
                }
            }
            f => files.push(f.to_string()),
        }
    }
    let mut program = String::new();
    for f in &files {
        let read = p.fs().read(&p.cwd, f);
        match read {
            Ok(d) => program.push_str(&String::from_utf8_lossy(&d)),
            Err(_) => {
                let _ = p.err(&format!("File {f} is unavailable.\n")).await;
                return ExitStatus::FAILURE;
            }
        }
    }
    let input = p.read_all(0).await;
    program.push_str(&String::from_utf8_lossy(&input));
    match Calculators::bc(&program, mathlib) {
        Some(run) => finish(&p, run).await,
        None => {
            let _ = p
                .err("bc: the calculator is not available in this build\n")
                .await;
            ExitStatus::FAILURE
        }
    }
}

async fn perl_main(p: Proc) -> ExitStatus {
    let args: Vec<String> = p.argv.iter().skip(1).cloned().collect();
    if args.iter().any(|a| a == "-v" || a == "--version") {
        let data = p.fs().read("/", "/usr/local/bin/perl").unwrap_or_default();
        let text = String::from_utf8_lossy(&data);
        let version = text
            .split_whitespace()
            .nth(1)
            .unwrap_or("5.34.0")
            .to_string();
        let mut parts = version.split('.').skip(1);
        let (minor, patch) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
        let _ = p
            .out(&format!(
                "\nThis is perl 5, version {minor}, subversion {patch} (v{version}) built for x86_64-linux-gnu\n"
            ))
            .await;
        return ExitStatus::SUCCESS;
    }
    match Calculators::perl(&args) {
        Some(run) => finish(&p, run).await,
        None => {
            let _ = p
                .err(
                    "perl: only one-line programs that print strings or bpi(N) run in this image\n",
                )
                .await;
            ExitStatus::Code(255)
        }
    }
}
