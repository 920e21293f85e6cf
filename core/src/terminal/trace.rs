//! `trace`: prints the changes the API server made, newest last — the
//! event history a session replays deterministically.

use crate::apiserver::{TraceEntry, TraceOp};
use crate::userland::{ExitStatus, Proc, ProgramFuture};

const USAGE: &str = "usage: trace [N|all]\n\nPrint the last N (default 20) changes the API server made: simulated time,\nresource version, operation and object.\n";

pub fn trace_main(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        let args: Vec<String> = p.argv.iter().skip(1).cloned().collect();
        let Some(cluster) = super::cluster_of(&p) else {
            let _ = p.err("trace: no cluster here\n").await;
            return ExitStatus::Code(1);
        };
        let count = match args.as_slice() {
            [] => Some(20),
            [a] if a == "all" => None,
            [a] if a == "-h" || a == "--help" => {
                let _ = p.out(USAGE).await;
                return ExitStatus::SUCCESS;
            }
            [n] => match n.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let _ = p
                        .err(&format!(
                            "trace: expected a number or \"all\", got \"{n}\"\n"
                        ))
                        .await;
                    return ExitStatus::Code(2);
                }
            },
            _ => {
                let _ = p.err(USAGE).await;
                return ExitStatus::Code(2);
            }
        };
        let text: String = {
            let c = cluster.borrow();
            let trace = c.trace();
            let start = count.map_or(0, |n| trace.len().saturating_sub(n));
            trace[start..].iter().map(trace_line).collect()
        };
        let _ = p.out(&text).await;
        ExitStatus::SUCCESS
    })
}

/// One change: simulated time, resource version, operation and object.
pub fn trace_line(e: &TraceEntry) -> String {
    let op = match e.op {
        TraceOp::Create => "create",
        TraceOp::Update => "update",
        TraceOp::UpdateStatus => "status",
        TraceOp::Delete => "delete",
    };
    let name = if e.key.namespace.is_empty() {
        e.key.name.clone()
    } else {
        format!("{}/{}", e.key.namespace, e.key.name)
    };
    format!(
        "{:>10.3}s  rv={:<6} {op:<6} {} {name}\n",
        e.at as f64 / 1000.0,
        e.revision,
        e.kind.info().kind
    )
}
