//! The few perl one-liners the study material runs, above all the
//! Kubernetes documentation's Job: `perl -Mbignum=bpi -wle 'print bpi(2000)'`.
//!
//! `bpi(N)` is `Math::BigFloat->bpi(N)`: π rounded to N significant digits
//! (round half to even, which for an irrational number is plain rounding to
//! nearest), printed with all N digits, trailing zeros included.
//! `bpi(2000)` ends in `…4780275901`: the digits after the 2000th are
//! `99465…`, so the last two rounded digits are `01`, not π's `00`.

use std::time::Duration;

use super::pi::pi_rounded_digits;

/// What a perl run produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PerlOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// Estimated running time on a small cloud VM.
    pub cost: Duration,
}

/// `bpi(N)` as `print` shows it (no newline). `N = 0` means the default
/// precision, 40 digits.
pub fn bpi(digits: u32) -> String {
    let n = if digits == 0 { 40 } else { digits as usize };
    let d = pi_rounded_digits(n);
    let mut s = String::with_capacity(n + 1);
    for (i, digit) in d.iter().enumerate() {
        if i == 1 {
            s.push('.');
        }
        s.push(char::from(b'0' + digit));
    }
    s
}

/// Estimated time for `perl -Mbignum=bpi -e 'print bpi(N)'`: start-up and
/// module loading, then for more than 1000 digits Math::BigFloat's AGM
/// iteration (up to 1000 digits come from a stored table). Measured with
/// perl 5.36 on a 2-vCPU cloud VM: bpi(1500) 2.4 s, bpi(2000) 4.7 s,
/// bpi(3000) 11.3 s of CPU; fitted as 843 ns·N² + 0.137 ns·N³.
fn bpi_cost(digits: u32) -> Duration {
    let start = Duration::from_millis(50);
    if digits <= 1000 {
        return start;
    }
    let n = u128::from(digits);
    let ps = 843_000 * n * n + 137 * n * n * n;
    start + Duration::from_nanos(u64::try_from(ps / 1000).unwrap_or(u64::MAX))
}

/// A parsed perl command line: switches, then the `-e` program.
struct CommandLine {
    /// `-l`: print appends a newline.
    newline: bool,
    /// Modules imported with `-M`, as `module=imports`.
    modules: Vec<String>,
    program: String,
}

fn parse_args(args: &[String]) -> Option<CommandLine> {
    let mut cl = CommandLine {
        newline: false,
        modules: Vec::new(),
        program: String::new(),
    };
    let mut have_program = false;
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(switches) = arg.strip_prefix('-') else {
            // A script file or stray argument: not something we can run.
            return None;
        };
        if let Some(module) = switches.strip_prefix('M') {
            // perl wants the module attached: `-M bignum` is an error.
            if module.is_empty() {
                return None;
            }
            cl.modules.push(module.to_string());
            continue;
        }
        for (at, c) in switches.char_indices() {
            match c {
                'w' => {}
                'l' => cl.newline = true,
                'e' | 'E' => {
                    let rest = &switches[at + 1..];
                    let code = if rest.is_empty() {
                        let code = args.get(i)?.clone();
                        i += 1;
                        code
                    } else {
                        rest.to_string()
                    };
                    if have_program {
                        cl.program.push('\n');
                    }
                    cl.program.push_str(&code);
                    have_program = true;
                    break;
                }
                _ => return None,
            }
        }
    }
    have_program.then_some(cl)
}

/// One item of a print list.
enum Item {
    Text(String),
    Bpi(u32),
}

/// Parses `print LIST` statements separated by `;`, where each item is a
/// quoted string or `bpi(N)`. Anything else is beyond these one-liners.
fn parse_program(program: &str) -> Option<Vec<Vec<Item>>> {
    let mut statements = Vec::new();
    let mut rest = program.trim();
    while !rest.is_empty() {
        let body = rest.strip_prefix("print")?;
        if body.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let mut body = body.trim_start();
        let parenthesised = body.starts_with('(') && !body.starts_with("(bpi");
        if parenthesised {
            body = body[1..].trim_start();
        }
        let mut items = Vec::new();
        loop {
            let (item, after) = parse_item(body)?;
            items.push(item);
            body = after.trim_start();
            match body.strip_prefix(',') {
                Some(after_comma) => body = after_comma.trim_start(),
                None => break,
            }
        }
        if parenthesised {
            body = body.strip_prefix(')')?.trim_start();
        }
        statements.push(items);
        rest = match body.strip_prefix(';') {
            Some(after) => after.trim_start(),
            None if body.is_empty() => body,
            None => return None,
        };
    }
    (!statements.is_empty()).then_some(statements)
}

fn parse_item(text: &str) -> Option<(Item, &str)> {
    if let Some(after) = text.strip_prefix("bpi") {
        let after = after.trim_start().strip_prefix('(')?.trim_start();
        let (number, after) = match after.strip_prefix('"').or_else(|| after.strip_prefix('\'')) {
            Some(quoted) => {
                let end = quoted.find(['"', '\''])?;
                (&quoted[..end], &quoted[end + 1..])
            }
            None => {
                let end = after
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        let n: u32 = number.parse().ok()?;
        let after = after.trim_start().strip_prefix(')')?;
        return Some((Item::Bpi(n), after));
    }
    if let Some(body) = text.strip_prefix('\'') {
        let end = body.find('\'')?;
        let raw = &body[..end];
        if raw.contains('\\') {
            return None;
        }
        return Some((Item::Text(raw.to_string()), &body[end + 1..]));
    }
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((Item::Text(out), &body[at + 1..])),
            '$' | '@' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'a' => '\u{7}',
                    'e' => '\u{1b}',
                    '0' => '\0',
                    '\\' | '"' | '$' | '@' | '\'' => e,
                    _ => return None,
                });
            }
            _ => out.push(c),
        }
    }
    None
}

/// Runs `perl ARGS` when ARGS is one of the supported one-liners: `-e`
/// programs made of `print` statements over quoted strings and, with
/// `-Mbignum=bpi`, `bpi(N)`. `None` for anything else.
pub fn run(args: &[String]) -> Option<PerlOutput> {
    let cl = parse_args(args)?;
    let statements = parse_program(&cl.program)?;
    let has_bpi = cl.modules.iter().any(|m| {
        m == "bignum=bpi"
            || m.starts_with("bignum=") && m[7..].split([',', ' ']).any(|s| s == "bpi")
    });
    for m in &cl.modules {
        if !m.starts_with("bignum") && !m.starts_with("strict") && !m.starts_with("warnings") {
            return None;
        }
    }
    let mut stdout = String::new();
    let mut cost = Duration::from_millis(if cl.modules.is_empty() { 5 } else { 50 });
    for items in &statements {
        for item in items {
            match item {
                Item::Text(t) => stdout.push_str(t),
                Item::Bpi(n) => {
                    if !has_bpi {
                        return Some(PerlOutput {
                            stdout,
                            stderr: "Undefined subroutine &main::bpi called at -e line 1.\n"
                                .to_string(),
                            exit_code: 255,
                            cost,
                        });
                    }
                    stdout.push_str(&bpi(*n));
                    cost += bpi_cost(*n).saturating_sub(Duration::from_millis(50));
                }
            }
        }
        if cl.newline {
            stdout.push('\n');
        }
    }
    Some(PerlOutput {
        stdout,
        stderr: String::new(),
        exit_code: 0,
        cost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn bpi_rounds_to_the_requested_digits() {
        for (name, n, want) in [
            ("one digit is just 3", 1, "3"),
            ("ten digits round up", 10, "3.141592654"),
            (
                "thirty-one digits carry into a zero",
                31,
                "3.141592653589793238462643383280",
            ),
            (
                "thirty-three digits keep a trailing zero",
                33,
                "3.14159265358979323846264338327950",
            ),
            (
                "zero means the default forty",
                0,
                "3.141592653589793238462643383279502884197",
            ),
        ] {
            assert_eq!(bpi(n), want, "{name}");
        }
    }

    #[test]
    fn bpi_2000_matches_the_documentation_job() {
        let s = bpi(2000);
        assert_eq!(s.len(), 2001, "3, the point and 1999 decimals");
        assert!(s.starts_with("3.14159265358979323846264338327950288419716939937510"));
        assert!(
            s.ends_with("4677646575739624138908658326459958133904780275901"),
            "{}",
            &s[1950..]
        );
    }

    #[test]
    fn the_documentation_job_prints_pi_and_a_newline() {
        let out = run(&args(&["-Mbignum=bpi", "-wle", "print bpi(2000)"]));
        let Some(out) = out else {
            panic!("the documentation's command line is supported");
        };
        assert_eq!(out.exit_code, 0);
        assert_eq!(out.stderr, "");
        assert_eq!(out.stdout, format!("{}\n", bpi(2000)));
        assert!(
            out.cost > Duration::from_secs(2) && out.cost < Duration::from_secs(10),
            "{:?}",
            out.cost
        );
    }

    #[test]
    fn simple_prints() {
        for (name, argv, want) in [
            (
                "print with an explicit newline",
                &["-e", "print \"hello\\n\""][..],
                "hello\n",
            ),
            (
                "-l adds the newline",
                &["-le", "print 'hello'"][..],
                "hello\n",
            ),
            (
                "clustered switches",
                &["-wle", "print \"a\", \"b\""][..],
                "ab\n",
            ),
            (
                "two statements",
                &["-le", "print 'a'; print 'b';"][..],
                "a\nb\n",
            ),
            ("attached program", &["-e", "print(\"x\")"][..], "x"),
            (
                "module before the program",
                &["-Mbignum=bpi", "-e", "print bpi(3)"][..],
                "3.14",
            ),
        ] {
            let out = run(&args(argv)).map(|o| o.stdout);
            assert_eq!(out.as_deref(), Some(want), "{name}");
        }
    }

    #[test]
    fn bpi_without_the_import_fails_like_perl() {
        let out = run(&args(&["-le", "print bpi(5)"]));
        assert_eq!(
            out.map(|o| (o.exit_code, o.stderr)),
            Some((
                255,
                "Undefined subroutine &main::bpi called at -e line 1.\n".to_string()
            ))
        );
    }

    #[test]
    fn anything_else_is_unsupported() {
        for (name, argv) in [
            ("a script file", &["script.pl"][..]),
            ("interpolation", &["-e", "print \"$x\""][..]),
            ("other code", &["-e", "my $x = 1; print $x"][..]),
            ("no program", &["-w"][..]),
            ("unknown module", &["-MList::Util", "-e", "print 1"][..]),
        ] {
            assert!(run(&args(argv)).is_none(), "{name}");
        }
    }
}
