//! `kubectl label` and `kubectl annotate`.

use std::collections::BTreeMap;

use super::cmd_apply::{dry_run, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind};
use super::input::{self, Target};
use super::selectors::parse_labels;
use super::{Fail, Kubectl, Res};
use crate::api::validation::{qualified_name_errors, validate_labels, Path};
use crate::apiserver::{ApiError, WriteOptions};
use crate::store::Object;

const FLAGS: &[FlagDef] = &[
    flag("overwrite", None, FlagKind::Bool),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("list", None, FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag("resource-version", None, FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::Value),
];

/// Which map `label`/`annotate` change.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Labels,
    Annotations,
}

/// Splits arguments into resources and `key=value` / `key-` changes.
fn split_changes(args: &[String]) -> (Vec<String>, Vec<(String, Option<String>)>) {
    let mut resources = Vec::new();
    let mut changes = Vec::new();
    for a in args {
        if let Some((k, v)) = a.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if let Some(k) = a.strip_suffix('-').filter(|_| !resources.is_empty()) {
            changes.push((k.to_string(), None));
        } else {
            resources.push(a.clone());
        }
    }
    (resources, changes)
}

pub async fn label(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    edit_map(k, args, Which::Labels).await
}

pub async fn annotate(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    edit_map(k, args, Which::Annotations).await
}

async fn edit_map(k: &mut Kubectl<'_>, args: &[String], which: Which) -> Res<i32> {
    let cmd = if which == Which::Labels {
        "label"
    } else {
        "annotate"
    };
    let f = k.parse(cmd, args, FLAGS)?;
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let namespace = k.namespace(&f);
    let (resources, changes) = split_changes(&f.args);
    if resources.is_empty() && !f.has("filename") {
        return Err(Fail::Msg(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>"
                .to_string(),
        ));
    }
    if changes.is_empty() && !f.bool("list") {
        return Err(Fail::Msg(format!(
            "at least one {} update is required",
            if which == Which::Labels {
                "label"
            } else {
                "annotation"
            }
        )));
    }
    for (key, value) in &changes {
        let errs = qualified_name_errors(key);
        if !errs.is_empty() {
            return Err(Fail::Msg(format!(
                "invalid {} format: {key}",
                if which == Which::Labels {
                    "label"
                } else {
                    "annotation"
                }
            )));
        }
        if which == Which::Labels {
            if let Some(v) = value {
                let mut m = BTreeMap::new();
                m.insert(key.clone(), v.clone());
                if let Some(e) =
                    validate_labels(&m, &Path::root("metadata").child("labels")).first()
                {
                    let msg = match &e.kind {
                        crate::api::validation::ErrorType::Invalid(_) => e.detail.clone(),
                        _ => e.to_string(),
                    };
                    return Err(Fail::Msg(format!(
                        "invalid label value: \"{key}={v}\": {msg}"
                    )));
                }
            }
        }
    }
    let targets: Vec<Target> = input::targets(&resources)?;
    let labels_sel = parse_labels(f.get("selector").unwrap_or("")).map_err(Fail::Msg)?;
    let mut objects: Vec<Object> = Vec::new();
    let mut errors = Vec::new();
    for t in &targets {
        let info = t.kind.info();
        let ns = if info.namespaced {
            namespace.clone()
        } else {
            String::new()
        };
        if t.names.is_empty() {
            if !(f.bool("all") || f.has("selector")) {
                return Err(Fail::Msg(
                    "resource(s) were provided, but no name was specified".to_string(),
                ));
            }
            let scope = if f.bool("all-namespaces") || !info.namespaced {
                None
            } else {
                Some(ns.as_str())
            };
            let objs: Vec<Object> = k.api(|api| api.store.list_objects(t.kind, scope));
            objects.extend(
                objs.into_iter()
                    .filter(|o| labels_sel.matches(&o.meta().labels)),
            );
        } else {
            for n in &t.names {
                match k.api(|api| api.store.get_object(t.kind, &ns, n)) {
                    Some(o) => objects.push(o),
                    None => errors.push(Fail::Api(ApiError::not_found(info, n), None)),
                }
            }
        }
    }
    for obj in objects {
        if f.bool("list") {
            let map = if which == Which::Labels {
                &obj.meta().labels
            } else {
                &obj.meta().annotations
            };
            for (key, v) in map {
                k.out(format!("{key}={v}\n"));
            }
            continue;
        }
        let current = if which == Which::Labels {
            obj.meta().labels.clone()
        } else {
            obj.meta().annotations.clone()
        };
        let mut next = current.clone();
        let mut conflict = None;
        for (key, value) in &changes {
            match value {
                Some(v) => {
                    if let Some(old) = current.get(key) {
                        if old != v && !f.bool("overwrite") {
                            conflict = Some((key.clone(), old.clone()));
                            break;
                        }
                    }
                    next.insert(key.clone(), v.clone());
                }
                None => {
                    next.remove(key);
                }
            }
        }
        if let Some((key, old)) = conflict {
            errors.push(Fail::Msg(if which == Which::Annotations {
                format!("--overwrite is false but found the following declared annotation(s): '{key}' already has a value ({old})")
            } else {
                format!("'{key}' already has a value ({old}), and --overwrite is false")
            }));
            continue;
        }
        let removed_only = changes.iter().all(|(_, v)| v.is_none());
        let verb = match (which, next == current, removed_only) {
            (Which::Labels, true, _) => "not labeled",
            (Which::Labels, false, true) => "unlabeled",
            (Which::Labels, false, false) => "labeled",
            (Which::Annotations, true, _) => "annotated",
            (Which::Annotations, false, _) => "annotated",
        };
        let mut v = obj.encode();
        if let Some(meta) = v
            .as_object_mut()
            .and_then(|o| o.get_mut("metadata"))
            .and_then(|m| m.as_object_mut())
        {
            let key = if which == Which::Labels {
                "labels"
            } else {
                "annotations"
            };
            meta.insert(
                key.to_string(),
                crate::value::Value::Object(
                    next.iter()
                        .map(|(k2, v2)| (k2.clone(), v2.clone().into()))
                        .collect(),
                ),
            );
        }
        if next == current || dry == DryRun::Client {
            let shown = if dry == DryRun::Client {
                k.api(|api| api.decode(obj.kind(), &crate::syntax::Node::from_value(&v)))
                    .unwrap_or(obj.clone())
            } else {
                obj.clone()
            };
            k.report_write(&format, &shown, verb, dry)?;
            continue;
        }
        let decoded = k.api(|api| api.decode(obj.kind(), &crate::syntax::Node::from_value(&v)))?;
        let opts = WriteOptions {
            dry_run: dry == DryRun::Server,
        };
        match k.api(|api| api.update_object(decoded, &opts)) {
            Ok(updated) => k.report_write(&format, &updated, verb, dry)?,
            Err(e) => errors.push(Fail::Api(e, None)),
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}
