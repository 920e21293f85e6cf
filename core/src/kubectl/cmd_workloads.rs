//! Commands that change workloads: `scale`, `set image`, `patch`,
//! `expose`, and the helpers they share.

use std::collections::BTreeMap;

use super::cmd_apply::{dry_run, flag_warnings, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind, Parsed};
use super::input::{self, Target};
use super::{Fail, Kubectl, Res};
use crate::api::meta::{IntOrString, LabelSelector, ObjectMeta};
use crate::apiserver::{ApiError, WriteOptions};
use crate::store::{Kind, Object};
use crate::syntax::Node;
use crate::value::{Map, Value};

/// The pod selector of a workload or Service.
pub fn selector_of(obj: &Object) -> Option<LabelSelector> {
    match obj {
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::ReplicaSet(r) => r.spec.selector.clone(),
        Object::StatefulSet(s) => s.spec.selector.clone(),
        Object::DaemonSet(d) => d.spec.selector.clone(),
        Object::Job(j) => j.spec.selector.clone(),
        Object::Service(s) => (!s.spec.selector.is_empty()).then(|| LabelSelector {
            match_labels: s.spec.selector.clone(),
            ..Default::default()
        }),
        _ => None,
    }
}

impl Kubectl<'_> {
    /// The objects `TYPE NAME…`, `TYPE/NAME…` or `-f` name.
    pub async fn named_objects(
        &mut self,
        cmd: &str,
        f: &Parsed,
        args: &[String],
    ) -> Res<Vec<Object>> {
        let namespace = self.namespace(f);
        let mut targets: Vec<(Target, Option<String>)> = Vec::new();
        let files = f.all("filename");
        if !files.is_empty() {
            let sources = self.read_sources(&files, f.bool("recursive")).await?;
            for m in input::manifests(&sources) {
                let m = m?;
                let ns = m.namespace();
                targets.push((
                    Target {
                        kind: m.kind,
                        names: vec![m.name()],
                    },
                    ns,
                ));
            }
        } else {
            for t in input::targets(args)? {
                targets.push((t, None));
            }
        }
        if targets.is_empty() {
            // rollout's subcommands check for a resource themselves.
            if cmd.starts_with("rollout ") {
                return Err(Fail::Msg("required resource not specified".to_string()));
            }
            return Err(Fail::Msg(super::NO_RESOURCES.to_string()));
        }
        let mut out = Vec::new();
        for (t, ns) in targets {
            let info = t.kind.info();
            let ns = if info.namespaced {
                ns.unwrap_or_else(|| namespace.clone())
            } else {
                String::new()
            };
            if t.names.is_empty() {
                if f.bool("all") {
                    out.extend(self.api(|api| api.store.list_objects(t.kind, Some(&ns))));
                    continue;
                }
                return Err(Fail::Msg(
                    "resource(s) were provided, but no name was specified".to_string(),
                ));
            }
            for n in &t.names {
                match self.api(|api| api.store.get_object(t.kind, &ns, n)) {
                    Some(o) => out.push(o),
                    None => return Err(Fail::Api(ApiError::not_found(info, n), None)),
                }
            }
        }
        Ok(out)
    }

    /// Writes a changed copy of an object (as JSON) back, as kubectl's
    /// patches do; returns the stored object.
    pub fn write_value(&self, kind: Kind, v: &Value, dry: DryRun) -> Result<Object, ApiError> {
        let obj = self.api(|api| api.decode(kind, &Node::from_value(v)))?;
        if dry == DryRun::Client {
            return Ok(obj);
        }
        let opts = WriteOptions {
            dry_run: dry == DryRun::Server,
        };
        self.api(|api| api.update_object(obj, &opts))
    }
}

/// Sets `kubernetes.io/change-cause` for `--record`.
pub fn record_cause(v: &mut Value, cause: &str) {
    if let Some(a) = super::annotations_mut(v) {
        a.insert("kubernetes.io/change-cause".to_string(), cause.into());
    }
}

/// The command line as kubectl records it in `change-cause`.
pub fn command_line(k: &Kubectl<'_>) -> String {
    let mut parts = vec!["kubectl".to_string()];
    for a in k.proc().argv.iter().skip(1) {
        if a == "--record" {
            parts.push("--record=true".to_string());
        } else {
            parts.push(a.clone());
        }
    }
    parts.join(" ")
}

fn ptr_mut<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    let mut cur = v;
    for p in path {
        cur = cur.as_object_mut()?.get_mut(*p)?;
    }
    Some(cur)
}

const SCALE_FLAGS: &[FlagDef] = &[
    flag("replicas", None, FlagKind::Int),
    flag("current-replicas", None, FlagKind::Int),
    flag("resource-version", None, FlagKind::Value),
    flag("all", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
];

pub async fn scale(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("scale", args, SCALE_FLAGS)?;
    flag_warnings(k, &f);
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let Some(replicas) = f.get("replicas") else {
        return Err(Fail::Msg(
            "required flag(s) \"replicas\" not set".to_string(),
        ));
    };
    let replicas: i64 = replicas
        .parse()
        .map_err(|_| Fail::Msg(format!("invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax")))?;
    if replicas < 0 {
        return Err(Fail::Msg(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
                .to_string(),
        ));
    }
    let objects = k.named_objects("scale", &f, &f.args.clone()).await?;
    let mut code = 0;
    for obj in objects {
        if !matches!(
            obj.kind(),
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
        ) {
            k.report(Fail::Msg(format!(
                "cannot scale {}: the server could not find the requested resource",
                obj.info().plural
            )));
            code = 1;
            continue;
        }
        let mut v = obj.encode();
        if let Some(cur) = f.get("current-replicas") {
            let have = v
                .pointer("spec.replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            if cur.parse::<i64>().ok() != Some(have) {
                return Err(Fail::Msg(format!(
                    "Expected replicas to be {cur}, was {have}"
                )));
            }
        }
        if let Some(spec) = ptr_mut(&mut v, &["spec"]).and_then(Value::as_object_mut) {
            spec.insert("replicas".to_string(), Value::Int(replicas));
        }
        let stored = k.write_value(obj.kind(), &v, dry)?;
        k.report_write(&format, &stored, "scaled", dry)?;
    }
    Ok(code)
}

const SET_FLAGS: &[FlagDef] = &[
    flag("all", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("containers", Some('c'), FlagKind::Value),
    flag("env", Some('e'), FlagKind::List),
    flag("limits", None, FlagKind::Value),
    flag("requests", None, FlagKind::Value),
    flag("overwrite", None, FlagKind::Bool),
    flag("list", None, FlagKind::Bool),
    flag("resolve", None, FlagKind::Bool),
    flag("serviceaccount", None, FlagKind::Value),
];

/// Where a kind keeps its pod spec.
fn pod_spec_path(kind: Kind) -> Option<&'static [&'static str]> {
    Some(match kind {
        Kind::Pod => &["spec"],
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::DaemonSet | Kind::Job => {
            &["spec", "template", "spec"]
        }
        Kind::CronJob => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

pub async fn set(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let Some(sub) = args.first().cloned() else {
        return Err(Fail::GroupHelp("set"));
    };
    let cmd = format!("set {sub}");
    let f = k.parse(&cmd, &args[1..], SET_FLAGS)?;
    flag_warnings(k, &f);
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    match sub.as_str() {
        "image" => {
            let (resources, pairs): (Vec<String>, Vec<String>) =
                f.args.iter().cloned().partition(|a| !a.contains('='));
            if resources.is_empty() && !f.has("filename") {
                return Err(Fail::Msg(super::NO_RESOURCES.to_string()));
            }
            if pairs.is_empty() {
                return Err(Fail::Msg(
                    "at least one image update is required".to_string(),
                ));
            }
            let objects = k.named_objects(&cmd, &f, &resources).await?;
            for obj in objects {
                let Some(path) = pod_spec_path(obj.kind()) else {
                    return Err(Fail::Msg(format!(
                        "unable to find container named in {}",
                        obj.info().plural
                    )));
                };
                let mut v = obj.encode();
                let mut missing = None;
                if let Some(spec) = ptr_mut(&mut v, path) {
                    for pair in &pairs {
                        let (name, image) = pair.split_once('=').unwrap_or((pair, ""));
                        let mut found = false;
                        for list in ["initContainers", "containers"] {
                            if let Some(Value::Array(cs)) =
                                spec.as_object_mut().and_then(|o| o.get_mut(list))
                            {
                                for c in cs.iter_mut() {
                                    let cname = c
                                        .get("name")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .to_string();
                                    if name == "*" || cname == name {
                                        if let Some(o) = c.as_object_mut() {
                                            o.insert("image".to_string(), image.into());
                                        }
                                        found = true;
                                    }
                                }
                            }
                        }
                        if !found {
                            missing = Some(name.to_string());
                        }
                    }
                }
                if let Some(name) = missing {
                    return Err(Fail::Msg(format!(
                        "unable to find container named \"{name}\""
                    )));
                }
                if f.bool("record") {
                    record_cause(&mut v, &command_line(k));
                }
                let stored = k.write_value(obj.kind(), &v, dry)?;
                k.report_write(&format, &stored, "image updated", dry)?;
            }
            Ok(0)
        }
        "env" => {
            let (resources, pairs): (Vec<String>, Vec<String>) = f
                .args
                .iter()
                .cloned()
                .partition(|a| !a.contains('=') && !a.ends_with('-'));
            let mut changes: Vec<(String, Option<String>)> = pairs
                .iter()
                .map(|p| match p.split_once('=') {
                    Some((n, val)) => (n.to_string(), Some(val.to_string())),
                    None => (p.trim_end_matches('-').to_string(), None),
                })
                .collect();
            for e in f.all("env") {
                let (n, val) = e.split_once('=').unwrap_or((&e, ""));
                changes.push((n.to_string(), Some(val.to_string())));
            }
            let objects = k.named_objects(&cmd, &f, &resources).await?;
            for obj in objects {
                let Some(path) = pod_spec_path(obj.kind()) else {
                    continue;
                };
                let mut v = obj.encode();
                if f.bool("list") {
                    k.out(format!("# {} {}\n", obj.info().kind, obj.name()));
                }
                if let Some(Value::Array(cs)) = ptr_mut(&mut v, path)
                    .and_then(|s| s.as_object_mut())
                    .and_then(|o| o.get_mut("containers"))
                {
                    for c in cs.iter_mut() {
                        let cname = c
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        if let Some(sel) = f.get("containers") {
                            if sel != "*" && sel != cname {
                                continue;
                            }
                        }
                        let Some(o) = c.as_object_mut() else { continue };
                        let env = o
                            .entry("env".to_string())
                            .or_insert_with(|| Value::Array(vec![]));
                        if let Value::Array(list) = env {
                            for (n, val) in &changes {
                                list.retain(|e| e.get("name").and_then(Value::as_str) != Some(n));
                                if let Some(val) = val {
                                    let mut m = Map::new();
                                    m.insert("name".to_string(), n.as_str().into());
                                    m.insert("value".to_string(), val.as_str().into());
                                    list.push(Value::Object(m));
                                }
                            }
                        }
                    }
                }
                if f.bool("list") {
                    continue;
                }
                let stored = k.write_value(obj.kind(), &v, dry)?;
                k.report_write(&format, &stored, "env updated", dry)?;
            }
            Ok(0)
        }
        "resources" => {
            let objects = k.named_objects(&cmd, &f, &f.args.clone()).await?;
            for obj in objects {
                let Some(path) = pod_spec_path(obj.kind()) else {
                    continue;
                };
                let mut v = obj.encode();
                if let Some(Value::Array(cs)) = ptr_mut(&mut v, path)
                    .and_then(|s| s.as_object_mut())
                    .and_then(|o| o.get_mut("containers"))
                {
                    for c in cs.iter_mut() {
                        let cname = c
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        if let Some(sel) = f.get("containers") {
                            if sel != "*" && sel != cname {
                                continue;
                            }
                        }
                        let Some(o) = c.as_object_mut() else { continue };
                        let res = o
                            .entry("resources".to_string())
                            .or_insert_with(Value::object);
                        for (flagname, key) in [("limits", "limits"), ("requests", "requests")] {
                            if let Some(spec) = f.get(flagname) {
                                let Some(r) = res.as_object_mut() else {
                                    continue;
                                };
                                let list = r.entry(key.to_string()).or_insert_with(Value::object);
                                for part in spec.split(',') {
                                    if let Some((rk, rv)) = part.split_once('=') {
                                        if let Some(l) = list.as_object_mut() {
                                            l.insert(rk.to_string(), rv.into());
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                let stored = k.write_value(obj.kind(), &v, dry)?;
                k.report_write(&format, &stored, "resource requirements updated", dry)?;
            }
            Ok(0)
        }
        other => Err(super::unknown_subcommand("set", other)),
    }
}

const PATCH_FLAGS: &[FlagDef] = &[
    flag("patch", Some('p'), FlagKind::Value),
    flag("patch-file", None, FlagKind::Value),
    flag("type", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("local", None, FlagKind::Bool),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("subresource", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
];

pub async fn patch(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("patch", args, PATCH_FLAGS)?;
    flag_warnings(k, &f);
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let text = match (f.get("patch"), f.get("patch-file")) {
        (Some(p), _) => p.to_string(),
        (None, Some(file)) => {
            let data = k.proc().fs().read(&k.proc().cwd, file).map_err(|_| {
                Fail::Msg(format!(
                    "unable to read patch file: open {file}: no such file or directory"
                ))
            })?;
            String::from_utf8_lossy(&data).into_owned()
        }
        (None, None) => {
            return Err(Fail::Msg(
                "must specify --patch or --patch-file containing the contents of the patch"
                    .to_string(),
            ))
        }
    };
    let patch_type = f.get("type").unwrap_or("strategic").to_string();
    if !matches!(patch_type.as_str(), "strategic" | "merge" | "json") {
        return Err(Fail::Msg(format!(
            "--type must be one of [json merge strategic], not \"{patch_type}\""
        )));
    }
    let patch = crate::syntax::parse_value(&text)
        .map_err(|e| Fail::Msg(format!("unable to parse \"{text}\": {}", e.message)))?
        .to_value();
    let objects = k.named_objects("patch", &f, &f.args.clone()).await?;
    for obj in objects {
        let live = obj.encode();
        let patched = server_patch(obj.kind().info().kind, &patch_type, &live, &patch)
            .map_err(server_patch_error)?;
        if patched == live {
            k.report_write(&format, &obj, "patched (no change)", dry)?;
            continue;
        }
        let stored = k.write_value(obj.kind(), &patched, dry)?;
        k.report_write(&format, &stored, "patched", dry)?;
    }
    Ok(0)
}

/// The API server's PATCH: the patch applied to the live object.
fn server_patch(
    kind: &str,
    patch_type: &str,
    live: &Value,
    patch: &Value,
) -> Result<Value, super::patch::PatchError> {
    use super::patch::{json_patch, merge_patch, schema, strategic};
    match (patch_type, schema::schema_for(kind)) {
        ("json", _) => json_patch::apply(live, patch),
        ("strategic", Some(schema)) => strategic::apply(schema, live, patch),
        _ => merge_patch::apply(live, patch),
    }
}

/// How kubectl reports a patch the server could not apply.
fn server_patch_error(e: super::patch::PatchError) -> Fail {
    use super::patch::PatchErrorKind;
    match e.kind {
        PatchErrorKind::BadRequest => Fail::Api(ApiError::bad_request(e.message), None),
        // A 422 built from a bare message: one cause with no field.
        PatchErrorKind::Unprocessable => Fail::Raw(format!(
            "The request is invalid: the server rejected our request due to an error in our request: : {}\n",
            e.message
        )),
        PatchErrorKind::TooLarge => Fail::Raw(format!(
            "Error from server (RequestEntityTooLarge): {}\n",
            e.message
        )),
        PatchErrorKind::Failed | PatchErrorKind::Conflict => {
            Fail::Raw(format!("Error from server: {}\n", e.message))
        }
    }
}

const EXPOSE_FLAGS: &[FlagDef] = &[
    flag("port", None, FlagKind::Value),
    flag("target-port", None, FlagKind::Value),
    flag("protocol", None, FlagKind::Value),
    flag("type", None, FlagKind::Value),
    flag("name", None, FlagKind::Value),
    flag("selector", None, FlagKind::Value),
    flag("labels", Some('l'), FlagKind::Value),
    flag("external-ip", None, FlagKind::Value),
    flag("cluster-ip", None, FlagKind::Value),
    flag("load-balancer-ip", None, FlagKind::Value),
    flag("session-affinity", None, FlagKind::Value),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("override-type", None, FlagKind::Value),
    flag("overrides", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("save-config", None, FlagKind::Bool),
];

pub async fn expose(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    use crate::api::corev1::{Protocol, Service, ServicePort, ServiceSpec, ServiceType};
    let f = k.parse("expose", args, EXPOSE_FLAGS)?;
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let namespace = k.namespace(&f);
    let objects = k.named_objects("expose", &f, &f.args.clone()).await?;
    let Some(obj) = objects.into_iter().next() else {
        return Ok(1);
    };
    let (selector, template_ports, labels) = match &obj {
        Object::Pod(p) => {
            if p.metadata.labels.is_empty() {
                return Err(Fail::Msg("couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed".to_string()));
            }
            (
                p.metadata.labels.clone(),
                p.spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.clone())
                    .collect::<Vec<_>>(),
                p.metadata.labels.clone(),
            )
        }
        Object::Service(s) => (
            s.spec.selector.clone(),
            Vec::new(),
            s.metadata.labels.clone(),
        ),
        Object::Deployment(_)
        | Object::ReplicaSet(_)
        | Object::StatefulSet(_)
        | Object::DaemonSet(_) => {
            let sel = selector_of(&obj).unwrap_or_default();
            if !sel.match_expressions.is_empty() {
                return Err(Fail::Msg(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    sel.to_selector_string()
                )));
            }
            let ports = match &obj {
                Object::Deployment(d) => d
                    .spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.clone())
                    .collect(),
                Object::ReplicaSet(r) => r
                    .spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.clone())
                    .collect(),
                Object::StatefulSet(s) => s
                    .spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.clone())
                    .collect(),
                Object::DaemonSet(d) => d
                    .spec
                    .template
                    .spec
                    .containers
                    .iter()
                    .flat_map(|c| c.ports.clone())
                    .collect(),
                _ => Vec::new(),
            };
            (sel.match_labels, ports, obj.meta().labels.clone())
        }
        other => return Err(Fail::Msg(format!("cannot expose a {}", other.info().kind))),
    };
    let selector: BTreeMap<String, String> = match f.get("selector") {
        Some(s) => s
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        None => selector,
    };
    let protocol = Protocol::parse(f.get("protocol").unwrap_or("TCP"));
    let mut ports = Vec::new();
    if let Some(p) = f.get("port") {
        let port: i32 = p
            .parse()
            .map_err(|_| Fail::Msg(format!("invalid port: {p}")))?;
        let target = f.get("target-port").map(|t| match t.parse::<i32>() {
            Ok(n) => IntOrString::Int(n),
            Err(_) => IntOrString::String(t.to_string()),
        });
        ports.push(ServicePort {
            port,
            target_port: target,
            protocol: protocol.clone(),
            ..Default::default()
        });
    } else {
        if template_ports.is_empty() {
            return Err(Fail::Msg(
                "couldn't find port via --port flag or introspection".to_string(),
            ));
        }
        let many = template_ports.len() > 1;
        for (i, cp) in template_ports.iter().enumerate() {
            ports.push(ServicePort {
                name: if many {
                    format!("port-{}", i + 1)
                } else {
                    String::new()
                },
                port: cp.container_port,
                target_port: f
                    .get("target-port")
                    .map(|t| IntOrString::String(t.to_string())),
                protocol: if cp.protocol.as_str().is_empty() {
                    protocol.clone()
                } else {
                    cp.protocol.clone()
                },
                ..Default::default()
            });
        }
    }
    let svc = Service {
        metadata: ObjectMeta {
            name: Some(f.get("name").unwrap_or(obj.name()).to_string()),
            labels: match f.get("labels") {
                Some(l) => l
                    .split(',')
                    .filter_map(|p| p.split_once('='))
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
                None => labels,
            },
            ..Default::default()
        },
        spec: ServiceSpec {
            ports,
            selector,
            type_: f.get("type").map(ServiceType::parse).unwrap_or_default(),
            cluster_ip: f.get("cluster-ip").unwrap_or("").to_string(),
            session_affinity: f.get("session-affinity").unwrap_or("").to_string(),
            external_ips: f
                .get("external-ip")
                .map(|e| vec![e.to_string()])
                .unwrap_or_default(),
            ..Default::default()
        },
        ..Default::default()
    };
    if dry == DryRun::Client {
        let o = Object::Service(std::rc::Rc::new(svc));
        k.report_generated(
            &format,
            &o,
            super::output::tcp_service_ports,
            "exposed",
            dry,
        )?;
        return Ok(0);
    }
    let mut svc = svc;
    svc.metadata.namespace = Some(namespace);
    crate::api::resource::Resource::set_defaults(&mut svc);
    let opts = WriteOptions {
        dry_run: dry == DryRun::Server,
    };
    let created = k.api(|api| api.create(svc, &opts))?;
    let o = Object::Service(created);
    k.report_write(&format, &o, "exposed", dry)?;
    Ok(0)
}
