//! `podlab run`: replays a transcript on a fresh simulated cluster and
//! prints what a terminal would show.

use std::io::Write;
use std::path::{Path, PathBuf};

use podlab_core::terminal::{split_commands, Session};
use podlab_core::userland::Stream;
use podlab_core::{Cluster, ClusterConfig};

/// Options of `podlab run`.
pub struct RunOptions {
    pub file: PathBuf,
    pub seed: u64,
    pub workers: u32,
    pub echo: bool,
}

/// Files next to the transcript are what `kubectl apply -f x.yaml` and
/// `cat x.yaml` see; they are copied into the session's home directory.
const MAX_FILES: usize = 2_000;
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
const MAX_DEPTH: usize = 4;

fn collect(dir: &Path, rel: &str, depth: usize, out: &mut Vec<(String, Vec<u8>)>) {
    if depth > MAX_DEPTH || out.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if out.len() >= MAX_FILES {
            return;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        let path = e.path();
        let rel_name = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            collect(&path, &rel_name, depth + 1, out);
        } else if meta.len() <= MAX_FILE_BYTES {
            if let Ok(data) = std::fs::read(&path) {
                out.push((rel_name, data));
            }
        }
    }
}

/// Runs the transcript; the error is a message for stderr (exit status 2).
pub fn run(opts: &RunOptions) -> Result<(), String> {
    let text = std::fs::read_to_string(&opts.file).map_err(|e| {
        format!(
            "cannot read transcript {}: {}",
            opts.file.display(),
            match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => e.to_string(),
            }
        )
    })?;
    let commands = split_commands(&text).map_err(|e| {
        format!(
            "{}:{}: cannot parse the transcript: {}",
            opts.file.display(),
            e.line,
            e.message
        )
    })?;
    let cluster = Cluster::new(ClusterConfig {
        seed: opts.seed,
        workers: opts.workers,
        ..ClusterConfig::default()
    });
    let mut session = Session::new(cluster);
    // Paths in a transcript are relative to the working directory.
    let mut files = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        collect(&cwd, "", 0, &mut files);
    }
    for (path, data) in files {
        session.add_file(&path, &data);
    }
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    // A prompt starts on a fresh line, as a terminal's does after output
    // that did not end with a newline.
    let mut at_line_start = true;
    for cmd in commands {
        if opts.echo {
            let mut o = stdout.lock();
            if !at_line_start {
                let _ = writeln!(o);
            }
            let _ = writeln!(o, "$ {}", cmd.first_line());
            let _ = o.flush();
            at_line_start = true;
        }
        for line in session.run(&cmd.text) {
            if !line.text.is_empty() {
                at_line_start = line.text.ends_with('\n');
            }
            match line.stream {
                Stream::Stdout => {
                    let mut o = stdout.lock();
                    let _ = o.write_all(line.text.as_bytes());
                    let _ = o.flush();
                }
                Stream::Stderr => {
                    let mut e = stderr.lock();
                    let _ = e.write_all(line.text.as_bytes());
                    let _ = e.flush();
                }
            }
        }
        if session.ended() {
            break;
        }
    }
    Ok(())
}
