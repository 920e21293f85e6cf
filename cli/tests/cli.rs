//! The `podlab` binary as a user runs it.

use std::process::Command;

struct Expected {
    code: i32,
    stdout: &'static str,
    stderr: &'static str,
}

fn check(name: &str, args: &[&str], expected: &Expected) {
    let output = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run podlab");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(expected.code),
        "{name}: {stderr}"
    );
    assert!(
        stdout.contains(expected.stdout),
        "{name}: stdout {stdout:?} lacks {:?}",
        expected.stdout
    );
    assert!(
        stderr.contains(expected.stderr),
        "{name}: stderr {stderr:?} lacks {:?}",
        expected.stderr
    );
    if expected.stderr.is_empty() {
        assert!(stderr.is_empty(), "{name}: unexpected stderr {stderr:?}");
    }
}

#[test]
fn version_prints_the_package_version() {
    let line = format!("podlab {}\n", env!("CARGO_PKG_VERSION"));
    for flag in ["--version", "-V"] {
        let output = Command::new(env!("CARGO_BIN_EXE_podlab"))
            .arg(flag)
            .output()
            .expect("run podlab");
        assert!(output.status.success(), "{flag}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), line, "{flag}");
    }
}

#[test]
fn help_and_usage_errors() {
    let cases: &[(&str, &[&str], Expected)] = &[
        (
            "help flag prints usage and options",
            &["--help"],
            Expected {
                code: 0,
                stdout: "Usage: podlab [COMMAND] [OPTIONS]\n\nCommands:\n  run [--seed N] [--workers N] [--echo] FILE",
                stderr: "",
            },
        ),
        (
            "no arguments starts a shell, which ends with its input",
            &[],
            Expected {
                code: 0,
                stdout: "Podlab: a simulated Kubernetes cluster",
                stderr: "",
            },
        ),
        (
            "a missing transcript is reported",
            &["run", "no-such-file.sh"],
            Expected {
                code: 2,
                stdout: "",
                stderr: "podlab: cannot read transcript no-such-file.sh: no such file",
            },
        ),
        (
            "unknown flag is a usage error",
            &["--frobnicate"],
            Expected {
                code: 2,
                stdout: "",
                stderr: "error: unexpected argument '--frobnicate'\n\nUsage: podlab",
            },
        ),
        (
            "unknown subcommand is a usage error",
            &["apply"],
            Expected {
                code: 2,
                stdout: "",
                stderr: "error: unrecognized subcommand 'apply'",
            },
        ),
    ];
    for (name, args, expected) in cases {
        check(name, args, expected);
    }
}
