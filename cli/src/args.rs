//! Command-line parsing, by hand: the grammar is small and a parser crate
//! would cost more than it saves.

/// What the user asked `podlab` to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
}

/// Why the arguments could not be understood; printed with the usage line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Command, UsageError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut args = args.into_iter();
    let Some(first) = args.next() else {
        return Ok(Command::Help);
    };
    let command = match first.as_ref() {
        "-h" | "--help" | "help" => Command::Help,
        "-V" | "--version" => Command::Version,
        other if other.starts_with('-') => {
            return Err(UsageError(format!("unexpected argument '{other}'")))
        }
        other => return Err(UsageError(format!("unrecognized subcommand '{other}'"))),
    };
    match args.next() {
        Some(extra) => Err(UsageError(format!(
            "unexpected argument '{}'",
            extra.as_ref()
        ))),
        None => Ok(command),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_map_to_commands_or_usage_errors() {
        let cases: &[(&str, &[&str], Result<Command, &str>)] = &[
            ("no arguments asks for help", &[], Ok(Command::Help)),
            ("long help flag", &["--help"], Ok(Command::Help)),
            ("short help flag", &["-h"], Ok(Command::Help)),
            ("help subcommand", &["help"], Ok(Command::Help)),
            ("long version flag", &["--version"], Ok(Command::Version)),
            ("short version flag", &["-V"], Ok(Command::Version)),
            (
                "unknown flag",
                &["--verbose"],
                Err("unexpected argument '--verbose'"),
            ),
            (
                "unknown subcommand",
                &["deploy"],
                Err("unrecognized subcommand 'deploy'"),
            ),
            (
                "trailing argument",
                &["--version", "x"],
                Err("unexpected argument 'x'"),
            ),
        ];
        for (name, args, expected) in cases {
            let got = parse(args.iter());
            let expected = expected.clone().map_err(|e| UsageError(e.to_string()));
            assert_eq!(got, expected, "{name}");
        }
    }
}
