//! Go's `fmt` and `strconv` output rules for the values kubectl templates see.
//!
//! kubectl renders template results with Go's `fmt` package, so a map prints
//! as `map[a:b]`, the float `1e6` as `1e+06`, and a verb that does not fit its
//! operand as `%!d(string=web)`. The functions here reproduce that output for
//! the types JSON decodes into (`map[string]interface {}`, `[]interface {}`,
//! `string`, `int64`, `float64`, `bool`, nil) plus the few types templates
//! create themselves (`int`, `uint8`).

use crate::value::{Map, Value};
use std::fmt::Write as _;

/// An operand as Go's `fmt` sees it: the dynamic type decides which verbs
/// apply and how errors are spelled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Arg<'a> {
    /// An untyped nil, or an `interface{}` holding nil.
    Nil,
    Bool(bool),
    /// Go's `int`: template literals, `len`, range indexes.
    Int(i64),
    /// `int64`: integers decoded from JSON.
    Int64(i64),
    /// `uint8`: a byte taken out of a string.
    Uint8(u8),
    Float(f64),
    Str(&'a str),
    /// `[]interface {}`
    Slice(&'a [Value]),
    /// `map[string]interface {}`
    Map(&'a Map),
}

impl<'a> Arg<'a> {
    /// The operand Go holds after decoding this JSON value into `interface{}`.
    pub fn from_value(v: &'a Value) -> Arg<'a> {
        match v {
            Value::Null => Arg::Nil,
            Value::Bool(b) => Arg::Bool(*b),
            Value::Int(i) => Arg::Int64(*i),
            Value::Float(f) => Arg::Float(*f),
            Value::String(s) => Arg::Str(s),
            Value::Array(a) => Arg::Slice(a),
            Value::Object(m) => Arg::Map(m),
        }
    }

    /// Go's name for the dynamic type, as `%T` and error texts print it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Arg::Nil => "<nil>",
            Arg::Bool(_) => "bool",
            Arg::Int(_) => "int",
            Arg::Int64(_) => "int64",
            Arg::Uint8(_) => "uint8",
            Arg::Float(_) => "float64",
            Arg::Str(_) => "string",
            Arg::Slice(_) => "[]interface {}",
            Arg::Map(_) => "map[string]interface {}",
        }
    }

    fn is_string(&self) -> bool {
        matches!(self, Arg::Str(_))
    }
}

/// `fmt.Sprint(a)`: operands in `%v`, a space between two operands when
/// neither is a string.
pub fn sprint(args: &[Arg]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = arg.is_string();
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(*arg, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln(a)`: operands in `%v`, always separated by a space, then a
/// newline.
pub fn sprintln(args: &[Arg]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.f = Flags::default();
        p.print_arg(*arg, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprint(v)` of one JSON value.
pub fn sprint_value(v: &Value) -> String {
    sprint(&[Arg::from_value(v)])
}

/// `fmt.Sprintf("%#v", v)` of a JSON value held in an `interface{}`.
pub fn sharp_v(v: &Value) -> String {
    sprintf("%#v", &[Arg::from_value(v)])
}

/// `fmt.Sprintf(format, a...)`.
pub fn sprintf(format: &str, args: &[Arg]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.buf
}

/// `strconv.Quote(s)`.
pub fn quote(s: &str) -> String {
    quote_with(s, '"', false)
}

/// `fmt.Sprintf("%#U", c)`: `U+007D '}'`.
pub fn sharp_u(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(" '");
        s.push(c);
        s.push('\'');
    }
    s
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, which is also `%v` of a float64.
pub fn format_float_v(f: f64) -> String {
    format_float(f, 'g', -1)
}

/// Go's `unicode.IsPrint`, approximated with the Unicode data Rust's
/// standard library has: letters, marks, numbers, punctuation, symbols and
/// the ASCII space are printable; controls, other spaces, format characters
/// and private-use characters are not.
pub fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format_char = matches!(
        u,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x08E2
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
    let private_use = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let noncharacter = (u & 0xFFFE) == 0xFFFE || (0xFDD0..=0xFDEF).contains(&u);
    !(format_char || private_use || noncharacter)
}

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

/// Formatting flags of one verb, as Go's `fmt` keeps them.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
}

/// Go refuses numbers in a format that are this large ("crazy long").
fn too_large(x: i64) -> bool {
    !(-1_000_000..=1_000_000).contains(&x)
}

/// Parses ASCII digits in `s[start..end]`: (number, found, next index).
fn parse_num(s: &[u8], start: usize, end: usize) -> (i64, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + i64::from(s[i] - b'0');
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

/// Parses `[n]` at the start of `s`: (zero-based index, bytes consumed, ok).
fn parse_arg_number(s: &[u8]) -> (i64, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (width, ok, newi) = parse_num(s, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

fn int_from_arg(args: &[Arg], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= args.len() {
        return (0, false, arg_num);
    }
    let (mut num, mut is_int) = match args[arg_num] {
        Arg::Int(i) | Arg::Int64(i) => (i, true),
        Arg::Uint8(u) => (i64::from(u), true),
        _ => (0, false),
    };
    if too_large(num) {
        num = 0;
        is_int = false;
    }
    (num, is_int, arg_num + 1)
}

impl Printer {
    fn do_printf(&mut self, format: &str, args: &[Arg]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num: usize = 0;
        let mut after_index;
        let mut reordered = false;
        let mut i = 0;
        'format: while i < end {
            let mut good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            // Skip the '%'.
            i += 1;
            self.f = Flags::default();
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => {
                        // Fast path: a lower-case verb right after the flags.
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(args[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }

            // Argument index, width, precision.
            (arg_num, i, after_index) = self.arg_number(
                arg_num,
                fb,
                i,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                    self.f.wid = None;
                } else if w < 0 {
                    self.f.wid = Some(w.unsigned_abs() as usize);
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = Some(w as usize);
                }
                after_index = false;
            } else {
                let (w, present, next) = parse_num(fb, i, end);
                i = next;
                self.f.wid = present.then_some(w as usize);
                if after_index && present {
                    good_arg_num = false;
                }
            }

            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    if p < 0 || !ok {
                        self.f.prec = None;
                    } else {
                        self.f.prec = Some(p as usize);
                    }
                    if !ok {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, present, next) = parse_num(fb, i, end);
                    i = next;
                    self.f.prec = Some(if present { p as usize } else { 0 });
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
            }

            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('%');
            i += verb.len_utf8();

            if verb == '%' {
                self.buf.push('%');
            } else if !good_arg_num {
                let _ = write!(self.buf, "%!{verb}(BADINDEX)");
            } else if arg_num >= args.len() {
                let _ = write!(self.buf, "%!{verb}(MISSING)");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                self.print_arg(args[arg_num], verb);
                arg_num += 1;
            }
        }

        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, arg) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if let Arg::Nil = arg {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(arg.type_name());
                    self.buf.push('=');
                    self.print_arg(*arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn arg_number(
        &mut self,
        arg_num: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
        good: &mut bool,
        reordered: &mut bool,
    ) -> (usize, usize, bool) {
        if fb.len() <= i || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        *reordered = true;
        let (index, wid, ok) = parse_arg_number(&fb[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        *good = false;
        (arg_num, i + wid, ok)
    }

    fn print_arg(&mut self, arg: Arg, verb: char) {
        if let Arg::Nil = arg {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        if verb == 'T' {
            self.fmt_s(arg.type_name());
            return;
        }
        match arg {
            Arg::Nil => {}
            Arg::Bool(b) => self.fmt_bool(b, verb, arg),
            Arg::Int(i) | Arg::Int64(i) => self.fmt_integer_verb(i as u64, true, verb, arg),
            Arg::Uint8(u) => self.fmt_integer_verb(u64::from(u), false, verb, arg),
            Arg::Float(x) => self.fmt_float_verb(x, verb, arg),
            Arg::Str(s) => self.fmt_string(s, verb, arg),
            Arg::Slice(items) => self.print_slice(items, verb),
            Arg::Map(m) => self.print_map(m, verb),
        }
    }

    /// An element of a slice or map: an `interface{}` slot.
    fn print_elem(&mut self, v: &Value, verb: char) {
        match v {
            Value::Null => {
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            _ => self.print_arg(Arg::from_value(v), verb),
        }
    }

    fn print_slice(&mut self, items: &[Value], verb: char) {
        if self.f.sharp_v {
            self.buf.push_str("[]interface {}{");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_elem(item, verb);
            }
            self.buf.push('}');
        } else {
            self.buf.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_elem(item, verb);
            }
            self.buf.push(']');
        }
    }

    fn print_map(&mut self, m: &Map, verb: char) {
        if self.f.sharp_v {
            self.buf.push_str("map[string]interface {}{");
        } else {
            self.buf.push_str("map[");
        }
        // Go's fmt sorts map keys; string keys sort bytewise, as BTreeMap does.
        for (i, (k, v)) in m.iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.buf.push_str(", ");
                } else {
                    self.buf.push(' ');
                }
            }
            self.fmt_string(k, verb, Arg::Str(k));
            self.buf.push(':');
            self.print_elem(v, verb);
        }
        self.buf.push(if self.f.sharp_v { '}' } else { ']' });
    }

    fn bad_verb(&mut self, verb: char, arg: Arg) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if let Arg::Nil = arg {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v');
        }
        self.buf.push(')');
    }

    fn fmt_bool(&mut self, b: bool, verb: char, arg: Arg) {
        match verb {
            't' | 'v' => self.pad_str(if b { "true" } else { "false" }),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_integer_verb(&mut self, v: u64, signed: bool, verb: char, arg: Arg) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    let sharp = self.f.sharp;
                    self.f.sharp = true;
                    self.fmt_integer(v, 16, signed, 'v', LDIGITS);
                    self.f.sharp = sharp;
                } else {
                    self.fmt_integer(v, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(v, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(v, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(v, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(v, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(v, 16, signed, verb, UDIGITS),
            'c' => {
                let c = char::from_u32(v as u32)
                    .filter(|_| v <= 0x10FFFF)
                    .unwrap_or('\u{FFFD}');
                let mut s = String::new();
                s.push(c);
                self.pad_str(&s);
            }
            'q' => {
                let c = char::from_u32(v as u32)
                    .filter(|_| v <= 0x10FFFF)
                    .unwrap_or('\u{FFFD}');
                let q = quote_rune(c, self.f.plus);
                self.pad_str(&q);
            }
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus {
            if let Some(w) = self.f.wid {
                prec = w;
                if negative || self.f.plus || self.f.space {
                    prec = prec.saturating_sub(1);
                }
            }
        }
        let mut rev: Vec<u8> = Vec::new();
        while u >= base {
            rev.push(digits[(u % base) as usize]);
            u /= base;
        }
        rev.push(digits[u as usize]);
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => {
                    rev.push(b'b');
                    rev.push(b'0');
                }
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(digits[16]);
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.push(b'o');
            rev.push(b'0');
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8_lossy(&rev).into_owned();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = old;
    }

    fn fmt_unicode(&mut self, u: u64) {
        let prec = self.f.prec.unwrap_or(4).max(4);
        let mut s = format!("U+{:0width$X}", u, width = prec);
        if self.f.sharp && u <= 0x10FFFF {
            if let Some(c) = char::from_u32(u as u32).filter(|c| is_print(*c)) {
                s.push_str(" '");
                s.push(c);
                s.push('\'');
            }
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = old;
    }

    fn fmt_float_verb(&mut self, v: f64, verb: char, arg: Arg) {
        match verb {
            'v' => self.fmt_float(v, 'g', -1),
            'g' | 'G' => self.fmt_float(v, verb, -1),
            'f' | 'F' => self.fmt_float(v, 'f', 6),
            'e' | 'E' => self.fmt_float(v, verb, 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: char, prec: i64) {
        let prec = self.f.prec.map(|p| p as i64).unwrap_or(prec);
        let formatted = format_float(v, verb, prec);
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 1);
        if formatted.starts_with('-') || formatted.starts_with('+') {
            num.extend_from_slice(formatted.as_bytes());
        } else {
            num.push(b'+');
            num.extend_from_slice(formatted.as_bytes());
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num.get(1) == Some(&b'I') || num.get(1) == Some(&b'N') {
            let old = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            let s = String::from_utf8_lossy(&num).into_owned();
            self.pad_str(&s);
            self.f.zero = old;
            return;
        }
        if self.f.sharp {
            let mut digits: i64 = match verb {
                'g' | 'G' => {
                    if prec == -1 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut k = 1;
            while k < num.len() {
                match num[k] {
                    b'.' => has_point = true,
                    b'e' | b'E' => {
                        tail.extend_from_slice(&num[k..]);
                        num.truncate(k);
                        break;
                    }
                    d => {
                        if d != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                k += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8_lossy(&num).into_owned();
        if self.f.plus || !s.starts_with('+') {
            if self.f.zero && !self.f.minus {
                if let Some(w) = self.f.wid {
                    let len = s.chars().count();
                    if w > len {
                        self.buf.push_str(&s[..1]);
                        self.write_padding(w - len);
                        self.buf.push_str(&s[1..]);
                        return;
                    }
                }
            }
            self.pad_str(&s);
        } else {
            self.pad_str(&s[1..]);
        }
    }

    fn fmt_string(&mut self, s: &str, verb: char, arg: Arg) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        match self.f.prec {
            Some(p) => match s.char_indices().nth(p) {
                Some((idx, _)) => &s[..idx],
                None => s,
            },
            None => s,
        }
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s).to_string();
        self.pad_str(&s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let q = format!("`{s}`");
            self.pad_str(&q);
            return;
        }
        let q = quote_with(s, '"', self.f.plus);
        self.pad_str(&q);
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8]) {
        let bytes = s.as_bytes();
        let mut length = bytes.len();
        if let Some(p) = self.f.prec {
            length = length.min(p);
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        if let Some(w) = self.f.wid {
            if w > width && !self.f.minus {
                self.write_padding(w - width);
            }
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in bytes[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xF) as usize] as char);
        }
        if let Some(w) = self.f.wid {
            if w > width && self.f.minus {
                self.write_padding(w - width);
            }
        }
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus {
            '0'
        } else {
            ' '
        };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    /// Pads to the width in runes, on the left unless `-` was given.
    fn pad_str(&mut self, s: &str) {
        let w = match self.f.wid {
            Some(w) if w > 0 => w,
            _ => {
                self.buf.push_str(s);
                return;
            }
        };
        let n = w.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(n);
        } else {
            self.write_padding(n);
            self.buf.push_str(s);
        }
    }
}

fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            c != '\u{FEFF}'
        } else {
            !((c < ' ' && c != '\t') || c == '`' || c == '\u{7F}')
        }
    })
}

fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    escape_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

fn quote_with(s: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        escape_rune(&mut out, c, quote, ascii_only);
    }
    out.push(quote);
    out
}

fn escape_rune(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    let printable = if ascii_only {
        (c as u32) < 0x7F && is_print(c)
    } else {
        is_print(c)
    };
    if printable {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if (c as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\U{:08x}", c as u32);
        }
    }
}

/// Decimal digits of |v| with the decimal point position: |v| is
/// 0.d1d2…dn × 10^dp. Zero has no digits, as in Go's `strconv`.
struct Decimal {
    d: Vec<u8>,
    dp: i64,
}

impl Decimal {
    /// Parses Rust's `{:e}` output, which is correctly rounded.
    fn from_exp(s: &str) -> Decimal {
        let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
        while d.len() > 1 && d.last() == Some(&b'0') {
            d.pop();
        }
        if d.iter().all(|&b| b == b'0') {
            return Decimal {
                d: Vec::new(),
                dp: 0,
            };
        }
        Decimal { d, dp: exp + 1 }
    }

    fn shortest(v: f64) -> Decimal {
        Decimal::from_exp(&format!("{:e}", v.abs()))
    }

    fn significant(v: f64, n: usize) -> Decimal {
        let n = n.max(1);
        Decimal::from_exp(&format!("{:.*e}", n - 1, v.abs()))
    }
}

fn fmt_e(neg: bool, d: &Decimal, prec: i64, fmt: char) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push(d.d.first().map(|&b| b as char).unwrap_or('0'));
    if prec > 0 {
        out.push('.');
        let m = d.d.len().min(prec as usize + 1);
        let mut i = 1;
        if i < m {
            out.push_str(std::str::from_utf8(&d.d[1..m]).unwrap_or(""));
            i = m;
        }
        while i as i64 <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(fmt);
    let mut exp = d.dp - 1;
    if d.d.is_empty() {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
    out
}

fn fmt_f(neg: bool, d: &Decimal, prec: i64) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if d.dp > 0 {
        let m = d.d.len().min(d.dp as usize);
        out.push_str(std::str::from_utf8(&d.d[..m]).unwrap_or(""));
        for _ in m as i64..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            let c = if j >= 0 && (j as usize) < d.d.len() {
                d.d[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
    out
}

/// `strconv.FormatFloat(v, fmt, prec, 64)` for the formats `e`, `E`, `f`,
/// `g` and `G`; `prec` -1 asks for the shortest representation.
pub fn format_float(v: f64, fmt: char, prec: i64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = v.is_sign_negative();
    let shortest = prec < 0;
    match fmt {
        'e' | 'E' => {
            let (d, p) = if shortest {
                let d = Decimal::shortest(v);
                let p = d.d.len().saturating_sub(1) as i64;
                (d, p)
            } else {
                (Decimal::significant(v, prec as usize + 1), prec)
            };
            fmt_e(neg, &d, p, fmt)
        }
        'f' => {
            if shortest {
                let d = Decimal::shortest(v);
                let p = (d.d.len() as i64 - d.dp).max(0);
                fmt_f(neg, &d, p)
            } else {
                let s = format!("{:.*}", prec as usize, v.abs());
                if neg {
                    format!("-{s}")
                } else {
                    s
                }
            }
        }
        _ => {
            let (d, mut prec) = if shortest {
                let d = Decimal::shortest(v);
                let n = d.d.len() as i64;
                (d, n)
            } else {
                let p = if prec == 0 { 1 } else { prec };
                (Decimal::significant(v, p as usize), p)
            };
            let nd = d.d.len() as i64;
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            let e = if fmt == 'G' { 'E' } else { 'e' };
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                return fmt_e(neg, &d, prec - 1, e);
            }
            if prec > d.dp {
                prec = nd;
            }
            fmt_f(neg, &d, (prec - d.dp).max(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn floats_print_like_go_percent_v() {
        let cases: &[(&str, f64, &str)] = &[
            ("an integral float prints without a point", 3.0, "3"),
            ("a million switches to exponent form", 1e6, "1e+06"),
            ("six digits stay plain", 123456.0, "123456"),
            (
                "a long mantissa keeps its digits",
                1234567.0,
                "1.234567e+06",
            ),
            ("a fraction prints shortest", 0.1, "0.1"),
            ("small numbers use exponent form", 0.00001, "1e-05"),
            ("one ten-thousandth stays plain", 0.0001, "0.0001"),
            ("negative values keep the sign", -2.5, "-2.5"),
            ("zero is zero", 0.0, "0"),
        ];
        for (name, v, want) in cases {
            assert_eq!(format_float_v(*v), *want, "{name}");
        }
    }

    #[test]
    fn printf_verbs_match_go() {
        let m = obj(&[("a", "x".into()), ("b", Value::Int(2)), ("n", Value::Null)]);
        let list = Value::Array(vec!["p".into(), Value::Int(1), Value::Null]);
        let cases: Vec<(&str, &str, Vec<Arg>, &str)> = vec![
            ("plain string", "%s", vec![Arg::Str("web")], "web"),
            ("padded left", "%5s|", vec![Arg::Str("ab")], "   ab|"),
            ("padded right", "%-5s|", vec![Arg::Str("ab")], "ab   |"),
            (
                "precision truncates",
                "%.2s",
                vec![Arg::Str("abcdef")],
                "ab",
            ),
            ("quoted", "%q", vec![Arg::Str("a\"b\n")], "\"a\\\"b\\n\""),
            ("decimal", "%d", vec![Arg::Int64(42)], "42"),
            ("zero padded", "%05d", vec![Arg::Int64(-42)], "-0042"),
            (
                "hex",
                "%x %X %#x",
                vec![Arg::Int(255), Arg::Int(255), Arg::Int(255)],
                "ff FF 0xff",
            ),
            ("float fixed", "%.2f", vec![Arg::Float(1.23456)], "1.23"),
            (
                "float default precision",
                "%f",
                vec![Arg::Float(1.5)],
                "1.500000",
            ),
            (
                "float exponent",
                "%e",
                vec![Arg::Float(123456.0)],
                "1.234560e+05",
            ),
            ("float g", "%g", vec![Arg::Float(100000000.0)], "1e+08"),
            (
                "map in v",
                "%v",
                vec![Arg::Map(m.as_object().unwrap())],
                "map[a:x b:2 n:<nil>]",
            ),
            (
                "slice in v",
                "%v",
                vec![Arg::Slice(list.as_array().unwrap())],
                "[p 1 <nil>]",
            ),
            (
                "bad verb on a string",
                "%d",
                vec![Arg::Str("web")],
                "%!d(string=web)",
            ),
            ("bad verb on nil", "%s", vec![Arg::Nil], "%!s(<nil>)"),
            ("nil in v", "%v", vec![Arg::Nil], "<nil>"),
            (
                "missing operand",
                "%s %s",
                vec![Arg::Str("a")],
                "a %!s(MISSING)",
            ),
            (
                "extra operand",
                "%s",
                vec![Arg::Str("a"), Arg::Int(1)],
                "a%!(EXTRA int=1)",
            ),
            ("no verb", "abc%", vec![], "abc%!(NOVERB)"),
            ("percent", "100%%", vec![], "100%"),
            (
                "type",
                "%T %T",
                vec![Arg::Int64(1), Arg::Map(m.as_object().unwrap())],
                "int64 map[string]interface {}",
            ),
            ("star width", "%*d", vec![Arg::Int(4), Arg::Int(7)], "   7"),
            (
                "explicit index",
                "%[2]s %[1]s",
                vec![Arg::Str("a"), Arg::Str("b")],
                "b a",
            ),
            (
                "bool",
                "%t %v",
                vec![Arg::Bool(true), Arg::Bool(false)],
                "true false",
            ),
            ("char", "%c", vec![Arg::Int(65)], "A"),
            ("unicode", "%U", vec![Arg::Int(0x1F600)], "U+1F600"),
            (
                "sharp v of a map",
                "%#v",
                vec![Arg::Map(m.as_object().unwrap())],
                "map[string]interface {}{\"a\":\"x\", \"b\":2, \"n\":interface {}(nil)}",
            ),
            ("plus flag on ints", "%+d", vec![Arg::Int(5)], "+5"),
            (
                "width counts runes",
                "%4s|",
                vec![Arg::Str("日本")],
                "  日本|",
            ),
        ];
        for (name, format, args, want) in cases {
            assert_eq!(sprintf(format, &args), want, "{name}");
        }
    }

    #[test]
    fn sprint_adds_spaces_between_non_strings() {
        assert_eq!(sprint(&[Arg::Int(1), Arg::Int(2)]), "1 2");
        assert_eq!(sprint(&[Arg::Str("a"), Arg::Str("b")]), "ab");
        assert_eq!(sprint(&[Arg::Str("a"), Arg::Int(1), Arg::Str("b")]), "a1b");
        assert_eq!(sprintln(&[Arg::Str("a"), Arg::Str("b")]), "a b\n");
    }

    #[test]
    fn quoting_matches_strconv() {
        assert_eq!(quote("tab\there"), "\"tab\\there\"");
        assert_eq!(quote("\u{1}"), "\"\\x01\"");
        assert_eq!(quote("é"), "\"é\"");
        assert_eq!(quote("\u{200b}"), "\"\\u200b\"");
        assert_eq!(sharp_u('}'), "U+007D '}'");
        assert_eq!(sharp_u('\n'), "U+000A");
    }
}
