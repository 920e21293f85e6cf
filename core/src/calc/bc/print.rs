//! bc's output: number formatting in any `obase` and the line breaking of
//! long output lines.

use std::time::Duration;

use super::num::Num;
use super::{Chunk, Stream};
use crate::calc::bignum::Nat;

/// The characters bc writes for `num` in base `obase` (no line breaking).
/// Base 10 is a digit copy; other bases follow bc's conversion: integer
/// digits by repeated division, and as many fraction digits as it takes for
/// obase^k to exceed the number's scale in decimal digits.
pub fn format_num(num: &Num, obase: u32) -> Vec<u8> {
    let mut out = Vec::new();
    if num.is_neg() {
        out.push(b'-');
    }
    if num.is_zero() {
        out.push(b'0');
        return out;
    }
    if obase == 10 {
        let digits = num.mag().to_digits();
        let scale = num.scale();
        // Pad with leading zeros so there are scale fraction digits.
        let pad = (scale + 1).saturating_sub(digits.len());
        let mut all = vec![0u8; pad];
        all.extend_from_slice(&digits);
        let int_len = all.len() - scale;
        let int = &all[..int_len];
        if !(int.len() == 1 && int[0] == 0) {
            out.extend(int.iter().map(|d| b'0' + d));
        }
        if scale > 0 {
            out.push(b'.');
            out.extend(all[int_len..].iter().map(|d| b'0' + d));
        }
        return out;
    }
    let obase = obase.max(2);
    let wide = obase > 16;
    let width = (obase - 1).to_string().len();
    let push_digit = |out: &mut Vec<u8>, d: u32, space: bool| {
        if wide {
            if space {
                out.push(b' ');
            }
            out.extend(format!("{d:0width$}").bytes());
        } else {
            out.push(b"0123456789ABCDEF"[d as usize % 16]);
        }
    };
    let mut int = num.int_part();
    let mut int_digits = Vec::new();
    while !int.is_zero() {
        let (q, r) = int.div_rem_small(obase);
        int_digits.push(r);
        int = q;
    }
    for &d in int_digits.iter().rev() {
        push_digit(&mut out, d, true);
    }
    let scale = num.scale();
    if scale > 0 {
        out.push(b'.');
        let mut frac = num.mag().rem_pow10(scale);
        let mut power = Nat::one();
        let mut first = true;
        while power.digit_count() <= scale {
            frac = frac.mul_small(obase);
            let digit = frac.div_pow10(scale).to_u64().unwrap_or(0) as u32;
            frac = frac.rem_pow10(scale);
            push_digit(&mut out, digit, !first);
            first = false;
            power = power.mul_small(obase);
        }
    }
    out
}

/// stdout and stderr as bc writes them, with the column counter that breaks
/// long lines.
#[derive(Debug, Default)]
pub struct Output {
    pub line_size: usize,
    col: usize,
    pub chunks: Vec<(Stream, Vec<u8>, Duration)>,
    pub bytes: usize,
}

impl Output {
    pub fn new(line_size: usize) -> Output {
        Output {
            line_size,
            ..Output::default()
        }
    }

    fn write(&mut self, stream: Stream, bytes: &[u8], at: Duration) {
        self.bytes += bytes.len();
        match self.chunks.last_mut() {
            Some((s, text, t)) if *s == stream && *t == at => text.extend_from_slice(bytes),
            _ => self.chunks.push((stream, bytes.to_vec(), at)),
        }
    }

    /// Raw bytes to stdout, bypassing the column counter (bc's printf).
    pub fn raw(&mut self, bytes: &[u8], at: Duration) {
        self.write(Stream::Stdout, bytes, at);
    }

    pub fn err(&mut self, bytes: &[u8], at: Duration) {
        self.write(Stream::Stderr, bytes, at);
    }

    /// bc's out_char and out_schar (identical outside POSIX mode): a line
    /// reaching `line_size − 1` columns is continued with a backslash.
    pub fn char(&mut self, ch: u8, at: Duration) {
        self.counted_char(ch, at);
    }

    fn counted_char(&mut self, ch: u8, at: Duration) {
        if ch == b'\n' {
            self.col = 0;
            self.write(Stream::Stdout, b"\n", at);
            return;
        }
        self.col += 1;
        if self.line_size != 0 && self.col == self.line_size - 1 {
            self.write(Stream::Stdout, b"\\\n", at);
            self.col = 1;
        }
        self.write(Stream::Stdout, &[ch], at);
    }

    /// The collected output as text.
    pub fn finish(self) -> (String, String, Vec<Chunk>) {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut chunks = Vec::with_capacity(self.chunks.len());
        for (stream, bytes, at) in self.chunks {
            match stream {
                Stream::Stdout => stdout.extend_from_slice(&bytes),
                Stream::Stderr => stderr.extend_from_slice(&bytes),
            }
            chunks.push(Chunk {
                stream,
                text: String::from_utf8_lossy(&bytes).into_owned(),
                at,
            });
        }
        (
            String::from_utf8_lossy(&stdout).into_owned(),
            String::from_utf8_lossy(&stderr).into_owned(),
            chunks,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Num {
        let (neg, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        Num::from_digits(neg, &digits, frac.len())
    }

    fn fmt(text: &str, obase: u32) -> String {
        String::from_utf8_lossy(&format_num(&num(text), obase)).into_owned()
    }

    #[test]
    fn numbers_print_like_gnu_bc() {
        for (name, text, obase, want) in [
            ("fraction has no leading zero", "0.5", 10, ".5"),
            ("negative fraction", "-0.5", 10, "-.5"),
            ("zero with a scale prints 0", "0.000", 10, "0"),
            ("trailing zeros are kept", "1.50", 10, "1.50"),
            ("hex integer", "255", 16, "FF"),
            ("hex fraction", ".5", 16, ".8"),
            ("hex with two fraction digits", "-10.25", 16, "-A.40"),
            ("hex of pi's start", "3.14159", 16, "3.243F3"),
            ("base 20 uses spaced decimal digits", "399", 20, " 19 19"),
            ("base 20 fraction", "12.5", 20, " 12.10"),
            (
                "binary fraction digits follow the scale",
                "5.5",
                2,
                "101.1000",
            ),
        ] {
            assert_eq!(fmt(text, obase), want, "{name}");
        }
    }

    #[test]
    fn long_lines_break_at_69_columns() {
        let mut out = Output::new(70);
        for _ in 0..150 {
            out.char(b'7', Duration::ZERO);
        }
        out.char(b'\n', Duration::ZERO);
        let (stdout, _, _) = out.finish();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 69);
        assert!(lines[0].ends_with('\\'));
        assert_eq!(lines[1].len(), 69);
        assert_eq!(lines[2], "7".repeat(150 - 68 * 2));
    }
}
