//! kubectl's generic describer, used for kinds without a describer of
//! their own (Events, ControllerRevisions): every field of the object,
//! sorted, with field names turned into words (`involvedObject` becomes
//! `Involved Object`).

use super::{annotations_multiline, events_section, labels_multiline, Doc};
use crate::api::corev1::Event;
use crate::kubectl::printers::gofmt::sprint_value;
use crate::value::{Map, Value};

/// Fields the generic describer prints before the rest, or never.
const SKIPPED: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// Nesting beyond this is not printed; objects from the API never come
/// close, and the bound keeps arbitrary revision data from exhausting the
/// stack.
const MAX_DEPTH: usize = 64;

fn string_map(v: Option<&Value>) -> std::collections::BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The generic describer over an object as the API serves it.
pub fn describe_generic(obj: &Value, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    let meta = obj.get("metadata");
    let field = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    w.write(0, &format!("Name:\t{}\n", field("name")));
    w.write(0, &format!("Namespace:\t{}\n", field("namespace")));
    labels_multiline(
        &mut w,
        "Labels",
        &string_map(meta.and_then(|m| m.get("labels"))),
    );
    annotations_multiline(
        &mut w,
        "Annotations",
        &string_map(meta.and_then(|m| m.get("annotations"))),
    );
    if let Some(content) = obj.as_object() {
        print_content(&mut w, 0, content, "");
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}

fn print_content(w: &mut Doc, level: usize, content: &Map, prefix: &str) {
    if level > MAX_DEPTH {
        return;
    }
    for (field, value) in content {
        let path = format!("{prefix}.{field}");
        if SKIPPED.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                print_content(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => print_content(w, level + 1, m, &path),
                        other => w.write(level + 1, &format!("{}\n", sprint_value(other))),
                    }
                }
            }
            other => w.write(
                level,
                &format!("{}:\t{}\n", smart_label(field), sprint_value(other)),
            ),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Lower,
    Upper,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_lowercase() {
        Class::Lower
    } else if c.is_uppercase() {
        Class::Upper
    } else if c.is_numeric() {
        Class::Digit
    } else {
        Class::Other
    }
}

/// `camelcase.Split`: runs of one character class, with the last capital
/// of a capital run moved to the lower-case run after it (`APIVersion`
/// splits as `API`, `Version`).
fn camel_split(s: &str) -> Vec<String> {
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last: Option<Class> = None;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if last == Some(k) => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = Some(k);
    }
    for i in 0..runs.len().saturating_sub(1) {
        let starts_upper = runs[i].first().is_some_and(|c| c.is_uppercase());
        let next_lower = runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if starts_upper && next_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// `smartLabelFor`: `firstTimestamp` reads `First Timestamp`, `uid` reads
/// `UID`; names with characters other than letters and `-` stay as they
/// are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = p.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::smart_label;

    #[test]
    fn field_names_read_as_words() {
        let cases = [
            ("apiVersion", "API Version"),
            ("involvedObject", "Involved Object"),
            ("uid", "UID"),
            ("resourceVersion", "Resource Version"),
            ("reportingComponent", "Reporting Component"),
            ("kind", "Kind"),
            ("data", "Data"),
            ("kubernetes.io/hostname", "kubernetes.io/hostname"),
            ("PDFLoader", "PDF Loader"),
        ];
        for (field, want) in cases {
            assert_eq!(smart_label(field), want, "{field}");
        }
    }
}
