//! One YAML document to a [`Node`], the way kubectl's `YAMLToJSON` gets
//! there: go-yaml builds a node tree (resolving aliases as it goes), decodes
//! it into Go values (tags, merge keys, YAML 1.1 scalars), and
//! sigs.k8s.io/yaml turns that into JSON (stringifying keys). The result is
//! what kubectl holds after reading the JSON back: whole-number floats
//! become integers, and non-finite floats are errors.

use std::collections::{BTreeMap, BTreeSet};

use super::gostr::{format_float_g, json_round_trip, quote, JsonNumber};
use super::node::{Key, Node, NodeKind, Span};
use super::parser::{EventKind, Parser};
use super::resolve::{resolve, Scalar, BINARY_TAG, MERGE_TAG};
use super::scanner::{Mark, MAX_DEPTH};

/// A failed document: the text kubectl prints after `yaml.Unmarshal`'s
/// caller prefix, and where to underline.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DocError {
    pub message: String,
    pub at: Mark,
}

fn fail<T>(message: String, at: Mark) -> Result<T, DocError> {
    Err(DocError { message, at })
}

/// Parses the first document of `text` (go-yaml ignores the rest). An empty
/// document is `Null`. Spans are shifted by `line_offset` lines.
pub(crate) fn parse_document(text: &str, line_offset: usize) -> Result<Node, DocError> {
    let Some((nodes, root)) = compose(text)? else {
        return Ok(Node::new(
            span_of(Mark::default(), line_offset),
            NodeKind::Null,
        ));
    };
    let mut decoder = Decoder {
        nodes: &nodes,
        in_progress: BTreeSet::new(),
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
    };
    let value = decoder.unmarshal(root, 0)?;
    let node = convert(value, line_offset)?;
    check_finite(&node, line_offset)?;
    Ok(node)
}

pub(crate) fn span_of(mark: Mark, line_offset: usize) -> Span {
    let line = (mark.line + line_offset + 1).min(u32::MAX as usize) as u32;
    let col = (mark.column + 1).min(u32::MAX as usize) as u32;
    Span::new(line, col)
}

// ---- go-yaml's node tree ---------------------------------------------

enum RawKind {
    Scalar,
    Seq,
    Map,
    Alias { target: usize, name: String },
}

struct Raw {
    kind: RawKind,
    mark: Mark,
    tag: String,
    value: String,
    implicit: bool,
    children: Vec<usize>,
}

fn syntax_error(e: super::scanner::YamlError) -> DocError {
    DocError {
        message: format!("yaml: {}", e.describe()),
        at: e.at,
    }
}

/// Builds go-yaml's node tree of the first document, stopping right after
/// its end as `yaml.Unmarshal` does.
fn compose(text: &str) -> Result<Option<(Vec<Raw>, usize)>, DocError> {
    // go-yaml parses an empty input as a single line break.
    let mut parser = Parser::new(if text.is_empty() { "\n" } else { text });
    let mut next = || parser.next_event().map_err(syntax_error);
    match next()? {
        Some(ev) if ev.kind == EventKind::StreamStart => {}
        other => return fail(unexpected("STREAM-START", other.as_ref()), Mark::default()),
    }
    match next()? {
        Some(ev) if ev.kind == EventKind::DocumentStart => {}
        Some(ev) if ev.kind == EventKind::StreamEnd => return Ok(None),
        other => {
            return fail(
                unexpected("DOCUMENT-START", other.as_ref()),
                Mark::default(),
            )
        }
    }

    let mut nodes: Vec<Raw> = Vec::new();
    let mut anchors: BTreeMap<String, usize> = BTreeMap::new();
    let mut open: Vec<usize> = Vec::new();
    let root = loop {
        let Some(ev) = next()? else {
            return fail(
                "yaml: attempted to go past the end of stream; corrupted value?".into(),
                Mark::default(),
            );
        };
        let mark = ev.start;
        let (raw, anchor, opens) = match ev.kind {
            EventKind::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return fail(format!("yaml: unknown anchor '{anchor}' referenced"), mark);
                };
                let raw = Raw {
                    kind: RawKind::Alias {
                        target,
                        name: anchor,
                    },
                    mark,
                    tag: String::new(),
                    value: String::new(),
                    implicit: false,
                    children: Vec::new(),
                };
                (raw, None, false)
            }
            EventKind::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => {
                let raw = Raw {
                    kind: RawKind::Scalar,
                    mark,
                    tag,
                    value,
                    implicit: plain_implicit,
                    children: Vec::new(),
                };
                (raw, anchor, false)
            }
            EventKind::SequenceStart { anchor, tag } => {
                let raw = Raw {
                    kind: RawKind::Seq,
                    mark,
                    tag,
                    value: String::new(),
                    implicit: false,
                    children: Vec::new(),
                };
                (raw, anchor, true)
            }
            EventKind::MappingStart { anchor, tag } => {
                let kind = RawKind::Map;
                let raw = Raw {
                    kind,
                    mark,
                    tag,
                    value: String::new(),
                    implicit: false,
                    children: Vec::new(),
                };
                (raw, anchor, true)
            }
            EventKind::SequenceEnd | EventKind::MappingEnd => {
                let Some(done) = open.pop() else {
                    return fail("yaml: unexpected end of collection".into(), mark);
                };
                if open.is_empty() {
                    break done;
                }
                continue;
            }
            other => {
                let ev = super::parser::Event {
                    kind: other,
                    start: mark,
                };
                return fail(unexpected("node", Some(&ev)), mark);
            }
        };
        let id = nodes.len();
        nodes.push(raw);
        // go-yaml registers an anchor before the node's children, so an
        // alias inside its own anchor refers to it (and fails on decoding).
        if let Some(name) = anchor {
            anchors.insert(name, id);
        }
        if let Some(&parent) = open.last() {
            nodes[parent].children.push(id);
        }
        if opens {
            open.push(id);
        } else if open.is_empty() {
            break id;
        }
    };
    match next()? {
        Some(ev) if ev.kind == EventKind::DocumentEnd => {}
        other => return fail(unexpected("DOCUMENT-END", other.as_ref()), Mark::default()),
    }
    Ok(Some((nodes, root)))
}

fn unexpected(expected: &str, got: Option<&super::parser::Event>) -> String {
    let got = match got.map(|e| &e.kind) {
        None => "nothing",
        Some(EventKind::StreamStart) => "STREAM-START",
        Some(EventKind::StreamEnd) => "STREAM-END",
        Some(EventKind::DocumentStart) => "DOCUMENT-START",
        Some(EventKind::DocumentEnd) => "DOCUMENT-END",
        Some(_) => "a node",
    };
    format!("yaml: expected {expected} event but got {got}")
}

// ---- Decoding into Go values -----------------------------------------

/// A decoded value, typed as go-yaml types it inside `interface{}`.
#[derive(Clone, Debug)]
enum GoVal {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<GoNode>),
    Map(GoMap),
}

#[derive(Clone, Debug)]
struct GoNode {
    mark: Mark,
    val: GoVal,
}

/// Go's `==` on `interface{}` map keys.
fn same_key(a: &GoVal, b: &GoVal) -> bool {
    match (a, b) {
        (GoVal::Nil, GoVal::Nil) => true,
        (GoVal::Bool(x), GoVal::Bool(y)) => x == y,
        (GoVal::Int(x), GoVal::Int(y)) => x == y,
        (GoVal::Uint(x), GoVal::Uint(y)) => x == y,
        (GoVal::Float(x), GoVal::Float(y)) => x == y,
        (GoVal::Str(x), GoVal::Str(y)) => x == y,
        _ => false,
    }
}

/// A Go `map[interface{}]interface{}` that remembers insertion order.
#[derive(Clone, Debug, Default)]
struct GoMap {
    entries: Vec<(GoNode, GoNode)>,
    /// Where each string key is, so large maps stay fast to fill.
    strings: BTreeMap<String, usize>,
}

impl GoMap {
    fn set(&mut self, key: GoNode, value: GoNode) {
        let found = match &key.val {
            GoVal::Str(s) => self.strings.get(s).copied(),
            other => self
                .entries
                .iter()
                .position(|(k, _)| same_key(&k.val, other)),
        };
        match found {
            Some(i) => self.entries[i] = (key, value),
            None => {
                if let GoVal::Str(s) = &key.val {
                    self.strings.insert(s.clone(), self.entries.len());
                }
                self.entries.push((key, value));
            }
        }
    }
}

struct Decoder<'a> {
    nodes: &'a [Raw],
    in_progress: BTreeSet<usize>,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
}

/// go-yaml's guard against alias bombs: the share of decoding work that may
/// come from alias expansion shrinks as documents grow.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl Decoder<'_> {
    fn count(&mut self, at: Mark) -> Result<(), DocError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return fail("yaml: document contains excessive aliasing".into(), at);
        }
        Ok(())
    }

    fn unmarshal(&mut self, id: usize, depth: usize) -> Result<GoNode, DocError> {
        let node = &self.nodes[id];
        let mark = node.mark;
        if depth > MAX_DEPTH {
            return fail(format!("yaml: exceeded max depth of {MAX_DEPTH}"), mark);
        }
        self.count(mark)?;
        let val = match &node.kind {
            RawKind::Alias { target, name } => {
                if !self.in_progress.insert(id) {
                    return fail(format!("yaml: anchor '{name}' value contains itself"), mark);
                }
                self.alias_depth += 1;
                let expanded = self.unmarshal(*target, depth)?;
                self.alias_depth -= 1;
                self.in_progress.remove(&id);
                expanded.val
            }
            RawKind::Scalar => scalar(node)?,
            RawKind::Seq => {
                let mut items = Vec::with_capacity(node.children.len());
                for &child in &node.children {
                    items.push(self.unmarshal(child, depth + 1)?);
                }
                GoVal::Seq(items)
            }
            RawKind::Map => {
                let mut map = GoMap::default();
                self.mapping_into(id, &mut map, depth)?;
                GoVal::Map(map)
            }
        };
        Ok(GoNode { mark, val })
    }

    fn mapping_into(&mut self, id: usize, out: &mut GoMap, depth: usize) -> Result<(), DocError> {
        let node = &self.nodes[id];
        for pair in node.children.chunks(2) {
            let [k, v] = pair else { continue };
            if self.is_merge(*k) {
                self.merge(*v, out, depth)?;
                continue;
            }
            let key = self.unmarshal(*k, depth + 1)?;
            if matches!(key.val, GoVal::Seq(_) | GoVal::Map(_)) {
                return fail(
                    format!("yaml: invalid map key: {}", sharp_v(&key.val, false)),
                    key.mark,
                );
            }
            let value = self.unmarshal(*v, depth + 1)?;
            out.set(key, value);
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        let n = &self.nodes[id];
        matches!(n.kind, RawKind::Scalar) && n.value == "<<" && (n.implicit || n.tag == MERGE_TAG)
    }

    fn is_map(&self, id: usize) -> bool {
        match &self.nodes[id].kind {
            RawKind::Map => true,
            RawKind::Alias { target, .. } => matches!(self.nodes[*target].kind, RawKind::Map),
            _ => false,
        }
    }

    fn merge(&mut self, id: usize, out: &mut GoMap, depth: usize) -> Result<(), DocError> {
        let node = &self.nodes[id];
        let want_map = || {
            fail(
                "yaml: map merge requires map or sequence of maps as the value".into(),
                node.mark,
            )
        };
        match &node.kind {
            RawKind::Map | RawKind::Alias { .. } => {
                if !self.is_map(id) {
                    return want_map();
                }
                self.unmarshal_into(id, out, depth)
            }
            RawKind::Seq => {
                // Earlier maps take precedence, so merge them last.
                for &child in node.children.iter().rev() {
                    if !self.is_map(child) {
                        return want_map();
                    }
                    self.unmarshal_into(child, out, depth)?;
                }
                Ok(())
            }
            RawKind::Scalar => want_map(),
        }
    }

    /// Decodes a mapping (or an alias of one) into an existing map.
    fn unmarshal_into(&mut self, id: usize, out: &mut GoMap, depth: usize) -> Result<(), DocError> {
        let node = &self.nodes[id];
        self.count(node.mark)?;
        match &node.kind {
            RawKind::Alias { target, name } => {
                if !self.in_progress.insert(id) {
                    return fail(
                        format!("yaml: anchor '{name}' value contains itself"),
                        node.mark,
                    );
                }
                self.alias_depth += 1;
                self.unmarshal_into(*target, out, depth)?;
                self.alias_depth -= 1;
                self.in_progress.remove(&id);
                Ok(())
            }
            _ => self.mapping_into(id, out, depth),
        }
    }
}

fn scalar(node: &Raw) -> Result<GoVal, DocError> {
    if node.tag.is_empty() && !node.implicit {
        return Ok(GoVal::Str(node.value.clone()));
    }
    let (_, resolved) = match resolve(&node.tag, &node.value) {
        Ok(r) => r,
        Err(msg) => return fail(format!("yaml: {msg}"), node.mark),
    };
    if node.tag == BINARY_TAG {
        return match decode_base64(&node.value) {
            Some(bytes) => Ok(GoVal::Str(go_string_from_bytes(&bytes))),
            None => fail(
                "yaml: !!binary value contains invalid base64 data".into(),
                node.mark,
            ),
        };
    }
    Ok(match resolved {
        Scalar::Null => GoVal::Nil,
        Scalar::Bool(b) => GoVal::Bool(b),
        Scalar::Int(i) => GoVal::Int(i),
        Scalar::Uint(u) => GoVal::Uint(u),
        Scalar::Float(f) => GoVal::Float(f),
        Scalar::Str(s) => GoVal::Str(s),
    })
}

/// `base64.StdEncoding.DecodeString`, which skips line breaks.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let data: Vec<u8> = s.bytes().filter(|&b| b != b'\r' && b != b'\n').collect();
    if data.len() % 4 != 0 {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        Some(u32::from(v))
    };
    let quanta = data.len() / 4;
    let mut out = Vec::with_capacity(quanta * 3);
    for (q, chunk) in data.chunks(4).enumerate() {
        let pads = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if pads > 2 || (pads > 0 && q + 1 != quanta) {
            return None;
        }
        let mut n: u32 = 0;
        for &b in &chunk[..4 - pads] {
            n = (n << 6) | value(b)?;
        }
        n <<= 6 * pads as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pads]);
    }
    Some(out)
}

/// Go strings may hold any bytes; `encoding/json` writes each invalid byte
/// as U+FFFD.
fn go_string_from_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push('\u{fffd}');
                rest = &bad[1..];
            }
        }
    }
    out
}

/// Go's `%#v` of a decoded value (`inner`: as an element of a container).
fn sharp_v(v: &GoVal, inner: bool) -> String {
    match v {
        GoVal::Nil if inner => "interface {}(nil)".into(),
        GoVal::Nil => "<nil>".into(),
        GoVal::Bool(b) => b.to_string(),
        GoVal::Int(i) => i.to_string(),
        GoVal::Uint(u) => format!("0x{u:x}"),
        GoVal::Float(f) => format_float_g(*f, false),
        GoVal::Str(s) => quote(s),
        GoVal::Seq(items) => {
            let parts: Vec<String> = items.iter().map(|i| sharp_v(&i.val, true)).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        GoVal::Map(map) => {
            // fmt prints map keys sorted: nil first, then grouped by type,
            // then by value.
            let mut entries: Vec<&(GoNode, GoNode)> = map.entries.iter().collect();
            entries.sort_by(|(a, _), (b, _)| compare_keys(&a.val, &b.val));
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", sharp_v(&k.val, true), sharp_v(&v.val, true)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// The order Go's `fmt` prints `interface{}` map keys in. Types are ordered
/// by their address in the binary; strings before ints is what kubectl
/// shows, the rest is a guess.
fn compare_keys(a: &GoVal, b: &GoVal) -> std::cmp::Ordering {
    let rank = |v: &GoVal| match v {
        GoVal::Nil => 0,
        GoVal::Str(_) => 1,
        GoVal::Int(_) => 2,
        GoVal::Uint(_) => 3,
        GoVal::Float(_) => 4,
        GoVal::Bool(_) => 5,
        GoVal::Seq(_) => 6,
        GoVal::Map(_) => 7,
    };
    match (a, b) {
        (GoVal::Str(x), GoVal::Str(y)) => x.cmp(y),
        (GoVal::Int(x), GoVal::Int(y)) => x.cmp(y),
        (GoVal::Uint(x), GoVal::Uint(y)) => x.cmp(y),
        (GoVal::Float(x), GoVal::Float(y)) => x.total_cmp(y),
        (GoVal::Bool(x), GoVal::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

// ---- sigs.k8s.io/yaml's conversion to JSON ---------------------------

fn key_string(key: &GoNode, value: &GoNode) -> Result<String, DocError> {
    let unsupported = |type_name: &str| {
        fail(
            format!(
                "unsupported map key of type: {type_name}, key: {}, value: {}",
                sharp_v(&key.val, false),
                sharp_v(&value.val, false)
            ),
            key.mark,
        )
    };
    match &key.val {
        GoVal::Str(s) => Ok(s.clone()),
        GoVal::Int(i) => Ok(i.to_string()),
        GoVal::Float(f) => Ok(match format_float_g(*f, true).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        }),
        GoVal::Bool(b) => Ok(b.to_string()),
        GoVal::Nil => unsupported("%!s(<nil>)"),
        GoVal::Uint(_) => unsupported("uint64"),
        GoVal::Seq(_) => unsupported("[]interface {}"),
        GoVal::Map(_) => unsupported("map[interface {}]interface {}"),
    }
}

fn convert(n: GoNode, line_offset: usize) -> Result<Node, DocError> {
    let span = span_of(n.mark, line_offset);
    let kind = match n.val {
        GoVal::Nil => NodeKind::Null,
        GoVal::Bool(b) => NodeKind::Bool(b),
        GoVal::Int(i) => NodeKind::Int(i),
        // Beyond int64, kubectl reads the JSON number back as a float64.
        GoVal::Uint(u) => NodeKind::Float(u as f64),
        GoVal::Float(f) if !f.is_finite() => NodeKind::Float(f),
        GoVal::Float(f) => match json_round_trip(f) {
            JsonNumber::Int(i) => NodeKind::Int(i),
            JsonNumber::Float(f) => NodeKind::Float(f),
        },
        GoVal::Str(s) => NodeKind::Str(s),
        GoVal::Seq(items) => NodeKind::Seq(
            items
                .into_iter()
                .map(|i| convert(i, line_offset))
                .collect::<Result<_, _>>()?,
        ),
        GoVal::Map(map) => {
            let mut out: Vec<(Key, Node)> = Vec::with_capacity(map.entries.len());
            let mut index: BTreeMap<String, usize> = BTreeMap::new();
            for (k, v) in map.entries {
                let name = key_string(&k, &v)?;
                let key = Key {
                    name,
                    span: span_of(k.mark, line_offset),
                };
                let value = convert(v, line_offset)?;
                // Keys that differ in YAML may collide as strings; the
                // later one wins, as it would when written to JSON.
                match index.get(&key.name) {
                    Some(&i) => out[i] = (key, value),
                    None => {
                        index.insert(key.name.clone(), out.len());
                        out.push((key, value));
                    }
                }
            }
            NodeKind::Map(out)
        }
    };
    Ok(Node::new(span, kind))
}

/// `json.Marshal` refuses NaN and infinities; it meets values in sorted key
/// order, so the first one found that way is the one reported.
fn check_finite(node: &Node, line_offset: usize) -> Result<(), DocError> {
    match &node.kind {
        NodeKind::Float(f) if !f.is_finite() => Err(DocError {
            message: format!("json: unsupported value: {}", format_float_g(*f, false)),
            at: Mark {
                index: 0,
                line: (node.span.line as usize).saturating_sub(1 + line_offset),
                column: (node.span.col as usize).saturating_sub(1),
            },
        }),
        NodeKind::Seq(items) => items.iter().try_for_each(|i| check_finite(i, line_offset)),
        NodeKind::Map(entries) => {
            let mut sorted: Vec<&(Key, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.name.cmp(&b.0.name));
            sorted
                .into_iter()
                .try_for_each(|(_, v)| check_finite(v, line_offset))
        }
        _ => Ok(()),
    }
}
