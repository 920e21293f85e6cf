//! Scripts run on a simulated busybox container: (stdout, stderr, exit
//! status, end time) per case.

use std::rc::Rc;

use crate::userland::commands::{busybox_applet_names, busybox_registry};
use crate::userland::fs::{Image, Volume};
use crate::userland::outside::FakeOutside;
use crate::userland::proc::{
    ExecOptions, ExitStatus, Machine, MachineConfig, Millis, Output, Signal, Stdin, Stream,
};

/// Gives up on a run after this much simulated time.
const HORIZON_MS: Millis = 3_600_000;

fn image() -> Image {
    let names = busybox_applet_names();
    Image::busybox(&names)
}

fn machine_with(outside: FakeOutside) -> Machine {
    Machine::new(MachineConfig {
        hostname: "web-0".to_string(),
        image: image(),
        env: vec![
            (
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            ),
            ("HOSTNAME".into(), "web-0".into()),
            ("HOME".into(), "/root".into()),
        ],
        outside: Rc::new(outside),
        registry: Rc::new(busybox_registry()),
        working_dir: String::new(),
    })
}

fn machine() -> Machine {
    machine_with(FakeOutside::new())
}

/// Runs the machine until `pid` ends (or the horizon), returning its end time.
fn run_until_exit(m: &mut Machine, pid: u32) -> (Option<ExitStatus>, Millis) {
    m.advance_to(m.now());
    for _ in 0..1_000_000 {
        if let Some(s) = m.exit_status(pid) {
            return (Some(s), m.now());
        }
        match m.next_wake() {
            Some(t) if t <= HORIZON_MS => m.advance_to(t.max(m.now())),
            _ => break,
        }
    }
    (m.exit_status(pid), m.now())
}

struct Run {
    out: String,
    err: String,
    status: i32,
    end: Millis,
}

fn run_on(m: &mut Machine, script: &str) -> Run {
    let h = m
        .exec(
            vec!["sh".into(), "-c".into(), script.into()],
            ExecOptions::default(),
        )
        .expect("sh exists");
    let (st, end) = run_until_exit(m, h.pid);
    Run {
        out: h.output.text(Stream::Stdout),
        err: h.output.text(Stream::Stderr),
        status: st.map_or(-1, ExitStatus::code),
        end,
    }
}

fn run(script: &str) -> Run {
    run_on(&mut machine(), script)
}

/// (name, script, stdout, stderr, status)
fn check(cases: &[(&str, &str, &str, &str, i32)]) {
    for (name, script, out, err, status) in cases {
        let r = run(script);
        assert_eq!(r.out, *out, "stdout of: {name}");
        assert_eq!(r.err, *err, "stderr of: {name}");
        assert_eq!(r.status, *status, "status of: {name}");
    }
}

#[test]
fn simple_commands_and_lists() {
    check(&[
        (
            "echo prints its words",
            "echo hello world",
            "hello world\n",
            "",
            0,
        ),
        (
            "semicolons sequence commands",
            "echo a; echo b",
            "a\nb\n",
            "",
            0,
        ),
        ("and runs on success", "true && echo yes", "yes\n", "", 0),
        ("or runs on failure", "false || echo no", "no\n", "", 0),
        ("bang inverts", "! false; echo $?", "0\n", "", 0),
        ("exit status of the last command", "false", "", "", 1),
        ("exit with a code", "exit 3", "", "", 3),
        ("exit wraps at 256", "exit 300", "", "", 44),
        ("unknown command", "foo", "", "sh: foo: not found\n", 127),
        (
            "unknown command status is visible",
            "foo; echo $?",
            "127\n",
            "sh: foo: not found\n",
            0,
        ),
        (
            "env prefix is scoped",
            "A=1 sh -c 'echo $A'; echo \"[$A]\"",
            "1\n[]\n",
            "",
            0,
        ),
        ("comments are ignored", "echo a # b c", "a\n", "", 0),
        (
            "newlines separate commands",
            "echo a\necho b",
            "a\nb\n",
            "",
            0,
        ),
    ]);
}

#[test]
fn quoting_and_expansion() {
    check(&[
        (
            "single quotes are literal",
            "echo '$HOME *'",
            "$HOME *\n",
            "",
            0,
        ),
        (
            "double quotes expand",
            "x=1; echo \"x is $x\"",
            "x is 1\n",
            "",
            0,
        ),
        ("backslash escapes", "echo \\$HOME", "$HOME\n", "", 0),
        ("braces", "x=ab; echo ${x}c", "abc\n", "", 0),
        (
            "default values",
            "echo ${u:-def} ${u-d2} ${u:=set} $u ${u:+alt} ${v:+alt}.",
            "def d2 set set alt .\n",
            "",
            0,
        ),
        ("length", "x=hello; echo ${#x}", "5\n", "", 0),
        (
            "trimming",
            "x=a.b.c; echo ${x%.*} ${x%%.*} ${x#*.} ${x##*.}",
            "a.b a b.c c\n",
            "",
            0,
        ),
        (
            "unset with error",
            "echo ${x:?gone}; echo after",
            "",
            "sh: x: gone\n",
            2,
        ),
        (
            "unset error default text",
            "echo ${x?}",
            "",
            "sh: x: parameter not set\n",
            2,
        ),
        (
            "command substitution",
            "echo \"$(echo in ner)\" `echo bq`",
            "in ner bq\n",
            "",
            0,
        ),
        (
            "nested substitution",
            "echo $(echo $(echo deep))",
            "deep\n",
            "",
            0,
        ),
        (
            "substitution strips newlines",
            "x=$(printf 'a\\n\\n'); echo \"[$x]\"",
            "[a]\n",
            "",
            0,
        ),
        ("substitution status", "x=$(false); echo $?", "1\n", "", 0),
        (
            "arithmetic",
            "a=5; echo $((a+1)) $(($a*2)) $((2**3)) $((7%3)) $((-3/2))",
            "6 10 8 1 -1\n",
            "",
            0,
        ),
        ("arithmetic assigns", "echo $((x=5)) $x", "5 5\n", "", 0),
        (
            "division by zero",
            "echo $((1/0)); echo after",
            "",
            "sh: divide by zero\n",
            2,
        ),
        (
            "arithmetic syntax error",
            "echo $((1 +))",
            "",
            "sh: arithmetic syntax error\n",
            2,
        ),
        (
            "positional parameters",
            "set -- a 'b c' d; echo $#; for a in \"$@\"; do echo \"[$a]\"; done",
            "3\n[a]\n[b c]\n[d]\n",
            "",
            0,
        ),
        (
            "unquoted star splits",
            "set -- a 'b c'; for a in $*; do echo \"<$a>\"; done",
            "<a>\n<b>\n<c>\n",
            "",
            0,
        ),
        (
            "quoted star joins",
            "set -- a b; echo \"$*\"",
            "a b\n",
            "",
            0,
        ),
        (
            "IFS splitting",
            "IFS=:; x=a:b::c; for i in $x; do echo \"[$i]\"; done",
            "[a]\n[b]\n[]\n[c]\n",
            "",
            0,
        ),
        (
            "empty expansion vanishes",
            "x=; set -- $x; echo $#",
            "0\n",
            "",
            0,
        ),
        ("quoted empty stays", "set -- \"\"; echo $#", "1\n", "", 0),
        ("tilde", "echo ~", "/root\n", "", 0),
        ("dollar zero and pid", "echo $0", "sh\n", "", 0),
        (
            "globbing",
            "touch /tmp/a.log /tmp/b.log /tmp/c.txt; echo /tmp/*.log",
            "/tmp/a.log /tmp/b.log\n",
            "",
            0,
        ),
        (
            "unmatched glob stays literal",
            "echo /nope/*.x",
            "/nope/*.x\n",
            "",
            0,
        ),
        (
            "quoted glob is literal",
            "touch /tmp/q1; echo '/tmp/q*'",
            "/tmp/q*\n",
            "",
            0,
        ),
    ]);
}

#[test]
fn compound_commands() {
    check(&[
        (
            "if else",
            "if false; then echo a; elif true; then echo b; else echo c; fi",
            "b\n",
            "",
            0,
        ),
        (
            "while with counter",
            "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done",
            "0\n1\n2\n",
            "",
            0,
        ),
        (
            "until",
            "i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i",
            "2\n",
            "",
            0,
        ),
        (
            "for over words",
            "for i in 1 2 3; do echo -n $i; done; echo",
            "123\n",
            "",
            0,
        ),
        (
            "for over positionals",
            "set -- x y; for a; do echo $a; done",
            "x\ny\n",
            "",
            0,
        ),
        (
            "break and continue",
            "for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
            "1\n3\n",
            "",
            0,
        ),
        (
            "break 2",
            "for i in 1 2; do for j in a b; do echo $i$j; break 2; done; done",
            "1a\n",
            "",
            0,
        ),
        (
            "case",
            "case abc in a*) echo star;; *) echo other;; esac",
            "star\n",
            "",
            0,
        ),
        (
            "case alternatives",
            "x=dog; case $x in cat|dog) echo pet;; esac",
            "pet\n",
            "",
            0,
        ),
        (
            "case no match",
            "case x in y) echo y;; esac; echo $?",
            "0\n",
            "",
            0,
        ),
        (
            "functions",
            "f() { echo \"f $1 $#\"; return 3; }; f a b; echo $?",
            "f a 2\n3\n",
            "",
            0,
        ),
        (
            "function locals",
            "x=1; f() { local x=2; echo $x; }; f; echo $x",
            "2\n1\n",
            "",
            0,
        ),
        (
            "subshell isolates",
            "x=1; (x=2; echo $x); echo $x",
            "2\n1\n",
            "",
            0,
        ),
        ("group shares", "x=1; { x=2; }; echo $x", "2\n", "", 0),
        ("pipeline", "echo hello | cat", "hello\n", "", 0),
        (
            "pipeline status is the last stage",
            "false | true; echo $?",
            "0\n",
            "",
            0,
        ),
        (
            "three-stage pipeline",
            "printf 'b\\na\\nb\\n' | sort | uniq -c",
            "      1 a\n      2 b\n",
            "",
            0,
        ),
        ("set -e stops", "set -e; false; echo no", "", "", 1),
        (
            "set -e spares conditions",
            "set -e; if false; then :; fi; false || true; echo yes",
            "yes\n",
            "",
            0,
        ),
        ("set -x traces", "set -x; echo hi", "hi\n", "+ echo hi\n", 0),
        ("eval", "cmd='echo evaled'; eval $cmd", "evaled\n", "", 0),
        (
            "return outside a function ends the script",
            "return 3; echo x",
            "",
            "",
            3,
        ),
    ]);
}

#[test]
fn redirections_and_heredocs() {
    check(&[
        (
            "write then read",
            "echo hi > /tmp/x; cat /tmp/x",
            "hi\n",
            "",
            0,
        ),
        (
            "append",
            "echo a > /tmp/x; echo b >> /tmp/x; cat /tmp/x",
            "a\nb\n",
            "",
            0,
        ),
        (
            "stderr to stdout",
            "ls /nope 2>&1",
            "ls: /nope: No such file or directory\n",
            "",
            1,
        ),
        ("stdout to stderr", "echo oops >&2", "", "oops\n", 0),
        ("discard", "echo x > /dev/null; echo y", "y\n", "", 0),
        (
            "input from file",
            "echo content > /tmp/in; cat < /tmp/in",
            "content\n",
            "",
            0,
        ),
        (
            "missing input",
            "cat < /nope",
            "",
            "sh: can't open /nope: no such file\n",
            1,
        ),
        (
            "missing directory",
            "echo > /nope/x",
            "",
            "sh: can't create /nope/x: nonexistent directory\n",
            1,
        ),
        (
            "directory target",
            "echo > /tmp",
            "",
            "sh: can't create /tmp: Is a directory\n",
            1,
        ),
        (
            "heredoc expands",
            "x=1; cat <<EOF\nvalue $x\nEOF",
            "value 1\n",
            "",
            0,
        ),
        (
            "quoted heredoc is literal",
            "cat <<'EOF'\n$HOME\nEOF",
            "$HOME\n",
            "",
            0,
        ),
        (
            "heredoc strips tabs",
            "cat <<-EOF\n\tindented\n\tEOF",
            "indented\n",
            "",
            0,
        ),
        (
            "heredoc into a pipe",
            "cat <<EOF | grep b\na\nb\nEOF",
            "b\n",
            "",
            0,
        ),
        (
            "read from heredoc",
            "read a b <<EOF\none two three\nEOF\necho \"$a|$b\"",
            "one|two three\n",
            "",
            0,
        ),
        (
            "while read loop",
            "printf '1\\n2\\n' > /tmp/l; while read n; do echo n=$n; done < /tmp/l",
            "n=1\nn=2\n",
            "",
            0,
        ),
        (
            "bash-style both streams",
            "ls /nope &> /tmp/e; cat /tmp/e",
            "ls: /nope: No such file or directory\n",
            "",
            0,
        ),
    ]);
}

#[test]
fn syntax_errors_end_the_script() {
    check(&[
        (
            "missing fi",
            "if true; then echo a",
            "",
            "sh: syntax error: unexpected end of file (expecting \"fi\")\n",
            2,
        ),
        (
            "stray fi after a command on the same line",
            "echo a; fi",
            "",
            "sh: syntax error: unexpected \"fi\"\n",
            2,
        ),
        (
            "earlier lines still run",
            "echo a\nfi",
            "a\n",
            "sh: syntax error: unexpected \"fi\"\n",
            2,
        ),
        (
            "unterminated quote",
            "echo 'abc",
            "",
            "sh: syntax error: unterminated quoted string\n",
            2,
        ),
        (
            "bad substitution",
            "echo ${1a}",
            "",
            "sh: syntax error: bad substitution\n",
            2,
        ),
    ]);
}

#[test]
fn builtin_errors_match_ash() {
    check(&[
        (
            "cd to a missing dir",
            "cd /nope; echo after",
            "after\n",
            "sh: cd: line 0: can't cd to /nope: No such file or directory\n",
            0,
        ),
        (
            "cd on a later line",
            "echo a\ncd /nope",
            "a\n",
            "sh: cd: line 1: can't cd to /nope: No such file or directory\n",
            2,
        ),
        (
            "exit with garbage",
            "exit foo",
            "",
            "sh: exit: line 0: Illegal number: foo\n",
            2,
        ),
        (
            "readonly",
            "readonly a=1; a=2",
            "",
            "sh: a: is read only\n",
            2,
        ),
        (
            "kill a missing pid",
            "kill -9 99999",
            "",
            "sh: can't kill pid 99999: No such process\n",
            1,
        ),
        (
            "bad signal",
            "kill -FOO 1",
            "",
            "sh: bad signal name 'FOO'\n",
            1,
        ),
        (
            "test bad number",
            "[ a -lt 3 ]",
            "",
            "sh: a: bad number\n",
            2,
        ),
        ("missing bracket", "[ 1 = 1", "", "sh: missing ]\n", 2),
        (
            "dot missing file",
            ". /nope",
            "",
            "sh: .: line 0: can't open '/nope': No such file or directory\n",
            2,
        ),
        (
            "named $0 shows the line",
            "sh -c 'foo' myname",
            "",
            "myname: line 0: foo: not found\n",
            127,
        ),
        (
            "cd and pwd",
            "cd /tmp && pwd; cd; pwd",
            "/tmp\n/root\n",
            "",
            0,
        ),
        (
            "type",
            "type cd echo ls nosuch",
            "cd is a shell builtin\necho is a shell builtin\nls is /bin/ls\nnosuch: not found\n",
            "",
            127,
        ),
        ("command -v", "command -v ls cd", "/bin/ls\ncd\n", "", 0),
        (
            "trap listing",
            "trap 'echo t' TERM INT; trap",
            "trap -- 'echo t' INT\ntrap -- 'echo t' TERM\n",
            "",
            0,
        ),
        (
            "exit trap",
            "trap 'echo bye' EXIT; echo hi",
            "hi\nbye\n",
            "",
            0,
        ),
        (
            "trap on own signal",
            "trap 'echo got' USR1; kill -USR1 $$; echo after",
            "got\nafter\n",
            "",
            0,
        ),
    ]);
}

#[test]
fn applets_behave_like_busybox() {
    check(&[
        ("cat a missing file", "cat /tmp/nope", "", "cat: can't open '/tmp/nope': No such file or directory\n", 1),
        ("mkdir without parent", "mkdir /a/b", "", "mkdir: can't create directory '/a/b': No such file or directory\n", 1),
        ("mkdir -p", "mkdir -p /a/b/c && ls /a/b", "c\n", "", 0),
        ("rm missing", "rm /nope", "", "rm: can't remove '/nope': No such file or directory\n", 1),
        ("rm -f missing is quiet", "rm -f /nope", "", "", 0),
        ("rm -r", "mkdir -p /d/e; touch /d/e/f; rm -r /d; ls /d", "", "ls: /d: No such file or directory\n", 1),
        ("touch in a missing dir", "touch /nope/x", "", "touch: /nope/x: No such file or directory\n", 1),
        ("cp and mv", "echo x > /tmp/a; cp /tmp/a /tmp/b; mv /tmp/b /tmp/c; cat /tmp/c; ls /tmp/b", "x\n", "ls: /tmp/b: No such file or directory\n", 1),
        ("cp missing", "cp /nope /tmp/x", "", "cp: can't stat '/nope': No such file or directory\n", 1),
        ("ln -s", "echo t > /tmp/t; ln -s /tmp/t /tmp/l; cat /tmp/l", "t\n", "", 0),
        ("wc", "printf 'a b\\nc\\n' > /tmp/w; wc -l /tmp/w; wc /tmp/w", "2 /tmp/w\n        2         3         6 /tmp/w\n", "", 0),
        ("wc from stdin", "echo abc | wc", "        1         1         4\n", "", 0),
        ("head and tail", "seq 10 | head -n 3; seq 10 | tail -n 2; seq 5 | tail -2", "1\n2\n3\n9\n10\n4\n5\n", "", 0),
        ("grep flags", "printf 'Apple\\nbanana\\ncherry\\n' > /tmp/f; grep -i apple /tmp/f; grep -c an /tmp/f; grep -v a /tmp/f; grep -n err /tmp/f", "Apple\n1\nApple\ncherry\n3:cherry\n", "", 0),
        ("grep no match", "echo x | grep y", "", "", 1),
        ("grep -E", "echo 'ab12' | grep -E '[0-9]+$'", "ab12\n", "", 0),
        ("grep -q", "echo x | grep -q x && echo found", "found\n", "", 0),
        ("sed", "echo hello | sed 's/l/L/g'; printf 'a\\nb\\n' | sed -n 2p", "heLLo\nb\n", "", 0),
        ("sed -i", "echo abc > /tmp/s; sed -i 's/b/X/' /tmp/s; cat /tmp/s", "aXc\n", "", 0),
        ("sort and uniq", "printf 'c\\na\\nb\\na\\n' | sort | uniq", "a\nb\nc\n", "", 0),
        ("sort -n -r", "printf '10\\n9\\n100\\n' | sort -n -r", "100\n10\n9\n", "", 0),
        ("tr", "echo hello | tr a-z A-Z; echo aabbcc | tr -d b; echo aaabbb | tr -s ab", "HELLO\naacc\nab\n", "", 0),
        ("cut", "echo a:b:c | cut -d: -f2; echo hello | cut -c2-3", "b\nel\n", "", 0),
        ("seq", "seq 3; seq 2 4; seq 1 2 5", "1\n2\n3\n2\n3\n4\n1\n3\n5\n", "", 0),
        ("expr", "expr 5 + 3; expr 5 \\> 3; expr length abc; expr 1 + a", "8\n1\n3\n", "expr: non-numeric argument\n", 2),
        ("basename and dirname", "basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c", "c\n/a/b\n.\n", "", 0),
        ("which", "which sh; which nope", "/bin/sh\n", "", 1),
        ("hostname", "hostname", "web-0\n", "", 0),
        ("id and whoami", "id; whoami", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n", "", 0),
        ("date default format", "date", "Wed Nov 25 15:51:47 UTC 2026\n", "", 0),
        ("date with a format", "date +%Y-%m-%d", "2026-11-25\n", "", 0),
        ("sleep bad number", "sleep foo", "", "sleep: invalid number 'foo'\n", 1),
        ("printf bad number", "printf '%d\\n' abc", "0\n", "sh: invalid number 'abc'\n", 1),
        ("env", "env -i A=1 B=2", "A=1\nB=2\n", "", 0),
        ("printenv", "printenv HOSTNAME", "web-0\n", "", 0),
        ("uname", "uname; uname -n", "Linux\nweb-0\n", "", 0),
        ("test applet", "/bin/[ 1 -eq 1 ] && echo eq", "eq\n", "", 0),
        ("tee", "echo t | tee /tmp/tee; cat /tmp/tee", "t\nt\n", "", 0),
    ]);
}

#[test]
fn ls_long_format_matches_busybox() {
    let r = run("mkdir /tmp/d; echo hello > /tmp/d/f; ls -l /tmp/d");
    assert_eq!(
        r.out,
        "total 1\n-rw-r--r--    1 root     root             6 Nov 25 15:51 f\n"
    );
}

#[test]
fn simulated_time_passes_only_by_sleeping_and_work() {
    let cases = [
        ("sleep is exact", "sleep 5", 5000),
        ("fractions of seconds", "sleep 0.5", 500),
        ("minutes", "sleep 1m", 60_000),
        (
            "sequential sleeps add up",
            "echo a; sleep 2; echo b; sleep 3",
            5000,
        ),
        (
            "a background sleep runs alongside",
            "sleep 3 & sleep 1; wait",
            3000,
        ),
    ];
    for (name, script, end) in cases {
        let r = run(script);
        assert_eq!(r.status, 0, "{name}");
        assert!(
            r.end >= end && r.end < end + 50,
            "{name}: ended at {}",
            r.end
        );
    }
}

#[test]
fn background_jobs_and_wait() {
    check(&[
        (
            "wait returns the job's status",
            "sh -c 'exit 7' & wait $!; echo $?",
            "7\n",
            "",
            0,
        ),
        (
            "dollar bang is a pid",
            "sleep 1 & [ $! -gt 1 ] && echo ok",
            "ok\n",
            "",
            0,
        ),
        ("wait without jobs", "wait; echo $?", "0\n", "", 0),
    ]);
}

#[test]
fn pipelines_end_when_the_reader_does() {
    let r = run("seq 1 100000 | head -3");
    assert_eq!(r.out, "1\n2\n3\n");
    assert_eq!(r.status, 0);
    let r = run("yes | head -1");
    assert_eq!(r.out, "y\n");
    assert!(r.end < 1000, "yes | head ended at {}", r.end);
}

#[test]
fn an_endless_loop_lets_time_pass_and_can_be_killed() {
    let mut m = machine();
    let log = Output::new();
    let pid = m
        .start(
            vec!["sh".into(), "-c".into(), "while true; do :; done".into()],
            log,
        )
        .unwrap();
    m.advance_to(0);
    let mut steps = 0;
    while m.now() < 2000 {
        let t = m.next_wake().expect("the loop stays due");
        assert!(t > m.now() || steps == 0, "time must advance");
        m.advance_to(t);
        steps += 1;
        assert!(steps < 10_000, "too many wake-ups");
    }
    m.signal(pid, Signal::Kill);
    assert_eq!(m.exit_status(pid), Some(ExitStatus::Signaled(Signal::Kill)));
    assert_eq!(m.exit_status(pid).map(ExitStatus::code), Some(137));
}

#[test]
fn a_trapped_term_runs_the_handler_after_the_foreground_sleep() {
    let mut m = machine();
    let log = Output::new();
    let pid = m
        .start(
            vec![
                "sh".into(),
                "-c".into(),
                "trap \"echo bye; exit 0\" TERM; while true; do sleep 1; done".into(),
            ],
            log.clone(),
        )
        .unwrap();
    m.advance_to(0);
    while m.next_wake().is_some_and(|t| t <= 3500) {
        let t = m.next_wake().unwrap_or(3500);
        m.advance_to(t);
    }
    m.advance_to(3500);
    assert!(m.signal(pid, Signal::Term));
    let (st, end) = run_until_exit(&mut m, pid);
    assert_eq!(st, Some(ExitStatus::Code(0)));
    assert_eq!(log.text(Stream::Stdout), "bye\n");
    assert!((3500..=4100).contains(&end), "handled at {end}");
}

#[test]
fn pid_one_ignores_term_without_a_handler() {
    let cases: [(&str, Vec<&str>); 2] = [
        ("sh -c sleep", vec!["sh", "-c", "sleep 600"]),
        ("bare sleep", vec!["sleep", "3600"]),
    ];
    for (name, argv) in cases {
        let mut m = machine();
        let pid = m
            .start(argv.iter().map(|s| s.to_string()).collect(), Output::new())
            .unwrap();
        assert_eq!(pid, 1, "{name}");
        m.advance_to(1000);
        m.signal(pid, Signal::Term);
        m.advance_to(31_000);
        assert!(m.is_running(pid), "{name}: TERM must be ignored");
        m.signal(pid, Signal::Kill);
        assert_eq!(
            m.exit_status(pid).map(ExitStatus::code),
            Some(137),
            "{name}"
        );
    }
}

#[test]
fn a_non_init_process_dies_of_term() {
    let mut m = machine();
    let _init = m
        .start(vec!["sleep".into(), "infinity".into()], Output::new())
        .unwrap();
    let h = m
        .exec(vec!["sleep".into(), "100".into()], ExecOptions::default())
        .unwrap();
    m.advance_to(10);
    m.signal(h.pid, Signal::Term);
    assert_eq!(m.exit_status(h.pid).map(ExitStatus::code), Some(143));
}

#[test]
fn log_lines_carry_the_time_they_were_written() {
    let mut m = machine();
    let log = Output::new();
    let pid = m
        .start(
            vec![
                "sh".into(),
                "-c".into(),
                "for i in 1 2 3; do echo line $i; sleep 5; done".into(),
            ],
            log.clone(),
        )
        .unwrap();
    run_until_exit(&mut m, pid);
    let times: Vec<Millis> = log.chunks().iter().map(|c| c.at).collect();
    assert_eq!(times.len(), 3);
    assert!(
        times[0] < 50 && (5000..5050).contains(&times[1]) && (10_000..10_100).contains(&times[2]),
        "{times:?}"
    );
}

#[test]
fn tail_f_follows_another_process() {
    let mut m = machine();
    let writer = m
        .start(
            vec![
                "sh".into(),
                "-c".into(),
                "while true; do echo tick >> /tmp/app.log; sleep 2; done".into(),
            ],
            Output::new(),
        )
        .unwrap();
    m.advance_to(1);
    let h = m
        .exec(
            vec!["tail".into(), "-f".into(), "/tmp/app.log".into()],
            ExecOptions::default(),
        )
        .unwrap();
    let mut t = 1;
    while t < 7500 {
        t = m.next_wake().unwrap_or(7500).min(7500);
        m.advance_to(t);
    }
    let seen = h.output.text(Stream::Stdout);
    assert_eq!(seen.matches("tick").count(), 4, "{seen:?}");
    assert!(m.is_running(writer) && m.is_running(h.pid));
}

#[test]
fn an_empty_dir_is_shared_between_two_containers() {
    let vol = Volume::empty_dir();
    let mut a = machine();
    let mut b = machine();
    a.fs().mount("/pod-data", vol.clone(), false);
    b.fs().mount("/usr/share/nginx/html", vol, false);
    let r = run_on(
        &mut a,
        "echo Hello from the debian container > /pod-data/index.html",
    );
    assert_eq!(r.status, 0);
    let r = run_on(&mut b, "cat /usr/share/nginx/html/index.html");
    assert_eq!(r.out, "Hello from the debian container\n");
}

#[test]
fn a_config_map_volume_is_read_only() {
    let mut m = machine();
    let cm = Volume::from_image(
        Image::builder()
            .file("game.properties", "lives=3\n", 0o644)
            .build(),
    );
    m.fs().mount("/etc/config", cm, true);
    let r = run_on(
        &mut m,
        "cat /etc/config/game.properties; echo x > /etc/config/new",
    );
    assert_eq!(r.out, "lives=3\n");
    assert_eq!(
        r.err,
        "sh: can't create /etc/config/new: Read-only file system\n"
    );
    let r = run_on(&mut m, "touch /etc/config/x");
    assert_eq!(r.err, "touch: /etc/config/x: Read-only file system\n");
}

#[test]
fn probes_see_files_the_main_process_writes() {
    let mut m = machine();
    let main = m
        .start(
            vec![
                "/bin/sh".into(),
                "-c".into(),
                "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600".into(),
            ],
            Output::new(),
        )
        .unwrap();
    m.advance_to(5000);
    let ok = run_on(&mut m, "cat /tmp/healthy");
    assert_eq!(ok.status, 0);
    m.advance_to(31_000);
    let h = m
        .exec(
            vec!["cat".into(), "/tmp/healthy".into()],
            ExecOptions::default(),
        )
        .unwrap();
    let (st, _) = run_until_exit(&mut m, h.pid);
    assert_eq!(st, Some(ExitStatus::Code(1)));
    assert_eq!(
        h.output.text(Stream::Stderr),
        "cat: can't open '/tmp/healthy': No such file or directory\n"
    );
    assert!(m.is_running(main));
}

#[test]
fn ps_lists_the_container_processes() {
    let mut m = machine();
    m.start(
        vec!["sh".into(), "-c".into(), "sleep 3600".into()],
        Output::new(),
    )
    .unwrap();
    m.advance_to(10);
    let r = run_on(&mut m, "ps");
    assert_eq!(
        r.out,
        "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    2 root      0:00 ps\n"
    );
}

#[test]
fn an_interactive_shell_prompts_and_runs_lines_as_they_arrive() {
    let mut m = machine();
    let h = m
        .exec(
            vec!["sh".into()],
            ExecOptions {
                stdin: Stdin::Interactive,
                tty: true,
                env: Vec::new(),
            },
        )
        .unwrap();
    m.advance_to(0);
    let stdin = h.stdin.as_ref().expect("interactive stdin");
    stdin.write(b"echo hi\n");
    m.advance_to(1);
    stdin.write(b"cd /tmp\nfoo\n");
    m.advance_to(2);
    stdin.write(b"exit 4\n");
    let (st, _) = run_until_exit(&mut m, h.pid);
    assert_eq!(
        h.output.combined(),
        "/ # hi\n/ # /tmp # sh: foo: not found\n/tmp # "
    );
    assert_eq!(st, Some(ExitStatus::Code(4)));
}

#[test]
fn nslookup_prints_busybox_1_28_answers() {
    let mut out = FakeOutside::new();
    out.add_host(
        "web-0.nginx.default.svc.cluster.local",
        "10.244.1.5".parse().unwrap(),
    );
    let mut m = machine_with(out);
    m.fs()
        .mount("/etc/resolv.conf", Volume::file("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", 0o644), false);
    let r = run_on(&mut m, "nslookup web-0.nginx");
    assert_eq!(
        r.out,
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244.1.5 web-0.nginx.default.svc.cluster.local\n"
    );
    assert_eq!(r.status, 0);
    let r = run_on(&mut m, "nslookup myservice.default.svc.cluster.local");
    assert_eq!(
        r.err,
        "nslookup: can't resolve 'myservice.default.svc.cluster.local'\n"
    );
    assert_eq!(r.status, 1);
}

#[test]
fn init_container_loop_waits_for_a_service() {
    let mut m = machine();
    m.fs().mount(
        "/var/run/secrets/kubernetes.io/serviceaccount",
        Volume::from_image(Image::builder().file("namespace", "default", 0o644).build()),
        true,
    );
    m.fs().mount(
        "/etc/resolv.conf",
        Volume::file("nameserver 10.96.0.10\n", 0o644),
        false,
    );
    let log = Output::new();
    let pid = m
        .start(
            vec![
                "sh".into(),
                "-c".into(),
                "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done".into(),
            ],
            log.clone(),
        )
        .unwrap();
    m.advance_to(0);
    let mut t = 0;
    while t < 5000 {
        t = m.next_wake().unwrap_or(5000).min(5000);
        m.advance_to(t);
    }
    assert!(m.is_running(pid));
    let text = log.combined();
    assert!(text.contains("waiting for myservice\n"), "{text}");
    assert!(text.contains("nslookup: can't resolve 'myservice.default.svc.cluster.local'\nServer:    10.96.0.10\n"), "{text}");
}

#[test]
fn wget_reports_like_busybox() {
    use crate::userland::outside::{HttpOutcome, HttpReply, HttpResponse};
    let mut out = FakeOutside::new();
    let ip = "10.244.1.7".parse().unwrap();
    out.add_host("web.default.svc.cluster.local", ip);
    out.serve(
        ip,
        80,
        HttpReply {
            after_ms: 3,
            outcome: HttpOutcome::Response(HttpResponse::ok("<h1>hi</h1>\n")),
        },
    );
    let bad = "10.244.1.8".parse().unwrap();
    out.serve(
        bad,
        80,
        HttpReply {
            after_ms: 1,
            outcome: HttpOutcome::Response(HttpResponse {
                status: 500,
                reason: "Internal Server Error".into(),
                headers: vec![],
                body: vec![],
            }),
        },
    );
    let mut m = machine_with(out);
    m.fs().mount(
        "/etc/resolv.conf",
        Volume::file(
            "search default.svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
            0o644,
        ),
        false,
    );
    let cases = [
        (
            "quiet to stdout",
            "wget -qO- http://web",
            "<h1>hi</h1>\n",
            "",
            0,
        ),
        (
            "unknown host",
            "wget -q http://nope",
            "",
            "wget: bad address 'nope'\n",
            1,
        ),
        (
            "refused",
            "wget -q http://10.244.1.9:8080/",
            "",
            "wget: can't connect to remote host (10.244.1.9): Connection refused\n",
            1,
        ),
        (
            "server error",
            "wget -q -O /tmp/x http://10.244.1.8/",
            "",
            "wget: server returned error: HTTP/1.1 500 Internal Server Error\n",
            1,
        ),
    ];
    for (name, script, o, e, s) in cases {
        let r = run_on(&mut m, script);
        assert_eq!(
            (r.out.as_str(), r.err.as_str(), r.status),
            (o, e, s),
            "{name}"
        );
    }
    let r = run_on(
        &mut m,
        "wget -O /tmp/index.html http://web/ && cat /tmp/index.html",
    );
    assert!(
        r.err
            .starts_with("Connecting to web (10.244.1.7:80)\nsaving to '/tmp/index.html'\n"),
        "{}",
        r.err
    );
    assert!(r.err.ends_with("'/tmp/index.html' saved\n"), "{}", r.err);
    assert_eq!(r.out, "<h1>hi</h1>\n");
}

#[test]
fn nc_z_probes_ports() {
    use crate::userland::outside::{HttpOutcome, HttpReply, HttpResponse};
    let mut out = FakeOutside::new();
    let ip = "10.244.1.7".parse().unwrap();
    out.serve(
        ip,
        80,
        HttpReply {
            after_ms: 0,
            outcome: HttpOutcome::Response(HttpResponse::ok("x")),
        },
    );
    let mut m = machine_with(out);
    let r = run_on(
        &mut m,
        "nc -z -w 1 10.244.1.7 80 && echo open; nc -z 10.244.1.7 81 || echo closed",
    );
    assert_eq!(r.out, "open\nclosed\n");
}

#[test]
fn missing_programs_fail_to_start() {
    let mut m = machine();
    let e = m.start(vec!["nginx".into()], Output::new());
    assert_eq!(
        e,
        Err(crate::userland::proc::SpawnError::NotFound("nginx".into()))
    );
}

/// A small deterministic generator (xorshift64*), so the fuzz cases are
/// the same on every run.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const FRAGMENTS: &[&str] = &[
    "echo",
    " ",
    "a",
    "$x",
    "${x:-d}",
    "${#x}",
    "${x%a*}",
    "$(",
    ")",
    "`",
    "'",
    "\"",
    "\\",
    ";",
    "&",
    "&&",
    "||",
    "|",
    "\n",
    "if",
    "then",
    "else",
    "fi",
    "while",
    "until",
    "do",
    "done",
    "for",
    "in",
    "case",
    "esac",
    ";;",
    "{",
    "}",
    "(",
    "(( ",
    "$((",
    "1+",
    "))",
    ">",
    ">>",
    "<",
    "2>&1",
    "<<EOF\n",
    "EOF\n",
    "<<-",
    "*",
    "?",
    "[a-",
    "]",
    "~",
    "#",
    "x=1",
    "f()",
    "break",
    "continue",
    "return",
    "exit",
    "trap 'echo t' TERM",
    "kill $$",
    "sleep 0.1",
    "cat",
    "true",
    "false",
    "read v",
    "set --",
    "shift",
    "wait",
    "eval",
    "exec",
    ".",
    "!",
    "seq 3",
    "head -1",
    "grep a",
    "sed s/a/b/",
    "$@",
    "$*",
    "$?",
    "$$",
    "$!",
    "$0",
    "$1",
];

#[test]
fn random_shell_input_never_panics_or_hangs() {
    let mut g = Gen(0x5eed_1234_abcd_ef01);
    for case in 0..300 {
        let n = 1 + g.next() % 24;
        let mut src = String::new();
        for _ in 0..n {
            src.push_str(g.pick(FRAGMENTS));
        }
        // Parsing alone.
        let mut p = super::parse::Parser::new(&src, 0);
        for _ in 0..1000 {
            match p.next_command() {
                Ok(Some(_)) => continue,
                _ => break,
            }
        }
        // Running, bounded by simulated time.
        let mut m = machine();
        let Ok(h) = m.exec(
            vec!["sh".into(), "-c".into(), src.clone()],
            ExecOptions::default(),
        ) else {
            continue;
        };
        for _ in 0..2_000 {
            match m.next_wake() {
                Some(t) if t <= 5_000 => m.advance_to(t.max(m.now())),
                _ => break,
            }
        }
        let _ = (case, m.exit_status(h.pid));
    }
}
