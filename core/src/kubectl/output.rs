//! `-o` output formats: json, yaml, name, jsonpath, custom-columns,
//! go-template; tables are printed by `get` itself.

use super::printers::custom_columns::CustomColumns;
use super::printers::gotemplate::GoTemplatePrinter;
use super::printers::jsonpath::JsonPathPrinter;
use super::{Fail, Kubectl, Res};
use crate::store::Object;
use crate::value::{Map, Value};

/// An `-o` choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    JsonPath(String, bool),
    /// The columns' spec, and whether `--no-headers` drops the header
    /// (kubectl honours it for `custom-columns=`, not for a file).
    CustomColumns(String, bool),
    GoTemplate(String),
}

const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";
const WRITE_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

impl Kubectl<'_> {
    /// Parses `-o` (and `--template`) for a command; `tables` says whether
    /// table formats are allowed (`get`) or not (`apply`, `create`…).
    pub fn output_format(
        &self,
        o: Option<&str>,
        template: Option<&str>,
        tables: bool,
    ) -> Res<Format> {
        let allowed = if tables { GET_FORMATS } else { WRITE_FORMATS };
        let bad = |o: &str| {
            Fail::Msg(format!(
                "unable to match a printer suitable for the output format \"{o}\", allowed formats are: {allowed}"
            ))
        };
        let Some(o) = o.filter(|o| !o.is_empty()) else {
            return Ok(Format::Table);
        };
        let (name, arg) = match o.split_once('=') {
            Some((n, a)) => (n, Some(a.to_string())),
            None => (o, None),
        };
        let read_file = |path: &str| -> Res<String> {
            self.p
                .fs()
                .read(&self.p.cwd, path)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .map_err(|_| {
                    Fail::Msg(format!(
                        "error reading --template {path}, open {path}: no such file or directory"
                    ))
                })
        };
        let arg = arg.or_else(|| template.map(str::to_string));
        Ok(match name {
            "json" => Format::Json,
            "yaml" => Format::Yaml,
            "name" => Format::Name,
            "wide" if tables => Format::Wide,
            "jsonpath" | "jsonpath-as-json" => {
                let t = arg.ok_or_else(|| {
                    Fail::Msg("template format specified but no template given".to_string())
                })?;
                Format::JsonPath(t, name == "jsonpath-as-json")
            }
            "jsonpath-file" => {
                let path = arg.ok_or_else(|| {
                    Fail::Msg("template format specified but no template file given".to_string())
                })?;
                Format::JsonPath(read_file(&path)?, false)
            }
            "custom-columns" if tables => {
                let spec = arg.unwrap_or_default();
                if spec.is_empty() {
                    return Err(Fail::Msg(
                        "custom-columns format specified but no custom columns given".to_string(),
                    ));
                }
                Format::CustomColumns(spec, false)
            }
            "custom-columns-file" if tables => {
                let path = arg.unwrap_or_default();
                let text = read_file(&path)?;
                let cc = CustomColumns::from_template(&text).map_err(Fail::Msg)?;
                let spec = cc
                    .columns()
                    .iter()
                    .map(|c| format!("{}:{}", c.header, c.field_spec))
                    .collect::<Vec<_>>()
                    .join(",");
                Format::CustomColumns(spec, false)
            }
            "go-template" | "template" => {
                let t = arg.ok_or_else(|| {
                    Fail::Msg("template format specified but no template given".to_string())
                })?;
                Format::GoTemplate(t)
            }
            "go-template-file" | "templatefile" => {
                let path = arg.ok_or_else(|| {
                    Fail::Msg("template format specified but no template file given".to_string())
                })?;
                Format::GoTemplate(read_file(&path)?)
            }
            _ => return Err(bad(o)),
        })
    }

    /// Prints objects in a non-table format. `single` prints one object as
    /// itself rather than as a List.
    pub fn print_objects(&mut self, format: &Format, objects: &[Value], single: bool) -> Res<()> {
        let doc = if single && objects.len() == 1 {
            objects[0].clone()
        } else {
            list_of(objects.to_vec())
        };
        match format {
            Format::Json => self.out(format!("{}\n", doc.to_json_pretty())),
            Format::Yaml => self.out(crate::syntax::to_yaml(&doc)),
            Format::Name => {
                for o in objects {
                    self.out(format!("{}\n", resource_name(o)));
                }
            }
            Format::JsonPath(t, as_json) => {
                let printer = JsonPathPrinter::new(t, *as_json, true).map_err(Fail::Msg)?;
                let s = printer.print(&doc).map_err(Fail::Msg)?;
                self.out(s);
            }
            Format::GoTemplate(t) => {
                let printer = GoTemplatePrinter::new(t, true).map_err(Fail::Msg)?;
                match printer.print(&doc) {
                    Ok(s) => self.out(s),
                    Err(e) => {
                        self.out(e.output);
                        return Err(Fail::Msg(e.message));
                    }
                }
            }
            Format::CustomColumns(spec, no_headers) => {
                let mut cc = CustomColumns::from_spec(spec, *no_headers).map_err(Fail::Msg)?;
                match cc.print(&doc) {
                    Ok(s) => self.out(s),
                    Err(e) => {
                        self.out(e.output);
                        return Err(Fail::Msg(e.message));
                    }
                }
            }
            Format::Table | Format::Wide => {}
        }
        Ok(())
    }
}

/// `{"apiVersion":"v1","items":[...],"kind":"List","metadata":{"resourceVersion":""}}`.
pub fn list_of(items: Vec<Value>) -> Value {
    let mut m = Map::new();
    m.insert("apiVersion".into(), "v1".into());
    m.insert("items".into(), Value::Array(items));
    m.insert("kind".into(), "List".into());
    let mut meta = Map::new();
    meta.insert("resourceVersion".into(), "".into());
    m.insert("metadata".into(), Value::Object(meta));
    Value::Object(m)
}

/// `pod/nginx`, `deployment.apps/web`.
pub fn resource_name(v: &Value) -> String {
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let name = v
        .pointer("metadata.name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    if group.is_empty() {
        format!("{}/{name}", kind.to_ascii_lowercase())
    } else {
        format!("{}.{group}/{name}", kind.to_ascii_lowercase())
    }
}

/// `pod/nginx` for a stored object.
pub fn object_name(o: &Object) -> String {
    format!("{}/{}", o.info().qualified_singular(), o.name())
}

/// Field names in the order Go's API structs declare them, for objects
/// kubectl builds itself (`create deployment`, `run`, `expose` with
/// `--dry-run=client -o json`): those print in struct order, while objects
/// read from files or the server print with sorted keys. One list serves
/// every struct because the structs kubectl generates never order two
/// shared names differently.
const GO_FIELD_ORDER: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
    "immutable",
    "data",
    "binaryData",
    "stringData",
    "secrets",
    "imagePullSecrets",
    "automountServiceAccountToken",
    "spec",
    "schedule",
    "timeZone",
    "startingDeadlineSeconds",
    "concurrencyPolicy",
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "replicas",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "selector",
    "matchLabels",
    "matchExpressions",
    "manualSelector",
    "template",
    "jobTemplate",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
    "volumes",
    "initContainers",
    "containers",
    "hostPort",
    "containerPort",
    "protocol",
    "appProtocol",
    "port",
    "targetPort",
    "nodePort",
    "hostIP",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "envFrom",
    "env",
    "value",
    "valueFrom",
    "resources",
    "limits",
    "requests",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "privileged",
    "stdin",
    "stdinOnce",
    "tty",
    "terminationGracePeriodSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "status",
    "loadBalancer",
];

/// Fields whose values are Go maps, printed with sorted keys.
fn is_go_map(field: &str, v: &Map) -> bool {
    match field {
        "labels" | "annotations" | "matchLabels" | "data" | "binaryData" | "stringData"
        | "nodeSelector" | "limits" | "requests" => true,
        // A Service's selector is a map; a workload's is a LabelSelector.
        "selector" => !v
            .keys()
            .all(|k| k == "matchLabels" || k == "matchExpressions"),
        _ => false,
    }
}

/// `json.MarshalIndent(obj, "", "    ")` of a typed object kubectl built:
/// struct fields in declaration order, map keys sorted.
pub fn go_struct_json(v: &Value) -> String {
    let mut out = String::new();
    write_struct_json(&mut out, v, "", 0);
    out
}

fn write_struct_json(out: &mut String, v: &Value, field: &str, depth: usize) {
    let pad = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("    ");
        }
    };
    match v {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                write_struct_json(out, item, field, depth + 1);
            }
            pad(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            if !is_go_map(field, map) {
                let rank = |k: &str| {
                    GO_FIELD_ORDER
                        .iter()
                        .position(|f| *f == k)
                        .unwrap_or(GO_FIELD_ORDER.len())
                };
                crate::util::sort::sort_by_key(&mut keys, |k| rank(k));
            }
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                pad(out, depth + 1);
                crate::value::write_json_string(out, k);
                out.push_str(": ");
                if let Some(item) = map.get(k) {
                    write_struct_json(out, item, k, depth + 1);
                }
            }
            pad(out, depth);
            out.push('}');
        }
        other => out.push_str(&other.to_json()),
    }
}

impl Kubectl<'_> {
    /// Prints an object kubectl built itself (a generator's result), after
    /// `adjust` sets what kubectl's generator sets but the stored form
    /// cannot tell from a default (`protocol: TCP` on service ports).
    pub fn report_generated(
        &mut self,
        format: &Format,
        obj: &Object,
        adjust: impl FnOnce(&mut Value),
        verb: &str,
        dry: super::cmd_apply::DryRun,
    ) -> Res<()> {
        match format {
            Format::Table => self.report_write(format, obj, verb, dry),
            Format::Json => {
                let mut v = obj.encode();
                adjust(&mut v);
                self.out(format!("{}\n", go_struct_json(&v)));
                Ok(())
            }
            other => {
                let mut v = obj.encode();
                adjust(&mut v);
                self.print_objects(other, &[v], true)
            }
        }
    }
}

/// Sets `protocol: TCP` on every port of a Service in `v`, as kubectl's
/// service generators do.
pub fn tcp_service_ports(v: &mut Value) {
    let ports = v
        .as_object_mut()
        .and_then(|m| m.get_mut("spec"))
        .and_then(Value::as_object_mut)
        .and_then(|m| m.get_mut("ports"));
    if let Some(Value::Array(ports)) = ports {
        for p in ports {
            if let Value::Object(m) = p {
                m.entry("protocol".to_string())
                    .or_insert_with(|| Value::from("TCP"));
            }
        }
    }
}
