//! `kubectl -o yaml`: sigs.k8s.io/yaml marshals to JSON, reads the JSON back
//! with go-yaml and emits it with go-yaml v2's emitter. This module takes
//! the same decisions for a [`Value`]: key order (go-yaml's natural sort),
//! number spelling, which strings need quotes and which quotes, block
//! literals for multi-line strings, and folding of long lines at 80
//! columns. The emitter state (indent stack, column, whitespace and
//! indentation flags) is kept as in the original so spacing comes out the
//! same. Everything is in block style: the only flow collections go-yaml
//! writes for such values are the empty `[]` and `{}`.

use std::borrow::Cow;

use super::decode::parse_document;
use super::gostr::{format_float_g, json_float_text};
use super::node::NodeKind;
use super::resolve::{is_base60_float, resolve, STR_TAG};
use crate::value::{write_json_string, Value};

const BEST_INDENT: isize = 2;
const BEST_WIDTH: usize = 80;
/// Keys longer than this are written in the explicit `? key` form.
const MAX_SIMPLE_KEY_LEN: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

/// What the emitter learns about a scalar before choosing its style.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    out: String,
    indent: isize,
    indents: Vec<isize>,
    column: usize,
    whitespace: bool,
    indention: bool,
    ctx: Ctx,
}

pub(crate) fn to_yaml(v: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        indent: -1,
        indents: Vec::new(),
        column: 0,
        whitespace: true,
        indention: true,
        ctx: Ctx::default(),
    };
    e.node(v, Ctx::default());
    // The implicit document end.
    e.write_indent();
    e.out
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// go-yaml's `is_printable`: notably not tabs, not C1 controls, not the
/// byte order mark and nothing outside the Basic Multilingual Plane.
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{feff}'
}

fn analyze(v: &[char]) -> Analysis {
    if v.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;

    if v.starts_with(&['-', '-', '-']) || v.starts_with(&['.', '.', '.']) {
        block_indicators = true;
    }
    let n = v.len();
    for (i, &c) in v.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || is_blank(v[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    block_indicators = true;
                }
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => {
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => {
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == n;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i + 1 == n;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }

    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml's `encoder.stringv`: strings that would read back as something
/// else are double-quoted, multi-line ones asked for in literal style.
fn string_style(s: &str) -> Style {
    let plain_reads_back = matches!(resolve("", s), Ok((tag, _)) if tag == STR_TAG);
    if s.contains('\n') {
        Style::Literal
    } else if plain_reads_back && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// A string as go-yaml reads it back from the JSON text kubectl writes
/// first. JSON leaves U+0085 (NEL) unescaped, and inside a double-quoted
/// YAML scalar it is a line break, which gets folded.
fn reread(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut json = String::new();
    write_json_string(&mut json, s);
    match parse_document(&json, 0) {
        Ok(node) => match node.kind {
            NodeKind::Str(read) => Cow::Owned(read),
            _ => Cow::Borrowed(s),
        },
        Err(_) => Cow::Borrowed(s),
    }
}

/// A float as it comes out of the JSON round trip: whole numbers that
/// `encoding/json` wrote as digits read back as integers.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let json = json_float_text(f);
    if let Ok(i) = json.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = json.parse::<u64>() {
        return u.to_string();
    }
    format_float_g(f, false)
}

/// go-yaml's map key order: letters after other characters, runs of digits
/// compared as numbers.
fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let digit = |c: char| c.is_ascii_digit();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            // A zero inside a number is compared as a digit, not as a
            // leading zero.
            let mut j = i;
            while j > 0 && digit(ar[j - 1]) {
                if ar[j - 1] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
                j -= 1;
            }
        }
        let mut ai = i;
        while ai < ar.len() && digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Orders `keys` with `key_less`, returning their indices. `key_less` is
/// not transitive for some key sets (`2` < `10` < `1a` < `2`); kubectl's own
/// order then varies from run to run (it sorts Go's randomly ordered map
/// keys), so any fixed order will do, but it must come from a sort that
/// cannot panic on such orders, which std's sorts may.
fn sorted_indices(keys: &[Cow<'_, str>]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    merge_sort(&mut idx, &|a, b| key_less(&keys[a], &keys[b]));
    idx
}

fn merge_sort(idx: &mut [usize], less: &dyn Fn(usize, usize) -> bool) {
    let n = idx.len();
    if n <= 1 {
        return;
    }
    let mid = n / 2;
    merge_sort(&mut idx[..mid], less);
    merge_sort(&mut idx[mid..], less);
    let mut merged = Vec::with_capacity(n);
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if less(idx[j], idx[i]) {
            merged.push(idx[j]);
            j += 1;
        } else {
            merged.push(idx[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&idx[i..mid]);
    merged.extend_from_slice(&idx[j..n]);
    idx.copy_from_slice(&merged);
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Value, ctx: Ctx) {
        self.ctx = ctx;
        match v {
            Value::Null => self.scalar("null", Style::Plain),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain),
            Value::Int(i) => self.scalar(&i.to_string(), Style::Plain),
            Value::Float(f) => self.scalar(&float_text(*f), Style::Plain),
            Value::String(s) => {
                let s = reread(s);
                self.scalar(&s, string_style(&s));
            }
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Array(items) => {
                let indentless = self.ctx.mapping && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default());
                }
                self.pop_indent();
            }
            Value::Object(map) => {
                // go-yaml sorts the keys it read back from the JSON text.
                let keys: Vec<Cow<'_, str>> = map.keys().map(|k| reread(k)).collect();
                let values: Vec<&Value> = map.values().collect();
                self.increase_indent(false, false);
                for i in sorted_indices(&keys) {
                    let key = keys[i].as_ref();
                    let value = values[i];
                    self.write_indent();
                    let chars: Vec<char> = key.chars().collect();
                    let simple = !analyze(&chars).multiline && key.len() <= MAX_SIMPLE_KEY_LEN;
                    let key_ctx = Ctx {
                        mapping: true,
                        simple_key: simple,
                    };
                    if simple {
                        self.scalar_in(key, string_style(key), key_ctx);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar_in(key, string_style(key), key_ctx);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    let value_ctx = Ctx {
                        mapping: true,
                        simple_key: false,
                    };
                    self.node(value, value_ctx);
                }
                self.pop_indent();
            }
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        // Nothing goes inside, so the flow level never shows.
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn scalar_in(&mut self, value: &str, style: Style, ctx: Ctx) {
        self.ctx = ctx;
        self.scalar(value, style);
    }

    fn scalar(&mut self, value: &str, requested: Style) {
        let chars: Vec<char> = value.chars().collect();
        let a = analyze(&chars);
        let style = self.select_style(&chars, requested, &a);
        self.increase_indent(true, false);
        let allow_breaks = !self.ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&chars, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(&chars, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(&chars, allow_breaks),
            Style::Literal => self.write_literal(&chars),
        }
        self.pop_indent();
    }

    fn select_style(&self, v: &[char], requested: Style, a: &Analysis) -> Style {
        let mut style = requested;
        if self.ctx.simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if !a.block_plain_allowed {
                style = Style::SingleQuoted;
            }
            if v.is_empty() && self.ctx.simple_key {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || self.ctx.simple_key) {
            style = Style::DoubleQuoted;
        }
        style
    }

    fn write_plain(&mut self, v: &[char], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in v.iter().enumerate() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && v.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, v: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let n = v.len();
        for (i, &c) in v.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && v[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, v: &[char], allow_breaks: bool) {
        // go-yaml tests for a byte order mark at the start of the value,
        // not at each character: such a value gets every character escaped.
        let starts_with_bom = v.first() == Some(&'\u{feff}');
        let mut spaces = false;
        self.write_indicator("\"", true, false, false);
        let n = v.len();
        for (i, &c) in v.iter().enumerate() {
            if !is_printable(c) || starts_with_bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let code = c as u32;
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let (marker, width) = if code <= 0xFF {
                            ('x', 2)
                        } else if code <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(marker);
                        for k in (0..width).rev() {
                            let digit = (code >> (k * 4)) & 0xF;
                            let d = char::from_digit(digit, 16).unwrap_or('0');
                            self.put(d.to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.write_indent();
                    if v[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_scalar_hints(&mut self, v: &[char]) {
        if v.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let chomp = match v {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(hint) = chomp {
            self.write_indicator(hint, false, false, false);
        }
    }

    fn write_literal(&mut self, v: &[char]) {
        self.write_indicator("|", true, false, false);
        self.write_block_scalar_hints(v);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in v {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}
