//! What the seed scenario tests share: a terminal on a fresh default
//! cluster, manifests written to files and applied, simulated time advanced
//! with `sleep`, and a pod's status followed second by second.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

pub use common::text;
use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

pub fn session() -> Session {
    Session::new(Cluster::new(ClusterConfig::default()))
}

/// Runs one command line and returns what the terminal shows.
pub fn sh(s: &mut Session, command: &str) -> String {
    text(&s.run(command))
}

/// Writes `yaml` to `file` and applies it, as a learner does.
pub fn apply(s: &mut Session, file: &str, yaml: &str) -> String {
    s.add_file(file, yaml.as_bytes());
    sh(s, &format!("kubectl apply -f {file}"))
}

pub fn wait(s: &mut Session, seconds: u64) {
    s.run(&format!("sleep {seconds}"));
}

/// Seconds of simulated time since the cluster started.
pub fn now_s(s: &Session) -> u64 {
    u64::try_from(s.cluster().now() / 1000).unwrap_or(0)
}

/// Reads one jsonpath of an object.
pub fn jsonpath(s: &mut Session, target: &str, path: &str) -> String {
    sh(s, &format!("kubectl get {target} -o jsonpath='{path}'"))
}

/// Follows `path` of `target` for `seconds`, one look a second, and returns
/// each new value with the second (since the first look) it appeared.
pub fn timeline(s: &mut Session, target: &str, path: &str, seconds: u64) -> Vec<(u64, String)> {
    let start = now_s(s);
    let mut seen: Vec<(u64, String)> = Vec::new();
    for _ in 0..=seconds {
        let v = jsonpath(s, target, path);
        if seen.last().map(|(_, last)| last != &v).unwrap_or(true) {
            seen.push((now_s(s) - start, v));
        }
        wait(s, 1);
    }
    seen
}

/// The line of `table` whose first column is `name`, columns split on runs
/// of spaces.
pub fn row(table: &str, name: &str) -> Vec<String> {
    table
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find(|cols| cols.first().map(String::as_str) == Some(name))
        .unwrap_or_default()
}
