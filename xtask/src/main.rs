//! Project automation, run as `cargo xtask <command>`.
//!
//! `serve` builds the web app and serves it; `test` runs every check the
//! project has. Both install any missing tool first, so a machine with only
//! rustup, Node.js/npm and apt needs nothing done by hand.

#![forbid(unsafe_code)]

mod dist;
mod exec;
mod serve;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <COMMAND>

Commands:
  serve [--port N]  Build the web app into dist/ and serve it at http://127.0.0.1:8080/
  dist              Build the web app into dist/ (static files; work under any sub-path)
  test              Run every check: rustfmt, clippy, tests, wasm build, browser tests
";

/// Every failure carries a message that tells the user what went wrong.
pub type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    let outcome = match args.as_slice() {
        ["serve", rest @ ..] => {
            serve_args(rest).and_then(|port| serve::build_and_serve(&root, port))
        }
        ["dist"] => dist::build(&root, &tools::Locations::detect(&root)).map(|_| ()),
        ["test"] => test::run_all(&root),
        [] | ["help" | "-h" | "--help"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!(
            "unexpected arguments: {}\n\n{USAGE}",
            args.join(" ")
        )),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve_args(args: &[&str]) -> Result<u16> {
    match args {
        [] => Ok(serve::DEFAULT_PORT),
        ["--port", port] => port
            .parse()
            .map_err(|_| format!("--port expects a number from 0 to 65535, got {port:?}")),
        _ => Err(format!(
            "unexpected arguments to serve: {}\n\n{USAGE}",
            args.join(" ")
        )),
    }
}

/// The repository root: the folder above this crate.
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}
