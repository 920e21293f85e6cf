//! `podlab shell`: an interactive session on the simulated cluster, with
//! line editing and history.

use std::io::Write;
use std::process::ExitCode;

use podlab_core::apiserver::{TraceEntry, TraceOp};
use podlab_core::terminal::{split_commands, Session};
use podlab_core::userland::Stream;
use podlab_core::{Cluster, ClusterConfig};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

const BANNER: &str = "Podlab: a simulated Kubernetes cluster (controlplane, node01, node02).
Type kubectl commands as on a real cluster. `sleep 30` lets 30 simulated seconds pass;
`trace [N|all]` prints the last N changes the API server made; `exit` or Ctrl-D leaves.";

const PROMPT: &str = "controlplane:~$ ";
const CONTINUATION: &str = "> ";

pub fn shell(seed: u64, workers: u32) -> ExitCode {
    let cluster = Cluster::new(ClusterConfig {
        seed,
        workers,
        ..ClusterConfig::default()
    });
    let mut session = Session::new(cluster);
    let mut editor = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("podlab: cannot use the terminal: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{BANNER}");
    let mut buf = String::new();
    loop {
        let prompt = if buf.is_empty() { PROMPT } else { CONTINUATION };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            // Ctrl-C drops the line being typed, as bash does.
            Err(ReadlineError::Interrupted) => {
                buf.clear();
                continue;
            }
            Err(_) => return ExitCode::SUCCESS,
        };
        buf.push_str(&line);
        buf.push('\n');
        // A heredoc or quote still open: keep reading.
        if split_commands(&buf).is_err() {
            continue;
        }
        let input = std::mem::take(&mut buf);
        let _ = editor.add_history_entry(input.trim_end());
        if let Some(arg) = trace_command(&input) {
            print_trace(&session, arg);
            continue;
        }
        for l in session.run(&input) {
            match l.stream {
                Stream::Stdout => print!("{}", l.text),
                Stream::Stderr => eprint!("{}", l.text),
            }
        }
        let _ = std::io::stdout().flush();
        if session.ended() {
            return ExitCode::SUCCESS;
        }
    }
}

/// `trace`, `trace 50` or `trace all`: the argument, or `None` for any
/// other command.
fn trace_command(input: &str) -> Option<&str> {
    let mut words = input.split_whitespace();
    if words.next() != Some("trace") {
        return None;
    }
    let arg = words.next().unwrap_or("");
    words.next().is_none().then_some(arg)
}

fn print_trace(session: &Session, arg: &str) {
    let cluster = session.cluster();
    let trace = cluster.trace();
    let count = match arg {
        "" => 20,
        "all" => trace.len(),
        n => match n.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("trace: expected a number or \"all\", got \"{n}\"");
                return;
            }
        },
    };
    let start = trace.len().saturating_sub(count);
    for e in &trace[start..] {
        println!("{}", trace_line(e));
    }
}

/// One change: simulated time, resource version, operation and object.
fn trace_line(e: &TraceEntry) -> String {
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
        "{:>10.3}s  rv={:<6} {op:<6} {} {name}",
        e.at as f64 / 1000.0,
        e.revision,
        e.kind.info().kind
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_commands_are_recognised_with_their_argument() {
        let cases = [
            ("plain trace", "trace\n", Some("")),
            ("a count", "trace 50\n", Some("50")),
            ("everything", "  trace all\n", Some("all")),
            ("another command", "kubectl get pods\n", None),
            ("too many words", "trace 1 2\n", None),
            ("a word that starts alike", "tracer\n", None),
        ];
        for (name, input, want) in cases {
            assert_eq!(trace_command(input), want, "{name}");
        }
    }

    #[test]
    fn trace_lines_name_time_operation_and_object() {
        let session = Session::new(Cluster::new(ClusterConfig::default()));
        let cluster = session.cluster();
        let first = cluster
            .trace()
            .iter()
            .find(|e| e.kind.info().kind == "Node")
            .expect("nodes registered at start");
        let line = trace_line(first);
        assert!(line.contains(" Node "), "{line}");
        assert!(line.trim_start().contains("s  rv="), "{line}");
    }
}
