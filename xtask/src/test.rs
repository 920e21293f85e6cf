//! `cargo xtask test`: every check the project has, in order, stopping at
//! the first failure and naming it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::exec::{self, cargo};
use crate::tools::{self, Locations, WASM_TARGET};
use crate::{dist, Result};

/// A named check. Steps run in this order: cheap ones first, so a typo
/// fails in seconds rather than after the wasm build.
struct Step {
    name: &'static str,
    run: fn(&Path) -> Result<()>,
}

const STEPS: &[Step] = &[
    Step {
        name: "rustfmt",
        run: rustfmt,
    },
    Step {
        name: "clippy (host)",
        run: clippy_host,
    },
    Step {
        name: "clippy (wasm32)",
        run: clippy_wasm,
    },
    Step {
        name: "native tests",
        run: native_tests,
    },
    Step {
        name: "wasm release build",
        run: wasm_build,
    },
    Step {
        name: "browser tests",
        run: browser_tests,
    },
];

pub fn run_all(root: &Path) -> Result<()> {
    let started = Instant::now();
    let mut timings = Vec::new();
    for step in STEPS {
        println!("\n==> {}", step.name);
        let step_started = Instant::now();
        (step.run)(root).map_err(|e| format!("step '{}' failed: {e}", step.name))?;
        timings.push((step.name, step_started.elapsed()));
    }
    println!();
    for (name, took) in &timings {
        println!("ok  {name:<22} {:>6.1}s", took.as_secs_f64());
    }
    println!(
        "xtask test: all {} steps passed in {:.1}s",
        STEPS.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn rustfmt(root: &Path) -> Result<()> {
    exec::run(
        cargo()
            .current_dir(root)
            .args(["fmt", "--all", "--", "--check"]),
    )
}

fn clippy_host(root: &Path) -> Result<()> {
    exec::run(cargo().current_dir(root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn clippy_wasm(root: &Path) -> Result<()> {
    tools::ensure_wasm_target()?;
    exec::run(cargo().current_dir(root).args([
        "clippy",
        "-p",
        "podlab-web",
        "-p",
        "podlab-core",
        "--target",
        WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ]))
}

fn native_tests(root: &Path) -> Result<()> {
    exec::run(cargo().current_dir(root).args(["test", "--workspace"]))
}

fn wasm_build(root: &Path) -> Result<()> {
    let assets = dist::build(root, &Locations::detect(root))?;
    dist::check_budget(&assets)
}

fn browser_tests(root: &Path) -> Result<()> {
    let chromium = tools::ensure_chromium()?;
    let dir = root.join("tests").join("browser");
    tools::ensure_browser_test_packages(&dir)?;
    exec::run(
        Command::new("node")
            .current_dir(root)
            .env("PODLAB_DIST", root.join("dist"))
            .env("PODLAB_CHROMIUM", chromium)
            .args(["--test", "tests/browser/page.test.mjs"]),
    )
}
