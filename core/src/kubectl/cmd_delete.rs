//! `kubectl delete`: graceful deletion, cascading, and waiting until the
//! objects are gone.

use super::flags::{flag, flag_opt, FlagDef, FlagKind};
use super::input::{self, Target};
use super::selectors::{parse_fields, parse_labels};
use super::{Fail, Kubectl, Res};
use crate::apiserver::{DeleteOptions, Millis, Propagation};
use crate::store::{Kind, Object};

const DELETE_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("all", None, FlagKind::Bool),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("grace-period", None, FlagKind::Int),
    flag("force", None, FlagKind::Bool),
    flag("now", None, FlagKind::Bool),
    flag_opt("cascade", "background"),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag("interactive", Some('i'), FlagKind::Bool),
    flag("raw", None, FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
];

/// Parses a Go duration (`30s`, `1m30s`, `500ms`, `2h`) into milliseconds.
pub fn parse_duration(s: &str) -> Option<Millis> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push('s');
            chars.next();
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" => 1_000.0,
            "ms" => 1.0,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(total as Millis)
}

pub fn propagation(v: Option<&str>, k: &mut Kubectl<'_>) -> Res<Propagation> {
    Ok(match v {
        None | Some("background") => Propagation::Background,
        Some("foreground") => Propagation::Foreground,
        Some("orphan") => Propagation::Orphan,
        Some("true") => {
            k.err("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n");
            Propagation::Background
        }
        Some("false") => {
            k.err("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
            Propagation::Orphan
        }
        Some(other) => {
            return Err(Fail::Msg(format!(
                "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    })
}

pub async fn delete(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("delete", args, DELETE_FLAGS)?;
    let namespace = k.namespace(&f);
    let prop = propagation(f.get("cascade"), k)?;
    let force = f.bool("force");
    let mut grace: Option<i64> = match f.get("grace-period") {
        Some(g) => {
            let n: i64 = g.parse().map_err(|_| {
                Fail::Usage(
                    "delete".to_string(),
                    format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"),
                )
            })?;
            if n < 0 {
                None
            } else {
                Some(n)
            }
        }
        None => None,
    };
    if f.bool("now") {
        grace = Some(1);
    }
    if force {
        if grace.is_none() {
            grace = Some(0);
        }
        if grace == Some(0) {
            k.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
        }
    } else if grace == Some(0) {
        // Without --force, 0 means "as soon as possible": one second.
        grace = Some(1);
    }
    let wait = f.bool_or("wait", true);
    let timeout = f
        .get("timeout")
        .and_then(parse_duration)
        .filter(|t| *t > 0)
        .unwrap_or(7 * 24 * 3_600_000);
    let labels = parse_labels(f.get("selector").unwrap_or("")).map_err(Fail::Msg)?;
    let fields = parse_fields(f.get("field-selector").unwrap_or("")).map_err(Fail::Msg)?;
    let by_name_output = f.get("output") == Some("name");
    // What to delete, in order.
    let mut victims: Vec<(Kind, String, String)> = Vec::new();
    let mut errors = Vec::new();
    let files = f.all("filename");
    if !files.is_empty() {
        let sources = k.read_sources(&files, f.bool("recursive")).await?;
        for m in input::manifests(&sources) {
            match m {
                Ok(m) => {
                    let ns = if m.kind.info().namespaced {
                        m.namespace().unwrap_or_else(|| namespace.clone())
                    } else {
                        String::new()
                    };
                    victims.push((m.kind, ns, m.name()));
                }
                Err(e) => errors.push(e),
            }
        }
    } else {
        let targets: Vec<Target> = input::targets(&f.args)?;
        if targets.is_empty() {
            return Err(Fail::Msg(super::NO_RESOURCES.to_string()));
        }
        let select_all = f.bool("all") || f.has("selector") || f.has("field-selector");
        for t in &targets {
            let info = t.kind.info();
            let ns = if info.namespaced {
                namespace.clone()
            } else {
                String::new()
            };
            if t.names.is_empty() {
                if !select_all {
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
                for o in objs {
                    if labels.matches(&o.meta().labels)
                        && (fields.is_empty() || fields.matches(&o, &o.encode()))
                    {
                        victims.push((t.kind, o.namespace().to_string(), o.name().to_string()));
                    }
                }
            } else {
                for n in &t.names {
                    victims.push((t.kind, ns.clone(), n.clone()));
                }
            }
        }
        if victims.is_empty() && errors.is_empty() {
            k.err("No resources found\n");
            return Ok(0);
        }
    }
    let opts = DeleteOptions {
        grace_period: grace,
        propagation: prop,
        uid_precondition: None,
        dry_run: f.has("dry-run") && f.get("dry-run") != Some("none"),
    };
    let mut waiting: Vec<(Kind, String, String, String)> = Vec::new();
    for (kind, ns, name) in victims {
        let info = kind.info();
        let result = k.api(|api| api.delete_object(kind, &ns, &name, &opts));
        match result {
            Ok(deleted) => {
                let uid = deleted.object().meta().uid().to_string();
                if by_name_output {
                    k.out(format!("{}/{name}\n", info.qualified_singular()));
                } else {
                    let verb = if force && grace == Some(0) {
                        "force deleted"
                    } else {
                        "deleted"
                    };
                    let suffix = if opts.dry_run { " (dry run)" } else { "" };
                    k.out(format!(
                        "{} \"{name}\" {verb}{suffix}\n",
                        info.qualified_singular()
                    ));
                }
                if matches!(deleted, crate::apiserver::Deleted::Pending(_)) {
                    waiting.push((kind, ns, name, uid));
                }
            }
            Err(e) => {
                if f.bool("ignore-not-found") && e.reason == crate::apiserver::Reason::NotFound {
                    continue;
                }
                errors.push(Fail::Api(e, None));
            }
        }
    }
    if wait && !waiting.is_empty() && !(force && grace == Some(0)) {
        let start = k.cluster().clock();
        loop {
            waiting.retain(|(kind, ns, name, uid)| {
                k.api(|api| {
                    api.store
                        .get_object(*kind, ns, name)
                        .is_some_and(|o| o.meta().uid() == uid)
                })
            });
            if waiting.is_empty() {
                break;
            }
            if k.cluster().clock() - start >= timeout {
                for (kind, _, name, _) in &waiting {
                    errors.push(Fail::Msg(format!(
                        "timed out waiting for the condition on {}/{name}",
                        kind.info().plural
                    )));
                }
                break;
            }
            k.sleep(250).await;
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse() {
        let cases = [
            ("30s", Some(30_000)),
            ("1m30s", Some(90_000)),
            ("500ms", Some(500)),
            ("2h", Some(7_200_000)),
            ("0", Some(0)),
            ("1.5s", Some(1_500)),
            ("abc", None),
            ("30", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_duration(s), want, "{s}");
        }
    }
}
