//! `kubectl wait`, `kubectl explain`, `kubectl events`.

use super::flags::{flag, FlagDef, FlagKind};
use super::printers::jsonpath::JsonPath;
use super::selectors::parse_labels;
use super::{Fail, Kubectl, Res};
use crate::api::codec::{StructInfo, TypeInfo};
use crate::apiserver::Millis;
use crate::store::{Kind, Object};
use crate::value::Value;

const WAIT_FLAGS: &[FlagDef] = &[
    flag("for", None, FlagKind::Value),
    flag("timeout", None, FlagKind::Duration),
    flag("selector", Some('l'), FlagKind::Value),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("field-selector", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("local", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
];

enum Condition {
    Delete,
    /// `condition=Name[=value]`.
    Status(String, String),
    JsonPath(String, Option<String>),
    Create,
}

fn parse_for(s: &str) -> Res<Condition> {
    if s == "delete" {
        return Ok(Condition::Delete);
    }
    if s == "create" {
        return Ok(Condition::Create);
    }
    if let Some(rest) = s.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (rest.to_string(), "true".to_string()),
        };
        return Ok(Condition::Status(name, value));
    }
    if let Some(rest) = s.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`, or just the path to exist.
        let (path, value) = match rest.rfind("}=") {
            Some(i) => (
                rest[..=i].to_string(),
                Some(rest[i + 2..].trim_matches('\'').to_string()),
            ),
            None => match rest.split_once('=') {
                Some((p, v)) if !p.contains('{') => (p.to_string(), Some(v.to_string())),
                _ => (rest.to_string(), None),
            },
        };
        let path = if path.starts_with('{') {
            path
        } else {
            format!("{{{path}}}")
        };
        return Ok(Condition::JsonPath(path, value));
    }
    Err(Fail::Msg(format!("unrecognized condition: \"{s}\"")))
}

fn satisfied(obj: &Object, cond: &Condition) -> bool {
    let v = obj.encode();
    match cond {
        Condition::Status(name, want) => v
            .pointer("status.conditions")
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case(name))
                        && c.get("status")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.eq_ignore_ascii_case(want))
                })
            }),
        Condition::JsonPath(path, want) => {
            let Ok(jp) = JsonPath::parse(path) else {
                return false;
            };
            match jp.allow_missing_keys(false).execute(&v) {
                Ok(s) => match want {
                    Some(w) => s == *w,
                    None => !s.is_empty(),
                },
                Err(_) => false,
            }
        }
        Condition::Delete | Condition::Create => false,
    }
}

pub async fn wait(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("wait", args, WAIT_FLAGS)?;
    let cond = parse_for(f.get("for").unwrap_or(""))?;
    let timeout: Millis = f
        .get("timeout")
        .and_then(super::cmd_delete::parse_duration)
        .unwrap_or(30_000);
    let namespace = k.namespace(&f);
    // Resolve what to wait for: names, or a selector over a kind.
    let mut watched: Vec<(Kind, String, String)> = Vec::new();
    let targets = super::input::targets(&f.args)?;
    if targets.is_empty() && !f.has("filename") {
        return Err(Fail::Msg(super::NO_RESOURCES.to_string()));
    }
    let labels = parse_labels(f.get("selector").unwrap_or("")).map_err(Fail::Msg)?;
    for t in &targets {
        let ns = if t.kind.info().namespaced {
            namespace.clone()
        } else {
            String::new()
        };
        if t.names.is_empty() {
            let objs = k.api(|api| api.store.list_objects(t.kind, Some(&ns)));
            for o in objs {
                if labels.matches(&o.meta().labels) {
                    watched.push((t.kind, o.namespace().to_string(), o.name().to_string()));
                }
            }
        } else {
            for n in &t.names {
                let exists = k.api(|api| api.store.get_object(t.kind, &ns, n).is_some());
                if !exists && !matches!(cond, Condition::Delete | Condition::Create) {
                    return Err(Fail::Api(
                        crate::apiserver::ApiError::not_found(t.kind.info(), n),
                        None,
                    ));
                }
                watched.push((t.kind, ns.clone(), n.clone()));
            }
        }
    }
    if watched.is_empty() {
        return Err(Fail::Msg("no matching resources found".to_string()));
    }
    let start = k.cluster().clock();
    let mut pending = watched;
    loop {
        let mut still = Vec::new();
        for (kind, ns, name) in pending {
            let obj = k.api(|api| api.store.get_object(kind, &ns, &name));
            let done = match (&cond, &obj) {
                (Condition::Delete, None) => true,
                (Condition::Create, Some(_)) => true,
                (_, Some(o)) => satisfied(o, &cond),
                _ => false,
            };
            if done {
                k.out(format!(
                    "{}/{name} condition met\n",
                    kind.info().qualified_singular()
                ));
            } else {
                still.push((kind, ns, name));
            }
        }
        pending = still;
        if pending.is_empty() {
            return Ok(0);
        }
        if k.cluster().clock() - start >= timeout {
            for (kind, _, name) in &pending {
                k.err(format!(
                    "error: timed out waiting for the condition on {}/{name}\n",
                    kind.info().qualified_plural()
                ));
            }
            return Ok(1);
        }
        k.sleep(100).await;
    }
}

const EXPLAIN_FLAGS: &[FlagDef] = &[
    flag("recursive", None, FlagKind::Bool),
    flag("api-version", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
];

fn kind_schema(kind: Kind) -> TypeInfo {
    struct S;
    impl crate::store::KindVisitor for S {
        type Out = TypeInfo;
        fn visit<T: crate::store::Stored>(self) -> TypeInfo {
            <T as crate::api::codec::Schema>::type_info()
        }
    }
    kind.visit(S)
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn fields_block(s: &StructInfo, out: &mut String, recursive: bool, depth: usize) {
    // kubectl lists fields by name, as its templates range over the schema's
    // property map.
    let mut fields: Vec<_> = s.fields.iter().collect();
    crate::util::sort::sort_by_key(&mut fields, |f| f.name);
    for field in fields {
        let ty = (field.ty)();
        let required = if field.required { " -required-" } else { "" };
        if recursive {
            out.push_str(&format!(
                "{}{}\t<{}>{required}\n",
                "  ".repeat(depth + 1),
                field.name,
                ty.explain_name()
            ));
            if let Some(inner) = ty.struct_info() {
                if depth < 12 {
                    fields_block(inner, out, true, depth + 1);
                }
            }
        } else {
            out.push_str(&format!(
                "  {}\t<{}>{required}\n",
                field.name,
                ty.explain_name()
            ));
            if let TypeInfo::Scalar { values, .. } = ty {
                if !values.is_empty() {
                    out.push_str(&format!("  enum: {}\n", values.join(", ")));
                }
            }
            if !field.doc.is_empty() {
                out.push_str(&indent(field.doc, 4));
                out.push('\n');
            }
            out.push('\n');
        }
    }
}

pub async fn explain(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("explain", args, EXPLAIN_FLAGS)?;
    let Some(path) = f.args.first() else {
        return Err(Fail::Msg("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.".to_string()));
    };
    let mut parts = path.split('.');
    let head = parts.next().unwrap_or("");
    let kind = super::resources::resolve(head)
        .ok_or_else(|| Fail::Msg(super::resources::unknown_type(head)))?;
    let info = kind.info();
    let mut ty = kind_schema(kind);
    let mut field_name = None;
    let mut walked = vec![head.to_string()];
    for p in parts {
        let Some(s) = ty.struct_info() else {
            return Err(Fail::Msg(format!("field \"{p}\" does not exist")));
        };
        let Some(field) = s.field(p) else {
            return Err(Fail::Msg(format!("field \"{p}\" does not exist")));
        };
        walked.push(p.to_string());
        field_name = Some((field.name, field.doc, field.required));
        ty = (field.ty)();
    }
    let mut out = String::new();
    out.push_str(&format!("GROUP:      {}\n", info.group).replace("GROUP:      \n", ""));
    out.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        info.kind, info.version
    ));
    match field_name {
        Some((name, doc, required)) => {
            let req = if required { " -required-" } else { "" };
            out.push_str(&format!("FIELD: {name} <{}>{req}\n\n", ty.explain_name()));
            if let TypeInfo::Scalar { values, .. } = ty {
                if !values.is_empty() {
                    out.push_str(&format!("ENUM:\n    {}\n\n", values.join("\n    ")));
                }
            }
            out.push_str("DESCRIPTION:\n");
            out.push_str(&indent(if doc.is_empty() { "<empty>" } else { doc }, 4));
            out.push_str("\n    \n");
        }
        None => {
            out.push_str("DESCRIPTION:\n");
            let doc = ty.struct_info().map(|s| s.doc).unwrap_or("");
            out.push_str(&indent(if doc.is_empty() { "<empty>" } else { doc }, 4));
            out.push_str("\n    \n");
        }
    }
    if let Some(s) = ty.struct_info() {
        out.push_str("FIELDS:\n");
        fields_block(s, &mut out, f.bool("recursive"), 0);
    }
    k.out(out);
    Ok(0)
}

const EVENTS_FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("for", None, FlagKind::Value),
    flag("types", None, FlagKind::List),
    flag("watch", Some('w'), FlagKind::Bool),
    flag("no-headers", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("chunk-size", None, FlagKind::Int),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
];

pub async fn events(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    use super::table::{events_command_grid, EventsCommandOptions};
    use crate::api::corev1::Event;
    let f = k.parse("events", args, EVENTS_FLAGS)?;
    let namespace = k.namespace(&f);
    let all = f.bool("all-namespaces");
    let mut filter: Option<(Kind, String)> = None;
    if let Some(target) = f.get("for") {
        let (t, n) = target.split_once('/').unwrap_or(("pod", target));
        let kind = super::resources::resolve(t)
            .ok_or_else(|| Fail::Msg(super::resources::unknown_type(t)))?;
        filter = Some((kind, n.to_string()));
    }
    let types: Vec<String> = f
        .all("types")
        .iter()
        .flat_map(|t| t.split(',').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let events: Vec<std::rc::Rc<Event>> = k.api(|api| {
        api.store
            .table::<Event>()
            .iter_ns(if all { None } else { Some(namespace.as_str()) })
            .map(|(_, e)| e.clone())
            .filter(|e| {
                filter.as_ref().is_none_or(|(kind, name)| {
                    e.involved_object.kind == kind.info().kind && &e.involved_object.name == name
                })
            })
            .filter(|e| types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(&e.type_)))
            .collect()
    });
    if events.is_empty() {
        if all {
            k.err("No events found.\n");
        } else {
            k.err(format!("No events found in {namespace} namespace.\n"));
        }
        return Ok(0);
    }
    let now = k.api(|api| api.wall_millis());
    let refs: Vec<&Event> = events.iter().map(|e| &**e).collect();
    let opts = EventsCommandOptions {
        all_namespaces: all,
        no_headers: f.bool("no-headers"),
    };
    let grid = events_command_grid(&refs, &opts, now);
    k.out(grid.render());
    Ok(0)
}
