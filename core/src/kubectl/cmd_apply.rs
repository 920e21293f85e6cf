//! `kubectl apply`, `create` (from files and imperative) and `replace`.

use super::flags::{flag, flag_opt, FlagDef, FlagKind, Parsed};
use super::input::{self, Manifest};
use super::output::{object_name, Format};
use super::{Fail, Kubectl, Res};
use crate::apiserver::{ApiError, WriteOptions};
use crate::store::Object;
use crate::syntax::Node;
use crate::value::Value;

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
    flag("grace-period", None, FlagKind::Int),
    flag("server-side", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("record", None, FlagKind::Bool),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
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
                _ => Fail::Msg("must specify one of -f and -k".to_string()),
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
    match args.first().map(String::as_str) {
        Some("view-last-applied") => return view_last_applied(k, &args[1..]).await,
        Some("set-last-applied") => return set_last_applied(k, &args[1..]).await,
        Some("edit-last-applied") => {
            return Err(Fail::Msg(
                "\"apply edit-last-applied\" needs an editor, which this terminal does not have; use \"kubectl apply set-last-applied -f FILE\"".to_string(),
            ))
        }
        _ => {}
    }
    let f = k.parse("apply", args, APPLY_FLAGS)?;
    flag_warnings(k, &f);
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    let namespace = k.namespace(&f);
    let explicit = f.has("namespace");
    let overwrite = f.bool_or("overwrite", true);
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
        match apply_one(k, &m, &namespace, explicit, dry, overwrite, &format) {
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

const VIEW_LAST_APPLIED_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("selector", Some('l'), FlagKind::Value),
    flag("all", None, FlagKind::Bool),
];

/// `kubectl apply view-last-applied`: the recorded configuration of each
/// object, as YAML (the default) or indented JSON.
async fn view_last_applied(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("apply view-last-applied", args, VIEW_LAST_APPLIED_FLAGS)?;
    let json = match f.get("output").unwrap_or("yaml") {
        "yaml" => false,
        "json" => true,
        other => {
            return Err(Fail::Msg(format!(
                "unexpected -o output mode: {other}, the flag 'output' must be one of yaml|json"
            )))
        }
    };
    let objects = k
        .named_objects("apply view-last-applied", &f, &f.args.clone())
        .await?;
    let mut docs = Vec::new();
    for obj in &objects {
        let Some(text) = obj.meta().annotations.get(LAST_APPLIED) else {
            return Err(Fail::Msg(format!(
                "no last-applied-configuration annotation found on resource: {}",
                obj.name()
            )));
        };
        let value = crate::syntax::parse_value(text)
            .map_err(|e| Fail::Msg(e.message))?
            .to_value();
        docs.push(if json {
            format!("{}\n", value.to_json_pretty())
        } else {
            crate::syntax::to_yaml(&value)
        });
    }
    let sep = if json { "" } else { "---\n" };
    k.out(docs.join(sep));
    Ok(0)
}

const SET_LAST_APPLIED_FLAGS: &[FlagDef] = &[
    flag("filename", Some('f'), FlagKind::List),
    flag("output", Some('o'), FlagKind::Value),
    flag("create-annotation", None, FlagKind::Bool),
    flag_opt("dry-run", "unchanged"),
];

/// `kubectl apply set-last-applied -f FILE`: records the file as the last
/// applied configuration without changing anything else.
async fn set_last_applied(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("apply set-last-applied", args, SET_LAST_APPLIED_FLAGS)?;
    let dry = dry_run(&f)?;
    let format = k.output_format(f.get("output"), None, false)?;
    let namespace = k.namespace(&f);
    let explicit = f.has("namespace");
    for m in k.manifests_from("apply set-last-applied", &f).await? {
        let m = m?;
        let placed = place(&m, &namespace, explicit)?;
        let ns = if m.kind.info().namespaced {
            m.namespace().unwrap_or_else(|| namespace.clone())
        } else {
            String::new()
        };
        let name = m.name();
        let Some(live) = k.api(|api| api.store.get_object(m.kind, &ns, &name)) else {
            return Err(Fail::Api(ApiError::not_found(m.kind.info(), &name), None));
        };
        if !live.meta().annotations.contains_key(LAST_APPLIED) && !f.bool("create-annotation") {
            return Err(Fail::Msg(format!(
                "no last-applied-configuration annotation found on resource: {name}, to create the annotation, run the command with --create-annotation"
            )));
        }
        let recorded = super::patch::apply::last_applied_configuration(&placed);
        let mut v = live.encode();
        if let Some(a) = super::annotations_mut(&mut v) {
            a.insert(LAST_APPLIED.to_string(), Value::String(recorded));
        }
        let stored = k.write_value(m.kind, &v, dry)?;
        k.report_write(&format, &stored, "configured", dry)?;
    }
    Ok(0)
}

fn apply_one(
    k: &mut Kubectl<'_>,
    m: &Manifest,
    namespace: &str,
    explicit: bool,
    dry: DryRun,
    overwrite: bool,
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
    let annotated = super::patch::apply::with_last_applied(&placed);
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
            let plan = super::patch::apply::plan_with_overwrite(
                m.kind.info().kind,
                &placed,
                &live_v,
                overwrite,
            )
            .map_err(|e| apply_patch_error(e, m))?;
            if plan.outcome == super::patch::apply::Outcome::Unchanged {
                return k.report_write(format, &live, "unchanged", dry);
            }
            if !live.meta().annotations.contains_key(LAST_APPLIED) {
                let info = m.kind.info();
                k.err(super::patch::apply::missing_annotation_warning(&format!(
                    "{}/{name}",
                    info.plural
                )));
            }
            let merged = plan.result;
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

/// How kubectl reports a three-way patch it could not compute.
fn apply_patch_error(e: super::patch::PatchError, m: &Manifest) -> Fail {
    use super::patch::PatchErrorKind;
    match e.kind {
        PatchErrorKind::Conflict => Fail::Msg(format!(
            "error when applying patch:\nto:\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: \"{}\", Namespace: \"{}\"\nfor: \"{}\": {}",
            gvr(m),
            gvk(m),
            m.name(),
            m.namespace().unwrap_or_default(),
            m.source,
            e.message
        )),
        _ => Fail::Msg(format!("error when applying patch to \"{}\": {}", m.source, e.message)),
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
                v = super::patch::apply::with_last_applied(&v);
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
    flag("grace-period", None, FlagKind::Int),
    flag("cascade", None, FlagKind::Value),
    flag("wait", None, FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
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
