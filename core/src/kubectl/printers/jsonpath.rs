//! kubectl's JSONPath: client-go's `util/jsonpath` dialect and the
//! `-o jsonpath` / `-o jsonpath-as-json` printers built on it.
//!
//! The dialect is not RFC 9535: filters know `== != < <= > >=` and plain
//! existence but no `&&`, `||`, `!` or `=~`; a quoted key is re-read as a
//! dotted field, so `['app.kubernetes.io/name']` means three keys and a dot
//! in a key needs a backslash; `[n]` past the end is an error rather than
//! an empty result. The parser and evaluator follow client-go's closely
//! enough to reproduce those quirks and its messages.

use super::gofmt::{self, Arg};
use crate::value::Value;

/// Parsing nests (unions, filters, quoted keys re-read as fields) no deeper.
const MAX_PARSE_DEPTH: usize = 64;

/// `{range}` blocks nest no deeper.
const MAX_RANGE_DEPTH: usize = 100;

/// Evaluation stops after this many steps, so that no template can hang
/// the engine (nested ranges over large lists multiply).
const MAX_STEPS: usize = 2_000_000;

/// One bound of a `[start:end:step]` selector.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Param {
    value: i64,
    known: bool,
    /// `end` was not written but derived from `start` (`[n]` means `[n:n+1]`).
    derived: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

// ---------------------------------------------------------------------------
// Parser

struct Parser<'s> {
    input: &'s str,
    pos: usize,
    start: usize,
    width: usize,
    depth: usize,
}

fn is_terminator(r: Option<char>) -> bool {
    match r {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (c as u32 > 0xFF && c.is_numeric())
}

fn is_alphanumeric(r: Option<char>) -> bool {
    match r {
        Some(c) => c == '_' || c.is_alphabetic() || is_digit(c),
        None => false,
    }
}

impl<'s> Parser<'s> {
    fn new(input: &'s str, depth: usize) -> Self {
        Parser {
            input,
            pos: 0,
            start: 0,
            width: 0,
            depth,
        }
    }

    fn next(&mut self) -> Option<char> {
        match self.input[self.pos..].chars().next() {
            None => {
                self.width = 0;
                None
            }
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
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
        self.pos -= self.width;
    }

    fn consume(&mut self) -> &'s str {
        let v = &self.input[self.start..self.pos];
        self.start = self.pos;
        v
    }

    fn parse(mut self) -> Result<Vec<Node>, String> {
        let mut root = Vec::new();
        loop {
            match self.input[self.pos..].find('{') {
                Some(x) => {
                    self.pos += x;
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().to_string()));
                    }
                    self.pos += 1;
                    self.consume();
                    let mut cur = Vec::new();
                    self.parse_inside_action(&mut cur)?;
                    root.push(Node::List(cur));
                }
                None => {
                    self.pos = self.input.len();
                    if self.pos > self.start {
                        root.push(Node::Text(self.consume().to_string()));
                    }
                    return Ok(root);
                }
            }
        }
    }

    /// Parses `{text}` on its own and returns the nodes of that one action.
    fn parse_action(&self, text: &str) -> Result<Vec<Node>, String> {
        if self.depth >= MAX_PARSE_DEPTH {
            return Err("expression nested too deeply".into());
        }
        let wrapped = format!("{{{text}}}");
        let root = Parser::new(&wrapped, self.depth + 1).parse()?;
        match root.into_iter().next() {
            Some(Node::List(nodes)) => Ok(nodes),
            _ => Ok(Vec::new()),
        }
    }

    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            let rest = &self.input[self.pos..];
            if rest.starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if rest.starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r' | '\n') => return Err("unclosed action".into()),
                Some(' ' | '@' | '$') => {
                    self.consume();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur),
                Some(c) if c == '+' || c == '-' || is_digit(c) => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(Some(c)) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        gofmt::sharp_u(c)
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        cur.push(match value {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            v => Node::Identifier(v.to_string()),
        });
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if let Some(Node::Recursive) = cur.last() {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if is_alphanumeric(self.peek()) {
            self.parse_field(cur);
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        let r = self.peek();
        if r == Some('+') || r == Some('-') {
            self.next();
        }
        loop {
            match self.next() {
                Some(c) if c == '.' || is_digit(c) => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let value = self.consume();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
            return Ok(());
        }
        let looks_numeric = value
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.".contains(&b));
        if let (true, Ok(f)) = (looks_numeric, value.parse::<f64>()) {
            cur.push(Node::Float(f));
            return Ok(());
        }
        Err(format!("cannot parse number {value}"))
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        let text = self.consume();
        let mut text = &text[1..text.len() - 1];
        if text == "*" {
            text = ":";
        }

        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(self.parse_action(&format!("[{}]", part.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }

        // A quoted key is read again as a field: `['a.b']` is `.a.b`.
        if text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') {
            let inner = &text[1..text.len() - 1];
            if !inner.contains('\'') {
                let nodes = self.parse_action(&format!(".{inner}"))?;
                cur.extend(nodes);
                return Ok(());
            }
        }

        let Some(groups) = slice_groups(text) else {
            return Err(format!("invalid array index {text}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let mut g = groups[i];
            if !g.is_empty() {
                if i > 0 {
                    g = &g[1..];
                }
                if i > 0 && g.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = g
                        .parse::<i64>()
                        .map_err(|_| format!("array index {g} is not a number"))?;
                }
            } else if i == 1 {
                params[i].known = true;
                params[i].value = params[0].value.wrapping_add(1);
                params[i].derived = true;
            } else {
                params[i].known = false;
                params[i].value = 0;
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let mut begin = false;
        let mut end = false;
        let mut pair = '\0';
        loop {
            let r = self.next();
            match r {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    let escaped =
                        self.input.as_bytes().get(self.pos.wrapping_sub(2)) == Some(&b'\\');
                    if !escaped && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let text = &text[..text.len() - 2];
        match filter_groups(text) {
            None => {
                let left = self.parse_action(text)?;
                cur.push(Node::Filter {
                    left,
                    right: Vec::new(),
                    op: "exists".into(),
                });
            }
            Some((l, op, r)) => {
                let left = self.parse_action(l)?;
                let right = self.parse_action(r)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: op.to_string(),
                });
            }
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c)
                    if c == end
                        && self.input.as_bytes().get(self.pos.wrapping_sub(2)) != Some(&b'\\') =>
                {
                    break
                }
                _ => {}
            }
        }
        let value = self.consume();
        let s = unquote_extend(value).map_err(|e| format!("unquote string {value} error {e}"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        while self.advance() {}
        let value = self.consume();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
    }

    /// Scans one character of a field; a backslash escapes the next one.
    fn advance(&mut self) -> bool {
        let r = self.next();
        if r == Some('\\') {
            self.next();
        } else if is_terminator(r) {
            self.backup();
            return false;
        }
        true
    }
}

/// Matches `^(-?\d*)(:-?\d*)?(:-?\d*)?$`, returning the three groups
/// (the second and third with their colon, or empty).
fn slice_groups(text: &str) -> Option<[&str; 3]> {
    fn number_end(s: &str, from: usize) -> usize {
        let b = s.as_bytes();
        let mut i = from;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    }
    let mut groups = [""; 3];
    let first = number_end(text, 0);
    groups[0] = &text[..first];
    let mut at = first;
    for g in groups.iter_mut().skip(1) {
        if text.as_bytes().get(at) == Some(&b':') {
            let end = number_end(text, at + 1);
            *g = &text[at..end];
            at = end;
        }
    }
    (at == text.len()).then_some(groups)
}

/// Matches `^([^!<>=]+)([!<>=]+)(.+?)$` with Go's leftmost-first rules.
fn filter_groups(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op)?;
    if op_start == 0 {
        return None;
    }
    let after = &text[op_start..];
    let op_len = after.find(|c: char| !is_op(c)).unwrap_or(after.len());
    if op_len < after.len() {
        return Some((&text[..op_start], &after[..op_len], &after[op_len..]));
    }
    // Only operator characters remain: the last one becomes the operand.
    if op_len >= 2 {
        return Some((
            &text[..op_start],
            &after[..op_len - 1],
            &after[op_len - 1..],
        ));
    }
    None
}

/// client-go's `UnquoteExtend`: Go's `strconv.Unquote` that also accepts
/// single-quoted strings of any length.
fn unquote_extend(s: &str) -> Result<String, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SYNTAX);
    }
    let quote = b[0];
    if quote != b[b.len() - 1] || (quote != b'"' && quote != b'\'') {
        return Err(SYNTAX);
    }
    let body = &s[1..s.len() - 1];
    if !body.contains('\\') && !body.contains(quote as char) {
        return Ok(body.to_string());
    }
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (bytes, tail) = super::gotemplate::unquote_char(rest, quote as char).ok_or(SYNTAX)?;
        out.extend_from_slice(&bytes);
        rest = tail;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

// ---------------------------------------------------------------------------
// Evaluation

/// One result of a JSONPath expression: a value from the object, or one the
/// expression made itself (a quoted literal, a number, a byte of a string).
#[derive(Clone, Debug, PartialEq)]
pub enum JpValue<'a> {
    /// Go's zero `reflect.Value`; only seen while skipping an empty range.
    Invalid,
    Data(&'a Value),
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Byte(u8),
}

impl<'a> JpValue<'a> {
    /// The operand Go's `fmt` sees for this value.
    pub fn as_arg(&self) -> Arg<'_> {
        match self {
            JpValue::Invalid => Arg::Nil,
            JpValue::Data(v) => Arg::from_value(v),
            JpValue::Text(s) => Arg::Str(s),
            JpValue::Int(i) => Arg::Int(*i),
            JpValue::Float(f) => Arg::Float(*f),
            JpValue::Bool(b) => Arg::Bool(*b),
            JpValue::Byte(b) => Arg::Uint8(*b),
        }
    }

    /// `fmt.Sprint` of the value, as custom-columns prints it.
    pub fn sprint(&self) -> String {
        gofmt::sprint(&[self.as_arg()])
    }

    /// The value as JSON would encode it.
    pub fn to_value(&self) -> Value {
        match self {
            JpValue::Invalid => Value::Null,
            JpValue::Data(v) => (*v).clone(),
            JpValue::Text(s) => Value::String(s.clone()),
            JpValue::Int(i) => Value::Int(*i),
            JpValue::Float(f) => Value::Float(*f),
            JpValue::Bool(b) => Value::Bool(*b),
            JpValue::Byte(b) => Value::Int(i64::from(*b)),
        }
    }

    fn is_nil(&self) -> bool {
        matches!(self, JpValue::Data(Value::Null))
    }

    /// Go's type name after looking through the `interface{}`.
    fn type_name(&self) -> &'static str {
        match self {
            JpValue::Invalid => "<invalid reflect.Value>",
            JpValue::Data(v) => Arg::from_value(v).type_name(),
            JpValue::Text(_) => "string",
            JpValue::Int(_) => "int",
            JpValue::Float(_) => "float64",
            JpValue::Bool(_) => "bool",
            JpValue::Byte(_) => "uint8",
        }
    }

    /// Children for `*` and `..`: map values in key order, list elements,
    /// or the bytes of a string.
    fn children(&self) -> Vec<JpValue<'a>> {
        match self {
            JpValue::Data(Value::Object(m)) => m.values().map(JpValue::Data).collect(),
            JpValue::Data(Value::Array(a)) => a.iter().map(JpValue::Data).collect(),
            JpValue::Data(Value::String(s)) => s.bytes().map(JpValue::Byte).collect(),
            JpValue::Text(s) => s.bytes().map(JpValue::Byte).collect(),
            _ => Vec::new(),
        }
    }
}

/// A failed walk keeps what it had, as client-go's functions return their
/// input along with the error; an existence filter looks at it.
type Walk<'a> = Result<Vec<JpValue<'a>>, (Vec<JpValue<'a>>, String)>;

#[derive(Default)]
struct RangeState {
    begin: usize,
    in_range: usize,
    end: usize,
    last_end: Option<usize>,
    steps: usize,
}

/// A parsed JSONPath template.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath {
    nodes: Vec<Node>,
    allow_missing_keys: bool,
}

impl JsonPath {
    /// Parses a template such as `{.items[*].metadata.name}`; the error is
    /// client-go's text (`unterminated array`, …).
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        Ok(JsonPath {
            nodes: Parser::new(template, 0).parse()?,
            allow_missing_keys: false,
        })
    }

    /// Whether a missing key yields nothing (kubectl's default) or an error.
    pub fn allow_missing_keys(mut self, allow: bool) -> Self {
        self.allow_missing_keys = allow;
        self
    }

    /// client-go's `FindResults`: one list of values per top-level piece
    /// of the template (text, or an expression), ranges expanded.
    pub fn find_results<'a>(&self, data: &'a Value) -> Result<Vec<Vec<JpValue<'a>>>, String> {
        let mut st = RangeState::default();
        self.find_from(&mut st, JpValue::Data(data), 0)
    }

    /// client-go's `Execute`: finds the results, then prints each list.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let results = self.find_results(data)?;
        let mut out = String::new();
        for r in &results {
            print_results(&mut out, r, false);
        }
        Ok(out)
    }

    fn find_from<'a>(
        &self,
        st: &mut RangeState,
        data: JpValue<'a>,
        start: usize,
    ) -> Result<Vec<Vec<JpValue<'a>>>, String> {
        let cur = vec![data];
        let mut full = Vec::new();
        let mut i = start;
        while i < self.nodes.len() {
            let results = self.walk(st, &cur, &self.nodes[i]).map_err(|(_, e)| e)?;

            // An end closes the innermost range block.
            if st.end > 0 && st.end <= st.in_range {
                st.end -= 1;
                st.last_end = Some(i);
                break;
            }
            if st.begin > 0 {
                st.begin -= 1;
                st.in_range += 1;
                if st.in_range > MAX_RANGE_DEPTH {
                    return Err("range nested too deeply".into());
                }
                if results.is_empty() {
                    // Still walk the block once so that its end is found.
                    self.find_from(st, JpValue::Invalid, i + 1)?;
                } else {
                    for v in results {
                        // Each element is taken out of its interface{}:
                        // a null one becomes no value at all.
                        let v = if v.is_nil() { JpValue::Invalid } else { v };
                        let next = self.find_from(st, v, i + 1)?;
                        full.extend(next);
                    }
                }
                st.in_range -= 1;
                // Resume after the end that closed the block.
                if let Some(k) = st.last_end.filter(|&k| k > i) {
                    i = k;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn step(&self, st: &mut RangeState, n: usize) -> Result<(), (Vec<JpValue<'static>>, String)> {
        st.steps += n + 1;
        if st.steps > MAX_STEPS {
            return Err((
                Vec::new(),
                "jsonpath evaluation exceeds the printer's step limit".into(),
            ));
        }
        Ok(())
    }

    fn walk<'a>(&self, st: &mut RangeState, input: &[JpValue<'a>], node: &Node) -> Walk<'a> {
        self.step(st, input.len())
            .map_err(|(_, e)| (Vec::new(), e))?;
        match node {
            Node::List(nodes) => self.eval_list(st, input, nodes),
            Node::Text(t) => Ok(vec![JpValue::Text(t.clone())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(st, input, left, right, op),
            Node::Int(i) => Ok(vec![JpValue::Int(*i); input.len()]),
            Node::Float(f) => Ok(vec![JpValue::Float(*f); input.len()]),
            Node::Bool(b) => Ok(vec![JpValue::Bool(*b); input.len()]),
            Node::Wildcard => Ok(input
                .iter()
                .filter(|v| !v.is_nil())
                .flat_map(JpValue::children)
                .collect()),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut result = Vec::new();
                for list in lists {
                    match self.eval_list(st, input, list) {
                        Ok(v) => result.extend(v),
                        Err((_, e)) => return Err((input.to_vec(), e)),
                    }
                }
                Ok(result)
            }
            Node::Identifier(name) => match name.as_str() {
                "range" => {
                    st.begin += 1;
                    Ok(input.to_vec())
                }
                "end" => {
                    if st.in_range > 0 {
                        st.end += 1;
                        Ok(Vec::new())
                    } else {
                        Err((Vec::new(), "not in range, nothing to end".into()))
                    }
                }
                _ => Err((input.to_vec(), format!("unrecognized identifier {name}"))),
            },
        }
    }

    fn eval_list<'a>(
        &self,
        st: &mut RangeState,
        input: &[JpValue<'a>],
        nodes: &[Node],
    ) -> Walk<'a> {
        let mut cur = input.to_vec();
        for n in nodes {
            cur = self.walk(st, &cur, n)?;
        }
        Ok(cur)
    }

    fn eval_field<'a>(&self, input: &[JpValue<'a>], name: &str) -> Walk<'a> {
        let mut results = Vec::new();
        if input.is_empty() {
            return Ok(results);
        }
        for v in input {
            if let JpValue::Data(Value::Object(m)) = v {
                if let Some(x) = m.get(name) {
                    results.push(JpValue::Data(x));
                }
            }
        }
        if results.is_empty() && !self.allow_missing_keys {
            return Err((results, format!("{name} is not found")));
        }
        Ok(results)
    }

    fn eval_filter<'a>(
        &self,
        st: &mut RangeState,
        input: &[JpValue<'a>],
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Walk<'a> {
        let mut results = Vec::new();
        for v in input {
            let items = match v {
                JpValue::Data(Value::Array(items)) => items,
                other => {
                    let shown = match other {
                        JpValue::Invalid => "<invalid reflect.Value>".to_string(),
                        o => o.sprint(),
                    };
                    return Err((
                        input.to_vec(),
                        format!("{shown} is not array or slice and cannot be filtered"),
                    ));
                }
            };
            for item in items {
                let temp = [JpValue::Data(item)];
                let lefts = self.eval_list(st, &temp, left);
                if op == "exists" {
                    let found = match &lefts {
                        Ok(v) => !v.is_empty(),
                        Err((partial, _)) => !partial.is_empty(),
                    };
                    if found {
                        results.push(JpValue::Data(item));
                    }
                    continue;
                }
                let lefts = lefts.map_err(|(_, e)| (input.to_vec(), e))?;
                match lefts.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err((
                            input.to_vec(),
                            "can only compare one element at a time".into(),
                        ))
                    }
                }
                let rights = self
                    .eval_list(st, &temp, right)
                    .map_err(|(_, e)| (input.to_vec(), e))?;
                match rights.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err((
                            input.to_vec(),
                            "can only compare one element at a time".into(),
                        ))
                    }
                }
                let (l, r) = (&lefts[0], &rights[0]);
                let pass = match op {
                    "<" => less(l, r),
                    ">" => less_equal(l, r).map(|b| !b),
                    "==" => equal(l, r),
                    "!=" => equal(l, r).map(|b| !b),
                    "<=" => less_equal(l, r),
                    ">=" => less(l, r).map(|b| !b),
                    _ => return Err((results, format!("unrecognized filter operator {op}"))),
                };
                match pass {
                    Ok(true) => results.push(JpValue::Data(item)),
                    Ok(false) => {}
                    Err(e) => return Err((results, e.to_string())),
                }
            }
        }
        Ok(results)
    }
}

fn eval_array<'a>(input: &[JpValue<'a>], node: &[Param; 3]) -> Walk<'a> {
    let mut result = Vec::new();
    for v in input {
        if v.is_nil() {
            continue;
        }
        let items = match v {
            JpValue::Data(Value::Array(items)) => items,
            JpValue::Invalid => {
                return Err((
                    input.to_vec(),
                    "reflect: call of reflect.Value.Type on zero Value".into(),
                ))
            }
            other => {
                return Err((
                    input.to_vec(),
                    format!("{} is not array or slice", other.type_name()),
                ))
            }
        };
        let len = items.len() as i64;
        let mut p = *node;
        if !p[0].known {
            p[0].value = 0;
        }
        if p[0].value < 0 {
            p[0].value = p[0].value.wrapping_add(len);
        }
        if !p[1].known {
            p[1].value = len;
        }
        if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
            p[1].value = p[1].value.wrapping_add(len);
        }
        if p[1].value == p[0].value {
            // Zero elements requested: stop here, keeping what was found.
            return Ok(result);
        }
        if p[0].value >= len || p[0].value < 0 {
            return Err((
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {}",
                    p[0].value, len
                ),
            ));
        }
        if p[1].value > len || p[1].value < 0 {
            return Err((
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {}",
                    p[1].value.wrapping_sub(1),
                    len
                ),
            ));
        }
        if p[0].value > p[1].value {
            return Err((
                input.to_vec(),
                format!(
                    "starting index {} is greater than ending index {}",
                    p[0].value, p[1].value
                ),
            ));
        }
        let slice = &items[p[0].value as usize..p[1].value as usize];
        let mut step = 1usize;
        if p[2].known {
            if p[2].value <= 0 {
                return Err((input.to_vec(), "step must be > 0".into()));
            }
            step = usize::try_from(p[2].value).unwrap_or(usize::MAX);
        }
        result.extend(slice.iter().step_by(step).map(JpValue::Data));
    }
    Ok(result)
}

/// `..`: every value that has children, in pre-order, each followed by the
/// same for its children.
fn eval_recursive<'a>(input: &[JpValue<'a>]) -> Vec<JpValue<'a>> {
    let mut result = Vec::new();
    let mut stack: Vec<JpValue<'a>> = input.iter().rev().cloned().collect();
    while let Some(v) = stack.pop() {
        if v.is_nil() {
            continue;
        }
        let children = v.children();
        if children.is_empty() {
            continue;
        }
        result.push(v);
        stack.extend(children.into_iter().rev());
    }
    result
}

// Comparisons, as client-go's fork of text/template's `eq`/`lt` does them.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

const BAD_TYPE: &str = "invalid type for comparison";
const BAD_COMPARISON: &str = "incompatible types for comparison";

fn kind(v: &JpValue) -> Result<Kind, &'static str> {
    match v {
        JpValue::Data(Value::Bool(_)) | JpValue::Bool(_) => Ok(Kind::Bool),
        JpValue::Data(Value::Int(_)) | JpValue::Int(_) => Ok(Kind::Int),
        JpValue::Byte(_) => Ok(Kind::Uint),
        JpValue::Data(Value::Float(_)) | JpValue::Float(_) => Ok(Kind::Float),
        JpValue::Data(Value::String(_)) | JpValue::Text(_) => Ok(Kind::Str),
        _ => Err(BAD_TYPE),
    }
}

fn as_int(v: &JpValue) -> i64 {
    match v {
        JpValue::Data(Value::Int(i)) | JpValue::Int(i) => *i,
        JpValue::Byte(b) => i64::from(*b),
        _ => 0,
    }
}

fn as_float(v: &JpValue) -> f64 {
    match v {
        JpValue::Data(Value::Float(f)) | JpValue::Float(f) => *f,
        _ => 0.0,
    }
}

fn as_str<'v>(v: &'v JpValue) -> &'v str {
    match v {
        JpValue::Data(Value::String(s)) => s,
        JpValue::Text(s) => s,
        _ => "",
    }
}

fn as_bool(v: &JpValue) -> bool {
    matches!(v, JpValue::Data(Value::Bool(true)) | JpValue::Bool(true))
}

fn equal(a: &JpValue, b: &JpValue) -> Result<bool, &'static str> {
    let k1 = kind(a)?;
    let k2 = kind(b)?;
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(as_int(a) == as_int(b)),
            _ => Err(BAD_COMPARISON),
        };
    }
    Ok(match k1 {
        Kind::Bool => as_bool(a) == as_bool(b),
        Kind::Int | Kind::Uint => as_int(a) == as_int(b),
        Kind::Float => as_float(a) == as_float(b),
        Kind::Str => as_str(a) == as_str(b),
    })
}

fn less(a: &JpValue, b: &JpValue) -> Result<bool, &'static str> {
    let k1 = kind(a)?;
    let k2 = kind(b)?;
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(as_int(a) < as_int(b)),
            _ => Err(BAD_COMPARISON),
        };
    }
    match k1 {
        Kind::Bool => Err(BAD_TYPE),
        Kind::Int | Kind::Uint => Ok(as_int(a) < as_int(b)),
        Kind::Float => Ok(as_float(a) < as_float(b)),
        Kind::Str => Ok(as_str(a) < as_str(b)),
    }
}

fn less_equal(a: &JpValue, b: &JpValue) -> Result<bool, &'static str> {
    if less(a, b)? {
        return Ok(true);
    }
    equal(a, b)
}

/// client-go's `PrintResults`: values joined by one space; maps and lists
/// as compact JSON, everything else as Go's `fmt.Print` writes it. With
/// `as_json` the whole list prints as one indented JSON array.
fn print_results(out: &mut String, results: &[JpValue], as_json: bool) {
    if as_json {
        let array = Value::Array(results.iter().map(JpValue::to_value).collect());
        out.push_str(&array.to_json_pretty());
        out.push('\n');
        return;
    }
    for (i, r) in results.iter().enumerate() {
        match r {
            JpValue::Data(v @ (Value::Object(_) | Value::Array(_))) => out.push_str(&v.to_json()),
            JpValue::Invalid => out.push_str("<no value>"),
            other => out.push_str(&other.sprint()),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
    }
}

/// kubectl's `RelaxedJSONPathExpression`: accepts `a.b`, `.a.b`, `{a.b}`
/// and `{.a.b}`, and returns `{.a.b}`.
pub fn relaxed_expression(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let no_braces = |s: &str| !s.is_empty() && !s.contains(['{', '}']);
    // `\.?` is greedy but gives the dot back when nothing else follows.
    let strip_dot = |s: &str| -> String {
        match s.strip_prefix('.') {
            Some(rest) if !rest.is_empty() => rest.to_string(),
            _ => s.to_string(),
        }
    };
    if let Some(inner) = path.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        if no_braces(inner) {
            return Ok(format!("{{.{}}}", strip_dot(inner)));
        }
    }
    if no_braces(path) {
        return Ok(format!("{{.{}}}", strip_dot(path)));
    }
    Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into())
}

/// kubectl's `-o jsonpath=…` and `-o jsonpath-as-json=…` printer.
#[derive(Clone, Debug)]
pub struct JsonPathPrinter {
    raw: String,
    path: JsonPath,
    as_json: bool,
}

impl JsonPathPrinter {
    /// Builds the printer as kubectl's print flags do. `as_json` selects
    /// `jsonpath-as-json`; `allow_missing_keys` is
    /// `--allow-missing-template-keys` (default true).
    pub fn new(template: &str, as_json: bool, allow_missing_keys: bool) -> Result<Self, String> {
        if template.is_empty() {
            return Err("template format specified but no template given".into());
        }
        let path = JsonPath::parse(template)
            .map_err(|e| format!("error parsing jsonpath {template}, {e}\n"))?;
        Ok(JsonPathPrinter {
            raw: template.to_string(),
            path: path.allow_missing_keys(allow_missing_keys),
            as_json,
        })
    }

    /// Prints one object (or list). kubectl evaluates everything before
    /// writing, so a failure prints nothing but the error, which quotes the
    /// whole object in Go syntax.
    pub fn print(&self, obj: &Value) -> Result<String, String> {
        match self.path.find_results(obj) {
            Ok(results) => {
                let mut out = String::new();
                for r in &results {
                    print_results(&mut out, r, self.as_json);
                }
                Ok(out)
            }
            Err(e) => Err(format!(
                "error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\
                 \ttemplate was:\n\t\t{}\n\
                 \tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                gofmt::quote(&self.raw),
                self.raw,
                gofmt::sharp_v(obj)
            )),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use crate::value::{Map, Value};

    /// A seeded xorshift generator for bounded random tests.
    pub(crate) struct Rng(pub(crate) u64);

    impl Rng {
        pub(crate) fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }

        /// A string of `max` pieces at most, drawn from `pieces`.
        pub(crate) fn text(&mut self, pieces: &[&str], max: usize) -> String {
            let n = self.below(max + 1);
            (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
        }
    }

    /// Runs `f` on a thread with a stack as small as a browser tab's, so
    /// that unbounded recursion shows up as a failure.
    pub(crate) fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(f)
            .expect("spawn test thread")
            .join()
            .expect("test thread panicked");
    }

    /// A small JSON reader for test fixtures: integers become `Int`,
    /// numbers with a fraction or exponent `Float`.
    pub(crate) fn parse_json(s: &str) -> Value {
        let mut p = Reader {
            b: s.as_bytes(),
            i: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.i, p.b.len(), "trailing data in fixture");
        v
    }

    struct Reader<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl Reader<'_> {
        fn ws(&mut self) {
            while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }

        fn value(&mut self) -> Value {
            self.ws();
            match self.b[self.i] {
                b'{' => {
                    self.i += 1;
                    let mut m = Map::new();
                    loop {
                        self.ws();
                        if self.b[self.i] == b'}' {
                            self.i += 1;
                            return Value::Object(m);
                        }
                        let Value::String(k) = self.value() else {
                            panic!("key must be a string")
                        };
                        self.ws();
                        assert_eq!(self.b[self.i], b':');
                        self.i += 1;
                        let v = self.value();
                        m.insert(k, v);
                        self.ws();
                        if self.b[self.i] == b',' {
                            self.i += 1;
                        }
                    }
                }
                b'[' => {
                    self.i += 1;
                    let mut a = Vec::new();
                    loop {
                        self.ws();
                        if self.b[self.i] == b']' {
                            self.i += 1;
                            return Value::Array(a);
                        }
                        a.push(self.value());
                        self.ws();
                        if self.b[self.i] == b',' {
                            self.i += 1;
                        }
                    }
                }
                b'"' => {
                    self.i += 1;
                    let mut s = String::new();
                    loop {
                        let c = self.b[self.i];
                        self.i += 1;
                        match c {
                            b'"' => return Value::String(s),
                            b'\\' => {
                                let e = self.b[self.i];
                                self.i += 1;
                                match e {
                                    b'n' => s.push('\n'),
                                    b't' => s.push('\t'),
                                    b'r' => s.push('\r'),
                                    b'u' => {
                                        let hex = std::str::from_utf8(&self.b[self.i..self.i + 4])
                                            .unwrap();
                                        self.i += 4;
                                        s.push(
                                            char::from_u32(u32::from_str_radix(hex, 16).unwrap())
                                                .unwrap(),
                                        );
                                    }
                                    other => s.push(other as char),
                                }
                            }
                            _ => {
                                let start = self.i - 1;
                                let mut end = self.i;
                                while end < self.b.len() && (self.b[end] & 0xC0) == 0x80 {
                                    end += 1;
                                }
                                s.push_str(std::str::from_utf8(&self.b[start..end]).unwrap());
                                self.i = end;
                            }
                        }
                    }
                }
                b't' => {
                    self.i += 4;
                    Value::Bool(true)
                }
                b'f' => {
                    self.i += 5;
                    Value::Bool(false)
                }
                b'n' => {
                    self.i += 4;
                    Value::Null
                }
                _ => {
                    let start = self.i;
                    while self.i < self.b.len() && b"+-0123456789.eE".contains(&self.b[self.i]) {
                        self.i += 1;
                    }
                    let t = std::str::from_utf8(&self.b[start..self.i]).unwrap();
                    match t.parse::<i64>() {
                        Ok(i) => Value::Int(i),
                        Err(_) => Value::Float(t.parse().unwrap()),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::parse_json;
    use super::*;

    fn pods() -> Value {
        parse_json(
            r#"{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[
              {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","labels":{"app":"web","app.kubernetes.io/name":"shop"}},
               "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}]},{"name":"log","image":"busybox"}],"nodeName":"worker-1"},
               "status":{"phase":"Running","restarts":3,"ratio":0.5,"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}},
              {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","labels":{"app":"web"}},
               "spec":{"containers":[{"name":"nginx","image":"nginx:1.26"}]},
               "status":{"phase":"Pending","restarts":0,"conditions":[{"type":"Ready","status":"False"}]}}
            ]}"#,
        )
    }

    fn run(template: &str) -> Result<String, String> {
        JsonPath::parse(template)?
            .allow_missing_keys(true)
            .execute(&pods())
    }

    #[test]
    fn templates_print_like_kubectl() {
        let cases: &[(&str, &str, &str)] = &[
            ("a field of the root", "{.kind}", "List"),
            ("dollar is the root", "{$.kind}", "List"),
            ("at is the current object", "{@.kind}", "List"),
            ("text around expressions", "kind={.kind};", "kind=List;"),
            (
                "all items with a wildcard",
                "{.items[*].metadata.name}",
                "web-0 web-1",
            ),
            ("an index", "{.items[1].metadata.name}", "web-1"),
            ("a negative index", "{.items[-1].metadata.name}", "web-1"),
            ("a slice", "{.items[0:1].metadata.name}", "web-0"),
            (
                "a slice with a step",
                "{.items[0:2:2].metadata.name}",
                "web-0",
            ),
            ("an open slice", "{.items[1:].metadata.name}", "web-1"),
            (
                "a union of indexes",
                "{.items[0,1].status.phase}",
                "Running Pending",
            ),
            (
                "a union of keys",
                "{.items[0].metadata['name','labels']}",
                "web-0 {\"app\":\"web\",\"app.kubernetes.io/name\":\"shop\"}",
            ),
            ("a quoted key", "{.items[0].metadata.labels['app']}", "web"),
            (
                "an escaped dotted key",
                "{.items[0].metadata.labels.app\\.kubernetes\\.io/name}",
                "shop",
            ),
            (
                "a quoted dotted key is read as fields",
                "{.items[0].metadata.labels['app.kubernetes.io/name']}",
                "",
            ),
            (
                "a filter on a string",
                "{.items[0].status.conditions[?(@.type==\"Ready\")].status}",
                "True",
            ),
            (
                "a filter with single quotes",
                "{.items[*].status.conditions[?(@.type=='Ready')].status}",
                "True False",
            ),
            (
                "a filter with not-equal",
                "{.items[0].status.conditions[?(@.type!=\"Ready\")].type}",
                "PodScheduled",
            ),
            (
                "a numeric filter",
                "{.items[?(@.status.restarts>1)].metadata.name}",
                "web-0",
            ),
            (
                "a numeric filter with <=",
                "{.items[?(@.status.restarts<=0)].metadata.name}",
                "web-1",
            ),
            (
                "an existence filter",
                "{.items[?(@.spec.nodeName)].metadata.name}",
                "web-0",
            ),
            (
                "recursive descent",
                "{..image}",
                "nginx:1.25 busybox nginx:1.26",
            ),
            (
                "recursive descent finds names in order",
                "{.items[0]..name}",
                "web-0 nginx log",
            ),
            (
                "a wildcard over a map",
                "{.items[1].metadata.labels.*}",
                "web",
            ),
            (
                "maps print as compact JSON",
                "{.items[1].metadata.labels}",
                "{\"app\":\"web\"}",
            ),
            (
                "lists print as compact JSON",
                "{.items[0].spec.containers[0].ports}",
                "[{\"containerPort\":80}]",
            ),
            (
                "numbers print as Go does",
                "{.items[0].status.restarts} {.items[0].status.ratio}",
                "3 0.5",
            ),
            (
                "a missing key prints nothing",
                "{.items[0].metadata.nope}",
                "",
            ),
            (
                "a range with newlines",
                "{range .items[*]}{.metadata.name}{\"\\n\"}{end}",
                "web-0\nweb-1\n",
            ),
            (
                "a range with tabs",
                "{range .items[*]}{.metadata.name}{'\\t'}{.status.phase}{\"\\n\"}{end}",
                "web-0\tRunning\nweb-1\tPending\n",
            ),
            (
                "nested ranges",
                "{range .items[*]}{.metadata.name}:{range .spec.containers[*]}{.name},{end};{end}",
                "web-0:nginx,log,;web-1:nginx,;",
            ),
            (
                "text after a range",
                "{range .items[*]}{.metadata.name} {end}done",
                "web-0 web-1 done",
            ),
            (
                "an empty range still finds its end",
                "{range .items[5:5]}{.x}{end}after",
                "after",
            ),
            ("a string literal", "{\"hello\"}", "hello"),
            (
                "an empty index selects the first item",
                "{.items[].metadata.name}",
                "web-0",
            ),
        ];
        for (name, template, want) in cases {
            assert_eq!(run(template).as_deref(), Ok(*want), "{name}: {template}");
        }
    }

    #[test]
    fn ranges_and_slices_follow_client_go() {
        let data = parse_json(
            r#"{"items":[
              {"metadata":{"name":"api"},"spec":{"containers":[
                {"name":"app","env":[{"name":"A"},{"name":"B"}]},
                {"name":"proxy","env":[{"name":"C"}]}]}},
              {"metadata":{"name":"db"},"spec":{"containers":[{"name":"pg","env":[]}]}},
              null
            ],"list":[10,11,12,13,14,15],"empty":[]}"#,
        );
        let cases: &[(&str, &str, Result<&str, &str>)] = &[
            ("a range inside a range", "{range .items[0:2]}{.metadata.name}:{range .spec.containers[*]}{.name},{end}+{end}", Ok("api:app,proxy,+db:pg,+")),
            ("three nested ranges", "{range .items[0:2]}{.metadata.name}~{range .spec.containers[*]}{.name}:{range .env[*]}{.name},{end}+{end}#{end}", Ok("api~app:A,B,+proxy:C,+#db~pg:+#")),
            ("two ranges side by side", "{range .items[0:2]}{range .spec.containers[*]}{.name} {end}|{range .spec.containers[*]}{.name} {end}/{end}", Ok("app proxy |app proxy /pg |pg /")),
            ("a null element is no value", "{range .items[*]}[{@}]{end}", Ok("[{\"metadata\":{\"name\":\"api\"},\"spec\":{\"containers\":[{\"env\":[{\"name\":\"A\"},{\"name\":\"B\"}],\"name\":\"app\"},{\"env\":[{\"name\":\"C\"}],\"name\":\"proxy\"}]}}][{\"metadata\":{\"name\":\"db\"},\"spec\":{\"containers\":[{\"env\":[],\"name\":\"pg\"}]}}][<no value>]")),
            ("an empty nested range prints nothing", "{range .empty[*]}{.a}:{range .b[*]}{.c},{end}+{end}", Ok("")),
            ("zero to zero is empty", "{.list[0:0]}", Ok("")),
            ("up to minus one drops the last", "{.list[0:-1]}", Ok("10 11 12 13 14")),
            ("minus two onwards", "{.list[-2:]}", Ok("14 15")),
            ("equal out-of-range bounds are empty", "{.list[-9:-9]}", Ok("")),
            ("a step of two", "{.list[1:6:2]}", Ok("11 13 15")),
            ("a step larger than the slice", "{.list[0:6:7]}", Ok("10")),
            ("an empty step means one", "{.list[0:3:]}", Ok("10 11 12")),
            ("a negative start past the front", "{.list[-7]}", Err("array index out of bounds: index -1, length 6")),
            ("a start after the end", "{.list[-1:-2]}", Err("starting index 5 is greater than ending index 4")),
            ("a negative step", "{.list[0:6:-1]}", Err("step must be > 0")),
            ("an end past the end", "{.list[2:9]}", Err("array index out of bounds: index 8, length 6")),
            ("a filter on the element itself", "{.list[?(@>12)]}", Ok("13 14 15")),
            ("an unknown filter operator", "{.list[?(@<>12)]}", Err("unrecognized filter operator <>")),
            ("a redundant end", "{range .list[*]}{@}{end}{end}", Err("not in range, nothing to end")),
            ("a quoted brace", "{\"{\"}", Ok("{")),
            ("recursion over a list", "{.list..}", Ok("[10,11,12,13,14,15]")),
            ("a filter comparing several values", "{.items[?(@..name==\"pg\")].metadata.name}", Err("can only compare one element at a time")),
        ];
        for (name, template, want) in cases {
            let got =
                JsonPath::parse(template).and_then(|p| p.allow_missing_keys(true).execute(&data));
            assert_eq!(
                got.as_deref(),
                want.map_err(str::to_string).as_deref(),
                "{name}: {template}"
            );
        }
    }

    #[test]
    fn parse_errors_match_client_go() {
        let cases: &[(&str, &str, &str)] = &[
            ("an unterminated array", "{.items[*}", "unterminated array"),
            ("an unclosed action", "{.items", "unclosed action"),
            (
                "an unclosed filter",
                "{.items[?(@.a==1)}",
                "unclosed array expect ]",
            ),
            (
                "an unterminated filter",
                "{.items[?(@.a==1}",
                "unterminated filter",
            ),
            (
                "an unterminated string",
                "{\"abc}",
                "unterminated quoted string",
            ),
            ("a bad index", "{.items[a]}", "invalid array index a"),
            (
                "a lone minus index",
                "{.items[-]}",
                "array index - is not a number",
            ),
            (
                "a bad character",
                "{.items | x}",
                "unrecognized character in action: U+007C '|'",
            ),
            (
                "a tab is not a space",
                "{.a\t}",
                "unrecognized character in action: U+0009",
            ),
            (
                "double recursion",
                "{....a}",
                "invalid multiple recursive descent",
            ),
            (
                "and-and in a filter",
                "{.items[?(@.a==\"x\" && @.b==\"y\")]}",
                "unrecognized character in action: U+0026 '&'",
            ),
            (
                "a regex filter",
                "{.items[?(@.a=~\"x\")]}",
                "unrecognized character in action: U+007E '~'",
            ),
            (
                "a bad escape",
                "{\"\\q\"}",
                "unquote string \"\\q\" error invalid syntax",
            ),
        ];
        for (name, template, want) in cases {
            assert_eq!(
                JsonPath::parse(template).err().as_deref(),
                Some(*want),
                "{name}"
            );
        }
    }

    #[test]
    fn execution_errors_match_client_go() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "an index past the end",
                "{.items[5].metadata.name}",
                "array index out of bounds: index 5, length 2",
            ),
            (
                "an index into an empty list",
                "{.items[0].x[0]}",
                "x is not found",
            ),
            (
                "indexing a map",
                "{.metadata[0]}",
                "map[string]interface {} is not array or slice",
            ),
            (
                "filtering a map",
                "{.metadata[?(@.a)]}",
                "map[resourceVersion:] is not array or slice and cannot be filtered",
            ),
            ("end outside range", "{end}", "not in range, nothing to end"),
            (
                "an unknown identifier",
                "{foo}",
                "unrecognized identifier foo",
            ),
            (
                "comparing a string with a number",
                "{.items[?(@.metadata.name==1)]}",
                "incompatible types for comparison",
            ),
            ("a zero step", "{.items[0:2:0]}", "step must be > 0"),
            (
                "a reversed slice",
                "{.items[1:0]}",
                "starting index 1 is greater than ending index 0",
            ),
        ];
        for (name, template, want) in cases {
            let path = JsonPath::parse(template)
                .unwrap()
                .allow_missing_keys(*name != "an index into an empty list");
            assert_eq!(
                path.execute(&pods()).err().as_deref(),
                Some(*want),
                "{name}"
            );
        }
    }

    #[test]
    fn missing_keys_error_when_not_allowed() {
        let path = JsonPath::parse("{.metadata.nope}").unwrap();
        assert_eq!(path.execute(&pods()), Err("nope is not found".to_string()));
    }

    #[test]
    fn the_printer_reports_like_kubectl() {
        assert_eq!(
            JsonPathPrinter::new("{.items[*}", false, true).unwrap_err(),
            "error parsing jsonpath {.items[*}, unterminated array\n"
        );
        let obj = parse_json(r#"{"kind":"List","items":[]}"#);
        let p = JsonPathPrinter::new("{.items[0].metadata.name}", false, true).unwrap();
        assert_eq!(
            p.print(&obj).unwrap_err(),
            "error executing jsonpath \"{.items[0].metadata.name}\": Error executing template: array index out of bounds: index 0, length 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[0].metadata.name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"items\":[]interface {}{}, \"kind\":\"List\"}\n\n\n"
        );
    }

    #[test]
    fn jsonpath_as_json_prints_indented_arrays() {
        let p = JsonPathPrinter::new("{.items[*].metadata.name}{.kind}", true, true).unwrap();
        assert_eq!(
            p.print(&pods()).unwrap(),
            "[\n    \"web-0\",\n    \"web-1\"\n]\n[\n    \"List\"\n]\n"
        );
        let p = JsonPathPrinter::new("{.nope}", true, true).unwrap();
        assert_eq!(p.print(&pods()).unwrap(), "[]\n");
    }

    #[test]
    fn random_templates_never_panic_or_hang() {
        use super::tests_support::{on_small_stack, Rng};
        const PIECES: &[&str] = &[
            "{",
            "}",
            ".",
            "..",
            "items",
            "metadata",
            "name",
            "[",
            "]",
            "*",
            "0",
            "-1",
            ":",
            "2",
            ",",
            "?(",
            ")",
            "@",
            "$",
            "==",
            "!=",
            "<",
            ">=",
            "\"",
            "'",
            "\\",
            "range",
            "end",
            " ",
            "\n",
            "\t",
            "true",
            "1.5",
            "+",
            "&&",
            "=~",
            "é",
            "日",
            "x",
            "\\.",
            "-9223372036854775808",
            "9223372036854775807",
            "99999999999999999999",
        ];
        on_small_stack(|| {
            let data = pods();
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
            for _ in 0..20_000 {
                let text = rng.text(PIECES, 16);
                if let Ok(p) = JsonPath::parse(&text) {
                    let _ = p.clone().allow_missing_keys(true).execute(&data);
                    let _ = p.allow_missing_keys(false).execute(&data);
                }
                let _ = JsonPathPrinter::new(&text, true, true).map(|p| p.print(&data));
            }
        });
    }

    #[test]
    fn pathological_templates_stop_with_an_error() {
        use super::tests_support::on_small_stack;
        on_small_stack(|| {
            let data = pods();
            let deep_ranges = "{range @}".repeat(500);
            assert_eq!(
                JsonPath::parse(&deep_ranges).unwrap().execute(&data),
                Err("range nested too deeply".to_string())
            );
            let explosive = format!(
                "{{range .items[*]}}{}{{.x}}{{end}}",
                "{range ..}".repeat(30)
            );
            assert_eq!(
                JsonPath::parse(&explosive)
                    .unwrap()
                    .allow_missing_keys(true)
                    .execute(&data),
                Err("jsonpath evaluation exceeds the printer's step limit".to_string())
            );
            let long_path = format!("{{{}}}", ".a".repeat(20_000));
            assert_eq!(
                JsonPath::parse(&long_path)
                    .unwrap()
                    .allow_missing_keys(true)
                    .execute(&data),
                Ok(String::new())
            );
            let many_actions = "{.kind}".repeat(20_000);
            assert_eq!(
                JsonPath::parse(&many_actions)
                    .unwrap()
                    .execute(&data)
                    .map(|s| s.len()),
                Ok(80_000)
            );
        });
    }

    #[test]
    fn relaxed_expressions_match_kubectl() {
        let cases: &[(&str, Result<&str, ()>)] = &[
            ("metadata.name", Ok("{.metadata.name}")),
            (".metadata.name", Ok("{.metadata.name}")),
            ("{metadata.name}", Ok("{.metadata.name}")),
            ("{.metadata.name}", Ok("{.metadata.name}")),
            ("", Ok("")),
            ("{.a}{.b}", Err(())),
        ];
        for (input, want) in cases {
            assert_eq!(
                relaxed_expression(input).map_err(|_| ()),
                want.map(str::to_string),
                "{input}"
            );
        }
    }
}
