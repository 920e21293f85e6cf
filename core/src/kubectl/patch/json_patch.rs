//! JSON patch (RFC 6902), as the API server applies it with the
//! `evanphx/json-patch` v4 library: the same operations, pointer syntax and
//! error texts, and the same leniencies (`replace` of a missing object key
//! adds it, `copy` of a missing key copies a null, the first pointer segment
//! is skipped rather than required to be empty, negative array indexes
//! count from the end, the empty path names the whole document).

use super::{check_depth, PatchError, PatchErrorKind};
use crate::kubectl::printers::gofmt::quote;
use crate::value::Value;

/// The API server refuses longer patches.
const MAX_OPERATIONS: usize = 10000;

/// How much `copy` operations may grow a document, in bytes of JSON (the
/// API server's `JSONPatchMaxCopyBytes`); without it a few copies of a
/// list into itself would grow the document exponentially.
const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;

/// Applies a JSON patch (a list of operations) to a document.
///
/// Decoding failures are [`PatchErrorKind::BadRequest`] ("error decoding
/// patch: ..."), as the API server reports them under its default strict
/// field validation; a failing operation is
/// [`PatchErrorKind::Unprocessable`] with the library's message.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    let ops = decode(patch)?;
    if ops.len() > MAX_OPERATIONS {
        return Err(PatchError::new(
            PatchErrorKind::TooLarge,
            format!(
                "The allowed maximum operations in a JSON patch is {MAX_OPERATIONS}, got {}",
                ops.len()
            ),
        ));
    }
    let mut doc = doc.clone();
    let mut copied = 0;
    for op in &ops {
        op.apply(&mut doc, &mut copied)
            .map_err(PatchError::unprocessable)?;
    }
    Ok(doc)
}

/// One decoded operation. Absent and null members look the same to the
/// library, except for `value`.
struct Operation {
    op: Option<String>,
    path: Option<String>,
    from: Option<String>,
    /// `None` when the member is absent; `Some(Null)` for `"value": null`.
    value: Option<Value>,
}

fn decode(patch: &Value) -> Result<Vec<Operation>, PatchError> {
    let decode_error =
        |msg: String| PatchError::bad_request(format!("error decoding patch: {msg}"));
    let items = match patch {
        Value::Array(items) => items,
        // Decoding `null` into a slice leaves it empty.
        Value::Null => return Ok(Vec::new()),
        other => {
            return Err(decode_error(format!(
                "json: cannot unmarshal {} into Go value of type []handlers.jsonPatchOp",
                other.json_type_name()
            )))
        }
    };
    let mut ops = Vec::with_capacity(items.len());
    for item in items {
        let m = match item {
            Value::Object(m) => m,
            Value::Null => {
                ops.push(Operation {
                    op: None,
                    path: None,
                    from: None,
                    value: None,
                });
                continue;
            }
            other => {
                return Err(decode_error(format!(
                    "json: cannot unmarshal {} into Go value of type handlers.jsonPatchOp",
                    other.json_type_name()
                )))
            }
        };
        let string_field = |name: &str| -> Result<Option<String>, PatchError> {
            match m.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(decode_error(format!(
                    "json: cannot unmarshal {} into Go struct field jsonPatchOp.{name} of type string",
                    other.json_type_name()
                ))),
            }
        };
        ops.push(Operation {
            op: string_field("op")?,
            path: string_field("path")?,
            from: string_field("from")?,
            value: m.get("value").cloned(),
        });
    }
    Ok(ops)
}

impl Operation {
    fn apply(&self, doc: &mut Value, copied: &mut usize) -> Result<(), String> {
        match self.op.as_deref().unwrap_or("unknown") {
            "add" => self.add(doc),
            "remove" => self.remove(doc),
            "replace" => self.replace(doc),
            "move" => self.move_(doc),
            "test" => self.test(doc),
            "copy" => self.copy(doc, copied),
            other => Err(format!("Unexpected kind: {other}")),
        }
    }

    fn value(&self) -> Value {
        self.value.clone().unwrap_or(Value::Null)
    }

    fn add(&self, doc: &mut Value) -> Result<(), String> {
        let path = self
            .path
            .as_deref()
            .ok_or("add operation failed to decode path: missing value")?;
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!("add operation does not apply: doc is missing path: \"{path}\": missing value")
        })?;
        add(con, &key, self.value()).map_err(|e| format!("error in add for path: '{path}': {e}"))
    }

    fn remove(&self, doc: &mut Value) -> Result<(), String> {
        let path = self
            .path
            .as_deref()
            .ok_or("remove operation failed to decode path: missing value")?;
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!(
                "remove operation does not apply: doc is missing path: \"{path}\": missing value"
            )
        })?;
        remove(con, &key)
            .map(drop)
            .map_err(|e| format!("error in remove for path: '{path}': {e}"))
    }

    fn replace(&self, doc: &mut Value) -> Result<(), String> {
        let path = self.path.as_deref().ok_or(
            "replace operation failed to decode path: operation missing path field: missing value",
        )?;
        if path.is_empty() {
            // The whole document is replaced by an object or list; the
            // library silently ignores any other value.
            if let Some(v @ (Value::Object(_) | Value::Array(_))) = &self.value {
                *doc = v.clone();
            }
            return Ok(());
        }
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!("replace operation does not apply: doc is missing path: {path}: missing value")
        })?;
        if get(con, &key).is_err() {
            return Err(format!(
                "replace operation does not apply: doc is missing key: {path}: missing value"
            ));
        }
        set(con, &key, self.value()).map_err(|e| format!("error in remove for path: '{path}': {e}"))
    }

    fn move_(&self, doc: &mut Value) -> Result<(), String> {
        let from = self.from.as_deref().ok_or(
            "move operation failed to decode from: operation, missing from field: missing value",
        )?;
        let (con, key) = find_object(doc, from).ok_or_else(|| {
            format!(
                "move operation does not apply: doc is missing from path: {from}: missing value"
            )
        })?;
        get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
        let value =
            remove(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
        let path = self.path.as_deref().ok_or(
            "move operation failed to decode path: operation missing path field: missing value",
        )?;
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!(
                "move operation does not apply: doc is missing destination path: {path}: missing value"
            )
        })?;
        add(con, &key, value).map_err(|e| format!("error in move for path: '{path}': {e}"))
    }

    fn test(&self, doc: &mut Value) -> Result<(), String> {
        let path = self.path.as_deref().ok_or(
            "test operation failed to decode path: operation missing path field: missing value",
        )?;
        let failed = || format!("testing value {path} failed: test failed");
        if path.is_empty() {
            return match &self.value {
                Some(expected) if lazy_equal(doc, expected, 0) => Ok(()),
                _ => Err(failed()),
            };
        }
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!("test operation does not apply: is missing path: {path}: missing value")
        })?;
        let found = get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
        match (found.filter(|v| !v.is_null()), &self.value) {
            (None, None | Some(Value::Null)) => Ok(()),
            (None, Some(_)) | (Some(_), None) => Err(failed()),
            (Some(actual), Some(expected)) => {
                if lazy_equal(actual, expected, 0) {
                    Ok(())
                } else {
                    Err(failed())
                }
            }
        }
    }

    fn copy(&self, doc: &mut Value, copied: &mut usize) -> Result<(), String> {
        let from = self.from.as_deref().ok_or(
            "copy operation failed to decode from: operation, missing from field: missing value",
        )?;
        let (con, key) = find_object(doc, from).ok_or_else(|| {
            format!(
                "copy operation does not apply: doc is missing from path: {from}: missing value"
            )
        })?;
        let value = get(con, &key)
            .map_err(|e| format!("error in copy for from: '{from}': {e}"))?
            .cloned()
            .unwrap_or(Value::Null);
        let path = self
            .path
            .as_deref()
            .ok_or("copy operation failed to decode path: missing value")?;
        let (con, key) = find_object(doc, path).ok_or_else(|| {
            format!(
                "copy operation does not apply: doc is missing destination path: {path}: missing value"
            )
        })?;
        *copied += value.to_json().len();
        if *copied > MAX_COPY_BYTES {
            return Err(format!(
                "Unable to complete the copy, the accumulated size increase of {copied} is greater than the limit {MAX_COPY_BYTES}"
            ));
        }
        add(con, &key, value).map_err(|e| format!("error while adding value during copy: {e}"))
    }
}

/// RFC 6901 unescaping: `~1` is `/`, then `~0` is `~`, scanning once.
fn decode_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut chars = k.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('1') => {
                    chars.next();
                    out.push('/');
                    continue;
                }
                Some('0') => {
                    chars.next();
                    out.push('~');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// `findObject`: the container holding the pointer's last segment, and that
/// segment. Every segment between the first and the last must name an
/// existing object or list.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let key = decode_key(split[split.len() - 1]);
    let mut con = doc;
    for part in &split[1..split.len() - 1] {
        let next = match con {
            Value::Object(m) => m.get_mut(&decode_key(part)),
            Value::Array(items) => {
                let idx = array_index(items.len(), &decode_key(part)).ok()?;
                items.get_mut(idx)
            }
            _ => None,
        }?;
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        con = next;
    }
    match con {
        Value::Object(_) | Value::Array(_) => Some((con, key)),
        _ => None,
    }
}

/// `strconv.Atoi`.
fn atoi(s: &str) -> Result<i64, String> {
    let syntax = || format!("strconv.Atoi: parsing {}: invalid syntax", quote(s));
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax());
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", quote(s)))
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: invalid index referenced")
}

/// An existing element's index; negative indexes count from the end.
fn array_index(len: usize, key: &str) -> Result<usize, String> {
    let idx = atoi(key)?;
    let len = len as i64;
    let resolved = if idx < 0 { idx + len } else { idx };
    if idx < -len || resolved >= len {
        return Err(invalid_index(idx));
    }
    usize::try_from(resolved).map_err(|_| invalid_index(idx))
}

/// The value at `key`; `None` for a missing object key (which the library
/// does not treat as an error).
fn get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
    match con {
        Value::Object(m) => Ok(m.get(key)),
        Value::Array(items) => Ok(items.get(array_index(items.len(), key)?)),
        _ => Ok(None),
    }
}

fn add(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let idx = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let len = items.len() as i64 + 1;
            let resolved = if idx < 0 { idx + len } else { idx };
            if idx >= len || idx < -len {
                return Err(invalid_index(idx));
            }
            let at = usize::try_from(resolved).map_err(|_| invalid_index(idx))?;
            items.insert(at, value);
            Ok(())
        }
        _ => Err(invalid_index(0)),
    }
}

/// Removes and returns the value at `key`.
fn remove(con: &mut Value, key: &str) -> Result<Value, String> {
    match con {
        Value::Object(m) => m
            .remove(key)
            .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: missing value")),
        Value::Array(items) => {
            let idx = array_index(items.len(), key)?;
            Ok(items.remove(idx))
        }
        _ => Err(format!(
            "Unable to remove nonexistent key: {key}: missing value"
        )),
    }
}

fn set(con: &mut Value, key: &str, value: Value) -> Result<(), String> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
            Ok(())
        }
        Value::Array(items) => {
            let idx = array_index(items.len(), key)?;
            items[idx] = value;
            Ok(())
        }
        _ => Err(invalid_index(0)),
    }
}

/// The library's `test` comparison: objects key by key, lists element by
/// element, scalars by their JSON text (so `1` and `1.0` differ).
fn lazy_equal(actual: &Value, expected: &Value, depth: usize) -> bool {
    if check_depth(depth).is_err() {
        return false;
    }
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len()
                && a.iter().all(|(k, av)| match e.get(k) {
                    Some(ev) if av.is_null() || ev.is_null() => av.is_null() && ev.is_null(),
                    Some(ev) => lazy_equal(av, ev, depth + 1),
                    None => false,
                })
        }
        (Value::Object(_), _) | (_, Value::Object(_)) => false,
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len()
                && a.iter()
                    .zip(e)
                    .all(|(av, ev)| (av.is_null() && ev.is_null()) || lazy_equal(av, ev, depth + 1))
        }
        (Value::Array(_), _) | (_, Value::Array(_)) => false,
        _ => actual == expected,
    }
}
