//! The scanner: GNU bc's flex rules, one token at a time.
//!
//! Tokens are produced on demand because bc interleaves scanning, parsing
//! and running: a line runs as soon as its newline is read, before the next
//! line is scanned, and error messages carry the line count at the moment the
//! scanner reached the offending text.

/// Relational operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Eol,
    /// A string literal's bytes, without the quotes.
    Str(Vec<u8>),
    Name(String),
    /// A number as bc keeps it: leading zeros and a trailing point removed,
    /// line continuations dropped.
    Number(String),
    Define,
    Break,
    Quit,
    Length,
    Return,
    For,
    If,
    While,
    Sqrt,
    Scale,
    Ibase,
    Obase,
    Auto,
    Else,
    Read,
    Random,
    Halt,
    Last,
    Void,
    History,
    Warranty,
    Continue,
    Print,
    Limits,
    Plus,
    Minus,
    Semi,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Caret,
    Star,
    Slash,
    Percent,
    Amp,
    And,
    Or,
    Not,
    /// `=` or a compound assignment: the operator byte (`+ - * / % ^`) or `=`.
    Assign(u8),
    Rel(Rel),
    /// `++` (b'+') or `--` (b'-').
    IncDec(u8),
    Eof,
}

impl Tok {
    /// Tokens that can begin a statement (what yacc's error recovery looks
    /// for after `error`).
    pub fn starts_statement(&self) -> bool {
        matches!(
            self,
            Tok::Str(_)
                | Tok::Name(_)
                | Tok::Number(_)
                | Tok::Break
                | Tok::Quit
                | Tok::Length
                | Tok::Return
                | Tok::For
                | Tok::If
                | Tok::While
                | Tok::Sqrt
                | Tok::Scale
                | Tok::Ibase
                | Tok::Obase
                | Tok::Read
                | Tok::Random
                | Tok::Halt
                | Tok::Last
                | Tok::History
                | Tok::Warranty
                | Tok::Continue
                | Tok::Print
                | Tok::Limits
                | Tok::Minus
                | Tok::LParen
                | Tok::LBrace
                | Tok::Not
                | Tok::IncDec(_)
        )
    }
}

/// What the scanner reports besides tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexEvent {
    /// A `yyerror` from the scanner, e.g. `illegal character: @`, with the
    /// line count when it was found.
    Error(Vec<u8>, usize),
    /// A message printed without the file/line prefix.
    Plain(&'static str),
    /// An input that cannot be opened; bc prints this and exits.
    Unavailable(String),
}

/// The scanner over bc's inputs in order: files, then standard input. The
/// line count restarts with each input, as bc's does.
pub struct Lexer {
    src: Vec<u8>,
    pos: usize,
    /// bc's `line_no`: 1 plus the newlines scanned so far in this input.
    pub line: usize,
    /// The current input's name; `None` is standard input.
    pub name: Option<String>,
    rest: std::collections::VecDeque<(Option<String>, Option<Vec<u8>>)>,
    /// bc met an input it could not open and exits (status 1).
    pub unavailable: bool,
    pub events: Vec<LexEvent>,
    /// Inside a `#` comment (flex's inclusive `slcomment` state).
    in_comment: bool,
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_uppercase()
}

fn keyword(word: &str) -> Option<Tok> {
    Some(match word {
        "define" => Tok::Define,
        "break" => Tok::Break,
        "quit" => Tok::Quit,
        "length" => Tok::Length,
        "return" => Tok::Return,
        "for" => Tok::For,
        "if" => Tok::If,
        "while" => Tok::While,
        "sqrt" => Tok::Sqrt,
        "scale" => Tok::Scale,
        "ibase" => Tok::Ibase,
        "obase" => Tok::Obase,
        "auto" => Tok::Auto,
        "else" => Tok::Else,
        "read" => Tok::Read,
        "random" => Tok::Random,
        "halt" => Tok::Halt,
        "last" => Tok::Last,
        "void" => Tok::Void,
        "history" => Tok::History,
        "warranty" => Tok::Warranty,
        "continue" => Tok::Continue,
        "print" => Tok::Print,
        "limits" => Tok::Limits,
        _ => return None,
    })
}

impl Lexer {
    /// The inputs in order: a name (`None` for standard input) and the
    /// contents (`None` if the file cannot be read).
    pub fn new(inputs: Vec<(Option<String>, Option<Vec<u8>>)>) -> Lexer {
        let mut lexer = Lexer {
            src: Vec::new(),
            pos: 0,
            line: 1,
            name: None,
            rest: inputs.into(),
            unavailable: false,
            events: Vec::new(),
            in_comment: false,
        };
        lexer.next_input();
        lexer
    }

    /// Moves to the next input at the end of this one; false when none is
    /// left or the next one cannot be read (bc gives up there).
    fn next_input(&mut self) -> bool {
        match self.rest.pop_front() {
            Some((name, Some(src))) => {
                self.name = name;
                self.src = src;
                self.pos = 0;
                self.line = 1;
                true
            }
            Some((name, None)) => {
                let name = name.unwrap_or_default();
                self.events.push(LexEvent::Unavailable(format!(
                    "File {name} is unavailable.\n"
                )));
                self.unavailable = true;
                self.rest.clear();
                self.src.clear();
                self.pos = 0;
                false
            }
            None => false,
        }
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    /// Length of a run of digits and `\`-newline pairs starting at `at`.
    fn digit_run(&self, mut at: usize) -> usize {
        let start = at;
        loop {
            match self.src.get(at) {
                Some(&b) if is_digit(b) => at += 1,
                Some(b'\\') if self.src.get(at + 1) == Some(&b'\n') => at += 2,
                _ => return at - start,
            }
        }
    }

    /// Does a number start at `at`? A digit, or a point followed by
    /// (continuations and) a digit.
    fn number_len(&self, at: usize) -> usize {
        match self.src.get(at) {
            Some(&b) if is_digit(b) => {
                let mut end = at + self.digit_run(at);
                if self.src.get(end) == Some(&b'.') {
                    end += 1;
                    end += self.digit_run(end);
                }
                end - at
            }
            Some(b'.') => {
                let mut p = at + 1;
                while self.src.get(p) == Some(&b'\\') && self.src.get(p + 1) == Some(&b'\n') {
                    p += 2;
                }
                match self.src.get(p) {
                    Some(&b) if is_digit(b) => p + self.digit_run(p) - at,
                    _ => 0,
                }
            }
            _ => 0,
        }
    }

    fn illegal(&mut self, b: u8) {
        // bc's chars are signed: bytes above 0x7f print as control letters.
        let signed = b as i8;
        let msg: Vec<u8> = if signed < b' ' as i8 {
            let mut m = b"illegal character: ^".to_vec();
            m.push((signed as u8).wrapping_add(b'@'));
            m
        } else if b > b'~' {
            format!("illegal character: \\{b:03o}").into_bytes()
        } else {
            let mut m = b"illegal character: ".to_vec();
            m.push(b);
            m
        };
        self.events.push(LexEvent::Error(msg, self.line));
    }

    /// The next token; messages land in `events`.
    pub fn next_token(&mut self) -> Tok {
        loop {
            let Some(b) = self.peek_at(0) else {
                if self.next_input() {
                    continue;
                }
                // bc's end-of-input hook resets the line count before it
                // finds there is no further file.
                self.line = 1;
                return Tok::Eof;
            };
            if self.in_comment && b != b'\n' {
                if let Some(tok) = self.comment_text() {
                    return tok;
                }
                continue;
            }
            match b {
                b' ' | b'\t' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.in_comment = false;
                    return Tok::Eol;
                }
                b'\\' if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                b'#' => {
                    self.pos += 1;
                    self.in_comment = true;
                }
                b'/' if self.peek_at(1) == Some(b'*') => {
                    self.pos += 2;
                    if !self.skip_comment() {
                        self.events
                            .push(LexEvent::Plain("EOF encountered in a comment.\n"));
                    }
                }
                b'"' => {
                    let rest = &self.src[self.pos + 1..];
                    match rest.iter().position(|&c| c == b'"') {
                        Some(end) => {
                            let body = rest[..end].to_vec();
                            self.line += body.iter().filter(|&&c| c == b'\n').count();
                            self.pos += end + 2;
                            if body.contains(&0) {
                                self.events.push(LexEvent::Error(
                                    b"NUL character in string.".to_vec(),
                                    self.line,
                                ));
                            }
                            return Tok::Str(body);
                        }
                        None => {
                            self.pos += 1;
                            self.illegal(b'"');
                        }
                    }
                }
                b'a'..=b'z' => {
                    let start = self.pos;
                    while matches!(self.peek_at(0), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
                    {
                        self.pos += 1;
                    }
                    let word = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
                    return keyword(&word).unwrap_or(Tok::Name(word));
                }
                _ => {
                    let len = self.number_len(self.pos);
                    if len > 0 {
                        return self.number(len);
                    }
                    if let Some(tok) = self.operator() {
                        return tok;
                    }
                    self.pos += 1;
                    self.illegal(b);
                }
            }
        }
    }

    /// Inside a `#` comment flex still tries every rule and takes the
    /// longest match, so the rest of the line is skipped unless a token that
    /// runs past the newline starts here: a number or string continued onto
    /// the next line, or a `\`-newline. Such a token is returned (or the
    /// continuation skipped) and the comment goes on after it.
    fn comment_text(&mut self) -> Option<Tok> {
        let rest = &self.src[self.pos..];
        let line_len = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        let number = self.number_len(self.pos);
        if number > line_len {
            return Some(self.number(number));
        }
        if rest.first() == Some(&b'"') {
            if let Some(end) = rest[1..].iter().position(|&c| c == b'"') {
                if end + 2 > line_len {
                    let body = rest[1..end + 1].to_vec();
                    self.line += body.iter().filter(|&&c| c == b'\n').count();
                    self.pos += end + 2;
                    return Some(Tok::Str(body));
                }
            }
        }
        if line_len == 1 && rest.first() == Some(&b'\\') && rest.get(1) == Some(&b'\n') {
            self.pos += 2;
            self.line += 1;
            return None;
        }
        self.pos += line_len;
        self.in_comment = false;
        None
    }

    /// Skips a `/* */` comment body; false if the input ended inside it.
    fn skip_comment(&mut self) -> bool {
        loop {
            let Some(c) = self.peek_at(0) else {
                return false;
            };
            self.pos += 1;
            if c == b'\n' {
                self.line += 1;
            } else if c == b'*' {
                while self.peek_at(0) == Some(b'*') {
                    self.pos += 1;
                }
                match self.peek_at(0) {
                    Some(b'/') => {
                        self.pos += 1;
                        return true;
                    }
                    Some(b'\n') => {
                        self.pos += 1;
                        self.line += 1;
                    }
                    Some(_) => self.pos += 1,
                    None => return false,
                }
            }
        }
    }

    /// A number token, tidied the way bc's scanner action does it: drop a
    /// trailing point, leading zeros and `\`-newline pairs, editing flex's
    /// buffer in place. When the token ends in a `\`-newline that edit runs
    /// past the token and shifts the rest of the input left by two bytes,
    /// leaving a NUL near its end (later an "illegal character: ^@"); the
    /// same happens here so the input reads on exactly as bc sees it.
    fn number(&mut self, len: usize) -> Tok {
        let start = self.pos;
        let end = start + len;
        // The token, its NUL terminator, the rest of the buffer, the buffer's
        // end-of-buffer NULs.
        let mut buf: Vec<u8> = Vec::with_capacity(self.src.len() - start + 3);
        buf.extend_from_slice(&self.src[start..end]);
        buf.push(0);
        buf.extend_from_slice(self.src.get(end + 1..).unwrap_or(&[]));
        buf.extend_from_slice(&[0, 0]);
        let at = |buf: &Vec<u8>, i: usize| buf.get(i).copied().unwrap_or(0);
        if len > 0 && buf[len - 1] == b'.' {
            buf[len - 1] = 0;
        }
        let mut src = 0;
        while at(&buf, src) == b'0' {
            src += 1;
        }
        if at(&buf, src) == 0 {
            src = src.saturating_sub(1);
        }
        let mut dst = 0;
        while at(&buf, src) != 0 {
            if at(&buf, src) == b'\\' {
                src += 2;
                self.line += 1;
            }
            if at(&buf, src) == b',' {
                src += 1;
            } else {
                let c = at(&buf, src);
                if let Some(slot) = buf.get_mut(dst) {
                    *slot = c;
                }
                dst += 1;
                src += 1;
            }
        }
        if let Some(slot) = buf.get_mut(dst) {
            *slot = 0;
        }
        let text_len = buf.iter().position(|&c| c == 0).unwrap_or(buf.len());
        let text = String::from_utf8_lossy(&buf[..text_len]).into_owned();
        // Writes beyond the token land in the input still to be scanned
        // (flex puts the byte it replaced by the terminator back afterwards).
        if src > len {
            for (k, &b) in buf.iter().enumerate().skip(len + 1) {
                match self.src.get_mut(start + k) {
                    Some(slot) => *slot = b,
                    None => break,
                }
            }
        }
        self.pos = end;
        Tok::Number(text)
    }

    fn operator(&mut self) -> Option<Tok> {
        let b = self.peek_at(0)?;
        let next = self.peek_at(1);
        let (tok, len) = match (b, next) {
            (b'=', Some(b'=')) => (Tok::Rel(Rel::Eq), 2),
            (b'<', Some(b'=')) => (Tok::Rel(Rel::Le), 2),
            (b'>', Some(b'=')) => (Tok::Rel(Rel::Ge), 2),
            (b'!', Some(b'=')) => (Tok::Rel(Rel::Ne), 2),
            (b'&', Some(b'&')) => (Tok::And, 2),
            (b'|', Some(b'|')) => (Tok::Or, 2),
            (b'+', Some(b'+')) => (Tok::IncDec(b'+'), 2),
            (b'-', Some(b'-')) => (Tok::IncDec(b'-'), 2),
            (b'+' | b'-' | b'*' | b'/' | b'%' | b'^', Some(b'=')) => (Tok::Assign(b), 2),
            (b'=', _) => (Tok::Assign(b'='), 1),
            (b'<', _) => (Tok::Rel(Rel::Lt), 1),
            (b'>', _) => (Tok::Rel(Rel::Gt), 1),
            (b'!', _) => (Tok::Not, 1),
            (b'.', _) => (Tok::Last, 1),
            (b'+', _) => (Tok::Plus, 1),
            (b'-', _) => (Tok::Minus, 1),
            (b';', _) => (Tok::Semi, 1),
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'{', _) => (Tok::LBrace, 1),
            (b'}', _) => (Tok::RBrace, 1),
            (b'[', _) => (Tok::LBracket, 1),
            (b']', _) => (Tok::RBracket, 1),
            (b',', _) => (Tok::Comma, 1),
            (b'^', _) => (Tok::Caret, 1),
            (b'*', _) => (Tok::Star, 1),
            (b'/', _) => (Tok::Slash, 1),
            (b'%', _) => (Tok::Percent, 1),
            (b'&', _) => (Tok::Amp, 1),
            _ => return None,
        };
        self.pos += len;
        Some(tok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> (Vec<Tok>, Vec<LexEvent>, usize) {
        let mut lx = Lexer::new(vec![(None, Some(src.as_bytes().to_vec()))]);
        let mut out = Vec::new();
        let mut line = lx.line;
        loop {
            let t = lx.next_token();
            if t == Tok::Eof {
                break;
            }
            line = lx.line;
            out.push(t);
        }
        (out, lx.events, line)
    }

    fn number(s: &str) -> Tok {
        Tok::Number(s.to_string())
    }

    #[test]
    fn numbers_are_normalised_like_bc() {
        for (name, src, want) in [
            ("leading zeros dropped", "007", number("7")),
            ("all zeros keep one", "000", number("0")),
            ("zero point five loses its zero", "0.5", number(".5")),
            ("trailing point dropped", "12.", number("12")),
            ("upper-case letters are digits", "FF", number("FF")),
            ("continuation inside a number", "12\\\n34", number("1234")),
        ] {
            let (toks, _, _) = tokens(src);
            assert_eq!(toks, vec![want], "{name}");
        }
    }

    #[test]
    fn operators_and_words() {
        let (toks, events, _) = tokens("a+=b++ == .5 && !c; x=-1 . last");
        assert!(events.is_empty());
        assert_eq!(
            toks,
            vec![
                Tok::Name("a".into()),
                Tok::Assign(b'+'),
                Tok::Name("b".into()),
                Tok::IncDec(b'+'),
                Tok::Rel(Rel::Eq),
                number(".5"),
                Tok::And,
                Tok::Not,
                Tok::Name("c".into()),
                Tok::Semi,
                Tok::Name("x".into()),
                Tok::Assign(b'='),
                Tok::Minus,
                number("1"),
                Tok::Last,
                Tok::Last,
            ]
        );
    }

    #[test]
    fn comments_strings_and_lines() {
        let (toks, events, line) = tokens("/* a\nb */ \"x\ny\" # note\n5");
        assert!(events.is_empty());
        assert_eq!(
            toks,
            vec![Tok::Str(b"x\ny".to_vec()), Tok::Eol, number("5")]
        );
        assert_eq!(line, 4);
    }

    #[test]
    fn end_of_input_resets_the_line_count() {
        let mut lx = Lexer::new(vec![(None, Some(b"1\n2".to_vec()))]);
        while lx.next_token() != Tok::Eof {}
        assert_eq!(lx.line, 1, "bc reports errors at end of input on line 1");
    }

    #[test]
    fn bad_input_is_reported_not_fatal() {
        let (toks, events, _) = tokens("1 @ \"open\n$\r");
        assert_eq!(toks[0], number("1"));
        assert_eq!(
            events,
            vec![
                LexEvent::Error(b"illegal character: @".to_vec(), 1),
                LexEvent::Error(b"illegal character: \"".to_vec(), 1),
                LexEvent::Error(b"illegal character: $".to_vec(), 2),
                LexEvent::Error(b"illegal character: ^M".to_vec(), 2),
            ]
        );
        let (_, events, _) = tokens("/* never closed");
        assert_eq!(
            events,
            vec![LexEvent::Plain("EOF encountered in a comment.\n")]
        );
    }
}
