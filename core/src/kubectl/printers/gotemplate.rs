//! `kubectl -o go-template`: Go's `text/template` as kubectl 1.31 runs it.
//!
//! kubectl names the template `output`, adds the functions `exists` and
//! `base64decode` to Go's builtins, decodes the object into
//! `map[string]interface{}` keeping JSON integers as `int64`, and maps
//! `--allow-missing-template-keys` onto `missingkey=default|error`. The lexer,
//! parser and executor below follow Go 1.22's, so that output, `<no value>`,
//! and every error message read as kubectl prints them.

use super::gofmt::{self, Arg};
use super::PrintError;
use crate::value::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The name kubectl gives its template; error messages quote it.
const TEMPLATE_NAME: &str = "output";

/// Nesting beyond this many control structures or parentheses is refused
/// with Go's "max expression depth exceeded" (Go allows 10000 parentheses
/// natively, 1000 on WebAssembly); the engine's stack is small in a browser.
const MAX_NESTING: usize = 100;

/// `{{template}}` calls nested deeper than this stop with Go's error (Go's
/// own limit is 100000 natively, 1000 on WebAssembly).
const MAX_EXEC_DEPTH: usize = 100;

/// Execution stops after this many steps, so that a template can never
/// hang the engine (nested ranges over large lists multiply).
const MAX_STEPS: usize = 2_000_000;

/// Output beyond this size stops execution.
const MAX_OUTPUT: usize = 32 << 20;

// ---------------------------------------------------------------------------
// Lexer

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ItemType {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords come after this marker.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

fn keyword(word: &str) -> Option<ItemType> {
    Some(match word {
        "." => ItemType::Dot,
        "block" => ItemType::Block,
        "break" => ItemType::Break,
        "continue" => ItemType::Continue,
        "define" => ItemType::Define,
        "else" => ItemType::Else,
        "end" => ItemType::End,
        "if" => ItemType::If,
        "range" => ItemType::Range,
        "nil" => ItemType::Nil,
        "template" => ItemType::Template,
        "with" => ItemType::With,
        _ => return None,
    })
}

#[derive(Clone, Debug)]
struct Item {
    typ: ItemType,
    pos: usize,
    val: String,
    line: usize,
}

impl Item {
    fn eof(pos: usize, line: usize) -> Item {
        Item {
            typ: ItemType::Eof,
            pos,
            val: "EOF".into(),
            line,
        }
    }

    /// How Go's parser names a token in "unexpected ..." messages.
    fn describe(&self) -> String {
        match self.typ {
            ItemType::Eof => "EOF".into(),
            ItemType::Error => self.val.clone(),
            t if t > ItemType::Keyword => format!("<{}>", self.val),
            _ if self.val.len() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                format!("{}...", gofmt::quote(&head))
            }
            _ => gofmt::quote(&self.val),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum LexState {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const SPACE_CHARS: &[char] = &[' ', '\t', '\r', '\n'];
const TRIM_MARKER_LEN: usize = 2;

fn is_space(r: Option<char>) -> bool {
    matches!(r, Some(' ' | '\t' | '\r' | '\n'))
}

fn is_go_letter(c: char) -> bool {
    c.is_alphabetic()
}

fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (c as u32 > 0xFF && c.is_numeric())
}

fn is_alphanumeric(r: Option<char>) -> bool {
    match r {
        Some(c) => c == '_' || is_go_letter(c) || is_go_digit(c),
        None => false,
    }
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(Some(b[1] as char))
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(Some(b[0] as char)) && b[1] == b'-'
}

/// Go's `text/template/parse` lexer, one item per call.
struct Lexer<'s> {
    input: &'s str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: i64,
    line: usize,
    start_line: usize,
    item: Item,
    inside_action: bool,
}

impl<'s> Lexer<'s> {
    fn new(input: &'s str) -> Self {
        Lexer {
            input,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            item: Item::eof(0, 1),
            inside_action: false,
        }
    }

    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.at_eof = true;
                None
            }
            Some(c) => {
                self.pos += c.len_utf8();
                if c == '\n' {
                    self.line += 1;
                }
                Some(c)
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let r = self.next();
        self.backup();
        r
    }

    fn backup(&mut self) {
        if !self.at_eof && self.pos > 0 {
            if let Some(c) = self.input[..self.pos].chars().next_back() {
                self.pos -= c.len_utf8();
                if c == '\n' {
                    self.line -= 1;
                }
            }
        }
    }

    fn this_item(&mut self, typ: ItemType) -> Item {
        let item = Item {
            typ,
            pos: self.start,
            val: self.input[self.start..self.pos].to_string(),
            line: self.start_line,
        };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn emit(&mut self, typ: ItemType) -> Option<LexState> {
        self.item = self.this_item(typ);
        None
    }

    fn emit_item(&mut self, item: Item) -> Option<LexState> {
        self.item = item;
        None
    }

    fn ignore(&mut self) {
        self.line += self.input[self.start..self.pos].matches('\n').count();
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while let Some(c) = self.next() {
            if !valid.contains(c) {
                break;
            }
        }
        self.backup();
    }

    fn errorf(&mut self, msg: String) -> Option<LexState> {
        self.item = Item {
            typ: ItemType::Error,
            pos: self.start,
            val: msg,
            line: self.start_line,
        };
        // An error ends the scan: later calls see an empty input.
        self.start = 0;
        self.pos = 0;
        self.input = &self.input[..0];
        None
    }

    fn next_item(&mut self) -> Item {
        self.item = Item::eof(self.pos, self.start_line);
        let mut state = if self.inside_action {
            LexState::InsideAction
        } else {
            LexState::Text
        };
        // Every state consumes input or emits, so this loop ends.
        while let Some(next) = self.step(state) {
            state = next;
        }
        self.item.clone()
    }

    fn step(&mut self, state: LexState) -> Option<LexState> {
        match state {
            LexState::Text => self.lex_text(),
            LexState::LeftDelim => self.lex_left_delim(),
            LexState::Comment => self.lex_comment(),
            LexState::RightDelim => self.lex_right_delim(),
            LexState::InsideAction => self.lex_inside_action(),
            LexState::Space => self.lex_space(),
            LexState::Identifier => self.lex_identifier(),
            LexState::Field => self.lex_field_or_variable(ItemType::Field),
            LexState::Variable => {
                if self.at_terminator() {
                    self.emit(ItemType::Variable)
                } else {
                    self.lex_field_or_variable(ItemType::Variable)
                }
            }
            LexState::Char => self.lex_char(),
            LexState::Number => self.lex_number(),
            LexState::Quote => self.lex_quote(),
            LexState::RawQuote => self.lex_raw_quote(),
        }
    }

    fn lex_text(&mut self) -> Option<LexState> {
        if let Some(x) = self.input[self.pos..].find(LEFT_DELIM) {
            if x > 0 {
                self.pos += x;
                let mut trim = 0;
                let delim_end = self.pos + LEFT_DELIM.len();
                if has_left_trim_marker(&self.input[delim_end..]) {
                    let text = &self.input[self.start..self.pos];
                    trim = text.len() - text.trim_end_matches(SPACE_CHARS).len();
                }
                self.pos -= trim;
                self.line += self.input[self.start..self.pos].matches('\n').count();
                let item = self.this_item(ItemType::Text);
                self.pos += trim;
                self.ignore();
                if !item.val.is_empty() {
                    return self.emit_item(item);
                }
            }
            return Some(LexState::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += self.input[self.start..self.pos].matches('\n').count();
            return self.emit(ItemType::Text);
        }
        self.emit(ItemType::Eof)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.input[self.pos..];
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        (rest.starts_with(RIGHT_DELIM), false)
    }

    fn left_trim_length(s: &str) -> usize {
        s.len() - s.trim_start_matches(SPACE_CHARS).len()
    }

    fn lex_left_delim(&mut self) -> Option<LexState> {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(&self.input[self.pos..]);
        let after = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.input[self.pos + after..].starts_with(LEFT_COMMENT) {
            self.pos += after;
            self.ignore();
            return Some(LexState::Comment);
        }
        let item = self.this_item(ItemType::LeftDelim);
        self.inside_action = true;
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        self.emit_item(item)
    }

    fn lex_comment(&mut self) -> Option<LexState> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.input[self.pos..].find(RIGHT_COMMENT) else {
            return self.errorf("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".into());
        }
        self.line += self.input[self.start..self.pos].matches('\n').count();
        let _comment = self.this_item(ItemType::Comment);
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += Self::left_trim_length(&self.input[self.pos..]);
        }
        self.ignore();
        Some(LexState::Text)
    }

    fn lex_right_delim(&mut self) -> Option<LexState> {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.this_item(ItemType::RightDelim);
        if trim {
            self.pos += Self::left_trim_length(&self.input[self.pos..]);
            self.ignore();
        }
        self.inside_action = false;
        self.emit_item(item)
    }

    fn lex_inside_action(&mut self) -> Option<LexState> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Some(LexState::RightDelim);
            }
            return self.errorf("unclosed left paren".into());
        }
        let r = self.next();
        match r {
            None => self.errorf("unclosed action".into()),
            Some(c) if is_space(Some(c)) => {
                self.backup();
                Some(LexState::Space)
            }
            Some('=') => self.emit(ItemType::Assign),
            Some(':') => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".into());
                }
                self.emit(ItemType::Declare)
            }
            Some('|') => self.emit(ItemType::Pipe),
            Some('"') => Some(LexState::Quote),
            Some('`') => Some(LexState::RawQuote),
            Some('$') => Some(LexState::Variable),
            Some('\'') => Some(LexState::Char),
            Some('.') => {
                if let Some(&b) = self.input.as_bytes().get(self.pos) {
                    if !b.is_ascii_digit() {
                        return Some(LexState::Field);
                    }
                }
                self.backup();
                Some(LexState::Number)
            }
            Some('+' | '-' | '0'..='9') => {
                self.backup();
                Some(LexState::Number)
            }
            Some(c) if is_alphanumeric(Some(c)) => {
                self.backup();
                Some(LexState::Identifier)
            }
            Some('(') => {
                self.paren_depth += 1;
                self.emit(ItemType::LeftParen)
            }
            Some(')') => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.errorf("unexpected right paren".into());
                }
                self.emit(ItemType::RightParen)
            }
            Some(c) if c.is_ascii() && gofmt::is_print(c) => self.emit(ItemType::Char),
            Some(c) => self.errorf(format!(
                "unrecognized character in action: {}",
                gofmt::sharp_u(c)
            )),
        }
    }

    fn lex_space(&mut self) -> Option<LexState> {
        let mut num_spaces = 0;
        while is_space(self.peek()) {
            self.next();
            num_spaces += 1;
        }
        let before = &self.input[self.pos - 1..];
        if has_right_trim_marker(before) && before[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM) {
            self.backup();
            if num_spaces == 1 {
                return Some(LexState::RightDelim);
            }
        }
        self.emit(ItemType::Space)
    }

    fn lex_identifier(&mut self) -> Option<LexState> {
        loop {
            let r = self.next();
            if is_alphanumeric(r) {
                continue;
            }
            self.backup();
            let word = &self.input[self.start..self.pos];
            if !self.at_terminator() {
                return self.bad_character(r);
            }
            let typ = match keyword(word) {
                Some(k) => k,
                None if word == "true" || word == "false" => ItemType::Bool,
                None => ItemType::Identifier,
            };
            return self.emit(typ);
        }
    }

    fn bad_character(&mut self, r: Option<char>) -> Option<LexState> {
        let shown = match r {
            Some(c) => gofmt::sharp_u(c),
            None => "U+FFFFFFFFFFFFFFFF".to_string(),
        };
        self.errorf(format!("bad character {shown}"))
    }

    fn lex_field_or_variable(&mut self, typ: ItemType) -> Option<LexState> {
        if self.at_terminator() {
            return self.emit(if typ == ItemType::Variable {
                ItemType::Variable
            } else {
                ItemType::Dot
            });
        }
        let mut r;
        loop {
            r = self.next();
            if !is_alphanumeric(r) {
                self.backup();
                break;
            }
        }
        if !self.at_terminator() {
            return self.bad_character(r);
        }
        self.emit(typ)
    }

    fn at_terminator(&mut self) -> bool {
        let r = self.peek();
        if is_space(r) {
            return true;
        }
        match r {
            None | Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.input[self.pos..].starts_with(RIGHT_DELIM),
        }
    }

    fn lex_char(&mut self) -> Option<LexState> {
        loop {
            match self.next() {
                Some('\\') => {
                    let r = self.next();
                    if r.is_some() && r != Some('\n') {
                        continue;
                    }
                    return self.errorf("unterminated character constant".into());
                }
                None | Some('\n') => return self.errorf("unterminated character constant".into()),
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(ItemType::CharConstant)
    }

    fn lex_number(&mut self) -> Option<LexState> {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.errorf(format!("bad number syntax: {}", gofmt::quote(&text)));
        }
        let sign = self.peek();
        if sign == Some('+') || sign == Some('-') {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = self.input[self.start..self.pos].to_string();
                return self.errorf(format!("bad number syntax: {}", gofmt::quote(&text)));
            }
            return self.emit(ItemType::Complex);
        }
        self.emit(ItemType::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if is_alphanumeric(self.peek()) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Option<LexState> {
        loop {
            match self.next() {
                Some('\\') => {
                    let r = self.next();
                    if r.is_some() && r != Some('\n') {
                        continue;
                    }
                    return self.errorf("unterminated quoted string".into());
                }
                None | Some('\n') => return self.errorf("unterminated quoted string".into()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(ItemType::String)
    }

    fn lex_raw_quote(&mut self) -> Option<LexState> {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".into()),
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(ItemType::RawString)
    }
}

// ---------------------------------------------------------------------------
// Parse tree

/// A number literal with every interpretation Go's parser accepts.
#[derive(Clone, Debug)]
struct Number {
    text: String,
    is_int: bool,
    is_uint: bool,
    is_float: bool,
    int64: i64,
    float64: f64,
}

#[derive(Clone, Debug)]
enum Operand {
    Field {
        pos: usize,
        idents: Vec<String>,
    },
    Variable {
        pos: usize,
        idents: Vec<String>,
    },
    Identifier {
        pos: usize,
        name: String,
    },
    Dot {
        pos: usize,
    },
    Nil {
        pos: usize,
    },
    Bool {
        pos: usize,
        val: bool,
    },
    Number {
        pos: usize,
        num: Number,
    },
    Str {
        pos: usize,
        quoted: String,
        text: String,
    },
    Pipe(Box<Pipe>),
    Chain {
        pos: usize,
        node: Box<Operand>,
        fields: Vec<String>,
    },
}

#[derive(Clone, Debug)]
struct Command {
    pos: usize,
    args: Vec<Operand>,
}

#[derive(Clone, Debug)]
struct Pipe {
    pos: usize,
    is_assign: bool,
    decl: Vec<String>,
    cmds: Vec<Command>,
}

#[derive(Clone, Debug)]
struct List {
    nodes: Vec<Node>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    If,
    Range,
    With,
}

#[derive(Clone, Debug)]
enum Node {
    Text {
        text: String,
    },
    Action {
        pos: usize,
        pipe: Pipe,
    },
    Control {
        kind: Control,
        pos: usize,
        pipe: Pipe,
        list: List,
        else_list: Option<List>,
    },
    Template {
        pos: usize,
        name: String,
        pipe: Option<Pipe>,
    },
    Break {
        pos: usize,
    },
    Continue {
        pos: usize,
    },
    // These two end an item list and never reach a finished tree.
    End {
        pos: usize,
    },
    Else {
        pos: usize,
    },
}

impl Operand {
    fn pos(&self) -> usize {
        match self {
            Operand::Field { pos, .. }
            | Operand::Variable { pos, .. }
            | Operand::Identifier { pos, .. }
            | Operand::Dot { pos }
            | Operand::Nil { pos }
            | Operand::Bool { pos, .. }
            | Operand::Number { pos, .. }
            | Operand::Str { pos, .. }
            | Operand::Chain { pos, .. } => *pos,
            Operand::Pipe(p) => p.pos,
        }
    }

    fn is_literal(&self) -> bool {
        matches!(
            self,
            Operand::Bool { .. }
                | Operand::Dot { .. }
                | Operand::Nil { .. }
                | Operand::Number { .. }
                | Operand::Str { .. }
        )
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Operand::Field { idents, .. } => {
                for id in idents {
                    out.push('.');
                    out.push_str(id);
                }
            }
            Operand::Variable { idents, .. } => out.push_str(&idents.join(".")),
            Operand::Identifier { name, .. } => out.push_str(name),
            Operand::Dot { .. } => out.push('.'),
            Operand::Nil { .. } => out.push_str("nil"),
            Operand::Bool { val, .. } => out.push_str(if *val { "true" } else { "false" }),
            Operand::Number { num, .. } => out.push_str(&num.text),
            Operand::Str { quoted, .. } => out.push_str(quoted),
            Operand::Pipe(p) => p.write_to(out),
            Operand::Chain { node, fields, .. } => {
                if let Operand::Pipe(_) = **node {
                    out.push('(');
                    node.write_to(out);
                    out.push(')');
                } else {
                    node.write_to(out);
                }
                for f in fields {
                    out.push('.');
                    out.push_str(f);
                }
            }
        }
    }

    fn string(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }
}

impl Command {
    fn write_to(&self, out: &mut String) {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            if let Operand::Pipe(_) = arg {
                out.push('(');
                arg.write_to(out);
                out.push(')');
            } else {
                arg.write_to(out);
            }
        }
    }
}

impl Pipe {
    fn write_to(&self, out: &mut String) {
        if !self.decl.is_empty() {
            out.push_str(&self.decl.join(", "));
            out.push_str(if self.is_assign { " = " } else { " := " });
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            c.write_to(out);
        }
    }
}

impl List {
    fn write_to(&self, out: &mut String) {
        for n in &self.nodes {
            n.write_to(out);
        }
    }
}

impl Node {
    fn write_to(&self, out: &mut String) {
        match self {
            Node::Text { text } => out.push_str(text),
            Node::Action { pipe, .. } => {
                out.push_str("{{");
                pipe.write_to(out);
                out.push_str("}}");
            }
            Node::Control {
                kind,
                pipe,
                list,
                else_list,
                ..
            } => {
                let name = match kind {
                    Control::If => "if",
                    Control::Range => "range",
                    Control::With => "with",
                };
                let _ = write!(out, "{{{{{name} ");
                pipe.write_to(out);
                out.push_str("}}");
                list.write_to(out);
                if let Some(e) = else_list {
                    out.push_str("{{else}}");
                    e.write_to(out);
                }
                out.push_str("{{end}}");
            }
            Node::Template { name, pipe, .. } => {
                out.push_str("{{template ");
                out.push_str(&gofmt::quote(name));
                if let Some(p) = pipe {
                    out.push(' ');
                    p.write_to(out);
                }
                out.push_str("}}");
            }
            Node::Break { .. } => out.push_str("{{break}}"),
            Node::Continue { .. } => out.push_str("{{continue}}"),
            Node::End { .. } => out.push_str("{{end}}"),
            Node::Else { .. } => out.push_str("{{else}}"),
        }
    }

    fn string(&self) -> String {
        let mut s = String::new();
        self.write_to(&mut s);
        s
    }

    fn is_empty_tree(&self) -> bool {
        match self {
            Node::Text { text } => text.trim_matches(|c: char| c.is_whitespace()).is_empty(),
            _ => false,
        }
    }
}

fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(Node::is_empty_tree)
}

/// Functions the parser accepts: Go's builtins plus kubectl's two.
const FUNCTIONS: &[&str] = &[
    "and",
    "base64decode",
    "call",
    "eq",
    "exists",
    "ge",
    "gt",
    "html",
    "index",
    "js",
    "le",
    "len",
    "lt",
    "ne",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "slice",
    "urlquery",
];

// ---------------------------------------------------------------------------
// Parser

/// Per-tree parsing state; `{{define}}` and `{{block}}` parse a new tree with
/// the same lexer.
struct TreeState {
    name: String,
    token: [Item; 3],
    peek_count: usize,
    vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
}

impl TreeState {
    fn new(name: &str) -> Self {
        TreeState {
            name: name.to_string(),
            token: [Item::eof(0, 1), Item::eof(0, 1), Item::eof(0, 1)],
            peek_count: 0,
            vars: vec!["$".to_string()],
            action_line: 0,
            range_depth: 0,
        }
    }
}

struct Parser<'s> {
    lex: Lexer<'s>,
    st: TreeState,
    trees: BTreeMap<String, List>,
    depth: usize,
}

type ParseResult<T> = Result<T, String>;

impl<'s> Parser<'s> {
    fn errorf(&self, msg: impl std::fmt::Display) -> String {
        format!(
            "template: {}:{}: {}",
            TEMPLATE_NAME, self.st.token[0].line, msg
        )
    }

    fn next(&mut self) -> Item {
        if self.st.peek_count > 0 {
            self.st.peek_count -= 1;
        } else {
            self.st.token[0] = self.lex.next_item();
        }
        self.st.token[self.st.peek_count].clone()
    }

    fn backup(&mut self) {
        self.st.peek_count += 1;
    }

    fn backup2(&mut self, t1: Item) {
        self.st.token[1] = t1;
        self.st.peek_count = 2;
    }

    fn backup3(&mut self, t2: Item, t1: Item) {
        self.st.token[1] = t1;
        self.st.token[2] = t2;
        self.st.peek_count = 3;
    }

    fn peek(&mut self) -> Item {
        if self.st.peek_count > 0 {
            return self.st.token[self.st.peek_count - 1].clone();
        }
        self.st.peek_count = 1;
        self.st.token[0] = self.lex.next_item();
        self.st.token[0].clone()
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let t = self.next();
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn expect(&mut self, expected: ItemType, context: &str) -> ParseResult<Item> {
        let t = self.next_non_space();
        if t.typ != expected {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    fn unexpected(&self, token: &Item, context: &str) -> String {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.st.action_line != 0 && self.st.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    TEMPLATE_NAME, self.st.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(format!("{}{}", token.describe(), extra));
        }
        self.errorf(format!("unexpected {} in {}", token.describe(), context))
    }

    fn enter(&mut self) -> ParseResult<()> {
        if self.depth >= MAX_NESTING {
            return Err(self.errorf("max expression depth exceeded"));
        }
        self.depth += 1;
        Ok(())
    }

    fn parse(&mut self) -> ParseResult<()> {
        let mut root = List { nodes: Vec::new() };
        while self.peek().typ != ItemType::Eof {
            if self.peek().typ == ItemType::LeftDelim {
                let delim = self.next();
                if self.next_non_space().typ == ItemType::Define {
                    let saved = std::mem::replace(&mut self.st, TreeState::new("definition"));
                    let r = self.parse_definition();
                    self.st = saved;
                    r?;
                    continue;
                }
                self.backup2(delim);
            }
            let n = self.text_or_action()?;
            match n {
                Node::End { .. } | Node::Else { .. } => {
                    return Err(self.errorf(format!("unexpected {}", n.string())))
                }
                n => root.nodes.push(n),
            }
        }
        let name = self.st.name.clone();
        self.add(&name, root)
    }

    fn add(&mut self, name: &str, root: List) -> ParseResult<()> {
        match self.trees.get(name) {
            Some(existing) if !is_empty_list(existing) => {
                if !is_empty_list(&root) {
                    return Err(self.errorf(format!(
                        "template: multiple definition of template {}",
                        gofmt::quote(name)
                    )));
                }
            }
            _ => {
                self.trees.insert(name.to_string(), root);
            }
        }
        Ok(())
    }

    fn parse_definition(&mut self) -> ParseResult<()> {
        let context = "define clause";
        let t = self.next_non_space();
        if t.typ != ItemType::String && t.typ != ItemType::RawString {
            return Err(self.unexpected(&t, context));
        }
        let name = unquote(&t.val).map_err(|e| self.errorf(e))?;
        self.st.name = name.clone();
        self.expect(ItemType::RightDelim, context)?;
        let (root, end) = self.item_list()?;
        if !matches!(end, Node::End { .. }) {
            return Err(self.errorf(format!("unexpected {} in {}", end.string(), context)));
        }
        self.add(&name, root)
    }

    fn item_list(&mut self) -> ParseResult<(List, Node)> {
        let mut list = List { nodes: Vec::new() };
        while self.peek_non_space().typ != ItemType::Eof {
            let n = self.text_or_action()?;
            if matches!(n, Node::End { .. } | Node::Else { .. }) {
                return Ok((list, n));
            }
            list.nodes.push(n);
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> ParseResult<Node> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Text => Ok(Node::Text { text: token.val }),
            ItemType::LeftDelim => {
                self.st.action_line = token.line;
                let r = self.action();
                self.st.action_line = 0;
                r
            }
            _ => Err(self.unexpected(&token, "input")),
        }
    }

    fn action(&mut self) -> ParseResult<Node> {
        let token = self.next_non_space();
        match token.typ {
            ItemType::Block => return self.block_control(),
            ItemType::Break | ItemType::Continue => {
                let word = if token.typ == ItemType::Break {
                    "break"
                } else {
                    "continue"
                };
                let t = self.next_non_space();
                if t.typ != ItemType::RightDelim {
                    return Err(self.unexpected(&t, &format!("{{{{{word}}}}}")));
                }
                if self.st.range_depth == 0 {
                    return Err(self.errorf(format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                return Ok(if token.typ == ItemType::Break {
                    Node::Break { pos: token.pos }
                } else {
                    Node::Continue { pos: token.pos }
                });
            }
            ItemType::Else => return self.else_control(),
            ItemType::End => {
                let t = self.expect(ItemType::RightDelim, "end")?;
                return Ok(Node::End { pos: t.pos });
            }
            ItemType::If => return self.control(Control::If),
            ItemType::Range => return self.control(Control::Range),
            ItemType::Template => return self.template_control(),
            ItemType::With => return self.control(Control::With),
            _ => {}
        }
        self.backup();
        let token = self.peek();
        let pipe = self.pipeline("command", ItemType::RightDelim)?;
        Ok(Node::Action {
            pos: token.pos,
            pipe,
        })
    }

    fn else_control(&mut self) -> ParseResult<Node> {
        let peek = self.peek_non_space();
        if peek.typ == ItemType::If {
            return Ok(Node::Else { pos: peek.pos });
        }
        let t = self.expect(ItemType::RightDelim, "else")?;
        Ok(Node::Else { pos: t.pos })
    }

    fn control(&mut self, kind: Control) -> ParseResult<Node> {
        self.enter()?;
        let r = self.parse_control(kind);
        self.depth -= 1;
        r
    }

    fn parse_control(&mut self, kind: Control) -> ParseResult<Node> {
        let context = match kind {
            Control::If => "if",
            Control::Range => "range",
            Control::With => "with",
        };
        let mark = self.st.vars.len();
        let r = (|| {
            let pipe = self.pipeline(context, ItemType::RightDelim)?;
            if kind == Control::Range {
                self.st.range_depth += 1;
            }
            let listed = self.item_list();
            if kind == Control::Range {
                self.st.range_depth -= 1;
            }
            let (list, next) = listed?;
            let mut else_list = None;
            if let Node::Else { .. } = next {
                if kind == Control::If && self.peek().typ == ItemType::If {
                    // `{{else if x}}` is `{{else}}{{if x}}…{{end}}{{end}}` with one end.
                    self.next();
                    let inner = self.control(Control::If)?;
                    else_list = Some(List { nodes: vec![inner] });
                } else {
                    let (list, next) = self.item_list()?;
                    if !matches!(next, Node::End { .. }) {
                        return Err(self.errorf(format!("expected end; found {}", next.string())));
                    }
                    else_list = Some(list);
                }
            }
            Ok(Node::Control {
                kind,
                pos: pipe.pos,
                pipe,
                list,
                else_list,
            })
        })();
        self.st.vars.truncate(mark);
        r
    }

    fn template_name(&self, token: &Item, context: &str) -> ParseResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => {
                unquote(&token.val).map_err(|e| self.errorf(e))
            }
            _ => Err(self.unexpected(token, context)),
        }
    }

    fn template_control(&mut self) -> ParseResult<Node> {
        let context = "template clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, context)?;
        let mut pipe = None;
        if self.next_non_space().typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(context, ItemType::RightDelim)?);
        }
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe,
        })
    }

    fn block_control(&mut self) -> ParseResult<Node> {
        let context = "block clause";
        let token = self.next_non_space();
        let name = self.template_name(&token, context)?;
        let pipe = self.pipeline(context, ItemType::RightDelim)?;
        self.enter()?;
        let saved = std::mem::replace(&mut self.st, TreeState::new(&name));
        let listed = self.item_list();
        let block_state = std::mem::replace(&mut self.st, saved);
        self.depth -= 1;
        let (root, end) = listed?;
        if !matches!(end, Node::End { .. }) {
            return Err(self.errorf(format!("unexpected {} in {}", end.string(), context)));
        }
        drop(block_state);
        self.add(&name, root)?;
        Ok(Node::Template {
            pos: token.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn pipeline(&mut self, context: &str, end: ItemType) -> ParseResult<Pipe> {
        let token = self.peek_non_space();
        let mut pipe = Pipe {
            pos: token.pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        // Declarations: `$x :=`, `$x =`, or `$i, $e :=` in a range.
        loop {
            let v = self.peek_non_space();
            if v.typ != ItemType::Variable {
                break;
            }
            self.next();
            let after = self.peek();
            let next = self.peek_non_space();
            if next.typ == ItemType::Assign || next.typ == ItemType::Declare {
                pipe.is_assign = next.typ == ItemType::Assign;
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.st.vars.push(v.val);
            } else if next.typ == ItemType::Char && next.val == "," {
                self.next_non_space();
                pipe.decl.push(v.val.clone());
                self.st.vars.push(v.val);
                if context == "range" && pipe.decl.len() < 2 {
                    match self.peek_non_space().typ {
                        ItemType::Variable | ItemType::RightDelim | ItemType::RightParen => {
                            continue
                        }
                        _ => return Err(self.errorf("range can only initialize variables")),
                    }
                }
                return Err(self.errorf(format!("too many declarations in {context}")));
            } else if after.typ == ItemType::Space {
                self.backup3(v, after);
            } else {
                self.backup2(v);
            }
            break;
        }
        loop {
            let token = self.next_non_space();
            match token.typ {
                t if t == end => {
                    self.check_pipeline(&pipe, context)?;
                    return Ok(pipe);
                }
                ItemType::Bool
                | ItemType::CharConstant
                | ItemType::Complex
                | ItemType::Dot
                | ItemType::Field
                | ItemType::Identifier
                | ItemType::Number
                | ItemType::Nil
                | ItemType::RawString
                | ItemType::String
                | ItemType::Variable
                | ItemType::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> ParseResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if c.args.first().is_some_and(Operand::is_literal) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> ParseResult<Command> {
        let mut cmd = Command {
            pos: self.peek_non_space().pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let token = self.next();
            match token.typ {
                ItemType::Space => continue,
                ItemType::RightDelim | ItemType::RightParen => self.backup(),
                ItemType::Pipe => {}
                _ => return Err(self.unexpected(&token, "operand")),
            }
            break;
        }
        if cmd.args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> ParseResult<Option<Operand>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().typ != ItemType::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().typ == ItemType::Field {
            let f = self.next().val;
            fields.push(f[1..].to_string());
        }
        Ok(Some(match node {
            Operand::Field { mut idents, .. } => {
                idents.extend(fields);
                Operand::Field {
                    pos: chain_pos,
                    idents,
                }
            }
            Operand::Variable { mut idents, .. } => {
                idents.extend(fields);
                Operand::Variable {
                    pos: chain_pos,
                    idents,
                }
            }
            n if n.is_literal() => {
                return Err(self.errorf(format!(
                    "unexpected . after term {}",
                    gofmt::quote(&n.string())
                )))
            }
            n => Operand::Chain {
                pos: chain_pos,
                node: Box::new(n),
                fields,
            },
        }))
    }

    fn term(&mut self) -> ParseResult<Option<Operand>> {
        let token = self.next_non_space();
        let pos = token.pos;
        Ok(Some(match token.typ {
            ItemType::Identifier => {
                if !FUNCTIONS.contains(&token.val.as_str()) {
                    return Err(
                        self.errorf(format!("function {} not defined", gofmt::quote(&token.val)))
                    );
                }
                Operand::Identifier {
                    pos,
                    name: token.val,
                }
            }
            ItemType::Dot => Operand::Dot { pos },
            ItemType::Nil => Operand::Nil { pos },
            ItemType::Variable => {
                let idents: Vec<String> = token.val.split('.').map(str::to_string).collect();
                if !self.st.vars.iter().any(|v| *v == idents[0]) {
                    return Err(
                        self.errorf(format!("undefined variable {}", gofmt::quote(&idents[0])))
                    );
                }
                Operand::Variable { pos, idents }
            }
            ItemType::Field => Operand::Field {
                pos,
                idents: token.val[1..].split('.').map(str::to_string).collect(),
            },
            ItemType::Bool => Operand::Bool {
                pos,
                val: token.val == "true",
            },
            ItemType::CharConstant | ItemType::Complex | ItemType::Number => {
                let num = parse_number(&token.val, token.typ).map_err(|e| self.errorf(e))?;
                Operand::Number { pos, num }
            }
            ItemType::LeftParen => {
                self.enter()?;
                let pipe = self.pipeline("parenthesized pipeline", ItemType::RightParen);
                self.depth -= 1;
                Operand::Pipe(Box::new(pipe?))
            }
            ItemType::String | ItemType::RawString => {
                let text = unquote(&token.val).map_err(|e| self.errorf(e))?;
                Operand::Str {
                    pos,
                    quoted: token.val,
                    text,
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// Go's `strconv.Unquote` for the three quote kinds a template can hold.
fn unquote(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    let err = || SYNTAX.to_string();
    let quote = s.chars().next().ok_or_else(err)?;
    if s.len() < 2 || !s.ends_with(quote) {
        return Err(err());
    }
    let body = &s[1..s.len() - 1];
    match quote {
        '`' => {
            if body.contains('`') {
                return Err(err());
            }
            // Raw strings drop carriage returns.
            Ok(body.replace('\r', ""))
        }
        '"' | '\'' => {
            let mut out = Vec::new();
            let mut rest = body;
            while !rest.is_empty() {
                let (bytes, tail) = unquote_char(rest, quote).ok_or_else(err)?;
                out.extend_from_slice(&bytes);
                rest = tail;
            }
            if quote == '\'' {
                // A character literal holds exactly one character.
                let text = String::from_utf8_lossy(&out).into_owned();
                if text.chars().count() != 1 {
                    return Err(err());
                }
                return Ok(text);
            }
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        _ => Err(err()),
    }
}

/// Go's `strconv.UnquoteChar`: the bytes of the first (possibly escaped)
/// character of `s`, and the rest.
pub(crate) fn unquote_char(s: &str, quote: char) -> Option<(Vec<u8>, &str)> {
    let c = s.chars().next()?;
    if c == quote && (quote == '\'' || quote == '"') {
        return None;
    }
    if c != '\\' {
        let mut buf = [0u8; 4];
        return Some((
            c.encode_utf8(&mut buf).as_bytes().to_vec(),
            &s[c.len_utf8()..],
        ));
    }
    let rest = &s[1..];
    let e = rest.chars().next()?;
    let after = &rest[e.len_utf8()..];
    let simple = |b: u8| Some((vec![b], after));
    match e {
        'a' => simple(7),
        'b' => simple(8),
        'f' => simple(12),
        'n' => simple(b'\n'),
        'r' => simple(b'\r'),
        't' => simple(b'\t'),
        'v' => simple(11),
        '\\' => simple(b'\\'),
        '\'' | '"' => {
            if e != quote {
                return None;
            }
            simple(e as u8)
        }
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = after.get(..n)?;
            let v = u32::from_str_radix(digits, 16).ok()?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let tail = &after[n..];
            if e == 'x' {
                return Some((vec![v as u8], tail));
            }
            let c = char::from_u32(v)?;
            let mut buf = [0u8; 4];
            Some((c.encode_utf8(&mut buf).as_bytes().to_vec(), tail))
        }
        '0'..='7' => {
            let digits = rest.get(..3)?;
            if !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return None;
            }
            let v = u32::from_str_radix(digits, 8).ok()?;
            if v > 255 {
                return None;
            }
            Some((vec![v as u8], &rest[3..]))
        }
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` (and `ParseUint`), widened so that
/// both ranges can be checked.
fn parse_go_int(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    if digits.contains('_') && !underscores_ok(s) {
        return None;
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() || !clean.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let v = u128::from_str_radix(&clean, radix).ok()?;
    let v = i128::try_from(v).ok()?;
    Some(if neg { -v } else { v })
}

/// Go's `underscoreOK`: underscores only between digits, or between a
/// base prefix and a digit.
fn underscores_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some((&(b'-' | b'+'), rest)) = b.split_first() {
        b = rest;
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

fn parse_number(text: &str, typ: ItemType) -> Result<Number, String> {
    let mut n = Number {
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        int64: 0,
        float64: 0.0,
    };
    if typ == ItemType::CharConstant {
        let inner = &text[1..];
        let (bytes, tail) = unquote_char(inner, '\'').ok_or("invalid syntax")?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let c = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| s.chars().next())
            .map(|c| c as i64)
            .unwrap_or_else(|| i64::from(bytes[0]));
        n.int64 = c;
        n.is_int = true;
        n.is_uint = true;
        n.float64 = c as f64;
        n.is_float = true;
        return Ok(n);
    }
    if typ == ItemType::Complex || text.ends_with('i') {
        return Err(format!("illegal number syntax: {}", gofmt::quote(text)));
    }
    if let Some(v) = parse_go_int(text) {
        if (0..=i128::from(u64::MAX)).contains(&v) {
            n.is_uint = true;
        }
        if let Ok(i) = i64::try_from(v) {
            n.is_int = true;
            n.int64 = i;
            if i == 0 {
                n.is_uint = true;
            }
        }
        if n.is_int {
            n.is_float = true;
            n.float64 = n.int64 as f64;
        } else if n.is_uint {
            n.is_float = true;
            n.float64 = v as f64;
        }
    }
    if !n.is_int && !n.is_uint {
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        let lower = clean.to_ascii_lowercase();
        // Rust's parser knows neither hex floats nor Go's underscore rules.
        let looks_float = !lower.starts_with("0x")
            && !lower.contains("inf")
            && !lower.contains("nan")
            && (!text.contains('_') || underscores_ok(text));
        if let (true, Ok(f)) = (looks_float, clean.parse::<f64>()) {
            if !text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Err(format!("integer overflow: {}", gofmt::quote(text)));
            }
            n.is_float = true;
            n.float64 = f;
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                n.is_int = true;
                n.int64 = f as i64;
            }
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!("illegal number syntax: {}", gofmt::quote(text)));
    }
    Ok(n)
}

// ---------------------------------------------------------------------------
// Values during execution

/// A value the executor holds: Go's `reflect.Value` restricted to the types
/// JSON decodes into, plus the few a template makes itself.
#[derive(Clone, Copy, Debug)]
enum V<'a> {
    /// The zero `reflect.Value`: a missing key, an untyped nil.
    Invalid,
    /// An `interface{}` holding nil: a JSON null inside a map or slice.
    Nil,
    Bool(bool),
    Int(i64),
    Int64(i64),
    Uint8(u8),
    Float(f64),
    Str(&'a str),
    Owned(usize),
    Slice(&'a [Value]),
    Map(&'a Map),
}

/// A value and whether it sits in an `interface{}` slot (an element of a
/// map or slice), which changes the type Go names in error messages.
#[derive(Clone, Copy, Debug)]
struct Val<'a> {
    v: V<'a>,
    boxed: bool,
}

impl<'a> Val<'a> {
    fn plain(v: V<'a>) -> Self {
        Val { v, boxed: false }
    }

    fn elem(v: &'a Value) -> Self {
        Val {
            v: data_v(v),
            boxed: true,
        }
    }

    fn invalid() -> Self {
        Val::plain(V::Invalid)
    }

    /// `indirectInterface`: the concrete value, or invalid for a nil interface.
    fn concrete(self) -> Self {
        match self.v {
            V::Nil => Val::invalid(),
            v => Val::plain(v),
        }
    }
}

fn data_v(v: &Value) -> V<'_> {
    match v {
        Value::Null => V::Nil,
        Value::Bool(b) => V::Bool(*b),
        Value::Int(i) => V::Int64(*i),
        Value::Float(f) => V::Float(*f),
        Value::String(s) => V::Str(s),
        Value::Array(a) => V::Slice(a),
        Value::Object(m) => V::Map(m),
    }
}

fn concrete_type(v: &V) -> &'static str {
    match v {
        V::Invalid => "<invalid reflect.Value>",
        V::Nil => "interface {}",
        V::Bool(_) => "bool",
        V::Int(_) => "int",
        V::Int64(_) => "int64",
        V::Uint8(_) => "uint8",
        V::Float(_) => "float64",
        V::Str(_) | V::Owned(_) => "string",
        V::Slice(_) => "[]interface {}",
        V::Map(_) => "map[string]interface {}",
    }
}

/// How `--allow-missing-template-keys` maps onto Go's `missingkey` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default`: a missing key yields no value, printed `<no value>`.
    #[default]
    Default,
    /// `missingkey=zero`: a missing key yields the element type's zero value.
    Zero,
    /// `missingkey=error`: a missing key stops execution.
    Error,
}

/// Parameter types of the functions a template can call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    /// `reflect.Value`: any value, even an invalid one.
    Value,
    /// `interface{}`: any value; a missing one arrives as nil.
    Any,
    String,
}

/// (fixed parameters, variadic element type)
fn signature(name: &str) -> (&'static [Param], Option<Param>) {
    use Param::*;
    match name {
        "and" | "or" | "index" | "slice" | "eq" | "call" => (&[Value], Some(Value)),
        "not" | "len" => (&[Value], None),
        "ne" | "lt" | "le" | "gt" | "ge" => (&[Value, Value], None),
        "print" | "println" | "html" | "js" | "urlquery" => (&[], Some(Any)),
        "printf" => (&[String], Some(Any)),
        "exists" => (&[Any], Some(Any)),
        "base64decode" => (&[String], None),
        _ => (&[], None),
    }
}

// ---------------------------------------------------------------------------
// Executor

/// Why a walk stopped early.
enum Stop {
    Error(String),
    Break,
    Continue,
}

type Exec<T> = Result<T, Stop>;

/// The node execution is at, for error messages.
#[derive(Clone, Copy)]
enum At<'a> {
    None,
    Node(&'a Node),
    Pipe(&'a Pipe),
    Operand(&'a Operand),
    Command(&'a Command),
}

struct Machine<'a> {
    tmpl: &'a GoTemplate,
    name: &'a str,
    out: String,
    owned: Vec<String>,
    owned_bytes: usize,
    vars: Vec<(String, Val<'a>)>,
    depth: usize,
    node: At<'a>,
    steps: usize,
}

impl<'a> Machine<'a> {
    fn at(&mut self, node: At<'a>) {
        self.node = node;
    }

    fn errorf(&self, msg: impl std::fmt::Display) -> Stop {
        let (pos, context) = match self.node {
            At::None => return Stop::Error(format!("template: {}: {}", self.name, msg)),
            At::Node(n) => (node_pos(n), n.string()),
            At::Pipe(p) => (p.pos, {
                let mut s = String::new();
                p.write_to(&mut s);
                s
            }),
            At::Operand(o) => (o.pos(), o.string()),
            At::Command(c) => (c.pos, {
                let mut s = String::new();
                c.write_to(&mut s);
                s
            }),
        };
        let text = &self.tmpl.raw[..pos.min(self.tmpl.raw.len())];
        let col = match text.rfind('\n') {
            None => pos,
            Some(nl) => pos - (nl + 1),
        };
        let line = 1 + text.matches('\n').count();
        Stop::Error(format!(
            "template: {TEMPLATE_NAME}:{line}:{col}: executing {} at <{context}>: {msg}",
            gofmt::quote(self.name)
        ))
    }

    fn str_of(&self, v: &V<'a>) -> Option<String> {
        match v {
            V::Str(s) => Some(s.to_string()),
            V::Owned(i) => self.owned.get(*i).cloned(),
            _ => None,
        }
    }

    /// Keeps a string a function made; all of them together are bounded
    /// like the output.
    fn own(&mut self, s: String) -> Result<V<'a>, String> {
        self.owned_bytes += s.len();
        if self.owned_bytes > MAX_OUTPUT {
            return Err("strings made by the template exceed the printer's limit".into());
        }
        self.owned.push(s);
        Ok(V::Owned(self.owned.len() - 1))
    }

    fn arg<'x>(&'x self, v: &V<'a>) -> Arg<'x>
    where
        'a: 'x,
    {
        match *v {
            V::Invalid | V::Nil => Arg::Nil,
            V::Bool(b) => Arg::Bool(b),
            V::Int(i) => Arg::Int(i),
            V::Int64(i) => Arg::Int64(i),
            V::Uint8(u) => Arg::Uint8(u),
            V::Float(f) => Arg::Float(f),
            V::Str(s) => Arg::Str(s),
            V::Owned(i) => Arg::Str(self.owned.get(i).map(String::as_str).unwrap_or("")),
            V::Slice(s) => Arg::Slice(s),
            V::Map(m) => Arg::Map(m),
        }
    }

    fn write(&mut self, s: &str) -> Exec<()> {
        if self.out.len() + s.len() > MAX_OUTPUT {
            return Err(self.errorf("output exceeds the printer's limit"));
        }
        self.out.push_str(s);
        Ok(())
    }

    fn step(&mut self) -> Exec<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(self.errorf("template execution exceeds the printer's step limit"));
        }
        Ok(())
    }

    fn walk(&mut self, dot: Val<'a>, node: &'a Node) -> Exec<()> {
        self.step()?;
        self.at(At::Node(node));
        match node {
            Node::Action { pipe, .. } => {
                let val = self.eval_pipeline(dot, Some(pipe))?;
                if pipe.decl.is_empty() {
                    self.print_value(node, val)?;
                }
                Ok(())
            }
            Node::Break { .. } => Err(Stop::Break),
            Node::Continue { .. } => Err(Stop::Continue),
            Node::Control {
                kind: Control::Range,
                ..
            } => self.walk_range(dot, node),
            Node::Control {
                kind,
                pipe,
                list,
                else_list,
                ..
            } => {
                let mark = self.vars.len();
                let r = (|| {
                    let val = self.eval_pipeline(dot, Some(pipe))?;
                    if is_true(self, val.concrete()) {
                        let d = if *kind == Control::With { val } else { dot };
                        self.walk_list(d, list)
                    } else if let Some(e) = else_list {
                        self.walk_list(dot, e)
                    } else {
                        Ok(())
                    }
                })();
                self.vars.truncate(mark);
                r
            }
            Node::Template { name, pipe, .. } => self.walk_template(dot, node, name, pipe.as_ref()),
            Node::Text { text } => self.write(text),
            Node::End { .. } | Node::Else { .. } => {
                Err(self.errorf(format!("unknown node: {}", node.string())))
            }
        }
    }

    fn walk_list(&mut self, dot: Val<'a>, list: &'a List) -> Exec<()> {
        for n in &list.nodes {
            self.walk(dot, n)?;
        }
        Ok(())
    }

    fn walk_range(&mut self, dot: Val<'a>, node: &'a Node) -> Exec<()> {
        let Node::Control {
            pipe,
            list,
            else_list,
            ..
        } = node
        else {
            return Ok(());
        };
        self.at(At::Node(node));
        let mark0 = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, Some(pipe))?.concrete();
            let mark = self.vars.len();
            let mut ran = false;
            let mut items: Vec<(Val<'a>, Val<'a>)> = Vec::new();
            match val.v {
                V::Slice(s) => {
                    for (i, e) in s.iter().enumerate() {
                        items.push((Val::plain(V::Int(i as i64)), Val::elem(e)));
                    }
                }
                V::Map(m) => {
                    for (k, e) in m.iter() {
                        items.push((Val::plain(V::Str(k)), Val::elem(e)));
                    }
                }
                V::Invalid => {}
                _ => {
                    let shown = gofmt::sprint(&[self.arg(&val.v)]);
                    return Err(self.errorf(format!("range can't iterate over {shown}")));
                }
            }
            for (index, elem) in items {
                ran = true;
                if !pipe.decl.is_empty() {
                    if pipe.is_assign {
                        let v = if pipe.decl.len() > 1 { index } else { elem };
                        self.set_var(&pipe.decl[0], v)?;
                    } else {
                        self.set_top_var(1, elem);
                    }
                }
                if pipe.decl.len() > 1 {
                    if pipe.is_assign {
                        self.set_var(&pipe.decl[1], elem)?;
                    } else {
                        self.set_top_var(2, index);
                    }
                }
                let r = self.walk_list(elem, list);
                self.vars.truncate(mark);
                match r {
                    Ok(()) | Err(Stop::Continue) => {}
                    Err(Stop::Break) => return Ok(()),
                    Err(e) => return Err(e),
                }
            }
            if !ran {
                if let Some(e) = else_list {
                    return self.walk_list(dot, e);
                }
            }
            Ok(())
        })();
        self.vars.truncate(mark0);
        r
    }

    fn walk_template(
        &mut self,
        dot: Val<'a>,
        node: &'a Node,
        name: &'a str,
        pipe: Option<&'a Pipe>,
    ) -> Exec<()> {
        self.at(At::Node(node));
        let tmpl = self.tmpl;
        let Some((tree_name, root)) = tmpl.trees.get_key_value(name) else {
            return Err(self.errorf(format!("template {} not defined", gofmt::quote(name))));
        };
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(self.errorf(format!(
                "exceeded maximum template depth ({MAX_EXEC_DEPTH})"
            )));
        }
        let dot = self.eval_pipeline(dot, pipe)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".to_string(), dot)]);
        let saved_name = std::mem::replace(&mut self.name, tree_name.as_str());
        self.depth += 1;
        let r = self.walk_list(dot, root);
        self.depth -= 1;
        self.name = saved_name;
        self.vars = saved_vars;
        r
    }

    fn set_var(&mut self, name: &str, v: Val<'a>) -> Exec<()> {
        if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            slot.1 = v;
            return Ok(());
        }
        Err(self.errorf(format!("undefined variable: {name}")))
    }

    fn set_top_var(&mut self, n: usize, v: Val<'a>) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = v;
        }
    }

    fn var_value(&self, name: &str) -> Exec<Val<'a>> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(*v),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn eval_pipeline(&mut self, dot: Val<'a>, pipe: Option<&'a Pipe>) -> Exec<Val<'a>> {
        let Some(pipe) = pipe else {
            return Ok(Val::invalid());
        };
        self.at(At::Pipe(pipe));
        let mut value: Option<Val<'a>> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(dot, cmd, value)?;
            // An interface{} result is replaced by the value inside it.
            value = Some(v.concrete());
        }
        let value = value.unwrap_or_else(Val::invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(var, value)?;
            } else {
                self.vars.push((var.clone(), value));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &'a [Operand], has_final: bool) -> Exec<()> {
        if args.len() > 1 || has_final {
            let first = args.first().map(Operand::string).unwrap_or_default();
            return Err(self.errorf(format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command(
        &mut self,
        dot: Val<'a>,
        cmd: &'a Command,
        fin: Option<Val<'a>>,
    ) -> Exec<Val<'a>> {
        let Some(first) = cmd.args.first() else {
            return Ok(Val::invalid());
        };
        match first {
            Operand::Field { idents, .. } => {
                self.at(At::Operand(first));
                return self.eval_field_chain(dot, idents, &cmd.args, fin);
            }
            Operand::Chain { .. } => return self.eval_chain(dot, first, &cmd.args, fin),
            Operand::Identifier { name, .. } => {
                self.at(At::Operand(first));
                return self.eval_call(dot, name, At::Command(cmd), &cmd.args, fin);
            }
            Operand::Pipe(p) => {
                self.not_a_function(&cmd.args, fin.is_some())?;
                return self.eval_pipeline(dot, Some(p));
            }
            Operand::Variable { .. } => return self.eval_variable(first, &cmd.args, fin),
            _ => {}
        }
        self.at(At::Operand(first));
        self.not_a_function(&cmd.args, fin.is_some())?;
        match first {
            Operand::Bool { val, .. } => Ok(Val::plain(V::Bool(*val))),
            Operand::Dot { .. } => Ok(dot),
            Operand::Nil { .. } => Err(self.errorf("nil is not a command")),
            Operand::Number { num, .. } => self.ideal_constant(first, num),
            Operand::Str { text, .. } => Ok(Val::plain(V::Str(text))),
            _ => Err(self.errorf(format!(
                "can't evaluate command {}",
                gofmt::quote(&first.string())
            ))),
        }
    }

    fn ideal_constant(&mut self, node: &'a Operand, n: &Number) -> Exec<Val<'a>> {
        self.at(At::Operand(node));
        let t = n.text.to_ascii_lowercase();
        let hex_int = t.len() > 2 && t.starts_with("0x") && !t.contains('p');
        let rune_int = t.starts_with('\'');
        if n.is_float && !hex_int && !rune_int && t.contains(['.', 'e', 'p']) {
            return Ok(Val::plain(V::Float(n.float64)));
        }
        if n.is_int {
            return Ok(Val::plain(V::Int(n.int64)));
        }
        if n.is_uint {
            return Err(self.errorf(format!("{} overflows int", n.text)));
        }
        Ok(Val::invalid())
    }

    fn eval_chain(
        &mut self,
        dot: Val<'a>,
        chain: &'a Operand,
        args: &'a [Operand],
        fin: Option<Val<'a>>,
    ) -> Exec<Val<'a>> {
        let Operand::Chain { node, fields, .. } = chain else {
            return Ok(Val::invalid());
        };
        self.at(At::Operand(chain));
        if fields.is_empty() {
            return Err(self.errorf("internal error: no fields in evalChainNode"));
        }
        if let Operand::Nil { .. } = **node {
            return Err(self.errorf(format!(
                "indirection through explicit nil in {}",
                chain.string()
            )));
        }
        let pipe = self.eval_arg(dot, None, node)?;
        self.eval_field_chain(pipe, fields, args, fin)
    }

    fn eval_variable(
        &mut self,
        var: &'a Operand,
        args: &'a [Operand],
        fin: Option<Val<'a>>,
    ) -> Exec<Val<'a>> {
        let Operand::Variable { idents, .. } = var else {
            return Ok(Val::invalid());
        };
        self.at(At::Operand(var));
        let value = self.var_value(&idents[0])?;
        if idents.len() == 1 {
            self.not_a_function(args, fin.is_some())?;
            return Ok(value);
        }
        self.eval_field_chain(value, &idents[1..], args, fin)
    }

    /// `.X.Y.Z` from `receiver`; only the last field may see arguments
    /// (the rest of the command, or the pipeline's previous value).
    fn eval_field_chain(
        &mut self,
        mut receiver: Val<'a>,
        idents: &'a [String],
        args: &'a [Operand],
        fin: Option<Val<'a>>,
    ) -> Exec<Val<'a>> {
        let n = idents.len();
        for ident in &idents[..n.saturating_sub(1)] {
            receiver = self.eval_field(ident, false, receiver)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(last, args.len() > 1 || fin.is_some(), receiver),
            None => Ok(receiver),
        }
    }

    fn eval_field(&mut self, name: &str, has_args: bool, receiver: Val<'a>) -> Exec<Val<'a>> {
        if let V::Invalid = receiver.v {
            if self.tmpl.missing_key == MissingKey::Error {
                return Err(
                    self.errorf(format!("nil data; no entry for key {}", gofmt::quote(name)))
                );
            }
            return Ok(Val::invalid());
        }
        let typ = if receiver.boxed {
            "interface {}"
        } else {
            concrete_type(&receiver.v)
        };
        match receiver.v {
            V::Nil => Err(self.errorf(format!("nil pointer evaluating {typ}.{name}"))),
            V::Map(m) => {
                if has_args {
                    return Err(self.errorf(format!("{name} is not a method but has arguments")));
                }
                match m.get(name) {
                    Some(v) => Ok(Val::elem(v)),
                    None => match self.tmpl.missing_key {
                        MissingKey::Default => Ok(Val::invalid()),
                        MissingKey::Zero => Ok(Val {
                            v: V::Nil,
                            boxed: true,
                        }),
                        MissingKey::Error => {
                            Err(self
                                .errorf(format!("map has no entry for key {}", gofmt::quote(name))))
                        }
                    },
                }
            }
            _ => Err(self.errorf(format!("can't evaluate field {name} in type {typ}"))),
        }
    }

    fn eval_call(
        &mut self,
        dot: Val<'a>,
        name: &str,
        node: At<'a>,
        args: &'a [Operand],
        fin: Option<Val<'a>>,
    ) -> Exec<Val<'a>> {
        let args = args.get(1..).unwrap_or(&[]);
        let (fixed, variadic) = signature(name);
        let num_in = args.len() + usize::from(fin.is_some());
        if variadic.is_some() {
            if num_in < fixed.len() {
                return Err(self.errorf(format!(
                    "wrong number of args for {name}: want at least {} got {}",
                    fixed.len(),
                    args.len()
                )));
            }
        } else if num_in != fixed.len() {
            return Err(self.errorf(format!(
                "wrong number of args for {name}: want {} got {num_in}",
                fixed.len()
            )));
        }

        if name == "and" || name == "or" {
            // The builtin and/or stop at the first decisive operand.
            let mut v = Val::invalid();
            for a in args {
                v = self.eval_arg(dot, Some(Param::Value), a)?;
                if is_true(self, v.concrete()) == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = self.validate_type(f, Some(Param::Value))?;
            }
            return Ok(v);
        }

        let mut argv: Vec<Val<'a>> = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < fixed.len() && i < args.len() {
            argv.push(self.eval_arg(dot, Some(fixed[i]), &args[i])?);
            i += 1;
        }
        if let Some(elem) = variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, Some(elem), &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = fin {
            let t = match variadic {
                Some(elem) if num_in > fixed.len() => elem,
                _ => fixed.get(num_in - 1).copied().unwrap_or(Param::Any),
            };
            argv.push(self.validate_type(f, Some(t))?);
        }
        let callee = if name == "call" {
            args.first().map(Operand::string).unwrap_or_default()
        } else {
            String::new()
        };
        match self.call_builtin(name, &argv, &callee) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at(node);
                Err(self.errorf(format!("error calling {name}: {e}")))
            }
        }
    }

    fn validate_type(&self, value: Val<'a>, typ: Option<Param>) -> Exec<Val<'a>> {
        match (value.v, typ) {
            (V::Invalid, None | Some(Param::Value)) => Ok(Val::invalid()),
            (V::Invalid, Some(Param::Any)) => Ok(Val {
                v: V::Nil,
                boxed: true,
            }),
            (V::Invalid, Some(Param::String)) => Err(self.errorf("invalid value; expected string")),
            (_, None | Some(Param::Value) | Some(Param::Any)) => Ok(value),
            (V::Str(_) | V::Owned(_), Some(Param::String)) => Ok(Val::plain(value.v)),
            (v, Some(Param::String)) => Err(self.errorf(format!(
                "wrong type for value; expected string; got {}",
                concrete_type(&v)
            ))),
        }
    }

    fn eval_arg(&mut self, dot: Val<'a>, typ: Option<Param>, n: &'a Operand) -> Exec<Val<'a>> {
        self.at(At::Operand(n));
        match n {
            Operand::Dot { .. } => return self.validate_type(dot, typ),
            Operand::Nil { .. } => {
                return match typ {
                    Some(Param::Any) => Ok(Val {
                        v: V::Nil,
                        boxed: true,
                    }),
                    Some(Param::String) => Err(self.errorf("cannot assign nil to string")),
                    _ => Ok(Val::invalid()),
                }
            }
            Operand::Field { idents, .. } => {
                let v = self.eval_field_chain(dot, idents, std::slice::from_ref(n), None)?;
                return self.validate_type(v, typ);
            }
            Operand::Variable { .. } => {
                let v = self.eval_variable(n, &[], None)?;
                return self.validate_type(v, typ);
            }
            Operand::Pipe(p) => {
                let v = self.eval_pipeline(dot, Some(p))?;
                return self.validate_type(v, typ);
            }
            Operand::Identifier { name, .. } => {
                let v = self.eval_call(dot, name, At::Operand(n), &[], None)?;
                return self.validate_type(v, typ);
            }
            Operand::Chain { .. } => {
                let v = self.eval_chain(dot, n, &[], None)?;
                return self.validate_type(v, typ);
            }
            _ => {}
        }
        match typ {
            Some(Param::String) => match n {
                Operand::Str { text, .. } => Ok(Val::plain(V::Str(text))),
                _ => Err(self.errorf(format!("expected string; found {}", n.string()))),
            },
            _ => {
                self.at(At::Operand(n));
                match n {
                    Operand::Bool { val, .. } => Ok(Val::plain(V::Bool(*val))),
                    Operand::Number { num, .. } => self.ideal_constant(n, num),
                    Operand::Str { text, .. } => Ok(Val::plain(V::Str(text))),
                    _ => Err(self.errorf(format!(
                        "can't handle assignment of {} to empty interface argument",
                        n.string()
                    ))),
                }
            }
        }
    }

    fn print_value(&mut self, node: &'a Node, v: Val<'a>) -> Exec<()> {
        self.at(At::Node(node));
        let text = match v.v {
            V::Invalid => "<no value>".to_string(),
            other => gofmt::sprint(&[self.arg(&other)]),
        };
        self.write(&text)
    }

    fn call_builtin(
        &mut self,
        name: &str,
        argv: &[Val<'a>],
        callee: &str,
    ) -> Result<Val<'a>, String> {
        let first = argv.first().copied().unwrap_or_else(Val::invalid);
        let second = argv.get(1).copied().unwrap_or_else(Val::invalid);
        let bool_val = |b: bool| Val::plain(V::Bool(b));
        match name {
            "not" => Ok(bool_val(!is_true(self, first.concrete()))),
            "len" => match first.v {
                V::Invalid => Err("reflect: call of reflect.Value.Type on zero Value".into()),
                V::Nil => Err("len of nil pointer".into()),
                V::Map(m) => Ok(Val::plain(V::Int(m.len() as i64))),
                V::Slice(s) => Ok(Val::plain(V::Int(s.len() as i64))),
                V::Str(_) | V::Owned(_) => {
                    let s = self.str_of(&first.v).unwrap_or_default();
                    Ok(Val::plain(V::Int(s.len() as i64)))
                }
                v => Err(format!("len of type {}", concrete_type(&v))),
            },
            "index" => self.index(first, &argv[1.min(argv.len())..]),
            "slice" => self.slice(first, &argv[1.min(argv.len())..]),
            "eq" => eq(self, first, &argv[1.min(argv.len())..]).map(bool_val),
            "ne" => eq(self, first, &[second]).map(|b| bool_val(!b)),
            "lt" => lt(self, first, second).map(bool_val),
            "le" => le(self, first, second).map(bool_val),
            "gt" => le(self, first, second).map(|b| bool_val(!b)),
            "ge" => lt(self, first, second).map(|b| bool_val(!b)),
            "print" | "println" => {
                let args: Vec<Arg> = argv.iter().map(|v| self.arg(&v.v)).collect();
                let s = if name == "print" {
                    gofmt::sprint(&args)
                } else {
                    gofmt::sprintln(&args)
                };
                Ok(Val::plain(self.own(s)?))
            }
            "printf" => {
                let format = self.str_of(&first.v).unwrap_or_default();
                let args: Vec<Arg> = argv[1.min(argv.len())..]
                    .iter()
                    .map(|v| self.arg(&v.v))
                    .collect();
                let s = gofmt::sprintf(&format, &args);
                Ok(Val::plain(self.own(s)?))
            }
            "html" | "js" | "urlquery" => {
                let text = self.eval_args(argv);
                let s = match name {
                    "html" => html_escape(&text),
                    "js" => js_escape(&text),
                    _ => query_escape(&text),
                };
                Ok(Val::plain(self.own(s)?))
            }
            "exists" => Ok(bool_val(exists(self, first, &argv[1.min(argv.len())..]))),
            "base64decode" => {
                let s = self.str_of(&first.v).unwrap_or_default();
                match base64_decode(&s) {
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        Ok(Val::plain(self.own(text)?))
                    }
                    Err(n) => Err(format!(
                        "base64 decode failed: illegal base64 data at input byte {n}"
                    )),
                }
            }
            "call" => match first.concrete().v {
                V::Invalid => Err("call of nil".into()),
                v => Err(format!(
                    "non-function {callee} of type {}",
                    concrete_type(&v)
                )),
            },
            _ => Err(format!("{} is not a defined function", gofmt::quote(name))),
        }
    }

    /// Go's `evalArgs`: one string stays as it is; anything else prints
    /// with `Sprint`, a nil operand as `<no value>`.
    fn eval_args(&self, argv: &[Val<'a>]) -> String {
        if argv.len() == 1 {
            if let Some(s) = self.str_of(&argv[0].v) {
                return s;
            }
        }
        let args: Vec<Arg> = argv
            .iter()
            .map(|v| match v.v {
                V::Invalid | V::Nil => Arg::Str("<no value>"),
                other => self.arg(&other),
            })
            .collect();
        gofmt::sprint(&args)
    }

    fn index(&self, item: Val<'a>, indexes: &[Val<'a>]) -> Result<Val<'a>, String> {
        let mut item = item.concrete();
        if let V::Invalid = item.v {
            return Err("index of untyped nil".into());
        }
        for idx in indexes {
            let idx = idx.concrete();
            match item.v {
                V::Nil => return Err("index of nil pointer".into()),
                V::Slice(s) => {
                    let x = index_arg(&idx.v, s.len())?;
                    match s.get(x) {
                        Some(e) => item = Val::elem(e),
                        None => return Err("reflect: slice index out of range".into()),
                    }
                }
                V::Str(_) | V::Owned(_) => {
                    let s = self.str_of(&item.v).unwrap_or_default();
                    let x = index_arg(&idx.v, s.len())?;
                    match s.as_bytes().get(x) {
                        Some(b) => item = Val::plain(V::Uint8(*b)),
                        None => return Err("reflect: string index out of range".into()),
                    }
                }
                V::Map(m) => {
                    let key = match idx.v {
                        V::Invalid => return Err("value is nil; should be of type string".into()),
                        V::Str(_) | V::Owned(_) => self.str_of(&idx.v).unwrap_or_default(),
                        v => {
                            return Err(format!(
                                "value has type {}; should be string",
                                concrete_type(&v)
                            ))
                        }
                    };
                    item = match m.get(&key) {
                        Some(e) => Val::elem(e),
                        None => Val {
                            v: V::Nil,
                            boxed: true,
                        },
                    };
                }
                v => return Err(format!("can't index item of type {}", concrete_type(&v))),
            }
        }
        Ok(item)
    }

    fn slice(&mut self, item: Val<'a>, indexes: &[Val<'a>]) -> Result<Val<'a>, String> {
        let item = item.concrete();
        if let V::Invalid = item.v {
            return Err("slice of untyped nil".into());
        }
        if indexes.len() > 3 {
            return Err(format!("too many slice indexes: {}", indexes.len()));
        }
        let len = match item.v {
            V::Str(_) | V::Owned(_) => {
                if indexes.len() == 3 {
                    return Err("cannot 3-index slice a string".into());
                }
                self.str_of(&item.v).unwrap_or_default().len()
            }
            V::Slice(s) => s.len(),
            v => return Err(format!("can't slice item of type {}", concrete_type(&v))),
        };
        let mut idx = [0usize, len, len];
        for (i, index) in indexes.iter().enumerate() {
            idx[i] = index_arg(&index.concrete().v, len)?;
        }
        if idx[0] > idx[1] {
            return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
        }
        if indexes.len() == 3 && idx[1] > idx[2] {
            return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
        }
        match item.v {
            V::Slice(s) => Ok(Val::plain(V::Slice(&s[idx[0]..idx[1]]))),
            _ => {
                let s = self.str_of(&item.v).unwrap_or_default();
                let bytes = &s.as_bytes()[idx[0]..idx[1]];
                let text = String::from_utf8_lossy(bytes).into_owned();
                Ok(Val::plain(self.own(text)?))
            }
        }
    }
}

fn node_pos(n: &Node) -> usize {
    match n {
        Node::Text { .. } => 0,
        Node::Action { pos, .. }
        | Node::Control { pos, .. }
        | Node::Template { pos, .. }
        | Node::Break { pos }
        | Node::Continue { pos }
        | Node::End { pos }
        | Node::Else { pos } => *pos,
    }
}

/// Go's truth: non-zero numbers, non-empty strings, maps and slices.
fn is_true(st: &Machine, v: Val) -> bool {
    match v.v {
        V::Invalid | V::Nil => false,
        V::Bool(b) => b,
        V::Int(i) | V::Int64(i) => i != 0,
        V::Uint8(u) => u != 0,
        V::Float(f) => f != 0.0,
        V::Str(s) => !s.is_empty(),
        V::Owned(i) => st.owned.get(i).is_some_and(|s| !s.is_empty()),
        V::Slice(s) => !s.is_empty(),
        V::Map(m) => !m.is_empty(),
    }
}

fn index_arg(idx: &V, cap: usize) -> Result<usize, String> {
    let x: i64 = match *idx {
        V::Int(i) | V::Int64(i) => i,
        V::Uint8(u) => i64::from(u),
        V::Invalid | V::Nil => return Err("cannot index slice/array with nil".into()),
        ref v => {
            return Err(format!(
                "cannot index slice/array with type {}",
                concrete_type(v)
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn basic_kind(v: &V) -> Kind {
    match v {
        V::Bool(_) => Kind::Bool,
        V::Int(_) | V::Int64(_) => Kind::Int,
        V::Uint8(_) => Kind::Uint,
        V::Float(_) => Kind::Float,
        V::Str(_) | V::Owned(_) => Kind::Str,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &V) -> i64 {
    match *v {
        V::Int(i) | V::Int64(i) => i,
        V::Uint8(u) => i64::from(u),
        _ => 0,
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

fn eq(st: &Machine, a: Val, others: &[Val]) -> Result<bool, String> {
    let a = a.concrete();
    if others.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&a.v);
    for b in others {
        let b = b.concrete();
        let k2 = basic_kind(&b.v);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => int_of(&a.v) == int_of(&b.v),
                _ => {
                    let valid = |v: &V| !matches!(v, V::Invalid);
                    if valid(&a.v) && valid(&b.v) {
                        return Err(BAD_COMPARISON.into());
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => matches!((a.v, b.v), (V::Bool(x), V::Bool(y)) if x == y),
                Kind::Int | Kind::Uint => int_of(&a.v) == int_of(&b.v),
                Kind::Float => matches!((a.v, b.v), (V::Float(x), V::Float(y)) if x == y),
                Kind::Str => st.str_of(&a.v) == st.str_of(&b.v),
                Kind::Invalid => match (a.v, b.v) {
                    (V::Invalid, V::Invalid) => true,
                    (V::Invalid, _) | (_, V::Invalid) => false,
                    (x, y) if std::mem::discriminant(&x) != std::mem::discriminant(&y) => {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            gofmt::sprintf("%s", &[st.arg(&x)]),
                            concrete_type(&x),
                            concrete_type(&y),
                            gofmt::sprint(&[st.arg(&y)])
                        ));
                    }
                    (_, y) => {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            gofmt::sprintf("%s", &[st.arg(&y)]),
                            concrete_type(&y)
                        ));
                    }
                },
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(st: &Machine, a: Val, b: Val) -> Result<bool, String> {
    let a = a.concrete();
    let b = b.concrete();
    let k1 = basic_kind(&a.v);
    if k1 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    let k2 = basic_kind(&b.v);
    if k2 == Kind::Invalid {
        return Err(BAD_COMPARISON_TYPE.into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(&a.v) < int_of(&b.v)),
            _ => Err(BAD_COMPARISON.into()),
        };
    }
    match k1 {
        Kind::Bool => Err(BAD_COMPARISON_TYPE.into()),
        Kind::Int | Kind::Uint => Ok(int_of(&a.v) < int_of(&b.v)),
        Kind::Float => match (a.v, b.v) {
            (V::Float(x), V::Float(y)) => Ok(x < y),
            _ => Ok(false),
        },
        Kind::Str => Ok(st.str_of(&a.v) < st.str_of(&b.v)),
        Kind::Invalid => Err(BAD_COMPARISON_TYPE.into()),
    }
}

fn le(st: &Machine, a: Val, b: Val) -> Result<bool, String> {
    let less = lt(st, a, b)?;
    if less {
        return Ok(true);
    }
    eq(st, a, &[b])
}

/// kubectl's `exists`: whether `index item indices...` would find a value.
fn exists(st: &Machine, item: Val, indices: &[Val]) -> bool {
    let mut v = item.concrete();
    for idx in indices {
        let idx = idx.concrete();
        match v.v {
            V::Invalid | V::Nil => return false,
            V::Slice(s) => {
                let (V::Int(x) | V::Int64(x)) = idx.v else {
                    if let V::Uint8(u) = idx.v {
                        match s.get(usize::from(u)) {
                            Some(e) => {
                                v = Val::elem(e);
                                continue;
                            }
                            None => return false,
                        }
                    }
                    return false;
                };
                match usize::try_from(x).ok().and_then(|i| s.get(i)) {
                    Some(e) => v = Val::elem(e),
                    None => return false,
                }
            }
            V::Str(_) | V::Owned(_) => {
                let s = st.str_of(&v.v).unwrap_or_default();
                let x = match idx.v {
                    V::Int(x) | V::Int64(x) => x,
                    V::Uint8(u) => i64::from(u),
                    _ => return false,
                };
                match usize::try_from(x).ok().and_then(|i| s.as_bytes().get(i)) {
                    Some(b) => v = Val::plain(V::Uint8(*b)),
                    None => return false,
                }
            }
            V::Map(m) => {
                let key = match idx.v {
                    V::Str(_) | V::Owned(_) => st.str_of(&idx.v).unwrap_or_default(),
                    // A nil index is the zero key "".
                    V::Invalid => String::new(),
                    _ => return false,
                };
                v = match m.get(&key) {
                    Some(e) => Val::elem(e),
                    None => Val {
                        v: V::Nil,
                        boxed: true,
                    },
                };
            }
            _ => return false,
        }
    }
    !matches!(v.v, V::Nil)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if c.is_ascii() || gofmt::is_print(c) => out.push(c),
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`; the error is the offset of the
/// first bad input byte.
fn base64_decode(s: &str) -> Result<Vec<u8>, usize> {
    fn val(c: u8) -> Option<u8> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    }
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        let mut dbuf = [0u8; 4];
        let mut dlen = 4;
        let mut j = 0;
        let mut trailing: Option<usize> = None;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding: only after two or three symbols.
            match j {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                trailing = Some(si);
            }
            dlen = j;
            break;
        }
        let v = u32::from(dbuf[0]) << 18
            | u32::from(dbuf[1]) << 12
            | u32::from(dbuf[2]) << 6
            | u32::from(dbuf[3]);
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if let Some(n) = trailing {
            return Err(n);
        }
        if dlen < 4 {
            break;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Public API

/// A parsed go-template, ready to run against objects.
#[derive(Clone, Debug)]
pub struct GoTemplate {
    raw: String,
    trees: BTreeMap<String, List>,
    missing_key: MissingKey,
}

impl GoTemplate {
    /// Parses a template as `template.New("output").Parse` does, with
    /// kubectl's functions defined. The error is Go's text, e.g.
    /// `template: output:1: function "foo" not defined`.
    pub fn parse(text: &str) -> Result<GoTemplate, String> {
        let mut p = Parser {
            lex: Lexer::new(text),
            st: TreeState::new(TEMPLATE_NAME),
            trees: BTreeMap::new(),
            depth: 0,
        };
        p.parse()?;
        Ok(GoTemplate {
            raw: text.to_string(),
            trees: p.trees,
            missing_key: MissingKey::Default,
        })
    }

    /// Sets Go's `missingkey` option.
    pub fn with_missing_key(mut self, mk: MissingKey) -> Self {
        self.missing_key = mk;
        self
    }

    /// Runs the template on `data`. On failure Go has already written part
    /// of the output; the error carries it along with Go's message.
    pub fn execute(&self, data: &Value) -> Result<String, (String, String)> {
        let dot = Val::plain(data_v(data)).concrete();
        let mut st = Machine {
            tmpl: self,
            name: TEMPLATE_NAME,
            out: String::new(),
            owned: Vec::new(),
            owned_bytes: 0,
            vars: vec![("$".to_string(), dot)],
            depth: 0,
            node: At::None,
            steps: 0,
        };
        let Some(root) = self.trees.get(TEMPLATE_NAME) else {
            return Err((
                String::new(),
                format!(
                    "template: {TEMPLATE_NAME}: {} is an incomplete or empty template",
                    gofmt::quote(TEMPLATE_NAME)
                ),
            ));
        };
        match st.walk_list(dot, root) {
            Ok(()) => Ok(st.out),
            Err(Stop::Error(e)) => Err((st.out, e)),
            // The parser only accepts break and continue inside a range.
            Err(Stop::Break) | Err(Stop::Continue) => Ok(st.out),
        }
    }
}

/// kubectl's `-o go-template=…` / `-o go-template-file=…` printer.
#[derive(Clone, Debug)]
pub struct GoTemplatePrinter {
    template: GoTemplate,
}

impl GoTemplatePrinter {
    /// Builds the printer as kubectl's print flags do; `allow_missing_keys`
    /// is `--allow-missing-template-keys` (default true).
    pub fn new(template: &str, allow_missing_keys: bool) -> Result<Self, String> {
        if template.is_empty() {
            return Err("template format specified but no template given".into());
        }
        let parsed = GoTemplate::parse(template)
            .map_err(|e| format!("error parsing template {template}, {e}\n"))?;
        let mk = if allow_missing_keys {
            MissingKey::Default
        } else {
            MissingKey::Error
        };
        Ok(GoTemplatePrinter {
            template: parsed.with_missing_key(mk),
        })
    }

    /// Prints one object (or list). When execution fails kubectl writes the
    /// partial output and a debugging dump to stdout, then reports the error.
    pub fn print(&self, obj: &Value) -> Result<String, PrintError> {
        match self.template.execute(obj) {
            Ok(out) => Ok(out),
            Err((mut out, err)) => {
                let raw = &self.template.raw;
                let _ = write!(
                    out,
                    "Error executing template: {err}. Printing more information for debugging the template:\n\
                     \ttemplate was:\n\t\t{raw}\n\
                     \traw data was:\n\t\t{}\n\
                     \tobject given to template engine was:\n\t\t{}\n\n",
                    obj.to_json(),
                    gofmt::sprint_value(obj)
                );
                Err(PrintError {
                    output: out,
                    message: format!("error executing template {}: {err}", gofmt::quote(raw)),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Value {
        let json = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default","labels":{"app":"web","tier":"frontend"},"annotations":{"note":"<b>&"}},"spec":{"replicas":3,"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]},{"name":"sidecar","image":"busybox"}],"nodeName":null},"status":{"phase":"Running","ratio":0.5,"big":1000000,"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}],"secret":"aGVsbG8="}}"#;
        crate::kubectl::printers::jsonpath::tests_support::parse_json(json)
    }

    fn run(tmpl: &str) -> Result<String, String> {
        let t = GoTemplate::parse(tmpl)?;
        t.execute(&pod()).map_err(|(_, e)| e)
    }

    fn run_strict(tmpl: &str) -> Result<String, String> {
        let t = GoTemplate::parse(tmpl)?.with_missing_key(MissingKey::Error);
        t.execute(&pod()).map_err(|(_, e)| e)
    }

    #[test]
    fn templates_print_like_kubectl() {
        let cases: &[(&str, &str, &str)] = &[
            ("a field prints its value", "{{.metadata.name}}", "web-0"),
            ("text passes through", "name: {{.metadata.name}}\n", "name: web-0\n"),
            ("an int64 prints in decimal", "{{.spec.replicas}}", "3"),
            ("a large integer keeps its digits", "{{.status.big}}", "1000000"),
            ("a float prints like %v", "{{.status.ratio}}", "0.5"),
            ("a missing key prints no value", "{{.metadata.missing}}", "<no value>"),
            ("a missing chain prints no value", "{{.a.b.c}}", "<no value>"),
            ("a JSON null prints no value", "{{.spec.nodeName}}", "<no value>"),
            ("a map prints in Go syntax", "{{.metadata.labels}}", "map[app:web tier:frontend]"),
            ("a slice prints in Go syntax", "{{range .spec.containers}}{{.ports}}{{end}}", "[map[containerPort:80]]<no value>"),
            ("index reads a label", "{{index .metadata.labels \"app\"}}", "web"),
            ("index of a missing label prints no value", "{{index .metadata.labels \"zzz\"}}", "<no value>"),
            ("range over a list", "{{range .spec.containers}}{{.name}} {{end}}", "nginx sidecar "),
            ("range with index and element", "{{range $i, $c := .spec.containers}}{{$i}}={{$c.image}};{{end}}", "0=nginx:1.25;1=busybox;"),
            ("range over a map is sorted by key", "{{range $k, $v := .metadata.labels}}{{$k}}:{{$v}},{{end}}", "app:web,tier:frontend,"),
            ("range else runs for an empty list", "{{range .missing}}x{{else}}none{{end}}", "none"),
            ("if else-if else", "{{if eq .status.phase \"Pending\"}}P{{else if eq .status.phase \"Running\"}}R{{else}}?{{end}}", "R"),
            ("with sets dot", "{{with .metadata}}{{.namespace}}{{end}}", "default"),
            ("with else on a missing value", "{{with .nothing}}x{{else}}empty{{end}}", "empty"),
            ("variables persist until end", "{{$n := .metadata.name}}{{$n}}-{{$n}}", "web-0-web-0"),
            ("variables can be reassigned", "{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
            ("dollar is the root", "{{range .spec.containers}}{{$.metadata.name}} {{end}}", "web-0 web-0 "),
            ("pipelines pass the last value", "{{.metadata.name | printf \"%s!\"}}", "web-0!"),
            ("printf with verbs", "{{printf \"%-6s|%5d|%q\" .metadata.name .spec.replicas \"x\"}}", "web-0 |    3|\"x\""),
            ("print spaces non-strings", "{{print 1 2 \"a\" \"b\"}}", "1 2ab"),
            ("println ends the line", "{{println \"a\" 1}}", "a 1\n"),
            ("len of a list", "{{len .spec.containers}}", "2"),
            ("and returns the first false operand", "{{and 1 0 2}}", "0"),
            ("or returns the first true operand", "{{or 0 \"\" \"x\"}}", "x"),
            ("not negates truth", "{{not .metadata.missing}}", "true"),
            ("comparisons of int64 and int", "{{gt .spec.replicas 2}} {{lt .spec.replicas 2}}", "true false"),
            ("eq with several operands", "{{eq .status.phase \"A\" \"Running\"}}", "true"),
            ("eq with a missing value is false", "{{eq .nope \"x\"}}", "false"),
            ("trim markers eat whitespace", "a  {{- \"b\" -}}  c", "abc"),
            ("comments print nothing", "a{{/* note */}}b", "ab"),
            ("trimmed comments", "a {{- /* note */ -}} b", "ab"),
            ("break stops a range", "{{range .spec.containers}}{{.name}}{{break}}{{end}}", "nginx"),
            ("continue skips the rest", "{{range .spec.containers}}{{if eq .name \"nginx\"}}{{continue}}{{end}}{{.name}}{{end}}", "sidecar"),
            ("exists finds a nested key", "{{exists . \"metadata\" \"labels\" \"app\"}}", "true"),
            ("exists misses a key", "{{exists . \"metadata\" \"labels\" \"nope\"}}", "false"),
            ("base64decode decodes secrets", "{{base64decode .status.secret}}", "hello"),
            ("html escapes", "{{html .metadata.annotations.note}}", "&lt;b&gt;&amp;"),
            ("js escapes", "{{js \"a'b\"}}", "a\\'b"),
            ("urlquery escapes", "{{urlquery \"a b&c\"}}", "a+b%26c"),
            ("html of a missing value", "{{html .nope}}", "&lt;no value&gt;"),
            ("a define is called by template", "{{define \"n\"}}[{{.name}}]{{end}}{{range .spec.containers}}{{template \"n\" .}}{{end}}", "[nginx][sidecar]"),
            ("block defines and calls", "{{block \"b\" .metadata}}{{.name}}{{end}}", "web-0"),
            ("a char constant is an int", "{{'a'}}", "97"),
            ("a float literal", "{{1.5}}", "1.5"),
            ("a hex literal", "{{0x1F}}", "31"),
            ("underscores between digits", "{{1_000}} {{0x_ff}} {{1_0.5}}", "1000 255 10.5"),
            ("a legacy octal literal", "{{017}}", "15"),
            ("an exponent makes a float", "{{1e3}}", "1000"),
            ("slice of a string", "{{slice .metadata.name 0 3}}", "web"),
            ("index into a string gives a byte", "{{index .metadata.name 0}}", "119"),
            ("parenthesized pipelines", "{{(index .spec.containers 1).name}}", "sidecar"),
            ("range over conditions with a filter", "{{range .status.conditions}}{{if eq .type \"Ready\"}}{{.status}}{{end}}{{end}}", "True"),
            ("raw strings", "{{`a\\n`}}", "a\\n"),
        ];
        for (name, tmpl, want) in cases {
            assert_eq!(run(tmpl).as_deref(), Ok(*want), "{name}: {tmpl}");
        }
    }

    #[test]
    fn kubectl_idioms_print_as_documented() {
        let list = crate::kubectl::printers::jsonpath::tests_support::parse_json(
            r#"{"kind":"List","items":[
              {"metadata":{"name":"a","labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},"status":{"phase":"Running","containerStatuses":[{"restartCount":2}]},"data":{"password":"czNjcjN0"}},
              {"metadata":{"name":"b","annotations":{}},"status":{"phase":"Pending"}}
            ]}"#,
        );
        let cases: &[(&str, &str, &str)] = &[
            ("one name per line", "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}", "a\nb\n"),
            ("spaces inside actions", "{{ range .items }}{{ .metadata.name }} {{ end }}", "a b "),
            ("a filter in a range", "{{range .items}}{{if eq .status.phase \"Running\"}}{{.metadata.name}}{{end}}{{end}}", "a"),
            ("an annotation with dots and slashes", "{{range .items}}{{index .metadata.annotations \"kubectl.kubernetes.io/last-applied-configuration\"}}{{end}}", "{}\n<no value>"),
            ("restart counts", "{{range .items}}{{range .status.containerStatuses}}{{.restartCount}}{{end}}{{end}}", "2"),
            ("len through a pipe", "{{.items | len}}", "2"),
            ("labels as key=value", "{{range .items}}{{range $k, $v := .metadata.labels}}{{$k}}={{$v}}{{end}}{{end}}", "app=web"),
            ("a decoded secret", "{{(index .items 0).data.password | base64decode}}", "s3cr3t"),
            ("a map through printf", "{{printf \"%v\" (index .items 0).metadata.labels}}", "map[app:web]"),
            ("trim markers across lines", "{{range .items -}}\n  {{.metadata.name}}\n{{end}}", "a\nb\n"),
            ("a negative number is not a trim marker", "{{-3}}", "-3"),
            ("the whole object", "{{(index .items 1).status}}", "map[phase:Pending]"),
        ];
        for (name, tmpl, want) in cases {
            let got = GoTemplate::parse(tmpl).and_then(|t| t.execute(&list).map_err(|(_, e)| e));
            assert_eq!(got.as_deref(), Ok(*want), "{name}: {tmpl}");
        }
    }

    #[test]
    fn parse_errors_match_go() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "an unclosed action",
                "{{.a}",
                "template: output:1: bad character U+007D '}'",
            ),
            (
                "an unknown function",
                "{{foo .a}}",
                "template: output:1: function \"foo\" not defined",
            ),
            (
                "a missing end",
                "{{if .a}}x",
                "template: output:1: unexpected EOF",
            ),
            (
                "a stray end",
                "{{end}}",
                "template: output:1: unexpected {{end}}",
            ),
            (
                "an undefined variable",
                "{{$x}}",
                "template: output:1: undefined variable \"$x\"",
            ),
            (
                "an empty action",
                "{{}}",
                "template: output:1: missing value for command",
            ),
            (
                "an action with no end",
                "{{.a",
                "template: output:1: unclosed action",
            ),
            (
                "an unclosed action on a later line",
                "{{.a\n\n",
                "template: output:3: unclosed action started at output:1",
            ),
            (
                "break outside range",
                "{{break}}",
                "template: output:1: {{break}} outside {{range}}",
            ),
            (
                "a bad number",
                "{{3k}}",
                "template: output:1: bad number syntax: \"3k\"",
            ),
            (
                "doubled underscores",
                "{{1__0}}",
                "template: output:1: illegal number syntax: \"1__0\"",
            ),
            (
                "a number too big for int64",
                "{{99999999999999999999}}",
                "template: output:1: integer overflow: \"99999999999999999999\"",
            ),
            (
                "a malformed character constant",
                "{{'ab'}}",
                "template: output:1: malformed character constant: 'ab'",
            ),
            (
                "an unterminated string",
                "{{\"abc}}",
                "template: output:1: unterminated quoted string",
            ),
            (
                "unexpected token in operand",
                "{{.a \"b\"c}}",
                "template: output:1: unexpected \"c\" in operand",
            ),
            (
                "a literal in a later pipeline stage",
                "{{.a | 3}}",
                "template: output:1: non executable command in pipeline stage 2",
            ),
            (
                "a field after a literal",
                "{{\"a\".b}}",
                "template: output:1: unexpected . after term \"\\\"a\\\"\"",
            ),
            (
                "too many range variables",
                "{{range $a, $b, $c := .}}{{end}}",
                "template: output:1: too many declarations in range",
            ),
            (
                "an unclosed comment",
                "{{/* x",
                "template: output:1: unclosed comment",
            ),
            (
                "an unclosed paren",
                "{{(.a}}",
                "template: output:1: unclosed left paren",
            ),
            (
                "an unexpected right paren",
                "{{.a)}}",
                "template: output:1: unexpected right paren",
            ),
            (
                "else with is not in Go 1.22",
                "{{with .a}}{{else with .b}}{{end}}",
                "template: output:1: unexpected <with> in else",
            ),
            (
                "a long token is abbreviated",
                "{{end \"abcdefghijklmn\"}}",
                "template: output:1: unexpected \"\\\"abcdefghi\"... in end",
            ),
        ];
        for (name, tmpl, want) in cases {
            assert_eq!(
                GoTemplate::parse(tmpl).err().as_deref(),
                Some(*want),
                "{name}: {tmpl}"
            );
        }
    }

    #[test]
    fn execution_errors_match_go() {
        let cases: &[(&str, &str, &str)] = &[
            ("a field of a string", "{{.metadata.name.foo}}", "template: output:1:11: executing \"output\" at <.metadata.name.foo>: can't evaluate field foo in type interface {}"),
            ("a field of null", "{{.spec.nodeName.x}}", "template: output:1:7: executing \"output\" at <.spec.nodeName.x>: nil pointer evaluating interface {}.x"),
            ("ranging over a string", "{{range .metadata.name}}{{end}}", "template: output:1:17: executing \"output\" at <.metadata.name>: range can't iterate over web-0"),
            ("index of a missing map", "{{index .metadata.nolabels \"app\"}}", "template: output:1:2: executing \"output\" at <index .metadata.nolabels \"app\">: error calling index: index of untyped nil"),
            ("comparing a string with an int", "{{if eq .metadata.name 1}}{{end}}", "template: output:1:5: executing \"output\" at <eq .metadata.name 1>: error calling eq: incompatible types for comparison"),
            ("a wrong argument count", "{{len}}", "template: output:1:2: executing \"output\" at <len>: wrong number of args for len: want 1 got 0"),
            ("len of a missing value", "{{len .nope}}", "template: output:1:2: executing \"output\" at <len .nope>: error calling len: reflect: call of reflect.Value.Type on zero Value"),
            ("index out of range", "{{index .spec.containers 5}}", "template: output:1:2: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5"),
            ("an argument to a field", "{{.metadata.name 1}}", "template: output:1:11: executing \"output\" at <.metadata.name>: name is not a method but has arguments"),
            ("base64decode of bad input", "{{base64decode \"!!\"}}", "template: output:1:2: executing \"output\" at <base64decode \"!!\">: error calling base64decode: base64 decode failed: illegal base64 data at input byte 0"),
            ("printf with a non-string format", "{{printf 3}}", "template: output:1:9: executing \"output\" at <3>: expected string; found 3"),
            ("an error inside a define names it", "{{define \"d\"}}{{.x.y}}{{end}}{{template \"d\" .metadata.name}}", "template: output:1:18: executing \"d\" at <.x.y>: can't evaluate field x in type string"),
        ];
        for (name, tmpl, want) in cases {
            assert_eq!(run(tmpl), Err(want.to_string()), "{name}: {tmpl}");
        }
    }

    #[test]
    fn strict_missing_keys_error_like_kubectl() {
        assert_eq!(
            run_strict("{{.metadata.nope}}"),
            Err("template: output:1:11: executing \"output\" at <.metadata.nope>: map has no entry for key \"nope\"".to_string())
        );
        assert_eq!(run_strict("{{.metadata.name}}").as_deref(), Ok("web-0"));
    }

    #[test]
    fn the_printer_reports_like_kubectl() {
        let err = GoTemplatePrinter::new("{{.a}", true).unwrap_err();
        assert_eq!(
            err,
            "error parsing template {{.a}, template: output:1: bad character U+007D '}'\n"
        );
        assert_eq!(
            GoTemplatePrinter::new("", true).unwrap_err(),
            "template format specified but no template given"
        );
        let p = GoTemplatePrinter::new("x{{.kind.y}}", true).unwrap();
        let obj = crate::kubectl::printers::jsonpath::tests_support::parse_json(
            r#"{"kind":"Pod","spec":{"n":1}}"#,
        );
        let e = p.print(&obj).unwrap_err();
        assert_eq!(
            e.message,
            "error executing template \"x{{.kind.y}}\": template: output:1:8: executing \"output\" at <.kind.y>: can't evaluate field y in type interface {}"
        );
        assert_eq!(
            e.output,
            "xError executing template: template: output:1:8: executing \"output\" at <.kind.y>: can't evaluate field y in type interface {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\tx{{.kind.y}}\n\traw data was:\n\t\t{\"kind\":\"Pod\",\"spec\":{\"n\":1}}\n\tobject given to template engine was:\n\t\tmap[kind:Pod spec:map[n:1]]\n\n"
        );
    }

    #[test]
    fn random_templates_never_panic_or_hang() {
        use crate::kubectl::printers::jsonpath::tests_support::{on_small_stack, Rng};
        const PIECES: &[&str] = &[
            "{{",
            "}}",
            "{{- ",
            " -}}",
            ".",
            "metadata",
            ".name",
            ".spec",
            "containers",
            "range",
            "end",
            "if",
            "else",
            "with",
            "$",
            "$x",
            ":=",
            "=",
            "|",
            "(",
            ")",
            "\"",
            "'",
            "`",
            " ",
            "\n",
            "printf",
            "index",
            "len",
            "eq",
            "lt",
            "and",
            "or",
            "not",
            "1",
            "0x1",
            "1.5",
            "%s",
            "%d",
            "%v",
            "/*",
            "*/",
            "define",
            "template",
            "block",
            "break",
            "continue",
            ",",
            "nil",
            "true",
            "exists",
            "base64decode",
            "slice",
            "html",
            "js",
            "print",
            "call",
            "é",
            "日",
            "\\",
            "-",
            "x",
            "\"a\"",
            "'a'",
            "9223372036854775807",
            "0x8000000000000000",
            "1e400",
            "%1000000d",
            "%*d",
            "%[3]v",
        ];
        on_small_stack(|| {
            let data = pod();
            let mut rng = Rng(0x2545_F491_4F6C_DD1D);
            for _ in 0..20_000 {
                let text = rng.text(PIECES, 14);
                if let Ok(t) = GoTemplate::parse(&text) {
                    let _ = t.clone().execute(&data);
                    let _ = t.with_missing_key(MissingKey::Error).execute(&data);
                }
                if let Ok(p) = GoTemplatePrinter::new(&text, true) {
                    let _ = p.print(&data);
                }
            }
        });
    }

    #[test]
    fn pathological_templates_stop_with_an_error() {
        use crate::kubectl::printers::jsonpath::tests_support::on_small_stack;
        on_small_stack(|| {
            let data = pod();
            let deep_ifs = format!("{}{}", "{{if 1}}".repeat(500), "{{end}}".repeat(500));
            assert_eq!(
                GoTemplate::parse(&deep_ifs).err().as_deref(),
                Some("template: output:1: max expression depth exceeded")
            );
            let deep_parens = format!("{{{{{}1{}}}}}", "(".repeat(5000), ")".repeat(5000));
            assert_eq!(
                GoTemplate::parse(&deep_parens).err().as_deref(),
                Some("template: output:1: max expression depth exceeded")
            );
            let recursive = "{{define \"r\"}}x{{template \"r\" .}}{{end}}{{template \"r\" .}}";
            let (out, err) = GoTemplate::parse(recursive)
                .unwrap()
                .execute(&data)
                .unwrap_err();
            assert_eq!(out, "x".repeat(100));
            assert!(
                err.ends_with("exceeded maximum template depth (100)"),
                "{err}"
            );
            let nested = format!(
                "{}{}{}",
                "{{range $.spec.containers}}".repeat(40),
                "{{range $.metadata.labels}}{{.}}{{end}}",
                "{{end}}".repeat(40)
            );
            let err = GoTemplate::parse(&nested)
                .unwrap()
                .execute(&data)
                .unwrap_err()
                .1;
            assert!(
                err.ends_with("template execution exceeds the printer's step limit"),
                "{err}"
            );
            let many = "{{.kind}}".repeat(50_000);
            assert_eq!(
                GoTemplate::parse(&many)
                    .unwrap()
                    .execute(&data)
                    .map(|s| s.len()),
                Ok(150_000)
            );
        });
    }

    #[test]
    fn base64_matches_go_offsets() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGVsbG8").unwrap_err(), 4);
        assert_eq!(base64_decode("aGk=x").unwrap_err(), 4);
        assert_eq!(base64_decode("a===").unwrap_err(), 1);
        assert_eq!(base64_decode("aG\nk=").unwrap(), b"hi");
    }
}
