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
