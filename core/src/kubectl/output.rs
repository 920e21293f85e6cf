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
    CustomColumns(String),
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
                Format::CustomColumns(spec)
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
                Format::CustomColumns(spec)
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
            Format::CustomColumns(spec) => {
                let mut cc = CustomColumns::from_spec(spec, false).map_err(Fail::Msg)?;
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
