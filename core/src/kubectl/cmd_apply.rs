//! `kubectl apply`, `create` (from files and imperative) and `replace`.

use super::flags::{flag, flag_opt, FlagDef, FlagKind, Parsed};
use super::input::{self, Manifest};
use super::output::{object_name, Format};
use super::{Fail, Kubectl, Res};
use crate::apiserver::{ApiError, WriteOptions};
use crate::store::Object;
use crate::syntax::Node;
use crate::value::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const APPLY_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag_opt("validate", "strict"),
    flag("overwrite", None, FlagKind::Bool),
    flag("prune", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("force", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Value),
    flag("server-side", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("force-conflicts", None, FlagKind::Bool),
    flag("all", None, FlagKind::Bool),
    flag("cascade", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("openapi-patch", None, FlagKind::Bool),
    flag("save-config", None, FlagKind::Bool),
    flag("edit", None, FlagKind::Bool),
    flag("windows-line-endings", None, FlagKind::Bool),
    flag("raw", None, FlagKind::Value),
];

/// `--dry-run` as kubectl reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

pub fn dry_run(f: &Parsed) -> Res<DryRun> {
    match f.get("dry-run") {
        None | Some("none") | Some("false") => Ok(DryRun::None),
        Some("client") | Some("true") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some("unchanged") => Ok(DryRun::Client),
        Some(other) => Err(Fail::Msg(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// Warnings kubectl prints for deprecated flags.
pub fn flag_warnings(k: &mut Kubectl<'_>, f: &Parsed) {
    if f.has("record") {
        k.err("Flag --record has been deprecated, --record will be removed in the future\n");
    }
}

/// Sets a manifest's namespace from `-n`, refusing a conflict as kubectl
/// does.
fn place(m: &Manifest, namespace: &str, explicit: bool) -> Res<Value> {
    let mut v = m.node.to_value();
    if !m.kind.info().namespaced {
        return Ok(v);
    }
    if let Some(ns) = m.namespace() {
        if explicit && ns != namespace {
            return Err(Fail::Msg(format!(
                "the namespace from the provided object \"{ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={ns}' to perform this operation."
            )));
        }
        return Ok(v);
    }
    if let Some(meta) = v.as_object_mut().and_then(|o| {
        o.entry("metadata".to_string())
            .or_insert_with(Value::object)
            .as_object_mut()
    }) {
        meta.insert(
            "namespace".to_string(),
            Value::String(namespace.to_string()),
        );
    }
    Ok(v)
}

/// The last-applied annotation's value: the manifest as compact JSON.
fn last_applied_json(v: &Value) -> String {
    let mut copy = v.clone();
    if let Some(ann) = copy
        .as_object_mut()
        .and_then(|o| o.get_mut("metadata"))
        .and_then(Value::as_object_mut)
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        ann.remove(LAST_APPLIED);
    }
    // An empty annotations map disappears from what kubectl stores.
    if let Some(meta) = copy
        .as_object_mut()
        .and_then(|o| o.get_mut("metadata"))
        .and_then(Value::as_object_mut)
    {
        if meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            meta.remove("annotations");
        }
    }
    format!("{}\n", copy.to_json())
}

fn with_annotation(v: &Value, key: &str, value: String) -> Value {
    let mut copy = v.clone();
    if let Some(meta) = copy.as_object_mut().and_then(|o| {
        o.entry("metadata".to_string())
            .or_insert_with(Value::object)
            .as_object_mut()
    }) {
        let ann = meta
            .entry("annotations".to_string())
            .or_insert_with(Value::object);
        if let Some(a) = ann.as_object_mut() {
            a.insert(key.to_string(), Value::String(value));
        }
    }
    copy
}

impl Kubectl<'_> {
    async fn manifests_from(&mut self, cmd: &str, f: &Parsed) -> Res<Vec<Result<Manifest, Fail>>> {
        let files = f.all("filename");
        if files.is_empty() {
            if f.has("kustomize") {
                return Err(Fail::Msg(
                    "kustomize is not available on this cluster".to_string(),
                ));
            }
            return Err(match cmd {
                "apply" => Fail::Msg("must specify one of -f and -k".to_string()),
                _ => Fail::Usage(cmd.to_string(), "must specify one of -f and -k".to_string()),
            });
        }
        let sources = self.read_sources(&files, f.bool("recursive")).await?;
        let all = input::manifests(&sources);
        if all.is_empty() {
            return Err(Fail::Msg("no objects passed to ".to_string() + cmd));
        }
        Ok(all)
    }

    /// Decodes a placed manifest strictly, as the server would.
    fn decode(&self, m: &Manifest, v: &Value) -> Result<Object, ApiError> {
        let node = Node::from_value(v);
        self.api(|api| api.decode(m.kind, &node))
    }

    /// Writes action lines or the objects, per `-o`.
    pub fn report_write(
        &mut self,
        format: &Format,
        obj: &Object,
        verb: &str,
        dry: DryRun,
    ) -> Res<()> {
        match format {
            Format::Table => {
                self.out(format!("{} {verb}{}\n", object_name(obj), dry.suffix()));
                Ok(())
            }
            other => {
                let v = obj.encode();
                self.print_objects(other, &[v], true)
            }
        }
    }
}

pub async fn apply(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    if args.first().map(String::as_str) == Some("view-last-applied")
        || args.first().map(String::as_str) == Some("set-last-applied")
        || args.first().map(String::as_str) == Some("edit-last-applied")
    {
        return Err(Fail::Msg(format!(
            "\"apply {}\" is not available on this cluster",
            args[0]
        )));
    }
    let f = k.parse("apply", args, APPLY_FLAGS)?;
    flag_warnings(k, &f);
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    let namespace = k.namespace(&f);
    let explicit = f.has("namespace");
    let all = k.manifests_from("apply", &f).await?;
    let mut errors = Vec::new();
    for m in all {
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match apply_one(k, &m, &namespace, explicit, dry, &format) {
            Ok(()) => {}
            Err(e) => errors.push(e),
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}

fn apply_one(
    k: &mut Kubectl<'_>,
    m: &Manifest,
    namespace: &str,
    explicit: bool,
    dry: DryRun,
    format: &Format,
) -> Res<()> {
    let placed = place(m, namespace, explicit)?;
    let name = m.name();
    let ns = if m.kind.info().namespaced {
        m.namespace().unwrap_or_else(|| namespace.to_string())
    } else {
        String::new()
    };
    if name.is_empty() {
        return Err(Fail::Msg(format!(
            "error when retrieving current configuration of:\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: \"\", Namespace: \"{ns}\"\nfrom server for: \"{}\": resource name may not be empty",
            gvr(m),
            gvk(m),
            m.source
        )));
    }
    let annotated = with_annotation(&placed, LAST_APPLIED, last_applied_json(&placed));
    let existing = k.api(|api| api.store.get_object(m.kind, &ns, &name));
    match existing {
        None => {
            let obj = k
                .decode(m, &annotated)
                .map_err(|e| Fail::Api(e, Some(("creating", m.source.clone()))))?;
            if dry == DryRun::Client {
                return k.report_write(format, &obj, "created", dry);
            }
            let opts = WriteOptions {
                dry_run: dry == DryRun::Server,
            };
            let created = k
                .api(|api| api.create_object(obj, &opts))
                .map_err(|e| Fail::Api(e, Some(("creating", m.source.clone()))))?;
            k.report_write(format, &created, "created", dry)
        }
        Some(live) => {
            let live_v = live.encode();
            let original = live
                .meta()
                .annotations
                .get(LAST_APPLIED)
                .and_then(|s| crate::syntax::parse_value(s).ok())
                .map(|n| n.to_value());
            let merged =
                super::cmd_patch::three_way(m.kind, original.as_ref(), &annotated, &live_v)
                    .map_err(Fail::Msg)?;
            if merged == live_v {
                return k.report_write(format, &live, "unchanged", dry);
            }
            let obj = k
                .decode(m, &merged)
                .map_err(|e| Fail::Api(e, Some(("patching", m.source.clone()))))?;
            if dry == DryRun::Client {
                return k.report_write(format, &obj, "configured", dry);
            }
            let opts = WriteOptions {
                dry_run: dry == DryRun::Server,
            };
            let updated = k
                .api(|api| api.update_object(obj, &opts))
                .map_err(|e| Fail::Api(e, Some(("patching", m.source.clone()))))?;
            let verb = if updated.meta().resource_version == live.meta().resource_version {
                "unchanged"
            } else {
                "configured"
            };
            k.report_write(format, &updated, verb, dry)
        }
    }
}

fn gvr(m: &Manifest) -> String {
    let info = m.kind.info();
    format!("{}/{}, Resource={}", info.group, info.version, info.plural)
}

fn gvk(m: &Manifest) -> String {
    let info = m.kind.info();
    format!("{}/{}, Kind={}", info.group, info.version, info.kind)
}

const CREATE_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag_opt("validate", "strict"),
    flag("record", None, FlagKind::Bool),
    flag("save-config", None, FlagKind::Bool),
    flag("edit", None, FlagKind::Bool),
    flag("raw", None, FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("windows-line-endings", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
];

pub async fn create(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    if let Some(sub) = args.first().filter(|a| !a.starts_with('-')) {
        return super::cmd_create::create_sub(k, sub, &args[1..]).await;
    }
    let f = k.parse("create", args, CREATE_FLAGS)?;
    flag_warnings(k, &f);
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    let namespace = k.namespace(&f);
    let explicit = f.has("namespace");
    let all = k.manifests_from("create", &f).await?;
    let mut errors = Vec::new();
    for m in all {
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let res = (|| -> Res<()> {
            let mut v = place(&m, &namespace, explicit)?;
            if f.bool("save-config") {
                v = with_annotation(&v, LAST_APPLIED, last_applied_json(&v));
            }
            let obj = k
                .decode(&m, &v)
                .map_err(|e| Fail::Api(e, Some(("creating", m.source.clone()))))?;
            if dry == DryRun::Client {
                return k.report_write(&format, &obj, "created", dry);
            }
            let opts = WriteOptions {
                dry_run: dry == DryRun::Server,
            };
            let created = k
                .api(|api| api.create_object(obj, &opts))
                .map_err(|e| Fail::Api(e, Some(("creating", m.source.clone()))))?;
            k.report_write(&format, &created, "created", dry)
        })();
        if let Err(e) = res {
            errors.push(e);
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}

const REPLACE_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag_opt("validate", "strict"),
    flag("force", None, FlagKind::Bool),
    flag("grace-period", None, FlagKind::Value),
    flag("cascade", None, FlagKind::Value),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Value),
    flag("save-config", None, FlagKind::Bool),
    flag("record", None, FlagKind::Bool),
    flag("raw", None, FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("subresource", None, FlagKind::Value),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
];

pub async fn replace(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("replace", args, REPLACE_FLAGS)?;
    flag_warnings(k, &f);
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    let namespace = k.namespace(&f);
    let explicit = f.has("namespace");
    let all = k.manifests_from("replace", &f).await?;
    let force = f.bool("force");
    let mut errors = Vec::new();
    for m in all {
        let m = match m {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let res = (|| -> Res<()> {
            let v = place(&m, &namespace, explicit)?;
            let obj = k
                .decode(&m, &v)
                .map_err(|e| Fail::Api(e, Some(("replacing", m.source.clone()))))?;
            let opts = WriteOptions {
                dry_run: dry != DryRun::None,
            };
            if force {
                let ns = obj.namespace().to_string();
                let name = obj.name().to_string();
                let kind = obj.kind();
                let del = crate::apiserver::DeleteOptions {
                    grace_period: Some(0),
                    ..Default::default()
                };
                if k.api(|api| api.delete_object(kind, &ns, &name, &del))
                    .is_ok()
                {
                    k.out(format!("{} deleted\n", object_name(&obj)));
                }
                let created = k
                    .api(|api| api.create_object(obj, &opts))
                    .map_err(|e| Fail::Api(e, Some(("replacing", m.source.clone()))))?;
                return k.report_write(&format, &created, "replaced", dry);
            }
            let updated = k
                .api(|api| api.update_object(obj, &opts))
                .map_err(|e| Fail::Api(e, Some(("replacing", m.source.clone()))))?;
            k.report_write(&format, &updated, "replaced", dry)
        })();
        if let Err(e) = res {
            errors.push(e);
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}
