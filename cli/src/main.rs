//! `podlab`: a simulated Kubernetes cluster on the command line.

#![forbid(unsafe_code)]

use std::process::ExitCode;

mod args;
mod run;
mod shell;

use args::{Command, UsageError};

const VERSION: &str = env!("CARGO_PKG_VERSION");

const HELP: &str = "\
Replay kubectl sessions against a simulated Kubernetes cluster.

Usage: podlab [COMMAND] [OPTIONS]

Commands:
  run [--seed N] [--workers N] [--echo] FILE
                 Replay a transcript (kubectl lines, sleep, echo, heredocs)
                 on a fresh cluster and print what a terminal shows
  shell [--seed N] [--workers N]
                 An interactive session (the default with no command)

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
        Ok(Command::Run {
            file,
            seed,
            workers,
            echo,
        }) => match run::run(&run::RunOptions {
            file,
            seed,
            workers,
            echo,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("podlab: {message}");
                ExitCode::from(2)
            }
        },
        Ok(Command::Shell { seed, workers }) => shell::shell(seed, workers),
        Err(UsageError(message)) => {
            eprintln!("error: {message}\n\nUsage: podlab [COMMAND] [OPTIONS]\n\nFor more information, try '--help'.");
            // 2 is the conventional exit status for a usage error.
            ExitCode::from(2)
        }
    }
}
