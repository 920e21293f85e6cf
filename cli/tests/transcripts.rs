//! Golden transcripts: each directory under `tests/transcripts/` holds a
//! `session.sh` (what a learner types), the files it uses, and
//! `expected.out` (what a real cluster's terminal shows, checked by hand).
//! The test replays the session with `podlab run --echo` and compares.
//!
//! `PODLAB_BLESS=1` writes the actual output over `expected.out`; a changed
//! golden file needs its reason in the commit message.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts")
}

/// Replays one transcript; stdout and stderr share one file, so their
/// order is what a terminal shows.
fn replay(dir: &Path) -> String {
    let out_path = std::env::temp_dir().join(format!(
        "podlab-transcript-{}-{}.out",
        std::process::id(),
        dir.file_name().and_then(|n| n.to_str()).unwrap_or("x")
    ));
    let file = File::create(&out_path).expect("temporary output file");
    let status = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(["run", "--echo", "session.sh"])
        .current_dir(dir)
        .stdout(file.try_clone().expect("clone of the output file"))
        .stderr(file)
        .status()
        .expect("podlab runs");
    let text = std::fs::read_to_string(&out_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    assert!(
        status.success(),
        "{}: podlab exited with {status}",
        dir.display()
    );
    text
}

/// The first line where two outputs differ, with some context.
fn first_difference(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let i = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let from = i.saturating_sub(3);
    let show = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(from)
            .take(i - from + 4)
            .map(|(n, l)| format!("{:>5} | {l}\n", n + 1))
            .collect::<String>()
    };
    format!(
        "first difference at line {}\n--- expected\n{}--- actual\n{}",
        i + 1,
        show(&w),
        show(&g)
    )
}

#[test]
fn golden_transcripts_replay_as_recorded() {
    let bless = std::env::var_os("PODLAB_BLESS").is_some();
    let only = std::env::var("PODLAB_TRANSCRIPT").ok();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(transcripts_dir())
        .expect("tests/transcripts exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("session.sh").is_file())
        .filter(|p| {
            only.as_deref()
                .is_none_or(|o| p.file_name().and_then(|n| n.to_str()) == Some(o))
        })
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no transcripts found");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let got = replay(dir);
        let expected_path = dir.join("expected.out");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected.out");
            continue;
        }
        let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if want != got {
            failures.push(format!("{name}: {}", first_difference(&want, &got)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
