//! `podlab`: a simulated Kubernetes cluster on the command line.

#![forbid(unsafe_code)]

use std::process::ExitCode;

mod args;

use args::{Command, UsageError};

const VERSION: &str = env!("CARGO_PKG_VERSION");

const HELP: &str = "\
Replay kubectl sessions against a simulated Kubernetes cluster.

Usage: podlab [OPTIONS]

Options:
  -h, --help     Print help
  -V, --version  Print version
";

fn main() -> ExitCode {
    match args::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("podlab {VERSION}\n{HELP}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("podlab {VERSION}");
            ExitCode::SUCCESS
        }
        Err(UsageError(message)) => {
            eprintln!("error: {message}\n\nUsage: podlab [OPTIONS]\n\nFor more information, try '--help'.");
            // 2 is the conventional exit status for a usage error.
            ExitCode::from(2)
        }
    }
}
