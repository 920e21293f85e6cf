//! Command-line parsing, by hand: the grammar is small and a parser crate
//! would cost more than it saves.

use std::path::PathBuf;

/// What the user asked `podlab` to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Run {
        file: PathBuf,
        seed: u64,
        workers: u32,
        echo: bool,
    },
    Shell {
        seed: u64,
        workers: u32,
    },
}

/// Why the arguments could not be understood; printed with the usage line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

fn number<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, UsageError> {
    let v = v.ok_or_else(|| UsageError(format!("a value is required for '{flag} <N>' but none was supplied")))?;
    v.parse()
        .map_err(|_| UsageError(format!("invalid value '{v}' for '{flag} <N>': not a number")))
}

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let args: Vec<String> = args.into_iter().map(|a| a.as_ref().to_string()).collect();
    let Some(first) = args.first() else {
        return Ok(Command::Shell { seed: 1, workers: 2 });
    };
    let mut seed = 1;
    let mut workers = 2;
    let mut echo = false;
    let mut file = None;
    let sub = first.clone();
    let sub = sub.as_str();
    match sub {
        "-h" | "--help" | "help" => {
            return match args.get(1) {
                None => Ok(Command::Help),
                Some(extra) => Err(UsageError(format!("unexpected argument '{extra}'"))),
            }
        }
        "-V" | "--version" => {
            return match args.get(1) {
                None => Ok(Command::Version),
                Some(extra) => Err(UsageError(format!("unexpected argument '{extra}'"))),
            }
        }
        "run" | "shell" => {}
        other if other.starts_with('-') => {
            return Err(UsageError(format!("unexpected argument '{other}'")))
        }
        other => return Err(UsageError(format!("unrecognized subcommand '{other}'"))),
    }
    let mut it = args.into_iter().skip(1);
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match name.as_str() {
            "--seed" => seed = number("--seed", inline.or_else(|| it.next()))?,
            "--workers" => workers = number("--workers", inline.or_else(|| it.next()))?,
            "--echo" if sub == "run" => echo = true,
            other if other.starts_with('-') => {
                return Err(UsageError(format!("unexpected argument '{other}'")))
            }
            _ if sub == "run" && file.is_none() => file = Some(PathBuf::from(a)),
            _ => return Err(UsageError(format!("unexpected argument '{a}'"))),
        }
    }
    if sub == "shell" {
        return Ok(Command::Shell { seed, workers });
    }
    let Some(file) = file else {
        return Err(UsageError(
            "the following required arguments were not provided:\n  <FILE>".to_string(),
        ));
    };
    Ok(Command::Run {
        file,
        seed,
        workers,
        echo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(file: &str, seed: u64, workers: u32, echo: bool) -> Command {
        Command::Run {
            file: PathBuf::from(file),
            seed,
            workers,
            echo,
        }
    }

    #[test]
    fn arguments_map_to_commands_or_usage_errors() {
        let cases: &[(&str, &[&str], Result<Command, &str>)] = &[
            ("no arguments opens a shell", &[], Ok(Command::Shell { seed: 1, workers: 2 })),
            ("long help flag", &["--help"], Ok(Command::Help)),
            ("short help flag", &["-h"], Ok(Command::Help)),
            ("help subcommand", &["help"], Ok(Command::Help)),
            ("long version flag", &["--version"], Ok(Command::Version)),
            ("short version flag", &["-V"], Ok(Command::Version)),
            ("a transcript", &["run", "t.sh"], Ok(run("t.sh", 1, 2, false))),
            (
                "a transcript with options",
                &["run", "--echo", "--seed", "7", "--workers=3", "t.sh"],
                Ok(run("t.sh", 7, 3, true)),
            ),
            ("a shell with a seed", &["shell", "--seed=9"], Ok(Command::Shell { seed: 9, workers: 2 })),
            ("run without a file", &["run"], Err("the following required arguments were not provided:\n  <FILE>")),
            ("a bad seed", &["run", "--seed", "x", "t"], Err("invalid value 'x' for '--seed <N>': not a number")),
            ("unknown flag", &["--verbose"], Err("unexpected argument '--verbose'")),
            ("unknown subcommand", &["deploy"], Err("unrecognized subcommand 'deploy'")),
            ("trailing argument", &["--version", "x"], Err("unexpected argument 'x'")),
        ];
        for (name, args, expected) in cases {
            let got = parse(args.iter());
            let expected = expected.clone().map_err(|e| UsageError(e.to_string()));
            assert_eq!(got, expected, "{name}");
        }
    }
}
