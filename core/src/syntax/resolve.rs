//! Scalar resolution the way go-yaml v2 does it (YAML 1.1 flavoured): which
//! plain scalars are booleans, nulls, numbers or timestamps. The decoder
//! uses it to type values, the emitter to decide which strings need quotes.

use super::gostr::{parse_float, parse_int_base0, parse_uint_base0};

pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub(crate) const INT_TAG: &str = "tag:yaml.org,2002:int";
pub(crate) const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub(crate) const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub(crate) const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub(crate) const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

const LONG_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A resolved scalar, with the Go type go-yaml would have produced.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A string; also timestamps, which go-yaml keeps as their text.
    Str(String),
}

/// `!!int` for `tag:yaml.org,2002:int`.
pub(crate) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG_TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG
    )
}

fn from_table(s: &str) -> Option<(&'static str, Scalar)> {
    let v = match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (BOOL_TAG, Scalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (BOOL_TAG, Scalar::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (NULL_TAG, Scalar::Null),
        ".nan" | ".NaN" | ".NAN" => (FLOAT_TAG, Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (FLOAT_TAG, Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (FLOAT_TAG, Scalar::Float(f64::NEG_INFINITY)),
        "<<" => (MERGE_TAG, Scalar::Str("<<".to_string())),
        _ => return None,
    };
    Some(v)
}

/// The first-character hint go-yaml uses to skip resolution of most strings.
fn hint(s: &str) -> Option<u8> {
    let Some(&c) = s.as_bytes().first() else {
        return Some(b'N');
    };
    match c {
        b'+' | b'-' => Some(b'S'),
        b'0'..=b'9' => Some(b'D'),
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Some(b'M'),
        b'.' => Some(b'.'),
        _ => None,
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if let Some(b'-' | b'+') = b.first() {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        if let Some(b'-' | b'+') = b.get(i) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Resolves a scalar's text under an (already expanded) tag, as go-yaml's
/// `resolve` does. Returns the resolved tag and value, or go-yaml's error
/// text when an explicit tag does not fit the value.
pub(crate) fn resolve(tag: &str, input: &str) -> Result<(&'static str, Scalar), String> {
    if !resolvable(tag) {
        // Unknown and binary tags keep the text; the caller decides.
        return Ok(("", Scalar::Str(input.to_string())));
    }
    let (rtag, value) = resolve_plain(tag, input);
    if tag.is_empty() || tag == rtag || tag == STR_TAG || tag == BINARY_TAG {
        return Ok((rtag, value));
    }
    if tag == FLOAT_TAG && rtag == INT_TAG {
        let f = match value {
            Scalar::Int(i) => i as f64,
            _ => {
                return Err(format!(
                    "cannot decode {} `{input}` as a {}",
                    short_tag(rtag),
                    short_tag(tag)
                ))
            }
        };
        return Ok((FLOAT_TAG, Scalar::Float(f)));
    }
    Err(format!(
        "cannot decode {} `{input}` as a {}",
        short_tag(rtag),
        short_tag(tag)
    ))
}

fn resolve_plain(tag: &str, input: &str) -> (&'static str, Scalar) {
    let Some(hint) = hint(input) else {
        return (STR_TAG, Scalar::Str(input.to_string()));
    };
    if tag == STR_TAG || tag == BINARY_TAG {
        return (STR_TAG, Scalar::Str(input.to_string()));
    }
    if let Some(found) = from_table(input) {
        return found;
    }
    match hint {
        b'.' => {
            if let Some(f) = parse_float(input) {
                return (FLOAT_TAG, Scalar::Float(f));
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(input) {
                // go-yaml hands timestamps to interface{} targets as text.
                return (TIMESTAMP_TAG, Scalar::Str(input.to_string()));
            }
            let plain: String = input.chars().filter(|&c| c != '_').collect();
            if let Ok(i) = parse_int_base0(&plain) {
                return (INT_TAG, Scalar::Int(i));
            }
            if let Ok(u) = parse_uint_base0(&plain) {
                return (INT_TAG, Scalar::Uint(u));
            }
            if yaml_style_float(&plain) {
                if let Some(f) = parse_float(&plain) {
                    return (FLOAT_TAG, Scalar::Float(f));
                }
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if let Ok(i) = i64::from_str_radix(bin, 2) {
                    return (INT_TAG, Scalar::Int(i));
                }
                if let Ok(u) = u64::from_str_radix(bin, 2) {
                    return (INT_TAG, Scalar::Uint(u));
                }
            } else if let Some(bin) = plain.strip_prefix("-0b") {
                if let Ok(i) = i64::from_str_radix(&format!("-{bin}"), 2) {
                    return (INT_TAG, Scalar::Int(i));
                }
            }
            // Integers beyond 64 bits in other bases stay text: the go-yaml
            // fork in sigs.k8s.io/yaml v1.4.0 has no big integers.
        }
        _ => {}
    }
    (STR_TAG, Scalar::Str(input.to_string()))
}

/// YAML 1.1 base-60 floats (`1:20`); go-yaml does not read them, but quotes
/// such strings on output for other parsers' sake.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return false;
    };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = usize::from(c == b'+' || c == b'-');
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one digit, or two digits with the first in 0-5.
        match (b.get(i), b.get(i + 1)) {
            (Some(d1), Some(d2)) if (b'0'..=b'5').contains(d1) && d2.is_ascii_digit() => i += 2,
            (Some(d), _) if d.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether go-yaml's `parseTimestamp` accepts `s`: Go's `time.Parse` with
/// the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case
/// `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Cursor { b, i: 0 };
    let year = p.fixed_digits(4).unwrap_or(0);
    if !p.literal(b'-') {
        return false;
    }
    let Some(month) = p.one_or_two_digits() else {
        return false;
    };
    if !(1..=12).contains(&month) || !p.literal(b'-') {
        return false;
    }
    let Some(day) = p.one_or_two_digits() else {
        return false;
    };
    if day < 1 || day > days_in(month, year) {
        return false;
    }
    if p.done() {
        return true;
    }
    let zoned = match b.get(p.i) {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    p.i += 1;
    let time_ok = p.clock();
    if !time_ok {
        return false;
    }
    if zoned && !p.zone() {
        return false;
    }
    p.done()
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i == self.b.len()
    }

    fn literal(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn digit(&self, k: usize) -> Option<u32> {
        self.b
            .get(self.i + k)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    }

    fn fixed_digits(&mut self, n: usize) -> Option<u32> {
        let mut v = 0;
        for k in 0..n {
            v = v * 10 + self.digit(k)?;
        }
        self.i += n;
        Some(v)
    }

    /// Go's `getnum(value, false)`: one digit, or two.
    fn one_or_two_digits(&mut self) -> Option<u32> {
        let d0 = self.digit(0)?;
        match self.digit(1) {
            Some(d1) => {
                self.i += 2;
                Some(d0 * 10 + d1)
            }
            None => {
                self.i += 1;
                Some(d0)
            }
        }
    }

    /// `15:4:5.999999999`
    fn clock(&mut self) -> bool {
        let hour = self.one_or_two_digits();
        if hour.is_none_or(|h| h >= 24) || !self.literal(b':') {
            return false;
        }
        let min = self.one_or_two_digits();
        if min.is_none_or(|m| m >= 60) || !self.literal(b':') {
            return false;
        }
        let sec = self.one_or_two_digits();
        if sec.is_none_or(|s| s >= 60) {
            return false;
        }
        // An optional fraction: a period or comma and any number of digits.
        if matches!(self.b.get(self.i), Some(b'.' | b',')) && self.digit(1).is_some() {
            self.i += 1;
            while self.digit(0).is_some() {
                self.i += 1;
            }
        }
        true
    }

    /// `Z07:00`: `Z`, or `±hh:mm`.
    fn zone(&mut self) -> bool {
        if self.literal(b'Z') {
            return true;
        }
        let rest = &self.b[self.i..];
        if rest.len() < 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
            return false;
        }
        let two = |x: &[u8]| -> Option<u32> {
            (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
        };
        match (two(&rest[1..3]), two(&rest[4..6])) {
            (Some(h), Some(m)) if h <= 24 && m <= 60 => {
                self.i += 6;
                true
            }
            _ => false,
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Scalar {
        resolve("", s).map(|(_, v)| v).unwrap_or(Scalar::Null)
    }

    #[test]
    fn plain_scalars_resolve_the_yaml_1_1_way() {
        let cases: &[(&str, &str, Scalar)] = &[
            ("yes is true", "yes", Scalar::Bool(true)),
            ("capitalised Yes is true", "Yes", Scalar::Bool(true)),
            ("y is true", "y", Scalar::Bool(true)),
            ("on is true", "on", Scalar::Bool(true)),
            ("no is false", "no", Scalar::Bool(false)),
            ("n is false", "n", Scalar::Bool(false)),
            ("off is false", "OFF", Scalar::Bool(false)),
            (
                "mixed case stays a string",
                "tRue",
                Scalar::Str("tRue".into()),
            ),
            ("tilde is null", "~", Scalar::Null),
            ("empty is null", "", Scalar::Null),
            ("Null is null", "Null", Scalar::Null),
            ("decimal int", "42", Scalar::Int(42)),
            ("signed int", "-7", Scalar::Int(-7)),
            ("hex int", "0x1F", Scalar::Int(31)),
            ("leading zero is octal", "0777", Scalar::Int(511)),
            ("0o octal", "0o17", Scalar::Int(15)),
            ("binary", "0b101", Scalar::Int(5)),
            ("negative binary", "-0b101", Scalar::Int(-5)),
            ("underscores are ignored", "1_000", Scalar::Int(1000)),
            (
                "eight with a leading zero is a float",
                "08",
                Scalar::Float(8.0),
            ),
            (
                "above int64 is uint64",
                "18446744073709551615",
                Scalar::Uint(u64::MAX),
            ),
            (
                "beyond uint64 is a float",
                "99999999999999999999",
                Scalar::Float(1e20),
            ),
            (
                "hex beyond uint64 stays text",
                "0x1FFFFFFFFFFFFFFFF",
                Scalar::Str("0x1FFFFFFFFFFFFFFFF".into()),
            ),
            (
                "octal beyond uint64 reads as a decimal float",
                "0777777777777777777777777777",
                Scalar::Float(7.777777777777778e26),
            ),
            ("decimal float", "1.5", Scalar::Float(1.5)),
            ("exponent float", "1e3", Scalar::Float(1000.0)),
            ("leading dot float", ".5", Scalar::Float(0.5)),
            ("trailing dot float", "1.", Scalar::Float(1.0)),
            ("infinity", ".inf", Scalar::Float(f64::INFINITY)),
            (
                "negative infinity",
                "-.Inf",
                Scalar::Float(f64::NEG_INFINITY),
            ),
            (
                "date stays text",
                "2001-12-14",
                Scalar::Str("2001-12-14".into()),
            ),
            ("version stays text", "1.2.3", Scalar::Str("1.2.3".into())),
            ("base 60 stays text", "1:20", Scalar::Str("1:20".into())),
            ("merge key is text", "<<", Scalar::Str("<<".into())),
            ("dash is text", "-", Scalar::Str("-".into())),
            ("word", "nginx", Scalar::Str("nginx".into())),
        ];
        for (name, input, want) in cases {
            let got = plain(input);
            match (&got, want) {
                (Scalar::Float(a), Scalar::Float(b)) if a.is_nan() && b.is_nan() => {}
                _ => assert_eq!(&got, want, "{name}"),
            }
        }
        assert!(matches!(plain(".nan"), Scalar::Float(f) if f.is_nan()));
    }

    #[test]
    fn explicit_tags_are_honoured_or_rejected() {
        let cases: &[(&str, &str, &str, Result<Scalar, &str>)] = &[
            (
                "str keeps digits",
                STR_TAG,
                "123",
                Ok(Scalar::Str("123".into())),
            ),
            (
                "str keeps an empty value",
                STR_TAG,
                "",
                Ok(Scalar::Str(String::new())),
            ),
            (
                "int parses quoted digits",
                INT_TAG,
                "12",
                Ok(Scalar::Int(12)),
            ),
            (
                "float widens an int",
                FLOAT_TAG,
                "1",
                Ok(Scalar::Float(1.0)),
            ),
            ("bool accepts yes", BOOL_TAG, "yes", Ok(Scalar::Bool(true))),
            (
                "int rejects a word",
                INT_TAG,
                "abc",
                Err("cannot decode !!str `abc` as a !!int"),
            ),
            (
                "int rejects a float",
                INT_TAG,
                "1.5",
                Err("cannot decode !!float `1.5` as a !!int"),
            ),
            (
                "bool rejects a number",
                BOOL_TAG,
                "1",
                Err("cannot decode !!int `1` as a !!bool"),
            ),
            (
                "unknown tags keep text",
                "!foo",
                "12",
                Ok(Scalar::Str("12".into())),
            ),
        ];
        for (name, tag, input, want) in cases {
            let got = resolve(tag, input).map(|(_, v)| v);
            assert_eq!(got, want.clone().map_err(str::to_string), "{name}");
        }
    }

    #[test]
    fn timestamps_follow_go_time_parse() {
        let cases: &[(&str, &str, bool)] = &[
            ("date", "2001-12-14", true),
            ("short month and day", "2001-1-2", true),
            ("rfc3339", "2024-01-15T10:00:00Z", true),
            ("lower-case t", "2024-01-15t10:00:00Z", true),
            ("offset", "2024-01-15T10:00:00+02:00", true),
            ("fraction", "2024-01-15T10:00:00.123456Z", true),
            (
                "space separated without zone",
                "2001-12-14 21:59:43.10",
                true,
            ),
            (
                "space separated with zone is not accepted",
                "2001-12-14 21:59:43.10 -5",
                false,
            ),
            ("leap day", "2024-02-29", true),
            ("not a leap day", "2023-02-29", false),
            ("month out of range", "2001-13-01", false),
            ("missing zone", "2024-01-15T10:00:00", false),
            ("hour out of range", "2024-01-15T24:00:00Z", false),
            ("short year", "201-01-01", false),
            ("trailing text", "2001-12-14x", false),
        ];
        for (name, s, want) in cases {
            assert_eq!(is_timestamp(s), *want, "{name}");
        }
    }

    #[test]
    fn base60_floats_are_recognised() {
        let cases: &[(&str, &str, bool)] = &[
            ("minutes and seconds", "1:20", true),
            ("hours", "190:20:30", true),
            ("with fraction", "1:20.5", true),
            ("signed", "-1:20", true),
            ("second group above 59", "1:60", false),
            ("port mapping", "8080:80", false),
            ("no colon", "120", false),
            ("letters", "a:1", false),
        ];
        for (name, s, want) in cases {
            assert_eq!(is_base60_float(s), *want, "{name}");
        }
    }
}
