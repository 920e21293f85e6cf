//! `kubectl get` and `kubectl describe`.

use std::collections::BTreeSet;

use super::flags::{flag, FlagDef, FlagKind};
use super::input::{self, Target};
use super::output::Format;
use super::printers::tabwriter::TabWriter;
use super::selectors::{parse_fields, parse_labels, FieldSelector, Selector};
use super::table::{print_tables, PrintOptions, Table};
use super::{Fail, Kubectl, Res};
use crate::apiserver::{ApiError, Millis};
use crate::store::{Kind, Object};
use crate::value::Value;

const GET_FLAGS: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("watch", Some('w'), FlagKind::Bool),
    flag("watch-only", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("field-selector", None, FlagKind::Value),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("show-labels", None, FlagKind::Bool),
    flag("label-columns", Some('L'), FlagKind::List),
    flag("sort-by", None, FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
    flag("ignore-not-found", None, FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("show-kind", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("chunk-size", None, FlagKind::Int),
    flag("output-watch-events", None, FlagKind::Bool),
    flag("server-print", None, FlagKind::Bool),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("subresource", None, FlagKind::Value),
    flag("kustomize", Some('k'), FlagKind::Value),
    flag("raw", None, FlagKind::Value),
];

const NO_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n";

/// What a get or describe acts on, after resolving arguments.
struct Query {
    targets: Vec<Target>,
    /// From `-f`: the namespace each named object lives in.
    file_namespaces: Vec<Option<String>>,
    namespace: String,
    all_namespaces: bool,
    labels: Selector,
    fields: FieldSelector,
}

impl Kubectl<'_> {
    async fn query(&mut self, cmd: &str, f: &super::flags::Parsed) -> Res<Query> {
        let files = f.all("filename");
        let mut targets = Vec::new();
        let mut file_namespaces = Vec::new();
        if !files.is_empty() {
            let sources = self.read_sources(&files, f.bool("recursive")).await?;
            for m in input::manifests(&sources) {
                let m = m?;
                file_namespaces.push(m.namespace());
                targets.push(Target {
                    kind: m.kind,
                    names: vec![m.name()],
                });
            }
        } else {
            targets = input::targets(&f.args)?;
        }
        if targets.is_empty() {
            return Err(Fail::Raw(if cmd == "get" {
                NO_TYPE.to_string()
            } else {
                "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n".to_string()
            }));
        }
        let labels = parse_labels(f.get("selector").unwrap_or("")).map_err(Fail::Msg)?;
        let fields = parse_fields(f.get("field-selector").unwrap_or("")).map_err(Fail::Msg)?;
        Ok(Query {
            targets,
            file_namespaces,
            namespace: self.namespace(f),
            all_namespaces: f.bool("all-namespaces"),
            labels,
            fields,
        })
    }

    /// Lists objects of a kind matching the query's selectors, or gets the
    /// named ones (collecting NotFound errors).
    fn fetch(&self, q: &Query, t: &Target, idx: usize, errors: &mut Vec<Fail>) -> Vec<Object> {
        let info = t.kind.info();
        let ns = if !info.namespaced {
            String::new()
        } else {
            q.file_namespaces
                .get(idx)
                .cloned()
                .flatten()
                .unwrap_or_else(|| q.namespace.clone())
        };
        if !t.names.is_empty() {
            let mut out = Vec::new();
            for name in &t.names {
                let found = self.api(|api| api.store.get_object(t.kind, &ns, name));
                match found {
                    Some(o) => out.push(o),
                    None => errors.push(Fail::Api(ApiError::not_found(info, name), None)),
                }
            }
            return out;
        }
        let scope = if q.all_namespaces || !info.namespaced {
            None
        } else {
            Some(ns.as_str())
        };
        let objects = self.api(|api| api.store.list_objects(t.kind, scope));
        objects
            .into_iter()
            .filter(|o| q.labels.matches(&o.meta().labels))
            .filter(|o| q.fields.is_empty() || q.fields.matches(o, &o.encode()))
            .collect()
    }

    fn now_wall(&self) -> Millis {
        self.api(|api| api.wall_millis())
    }
}

fn table_options(f: &super::flags::Parsed, wide: bool, all_namespaces: bool) -> PrintOptions {
    PrintOptions {
        wide,
        with_namespace: all_namespaces,
        show_labels: f.bool("show-labels"),
        label_columns: f
            .all("label-columns")
            .iter()
            .flat_map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
            .filter(|l| !l.is_empty())
            .collect(),
        no_headers: f.bool("no-headers"),
        with_kind: f.bool("show-kind"),
    }
}

fn no_resources(q: &Query) -> String {
    let cluster_scoped = q.targets.iter().all(|t| !t.kind.info().namespaced);
    if q.all_namespaces || cluster_scoped {
        "No resources found\n".to_string()
    } else {
        format!("No resources found in {} namespace.\n", q.namespace)
    }
}

pub async fn get(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("get", args, GET_FLAGS)?;
    let mut format = k.output_format(f.get("output"), f.get("template"), true)?;
    if let Format::CustomColumns(_, no_headers) = &mut format {
        let from_file = f
            .get("output")
            .is_some_and(|o| o.starts_with("custom-columns-file"));
        *no_headers = f.bool("no-headers") && !from_file;
    }
    let q = k.query("get", &f).await?;
    for t in &q.targets {
        if let Err(e) = q.fields.check(t.kind) {
            let info = t.kind.info();
            let gvr = if info.group.is_empty() {
                format!("/{}, Resource={}", info.version, info.plural)
            } else {
                format!("{}/{}, Resource={}", info.group, info.version, info.plural)
            };
            return Err(Fail::Api(
                ApiError::bad_request(format!(
                    "Unable to find \"{gvr}\" that match label selector \"{}\", field selector \"{}\": {e}",
                    f.get("selector").unwrap_or(""),
                    f.get("field-selector").unwrap_or("")
                )),
                None,
            ));
        }
    }
    let mut errors = Vec::new();
    let mut per_kind: Vec<(Kind, Vec<Object>)> = Vec::new();
    for (i, t) in q.targets.iter().enumerate() {
        let objs = k.fetch(&q, t, i, &mut errors);
        per_kind.push((t.kind, objs));
    }
    if f.bool("ignore-not-found") {
        errors.retain(
            |e| !matches!(e, Fail::Api(a, _) if a.reason == crate::apiserver::Reason::NotFound),
        );
    }
    let total: usize = per_kind.iter().map(|(_, o)| o.len()).sum();
    let single =
        q.targets.len() == 1 && q.targets[0].names.len() == 1 && q.file_namespaces.len() <= 1;
    let watch = f.bool("watch") || f.bool("watch-only");
    let mut watch_rows = WatchRows::default();
    match &format {
        Format::Table | Format::Wide => {
            if !f.bool("watch-only") {
                let now = k.now_wall();
                let mut tables = Vec::new();
                for (kind, objs) in &per_kind {
                    let mut table = Table::of_kind(*kind, objs, now);
                    if let Some(sort) = f.get("sort-by") {
                        let encoded: Vec<Value> = objs.iter().map(Object::encode).collect();
                        match super::printers::sort_by::sort_objects(&encoded, sort) {
                            Ok(order) => table.reorder(&order),
                            Err(e) => return Err(Fail::Msg(sort_error(e))),
                        }
                    }
                    tables.push(table);
                }
                let opts = table_options(&f, format == Format::Wide, q.all_namespaces);
                if watch {
                    // The rows that follow keep these column widths.
                    for t in &tables {
                        watch_rows.print(k, t, &opts);
                    }
                } else {
                    k.out(print_tables(&tables, &opts));
                }
            }
            if total == 0 && errors.is_empty() && !watch {
                k.err(no_resources(&q));
            }
        }
        other => {
            let mut encoded: Vec<Value> = per_kind
                .iter()
                .flat_map(|(_, objs)| objs.iter().map(Object::encode))
                .collect();
            if let Some(sort) = f.get("sort-by") {
                let order = super::printers::sort_by::sort_objects(&encoded, sort)
                    .map_err(|e| Fail::Msg(sort_error(e)))?;
                encoded = order
                    .iter()
                    .filter_map(|&i| encoded.get(i).cloned())
                    .collect();
            }
            if !(total == 0 && single) {
                k.print_objects(other, &encoded, single)?;
            }
            if total == 0 && errors.is_empty() && !single && matches!(other, Format::Name) {
                k.err(no_resources(&q));
            }
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    if watch {
        watch_loop(k, &f, &q, &format, watch_rows).await?;
    }
    Ok(code)
}

fn sort_error(e: super::printers::sort_by::SortError) -> String {
    use super::printers::sort_by::SortError;
    match e {
        SortError::Error(m) => m,
        SortError::Fatal { message, .. } => message,
    }
}

/// How long a watch waits for news before a non-interactive session moves
/// on; a person at a terminal would press Ctrl-C.
const WATCH_IDLE: Millis = 30_000;
const WATCH_POLL: Millis = 500;

/// A watch's table: one header, and columns that only ever widen, as
/// kubectl's tabwriter with `RememberWidths` prints them.
#[derive(Default)]
struct WatchRows {
    tw: TabWriter,
    headed: bool,
}

impl WatchRows {
    fn print(&mut self, k: &mut Kubectl<'_>, table: &Table, opts: &PrintOptions) {
        let grid = table.grid(opts);
        if grid.rows.is_empty() {
            return;
        }
        if !self.headed && !grid.headers.is_empty() {
            self.tw.write_row(&grid.headers);
        }
        self.headed = true;
        for row in &grid.rows {
            self.tw.write_row(row);
        }
        self.tw.flush();
        k.out(self.tw.take_output());
    }
}

async fn watch_loop(
    k: &mut Kubectl<'_>,
    f: &super::flags::Parsed,
    q: &Query,
    format: &Format,
    mut rows: WatchRows,
) -> Res<()> {
    let kinds: BTreeSet<Kind> = q.targets.iter().map(|t| t.kind).collect();
    let names: BTreeSet<String> = q.targets.iter().flat_map(|t| t.names.clone()).collect();
    let mut last_news = k.cluster().clock();
    let interactive = k.proc().tty;
    let timeout = f
        .get("request-timeout")
        .and_then(super::cmd_delete::parse_duration)
        .filter(|t| *t > 0);
    let started = last_news;
    let opts = table_options(f, *format == Format::Wide, q.all_namespaces);
    let id = k.cluster().watch_open();
    let result = loop {
        k.sleep(WATCH_POLL).await;
        if k.proc().has_pending_signal() {
            break Ok(());
        }
        let now = k.cluster().clock();
        let events = k.cluster().watch_take(id);
        let changes: Vec<Object> = events
            .into_iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| e.object)
            .filter(|o| names.is_empty() || names.contains(o.name()))
            .filter(|o| {
                q.all_namespaces || !o.info().namespaced || o.meta().namespace() == q.namespace
            })
            .filter(|o| q.labels.matches(&o.meta().labels))
            .collect();
        if !changes.is_empty() {
            last_news = now;
            let wall = k.now_wall();
            for obj in changes {
                match format {
                    Format::Table | Format::Wide => {
                        let table = Table::of_kind(obj.kind(), std::slice::from_ref(&obj), wall);
                        rows.print(k, &table, &opts);
                    }
                    other => {
                        if let Err(e) = k.print_objects(other, &[obj.encode()], true) {
                            k.cluster().watch_close(id);
                            return Err(e);
                        }
                    }
                }
            }
        } else if !interactive && now - last_news >= WATCH_IDLE {
            break Ok(());
        }
        if timeout.is_some_and(|t| now - started >= t) {
            break Ok(());
        }
    };
    k.cluster().watch_close(id);
    result
}

const DESCRIBE_FLAGS: &[FlagDef] = &[
    flag("selector", Some('l'), FlagKind::Value),
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("show-events", None, FlagKind::Bool),
    flag("chunk-size", None, FlagKind::Int),
    flag("kustomize", Some('k'), FlagKind::Value),
];

pub async fn describe(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("describe", args, DESCRIBE_FLAGS)?;
    let q = k.query("describe", &f).await?;
    // `describe pod web` also matches pods whose name starts with "web".
    let mut errors = Vec::new();
    let mut objects = Vec::new();
    for (i, t) in q.targets.clone().iter().enumerate() {
        if t.names.is_empty() {
            objects.extend(k.fetch(&q, t, i, &mut errors));
            continue;
        }
        for name in &t.names {
            let one = Target {
                kind: t.kind,
                names: vec![name.clone()],
            };
            let mut errs = Vec::new();
            let found = k.fetch(&q, &one, i, &mut errs);
            if found.is_empty() {
                let prefix = Target {
                    kind: t.kind,
                    names: vec![],
                };
                let all = k.fetch(&q, &prefix, i, &mut Vec::new());
                let matched: Vec<Object> = all
                    .into_iter()
                    .filter(|o| o.name().starts_with(name.as_str()))
                    .collect();
                if matched.is_empty() {
                    errors.extend(errs);
                } else {
                    objects.extend(matched);
                }
            } else {
                objects.extend(found);
            }
        }
    }
    let show_events = f.bool_or("show-events", true);
    let now = k.now_wall();
    let mut first = true;
    for o in &objects {
        let text = k.api(|api| {
            super::describe::describe(
                &api.store,
                o,
                now,
                super::describe::DescribeOptions { show_events },
            )
        });
        if !first {
            k.out("\n\n");
        }
        first = false;
        k.out(text);
    }
    if objects.is_empty() && errors.is_empty() {
        k.err(no_resources(&q));
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        k.report(e);
    }
    Ok(code)
}
