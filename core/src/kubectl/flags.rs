//! Command-line flags the way kubectl's pflag parses them: `--name=value`,
//! `--name value`, `-n value`, `-nvalue`, grouped boolean shorthands
//! (`-it`), flags anywhere among the arguments, and `--` to stop.

use std::collections::BTreeMap;

/// What a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    Bool,
    /// A string (or number) value.
    Value,
    /// Repeatable: every occurrence is kept (`--from-literal`, `-f`).
    List,
    /// An integer, checked as pflag parses it (`--replicas`, `--tail`).
    Int,
    /// A Go duration (`30s`, `1m30s`, `0`), checked as pflag parses it.
    Duration,
}

/// One flag a command accepts.
#[derive(Clone, Debug)]
pub struct FlagDef {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: FlagKind,
    /// Value used when the flag is given without one (`--dry-run` means
    /// `--dry-run=unchanged`), for value flags that allow it.
    pub no_opt_default: Option<&'static str>,
}

pub const fn flag(long: &'static str, short: Option<char>, kind: FlagKind) -> FlagDef {
    FlagDef {
        long,
        short,
        kind,
        no_opt_default: None,
    }
}

pub const fn flag_opt(long: &'static str, no_opt_default: &'static str) -> FlagDef {
    FlagDef {
        long,
        short: None,
        kind: FlagKind::Value,
        no_opt_default: Some(no_opt_default),
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL_FLAGS: &[FlagDef] = &[
    flag("namespace", Some('n'), FlagKind::Value),
    flag("kubeconfig", None, FlagKind::Value),
    flag("context", None, FlagKind::Value),
    flag("cluster", None, FlagKind::Value),
    flag("user", None, FlagKind::Value),
    flag("server", Some('s'), FlagKind::Value),
    flag("token", None, FlagKind::Value),
    flag("request-timeout", None, FlagKind::Value),
    flag("v", Some('v'), FlagKind::Value),
    flag("insecure-skip-tls-verify", None, FlagKind::Bool),
    flag("as", None, FlagKind::Value),
    flag("as-group", None, FlagKind::List),
    flag("as-uid", None, FlagKind::Value),
    flag("cache-dir", None, FlagKind::Value),
    flag("certificate-authority", None, FlagKind::Value),
    flag("client-certificate", None, FlagKind::Value),
    flag("client-key", None, FlagKind::Value),
    flag("match-server-version", None, FlagKind::Bool),
    flag("password", None, FlagKind::Value),
    flag("username", None, FlagKind::Value),
    flag("tls-server-name", None, FlagKind::Value),
    flag("warnings-as-errors", None, FlagKind::Bool),
    flag("disable-compression", None, FlagKind::Bool),
    flag("profile", None, FlagKind::Value),
    flag("profile-output", None, FlagKind::Value),
    flag("log-flush-frequency", None, FlagKind::Value),
];

/// Parsed flags and positional arguments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub values: BTreeMap<&'static str, Vec<String>>,
    pub args: Vec<String>,
    /// Arguments after `--` (for `exec`, `run`).
    pub after_dash: Option<Vec<String>>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// A boolean flag's value (pflag's ParseBool spellings).
    pub fn bool(&self, long: &str) -> bool {
        matches!(
            self.get(long),
            Some("true" | "1" | "t" | "T" | "TRUE" | "True")
        )
    }

    pub fn bool_or(&self, long: &str, default: bool) -> bool {
        if self.has(long) {
            self.bool(long)
        } else {
            default
        }
    }
}

/// Why parsing failed, in pflag's words (kubectl prints `error: ` before
/// and the usage hint after).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Why Go's `time.ParseDuration` refuses `s`, if it does: `0`, or signed
/// runs of a decimal number and a unit.
fn duration_error(s: &str) -> Option<String> {
    let invalid = || Some(format!("time: invalid duration \"{s}\""));
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body == "0" {
        return None;
    }
    if body.is_empty() {
        return invalid();
    }
    let mut rest = body;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return invalid();
        }
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Some(format!("time: missing unit in duration \"{s}\""));
        }
        if !matches!(
            unit,
            "ns" | "us" | "\u{b5}s" | "\u{3bc}s" | "ms" | "s" | "m" | "h"
        ) {
            return Some(format!("time: unknown unit \"{unit}\" in duration \"{s}\""));
        }
        rest = &rest[unit_len..];
    }
    None
}

/// Why pflag refuses a value for a typed flag, if it does.
fn check_value(d: &FlagDef, v: &str) -> Option<String> {
    match d.kind {
        FlagKind::Int => {
            let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                if v.parse::<i64>().is_ok() {
                    return None;
                }
                return Some(format!(
                    "strconv.ParseInt: parsing \"{v}\": value out of range"
                ));
            }
            Some(format!("strconv.ParseInt: parsing \"{v}\": invalid syntax"))
        }
        FlagKind::Duration => duration_error(v),
        _ => None,
    }
}

/// pflag's name for a flag in its messages: `-r, --replicas` or `--tail`.
fn flag_label(d: &FlagDef) -> String {
    match d.short {
        Some(c) => format!("-{c}, --{}", d.long),
        None => format!("--{}", d.long),
    }
}

/// Parses `argv` (without the command words) against `defs` and the
/// global flags.
pub fn parse(argv: &[String], defs: &[FlagDef]) -> Result<Parsed, FlagError> {
    let find_long = |name: &str| -> Option<&FlagDef> {
        defs.iter()
            .chain(GLOBAL_FLAGS.iter())
            .find(|d| d.long == name)
    };
    let find_short = |c: char| -> Option<&FlagDef> {
        defs.iter()
            .chain(GLOBAL_FLAGS.iter())
            .find(|d| d.short == Some(c))
    };
    let mut out = Parsed::default();
    let set = |out: &mut Parsed, d: &FlagDef, v: String| -> Result<(), FlagError> {
        if let Some(why) = check_value(d, &v) {
            return Err(FlagError(format!(
                "invalid argument \"{v}\" for \"{}\" flag: {why}",
                flag_label(d)
            )));
        }
        let entry = out.values.entry(d.long).or_default();
        if d.kind != FlagKind::List {
            entry.clear();
        }
        entry.push(v);
        Ok(())
    };
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            out.after_dash = Some(argv[i..].to_vec());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(d) = find_long(name) else {
                return Err(FlagError(format!("unknown flag: --{name}")));
            };
            match d.kind {
                FlagKind::Bool => {
                    let v = match inline {
                        None => true,
                        Some(v) => parse_bool(&v).ok_or_else(|| {
                            FlagError(format!(
                                "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
                            ))
                        })?,
                    };
                    set(&mut out, d, v.to_string())?;
                }
                _ => {
                    let v = match inline {
                        Some(v) => v,
                        None => match d.no_opt_default {
                            Some(def) => def.to_string(),
                            None => {
                                let Some(v) = argv.get(i) else {
                                    return Err(FlagError(format!(
                                        "flag needs an argument: --{name}"
                                    )));
                                };
                                i += 1;
                                v.clone()
                            }
                        },
                    };
                    set(&mut out, d, v)?;
                }
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(d) = find_short(c) else {
                    return Err(FlagError(format!("unknown shorthand flag: '{c}' in {a}")));
                };
                j += 1;
                match d.kind {
                    FlagKind::Bool => {
                        if chars.get(j) == Some(&'=') {
                            let v: String = chars[j + 1..].iter().collect();
                            let b = parse_bool(&v).ok_or_else(|| {
                                FlagError(format!(
                                    "invalid argument \"{v}\" for \"-{c}, --{}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax",
                                    d.long
                                ))
                            })?;
                            set(&mut out, d, b.to_string())?;
                            j = chars.len();
                        } else {
                            set(&mut out, d, "true".to_string())?;
                        }
                    }
                    _ => {
                        let rest: String = chars[j..].iter().collect();
                        let v = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else if let Some(def) = d.no_opt_default {
                            def.to_string()
                        } else {
                            let Some(v) = argv.get(i) else {
                                return Err(FlagError(format!(
                                    "flag needs an argument: '{c}' in -{c}"
                                )));
                            };
                            i += 1;
                            v.clone()
                        };
                        set(&mut out, d, v)?;
                        j = chars.len();
                    }
                }
            }
            continue;
        }
        out.args.push(a.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[FlagDef] = &[
        flag("output", Some('o'), FlagKind::Value),
        flag("watch", Some('w'), FlagKind::Bool),
        flag("stdin", Some('i'), FlagKind::Bool),
        flag("tty", Some('t'), FlagKind::Bool),
        flag("filename", Some('f'), FlagKind::List),
        flag_opt("dry-run", "unchanged"),
        flag("replicas", Some('r'), FlagKind::Int),
        flag("timeout", None, FlagKind::Duration),
    ];

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_parse_like_pflag() {
        let p = parse(&args("pods -o wide -n kube-system --watch x"), DEFS).unwrap();
        assert_eq!(p.args, ["pods", "x"]);
        assert_eq!(p.get("output"), Some("wide"));
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert!(p.bool("watch"));

        let p = parse(&args("-owide -nkube-system --output=json"), DEFS).unwrap();
        assert_eq!(p.get("output"), Some("json"));
        assert_eq!(p.get("namespace"), Some("kube-system"));

        let p = parse(&args("-it web -- sh -c x"), DEFS).unwrap();
        assert!(p.bool("stdin") && p.bool("tty"));
        assert_eq!(p.args, ["web"]);
        assert_eq!(p.after_dash, Some(args("sh -c x")));

        let p = parse(&args("-f a.yaml -f b.yaml --dry-run"), DEFS).unwrap();
        assert_eq!(p.all("filename"), ["a.yaml", "b.yaml"]);
        assert_eq!(p.get("dry-run"), Some("unchanged"));

        let p = parse(&args("--watch=false -n=default"), DEFS).unwrap();
        assert!(!p.bool("watch"));
        assert_eq!(p.get("namespace"), Some("default"));
    }

    #[test]
    fn errors_use_pflag_wording() {
        let cases = [
            ("--foo", "unknown flag: --foo"),
            ("-z", "unknown shorthand flag: 'z' in -z"),
            ("-n", "flag needs an argument: 'n' in -n"),
            ("--namespace", "flag needs an argument: --namespace"),
            (
                "--watch=maybe",
                "invalid argument \"maybe\" for \"--watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse(&args(input), DEFS),
                Err(FlagError(want.to_string())),
                "{input}"
            );
        }
    }

    #[test]
    fn typed_values_are_checked_as_pflag_checks_them() {
        let cases = [
            ("a whole number is an int", "--replicas=3", None),
            ("a signed number is an int", "-r=-2", None),
            (
                "a word is not an int",
                "--replicas=x",
                Some("invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"),
            ),
            (
                "a huge number is out of range",
                "--replicas=99999999999999999999",
                Some("invalid argument \"99999999999999999999\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range"),
            ),
            ("a duration has units", "--timeout=1m30s", None),
            ("zero needs no unit", "--timeout=0", None),
            ("a fraction is a duration", "--timeout=1.5h", None),
            (
                "a bare number lacks a unit",
                "--timeout=5",
                Some("invalid argument \"5\" for \"--timeout\" flag: time: missing unit in duration \"5\""),
            ),
            (
                "an unknown unit is named",
                "--timeout=1x",
                Some("invalid argument \"1x\" for \"--timeout\" flag: time: unknown unit \"x\" in duration \"1x\""),
            ),
            (
                "a word is no duration",
                "--timeout=abc",
                Some("invalid argument \"abc\" for \"--timeout\" flag: time: invalid duration \"abc\""),
            ),
        ];
        for (name, input, want) in cases {
            let got = parse(&args(input), DEFS).err().map(|FlagError(m)| m);
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }
}
