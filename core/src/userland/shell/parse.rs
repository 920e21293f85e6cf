//! The shell's parser: source text to [`List`]s, one complete command at a
//! time, with busybox ash's syntax error messages.

use std::cell::OnceCell;
use std::rc::Rc;

use super::ast::*;

/// Nesting (compound commands, substitutions) deeper than this is refused
/// rather than risking the stack.
const MAX_DEPTH: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The message after `sh: `, e.g. `syntax error: unexpected "fi"`.
    pub message: String,
}

impl ParseError {
    fn new(msg: impl Into<String>) -> ParseError {
        ParseError {
            message: msg.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(Word, String),
    Op(&'static str),
    IoNum(u32),
    Newline,
    Eof,
}

const OPS: [&str; 18] = [
    "&&", "||", ";;", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "&>", ";", "&", "|", "(", ")",
    "<", ">",
];

const RESERVED_ENDS: [&str; 8] = ["then", "else", "elif", "fi", "do", "done", "esac", "}"];

pub struct Parser {
    src: Vec<char>,
    pos: usize,
    line: usize,
    peeked: Option<(Tok, usize, usize)>,
    pending_here: Vec<Rc<HereDoc>>,
    depth: usize,
    /// Input arrives a line at a time (an interactive shell): a heredoc cut
    /// off by the end of the input is incomplete, not ended.
    incremental: bool,
}

fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'
    )
}

impl Parser {
    /// A parser over `src` whose first line is numbered `first_line`
    /// (ash counts from 0 for `sh -c` and from 1 for script files).
    pub fn new(src: &str, first_line: usize) -> Parser {
        Parser {
            src: src.chars().collect(),
            pos: 0,
            line: first_line,
            peeked: None,
            pending_here: Vec::new(),
            depth: 0,
            incremental: false,
        }
    }

    /// A parser for input that may still grow (lines typed at a prompt).
    pub fn incremental(src: &str, first_line: usize) -> Parser {
        Parser {
            incremental: true,
            ..Parser::new(src, first_line)
        }
    }

    /// Parses the whole input at once (for `eval`, functions in tests).
    pub fn parse_all(src: &str) -> Result<List, ParseError> {
        let mut p = Parser::new(src, 1);
        let mut all = List::default();
        while let Some(l) = p.next_command()? {
            all.0.extend(l.0);
        }
        Ok(all)
    }

    /// The line number the next command starts on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Parses the next complete command (up to a newline), skipping blank
    /// lines; `None` at end of input.
    pub fn next_command(&mut self) -> Result<Option<List>, ParseError> {
        loop {
            match self.peek()? {
                Tok::Eof => return Ok(None),
                Tok::Newline => {
                    self.next()?;
                }
                _ => break,
            }
        }
        let mut list = List::default();
        loop {
            let and_or = self.and_or()?;
            let mut item = Item {
                and_or,
                background: false,
            };
            match self.peek()? {
                Tok::Op(";") => {
                    self.next()?;
                }
                Tok::Op("&") => {
                    self.next()?;
                    item.background = true;
                }
                Tok::Newline => {
                    list.0.push(item);
                    self.next()?;
                    return Ok(Some(list));
                }
                Tok::Eof => {
                    list.0.push(item);
                    return Ok(Some(list));
                }
                t => return Err(unexpected(&t)),
            }
            list.0.push(item);
            match self.peek()? {
                Tok::Newline => {
                    self.next()?;
                    return Ok(Some(list));
                }
                Tok::Eof => return Ok(Some(list)),
                _ => {}
            }
        }
    }

    // ---- tokens ----

    fn peek(&mut self) -> Result<Tok, ParseError> {
        if let Some((t, _, _)) = &self.peeked {
            return Ok(t.clone());
        }
        let start = self.pos;
        // Lexing may parse a `$(…)` with nested `next` calls; lines are
        // counted when the outer token is consumed.
        let line = self.line;
        let t = self.lex()?;
        self.line = line;
        let end = self.pos;
        self.pos = start;
        self.peeked = Some((t.clone(), start, end));
        Ok(t)
    }

    fn next(&mut self) -> Result<Tok, ParseError> {
        self.peek()?;
        let Some((t, _, end)) = self.peeked.take() else {
            return Ok(Tok::Eof);
        };
        // Lines are counted once, when the token is consumed.
        let start = self.pos;
        self.line += self.src[start..end].iter().filter(|c| **c == '\n').count();
        self.pos = end;
        if t == Tok::Newline && !self.pending_here.is_empty() {
            self.read_heredocs()?;
        }
        Ok(t)
    }

    fn at(&self, i: usize) -> Option<char> {
        self.src.get(i).copied()
    }

    fn cur(&self) -> Option<char> {
        self.at(self.pos)
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.cur() {
                Some(' ' | '\t') => self.pos += 1,
                Some('\\') if self.at(self.pos + 1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while self.cur().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    fn lex(&mut self) -> Result<Tok, ParseError> {
        self.skip_blanks();
        let Some(c) = self.cur() else {
            return Ok(Tok::Eof);
        };
        if c == '\n' {
            self.pos += 1;
            return Ok(Tok::Newline);
        }
        for op in OPS {
            let n = op.chars().count();
            if self.src.len() >= self.pos + n
                && op.chars().zip(&self.src[self.pos..]).all(|(a, b)| a == *b)
            {
                self.pos += n;
                return Ok(Tok::Op(op));
            }
        }
        // A number right before `<` or `>` is a descriptor.
        let mut j = self.pos;
        while self.at(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        if j > self.pos && matches!(self.at(j), Some('<' | '>')) {
            let n: String = self.src[self.pos..j].iter().collect();
            self.pos = j;
            return Ok(Tok::IoNum(n.parse().unwrap_or(u32::MAX)));
        }
        let start = self.pos;
        let w = self.word(WordMode::Normal)?;
        let raw: String = self.src[start..self.pos].iter().collect();
        Ok(Tok::Word(w, raw))
    }

    fn read_heredocs(&mut self) -> Result<(), ParseError> {
        let pending = std::mem::take(&mut self.pending_here);
        for h in pending {
            let mut body = String::new();
            loop {
                if self.cur().is_none() {
                    if self.incremental {
                        return Err(ParseError::new(
                            "syntax error: unexpected end of file (expecting here-document delimiter)",
                        ));
                    }
                    break;
                }
                let mut line = String::new();
                while let Some(c) = self.cur() {
                    self.pos += 1;
                    if c == '\n' {
                        break;
                    }
                    line.push(c);
                }
                self.line += 1;
                let check = if h.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if check == h.delimiter {
                    break;
                }
                body.push_str(check);
                body.push('\n');
            }
            let word = if h.expand {
                let mut sub = Parser::new(&body, self.line);
                sub.depth = self.depth + 1;
                sub.word(WordMode::HereDoc)?
            } else {
                Word(vec![Part::Lit {
                    text: body,
                    quoted: true,
                }])
            };
            let _ = h.body.set(word);
        }
        Ok(())
    }

    // ---- words ----

    fn word(&mut self, mode: WordMode) -> Result<Word, ParseError> {
        self.enter()?;
        let r = self.word_inner(mode);
        self.depth -= 1;
        r
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new("syntax error: nesting too deep"));
        }
        Ok(())
    }

    fn word_inner(&mut self, mode: WordMode) -> Result<Word, ParseError> {
        let mut parts: Vec<Part> = Vec::new();
        let quoted = matches!(
            mode,
            WordMode::DQuote | WordMode::HereDoc | WordMode::BraceQ
        );
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>, quoted: bool| {
            if !lit.is_empty() {
                parts.push(Part::Lit {
                    text: std::mem::take(lit),
                    quoted,
                });
            }
        };
        if mode == WordMode::Normal && self.cur() == Some('~') {
            let mut j = self.pos + 1;
            let mut user = String::new();
            while let Some(c) = self.at(j) {
                if c == '/'
                    || is_meta(c)
                    || !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
                {
                    break;
                }
                user.push(c);
                j += 1;
            }
            if self.at(j).is_none_or(|c| c == '/' || is_meta(c)) {
                parts.push(Part::Tilde(user));
                self.pos = j;
            }
        }
        while let Some(c) = self.cur() {
            match mode {
                WordMode::Normal if is_meta(c) => break,
                WordMode::DQuote if c == '"' => break,
                WordMode::Brace | WordMode::BraceQ if c == '}' => break,
                _ => {}
            }
            match c {
                '\\' => {
                    let next = self.at(self.pos + 1);
                    if next == Some('\n') {
                        self.pos += 2;
                        continue;
                    }
                    let escapable = match mode {
                        WordMode::Normal | WordMode::Brace => true,
                        WordMode::DQuote | WordMode::BraceQ => {
                            matches!(next, Some('$' | '`' | '"' | '\\'))
                        }
                        WordMode::HereDoc | WordMode::Arith => {
                            matches!(next, Some('$' | '`' | '\\'))
                        }
                    };
                    if escapable {
                        if let Some(n) = next {
                            flush(&mut lit, &mut parts, quoted);
                            parts.push(Part::Lit {
                                text: n.to_string(),
                                quoted: true,
                            });
                            self.pos += 2;
                            continue;
                        }
                        // A trailing backslash stays itself.
                        self.pos += 1;
                        lit.push('\\');
                        continue;
                    }
                    lit.push('\\');
                    self.pos += 1;
                }
                '\'' if matches!(mode, WordMode::Normal | WordMode::Brace) => {
                    flush(&mut lit, &mut parts, quoted);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.cur() {
                            None => {
                                return Err(ParseError::new(
                                    "syntax error: unterminated quoted string",
                                ))
                            }
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    parts.push(Part::Lit {
                        text: s,
                        quoted: true,
                    });
                }
                '"' if matches!(mode, WordMode::Normal | WordMode::Brace) => {
                    flush(&mut lit, &mut parts, quoted);
                    self.pos += 1;
                    let inner = self.word(WordMode::DQuote)?;
                    if self.cur() != Some('"') {
                        return Err(ParseError::new("syntax error: unterminated quoted string"));
                    }
                    self.pos += 1;
                    if inner.0.is_empty() {
                        parts.push(Part::Lit {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    parts.extend(inner.0);
                }
                '`' => {
                    flush(&mut lit, &mut parts, quoted);
                    self.pos += 1;
                    let mut s = String::new();
                    loop {
                        match self.cur() {
                            None => {
                                return Err(ParseError::new(
                                    "syntax error: unterminated quoted string",
                                ))
                            }
                            Some('`') => {
                                self.pos += 1;
                                break;
                            }
                            Some('\\')
                                if matches!(self.at(self.pos + 1), Some('$' | '`' | '\\')) =>
                            {
                                if let Some(n) = self.at(self.pos + 1) {
                                    s.push(n);
                                }
                                self.pos += 2;
                            }
                            Some(ch) => {
                                s.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                    let mut sub = Parser::new(&s, self.line);
                    sub.depth = self.depth + 1;
                    let list = sub.parse_sub_all()?;
                    parts.push(Part::Cmd {
                        list: Rc::new(list),
                        quoted,
                    });
                }
                '$' => {
                    if let Some(p) = self.dollar(quoted)? {
                        flush(&mut lit, &mut parts, quoted);
                        parts.push(p);
                    } else {
                        lit.push('$');
                        self.pos += 1;
                    }
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut lit, &mut parts, quoted);
        Ok(Word(parts))
    }

    /// Parses what follows a `$`; `None` if it is a literal dollar.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, ParseError> {
        let next = self.at(self.pos + 1);
        match next {
            Some('(') if self.at(self.pos + 2) == Some('(') => {
                // `$((…))`: find the matching `))`.
                let mut j = self.pos + 3;
                let mut depth = 0i32;
                loop {
                    match self.at(j) {
                        None => return Err(ParseError::new("syntax error: missing '))'")),
                        Some('(') => depth += 1,
                        Some(')') if depth > 0 => depth -= 1,
                        Some(')') => {
                            if self.at(j + 1) == Some(')') {
                                break;
                            }
                            return Err(ParseError::new("syntax error: missing '))'"));
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let inner: String = self.src[self.pos + 3..j].iter().collect();
                self.pos = j + 2;
                let mut sub = Parser::new(&inner, self.line);
                sub.depth = self.depth + 1;
                let expr = sub.word(WordMode::Arith)?;
                Ok(Some(Part::Arith { expr, quoted }))
            }
            Some('(') => {
                self.pos += 2;
                self.peeked = None;
                self.enter()?;
                self.skip_newlines()?;
                let list = if self.peek()? == Tok::Op(")") {
                    List::default()
                } else {
                    self.compound_list(&[])?
                };
                self.depth -= 1;
                match self.next()? {
                    Tok::Op(")") => {}
                    Tok::Eof => {
                        return Err(ParseError::new(
                            "syntax error: unexpected end of file (expecting \")\")",
                        ))
                    }
                    t => return Err(unexpected(&t)),
                }
                Ok(Some(Part::Cmd {
                    list: Rc::new(list),
                    quoted,
                }))
            }
            Some('{') => {
                self.pos += 2;
                self.brace_param(quoted).map(Some)
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!') =>
            {
                self.pos += 2;
                Ok(Some(Part::Param {
                    exp: Box::new(Param {
                        name: c.to_string(),
                        op: ParamOp::Plain,
                    }),
                    quoted,
                }))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let mut j = self.pos + 1;
                let mut name = String::new();
                while let Some(c) = self
                    .at(j)
                    .filter(|c| *c == '_' || c.is_ascii_alphanumeric())
                {
                    name.push(c);
                    j += 1;
                }
                self.pos = j;
                Ok(Some(Part::Param {
                    exp: Box::new(Param {
                        name,
                        op: ParamOp::Plain,
                    }),
                    quoted,
                }))
            }
            _ => Ok(None),
        }
    }

    fn brace_param(&mut self, quoted: bool) -> Result<Part, ParseError> {
        let bad = || ParseError::new("syntax error: bad substitution");
        let missing = || ParseError::new("syntax error: missing '}'");
        let mut length = false;
        if self.cur() == Some('#') && self.at(self.pos + 1).is_some_and(|c| c != '}') {
            length = true;
            self.pos += 1;
        }
        let mut name = String::new();
        match self.cur() {
            None => return Err(missing()),
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                while let Some(c) = self
                    .cur()
                    .filter(|c| *c == '_' || c.is_ascii_alphanumeric())
                {
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.cur().filter(|c| c.is_ascii_digit()) {
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!') => {
                name.push(c);
                self.pos += 1;
            }
            Some(_) => return Err(bad()),
        }
        let mk = |op| {
            Ok(Part::Param {
                exp: Box::new(Param {
                    name: name.clone(),
                    op,
                }),
                quoted,
            })
        };
        if length {
            return match self.cur() {
                Some('}') => {
                    self.pos += 1;
                    mk(ParamOp::Length)
                }
                None => Err(missing()),
                _ => Err(bad()),
            };
        }
        let Some(c) = self.cur() else {
            return Err(missing());
        };
        if c == '}' {
            self.pos += 1;
            return mk(ParamOp::Plain);
        }
        let colon = c == ':';
        if colon {
            self.pos += 1;
        }
        let Some(op) = self.cur() else {
            return Err(missing());
        };
        self.pos += 1;
        let (suffix, longest) = match op {
            '%' | '#' if !colon => {
                let doubled = self.cur() == Some(op);
                if doubled {
                    self.pos += 1;
                }
                (op == '%', doubled)
            }
            '-' | '=' | '+' | '?' => (false, false),
            _ => return Err(bad()),
        };
        let word = self.word(if quoted {
            WordMode::BraceQ
        } else {
            WordMode::Brace
        })?;
        if self.cur() != Some('}') {
            return Err(missing());
        }
        self.pos += 1;
        let op = match op {
            '-' => ParamOp::Default { colon, word },
            '=' => ParamOp::Assign { colon, word },
            '+' => ParamOp::Alt { colon, word },
            '?' => ParamOp::Error { colon, word },
            _ => ParamOp::Trim {
                suffix,
                longest,
                pattern: word,
            },
        };
        mk(op)
    }

    fn parse_sub_all(&mut self) -> Result<List, ParseError> {
        let mut all = List::default();
        while let Some(l) = self.next_command()? {
            all.0.extend(l.0);
        }
        Ok(all)
    }

    // ---- grammar ----

    fn skip_newlines(&mut self) -> Result<(), ParseError> {
        while self.peek()? == Tok::Newline {
            self.next()?;
        }
        Ok(())
    }

    fn is_reserved(t: &Tok, w: &str) -> bool {
        matches!(t, Tok::Word(Word(parts), raw) if raw == w
            && matches!(parts.as_slice(), [Part::Lit { quoted: false, .. }]))
    }

    fn at_list_end(t: &Tok, ends: &[&str]) -> bool {
        match t {
            Tok::Eof | Tok::Op(")") | Tok::Op(";;") => true,
            Tok::Word(..) => RESERVED_ENDS
                .iter()
                .chain(ends)
                .any(|w| Parser::is_reserved(t, w)),
            _ => false,
        }
    }

    /// A list inside a compound command, ending before a reserved word,
    /// `)`, `;;` or end of input. Empty lists are refused.
    fn compound_list(&mut self, ends: &[&str]) -> Result<List, ParseError> {
        let mut list = List::default();
        self.skip_newlines()?;
        loop {
            let t = self.peek()?;
            if Parser::at_list_end(&t, ends) {
                if list.0.is_empty() {
                    return Err(unexpected(&t));
                }
                return Ok(list);
            }
            let and_or = self.and_or()?;
            let mut item = Item {
                and_or,
                background: false,
            };
            match self.peek()? {
                Tok::Op(";") | Tok::Newline => {
                    self.next()?;
                }
                Tok::Op("&") => {
                    self.next()?;
                    item.background = true;
                }
                t if Parser::at_list_end(&t, ends) => {}
                t => return Err(unexpected(&t)),
            }
            list.0.push(item);
            self.skip_newlines()?;
        }
    }

    fn and_or(&mut self) -> Result<AndOr, ParseError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let conn = match self.peek()? {
                Tok::Op("&&") => Connector::And,
                Tok::Op("||") => Connector::Or,
                _ => break,
            };
            self.next()?;
            self.skip_newlines()?;
            rest.push((conn, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, ParseError> {
        let mut bang = false;
        if Parser::is_reserved(&self.peek()?, "!") {
            self.next()?;
            bang = true;
        }
        let mut commands = vec![self.command()?];
        while self.peek()? == Tok::Op("|") {
            self.next()?;
            self.skip_newlines()?;
            commands.push(self.command()?);
        }
        Ok(Pipeline { bang, commands })
    }

    fn expect_word(&mut self, w: &str) -> Result<(), ParseError> {
        let t = self.next()?;
        if Parser::is_reserved(&t, w) {
            return Ok(());
        }
        if t == Tok::Eof {
            return Err(ParseError::new(format!(
                "syntax error: unexpected end of file (expecting \"{w}\")"
            )));
        }
        Err(unexpected(&t))
    }

    fn command(&mut self) -> Result<Command, ParseError> {
        self.enter()?;
        let r = self.command_inner();
        self.depth -= 1;
        r
    }

    fn command_inner(&mut self) -> Result<Command, ParseError> {
        let t = self.peek()?;
        let compound = match &t {
            Tok::Op("(") => {
                self.next()?;
                let body = self.compound_list(&[])?;
                match self.next()? {
                    Tok::Op(")") => {}
                    Tok::Eof => {
                        return Err(ParseError::new(
                            "syntax error: unexpected end of file (expecting \")\")",
                        ))
                    }
                    t => return Err(unexpected(&t)),
                }
                Some(Compound::Subshell(body))
            }
            Tok::Word(..) if Parser::is_reserved(&t, "{") => {
                self.next()?;
                let body = self.compound_list(&[])?;
                self.expect_word("}")?;
                Some(Compound::Group(body))
            }
            Tok::Word(..) if Parser::is_reserved(&t, "if") => {
                self.next()?;
                let mut branches = Vec::new();
                let mut otherwise = None;
                let cond = self.compound_list(&[])?;
                self.expect_word("then")?;
                let body = self.compound_list(&[])?;
                branches.push((cond, body));
                loop {
                    let t = self.next()?;
                    if Parser::is_reserved(&t, "elif") {
                        let cond = self.compound_list(&[])?;
                        self.expect_word("then")?;
                        let body = self.compound_list(&[])?;
                        branches.push((cond, body));
                    } else if Parser::is_reserved(&t, "else") {
                        otherwise = Some(self.compound_list(&[])?);
                        self.expect_word("fi")?;
                        break;
                    } else if Parser::is_reserved(&t, "fi") {
                        break;
                    } else if t == Tok::Eof {
                        return Err(ParseError::new(
                            "syntax error: unexpected end of file (expecting \"fi\")",
                        ));
                    } else {
                        return Err(unexpected(&t));
                    }
                }
                Some(Compound::If {
                    branches,
                    otherwise,
                })
            }
            Tok::Word(..)
                if Parser::is_reserved(&t, "while") || Parser::is_reserved(&t, "until") =>
            {
                let until = Parser::is_reserved(&t, "until");
                self.next()?;
                let cond = self.compound_list(&[])?;
                self.expect_word("do")?;
                let body = self.compound_list(&[])?;
                self.expect_word("done")?;
                Some(Compound::Loop { until, cond, body })
            }
            Tok::Word(..) if Parser::is_reserved(&t, "for") => {
                self.next()?;
                let var = match self.next()? {
                    Tok::Word(_, raw) if is_name(&raw) => raw,
                    _ => return Err(ParseError::new("syntax error: bad for loop variable")),
                };
                let mut words = None;
                // `for x; do`, `for x do`, `for x in …; do`, or newlines between.
                if self.peek()? == Tok::Op(";") {
                    self.next()?;
                }
                self.skip_newlines()?;
                if Parser::is_reserved(&self.peek()?, "in") {
                    self.next()?;
                    let mut ws = Vec::new();
                    loop {
                        match self.peek()? {
                            Tok::Word(w, _) => {
                                self.next()?;
                                ws.push(w);
                            }
                            Tok::Op(";") | Tok::Newline => {
                                self.next()?;
                                break;
                            }
                            t => return Err(unexpected(&t)),
                        }
                    }
                    words = Some(ws);
                    self.skip_newlines()?;
                }
                self.expect_word("do")?;
                let body = self.compound_list(&[])?;
                self.expect_word("done")?;
                Some(Compound::For { var, words, body })
            }
            Tok::Word(..) if Parser::is_reserved(&t, "case") => {
                self.next()?;
                let word = match self.next()? {
                    Tok::Word(w, _) => w,
                    Tok::Eof => {
                        return Err(ParseError::new(
                            "syntax error: unexpected end of file (expecting word)",
                        ))
                    }
                    t => return Err(unexpected(&t)),
                };
                self.skip_newlines()?;
                self.expect_word("in")?;
                let mut arms = Vec::new();
                loop {
                    self.skip_newlines()?;
                    let t = self.peek()?;
                    if Parser::is_reserved(&t, "esac") {
                        self.next()?;
                        break;
                    }
                    if t == Tok::Op("(") {
                        self.next()?;
                    }
                    let mut patterns = Vec::new();
                    loop {
                        match self.next()? {
                            Tok::Word(w, _) => patterns.push(w),
                            Tok::Eof => {
                                return Err(ParseError::new(
                                    "syntax error: unexpected end of file (expecting \"esac\")",
                                ))
                            }
                            t => return Err(unexpected(&t)),
                        }
                        match self.next()? {
                            Tok::Op("|") => continue,
                            Tok::Op(")") => break,
                            t => return Err(unexpected(&t)),
                        }
                    }
                    self.skip_newlines()?;
                    let t = self.peek()?;
                    let body = if t == Tok::Op(";;") || Parser::is_reserved(&t, "esac") {
                        List::default()
                    } else {
                        self.compound_list(&["esac"])?
                    };
                    arms.push(CaseArm { patterns, body });
                    match self.next()? {
                        Tok::Op(";;") => {}
                        t if Parser::is_reserved(&t, "esac") => break,
                        Tok::Eof => {
                            return Err(ParseError::new(
                                "syntax error: unexpected end of file (expecting \"esac\")",
                            ))
                        }
                        t => return Err(unexpected(&t)),
                    }
                }
                Some(Compound::Case { word, arms })
            }
            Tok::Word(..) if RESERVED_ENDS.iter().any(|w| Parser::is_reserved(&t, w)) => {
                return Err(unexpected(&t));
            }
            Tok::Word(..) if ["in"].iter().any(|w| Parser::is_reserved(&t, w)) => None,
            _ => None,
        };
        if let Some(c) = compound {
            let mut redirs = Vec::new();
            while let Some(r) = self.redir()? {
                redirs.push(r);
            }
            return Ok(Command::Compound(Box::new(c), redirs));
        }
        // A function definition: `name ( ) body`.
        if let Tok::Word(_, raw) = &t {
            if is_name(raw) {
                let save = (self.pos, self.peeked.clone(), self.line);
                self.next()?;
                if self.peek()? == Tok::Op("(") {
                    self.next()?;
                    if self.next()? != Tok::Op(")") {
                        return Err(ParseError::new("syntax error: unexpected word"));
                    }
                    self.skip_newlines()?;
                    let body = self.command()?;
                    return Ok(Command::FuncDef(raw.clone(), Rc::new(body)));
                }
                self.pos = save.0;
                self.peeked = save.1;
                self.line = save.2;
            }
        }
        self.simple()
    }

    fn redir(&mut self) -> Result<Option<Redir>, ParseError> {
        let (fd, op_tok) = match self.peek()? {
            Tok::IoNum(n) => {
                self.next()?;
                match self.peek()? {
                    Tok::Op(o) => (Some(n), o),
                    t => return Err(unexpected(&t)),
                }
            }
            Tok::Op(o) => (None, o),
            _ => return Ok(None),
        };
        let op = match op_tok {
            "<" => RedirOp::In,
            ">" | ">|" => RedirOp::Out,
            ">>" => RedirOp::Append,
            "<>" => RedirOp::ReadWrite,
            "<&" => RedirOp::DupIn,
            ">&" => RedirOp::DupOut,
            "&>" => RedirOp::OutErr,
            "<<" | "<<-" => RedirOp::Here,
            _ => return Ok(None),
        };
        self.next()?;
        let (word, raw) = match self.next()? {
            Tok::Word(w, raw) => (w, raw),
            Tok::Eof => return Err(ParseError::new("syntax error: unexpected end of file")),
            t => return Err(unexpected(&t)),
        };
        if op == RedirOp::Here {
            let quoted = raw.contains(['\'', '"', '\\']);
            let delimiter: String = raw
                .chars()
                .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                .collect();
            let h = Rc::new(HereDoc {
                delimiter,
                strip_tabs: op_tok == "<<-",
                expand: !quoted,
                body: OnceCell::new(),
            });
            self.pending_here.push(h.clone());
            return Ok(Some(Redir {
                fd,
                op,
                target: RedirTarget::Here(h),
            }));
        }
        Ok(Some(Redir {
            fd,
            op,
            target: RedirTarget::Word(word),
        }))
    }

    fn simple(&mut self) -> Result<Command, ParseError> {
        let mut cmd = Simple {
            line: self.line,
            ..Simple::default()
        };
        loop {
            if let Some(r) = self.redir()? {
                cmd.redirs.push(r);
                continue;
            }
            match self.peek()? {
                Tok::Word(w, raw) => {
                    self.next()?;
                    if cmd.words.is_empty() {
                        if let Some(a) = assignment(&w, &raw) {
                            cmd.assigns.push(a);
                            continue;
                        }
                    }
                    cmd.words.push(w);
                }
                t => {
                    if cmd.words.is_empty() && cmd.assigns.is_empty() && cmd.redirs.is_empty() {
                        return Err(unexpected(&t));
                    }
                    break;
                }
            }
        }
        Ok(Command::Simple(cmd))
    }
}

/// `name=value` at the start of a simple command.
fn assignment(w: &Word, raw: &str) -> Option<(String, Word)> {
    let eq = raw.find('=')?;
    let name = &raw[..eq];
    if !is_name(name) {
        return None;
    }
    let Some(Part::Lit {
        text,
        quoted: false,
    }) = w.0.first()
    else {
        return None;
    };
    let rest = text.strip_prefix(name)?.strip_prefix('=')?;
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit {
            text: rest.to_string(),
            quoted: false,
        });
    }
    parts.extend(w.0.iter().skip(1).cloned());
    Some((name.to_string(), Word(parts)))
}

fn unexpected(t: &Tok) -> ParseError {
    match t {
        Tok::Eof => ParseError::new("syntax error: unexpected end of file"),
        Tok::Newline => ParseError::new("syntax error: unexpected newline"),
        Tok::Op(o) => ParseError::new(format!("syntax error: unexpected \"{o}\"")),
        Tok::IoNum(n) => ParseError::new(format!("syntax error: unexpected \"{n}\"")),
        Tok::Word(_, raw) => ParseError::new(format!("syntax error: unexpected \"{raw}\"")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordMode {
    Normal,
    DQuote,
    /// The word of `${x:-word}` outside double quotes.
    Brace,
    /// The same inside double quotes.
    BraceQ,
    HereDoc,
    Arith,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_error(src: &str) -> Option<String> {
        let mut p = Parser::new(src, 0);
        loop {
            match p.next_command() {
                Ok(Some(_)) => continue,
                Ok(None) => return None,
                Err(e) => return Some(e.message),
            }
        }
    }

    #[test]
    fn syntax_errors_read_like_ash() {
        let cases = [
            (
                "an if without fi",
                "if true; then echo a",
                "syntax error: unexpected end of file (expecting \"fi\")",
            ),
            (
                "a stray fi",
                "echo a; fi",
                "syntax error: unexpected \"fi\"",
            ),
            (
                "an unterminated single quote",
                "echo 'abc",
                "syntax error: unterminated quoted string",
            ),
            (
                "an unterminated double quote",
                "echo \"abc",
                "syntax error: unterminated quoted string",
            ),
            (
                "a while without done",
                "while true; do echo",
                "syntax error: unexpected end of file (expecting \"done\")",
            ),
            (
                "a numeric for variable",
                "for 1 in a; do :; done",
                "syntax error: bad for loop variable",
            ),
            (
                "a bad substitution",
                "echo ${1a}",
                "syntax error: bad substitution",
            ),
            (
                "an open brace parameter",
                "echo ${",
                "syntax error: missing '}'",
            ),
            (
                "an open subshell",
                "( echo",
                "syntax error: unexpected end of file (expecting \")\")",
            ),
            (
                "an open group",
                "{ echo; ",
                "syntax error: unexpected end of file (expecting \"}\")",
            ),
            ("a leading pipe", "| echo", "syntax error: unexpected \"|\""),
            (
                "a dangling and",
                "echo a &&",
                "syntax error: unexpected end of file",
            ),
            (
                "a redirection without target",
                "echo >",
                "syntax error: unexpected end of file",
            ),
            (
                "a double semicolon outside case",
                "echo ;;",
                "syntax error: unexpected \";;\"",
            ),
            (
                "an empty then",
                "if true; then fi",
                "syntax error: unexpected \"fi\"",
            ),
            (
                "then without a condition",
                "if then fi",
                "syntax error: unexpected \"then\"",
            ),
            (
                "an open arithmetic",
                "echo $((",
                "syntax error: missing '))'",
            ),
            (
                "a case without subject",
                "case",
                "syntax error: unexpected end of file (expecting word)",
            ),
        ];
        for (name, src, want) in cases {
            assert_eq!(first_error(src).as_deref(), Some(want), "{name}");
        }
    }

    #[test]
    fn valid_scripts_parse() {
        let cases = [
            "echo hi > /tmp/x; sleep 5; cat /tmp/x",
            "while true; do echo \"$(date) hi\" >> /var/log/app.log; sleep 5; done",
            "for i in 0 1; do kubectl exec web-$i -- hostname; done",
            "case $x in a|b) echo ab;; (c) echo c;; *) ;; esac",
            "f() { echo $1; }; f a",
            "cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF\n",
            "if [ -f /d/seen ]; then echo second; else touch /d/seen; echo first; fi",
            "x=${y:-default} z=`echo bq` cmd 2>&1 >/dev/null",
            "until nslookup a.$(cat /ns).svc; do echo waiting; sleep 2; done",
            "! true || { false; } && (echo sub)",
        ];
        for src in cases {
            assert_eq!(first_error(src), None, "{src}");
        }
    }

    #[test]
    fn heredoc_bodies_follow_their_line() {
        let mut p = Parser::new("cat <<'EOF'\n$HOME\nEOF\necho after\n", 1);
        let first = p.next_command().unwrap().unwrap();
        let Command::Simple(s) = &first.0[0].and_or.first.commands[0] else {
            panic!("simple command expected")
        };
        let RedirTarget::Here(h) = &s.redirs[0].target else {
            panic!("heredoc expected")
        };
        assert_eq!(
            h.body.get(),
            Some(&Word(vec![Part::Lit {
                text: "$HOME\n".into(),
                quoted: true
            }]))
        );
        assert!(p.next_command().unwrap().is_some());
        assert!(p.next_command().unwrap().is_none());
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let src = "(".repeat(10_000);
        assert!(first_error(&src).is_some());
        let src = "$(".repeat(10_000);
        assert!(first_error(&format!("echo {src}")).is_some());
    }
}
