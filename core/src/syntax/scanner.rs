//! The YAML scanner kubectl uses (go-yaml v2 as forked into
//! `sigs.k8s.io/yaml`, itself a port of libyaml), ported so that the same
//! inputs are accepted and rejected, with the same messages at the same
//! positions. The structure follows the original closely on purpose: the
//! order in which tokens are fetched decides where errors are reported.

use std::collections::{BTreeMap, VecDeque};

/// The deepest nesting accepted (flow levels, block levels, and the depth of
/// a decoded document). go-yaml stops at 10000, but the tree walks here and
/// in the rest of the engine recurse, and the browser's stack is small;
/// real manifests, deep CRD schemas included, stay far below this.
pub(crate) const MAX_DEPTH: usize = 256;

/// A position: characters consumed, line and column, all from 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokenKind {
    StreamStart,
    StreamEnd,
    VersionDirective { major: u8, minor: u8 },
    TagDirective { handle: Vec<u8>, prefix: Vec<u8> },
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(String),
    Anchor(String),
    Tag { handle: Vec<u8>, suffix: Vec<u8> },
    Scalar { value: String, style: ScalarStyle },
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    pub end: Mark,
}

/// Which stage failed; go-yaml numbers lines differently for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Reader,
    Scanner,
    Parser,
}

/// A libyaml-style error: a problem at a mark, maybe with a context mark.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YamlError {
    pub kind: ErrorKind,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
    /// Where the problem is, for underlining (reader errors carry no mark).
    pub at: Mark,
}

impl YamlError {
    /// The text go-yaml's `parser.fail` produces, without the `yaml: ` prefix.
    pub(crate) fn describe(&self) -> String {
        let line = if self.problem_mark.line != 0 {
            // Scanner errors report the line 1-based, parser errors do not
            // (kubectl's famous off-by-one).
            self.problem_mark.line + usize::from(self.kind == ErrorKind::Scanner)
        } else {
            self.context_mark.line
        };
        if line != 0 {
            format!("line {line}: {}", self.problem)
        } else {
            self.problem.clone()
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, YamlError>;

#[derive(Clone, Copy, Debug, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

/// go-yaml decodes its input in blocks of this many bytes and rejects
/// control characters block by block.
const RAW_BLOCK: usize = 512;

pub(crate) struct Scanner {
    chars: Vec<char>,
    /// Byte offset (in the UTF-8 input) where each character ends.
    char_ends: Vec<usize>,
    pos: usize,
    decoded: usize,

    pub(crate) mark: Mark,
    pub(crate) tokens: VecDeque<Token>,
    pub(crate) tokens_parsed: usize,
    pub(crate) token_available: bool,
    stream_start_produced: bool,
    pub(crate) stream_end_produced: bool,

    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: BTreeMap<usize, usize>,
    flow_level: usize,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}
fn is_z(c: char) -> bool {
    c == '\0'
}
fn is_breakz(c: char) -> bool {
    is_break(c) || is_z(c)
}
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}
fn is_blankz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}
fn is_alpha(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}
fn hex_value(c: char) -> Option<u32> {
    c.to_digit(16)
}

/// The characters go-yaml's reader accepts.
fn is_allowed_char(c: char) -> bool {
    matches!(c as u32,
        0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn utf8_width(octet: u8) -> usize {
    if octet & 0x80 == 0 {
        1
    } else if octet & 0xE0 == 0xC0 {
        2
    } else if octet & 0xF0 == 0xE0 {
        3
    } else if octet & 0xF8 == 0xF0 {
        4
    } else {
        0
    }
}

impl Scanner {
    pub(crate) fn new(text: &str) -> Scanner {
        let (first_byte, body) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (3, rest),
            None => (0, text),
        };
        let mut chars = Vec::with_capacity(body.len());
        let mut char_ends = Vec::with_capacity(body.len());
        for (i, c) in body.char_indices() {
            chars.push(c);
            char_ends.push(first_byte + i + c.len_utf8());
        }
        Scanner {
            chars,
            char_ends,
            pos: 0,
            decoded: 0,
            mark: Mark::default(),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            stream_start_produced: false,
            stream_end_produced: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: BTreeMap::new(),
            flow_level: 0,
        }
    }

    // ---- Reader -------------------------------------------------------

    /// The character `k` places ahead; NUL past the end, as in go-yaml.
    fn ch(&self, k: usize) -> char {
        self.chars.get(self.pos + k).copied().unwrap_or('\0')
    }

    /// Makes sure `n` characters are decoded, checking each newly decoded
    /// block for characters YAML forbids.
    fn cache(&mut self, n: usize) -> Result<()> {
        while self.decoded < self.pos + n && self.decoded < self.chars.len() {
            let block_start = if self.decoded == 0 {
                0
            } else {
                self.char_ends[self.decoded - 1]
            };
            let block_end = block_start + RAW_BLOCK;
            let mut i = self.decoded;
            while i < self.chars.len() && self.char_ends[i] <= block_end {
                i += 1;
            }
            if i == self.decoded {
                // A character longer than what is left of the block: go-yaml
                // reads on until it is complete.
                i += 1;
            }
            for k in self.decoded..i {
                if !is_allowed_char(self.chars[k]) {
                    let at = self.mark_of(k);
                    return Err(YamlError {
                        kind: ErrorKind::Reader,
                        problem: "control characters are not allowed".into(),
                        problem_mark: Mark::default(),
                        context_mark: Mark::default(),
                        at,
                    });
                }
            }
            self.decoded = i;
        }
        Ok(())
    }

    /// The mark of a character not yet reached (for reader errors only).
    fn mark_of(&self, k: usize) -> Mark {
        let mut m = self.mark;
        let mut i = self.pos;
        while i < k {
            let c = self.chars[i];
            if c == '\r' && self.chars.get(i + 1) == Some(&'\n') {
                i += 2;
                m.index += 2;
                m.line += 1;
                m.column = 0;
                continue;
            }
            if is_break(c) {
                m.line += 1;
                m.column = 0;
            } else {
                m.column += 1;
            }
            m.index += 1;
            i += 1;
        }
        m
    }

    fn skip(&mut self) {
        self.mark.index += 1;
        self.mark.column += 1;
        self.pos += 1;
    }

    fn skip_line(&mut self) {
        if self.ch(0) == '\r' && self.ch(1) == '\n' {
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += 2;
        } else if is_break(self.ch(0)) {
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += 1;
        }
    }

    fn read(&mut self, s: &mut String) {
        s.push(self.ch(0));
        self.skip();
    }

    fn read_line(&mut self, s: &mut String) {
        let c = self.ch(0);
        if c == '\r' && self.ch(1) == '\n' {
            s.push('\n');
            self.pos += 2;
            self.mark.index += 2;
        } else if c == '\r' || c == '\n' || c == '\u{85}' {
            s.push('\n');
            self.pos += 1;
            self.mark.index += 1;
        } else if c == '\u{2028}' || c == '\u{2029}' {
            s.push(c);
            self.pos += 1;
            self.mark.index += 1;
        } else {
            return;
        }
        self.mark.column = 0;
        self.mark.line += 1;
    }

    // ---- Errors --------------------------------------------------------

    fn error<T>(&self, context_mark: Mark, problem: &str) -> Result<T> {
        Err(YamlError {
            kind: ErrorKind::Scanner,
            problem: problem.to_string(),
            problem_mark: self.mark,
            context_mark,
            at: self.mark,
        })
    }

    /// An error better shown at the start of what was being scanned (the
    /// key missing its ':', the quote never closed) than where the scanner
    /// gave up.
    fn error_at_context<T>(&self, context_mark: Mark, problem: &str) -> Result<T> {
        self.error(context_mark, problem).map_err(|e| YamlError {
            at: context_mark,
            ..e
        })
    }

    // ---- Token queue ---------------------------------------------------

    fn insert_token(&mut self, pos: Option<usize>, token: Token) {
        match pos {
            None => self.tokens.push_back(token),
            Some(p) => {
                let p = p.min(self.tokens.len());
                self.tokens.insert(p, token);
            }
        }
    }

    fn queued(&self) -> usize {
        self.tokens_parsed + self.tokens.len()
    }

    /// Makes sure the queue holds a token the parser may take.
    pub(crate) fn fetch_more_tokens(&mut self) -> Result<()> {
        loop {
            if !self.tokens.is_empty() {
                match self.simple_keys_by_tok.get(&self.tokens_parsed) {
                    None => break,
                    Some(&idx) => {
                        if !self.simple_key_is_valid(idx)? {
                            break;
                        }
                    }
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn fetch_next_token(&mut self) -> Result<()> {
        self.cache(1)?;
        if !self.stream_start_produced {
            self.fetch_stream_start();
            return Ok(());
        }
        self.scan_to_next_token()?;
        self.unroll_indent(self.mark.column as isize);
        self.cache(4)?;

        let (c0, c1, c2, c3) = (self.ch(0), self.ch(1), self.ch(2), self.ch(3));
        if is_z(c0) {
            return self.fetch_stream_end();
        }
        if self.mark.column == 0 && c0 == '%' {
            return self.fetch_directive();
        }
        if self.mark.column == 0 && c0 == '-' && c1 == '-' && c2 == '-' && is_blankz(c3) {
            return self.fetch_document_indicator(TokenKind::DocumentStart);
        }
        if self.mark.column == 0 && c0 == '.' && c1 == '.' && c2 == '.' && is_blankz(c3) {
            return self.fetch_document_indicator(TokenKind::DocumentEnd);
        }
        match c0 {
            '[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            _ => {}
        }
        if c0 == '-' && is_blankz(c1) {
            return self.fetch_block_entry();
        }
        if c0 == '?' && (self.flow_level > 0 || is_blankz(c1)) {
            return self.fetch_key();
        }
        if c0 == ':' && (self.flow_level > 0 || is_blankz(c1)) {
            return self.fetch_value();
        }
        match c0 {
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            '\'' => return self.fetch_flow_scalar(true),
            '"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = is_blankz(c0)
            || matches!(
                c0,
                '-' | '?'
                    | ':'
                    | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '#'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            );
        if !indicator
            || (c0 == '-' && !is_blank(c1))
            || (self.flow_level == 0 && (c0 == '?' || c0 == ':') && !is_blankz(c1))
        {
            return self.fetch_plain_scalar();
        }
        self.error(self.mark, "found character that cannot start any token")
    }

    fn simple_key_is_valid(&mut self, idx: usize) -> Result<bool> {
        let mark = self.mark;
        let Some(key) = self.simple_keys.get_mut(idx) else {
            return Ok(false);
        };
        if !key.possible {
            return Ok(false);
        }
        // A simple key is limited to one line and 1024 characters.
        if key.mark.line < mark.line || key.mark.index + 1024 < mark.index {
            if key.required {
                let context = key.mark;
                return self.error_at_context(context, "could not find expected ':'");
            }
            key.possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn save_simple_key(&mut self) -> Result<()> {
        let required = self.flow_level == 0 && self.indent == self.mark.column as isize;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.queued(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len() - 1;
            self.simple_keys[last] = key;
            self.simple_keys_by_tok.insert(key.token_number, last);
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> Result<()> {
        let i = self.simple_keys.len() - 1;
        let key = self.simple_keys[i];
        if key.possible {
            if key.required {
                return self.error_at_context(key.mark, "could not find expected ':'");
            }
            self.simple_keys[i].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> Result<()> {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.queued(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_DEPTH {
            let context = self.simple_keys[self.simple_keys.len() - 1].mark;
            return self.error(context, &format!("exceeded max depth of {MAX_DEPTH}"));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(last) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(&last.token_number);
            }
        }
    }

    /// Opens a block collection when `column` is deeper than the current
    /// indentation. `number` is the absolute token number to insert before.
    fn roll_indent(
        &mut self,
        column: isize,
        number: Option<usize>,
        kind: TokenKind,
        mark: Mark,
    ) -> Result<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
            if self.indents.len() > MAX_DEPTH {
                let context = self.simple_keys[self.simple_keys.len() - 1].mark;
                return self.error(context, &format!("exceeded max depth of {MAX_DEPTH}"));
            }
            let token = Token {
                kind,
                start: mark,
                end: mark,
            };
            let pos = number.map(|n| n.saturating_sub(self.tokens_parsed));
            self.insert_token(pos, token);
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let token = Token {
                kind: TokenKind::BlockEnd,
                start: self.mark,
                end: self.mark,
            };
            self.insert_token(None, token);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn push(&mut self, kind: TokenKind, start: Mark) {
        let token = Token {
            kind,
            start,
            end: self.mark,
        };
        self.insert_token(None, token);
    }

    fn fetch_stream_start(&mut self) {
        self.indent = -1;
        self.simple_keys.push(SimpleKey::default());
        self.simple_key_allowed = true;
        self.stream_start_produced = true;
        self.push(TokenKind::StreamStart, self.mark);
    }

    fn fetch_stream_end(&mut self) -> Result<()> {
        // Force a new line.
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push(TokenKind::StreamEnd, self.mark);
        Ok(())
    }

    fn fetch_directive(&mut self) -> Result<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> Result<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> Result<()> {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> Result<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.push(kind, start);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> Result<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::FlowEntry, start);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> Result<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return self.error(
                    self.mark,
                    "block sequence entries are not allowed in this context",
                );
            }
            self.roll_indent(
                self.mark.column as isize,
                None,
                TokenKind::BlockSequenceStart,
                self.mark,
            )?;
        }
        // In the flow context the parser reports the misplaced '-'.
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::BlockEntry, start);
        Ok(())
    }

    fn fetch_key(&mut self) -> Result<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return self.error(self.mark, "mapping keys are not allowed in this context");
            }
            self.roll_indent(
                self.mark.column as isize,
                None,
                TokenKind::BlockMappingStart,
                self.mark,
            )?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        self.push(TokenKind::Key, start);
        Ok(())
    }

    fn fetch_value(&mut self) -> Result<()> {
        let idx = self.simple_keys.len() - 1;
        if self.simple_key_is_valid(idx)? {
            let key = self.simple_keys[idx];
            let token = Token {
                kind: TokenKind::Key,
                start: key.mark,
                end: key.mark,
            };
            let pos = key.token_number.saturating_sub(self.tokens_parsed);
            self.insert_token(Some(pos), token);
            self.roll_indent(
                key.mark.column as isize,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            )?;
            self.simple_keys[idx].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
            // A simple key cannot follow another simple key.
            self.simple_key_allowed = false;
        } else {
            // The ':' follows a complex key, or nothing.
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return self.error(self.mark, "mapping values are not allowed in this context");
                }
                self.roll_indent(
                    self.mark.column as isize,
                    None,
                    TokenKind::BlockMappingStart,
                    self.mark,
                )?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        self.push(TokenKind::Value, start);
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_anchor(alias)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_tag(&mut self) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_tag()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> Result<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let token = self.scan_block_scalar(literal)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_flow_scalar(single)?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> Result<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_plain_scalar()?;
        self.insert_token(None, token);
        Ok(())
    }

    // ---- Scanning ------------------------------------------------------

    fn scan_to_next_token(&mut self) -> Result<()> {
        loop {
            self.cache(1)?;
            // Tabs are allowed in the flow context, and in the block
            // context after a key or value on the same line, but never as
            // indentation.
            while self.ch(0) == ' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.ch(0) == '\t')
            {
                self.skip();
                self.cache(1)?;
            }
            if self.ch(0) == '#' {
                while !is_breakz(self.ch(0)) {
                    self.skip();
                    self.cache(1)?;
                }
            }
            if is_break(self.ch(0)) {
                self.cache(2)?;
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                return Ok(());
            }
        }
    }

    fn scan_directive(&mut self) -> Result<Token> {
        let start = self.mark;
        self.skip();
        let name = self.scan_directive_name(start)?;
        let kind = match name.as_str() {
            "YAML" => {
                let (major, minor) = self.scan_version_directive_value(start)?;
                TokenKind::VersionDirective { major, minor }
            }
            "TAG" => {
                let (handle, prefix) = self.scan_tag_directive_value(start)?;
                TokenKind::TagDirective { handle, prefix }
            }
            _ => return self.error(start, "found unknown directive name"),
        };
        let end = self.mark;
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        if self.ch(0) == '#' {
            while !is_breakz(self.ch(0)) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !is_breakz(self.ch(0)) {
            return self.error(start, "did not find expected comment or line break");
        }
        if is_break(self.ch(0)) {
            self.cache(2)?;
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_directive_name(&mut self, start: Mark) -> Result<String> {
        self.cache(1)?;
        let mut s = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if s.is_empty() {
            return self.error(start, "could not find expected directive name");
        }
        if !is_blankz(self.ch(0)) {
            return self.error(start, "found unexpected non-alphabetical character");
        }
        Ok(s)
    }

    fn scan_version_directive_value(&mut self, start: Mark) -> Result<(u8, u8)> {
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let major = self.scan_version_directive_number(start)?;
        if self.ch(0) != '.' {
            return self.error(start, "did not find expected digit or '.' character");
        }
        self.skip();
        let minor = self.scan_version_directive_number(start)?;
        Ok((major, minor))
    }

    fn scan_version_directive_number(&mut self, start: Mark) -> Result<u8> {
        self.cache(1)?;
        let mut value: u8 = 0;
        let mut length = 0;
        while let Some(d) = self.ch(0).to_digit(10) {
            length += 1;
            if length > 2 {
                return self.error(start, "found extremely long version number");
            }
            value = value * 10 + d as u8;
            self.skip();
            self.cache(1)?;
        }
        if length == 0 {
            return self.error(start, "did not find expected version number");
        }
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> Result<(Vec<u8>, Vec<u8>)> {
        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let handle = self.scan_tag_handle(true, start)?;
        self.cache(1)?;
        if !is_blank(self.ch(0)) {
            return self.error(start, "did not find expected whitespace");
        }
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        let prefix = self.scan_tag_uri(true, &[], start)?;
        self.cache(1)?;
        if !is_blankz(self.ch(0)) {
            return self.error(start, "did not find expected whitespace or line break");
        }
        Ok((handle, prefix))
    }

    fn scan_anchor(&mut self, alias: bool) -> Result<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut s = String::new();
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        let end = self.mark;
        let c = self.ch(0);
        if s.is_empty()
            || !(is_blankz(c) || matches!(c, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`'))
        {
            return self.error(
                start,
                "did not find expected alphabetic or numeric character",
            );
        }
        let kind = if alias {
            TokenKind::Alias(s)
        } else {
            TokenKind::Anchor(s)
        };
        Ok(Token { kind, start, end })
    }

    fn scan_tag(&mut self) -> Result<Token> {
        let start = self.mark;
        self.cache(2)?;
        let (handle, suffix);
        if self.ch(1) == '<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(false, &[], start)?;
            if self.ch(0) != '>' {
                return self.error(start, "did not find the expected '>'");
            }
            self.skip();
            handle = Vec::new();
        } else {
            let h = self.scan_tag_handle(false, start)?;
            if h.len() > 1 && h[0] == b'!' && h[h.len() - 1] == b'!' {
                suffix = self.scan_tag_uri(false, &[], start)?;
                handle = h;
            } else {
                let s = self.scan_tag_uri(false, &h, start)?;
                if s.is_empty() {
                    // The non-specific tag `!`.
                    handle = Vec::new();
                    suffix = b"!".to_vec();
                } else {
                    handle = b"!".to_vec();
                    suffix = s;
                }
            }
        }
        self.cache(1)?;
        if !is_blankz(self.ch(0)) {
            return self.error(start, "did not find expected whitespace or line break");
        }
        let end = self.mark;
        Ok(Token {
            kind: TokenKind::Tag { handle, suffix },
            start,
            end,
        })
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> Result<Vec<u8>> {
        self.cache(1)?;
        if self.ch(0) != '!' {
            return self.error(start, "did not find expected '!'");
        }
        let mut s = String::new();
        self.read(&mut s);
        self.cache(1)?;
        while is_alpha(self.ch(0)) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if self.ch(0) == '!' {
            self.read(&mut s);
        } else if directive && s != "!" {
            return self.error(start, "did not find expected '!'");
        }
        Ok(s.into_bytes())
    }

    fn scan_tag_uri(&mut self, directive: bool, head: &[u8], start: Mark) -> Result<Vec<u8>> {
        let mut has_tag = !head.is_empty();
        let mut s: Vec<u8> = head.get(1..).unwrap_or_default().to_vec();
        self.cache(1)?;
        loop {
            let c = self.ch(0);
            let uri_char = is_alpha(c)
                || matches!(
                    c,
                    ';' | '/'
                        | '?'
                        | ':'
                        | '@'
                        | '&'
                        | '='
                        | '+'
                        | '$'
                        | ','
                        | '.'
                        | '!'
                        | '~'
                        | '*'
                        | '\''
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '%'
                );
            if !uri_char {
                break;
            }
            if c == '%' {
                self.scan_uri_escapes(directive, start, &mut s)?;
            } else {
                let mut buf = [0u8; 4];
                s.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                self.skip();
            }
            self.cache(1)?;
            has_tag = true;
        }
        if !has_tag {
            return self.error(start, "did not find expected tag URI");
        }
        Ok(s)
    }

    fn scan_uri_escapes(&mut self, _directive: bool, start: Mark, s: &mut Vec<u8>) -> Result<()> {
        let mut width = 1024;
        while width > 0 {
            self.cache(3)?;
            let octet = match (self.ch(0), hex_value(self.ch(1)), hex_value(self.ch(2))) {
                ('%', Some(hi), Some(lo)) => (hi * 16 + lo) as u8,
                _ => return self.error(start, "did not find URI escaped octet"),
            };
            if width == 1024 {
                width = utf8_width(octet);
                if width == 0 {
                    return self.error(start, "found an incorrect leading UTF-8 octet");
                }
            } else if octet & 0xC0 != 0x80 {
                return self.error(start, "found an incorrect trailing UTF-8 octet");
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            width -= 1;
        }
        Ok(())
    }

    fn scan_block_scalar(&mut self, literal: bool) -> Result<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut chomping = 0i8;
        let mut increment = 0isize;
        if self.ch(0) == '+' || self.ch(0) == '-' {
            chomping = if self.ch(0) == '+' { 1 } else { -1 };
            self.skip();
            self.cache(1)?;
            if let Some(d) = self.ch(0).to_digit(10) {
                if d == 0 {
                    return self.error(start, "found an indentation indicator equal to 0");
                }
                increment = d as isize;
                self.skip();
            }
        } else if let Some(d) = self.ch(0).to_digit(10) {
            if d == 0 {
                return self.error(start, "found an indentation indicator equal to 0");
            }
            increment = d as isize;
            self.skip();
            self.cache(1)?;
            if self.ch(0) == '+' || self.ch(0) == '-' {
                chomping = if self.ch(0) == '+' { 1 } else { -1 };
                self.skip();
            }
        }

        self.cache(1)?;
        while is_blank(self.ch(0)) {
            self.skip();
            self.cache(1)?;
        }
        if self.ch(0) == '#' {
            while !is_breakz(self.ch(0)) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !is_breakz(self.ch(0)) {
            return self.error(start, "did not find expected comment or line break");
        }
        if is_break(self.ch(0)) {
            self.cache(2)?;
            self.skip_line();
        }

        let mut end = self.mark;
        let mut indent: isize = 0;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent + increment
            } else {
                increment
            };
        }

        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;

        self.cache(1)?;
        let mut leading_blank = false;
        while self.mark.column as isize == indent && !is_z(self.ch(0)) {
            // The start of a non-empty line.
            let trailing_blank = is_blank(self.ch(0));
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                // Fold the line break into a space.
                if trailing_breaks.is_empty() {
                    s.push(' ');
                }
            } else {
                s.push_str(&leading_break);
            }
            leading_break.clear();
            s.push_str(&trailing_breaks);
            trailing_breaks.clear();

            leading_blank = is_blank(self.ch(0));
            while !is_breakz(self.ch(0)) {
                self.read(&mut s);
                self.cache(1)?;
            }
            self.cache(2)?;
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }

        if chomping != -1 {
            s.push_str(&leading_break);
        }
        if chomping == 1 {
            s.push_str(&trailing_breaks);
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        Ok(Token {
            kind: TokenKind::Scalar { value: s, style },
            start,
            end,
        })
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut isize,
        breaks: &mut String,
        start: Mark,
        end: &mut Mark,
    ) -> Result<()> {
        *end = self.mark;
        let mut max_indent: isize = 0;
        loop {
            self.cache(1)?;
            while (*indent == 0 || (self.mark.column as isize) < *indent) && self.ch(0) == ' ' {
                self.skip();
                self.cache(1)?;
            }
            if self.mark.column as isize > max_indent {
                max_indent = self.mark.column as isize;
            }
            if (*indent == 0 || (self.mark.column as isize) < *indent) && self.ch(0) == '\t' {
                return self.error(
                    start,
                    "found a tab character where an indentation space is expected",
                );
            }
            if !is_break(self.ch(0)) {
                break;
            }
            self.cache(2)?;
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent.max(self.indent + 1).max(1);
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> Result<Token> {
        let start = self.mark;
        self.skip();
        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = String::new();
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                    || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
                && is_blankz(self.ch(3))
            {
                return self.error_at_context(start, "found unexpected document indicator");
            }
            if is_z(self.ch(0)) {
                return self.error_at_context(start, "found unexpected end of stream");
            }

            let mut leading_blanks = false;
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if single && c == '\'' && self.ch(1) == '\'' {
                    s.push('\'');
                    self.skip();
                    self.skip();
                } else if single && c == '\'' || !single && c == '"' {
                    break;
                } else if !single && c == '\\' && is_break(self.ch(1)) {
                    // An escaped line break.
                    self.cache(3)?;
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == '\\' {
                    let mut code_length = 0;
                    match self.ch(1) {
                        '0' => s.push('\0'),
                        'a' => s.push('\u{7}'),
                        'b' => s.push('\u{8}'),
                        't' | '\t' => s.push('\t'),
                        'n' => s.push('\n'),
                        'v' => s.push('\u{b}'),
                        'f' => s.push('\u{c}'),
                        'r' => s.push('\r'),
                        'e' => s.push('\u{1b}'),
                        ' ' => s.push(' '),
                        '"' => s.push('"'),
                        '\'' => s.push('\''),
                        '\\' => s.push('\\'),
                        'N' => s.push('\u{85}'),
                        '_' => s.push('\u{a0}'),
                        'L' => s.push('\u{2028}'),
                        'P' => s.push('\u{2029}'),
                        'x' => code_length = 2,
                        'u' => code_length = 4,
                        'U' => code_length = 8,
                        _ => return self.error(start, "found unknown escape character"),
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        self.cache(code_length)?;
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            match hex_value(self.ch(k)) {
                                Some(d) => value = (value << 4) + d,
                                None => {
                                    return self
                                        .error(start, "did not find expected hexdecimal number")
                                }
                            }
                        }
                        let Some(decoded) = char::from_u32(value) else {
                            return self
                                .error(start, "found invalid Unicode character escape code");
                        };
                        s.push(decoded);
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                }
                self.cache(2)?;
            }

            self.cache(1)?;
            let c = self.ch(0);
            if single && c == '\'' || !single && c == '"' {
                break;
            }

            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if leading_blanks {
                        self.skip();
                    } else {
                        self.read(&mut whitespaces);
                    }
                } else {
                    self.cache(2)?;
                    if leading_blanks {
                        self.read_line(&mut trailing_breaks);
                    } else {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    }
                }
                self.cache(1)?;
            }

            if leading_blanks {
                if leading_break.starts_with('\n') {
                    if trailing_breaks.is_empty() {
                        s.push(' ');
                    } else {
                        s.push_str(&trailing_breaks);
                    }
                } else {
                    s.push_str(&leading_break);
                    s.push_str(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.push_str(&whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let end = self.mark;
        let style = if single {
            ScalarStyle::SingleQuoted
        } else {
            ScalarStyle::DoubleQuoted
        };
        Ok(Token {
            kind: TokenKind::Scalar { value: s, style },
            start,
            end,
        })
    }

    fn scan_plain_scalar(&mut self) -> Result<Token> {
        let mut s = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        let mut whitespaces = String::new();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.ch(0) == '-' && self.ch(1) == '-' && self.ch(2) == '-')
                    || (self.ch(0) == '.' && self.ch(1) == '.' && self.ch(2) == '.'))
                && is_blankz(self.ch(3))
            {
                break;
            }
            if self.ch(0) == '#' {
                break;
            }
            while !is_blankz(self.ch(0)) {
                let c = self.ch(0);
                if (c == ':' && is_blankz(self.ch(1)))
                    || (self.flow_level > 0 && matches!(c, ',' | '?' | '[' | ']' | '{' | '}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.starts_with('\n') {
                            if trailing_breaks.is_empty() {
                                s.push(' ');
                            } else {
                                s.push_str(&trailing_breaks);
                            }
                        } else {
                            s.push_str(&leading_break);
                            s.push_str(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.push_str(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                end = self.mark;
                self.cache(2)?;
            }
            if !(is_blank(self.ch(0)) || is_break(self.ch(0))) {
                break;
            }
            self.cache(1)?;
            while is_blank(self.ch(0)) || is_break(self.ch(0)) {
                if is_blank(self.ch(0)) {
                    if leading_blanks && (self.mark.column as isize) < indent && self.ch(0) == '\t'
                    {
                        return self
                            .error(start, "found a tab character that violates indentation");
                    }
                    if leading_blanks {
                        self.skip();
                    } else {
                        self.read(&mut whitespaces);
                    }
                } else {
                    self.cache(2)?;
                    if leading_blanks {
                        self.read_line(&mut trailing_breaks);
                    } else {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    }
                }
                self.cache(1)?;
            }
            if self.flow_level == 0 && (self.mark.column as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(Token {
            kind: TokenKind::Scalar {
                value: s,
                style: ScalarStyle::Plain,
            },
            start,
            end,
        })
    }
}
