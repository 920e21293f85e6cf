//! JSON in, the way Go's `encoding/json` reads it: the same accepted syntax,
//! the same error texts (`invalid character '}' looking for beginning of
//! object key string`) at the same byte offsets. Two entry points mirror the
//! two ways kubectl reads JSON: a stream of values (`kubectl apply -f`) and
//! one value (`kubectl patch -p`).

use std::collections::BTreeMap;

use super::gostr::{json_quote_byte, json_round_trip, JsonNumber};
use super::node::{Key, Node, NodeKind, Span};
use super::scanner::MAX_DEPTH;

/// Why reading stopped.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JsonError {
    /// A Go `SyntaxError`: its text and the offset Go reports (bytes read,
    /// the offending one included).
    Syntax { msg: String, offset: usize },
    /// The input ended inside a value. `eof_msg` is what Go's scanner says
    /// when it feeds its virtual trailing space to the state it was in.
    Eof { eof_msg: Option<String> },
    /// A number Go's `ParseFloat` rejects as out of range.
    Range { msg: String, offset: usize },
}

pub(crate) struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Reader<'a> {
        Reader {
            b: text.as_bytes(),
            i: 0,
            line: 1,
            col: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) {
        if let Some(&c) = self.b.get(self.i) {
            if c == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if c & 0xC0 != 0x80 {
                self.col += 1;
            }
            self.i += 1;
        }
    }

    fn span(&self) -> Span {
        Span::new(self.line, self.col)
    }

    pub(crate) fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.bump();
        }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }

    /// An error about the current byte; at the end of input, what Go's
    /// virtual trailing space would provoke (`space_ok`: the state skips it).
    fn fail<T>(&self, context: &str, space_ok: bool) -> Result<T, JsonError> {
        match self.peek() {
            Some(c) => Err(JsonError::Syntax {
                msg: format!("invalid character {} {context}", json_quote_byte(c)),
                offset: self.i + 1,
            }),
            None => Err(JsonError::Eof {
                eof_msg: (!space_ok).then(|| format!("invalid character ' ' {context}")),
            }),
        }
    }

    /// One value; the reader must be at its first byte or whitespace before.
    pub(crate) fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        self.skip_space();
        let span = self.span();
        let Some(c) = self.peek() else {
            return Err(JsonError::Eof { eof_msg: None });
        };
        let kind = match c {
            b'{' | b'[' if depth >= MAX_DEPTH => return self.fail("exceeded max depth", false),
            b'{' => self.object(depth + 1)?,
            b'[' => self.array(depth + 1)?,
            b'"' => NodeKind::Str(self.string()?),
            b'-' | b'0'..=b'9' => self.number()?,
            b't' => self.literal("true", NodeKind::Bool(true))?,
            b'f' => self.literal("false", NodeKind::Bool(false))?,
            b'n' => self.literal("null", NodeKind::Null)?,
            _ => return self.fail("looking for beginning of value", true),
        };
        Ok(Node::new(span, kind))
    }

    fn object(&mut self, depth: usize) -> Result<NodeKind, JsonError> {
        self.bump();
        self.skip_space();
        let mut entries: Vec<(Key, Node)> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(NodeKind::Map(entries));
        }
        loop {
            if self.peek() != Some(b'"') {
                return self.fail("looking for beginning of object key string", true);
            }
            let key_span = self.span();
            let name = self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return self.fail("after object key", true);
            }
            self.bump();
            let value = self.value(depth)?;
            let key = Key {
                name,
                span: key_span,
            };
            // Decoding into a map: a repeated key overwrites the earlier one.
            match index.get(&key.name) {
                Some(&i) => entries[i] = (key, value),
                None => {
                    index.insert(key.name.clone(), entries.len());
                    entries.push((key, value));
                }
            }
            self.skip_space();
            match self.peek() {
                Some(b',') => {
                    self.bump();
                    self.skip_space();
                }
                Some(b'}') => {
                    self.bump();
                    return Ok(NodeKind::Map(entries));
                }
                _ => return self.fail("after object key:value pair", true),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<NodeKind, JsonError> {
        self.bump();
        self.skip_space();
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(NodeKind::Seq(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(NodeKind::Seq(items));
                }
                _ => return self.fail("after array element", true),
            }
        }
    }

    fn literal(&mut self, word: &str, kind: NodeKind) -> Result<NodeKind, JsonError> {
        for (k, expected) in word.bytes().enumerate() {
            if k > 0 && self.peek() != Some(expected) {
                return self.fail(
                    &format!(
                        "in literal {word} (expecting {})",
                        json_quote_byte(expected)
                    ),
                    false,
                );
            }
            self.bump();
        }
        Ok(kind)
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }

    fn number(&mut self) -> Result<NodeKind, JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.fail("in numeric literal", false);
            }
        }
        if self.peek() == Some(b'0') {
            self.bump();
        } else {
            self.digits();
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            integer = false;
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.fail("after decimal point in numeric literal", false);
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            integer = false;
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.fail("in exponent of numeric literal", false);
            }
            self.digits();
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        // kubectl keeps whole numbers as int64 when they fit, else float64,
        // and marshals that again before sending it: `1e3` arrives as 1000.
        if integer {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(NodeKind::Int(i));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(match json_round_trip(f) {
                JsonNumber::Int(i) => NodeKind::Int(i),
                JsonNumber::Float(f) => NodeKind::Float(f),
            }),
            _ => Err(JsonError::Range {
                msg: format!("strconv.ParseFloat: parsing \"{text}\": value out of range"),
                offset: start + 1,
            }),
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0;
        for _ in 0..4 {
            match self.peek().and_then(|c| char::from(c).to_digit(16)) {
                Some(d) => v = v * 16 + d,
                None => return self.fail("in \\u hexadecimal character escape", false),
            }
            self.bump();
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.bump();
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(JsonError::Eof { eof_msg: None });
            };
            match c {
                b'"' => {
                    self.bump();
                    return Ok(String::from_utf8(out)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
                }
                b'\\' => {
                    self.bump();
                    let escaped = match self.peek() {
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'"') => '"',
                        Some(b'u') => {
                            self.bump();
                            let c = self.unicode_escape()?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            continue;
                        }
                        _ => return self.fail("in string escape code", false),
                    };
                    self.bump();
                    out.push(escaped as u8);
                }
                c if c < 0x20 => return self.fail("in string literal", false),
                c => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }

    /// After `\u`: one code point, pairing surrogates as Go does and
    /// replacing lone ones with U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        if !(0xD800..0xE000).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or('\u{fffd}'));
        }
        if first < 0xDC00 && self.b.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = (self.i, self.line, self.col);
            self.bump();
            self.bump();
            let all_hex = self
                .b
                .get(self.i..self.i + 4)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if all_hex {
                let second = self.hex4()?;
                if (0xDC00..0xE000).contains(&second) {
                    let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
                }
            }
            // Not a pair: the second escape is read on its own.
            (self.i, self.line, self.col) = save;
        }
        Ok('\u{fffd}')
    }
}

/// `json.Unmarshal` of one value: anything but whitespace after it is an
/// error. Returns Go's message and the byte offset to point at.
pub(crate) fn unmarshal(text: &str) -> Result<Node, (String, usize)> {
    let mut r = Reader::new(text);
    let node = match r.value(0) {
        Ok(node) => node,
        Err(JsonError::Syntax { msg, offset }) | Err(JsonError::Range { msg, offset }) => {
            return Err((msg, offset.saturating_sub(1)))
        }
        Err(JsonError::Eof { eof_msg }) => {
            let msg = eof_msg.unwrap_or_else(|| "unexpected end of JSON input".to_string());
            return Err((msg, text.len()));
        }
    };
    r.skip_space();
    if let Some(c) = r.peek() {
        return Err((
            format!(
                "invalid character {} after top-level value",
                json_quote_byte(c)
            ),
            r.i,
        ));
    }
    Ok(node)
}

/// Byte offset to a 1-based line and character column.
pub(crate) fn span_at(text: &str, byte: usize) -> Span {
    let byte = byte.min(text.len());
    let before = text.as_bytes().get(..byte).unwrap_or_default();
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let col = before[line_start..]
        .iter()
        .filter(|&&c| c & 0xC0 != 0x80)
        .count()
        + 1;
    Span::new(
        line.min(u32::MAX as usize) as u32,
        col.min(u32::MAX as usize) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_values_fail_like_json_unmarshal() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "trailing comma in object",
                r#"{"a": 1,}"#,
                "invalid character '}' looking for beginning of object key string",
            ),
            (
                "missing value",
                r#"{"a": }"#,
                "invalid character '}' looking for beginning of value",
            ),
            (
                "missing colon",
                r#"{"a" 1}"#,
                "invalid character '1' after object key",
            ),
            (
                "missing comma",
                r#"{"a": 1 "b": 2}"#,
                "invalid character '\"' after object key:value pair",
            ),
            (
                "bad array separator",
                r#"{"a": [1 2]}"#,
                "invalid character '2' after array element",
            ),
            (
                "single quotes",
                "{'a': 1}",
                "invalid character '\\'' looking for beginning of object key string",
            ),
            (
                "garbage after value",
                r#"{"a": 1} x"#,
                "invalid character 'x' after top-level value",
            ),
            (
                "unclosed object",
                r#"{"a": 1"#,
                "unexpected end of JSON input",
            ),
            ("unclosed string", r#"{"a"#, "unexpected end of JSON input"),
            (
                "dangling minus at the end",
                r#"{"a": -"#,
                "invalid character ' ' in numeric literal",
            ),
            (
                "bad literal",
                r#"{"a": tru}"#,
                "invalid character '}' in literal true (expecting 'e')",
            ),
            (
                "leading zero",
                r#"{"a": 01}"#,
                "invalid character '1' after object key:value pair",
            ),
            (
                "bad escape",
                r#"{"a": "\q"}"#,
                "invalid character 'q' in string escape code",
            ),
            (
                "raw newline in string",
                "{\"a\": \"x\ny\"}",
                "invalid character '\\n' in string literal",
            ),
            (
                "bad unicode escape",
                r#"{"a": "\u12g4"}"#,
                "invalid character 'g' in \\u hexadecimal character escape",
            ),
            (
                "missing exponent digits",
                r#"{"a": 1e}"#,
                "invalid character '}' in exponent of numeric literal",
            ),
            (
                "missing fraction digits",
                r#"{"a": 1.}"#,
                "invalid character '}' after decimal point in numeric literal",
            ),
        ];
        for (name, input, want) in cases {
            let got = unmarshal(input).map(|_| ()).map_err(|(msg, _)| msg);
            assert_eq!(got, Err(want.to_string()), "{name}");
        }
    }

    #[test]
    fn values_decode_like_kubectl_holds_them() {
        let text = r#"{"i": 3, "f": 1.0, "e": 1e2, "x": 2.5, "big": 99999999999999999999,
            "s": "a\u00e9\ud83d\ude00\ud800x", "d": 1, "d": 2}"#;
        let node = unmarshal(text).unwrap_or_else(|e| panic!("{e:?}"));
        let cases: &[(&str, &str, NodeKind)] = &[
            ("an integer", "i", NodeKind::Int(3)),
            (
                "a whole float is sent on as an integer",
                "f",
                NodeKind::Int(1),
            ),
            ("so is a whole exponent form", "e", NodeKind::Int(100)),
            ("a fraction stays a float", "x", NodeKind::Float(2.5)),
            ("beyond int64 is a float", "big", NodeKind::Float(1e20)),
            (
                "escapes decode, pairing surrogates and replacing a lone one",
                "s",
                NodeKind::Str("aé😀\u{fffd}x".into()),
            ),
            ("a repeated key keeps the last value", "d", NodeKind::Int(2)),
        ];
        for (name, key, want) in cases {
            assert_eq!(node.get(key).map(|n| &n.kind), Some(want), "{name}");
        }
    }

    #[test]
    fn spans_count_lines_and_characters() {
        let text = "{\n  \"é\": \"x\", \"b\": [1,\n 2]}";
        let node = unmarshal(text).unwrap_or_else(|e| panic!("{e:?}"));
        let NodeKind::Map(entries) = &node.kind else {
            panic!("not a map")
        };
        assert_eq!(entries[0].0.span, Span::new(2, 3));
        assert_eq!(entries[0].1.span, Span::new(2, 8));
        assert_eq!(entries[1].0.span, Span::new(2, 13));
        let NodeKind::Seq(items) = &entries[1].1.kind else {
            panic!("not a seq")
        };
        assert_eq!(items[1].span, Span::new(3, 2));
        assert_eq!(span_at(text, 10), Span::new(2, 8));
    }
}
