//! Events, as `kubectl get events` (the server's table) and the
//! `kubectl events` command (kubectl's own printer) show them.

use super::format::{human_since_millis, since, since_micro};
use super::{col, escape_cell, wide, Column, Grid};
use crate::api::corev1::Event;
use crate::api::time::parse_rfc3339;
use crate::util::sort;
use crate::value::Value;

pub(super) const COLUMNS: &[Column] = &[
    col("LAST SEEN"),
    col("TYPE"),
    col("REASON"),
    col("OBJECT"),
    wide("SUBOBJECT"),
    wide("SOURCE"),
    col("MESSAGE"),
    wide("FIRST SEEN"),
    wide("COUNT"),
    Column {
        name: "NAME",
        wide: true,
        is_name: true,
    },
];

/// The series of a repeated event on the events.k8s.io API: its count and
/// last observation (Unix milliseconds).
fn series(ev: &Event) -> Option<(i64, Option<i64>)> {
    let s = ev.series.as_ref()?;
    let count = s.get("count").and_then(Value::as_i64).unwrap_or(0);
    let last = s
        .get("lastObservedTime")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339);
    Some((count, last))
}

fn since_opt_ms(now_ms: i64, t: Option<i64>) -> String {
    match t {
        Some(t) => human_since_millis(now_ms, t),
        None => "<unknown>".to_string(),
    }
}

/// When the event was first seen: `firstTimestamp`, or `eventTime` on the
/// newer API.
fn first_seen(ev: &Event, now_ms: i64) -> String {
    match ev.first_timestamp {
        Some(t) => since(now_ms, Some(t)),
        None => since_micro(now_ms, ev.event_time),
    }
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() {
        b
    } else {
        a
    }
}

/// The SOURCE column: component (or reporting controller), then the host
/// (or reporting instance) after a comma.
pub(crate) fn event_source(ev: &Event) -> String {
    let component = first_non_empty(&ev.source.component, &ev.reporting_component);
    let instance = first_non_empty(&ev.source.host, &ev.reporting_instance);
    if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    }
}

pub(super) fn cells(ev: &Event, now_ms: i64) -> Vec<String> {
    let first = first_seen(ev, now_ms);
    let mut last = match ev.last_timestamp {
        Some(t) => since(now_ms, Some(t)),
        None => first.clone(),
    };
    let mut count = i64::from(ev.count);
    if let Some((n, observed)) = series(ev) {
        last = since_opt_ms(now_ms, observed);
        count = n;
    } else if count == 0 {
        // Singleton events on the newer API carry no count.
        count = 1;
    }
    let obj = &ev.involved_object;
    let target = if obj.name.is_empty() {
        obj.kind.to_lowercase()
    } else {
        format!("{}/{}", obj.kind.to_lowercase(), obj.name)
    };
    vec![
        last,
        ev.type_.clone(),
        ev.reason.clone(),
        target,
        obj.field_path.clone(),
        event_source(ev),
        ev.message.trim().to_string(),
        first,
        count.to_string(),
        ev.metadata.name().to_string(),
    ]
}

/// The time `kubectl events` sorts by: the series' last observation, else
/// `lastTimestamp`, else `eventTime` (Unix milliseconds; absent is the
/// earliest).
pub(crate) fn event_sort_time(ev: &Event) -> i64 {
    if let Some((_, observed)) = series(ev) {
        return observed.unwrap_or(i64::MIN);
    }
    if let Some(t) = ev.last_timestamp {
        return t.millis();
    }
    ev.event_time
        .map(super::format::micro_millis)
        .unwrap_or(i64::MIN)
}

/// The key `kubectl describe` sorts events by: `lastTimestamp`, absent
/// (as on the newer events API) being the earliest.
pub(crate) fn last_timestamp_key(ev: &Event) -> i64 {
    ev.last_timestamp.map(|t| t.millis()).unwrap_or(i64::MIN)
}

/// The age column of `kubectl events` and `kubectl describe`:
/// `2m (x4 over 5m)` for a repeated event.
pub(crate) fn event_interval(ev: &Event, now_ms: i64) -> String {
    let first = match ev.event_time {
        Some(t) => since_micro(now_ms, Some(t)),
        None => since(now_ms, ev.first_timestamp),
    };
    if let Some((count, observed)) = series(ev) {
        return format!("{} (x{count} over {first})", since_opt_ms(now_ms, observed));
    }
    if ev.count > 1 {
        return format!(
            "{} (x{} over {first})",
            since(now_ms, ev.last_timestamp),
            ev.count
        );
    }
    first
}

/// Flags of the `kubectl events` command that shape its table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventsCommandOptions {
    /// `-A`: a NAMESPACE column first.
    pub all_namespaces: bool,
    /// `--no-headers`.
    pub no_headers: bool,
}

/// The table `kubectl events` prints (`LAST SEEN TYPE REASON OBJECT
/// MESSAGE`), oldest first. Unlike `kubectl get events`, OBJECT keeps the
/// kind's capitals (`Pod/nginx`).
pub fn events_command_grid(events: &[&Event], opts: &EventsCommandOptions, now_ms: i64) -> Grid {
    let mut sorted: Vec<&Event> = events.to_vec();
    // kubectl sorts with Go's sort.Sort, which is stable for short lists.
    sort::sort_by_key(&mut sorted, |e| event_sort_time(e));
    let mut headers = Vec::new();
    if !opts.no_headers {
        if opts.all_namespaces {
            headers.push("NAMESPACE".to_string());
        }
        for h in ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"] {
            headers.push(h.to_string());
        }
    }
    let rows = sorted
        .iter()
        .map(|e| {
            let mut row = Vec::new();
            if opts.all_namespaces {
                row.push(e.metadata.namespace().to_string());
            }
            row.push(event_interval(e, now_ms));
            row.push(escape_cell(&e.type_));
            row.push(escape_cell(&e.reason));
            row.push(format!(
                "{}/{}",
                escape_cell(&e.involved_object.kind),
                escape_cell(&e.involved_object.name)
            ));
            row.push(escape_cell(e.message.trim()));
            row
        })
        .collect();
    Grid { headers, rows }
}
