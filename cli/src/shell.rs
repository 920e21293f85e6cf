//! `podlab shell`: an interactive session on the simulated cluster, with
//! line editing and history.
//!
//! The simulated shell prints its own prompts (`controlplane:~$ `, `> ` for
//! a heredoc, `/ # ` inside `kubectl exec -it … sh`): the unfinished last
//! line of output becomes the line editor's prompt.

use std::io::Write;
use std::process::ExitCode;

use podlab_core::terminal::{Line, Session};
use podlab_core::userland::Stream;
use podlab_core::{Cluster, ClusterConfig};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

const BANNER: &str = "Podlab: a simulated Kubernetes cluster (controlplane, node01, node02).
Type kubectl commands as on a real cluster. `sleep 30` lets 30 simulated seconds pass;
`trace` prints the latest changes the API server made; `exit` or Ctrl-D leaves.";

pub fn shell(seed: u64, workers: u32) -> ExitCode {
    let cluster = Cluster::new(ClusterConfig {
        seed,
        workers,
        ..ClusterConfig::default()
    });
    let mut session = Session::interactive(cluster);
    let mut editor = match DefaultEditor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("podlab: cannot use the terminal: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{BANNER}");
    let mut prompt = show(&session.pending_output());
    loop {
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            // Ctrl-C abandons the line being typed, as in bash.
            Err(ReadlineError::Interrupted) => continue,
            Err(_) => return ExitCode::SUCCESS,
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
        }
        prompt = show(&session.run(&line));
        if session.ended() {
            return ExitCode::SUCCESS;
        }
    }
}

/// Prints the output up to its last line break and returns the rest: the
/// prompt the simulated shell is showing.
fn show(lines: &[Line]) -> String {
    let (body, prompt) = split_prompt(lines);
    for (stream, text) in body {
        match stream {
            Stream::Stdout => print!("{text}"),
            Stream::Stderr => eprint!("{text}"),
        }
    }
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    prompt
}

/// The output without its unfinished last line, and that line.
fn split_prompt(lines: &[Line]) -> (Vec<(Stream, String)>, String) {
    let mut body: Vec<(Stream, String)> =
        lines.iter().map(|l| (l.stream, l.text.clone())).collect();
    let mut prompt = String::new();
    while let Some((stream, text)) = body.pop() {
        match text.rfind('\n') {
            Some(i) => {
                prompt = format!("{}{prompt}", &text[i + 1..]);
                body.push((stream, text[..=i].to_string()));
                break;
            }
            None => prompt = format!("{text}{prompt}"),
        }
    }
    (body, prompt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(stream: Stream, text: &str) -> Line {
        Line {
            stream,
            text: text.to_string(),
        }
    }

    #[test]
    fn the_unfinished_last_line_is_the_prompt() {
        let cases = [
            (
                "output then a prompt",
                vec![
                    line(Stream::Stdout, "pod/x created\n"),
                    line(Stream::Stderr, "controlplane:~$ "),
                ],
                "pod/x created\n",
                "controlplane:~$ ",
            ),
            (
                "a prompt only",
                vec![line(Stream::Stderr, "/ # ")],
                "",
                "/ # ",
            ),
            (
                "text without a newline before the prompt",
                vec![
                    line(Stream::Stdout, "done\nno newline"),
                    line(Stream::Stderr, "controlplane:~$ "),
                ],
                "done\n",
                "no newlinecontrolplane:~$ ",
            ),
            ("nothing", vec![], "", ""),
        ];
        for (name, lines, want_body, want_prompt) in cases {
            let (body, prompt) = split_prompt(&lines);
            let text: String = body.iter().map(|(_, t)| t.as_str()).collect();
            assert_eq!(text, want_body, "{name}");
            assert_eq!(prompt, want_prompt, "{name}");
        }
    }

    #[test]
    fn an_interactive_session_prompts_and_enters_containers() {
        let mut s = Session::interactive(Cluster::new(ClusterConfig::default()));
        let (_, prompt) = split_prompt(&s.pending_output());
        assert_eq!(prompt, "controlplane:~$ ");
        s.run("kubectl run b --image=busybox -- sleep 3600");
        s.run("sleep 5");
        let (_, prompt) = split_prompt(&s.run("kubectl exec -it b -- sh"));
        assert_eq!(prompt, "/ # ");
        let (body, prompt) = split_prompt(&s.run("hostname"));
        let text: String = body.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!((text.as_str(), prompt.as_str()), ("b\n", "/ # "));
        let (_, prompt) = split_prompt(&s.run("exit"));
        assert_eq!(prompt, "controlplane:~$ ");
        let (body, _) = split_prompt(&s.run("trace 1"));
        assert_eq!(body.len(), 1, "one line of trace");
    }
}
