#!/usr/bin/env python3
"""Runs a kubectl session in Podlab and the same commands in a real kubectl,
then shows where they differ.

The session is a transcript in `podlab run` form.  Lines before a
`# oracle: compare` line set the cluster up and run in Podlab only; every
command after it runs twice: in Podlab, and in the real kubectl against
fakeapi.py serving the objects Podlab held once the setup was done.
Without the marker line every command is compared (for sessions that need
no cluster: flag errors, help, --dry-run=client generators).

Python 3 standard library only.  See README.md.
"""

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "@@ORACLE"
COMPARE_LINE = re.compile(r"^\s*#\s*oracle:\s*compare\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")

# Everything Podlab stores that a real kubectl may ask for.
DUMP_KINDS = ("configmaps,endpoints,events,namespaces,nodes,persistentvolumeclaims,"
              "persistentvolumes,pods,secrets,serviceaccounts,services,"
              "controllerrevisions.apps,daemonsets.apps,deployments.apps,replicasets.apps,"
              "statefulsets.apps,cronjobs.batch,jobs.batch,"
              "endpointslices.discovery.k8s.io,storageclasses.storage.k8s.io")


def split_session(text):
    """Returns (setup, compared): lists of commands, each a list of lines."""
    commands, compare_at = [], None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if COMPARE_LINE.match(line):
            compare_at = len(commands)
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cmd = [line]
        while cmd[-1].endswith("\\") and i < len(lines):
            cmd.append(lines[i])
            i += 1
        m = HEREDOC.search(" ".join(cmd))
        if m:
            end = m.group(2)
            while i < len(lines):
                cmd.append(lines[i])
                i += 1
                if cmd[-1].strip() == end:
                    break
        commands.append(cmd)
    if compare_at is None:
        return [], commands
    return commands[:compare_at], commands[compare_at:]


def podlab_transcript(setup, compared):
    out = []
    for c in setup:
        out.append(f"echo '{MARK}-SETUP'")
        out.extend(c)
    out.append(f"echo '{MARK}-NOW'")
    out.append("date -u +%s%N")
    out.append(f"echo '{MARK}-DUMP'")
    out.append(f"kubectl get {DUMP_KINDS} -A -o json")
    for c in compared:
        out.append(f"echo '{MARK}-CMD'")
        out.extend(c)
        out.append(f'echo "{MARK}-RC $?"')
    out.append(f"echo '{MARK}-END'")
    return "\n".join(out) + "\n"


def run_podlab(podlab, seed, session_dir, setup, compared, work):
    path = os.path.join(work, "podlab-session.sh")
    with open(path, "w") as f:
        f.write(podlab_transcript(setup, compared))
    # One pipe for both streams: error lines sit where a terminal shows them.
    p = subprocess.run([podlab, "run", "--seed", str(seed), path], cwd=session_dir,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    text = p.stdout.decode("utf-8", "replace")
    chunks = re.split(rf"^{MARK}-(SETUP|NOW|DUMP|CMD|END)\n", text, flags=re.M)
    setup_out, now, dump, cmds = [], None, None, []
    for tag, body in zip(chunks[1::2], chunks[2::2]):
        if tag == "SETUP":
            setup_out.append(body)
        elif tag == "NOW":
            now = body.strip()
        elif tag == "DUMP":
            dump = body
        elif tag == "CMD":
            m = re.search(rf"{MARK}-RC (\d+)\n\Z", body)
            rc = int(m.group(1)) if m else None
            cmds.append((body[:m.start()] if m else body, rc))
    if dump is None or now is None:
        sys.exit(f"oracle: podlab did not finish the session:\n{text[-3000:]}")
    try:
        dump = json.loads(dump)
    except json.JSONDecodeError as e:
        sys.exit(f"oracle: podlab's dump is not JSON ({e}):\n{dump[:2000]}")
    return setup_out, now, dump, cmds


def run_podlab_as_written(podlab, seed, session, session_dir, commands):
    """Runs the session exactly as written, as the golden-transcript runner
    does: every command takes simulated milliseconds, so marker commands in
    between would move the clock that ages are computed from. Returns each
    command's output, split at the echoed prompts."""
    p = subprocess.run([podlab, "run", "--echo", "--seed", str(seed), session],
                       cwd=session_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    text = p.stdout.decode("utf-8", "replace")
    outputs, pos = [], 0
    starts = []
    for c in commands:
        prompt = f"$ {c[0]}\n"
        at = text.find(prompt, pos)
        if at < 0:
            sys.exit(f"oracle: podlab's echo of {c[0]!r} is missing:\n{text[pos:pos + 2000]}")
        starts.append((at, at + len(prompt)))
        pos = at + len(prompt)
    for i, (_, body_start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        outputs.append(text[body_start:end])
    return outputs


def start_server(dump_path, work, name, now, live=False):
    port_file = os.path.join(work, name + ".port")
    args = [sys.executable, os.path.join(HERE, "fakeapi.py"), dump_path, "--port-file", port_file,
            "--now", now] + (["--live"] if live else [])
    if os.path.exists(port_file):
        os.remove(port_file)
    log = open(os.path.join(work, name + ".log"), "w")
    proc = subprocess.Popen(args, stdout=log, stderr=log)
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        time.sleep(0.05)
    proc.kill()
    sys.exit(f"oracle: fakeapi did not start; see {log.name}")


def kubeconfig(path, port, namespace):
    ns = f"    namespace: {namespace}\n" if namespace else ""
    with open(path, "w") as f:
        f.write(f"""apiVersion: v1
clusters:
- cluster:
    server: http://127.0.0.1:{port}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
{ns}    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
kind: Config
preferences: {{}}
users:
- name: kubernetes-admin
  user: {{}}
""")


def wants_exact_times(cmd):
    """Printed objects keep their timestamps; ages (describe, events) are
    computed from the wall clock, so those commands get moved times."""
    return bool(re.search(r"(^|\s)(-o|--output)(=|\s|\S)", cmd))


RFC3339 = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")
RFC1123Z = re.compile(r"\b[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\b")


def reset_clock(port):
    """Lets the moved server fix its clock anew at the next request."""
    urllib.request.urlopen(f"http://127.0.0.1:{port}/_oracle/reset").read()


def served_delta(port):
    """The seconds the moved server last added to its timestamps."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_oracle/delta") as r:
        return json.load(r)["delta"]


def unmove_dates(text, delta):
    """Puts the dates describe prints back on the simulation's clock."""
    def back(m):
        # Stored times are whole seconds, so the whole part of the shift
        # undoes it.
        shift = timedelta(seconds=int(delta // 1))
        t = datetime.strptime(m.group(0), "%a, %d %b %Y %H:%M:%S %z") - shift
        return t.strftime("%a, %d %b %Y %H:%M:%S %z")
    def back3339(m):
        s = m.group(0)
        whole, _, frac = s[:-1].partition(".")
        t = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
        t += timedelta(microseconds=int((frac + "000000")[:6])) - timedelta(seconds=delta)
        # Whole-second times come back whole; finer ones keep microseconds.
        t = t.replace(microsecond=round(t.microsecond / 1000) * 1000 % 1000000)
        out = t.strftime("%Y-%m-%dT%H:%M:%S")
        return out + (f".{t.microsecond:06d}Z" if t.microsecond else "Z")
    return RFC3339.sub(back3339, RFC1123Z.sub(back, text))


def run_kubectl(cmd_lines, kubectl, session_dir, home, config):
    bindir = os.path.join(home, "bin")
    env = dict(os.environ, HOME=home, KUBECONFIG=config,
               PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
    p = subprocess.run(["bash", "-c", "\n".join(cmd_lines)], cwd=session_dir, env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=120)
    return p.stdout.decode("utf-8", "replace"), p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("session", help="a transcript file, or a directory with session.sh")
    ap.add_argument("--kubectl", default="/usr/lib/google-cloud-sdk/bin/kubectl.1.32")
    ap.add_argument("--podlab", default=os.path.join(HERE, "..", "..", "target", "release",
                                                     "podlab"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--namespace", help="the context's namespace for the real kubectl")
    ap.add_argument("--keep", help="keep the dump, logs and outputs in this directory")
    ap.add_argument("--expected", help="write an expected.out: the setup as Podlab printed it, "
                                       "the compared commands as the real kubectl printed them")
    ap.add_argument("--clock-ms", type=int, default=0,
                    help="milliseconds past Podlab's whole-second `date` to take as its now "
                         "(its commands take simulated milliseconds that `date` does not show)")
    ap.add_argument("--retries", type=int, default=3,
                    help="times to ask the real kubectl again when it differs (random map "
                         "order, a slow run); 0 asks once")
    ap.add_argument("-q", action="store_true", help="only the summary and the differences")
    a = ap.parse_args()

    session = a.session
    if os.path.isdir(session):
        session = os.path.join(session, "session.sh")
    session_dir = os.path.dirname(os.path.abspath(session))
    with open(session) as f:
        setup, compared = split_session(f.read())

    work = a.keep or tempfile.mkdtemp(prefix="kubectl-oracle-")
    os.makedirs(work, exist_ok=True)
    setup_out, now, dump, podlab_cmds = run_podlab(os.path.abspath(a.podlab), a.seed,
                                                   session_dir, setup, compared, work)
    # Outputs come from a run of the session as written; the marked run
    # above gave the exit statuses, the clock and the dump.
    as_written = run_podlab_as_written(os.path.abspath(a.podlab), a.seed,
                                       os.path.abspath(session), session_dir,
                                       setup + compared)
    setup_out = as_written[:len(setup)]
    podlab_cmds = [
        # --echo ends unterminated output with a newline before the next
        # prompt; the marked run shows whether the command printed one.
        (out[:-1] if out.endswith("\n") and not marked.endswith("\n") else out, rc)
        for out, (marked, rc) in zip(as_written[len(setup):], podlab_cmds)
    ]
    now = str(int(now) + a.clock_ms * 1_000_000)
    dump_path = os.path.join(work, "dump.json")
    with open(dump_path, "w") as f:
        json.dump(dump, f, indent=1)

    home = os.path.join(work, "home")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.join(home, "bin"))
    os.symlink(os.path.abspath(a.kubectl), os.path.join(home, "bin", "kubectl"))
    servers = []
    try:
        exact, exact_port = start_server(dump_path, work, "exact", now)
        moved, moved_port = start_server(dump_path, work, "moved", now, live=True)
        servers = [exact, moved]
        exact_cfg = os.path.join(work, "exact.kubeconfig")
        moved_cfg = os.path.join(work, "moved.kubeconfig")
        kubeconfig(exact_cfg, exact_port, a.namespace)
        kubeconfig(moved_cfg, moved_port, a.namespace)

        same = differ = 0
        expected = []
        for c, out in zip(setup, setup_out):
            expected.append(f"$ {c[0]}\n{out}")
        for i, c in enumerate(compared):
            text = "\n".join(c)
            got, got_rc = podlab_cmds[i] if i < len(podlab_cmds) else ("<no output>\n", None)
            # kubectl walks Go maps (describe's ConfigMap data, secrets) in
            # random order, and a slow run can cross a second: a command
            # that differs is asked again before it counts as different.
            for _ in range(1 + a.retries):
                if wants_exact_times(text):
                    want, want_rc = run_kubectl(c, a.kubectl, session_dir, home, exact_cfg)
                else:
                    reset_clock(moved_port)
                    want, want_rc = run_kubectl(c, a.kubectl, session_dir, home, moved_cfg)
                    want = unmove_dates(want, served_delta(moved_port))
                for port in (exact_port, moved_port):
                    want = want.replace(f"http://127.0.0.1:{port}", "<server>")
                if got == want and got_rc == want_rc:
                    break
            expected.append(f"$ {c[0]}\n{want}")
            if a.keep:
                with open(os.path.join(work, f"{i:03}.kubectl"), "w") as f:
                    f.write(want)
                with open(os.path.join(work, f"{i:03}.podlab"), "w") as f:
                    f.write(got)
            if got == want and got_rc == want_rc:
                same += 1
                if not a.q:
                    print(f"same    [{i}] {c[0]}")
                continue
            differ += 1
            print(f"DIFFERS [{i}] {c[0]}  (exit: podlab {got_rc}, kubectl {want_rc})")
            for line in difflib.unified_diff(want.splitlines(keepends=True),
                                             got.splitlines(keepends=True),
                                             "kubectl", "podlab", n=2):
                sys.stdout.write(line if line.endswith("\n") else line + "\n\\ no newline\n")
        if a.expected:
            with open(a.expected, "w") as f:
                f.write("".join(e if e.endswith("\n") else e + "\n" for e in expected))
        print(f"{same} same, {differ} differ")
        return 1 if differ else 0
    finally:
        for s in servers:
            s.terminate()
            s.wait()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
