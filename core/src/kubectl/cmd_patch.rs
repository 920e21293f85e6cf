//! Merging manifests into live objects (`apply`) and `kubectl patch`.

use crate::store::Kind;
use crate::value::Value;

/// The object `kubectl apply` leaves on the server: the live object, with
/// what the manifest now says merged in and what it stopped saying removed.
/// Lists of named items merge by name, as strategic merge patch does for the
/// lists learners edit most (containers, env, ports, volumes).
pub fn three_way(
    _kind: Kind,
    original: Option<&Value>,
    modified: &Value,
    live: &Value,
) -> Result<Value, String> {
    if original == Some(modified) {
        return Ok(live.clone());
    }
    Ok(merge(original, modified, live, 0))
}

fn merge(original: Option<&Value>, modified: &Value, live: &Value, depth: usize) -> Value {
    if depth > 64 {
        return modified.clone();
    }
    match (modified, live) {
        (Value::Object(m), Value::Object(l)) => {
            let mut out = l.clone();
            for (k, mv) in m {
                let ov = original.and_then(|o| o.get(k));
                let merged = match l.get(k) {
                    Some(lv) => merge(ov, mv, lv, depth + 1),
                    None => mv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            if let Some(Value::Object(o)) = original {
                for k in o.keys() {
                    if !m.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            Value::Object(out)
        }
        (Value::Array(m), Value::Array(l))
            if m.iter().all(named) && l.iter().all(named) && !m.is_empty() =>
        {
            let orig_items: Vec<&Value> = match original {
                Some(Value::Array(o)) => o.iter().collect(),
                _ => Vec::new(),
            };
            let mut out = Vec::new();
            for mv in m {
                let name = mv.get("name");
                let lv = l.iter().find(|x| x.get("name") == name);
                let ov = orig_items.iter().copied().find(|x| x.get("name") == name);
                out.push(match lv {
                    Some(lv) => merge(ov, mv, lv, depth + 1),
                    None => mv.clone(),
                });
            }
            // Items the live object has that the manifest never mentioned
            // (added by the server or others) stay.
            for lv in l {
                let name = lv.get("name");
                let in_modified = m.iter().any(|x| x.get("name") == name);
                let in_original = orig_items.iter().any(|x| x.get("name") == name);
                if !in_modified && !in_original {
                    out.push(lv.clone());
                }
            }
            Value::Array(out)
        }
        _ => modified.clone(),
    }
}

fn named(v: &Value) -> bool {
    v.get("name").is_some()
}

/// Applies a patch of `kubectl patch --type` to an object's JSON.
pub fn apply_patch(
    _kind: Kind,
    patch_type: &str,
    live: &Value,
    patch: &Value,
) -> Result<Value, String> {
    match patch_type {
        "merge" => Ok(merge_patch(live, patch, 0)),
        "json" => json_patch(live, patch),
        _ => Ok(strategic(live, patch, 0)),
    }
}

/// RFC 7386: objects merge, null deletes, anything else replaces.
fn merge_patch(target: &Value, patch: &Value, depth: usize) -> Value {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) if depth < 64 => {
            let mut out = t.clone();
            for (k, pv) in p {
                if pv.is_null() {
                    out.remove(k);
                } else {
                    let merged = match t.get(k) {
                        Some(tv) => merge_patch(tv, pv, depth + 1),
                        None => merge_patch(&Value::Null, pv, depth + 1),
                    };
                    out.insert(k.clone(), merged);
                }
            }
            Value::Object(out)
        }
        (_, Value::Object(p)) if depth < 64 => {
            merge_patch(&Value::object(), &Value::Object(p.clone()), depth)
        }
        _ => patch.clone(),
    }
}

/// Merge patch where lists of named items merge by name.
fn strategic(target: &Value, patch: &Value, depth: usize) -> Value {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) if depth < 64 => {
            let mut out = t.clone();
            for (k, pv) in p {
                if pv.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = match t.get(k) {
                    Some(tv) => strategic(tv, pv, depth + 1),
                    None => pv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(t), Value::Array(p)) if p.iter().all(named) && t.iter().all(named) => {
            let mut out = t.clone();
            for pv in p {
                let name = pv.get("name");
                match out.iter_mut().find(|x| x.get("name") == name) {
                    Some(slot) => *slot = strategic(slot, pv, depth + 1),
                    None => out.push(pv.clone()),
                }
            }
            Value::Array(out)
        }
        _ => patch.clone(),
    }
}

/// RFC 6902 operations on a JSON document.
fn json_patch(doc: &Value, ops: &Value) -> Result<Value, String> {
    let Some(ops) = ops.as_array() else {
        return Err(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".to_string(),
        );
    };
    let mut doc = doc.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let parts: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        match kind {
            "add" | "replace" => {
                let value = op.get("value").cloned().unwrap_or(Value::Null);
                set_at(&mut doc, &parts, value, kind == "add")
                    .map_err(|_| format!("replace operation does not apply: doc is missing key: {path}: missing value"))?;
            }
            "remove" => {
                remove_at(&mut doc, &parts)
                    .map_err(|_| format!("remove operation does not apply: doc is missing path: \"{path}\": missing value"))?;
            }
            "test" => {
                let want = op.get("value").cloned().unwrap_or(Value::Null);
                if get_at(&doc, &parts) != Some(&want) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

fn get_at<'a>(v: &'a Value, parts: &[String]) -> Option<&'a Value> {
    let mut cur = v;
    for p in parts {
        cur = match cur {
            Value::Object(m) => m.get(p)?,
            Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn set_at(v: &mut Value, parts: &[String], value: Value, add: bool) -> Result<(), ()> {
    let Some((last, parents)) = parts.split_last() else {
        *v = value;
        return Ok(());
    };
    let mut cur = v;
    for p in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or(())?,
            Value::Array(a) => a.get_mut(p.parse::<usize>().map_err(|_| ())?).ok_or(())?,
            _ => return Err(()),
        };
    }
    match cur {
        Value::Object(m) => {
            if !add && !m.contains_key(last) {
                return Err(());
            }
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            if last == "-" && add {
                a.push(value);
                return Ok(());
            }
            let i: usize = last.parse().map_err(|_| ())?;
            if add {
                if i > a.len() {
                    return Err(());
                }
                a.insert(i, value);
            } else {
                *a.get_mut(i).ok_or(())? = value;
            }
            Ok(())
        }
        _ => Err(()),
    }
}

fn remove_at(v: &mut Value, parts: &[String]) -> Result<(), ()> {
    let Some((last, parents)) = parts.split_last() else {
        return Err(());
    };
    let mut cur = v;
    for p in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or(())?,
            Value::Array(a) => a.get_mut(p.parse::<usize>().map_err(|_| ())?).ok_or(())?,
            _ => return Err(()),
        };
    }
    match cur {
        Value::Object(m) => m.remove(last).map(|_| ()).ok_or(()),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| ())?;
            if i < a.len() {
                a.remove(i);
                Ok(())
            } else {
                Err(())
            }
        }
        _ => Err(()),
    }
}
