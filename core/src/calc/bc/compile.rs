//! The parser and code generator: bc's yacc grammar as recursive descent,
//! emitting GNU bc's byte code in the same order its grammar actions do.
//!
//! Code goes into `(main)` or the function being defined. A top-level line
//! runs when its newline is read; a function definition when its closing
//! brace is. Syntax errors recover the way bc's yacc parser does: report
//! once, skip to a token that can start a statement (or, at the start of a
//! line, to the end of the line) and drop the code of the whole input item.

use std::collections::BTreeMap;

use super::lex::{LexEvent, Lexer, Rel, Tok};
use super::vm::{Bc, Param, Stop};

/// Expression attributes, as bc's grammar tracks them.
const EX_ASSGN: u8 = 0;
const EX_REG: u8 = 1;
const EX_COMP: u8 = 2;
const EX_PAREN: u8 = 4;
const EX_VOID: u8 = 8;
const EX_EMPTY: u16 = 16;

/// Operator precedence, lowest first (bc.y's %left/%right lines).
const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_NOT: u8 = 3;
const PREC_REL: u8 = 4;
const PREC_ASSIGN: u8 = 5;
const PREC_ADD: u8 = 6;
const PREC_MUL: u8 = 7;
const PREC_POW: u8 = 8;
const PREC_UNARY: u8 = 9;

/// Identifiers beyond this are refused, as bc's MAX_STORE.
const MAX_STORE: i32 = 32767;

/// Nesting depth of statements, operands and operator levels. GNU bc's
/// parser stack allows a few thousand levels of nesting; a recursive parser
/// on a small (browser) stack stops at a few hundred.
const MAX_DEPTH: u32 = 1000;

/// Names and their numbers, one table per program (the math library is
/// compiled with its own).
#[derive(Debug)]
pub struct Symbols {
    ids: BTreeMap<String, SymbolIds>,
    next_var: i32,
    next_array: i32,
    next_func: usize,
    /// bc stores a variable's name one slot below its number and prints the
    /// slot at its number in messages; kept that way for identical output.
    pub var_names: BTreeMap<i32, String>,
    pub array_names: BTreeMap<i32, String>,
}

#[derive(Clone, Copy, Debug, Default)]
struct SymbolIds {
    var: i32,
    array: i32,
    func: usize,
}

impl Default for Symbols {
    fn default() -> Symbols {
        Symbols {
            ids: BTreeMap::new(),
            // 0 ibase, 1 obase, 2 scale, 3 history, 4 last.
            next_var: 5,
            next_array: 1,
            next_func: 1,
            var_names: BTreeMap::new(),
            array_names: BTreeMap::new(),
        }
    }
}

impl Symbols {
    fn entry(&mut self, name: &str) -> &mut SymbolIds {
        self.ids.entry(name.to_string()).or_default()
    }

    fn var(&mut self, name: &str) -> Option<i32> {
        let next = self.next_var;
        let ids = self.entry(name);
        if ids.var != 0 {
            return Some(ids.var);
        }
        if next > MAX_STORE {
            return None;
        }
        ids.var = next;
        self.next_var += 1;
        self.var_names.insert(next - 1, name.to_string());
        Some(next)
    }

    fn array(&mut self, name: &str) -> Option<i32> {
        let next = self.next_array;
        let ids = self.entry(name);
        if ids.array != 0 {
            return Some(ids.array);
        }
        if next >= MAX_STORE {
            return None;
        }
        ids.array = next;
        self.next_array += 1;
        self.array_names.insert(next, name.to_string());
        Some(next)
    }

    /// A function's number; `define` of a math-library function gives the
    /// name a fresh number so the library keeps calling its own.
    fn func(&mut self, name: &str, defining: bool, library_count: usize) -> Option<(usize, bool)> {
        let next = self.next_func;
        let ids = self.entry(name);
        if ids.func != 0 {
            if defining && ids.func <= library_count {
                ids.func = next;
                self.next_func += 1;
                return Some((next, true));
            }
            return Some((ids.func, false));
        }
        if next >= MAX_STORE as usize {
            return None;
        }
        ids.func = next;
        self.next_func += 1;
        Some((next, true))
    }

    /// The number a function name has, if any.
    pub fn func_id(&self, name: &str) -> Option<usize> {
        self.ids.get(name).map(|ids| ids.func).filter(|&id| id != 0)
    }

    /// Registers a function under a fixed number (the library's names in a
    /// user program).
    pub fn preset_func(&mut self, name: &str, id: usize) {
        self.entry(name).func = id;
        self.next_func = self.next_func.max(id + 1);
    }
}

/// Why parsing stopped.
pub enum Abort {
    /// A syntax error, reported; recovery happens in the enclosing list.
    Syntax,
    /// The program ends (quit, halt, end of input after an error, a limit).
    Stop(Stop),
}

impl From<Stop> for Abort {
    fn from(s: Stop) -> Abort {
        Abort::Stop(s)
    }
}

type PResult<T> = Result<T, Abort>;

/// Where a syntax error recovers: bc's grammar has two `error` rules, and
/// which one applies depends on how much of the line was parsed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Recovery {
    /// The start of a top-level item: the rest of the line may be dropped.
    LineStart,
    /// Inside a statement after `;`, or inside braces: only a statement
    /// restarts parsing (newlines are skipped like any other token).
    Statement,
}

enum Resumed {
    EndOfLine,
    Statement,
}

/// A variable or array element as an operand.
#[derive(Clone, Copy)]
enum Named {
    Var(i32),
    /// The element index's code has already been emitted.
    Array(i32),
}

pub struct Parser<'b> {
    bc: &'b mut Bc,
    lex: Lexer,
    ahead: Option<Tok>,
    /// yacc's error state: tokens to shift before errors are reported again.
    errstatus: u8,
    had_error: bool,
    did_gen: bool,
    /// Where generated code goes: 0 is `(main)`.
    target: usize,
    break_label: u32,
    continue_label: u32,
    next_label: u32,
    if_label: u32,
    cur_func: Option<usize>,
    /// Functions numbered at or below this are the math library's.
    library_count: usize,
    /// Nesting of statements and operands, bounded like yacc's stack.
    depth: u32,
}

impl<'b> Parser<'b> {
    pub fn new(bc: &'b mut Bc, lex: Lexer, library_count: usize) -> Parser<'b> {
        Parser {
            bc,
            lex,
            ahead: None,
            errstatus: 0,
            had_error: false,
            did_gen: false,
            target: 0,
            break_label: 0,
            continue_label: 0,
            next_label: 1,
            if_label: 0,
            cur_func: None,
            library_count,
            depth: 0,
        }
    }

    // ----- tokens -------------------------------------------------------

    fn peek(&mut self) -> &Tok {
        if self.ahead.is_none() {
            let tok = self.lex.next_token();
            self.report_lex_events();
            self.ahead = Some(tok);
        }
        self.ahead.as_ref().unwrap_or(&Tok::Eof)
    }

    fn peek_is(&mut self, t: &Tok) -> bool {
        self.peek() == t
    }

    /// Shifts the lookahead.
    fn bump(&mut self) -> Tok {
        self.peek();
        self.errstatus = self.errstatus.saturating_sub(1);
        self.ahead.take().unwrap_or(Tok::Eof)
    }

    fn expect(&mut self, t: &Tok) -> PResult<()> {
        if self.peek_is(t) {
            self.bump();
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    fn report_lex_events(&mut self) {
        for event in std::mem::take(&mut self.lex.events) {
            match event {
                LexEvent::Error(msg, line) => self.yyerror_at(&msg, line),
                LexEvent::Plain(msg) => self.bc.message(msg.as_bytes()),
                LexEvent::Unavailable(msg) => self.bc.message(msg.as_bytes()),
            }
        }
    }

    // ----- diagnostics ------------------------------------------------------

    fn yyerror(&mut self, msg: &str) {
        self.yyerror_bytes(msg.as_bytes());
    }

    fn yyerror_bytes(&mut self, msg: &[u8]) {
        self.yyerror_at(msg, self.lex.line);
    }

    fn yyerror_at(&mut self, msg: &[u8], line_no: usize) {
        let name = self
            .lex
            .name
            .clone()
            .unwrap_or_else(|| "(standard_in)".to_string());
        let mut line = format!("{name} {line_no}: ").into_bytes();
        line.extend_from_slice(msg);
        line.push(b'\n');
        self.bc.message(&line);
        self.had_error = true;
    }

    /// Reports a syntax error (unless recovering from one) and, as yacc does
    /// right after an error, drops the offending token.
    fn syntax_error(&mut self) -> Abort {
        self.peek();
        if self.lex.unavailable {
            // bc exited when it failed to open the next input.
            return Abort::Stop(Stop::Exit(1));
        }
        if self.errstatus == 0 {
            self.yyerror("syntax error");
        }
        if self.errstatus == 3 && !self.peek_is(&Tok::Eof) {
            self.ahead = None;
        }
        Abort::Syntax
    }

    /// How the program ends at end of input: normally, or with status 1
    /// when an input could not be opened.
    fn end_of_input(&self) -> Stop {
        if self.lex.unavailable {
            Stop::Exit(1)
        } else {
            Stop::Exit(0)
        }
    }

    /// After an error: skip tokens until one the error rules accept.
    fn recover(&mut self, kind: Recovery) -> PResult<Resumed> {
        self.errstatus = 3;
        loop {
            let tok = self.peek().clone();
            match tok {
                Tok::Eof => return Err(Abort::Stop(self.end_of_input())),
                Tok::Eol if kind == Recovery::LineStart => {
                    self.bump();
                    // `error ENDOFLINE { yyerrok; init_gen (); }`
                    self.errstatus = 0;
                    self.init_gen();
                    return Ok(Resumed::EndOfLine);
                }
                t if t.starts_statement() => return Ok(Resumed::Statement),
                _ => self.ahead = None,
            }
        }
    }

    // ----- code generation ------------------------------------------------

    fn emit(&mut self, bytes: &[u8]) {
        self.did_gen = true;
        if self.had_error {
            return;
        }
        if let Some(f) = self.bc.funcs.get_mut(self.target) {
            f.code.extend_from_slice(bytes);
        }
    }

    /// An instruction with a variable, array or function number.
    fn emit_id(&mut self, op: u8, id: usize) {
        if id < 128 {
            self.emit(&[op, id as u8]);
        } else {
            self.emit(&[op, ((id >> 8) as u8 & 0x7f) | 0x80, (id & 0xff) as u8]);
        }
    }

    fn emit_jump(&mut self, op: u8, label: u32) -> PResult<()> {
        if label > 65535 {
            self.bc.message(b"Program too big.\n");
            return Err(Abort::Stop(Stop::Exit(1)));
        }
        self.emit(&[op, (label & 0xff) as u8, (label >> 8) as u8]);
        Ok(())
    }

    fn def_label(&mut self, label: u32) {
        self.did_gen = true;
        if self.had_error {
            return;
        }
        if let Some(f) = self.bc.funcs.get_mut(self.target) {
            let at = f.code.len();
            let slot = label as usize;
            if f.labels.len() <= slot {
                f.labels.resize(slot + 1, None);
            }
            f.labels[slot] = Some(at);
        }
    }

    fn new_label(&mut self) -> u32 {
        let l = self.next_label;
        self.next_label += 1;
        l
    }

    /// A constant: `0` and `1` have their own instructions, anything else is
    /// `K` followed by digit values and `:`.
    fn emit_number(&mut self, text: &str) {
        match text {
            "0" => self.emit(b"0"),
            "1" => self.emit(b"1"),
            _ => {
                // As bc's loader converts constant text: letters (and the
                // odd backslash a scanner quirk can leave) become values
                // from 10 up, newlines vanish.
                let mut code = vec![b'K'];
                for b in text.bytes() {
                    match b {
                        b'\n' => {}
                        b'.' => code.push(b'.'),
                        b'A'.. => code.push((b - b'A').wrapping_add(10)),
                        _ => code.push(b.wrapping_sub(b'0')),
                    }
                }
                code.push(b':');
                self.emit(&code);
            }
        }
    }

    fn emit_load(&mut self, named: Named) {
        match named {
            Named::Var(id) => self.emit_id(b'l', id as usize),
            Named::Array(id) => self.emit_id(b'L', id as usize),
        }
    }

    fn init_gen(&mut self) {
        self.break_label = 0;
        self.continue_label = 0;
        self.next_label = 1;
        self.target = 0;
        self.bc.clear_func(0);
        self.had_error = false;
        self.did_gen = false;
    }

    /// bc's run_code: run the line (unless it had errors), then start afresh.
    fn run_code(&mut self) -> PResult<()> {
        let run = !self.had_error && self.did_gen;
        let result = if run { self.bc.execute() } else { Ok(()) };
        if self.did_gen {
            self.init_gen();
        } else {
            self.had_error = false;
        }
        result.map_err(Abort::Stop)
    }

    // ----- symbols ------------------------------------------------------------

    fn too_many(&mut self, what: &str) -> Abort {
        self.yyerror(&format!("Too many {what}"));
        Abort::Stop(Stop::Exit(1))
    }

    fn lookup_var(&mut self, name: &str) -> PResult<i32> {
        match self.bc.syms.var(name) {
            Some(id) => Ok(id),
            None => Err(self.too_many("variables")),
        }
    }

    fn lookup_array(&mut self, name: &str) -> PResult<i32> {
        match self.bc.syms.array(name) {
            Some(id) => Ok(id),
            None => Err(self.too_many("array variables")),
        }
    }

    fn lookup_func(&mut self, name: &str, defining: bool) -> PResult<usize> {
        match self.bc.syms.func(name, defining, self.library_count) {
            Some((id, fresh)) => {
                if fresh {
                    self.bc.ensure_func(id, name);
                }
                Ok(id)
            }
            None => Err(self.too_many("functions")),
        }
    }

    // ----- program structure ----------------------------------------------

    /// Parses and runs everything; returns how the program ended.
    pub fn program(&mut self) -> Stop {
        loop {
            let step = if self.peek_is(&Tok::Eof) {
                return self.end_of_input();
            } else if self.peek_is(&Tok::Define) {
                self.function_item()
            } else {
                self.line_item()
            };
            if let Err(Abort::Stop(stop)) = step {
                return stop;
            }
        }
    }

    fn function_item(&mut self) -> PResult<()> {
        match self.function() {
            Ok(()) => self.run_code(),
            Err(Abort::Syntax) => match self.recover(Recovery::LineStart)? {
                Resumed::EndOfLine => Ok(()),
                Resumed::Statement => self.line_rest(true),
            },
            Err(stop) => Err(stop),
        }
    }

    /// One top-level line: `semicolon_list ENDOFLINE`.
    fn line_item(&mut self) -> PResult<()> {
        self.line_rest(false)
    }

    /// The rest of a top-level line; `resume_statement` when recovery left
    /// a statement to parse first.
    fn line_rest(&mut self, mut resume_statement: bool) -> PResult<()> {
        let mut after_statement = false;
        let mut after_semicolon = false;
        loop {
            let outcome = if resume_statement {
                resume_statement = false;
                let kind = if after_semicolon {
                    Recovery::Statement
                } else {
                    Recovery::LineStart
                };
                self.statement().map_err(|e| (e, kind))
            } else {
                match self.peek().clone() {
                    Tok::Eol => {
                        self.bump();
                        return self.run_code();
                    }
                    Tok::Semi => {
                        self.bump();
                        after_semicolon = true;
                        after_statement = false;
                        continue;
                    }
                    t if !after_statement && t.starts_statement() => {
                        let kind = if after_semicolon {
                            Recovery::Statement
                        } else {
                            Recovery::LineStart
                        };
                        self.statement().map_err(|e| (e, kind))
                    }
                    // Right after a `;` yacc is still in the state that
                    // expects a statement (it does not reduce by default in
                    // a state that can shift `error`), so it recovers there.
                    _ if after_semicolon => Err((self.syntax_error(), Recovery::Statement)),
                    _ => Err((self.syntax_error(), Recovery::LineStart)),
                }
            };
            match outcome {
                Ok(()) => {
                    after_statement = true;
                    after_semicolon = false;
                }
                Err((Abort::Syntax, kind)) => match self.recover(kind)? {
                    Resumed::EndOfLine => return Ok(()),
                    Resumed::Statement => {
                        resume_statement = true;
                        after_statement = false;
                    }
                },
                Err((stop, _)) => return Err(stop),
            }
        }
    }

    /// `statement_list` inside braces or a function body, up to (not
    /// including) the closing brace.
    fn statement_list(&mut self) -> PResult<()> {
        let mut after_statement = false;
        let mut resume = false;
        loop {
            let outcome = if resume {
                resume = false;
                self.statement()
            } else {
                match self.peek().clone() {
                    Tok::RBrace => return Ok(()),
                    Tok::Eol | Tok::Semi => {
                        self.bump();
                        after_statement = false;
                        continue;
                    }
                    t if !after_statement && t.starts_statement() => self.statement(),
                    _ => Err(self.syntax_error()),
                }
            };
            match outcome {
                Ok(()) => after_statement = true,
                Err(Abort::Syntax) => {
                    self.recover(Recovery::Statement)?;
                    resume = true;
                    after_statement = false;
                }
                Err(stop) => return Err(stop),
            }
        }
    }

    fn function(&mut self) -> PResult<()> {
        self.bump(); // define
        let is_void = if self.peek_is(&Tok::Void) {
            self.bump();
            true
        } else {
            false
        };
        let name = match self.peek().clone() {
            Tok::Name(n) => {
                self.bump();
                n
            }
            _ => return Err(self.syntax_error()),
        };
        self.expect(&Tok::LParen)?;
        let params = if self.peek_is(&Tok::RParen) {
            Vec::new()
        } else {
            self.define_list()?
        };
        self.expect(&Tok::RParen)?;
        if self.peek_is(&Tok::Eol) {
            self.bump();
        }
        self.expect(&Tok::LBrace)?;
        while self.peek_is(&Tok::Eol) {
            self.bump();
        }
        let autos = if self.peek_is(&Tok::Auto) {
            self.bump();
            let list = self.define_list()?;
            if self.peek_is(&Tok::Eol) || self.peek_is(&Tok::Semi) {
                self.bump();
            } else {
                return Err(self.syntax_error());
            }
            list
        } else {
            Vec::new()
        };
        self.check_params(&params, &autos);
        let id = self.lookup_func(&name, true)?;
        self.cur_func = Some(id);
        self.did_gen = true;
        if !self.had_error {
            // Loading `F`: the function is cleared and becomes the target.
            self.bc.clear_func(id);
            if let Some(f) = self.bc.funcs.get_mut(id) {
                f.params = params.iter().rev().copied().collect();
                f.autos = autos.iter().rev().map(|p| p.id).collect();
            }
            self.target = id;
        }
        if let Some(f) = self.bc.funcs.get_mut(id) {
            f.is_void = is_void;
        }
        let saved_label = self.next_label;
        self.next_label = 1;
        let body = self.statement_list();
        let body = body.and_then(|()| self.expect(&Tok::RBrace));
        if let Err(e) = body {
            self.next_label = saved_label;
            self.cur_func = None;
            return Err(e);
        }
        self.emit(b"0R");
        if !self.had_error {
            if let Some(f) = self.bc.funcs.get_mut(id) {
                f.defined = true;
            }
            self.target = 0;
        }
        self.next_label = saved_label;
        self.cur_func = None;
        Ok(())
    }

    /// Parameters or autos: `x`, `a[]`, `*a[]`, `&a[]`, comma-separated.
    fn define_list(&mut self) -> PResult<Vec<Param>> {
        let mut list = Vec::new();
        loop {
            let by_ref = if self.peek_is(&Tok::Star) || self.peek_is(&Tok::Amp) {
                self.bump();
                true
            } else {
                false
            };
            let name = match self.peek().clone() {
                Tok::Name(n) => {
                    self.bump();
                    n
                }
                _ => return Err(self.syntax_error()),
            };
            if by_ref || self.peek_is(&Tok::LBracket) {
                self.expect(&Tok::LBracket)?;
                self.expect(&Tok::RBracket)?;
                let id = self.lookup_array(&name)?;
                list.push(Param { id: -id, by_ref });
            } else {
                let id = self.lookup_var(&name)?;
                list.push(Param { id, by_ref: false });
            }
            if self.peek_is(&Tok::Comma) {
                self.bump();
            } else {
                return Ok(list);
            }
        }
    }

    fn check_params(&mut self, params: &[Param], autos: &[Param]) {
        // bc walks its lists newest first; the messages are the same.
        for (i, p) in params.iter().enumerate() {
            if params[i + 1..].iter().any(|q| q.id == p.id) {
                self.yyerror("duplicate parameter names");
            }
        }
        for (i, a) in autos.iter().enumerate() {
            if autos[i + 1..].iter().any(|q| q.id == a.id) {
                self.yyerror("duplicate auto variable names");
            }
            if a.by_ref {
                self.yyerror("* not allowed here");
            }
        }
        for p in params {
            for a in autos {
                if a.id == p.id {
                    self.yyerror("variable in both parameter and auto lists");
                }
            }
        }
    }

    // ----- statements -----------------------------------------------------------

    fn statement(&mut self) -> PResult<()> {
        self.enter()?;
        let result = self.statement_inner();
        self.depth -= 1;
        result
    }

    /// Guards the recursion: bc's parser stack is finite too, and a parser
    /// that runs out of it reports "memory exhausted" and stops.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            self.yyerror("memory exhausted");
            return Err(Abort::Stop(Stop::Exit(0)));
        }
        self.depth += 1;
        Ok(())
    }

    fn statement_inner(&mut self) -> PResult<()> {
        match self.peek().clone() {
            Tok::Warranty => {
                self.bump();
                self.bc.warranty();
            }
            Tok::Limits => {
                self.bump();
                self.bc.limits();
            }
            Tok::Str(bytes) => {
                self.bump();
                let mut code = vec![b'w'];
                code.extend_from_slice(&bytes);
                code.push(b'"');
                self.emit(&code);
            }
            Tok::Break => {
                self.bump();
                if self.break_label == 0 {
                    self.yyerror("Break outside a for/while");
                } else {
                    self.emit_jump(b'J', self.break_label)?;
                }
            }
            Tok::Continue => {
                self.bump();
                if self.continue_label == 0 {
                    self.yyerror("Continue outside a for");
                } else {
                    self.emit_jump(b'J', self.continue_label)?;
                }
            }
            Tok::Quit => {
                self.bump();
                return Err(Abort::Stop(Stop::Exit(0)));
            }
            Tok::Halt => {
                self.bump();
                self.emit(b"h");
            }
            Tok::Return => {
                self.bump();
                self.return_expression()?;
                self.emit(b"R");
            }
            Tok::For => self.for_statement()?,
            Tok::If => self.if_statement()?,
            Tok::While => self.while_statement()?,
            Tok::LBrace => {
                self.bump();
                self.statement_list()?;
                self.expect(&Tok::RBrace)?;
            }
            Tok::Print => {
                self.bump();
                self.print_list()?;
            }
            _ => {
                let flags = self.expression()?;
                if flags & EX_REG != 0 {
                    self.emit(b"W");
                } else {
                    self.emit(b"p");
                }
            }
        }
        Ok(())
    }

    fn return_expression(&mut self) -> PResult<()> {
        if !self.starts_expression() {
            self.emit(b"0");
            if self.cur_func.is_none() {
                self.yyerror("Return outside of a function.");
            }
            return Ok(());
        }
        let flags = self.expression()?;
        if flags & EX_VOID != 0 {
            self.yyerror("return requires non-void expression");
        }
        match self.cur_func {
            None => self.yyerror("Return outside of a function."),
            Some(f) => {
                if self.bc.funcs.get(f).is_some_and(|f| f.is_void) {
                    self.yyerror("Return expression in a void function.");
                }
            }
        }
        Ok(())
    }

    fn opt_newline(&mut self) {
        if self.peek_is(&Tok::Eol) {
            self.bump();
        }
    }

    /// An optional expression in `for (;;)`: EX_EMPTY when absent.
    fn opt_expression(&mut self) -> PResult<u16> {
        if self.starts_expression() {
            Ok(u16::from(self.expression()?))
        } else {
            Ok(EX_EMPTY)
        }
    }

    // The loop and if rules set their labels in mid-rule actions and put the
    // old ones back in their final action; a syntax error abandons the rule
    // between the two, so the labels stay changed until the line ends.

    fn for_statement(&mut self) -> PResult<()> {
        self.bump();
        let saved_break = self.break_label;
        self.break_label = self.new_label();
        self.for_rest()?;
        self.break_label = saved_break;
        Ok(())
    }

    fn for_rest(&mut self) -> PResult<()> {
        self.expect(&Tok::LParen)?;
        let first = self.opt_expression()?;
        self.expect(&Tok::Semi)?;
        if first & u16::from(EX_VOID) != 0 {
            self.yyerror("first expression is void");
        }
        if first & EX_EMPTY == 0 {
            self.emit(b"p");
        }
        let top = self.new_label();
        self.def_label(top);
        let second = self.opt_expression()?;
        self.expect(&Tok::Semi)?;
        if second & u16::from(EX_VOID) != 0 {
            self.yyerror("second expression is void");
        }
        if second & EX_EMPTY != 0 {
            self.emit(b"1");
        }
        let body = self.new_label();
        self.emit_jump(b'B', body)?;
        self.emit_jump(b'J', self.break_label)?;
        let saved_continue = self.continue_label;
        self.continue_label = self.new_label();
        self.def_label(self.continue_label);
        self.for_tail(top, body)?;
        self.continue_label = saved_continue;
        Ok(())
    }

    fn for_tail(&mut self, top: u32, body: u32) -> PResult<()> {
        let third = self.opt_expression()?;
        self.expect(&Tok::RParen)?;
        if third & u16::from(EX_VOID) != 0 {
            self.yyerror("third expression is void");
        }
        if third & EX_EMPTY == 0 {
            self.emit(b"p");
        }
        self.emit_jump(b'J', top)?;
        self.def_label(body);
        self.opt_newline();
        self.statement()?;
        self.emit_jump(b'J', self.continue_label)?;
        self.def_label(self.break_label);
        Ok(())
    }

    fn if_statement(&mut self) -> PResult<()> {
        self.bump();
        self.expect(&Tok::LParen)?;
        let flags = self.expression()?;
        self.expect(&Tok::RParen)?;
        if flags & EX_VOID != 0 {
            self.yyerror("void expression");
        }
        let saved_if = self.if_label;
        self.if_label = self.new_label();
        self.if_rest()?;
        self.if_label = saved_if;
        Ok(())
    }

    fn if_rest(&mut self) -> PResult<()> {
        self.emit_jump(b'Z', self.if_label)?;
        self.opt_newline();
        self.statement()?;
        if self.peek_is(&Tok::Else) {
            self.bump();
            let end = self.new_label();
            self.emit_jump(b'J', end)?;
            self.def_label(self.if_label);
            self.if_label = end;
            self.opt_newline();
            self.statement()?;
        }
        self.def_label(self.if_label);
        Ok(())
    }

    fn while_statement(&mut self) -> PResult<()> {
        self.bump();
        let saved_continue = self.continue_label;
        let saved_break = self.break_label;
        self.continue_label = self.new_label();
        self.def_label(self.continue_label);
        self.while_rest()?;
        self.continue_label = saved_continue;
        self.break_label = saved_break;
        Ok(())
    }

    fn while_rest(&mut self) -> PResult<()> {
        self.expect(&Tok::LParen)?;
        let flags = self.expression()?;
        if flags & EX_VOID != 0 {
            self.yyerror("void expression");
        }
        self.break_label = self.new_label();
        self.emit_jump(b'Z', self.break_label)?;
        self.expect(&Tok::RParen)?;
        self.opt_newline();
        self.statement()?;
        self.emit_jump(b'J', self.continue_label)?;
        self.def_label(self.break_label);
        Ok(())
    }

    fn print_list(&mut self) -> PResult<()> {
        loop {
            if let Tok::Str(bytes) = self.peek().clone() {
                self.bump();
                let mut code = vec![b'O'];
                code.extend_from_slice(&bytes);
                code.push(b'"');
                self.emit(&code);
            } else {
                let flags = self.expression()?;
                if flags & EX_VOID != 0 {
                    self.yyerror("void expression in print");
                }
                self.emit(b"P");
            }
            if self.peek_is(&Tok::Comma) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    // ----- expressions ----------------------------------------------------------

    fn starts_expression(&mut self) -> bool {
        matches!(
            self.peek(),
            Tok::Name(_)
                | Tok::Number(_)
                | Tok::LParen
                | Tok::Minus
                | Tok::Not
                | Tok::IncDec(_)
                | Tok::Length
                | Tok::Sqrt
                | Tok::Scale
                | Tok::Read
                | Tok::Random
                | Tok::Ibase
                | Tok::Obase
                | Tok::History
                | Tok::Last
        )
    }

    fn expression(&mut self) -> PResult<u8> {
        self.binary(0)
    }

    /// Operators of precedence `min` and above, left to right (`^` to the
    /// right), after a first operand.
    fn binary(&mut self, min: u8) -> PResult<u8> {
        // Right-associative `^` chains recurse here without passing through
        // an enclosing operand, so count this level too.
        self.enter()?;
        let result = self
            .operand()
            .and_then(|first| self.binary_rest(min, first));
        self.depth -= 1;
        result
    }

    fn binary_rest(&mut self, min: u8, mut flags: u8) -> PResult<u8> {
        loop {
            let (prec, op): (u8, &[u8]) = match self.peek() {
                Tok::Or => (PREC_OR, b"||"),
                Tok::And => (PREC_AND, b"&&"),
                Tok::Rel(Rel::Eq) => (PREC_REL, b"="),
                Tok::Rel(Rel::Ne) => (PREC_REL, b"#"),
                Tok::Rel(Rel::Lt) => (PREC_REL, b"<"),
                Tok::Rel(Rel::Le) => (PREC_REL, b"{"),
                Tok::Rel(Rel::Gt) => (PREC_REL, b">"),
                Tok::Rel(Rel::Ge) => (PREC_REL, b"}"),
                Tok::Plus => (PREC_ADD, b"+"),
                Tok::Minus => (PREC_ADD, b"-"),
                Tok::Star => (PREC_MUL, b"*"),
                Tok::Slash => (PREC_MUL, b"/"),
                Tok::Percent => (PREC_MUL, b"%"),
                Tok::Caret => (PREC_POW, b"^"),
                _ => return Ok(flags),
            };
            if prec < min {
                return Ok(flags);
            }
            self.bump();
            let next_min = if prec == PREC_POW { prec } else { prec + 1 };
            flags = match op {
                b"&&" => {
                    let label = self.new_label();
                    self.emit(b"D");
                    self.emit_jump(b'Z', label)?;
                    self.emit(b"p");
                    let rhs = self.binary(next_min)?;
                    if (flags | rhs) & EX_VOID != 0 {
                        self.yyerror("void expression with &&");
                    }
                    self.emit(b"D");
                    self.emit_jump(b'Z', label)?;
                    self.emit(b"p1");
                    self.def_label(label);
                    (flags | rhs) & !EX_PAREN
                }
                b"||" => {
                    let label = self.new_label();
                    self.emit_jump(b'B', label)?;
                    let rhs = self.binary(next_min)?;
                    if (flags | rhs) & EX_VOID != 0 {
                        self.yyerror("void expression with ||");
                    }
                    let end = self.new_label();
                    self.emit_jump(b'B', label)?;
                    self.emit(b"0");
                    self.emit_jump(b'J', end)?;
                    self.def_label(label);
                    self.emit(b"1");
                    self.def_label(end);
                    (flags | rhs) & !EX_PAREN
                }
                _ => {
                    let rhs = self.binary(next_min)?;
                    if (flags | rhs) & EX_VOID != 0 {
                        let what = match op {
                            b"=" | b"#" | b"<" | b"{" | b">" | b"}" => "comparison",
                            b"+" => "+",
                            b"-" => "-",
                            b"*" => "*",
                            b"/" => "/",
                            b"%" => "%",
                            _ => "^",
                        };
                        self.yyerror(&format!("void expression with {what}"));
                    }
                    self.emit(op);
                    if prec == PREC_REL {
                        EX_REG | EX_COMP
                    } else {
                        (flags | rhs) & !EX_PAREN
                    }
                }
            };
        }
    }

    /// One operand: a constant, a name (possibly assigned to or
    /// incremented), a call, a parenthesised expression or a prefix operator
    /// applied to an operand.
    fn operand(&mut self) -> PResult<u8> {
        self.enter()?;
        let result = self.operand_inner();
        self.depth -= 1;
        result
    }

    fn operand_inner(&mut self) -> PResult<u8> {
        match self.peek().clone() {
            Tok::Number(text) => {
                self.bump();
                self.emit_number(&text);
                Ok(EX_REG)
            }
            Tok::LParen => {
                self.bump();
                let flags = self.expression()?;
                self.expect(&Tok::RParen)?;
                if flags & EX_VOID != 0 {
                    self.yyerror("void expression in parenthesis");
                }
                Ok(flags | EX_REG | EX_PAREN)
            }
            Tok::Minus => {
                self.bump();
                let flags = self.binary(PREC_UNARY)?;
                if flags & EX_VOID != 0 {
                    self.yyerror("void expression with unary -");
                }
                self.emit(b"n");
                Ok(flags & !EX_PAREN)
            }
            Tok::Not => {
                self.bump();
                let flags = self.binary(PREC_NOT + 1)?;
                if flags & EX_VOID != 0 {
                    self.yyerror("void expression with !");
                }
                self.emit(b"!");
                Ok(flags & !EX_PAREN)
            }
            Tok::IncDec(op) => {
                self.bump();
                let named = self.named()?;
                match (named, op) {
                    (Named::Array(id), b'+') => {
                        self.emit(b"D");
                        self.emit_id(b'A', id as usize);
                        self.emit_id(b'L', id as usize);
                    }
                    (Named::Array(id), _) => {
                        self.emit(b"D");
                        self.emit_id(b'M', id as usize);
                        self.emit_id(b'L', id as usize);
                    }
                    (Named::Var(id), b'+') => {
                        self.emit_id(b'i', id as usize);
                        self.emit_id(b'l', id as usize);
                    }
                    (Named::Var(id), _) => {
                        self.emit_id(b'd', id as usize);
                        self.emit_id(b'l', id as usize);
                    }
                }
                Ok(EX_REG)
            }
            Tok::Length | Tok::Sqrt => {
                let tok = self.bump();
                self.expect(&Tok::LParen)?;
                let flags = self.expression()?;
                self.expect(&Tok::RParen)?;
                let (what, code): (&str, &[u8]) = if tok == Tok::Length {
                    ("length()", b"cL")
                } else {
                    ("sqrt()", b"cR")
                };
                if flags & EX_VOID != 0 {
                    self.yyerror(&format!("void expression in {what}"));
                }
                self.emit(code);
                Ok(EX_REG)
            }
            Tok::Read | Tok::Random => {
                let tok = self.bump();
                self.expect(&Tok::LParen)?;
                self.expect(&Tok::RParen)?;
                self.emit(if tok == Tok::Read { b"cI" } else { b"cX" });
                Ok(EX_REG)
            }
            Tok::Scale => {
                self.bump();
                if self.peek_is(&Tok::LParen) {
                    self.bump();
                    let flags = self.expression()?;
                    self.expect(&Tok::RParen)?;
                    if flags & EX_VOID != 0 {
                        self.yyerror("void expression in scale()");
                    }
                    self.emit(b"cS");
                    Ok(EX_REG)
                } else {
                    self.named_use(Named::Var(2))
                }
            }
            Tok::Ibase => {
                self.bump();
                self.named_use(Named::Var(0))
            }
            Tok::Obase => {
                self.bump();
                self.named_use(Named::Var(1))
            }
            Tok::History => {
                self.bump();
                self.named_use(Named::Var(3))
            }
            Tok::Last => {
                self.bump();
                self.named_use(Named::Var(4))
            }
            Tok::Name(name) => {
                self.bump();
                if self.peek_is(&Tok::LParen) {
                    self.bump();
                    return self.call(&name);
                }
                let named = self.named_after_name(&name)?;
                self.named_use(named)
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// A named expression where only a name may stand (after `++`/`--`).
    fn named(&mut self) -> PResult<Named> {
        match self.peek().clone() {
            Tok::Name(name) => {
                self.bump();
                self.named_after_name(&name)
            }
            Tok::Ibase => {
                self.bump();
                Ok(Named::Var(0))
            }
            Tok::Obase => {
                self.bump();
                Ok(Named::Var(1))
            }
            Tok::Scale => {
                self.bump();
                Ok(Named::Var(2))
            }
            Tok::History => {
                self.bump();
                Ok(Named::Var(3))
            }
            Tok::Last => {
                self.bump();
                Ok(Named::Var(4))
            }
            _ => Err(self.syntax_error()),
        }
    }

    /// `name` or `name[index]`, the index's code emitted.
    fn named_after_name(&mut self, name: &str) -> PResult<Named> {
        if self.peek_is(&Tok::LBracket) {
            self.bump();
            let flags = self.expression()?;
            self.expect(&Tok::RBracket)?;
            if flags & EX_VOID != 0 {
                self.yyerror("void expression as subscript");
            }
            Ok(Named::Array(self.lookup_array(name)?))
        } else {
            Ok(Named::Var(self.lookup_var(name)?))
        }
    }

    /// A named expression used as a value: assigned to, incremented after
    /// use, or loaded.
    fn named_use(&mut self, named: Named) -> PResult<u8> {
        match self.peek().clone() {
            Tok::Assign(op) => {
                self.bump();
                if op != b'=' {
                    match named {
                        Named::Var(id) => self.emit_id(b'l', id as usize),
                        Named::Array(id) => {
                            self.emit(b"D");
                            self.emit_id(b'L', id as usize);
                        }
                    }
                }
                let flags = self.binary(PREC_ASSIGN)?;
                if flags & EX_VOID != 0 {
                    self.yyerror("Assignment of a void expression");
                }
                if op != b'=' {
                    self.emit(&[op]);
                }
                match named {
                    Named::Var(id) => self.emit_id(b's', id as usize),
                    Named::Array(id) => self.emit_id(b'S', id as usize),
                }
                Ok(EX_ASSGN)
            }
            Tok::IncDec(op) => {
                self.bump();
                match named {
                    Named::Array(id) => {
                        self.emit(b"D");
                        self.emit_id(b'L', id as usize);
                        self.emit(b"x");
                        self.emit_id(if op == b'+' { b'A' } else { b'M' }, id as usize);
                    }
                    Named::Var(id) => {
                        self.emit_id(b'l', id as usize);
                        self.emit_id(if op == b'+' { b'i' } else { b'd' }, id as usize);
                    }
                }
                Ok(EX_REG)
            }
            _ => {
                self.emit_load(named);
                Ok(EX_REG)
            }
        }
    }

    /// `name(args)` after the parenthesis.
    fn call(&mut self, name: &str) -> PResult<u8> {
        // Argument kinds in source order: b'0' a value, b'1' an array.
        let mut kinds: Vec<u8> = Vec::new();
        if !self.peek_is(&Tok::RParen) {
            loop {
                kinds.push(self.argument()?);
                if self.peek_is(&Tok::Comma) {
                    self.bump();
                } else {
                    break;
                }
            }
        }
        self.expect(&Tok::RParen)?;
        let id = self.lookup_func(name, false)?;
        let is_void = self.bc.funcs.get(id).is_some_and(|f| f.is_void);
        let mut code = vec![b'C'];
        if id < 128 {
            code.push(id as u8);
        } else {
            code.push(((id >> 8) as u8 & 0x7f) | 0x80);
            code.push((id & 0xff) as u8);
        }
        code.extend(kinds.iter().rev());
        code.push(b':');
        self.emit(&code);
        Ok(if is_void { EX_VOID } else { EX_REG })
    }

    /// One argument: an expression, or `name[]` for a whole array (passed
    /// as its number, a `K` constant).
    fn argument(&mut self) -> PResult<u8> {
        if let Tok::Name(name) = self.peek().clone() {
            self.bump();
            if self.peek_is(&Tok::LParen) {
                self.bump();
                let flags = self.call(&name)?;
                let flags = self.binary_rest(0, flags)?;
                return self.check_argument(flags);
            }
            if self.peek_is(&Tok::LBracket) {
                self.bump();
                if self.peek_is(&Tok::RBracket) {
                    self.bump();
                    let id = self.lookup_array(&name)?;
                    // Always a `K` constant, even for arrays 0 and 1.
                    let mut code = vec![b'K'];
                    code.extend(id.to_string().bytes().map(|b| b - b'0'));
                    code.push(b':');
                    self.emit(&code);
                    return Ok(b'1');
                }
                let flags = self.expression()?;
                self.expect(&Tok::RBracket)?;
                if flags & EX_VOID != 0 {
                    self.yyerror("void expression as subscript");
                }
                let named = Named::Array(self.lookup_array(&name)?);
                let flags = self.named_use(named)?;
                let flags = self.binary_rest(0, flags)?;
                return self.check_argument(flags);
            }
            let named = Named::Var(self.lookup_var(&name)?);
            let flags = self.named_use(named)?;
            let flags = self.binary_rest(0, flags)?;
            return self.check_argument(flags);
        }
        let flags = self.expression()?;
        self.check_argument(flags)
    }

    fn check_argument(&mut self, flags: u8) -> PResult<u8> {
        if flags & EX_VOID != 0 {
            self.yyerror("void argument");
        }
        Ok(b'0')
    }
}
