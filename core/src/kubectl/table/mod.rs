//! `kubectl get`'s human-readable output: the server-side table of every
//! kind (column definitions and cell formulas of kube-apiserver's
//! `printers.go`) and the client-side frame cli-runtime's table printer puts
//! around it (NAMESPACE column, `--show-labels`, `-L`, `--no-headers`, kind
//! prefixes, one table per kind).
//!
//! The API server always computes the `-o wide` cells; kubectl hides the
//! priority-1 columns unless asked. [`Table`] keeps every cell, so a UI can
//! show either view, and [`Table::grid`] applies the options.

mod apps;
mod batch;
mod core;
mod events;
pub mod format;
mod pods;
mod storage;

use std::collections::BTreeMap;

use crate::api::meta::ObjectMeta;
use crate::kubectl::printers::custom_columns::escape_terminal;
use crate::kubectl::printers::tabwriter::TabWriter;
use crate::store::{Kind, Object};

pub use events::{events_command_grid, EventsCommandOptions};

/// Event formatting that `kubectl describe` shares with the event tables.
pub(crate) mod events_support {
    pub(crate) use super::events::{event_interval, last_timestamp_key};
}
use crate::util::sort;
pub use pods::{pod_status_cells, PodStatusCells};
pub(crate) use storage::storage_quantity;

/// One column of a server-side table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The header, as kubectl prints it (upper case).
    pub name: &'static str,
    /// Shown only with `-o wide` (priority 1).
    pub wide: bool,
    /// The column holding the object's name (`format: name`), which gets
    /// the `kind/` prefix when several kinds print together.
    pub is_name: bool,
}

const fn col(name: &'static str) -> Column {
    Column {
        name,
        wide: false,
        is_name: false,
    }
}

const fn wide(name: &'static str) -> Column {
    Column {
        name,
        wide: true,
        is_name: false,
    }
}

const NAME: Column = Column {
    name: "NAME",
    wide: false,
    is_name: true,
};

/// One row: the cells of every column, and the object metadata the client
/// decorates the row with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
}

impl Row {
    fn new(meta: &ObjectMeta, cells: Vec<String>) -> Row {
        Row {
            cells,
            namespace: meta.namespace().to_string(),
            labels: meta.labels.clone(),
        }
    }
}

/// The table the API server returns for a list of objects of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub kind: Kind,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// How kubectl frames a table (`kubectl get` flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintOptions {
    /// `-o wide`.
    pub wide: bool,
    /// `-A`: a NAMESPACE column first (never for cluster-scoped kinds).
    pub with_namespace: bool,
    /// `--show-labels`: a LABELS column last.
    pub show_labels: bool,
    /// `-L key,...`: one column per key, headed by the key's last path
    /// segment in upper case.
    pub label_columns: Vec<String>,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `--show-kind`: names print as `kind.group/name`. [`print_tables`]
    /// also turns this on by itself when objects of several kinds print.
    pub with_kind: bool,
}

/// What kubectl shows: the header (empty with `--no-headers`) and the
/// visible cells of every row, escaped as the terminal would get them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// The aligned text, as kubectl's tabwriter writes it. An empty table
    /// prints nothing, not even its header.
    pub fn render(&self) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        let mut tw = TabWriter::new();
        if !self.headers.is_empty() {
            tw.write_row(&self.headers);
        }
        for row in &self.rows {
            tw.write_row(row);
        }
        tw.finish()
    }
}

impl Table {
    /// The table for objects of one kind; objects of any other kind are
    /// left out. Rows follow the order of `objects` (the caller sorts, for
    /// `--sort-by`). `now_ms` is the wall clock in Unix milliseconds.
    pub fn of_kind(kind: Kind, objects: &[Object], now_ms: i64) -> Table {
        let rows = objects
            .iter()
            .filter(|o| o.kind() == kind)
            .map(|o| row_of(o, now_ms))
            .collect();
        Table {
            kind,
            columns: columns_of(kind).to_vec(),
            rows,
        }
    }

    /// Puts the rows in the given order (indexes into the current rows, as
    /// the `--sort-by` helper returns them); unknown indexes are ignored.
    pub fn reorder(&mut self, order: &[usize]) {
        let rows: Vec<Row> = order
            .iter()
            .filter_map(|&i| self.rows.get(i).cloned())
            .collect();
        self.rows = rows;
    }

    /// Applies kubectl's printing options (cli-runtime `decorateTable` and
    /// `printTable`).
    pub fn grid(&self, opts: &PrintOptions) -> Grid {
        let with_namespace = opts.with_namespace && self.kind.info().namespaced;
        let visible: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| opts.wide || !c.wide)
            .map(|(i, _)| i)
            .collect();
        let mut headers = Vec::new();
        if !opts.no_headers {
            if with_namespace {
                headers.push("NAMESPACE".to_string());
            }
            headers.extend(visible.iter().map(|&i| self.columns[i].name.to_string()));
            headers.extend(opts.label_columns.iter().map(|l| label_header(l)));
            if opts.show_labels {
                headers.push("LABELS".to_string());
            }
        }
        let name_column = self.columns.iter().position(|c| c.is_name);
        let prefix = kind_prefix(self.kind);
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = Vec::new();
                if with_namespace {
                    cells.push(escape_cell(&row.namespace));
                }
                for &i in &visible {
                    let cell = row.cells.get(i).map(String::as_str).unwrap_or("");
                    if opts.with_kind && Some(i) == name_column {
                        cells.push(escape_cell(&format!("{prefix}/{cell}")));
                    } else {
                        cells.push(escape_cell(cell));
                    }
                }
                for key in &opts.label_columns {
                    let value = row.labels.get(key).map(String::as_str).unwrap_or("");
                    cells.push(escape_cell(value));
                }
                if opts.show_labels {
                    cells.push(escape_cell(&format::format_labels(&row.labels)));
                }
                cells
            })
            .collect();
        Grid { headers, rows }
    }

    /// The text of this table alone.
    pub fn render(&self, opts: &PrintOptions) -> String {
        self.grid(opts).render()
    }
}

/// Prints several tables as one `kubectl get` does: each kind is aligned on
/// its own, and a blank line separates a table from the output before it
/// (unless `--no-headers`). When rows of more than one kind are printed,
/// names carry their `kind.group/` prefix.
pub fn print_tables(tables: &[Table], opts: &PrintOptions) -> String {
    let mut kinds: Vec<Kind> = tables
        .iter()
        .filter(|t| !t.rows.is_empty())
        .map(|t| t.kind)
        .collect();
    sort::sort(&mut kinds);
    kinds.dedup();
    let mut opts = opts.clone();
    opts.with_kind |= kinds.len() > 1;
    let mut out = String::new();
    for table in tables {
        let text = table.render(&opts);
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() && !opts.no_headers {
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
}

/// `strings.ToLower(GroupKind.String())`: `deployment.apps`, `pod`.
pub fn kind_prefix(kind: Kind) -> String {
    let info = kind.info();
    if info.group.is_empty() {
        info.kind.to_lowercase()
    } else {
        format!("{}.{}", info.kind.to_lowercase(), info.group)
    }
}

/// The header of a `-L` column: the key's last `/` segment, upper-cased.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

/// cli-runtime's cell sanitising: a cell ends at its first line break
/// (newline, carriage return or form feed), marked with `...`, and escape
/// characters cannot reach the terminal.
fn escape_cell(cell: &str) -> String {
    match cell.find(['\n', '\r', '\u{c}']) {
        Some(i) => format!("{}...", escape_terminal(&cell[..i])),
        None => escape_terminal(cell),
    }
}

fn columns_of(kind: Kind) -> &'static [Column] {
    match kind {
        Kind::Pod => pods::COLUMNS,
        Kind::Node => core::NODE_COLUMNS,
        Kind::Namespace => core::NAMESPACE_COLUMNS,
        Kind::Service => core::SERVICE_COLUMNS,
        Kind::Endpoints => core::ENDPOINTS_COLUMNS,
        Kind::EndpointSlice => core::ENDPOINT_SLICE_COLUMNS,
        Kind::ConfigMap => core::CONFIG_MAP_COLUMNS,
        Kind::Secret => core::SECRET_COLUMNS,
        Kind::ServiceAccount => core::SERVICE_ACCOUNT_COLUMNS,
        Kind::Event => events::COLUMNS,
        Kind::PersistentVolume => storage::PV_COLUMNS,
        Kind::PersistentVolumeClaim => storage::PVC_COLUMNS,
        Kind::StorageClass => storage::STORAGE_CLASS_COLUMNS,
        Kind::Deployment => apps::DEPLOYMENT_COLUMNS,
        Kind::ReplicaSet => apps::REPLICA_SET_COLUMNS,
        Kind::StatefulSet => apps::STATEFUL_SET_COLUMNS,
        Kind::DaemonSet => apps::DAEMON_SET_COLUMNS,
        Kind::ControllerRevision => apps::CONTROLLER_REVISION_COLUMNS,
        Kind::Job => batch::JOB_COLUMNS,
        Kind::CronJob => batch::CRON_JOB_COLUMNS,
    }
}

fn row_of(obj: &Object, now_ms: i64) -> Row {
    match obj {
        Object::Pod(o) => Row::new(&o.metadata, pods::cells(o, now_ms)),
        Object::Node(o) => Row::new(&o.metadata, core::node_cells(o, now_ms)),
        Object::Namespace(o) => Row::new(&o.metadata, core::namespace_cells(o, now_ms)),
        Object::Service(o) => Row::new(&o.metadata, core::service_cells(o, now_ms)),
        Object::Endpoints(o) => Row::new(&o.metadata, core::endpoints_cells(o, now_ms)),
        Object::EndpointSlice(o) => Row::new(&o.metadata, core::endpoint_slice_cells(o, now_ms)),
        Object::ConfigMap(o) => Row::new(&o.metadata, core::config_map_cells(o, now_ms)),
        Object::Secret(o) => Row::new(&o.metadata, core::secret_cells(o, now_ms)),
        Object::ServiceAccount(o) => Row::new(&o.metadata, core::service_account_cells(o, now_ms)),
        Object::Event(o) => Row::new(&o.metadata, events::cells(o, now_ms)),
        Object::PersistentVolume(o) => Row::new(&o.metadata, storage::pv_cells(o, now_ms)),
        Object::PersistentVolumeClaim(o) => Row::new(&o.metadata, storage::pvc_cells(o, now_ms)),
        Object::StorageClass(o) => Row::new(&o.metadata, storage::storage_class_cells(o, now_ms)),
        Object::Deployment(o) => Row::new(&o.metadata, apps::deployment_cells(o, now_ms)),
        Object::ReplicaSet(o) => Row::new(&o.metadata, apps::replica_set_cells(o, now_ms)),
        Object::StatefulSet(o) => Row::new(&o.metadata, apps::stateful_set_cells(o, now_ms)),
        Object::DaemonSet(o) => Row::new(&o.metadata, apps::daemon_set_cells(o, now_ms)),
        Object::ControllerRevision(o) => {
            Row::new(&o.metadata, apps::controller_revision_cells(o, now_ms))
        }
        Object::Job(o) => Row::new(&o.metadata, batch::job_cells(o, now_ms)),
        Object::CronJob(o) => Row::new(&o.metadata, batch::cron_job_cells(o, now_ms)),
    }
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests;
