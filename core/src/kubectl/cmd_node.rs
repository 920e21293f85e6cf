//! Node maintenance: `cordon`, `uncordon`, `drain`, `taint`.

use std::rc::Rc;

use super::cmd_apply::{dry_run, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind};
use super::selectors::parse_labels;
use super::{Fail, Kubectl, Res};
use crate::api::corev1::{Node, Pod, Taint};
use crate::api::resource::Resource;
use crate::apiserver::{ApiError, DeleteOptions, Millis, WriteOptions};

const CORDON_FLAGS: &[FlagDef] = &[
    flag_opt("dry-run", "unchanged"),
    flag("selector", Some('l'), FlagKind::Value),
];

fn nodes_named(k: &Kubectl<'_>, names: &[String], selector: Option<&str>) -> Res<Vec<Rc<Node>>> {
    let mut out = Vec::new();
    if let Some(sel) = selector {
        let s = parse_labels(sel).map_err(Fail::Msg)?;
        out = k.api(|api| {
            api.store
                .table::<Node>()
                .iter()
                .map(|(_, _, n)| n.clone())
                .filter(|n| s.matches(&n.metadata.labels))
                .collect()
        });
    }
    for name in names {
        let name = name
            .strip_prefix("node/")
            .or_else(|| name.strip_prefix("nodes/"))
            .unwrap_or(name);
        match k.api(|api| api.store.get::<Node>("", name).cloned()) {
            Some(n) => out.push(n),
            None => return Err(Fail::Api(ApiError::not_found(Node::INFO, name), None)),
        }
    }
    Ok(out)
}

fn set_unschedulable(k: &mut Kubectl<'_>, node: &Node, value: bool, dry: DryRun) -> Res<bool> {
    if node.spec.unschedulable == value {
        return Ok(false);
    }
    if dry != DryRun::None {
        return Ok(true);
    }
    let mut n = node.clone();
    n.spec.unschedulable = value;
    k.api(|api| api.update(n, &WriteOptions::default()))?;
    Ok(true)
}

pub async fn cordon(k: &mut Kubectl<'_>, args: &[String], value: bool) -> Res<i32> {
    let cmd = if value { "cordon" } else { "uncordon" };
    let f = k.parse(cmd, args, CORDON_FLAGS)?;
    let dry = dry_run(&f)?;
    if f.args.is_empty() && !f.has("selector") {
        return Err(Fail::UsageHelp(
            cmd.to_string(),
            "USAGE: ".to_string() + cmd + " NODE [flags]",
        ));
    }
    for node in nodes_named(k, &f.args, f.get("selector"))? {
        let changed = set_unschedulable(k, &node, value, dry)?;
        let word = match (value, changed) {
            (true, true) => "cordoned",
            (true, false) => "already cordoned",
            (false, true) => "uncordoned",
            (false, false) => "already uncordoned",
        };
        k.out(format!("node/{} {word}{}\n", node.name(), dry.suffix()));
    }
    Ok(0)
}

const DRAIN_FLAGS: &[FlagDef] = &[
    flag("ignore-daemonsets", None, FlagKind::Bool),
    flag("delete-emptydir-data", None, FlagKind::Bool),
    flag("delete-local-data", None, FlagKind::Bool),
    flag("force", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Int),
    flag("timeout", None, FlagKind::Duration),
    flag("disable-eviction", None, FlagKind::Bool),
    flag("skip-wait-for-delete-timeout", None, FlagKind::Value),
    flag("pod-selector", None, FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag("chunk-size", None, FlagKind::Int),
];

pub async fn drain(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("drain", args, DRAIN_FLAGS)?;
    let dry = dry_run(&f)?;
    if f.has("delete-local-data") {
        k.err("Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. Use --delete-emptydir-data.\n");
    }
    let nodes = nodes_named(k, &f.args, f.get("selector"))?;
    if nodes.is_empty() {
        return Err(Fail::UsageHelp(
            "drain".to_string(),
            "USAGE: drain NODE [flags]".to_string(),
        ));
    }
    let timeout = f
        .get("timeout")
        .and_then(super::cmd_delete::parse_duration)
        .filter(|t| *t > 0)
        .unwrap_or(Millis::MAX / 4);
    let grace = f
        .get("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    let mut code = 0;
    for node in nodes {
        let name = node.name().to_string();
        let changed = set_unschedulable(k, &node, true, dry)?;
        k.out(format!(
            "node/{name} {}{}\n",
            if changed {
                "cordoned"
            } else {
                "already cordoned"
            },
            dry.suffix()
        ));
        let pods: Vec<Rc<Pod>> = k.api(|api| {
            let keys: Vec<_> = api.store.pods_on_node(&name).cloned().collect();
            keys.iter()
                .filter_map(|key| api.store.get::<Pod>(&key.namespace, &key.name).cloned())
                .collect()
        });
        let mut daemonset = Vec::new();
        let mut unmanaged = Vec::new();
        let mut local = Vec::new();
        let mut victims = Vec::new();
        for p in pods {
            if p.is_terminal() {
                victims.push(p);
                continue;
            }
            if p.metadata
                .annotations
                .contains_key("kubernetes.io/config.mirror")
            {
                continue;
            }
            let id = format!("{}/{}", p.namespace(), p.name());
            match p.metadata.controller() {
                Some(o) if o.kind == "DaemonSet" => {
                    daemonset.push(id);
                    continue;
                }
                None if !f.bool("force") => {
                    unmanaged.push(id);
                    continue;
                }
                _ => {}
            }
            let has_empty_dir = p.spec.volumes.iter().any(|v| v.empty_dir.is_some());
            if has_empty_dir && !(f.bool("delete-emptydir-data") || f.bool("delete-local-data")) {
                local.push(id);
                continue;
            }
            victims.push(p);
        }
        let mut problems = Vec::new();
        if !daemonset.is_empty() && !f.bool("ignore-daemonsets") {
            problems.push(format!(
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}",
                daemonset.join(", ")
            ));
        }
        if !unmanaged.is_empty() {
            problems.push(format!(
                "cannot delete Pods that declare no controller (use --force to override): {}",
                unmanaged.join(", ")
            ));
        }
        if !local.is_empty() {
            problems.push(format!(
                "cannot delete Pods with local storage (use --delete-emptydir-data to override): {}",
                local.join(", ")
            ));
        }
        if !problems.is_empty() {
            let list = problems.join(", ");
            k.err(format!(
                "error: unable to drain node \"{name}\" due to error: {list}, continuing command...\nThere are pending nodes to be drained:\n {name}\n{}\n",
                problems.join("\n")
            ));
            code = 1;
            continue;
        }
        if !daemonset.is_empty() {
            k.err(format!(
                "Warning: ignoring DaemonSet-managed Pods: {}\n",
                daemonset.join(", ")
            ));
        }
        if !unmanaged.is_empty() {
            k.err(format!(
                "Warning: deleting Pods that declare no controller: {}\n",
                unmanaged.join(", ")
            ));
        }
        if dry != DryRun::None {
            for p in &victims {
                k.out(format!(
                    "evicting pod {}/{} (dry run)\n",
                    p.namespace(),
                    p.name()
                ));
            }
            k.out(format!("node/{name} drained (dry run)\n"));
            continue;
        }
        let mut pending = Vec::new();
        for p in &victims {
            k.out(format!("evicting pod {}/{}\n", p.namespace(), p.name()));
            let opts = DeleteOptions {
                grace_period: grace,
                uid_precondition: Some(p.metadata.uid().to_string()),
                ..Default::default()
            };
            if k.api(|api| api.delete::<Pod>(p.namespace(), p.name(), &opts))
                .is_ok()
            {
                pending.push(p.clone());
            }
        }
        let start = k.cluster().clock();
        while !pending.is_empty() {
            let mut still = Vec::new();
            for p in pending {
                let alive = k.api(|api| {
                    api.store
                        .get::<Pod>(p.namespace(), p.name())
                        .is_some_and(|x| x.metadata.uid() == p.metadata.uid())
                });
                if alive {
                    still.push(p);
                } else {
                    k.out(format!("pod/{} evicted\n", p.name()));
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
            if k.cluster().clock() - start > timeout {
                k.err(format!("error: unable to drain node \"{name}\" due to error: drain did not complete within {}, continuing command...\n", crate::api::time::go_duration(timeout)));
                code = 1;
                break;
            }
            k.sleep(250).await;
        }
        if code == 0 {
            k.out(format!("node/{name} drained\n"));
        }
    }
    Ok(code)
}

const TAINT_FLAGS: &[FlagDef] = &[
    flag("all", None, FlagKind::Bool),
    flag("overwrite", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("validate", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
];

/// A taint argument: `key=value:Effect`, `key:Effect`, `key-`,
/// `key:Effect-`.
fn parse_taint(s: &str) -> Result<(Taint, bool), String> {
    let (body, remove) = match s.strip_suffix('-') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (kv, effect) = match body.split_once(':') {
        Some((kv, e)) => (kv, e.to_string()),
        None if remove => (body, String::new()),
        None => return Err(format!("invalid taint spec: {s}, unknown taint spec")),
    };
    if !effect.is_empty()
        && !matches!(
            effect.as_str(),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute"
        )
    {
        return Err(format!(
            "invalid taint effect: {effect}, unsupported taint effect"
        ));
    }
    let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
    if key.is_empty() || !crate::api::validation::qualified_name_errors(key).is_empty() {
        return Err(format!("invalid taint spec: {s}, unknown taint spec"));
    }
    Ok((
        Taint {
            key: key.to_string(),
            value: value.to_string(),
            effect,
            time_added: None,
        },
        remove,
    ))
}

pub async fn taint(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("taint", args, TAINT_FLAGS)?;
    let dry = dry_run(&f)?;
    // Resources come first; the first word that looks like a taint change
    // (has `=` or `:`, or ends in `-`) starts the changes.
    let mut resources: Vec<String> = Vec::new();
    let mut specs: Vec<String> = Vec::new();
    for a in &f.args {
        let is_taint = a.contains('=') || a.contains(':') || a.ends_with('-');
        if is_taint {
            specs.push(a.clone());
        } else if specs.is_empty() {
            resources.push(a.clone());
        } else {
            return Err(Fail::Msg(format!(
                "all resources must be specified before taint changes: {a}"
            )));
        }
    }
    let Some(kind_arg) = resources.first().cloned() else {
        return Err(Fail::Msg(
            "one or more resources must be specified as <resource> <name>".to_string(),
        ));
    };
    if specs.is_empty() {
        return Err(Fail::Msg(
            "at least one taint update is required".to_string(),
        ));
    }
    let mut changes = Vec::new();
    for t in &specs {
        changes.push(parse_taint(t).map_err(|m| Fail::Usage("taint".to_string(), m))?);
    }
    let (kind, mut names) = match kind_arg.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (kind_arg.clone(), Vec::new()),
    };
    for r in &resources[1..] {
        names.push(r.clone());
    }
    if super::resources::resolve(&kind) != Some(crate::store::Kind::Node) {
        return Err(Fail::Msg(format!(
            "invalid resource type {kind}, only node types are supported"
        )));
    }
    if names.is_empty() && !f.bool("all") && !f.has("selector") {
        return Err(Fail::Msg(
            "one or more resources must be specified as <resource> <name>".to_string(),
        ));
    }
    let mut nodes = nodes_named(k, &names, f.get("selector"))?;
    if f.bool("all") {
        nodes = k.api(|api| {
            api.store
                .table::<Node>()
                .iter()
                .map(|(_, _, n)| n.clone())
                .collect()
        });
    }
    let now = k.api(|api| api.time());
    for node in nodes {
        let mut taints = node.spec.taints.clone();
        let mut removed = false;
        let mut added = false;
        for (t, remove) in &changes {
            if *remove {
                let before = taints.len();
                taints
                    .retain(|x| !(x.key == t.key && (t.effect.is_empty() || x.effect == t.effect)));
                if taints.len() == before {
                    let spec = if t.effect.is_empty() {
                        t.key.clone()
                    } else {
                        format!("{}:{}", t.key, t.effect)
                    };
                    return Err(Fail::Msg(format!("taint \"{spec}\" not found")));
                }
                removed = true;
            } else {
                if let Some(existing) = taints
                    .iter_mut()
                    .find(|x| x.key == t.key && x.effect == t.effect)
                {
                    if !f.bool("overwrite") {
                        return Err(Fail::Msg(format!(
                            "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                            node.name(),
                            t.key
                        )));
                    }
                    existing.value = t.value.clone();
                } else {
                    let mut t = t.clone();
                    if t.effect == "NoExecute" {
                        t.time_added = Some(now);
                    }
                    taints.push(t);
                }
                added = true;
            }
        }
        if dry == DryRun::None {
            let mut n = (*node).clone();
            n.spec.taints = taints;
            k.api(|api| api.update(n, &WriteOptions::default()))?;
        }
        let word = if added {
            "tainted"
        } else if removed {
            "untainted"
        } else {
            "tainted"
        };
        k.out(format!("node/{} {word}{}\n", node.name(), dry.suffix()));
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taint_specs_parse() {
        let (t, rm) = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!(
            (t.key.as_str(), t.value.as_str(), t.effect.as_str(), rm),
            ("dedicated", "gpu", "NoSchedule", false)
        );
        let (t, rm) = parse_taint("node-role.kubernetes.io/control-plane-").unwrap();
        assert_eq!(
            (t.key.as_str(), t.effect.as_str(), rm),
            ("node-role.kubernetes.io/control-plane", "", true)
        );
        let (t, rm) = parse_taint("key:NoExecute-").unwrap();
        assert_eq!(
            (t.key.as_str(), t.effect.as_str(), rm),
            ("key", "NoExecute", true)
        );
        assert_eq!(
            parse_taint("key:Sometimes").unwrap_err(),
            "invalid taint effect: Sometimes, unsupported taint effect"
        );
    }
}
