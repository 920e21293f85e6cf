//! JSON merge patch (RFC 7386), as the `evanphx/json-patch` v4 library the
//! API server and kubectl use implements it.
//!
//! A merge patch is a partial document: objects merge key by key, `null`
//! deletes a key, anything else (lists included) replaces. The library
//! departs from the RFC in small ways that show through the API server, and
//! those are kept: a `null` or scalar patch is refused ("Invalid JSON
//! Patch"), and nulls nested in an added value are pruned, from objects and
//! lists alike (but not when a list replaces an object).

use super::{check_depth, PatchError, PatchErrorKind};
use crate::value::{Map, Value};

const BAD_PATCH: &str = "Invalid JSON Patch";
const BAD_DOC: &str = "Invalid JSON Document";

/// Applies a merge patch to a document (`jsonpatch.MergePatch`). A refused
/// patch is a [`PatchErrorKind::BadRequest`], as the API server reports it.
pub fn apply(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    match (doc, patch) {
        (Value::Null, _) => Err(PatchError::failed(BAD_DOC)),
        (_, Value::Null) => Err(PatchError::bad_request(BAD_PATCH)),
        (Value::Object(d), Value::Object(p)) => {
            let mut d = d.clone();
            merge_docs(&mut d, p, 0)?;
            Ok(Value::Object(d))
        }
        // A document that is not an object becomes the patch.
        (_, Value::Object(p)) => {
            let mut p = Value::Object(p.clone());
            prune_nulls(&mut p, 0)?;
            Ok(p)
        }
        (_, Value::Array(items)) => {
            let mut items = items.clone();
            prune_array_nulls(&mut items, 0)?;
            Ok(Value::Array(items))
        }
        _ => Err(PatchError::bad_request(BAD_PATCH)),
    }
}

fn merge_docs(doc: &mut Map, patch: &Map, depth: usize) -> Result<(), PatchError> {
    check_depth(depth)?;
    for (k, v) in patch {
        if v.is_null() {
            doc.remove(k);
            continue;
        }
        match doc.get_mut(k) {
            Some(Value::Object(cur)) => match v {
                Value::Object(p) => merge_docs(cur, p, depth + 1)?,
                // A non-object replacing an object keeps its nulls.
                other => {
                    doc.insert(k.clone(), other.clone());
                }
            },
            _ => {
                let mut v = v.clone();
                prune_nulls(&mut v, depth + 1)?;
                doc.insert(k.clone(), v);
            }
        }
    }
    Ok(())
}

/// Drops null members of objects and null elements of lists, at any depth.
fn prune_nulls(v: &mut Value, depth: usize) -> Result<(), PatchError> {
    check_depth(depth)?;
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            for v in m.values_mut() {
                prune_nulls(v, depth + 1)?;
            }
        }
        Value::Array(items) => prune_array_nulls(items, depth)?,
        _ => {}
    }
    Ok(())
}

fn prune_array_nulls(items: &mut Vec<Value>, depth: usize) -> Result<(), PatchError> {
    items.retain(|v| !v.is_null());
    for v in items {
        prune_nulls(v, depth + 1)?;
    }
    Ok(())
}

/// The merge patch that turns `original` into `modified`
/// (`jsonpatch.CreateMergePatch`), as `kubectl label` and `annotate` send
/// it. Numbers compare by value, as Go's `float64` does.
pub fn create(original: &Value, modified: &Value) -> Result<Value, PatchError> {
    diff(as_doc(original)?, as_doc(modified)?, 0).map(Value::Object)
}

fn as_doc(v: &Value) -> Result<&Map, PatchError> {
    static EMPTY: Map = Map::new();
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(&EMPTY),
        _ => Err(PatchError::failed(BAD_DOC)),
    }
}

fn diff(a: &Map, b: &Map, depth: usize) -> Result<Map, PatchError> {
    check_depth(depth)?;
    let mut into = Map::new();
    for (key, bv) in b {
        let Some(av) = a.get(key) else {
            into.insert(key.clone(), bv.clone());
            continue;
        };
        match (av, bv) {
            (Value::Object(am), Value::Object(bm)) => {
                let d = diff(am, bm, depth + 1)?;
                if !d.is_empty() {
                    into.insert(key.clone(), Value::Object(d));
                }
            }
            _ => {
                if !json_equal(av, bv, depth + 1)? {
                    into.insert(key.clone(), bv.clone());
                }
            }
        }
    }
    for key in a.keys() {
        if !b.contains_key(key) {
            into.insert(key.clone(), Value::Null);
        }
    }
    Ok(into)
}

/// Equality of two decoded documents, with every number a `float64`.
fn json_equal(a: &Value, b: &Value, depth: usize) -> Result<bool, PatchError> {
    check_depth(depth)?;
    let number = |v: &Value| match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    Ok(match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, xv) in x {
                match y.get(k) {
                    Some(yv) if json_equal(xv, yv, depth + 1)? => {}
                    _ => return Ok(false),
                }
            }
            true
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (xv, yv) in x.iter().zip(y) {
                if !json_equal(xv, yv, depth + 1)? {
                    return Ok(false);
                }
            }
            true
        }
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
    })
}

/// The three-way JSON merge patch `kubectl apply` sends for kinds without a
/// strategic schema (`CreateThreeWayJSONMergePatch`): additions and changes
/// from `current` to `modified`, deletions from `original` to `modified`.
/// Both touching the same field differently is a
/// [`PatchErrorKind::Conflict`].
pub fn three_way(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<Value, PatchError> {
    let empty = Value::Object(Map::new());
    let original = original.unwrap_or(&empty);
    let add_and_change = keep_or_delete_nulls(&create(current, modified)?, false, 0)?;
    let deletions = keep_or_delete_nulls(&create(original, modified)?, true, 0)?;
    if has_conflicts(
        &Value::Object(add_and_change.clone()),
        &Value::Object(deletions.clone()),
        0,
    )? {
        let yaml = |m: &Map| crate::syntax::to_yaml(&Value::Object(m.clone()));
        return Err(PatchError::new(
            PatchErrorKind::Conflict,
            format!(
                "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
                yaml(&add_and_change),
                yaml(&deletions)
            ),
        ));
    }
    apply(&Value::Object(deletions), &Value::Object(add_and_change))
}

/// `keepOrDeleteNullInObj`: only the nulls (deletions), or everything but
/// them (additions and changes).
fn keep_or_delete_nulls(v: &Value, keep_null: bool, depth: usize) -> Result<Map, PatchError> {
    check_depth(depth)?;
    let mut out = Map::new();
    let Value::Object(m) = v else {
        return Ok(out);
    };
    for (key, val) in m {
        match val {
            Value::Null if keep_null => {
                out.insert(key.clone(), Value::Null);
            }
            Value::Null => {}
            // An explicitly empty object is a value, not an empty patch.
            Value::Object(sub) if sub.is_empty() => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
            Value::Object(_) => {
                let sub = keep_or_delete_nulls(val, keep_null, depth + 1)?;
                if !sub.is_empty() {
                    out.insert(key.clone(), Value::Object(sub));
                }
            }
            _ => {
                if !keep_null {
                    out.insert(key.clone(), val.clone());
                }
            }
        }
    }
    Ok(out)
}

/// `mergepatch.HasConflicts`: both patches set some field to different
/// values.
fn has_conflicts(left: &Value, right: &Value, depth: usize) -> Result<bool, PatchError> {
    check_depth(depth)?;
    Ok(match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            for (k, lv) in l {
                if let Some(rv) = r.get(k) {
                    if has_conflicts(lv, rv, depth + 1)? {
                        return Ok(true);
                    }
                }
            }
            false
        }
        (Value::Object(_), _) => true,
        (Value::Array(l), Value::Array(r)) => {
            if l.len() != r.len() {
                return Ok(true);
            }
            for (lv, rv) in l.iter().zip(r) {
                if has_conflicts(lv, rv, depth + 1)? {
                    return Ok(true);
                }
            }
            false
        }
        (Value::Array(_), _) => true,
        _ => left != right,
    })
}
