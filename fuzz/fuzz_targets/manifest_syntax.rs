//! Manifest reading and printing: nothing panics, and what `to_yaml`
//! prints reads back as the same value.
//!
//! `cargo +nightly fuzz run manifest_syntax` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use podlab_core::syntax::{documents, parse_stream, parse_value, to_yaml, Node};
use podlab_core::value::Value;

/// Whether kubectl's `-o yaml` would read back as the same value. Two
/// things do not, in kubectl as here: U+0085 (NEL), which its JSON-to-YAML
/// step folds as a line break, and a `<<` key, printed plain and so read
/// back as a merge key.
fn reads_back_unchanged(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.contains('\u{85}'),
        Value::Array(items) => items.iter().all(reads_back_unchanged),
        Value::Object(m) => m
            .iter()
            .all(|(k, v)| !k.contains('\u{85}') && k != "<<" && reads_back_unchanged(v)),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_value(text);
    for doc in documents(text) {
        let Ok(doc) = doc else { break };
        let value = doc.to_value();
        let yaml = to_yaml(&value);
        if !reads_back_unchanged(&value) {
            continue;
        }
        let back = parse_stream(&yaml).map(|docs| docs.first().map(Node::to_value));
        let expected = if value.is_null() { None } else { Some(value) };
        assert_eq!(back, Ok(expected), "printed as {yaml:?}");
    }
});
