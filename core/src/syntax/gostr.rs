//! Go's `strconv` and `encoding/json` number and quoting rules, as far as
//! the YAML and JSON paths of kubectl depend on them. kubectl's output is
//! decided by these exact spellings (`1e+06`, `1e-07`, `"\x01"`), so they are
//! reproduced rather than approximated with Rust's own formatting.

use std::fmt::Write as _;

/// Why a Go number parse failed; the YAML resolver treats the two differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumError {
    Syntax,
    Range,
}

/// `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint_base0(s: &str) -> Result<u64, NumError> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(NumError::Syntax);
    }
    let (base, digits) = split_base_prefix(bytes);
    let mut n: u64 = 0;
    let cutoff = u64::MAX / base + 1;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            _ if c.is_ascii_alphabetic() => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return Err(NumError::Syntax),
        };
        if d >= base {
            return Err(NumError::Syntax);
        }
        // Go reports overflow as soon as it happens, even if a later byte
        // would have been a syntax error.
        if n >= cutoff {
            return Err(NumError::Range);
        }
        n *= base;
        n = match n.checked_add(d) {
            Some(v) => v,
            None => return Err(NumError::Range),
        };
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int_base0(s: &str) -> Result<i64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let (neg, rest) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint_base0(rest)?;
    let cutoff = 1u64 << 63;
    if !neg && un >= cutoff {
        return Err(NumError::Range);
    }
    if neg && un > cutoff {
        return Err(NumError::Range);
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

fn split_base_prefix(s: &[u8]) -> (u64, &[u8]) {
    if s.first() != Some(&b'0') {
        return (10, s);
    }
    if s.len() >= 3 {
        match s[1].to_ascii_lowercase() {
            b'b' => return (2, &s[2..]),
            b'o' => return (8, &s[2..]),
            b'x' => return (16, &s[2..]),
            _ => {}
        }
    }
    (8, &s[1..])
}

/// Go's rule for where `_` may separate digits.
fn underscore_ok(s: &str) -> bool {
    let mut s = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1].eq_ignore_ascii_case(&b'x');
    }
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// `strconv.ParseFloat(s, 64)` for decimal input (the only form the YAML
/// resolver can hand it). Out-of-range values are errors, as in Go.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if let Some(b'+' | b'-') = b.first() {
        i = 1;
    }
    let mut digits = false;
    let mut dot = false;
    let mut underscores = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => digits = true,
            b'_' => underscores = true,
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if !digits {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if let Some(b'+' | b'-') = b.get(i) {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            underscores |= b[i] == b'_';
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let cleaned: String;
    let text = if underscores {
        if !underscore_ok(s) {
            return None;
        }
        cleaned = s.chars().filter(|&c| c != '_').collect();
        cleaned.as_str()
    } else {
        s
    };
    let f: f64 = text.parse().ok()?;
    f.is_finite().then_some(f)
}

/// The shortest decimal digits of `f` and the position of the decimal point
/// (`dp`), as Go's `strconv` computes them: value = 0.DIGITS × 10^dp.
fn shortest_digits(f: f64, single: bool) -> (String, i32) {
    let s = if single {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    if digits.bytes().all(|c| c == b'0') {
        return ("0".to_string(), 1);
    }
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (or 32 when `single`).
pub(crate) fn format_float_g(f: f64, single: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = f.is_sign_negative();
    let (digits, dp) = shortest_digits(f, single);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let exp = dp - 1;
    // Shortest formatting switches to exponent form at 1e-5 and 1e+6
    // (Go uses precision 6 for this decision when the precision is -1).
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        push_exponent(&mut out, exp);
    } else {
        push_fixed(&mut out, &digits, dp);
    }
    out
}

fn push_exponent(out: &mut String, exp: i32) {
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    let _ = write!(out, "{e}");
}

fn push_fixed(out: &mut String, digits: &str, dp: i32) {
    if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(digits);
        return;
    }
    let dp = dp as usize;
    if dp >= digits.len() {
        out.push_str(digits);
        for _ in digits.len()..dp {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..dp]);
        out.push('.');
        out.push_str(&digits[dp..]);
    }
}

/// How `encoding/json` writes a float64: plain decimals, exponent form
/// below 1e-6 and from 1e21, with `e-07` shortened to `e-7`.
pub(crate) fn json_float_text(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let (digits, dp) = shortest_digits(f, false);
        let mut out = String::new();
        if f < 0.0 {
            out.push('-');
        }
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let exp = dp - 1;
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let _ = write!(out, "{}", exp.unsigned_abs());
        return out;
    }
    // Rust's Display prints the same shortest digits without an exponent.
    format!("{f}")
}

/// The number kubectl ends up holding for a float that went through JSON:
/// whole numbers printed without an exponent come back as integers.
pub(crate) enum JsonNumber {
    Int(i64),
    Float(f64),
}

pub(crate) fn json_round_trip(f: f64) -> JsonNumber {
    let text = json_float_text(f);
    match text.parse::<i64>() {
        Ok(i) => JsonNumber::Int(i),
        Err(_) => JsonNumber::Float(f),
    }
}

/// `strconv.Quote`, for messages that print Go values with `%#v`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_quoted_char(&mut out, c, '"');
    }
    out.push('"');
    out
}

fn push_quoted_char(out: &mut String, c: char, quote: char) {
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_go_printable(c) => out.push(c),
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols
/// and the ASCII space. Exact except for unassigned code points, which Rust
/// cannot tell apart.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let private_use = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let noncharacter = matches!(u, 0xFDD0..=0xFDEF) || u & 0xFFFE == 0xFFFE;
    let format = matches!(
        u,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    !(private_use || noncharacter || format)
}

/// How Go's JSON scanner names an offending byte in its messages: the byte
/// read as a Latin-1 character, quoted with single quotes.
pub(crate) fn json_quote_byte(b: u8) -> String {
    match b {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let mut out = String::from("'");
            push_quoted_char(&mut out, char::from(b), '\'');
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_float_g_matches_go() {
        let cases: &[(&str, f64, bool, &str)] = &[
            ("zero", 0.0, false, "0"),
            ("negative zero keeps its sign", -0.0, false, "-0"),
            ("small integer", 5.0, false, "5"),
            ("decimal", 1.5, false, "1.5"),
            ("hundred thousand stays fixed", 100000.0, false, "100000"),
            ("a million switches to exponent", 1e6, false, "1e+06"),
            ("fraction over a million", 1234567.5, false, "1.2345675e+06"),
            ("ten to the minus four stays fixed", 0.0001, false, "0.0001"),
            ("ten to the minus five", 0.00001, false, "1e-05"),
            ("tiny", 1.5e-7, false, "1.5e-07"),
            ("huge", 1e21, false, "1e+21"),
            ("three digit exponent", 1e300, false, "1e+300"),
            ("negative", -2.25, false, "-2.25"),
            ("single precision rounds", 0.1, true, "0.1"),
            (
                "single precision pi",
                std::f64::consts::PI,
                true,
                "3.1415927",
            ),
            ("infinity", f64::INFINITY, false, "+Inf"),
        ];
        for (name, f, single, want) in cases {
            assert_eq!(format_float_g(*f, *single), *want, "{name}");
        }
    }

    #[test]
    fn json_float_text_matches_encoding_json() {
        let cases: &[(&str, f64, &str)] = &[
            ("integral", 3.0, "3"),
            ("negative zero", -0.0, "-0"),
            ("fraction", 123456789.5, "123456789.5"),
            ("below a millionth uses a short exponent", 1e-7, "1e-7"),
            ("exactly a millionth stays fixed", 1e-6, "0.000001"),
            ("from 1e21 uses exponent", 1e21, "1e+21"),
            ("below 1e21 prints digits", 1e20, "100000000000000000000"),
            (
                "shortest digits padded",
                1.2345678901234567e18,
                "1234567890123456800",
            ),
        ];
        for (name, f, want) in cases {
            assert_eq!(json_float_text(*f), *want, "{name}");
        }
    }

    #[test]
    fn integer_parsing_follows_strconv() {
        let cases: &[(&str, &str, Result<i64, NumError>)] = &[
            ("decimal", "42", Ok(42)),
            ("explicit plus", "+12", Ok(12)),
            ("hex", "0x1F", Ok(31)),
            ("octal with leading zero", "0777", Ok(511)),
            ("octal with 0o", "0o17", Ok(15)),
            ("binary", "0b101", Ok(5)),
            ("lone zero", "0", Ok(0)),
            ("negative zero", "-0", Ok(0)),
            ("eight is not octal", "08", Err(NumError::Syntax)),
            ("bare prefix", "0x", Err(NumError::Syntax)),
            ("too large", "9223372036854775808", Err(NumError::Range)),
            ("most negative", "-9223372036854775808", Ok(i64::MIN)),
            ("empty", "", Err(NumError::Syntax)),
            ("word", "abc", Err(NumError::Syntax)),
        ];
        for (name, s, want) in cases {
            assert_eq!(parse_int_base0(s), *want, "{name}");
        }
        assert_eq!(parse_uint_base0("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            parse_uint_base0("18446744073709551616"),
            Err(NumError::Range)
        );
        assert_eq!(parse_uint_base0("-1"), Err(NumError::Syntax));
    }

    #[test]
    fn float_parsing_follows_strconv() {
        let cases: &[(&str, &str, Option<f64>)] = &[
            ("leading dot", ".5", Some(0.5)),
            ("trailing dot", "1.", Some(1.0)),
            ("exponent", "1.5e3", Some(1500.0)),
            ("underscores between digits", ".5_0", Some(0.5)),
            ("lone dot", ".", None),
            ("dangling exponent", "1e", None),
            ("overflow is an error", "1e400", None),
            ("words are not floats", ".inf", None),
        ];
        for (name, s, want) in cases {
            assert_eq!(parse_float(s), *want, "{name}");
        }
    }

    #[test]
    fn quoting_matches_go() {
        assert_eq!(quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
        assert_eq!(quote("\u{eeff}\u{200b}日"), "\"\\ueeff\\u200b日\"");
        assert_eq!(json_quote_byte(b'}'), "'}'");
        assert_eq!(json_quote_byte(b'\''), "'\\''");
        assert_eq!(json_quote_byte(b'"'), "'\"'");
        assert_eq!(json_quote_byte(b'\n'), "'\\n'");
        assert_eq!(json_quote_byte(0xc3), "'Ã'");
        assert_eq!(json_quote_byte(0x85), "'\\u0085'");
    }
}
