//! Manifest syntax: YAML and JSON in, YAML out, the way kubectl reads and
//! prints them.
//!
//! Reading follows `kubectl -f`: apimachinery's `YAMLOrJSONDecoder` splits
//! the input, go-yaml v2 (as forked in `sigs.k8s.io/yaml`) parses each YAML
//! document with YAML 1.1 scalars, and the result is what kubectl holds
//! after its YAML-to-JSON conversion. Errors carry kubectl's message text
//! (line numbers included, counted as go-yaml counts them) and the absolute
//! position in the input. Writing follows `kubectl -o yaml`: sorted keys and
//! go-yaml's emitter rules for quoting, folding and block scalars.
//!
//! The behaviour is that of kubectl v1.31 and v1.32. Where they differ from
//! YAML as people expect it, kubectl wins: `yes`, `on` and `y` are booleans,
//! a repeated key silently replaces the earlier one, and a JSON-looking
//! input that is not valid JSON is an error (v1.33 retries it as YAML).
//! One limit is ours: nesting deeper than 256 levels is refused, where
//! kubectl allows 10000.

mod decode;
mod emit;
mod gostr;
mod json;
pub mod node;
mod parser;
mod resolve;
mod scanner;
mod stream;

#[cfg(test)]
mod tests;

use std::fmt;

pub use node::{Key, Node, NodeKind, Span};
pub use stream::Documents;

use crate::value::Value;

/// A manifest kubectl would refuse to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// kubectl's text after its `error parsing <source>: ` prefix, e.g.
    /// `error converting YAML to JSON: yaml: line 8: did not find expected key`.
    pub message: String,
    /// Where the problem is in the whole input (not the document's line
    /// number that the message may quote).
    pub span: Span,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Every document of a YAML or JSON stream, as kubectl splits and converts
/// them; empty and `null` documents are left out.
pub fn parse_stream(text: &str) -> Result<Vec<Node>, SyntaxError> {
    documents(text).collect()
}

/// The documents of a stream one by one. kubectl acts on each document
/// before it reads the next, so documents before a syntax error still count.
pub fn documents(text: &str) -> Documents<'_> {
    Documents::new(text)
}

/// One JSON or YAML value, as `kubectl patch -p` reads it: JSON when it
/// starts with `{`, otherwise the first YAML document. Error messages are
/// the bare decoder text (`yaml: line 1: …` or Go's JSON syntax error).
pub fn parse_value(text: &str) -> Result<Node, SyntaxError> {
    if stream::has_json_prefix(text) {
        return json::unmarshal(text).map_err(|(message, at)| SyntaxError {
            message,
            span: json::span_at(text, at),
        });
    }
    decode::parse_document(text, 0).map_err(|e| SyntaxError {
        message: e.message,
        span: decode::span_of(e.at, 0),
    })
}

/// `kubectl -o yaml` of a value: what `sigs.k8s.io/yaml.Marshal` writes.
pub fn to_yaml(v: &Value) -> String {
    emit::to_yaml(v)
}
