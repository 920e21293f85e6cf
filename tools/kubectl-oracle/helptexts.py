#!/usr/bin/env python3
"""Writes core/src/kubectl/help_texts.txt: `kubectl <command> --help` as the
real kubectl prints it, for every command Podlab's kubectl implements.

Each entry is a line with the ASCII record separator (0x1e) and the command
path, then the text. Run from the repository root:

    python3 tools/kubectl-oracle/helptexts.py [--kubectl PATH]
"""
import argparse
import os
import subprocess
import tempfile

# The commands Podlab implements, groups included.
COMMANDS = [
    "get", "describe", "create", "apply", "replace", "delete", "run", "logs", "exec",
    "attach", "label", "annotate", "scale", "set", "set image", "set env", "patch",
    "expose", "rollout", "rollout status", "rollout history", "rollout undo",
    "rollout pause", "rollout resume", "rollout restart", "cordon", "uncordon", "drain",
    "taint", "wait", "explain", "events", "top", "version", "api-resources",
    "api-versions", "cluster-info", "config", "config view", "config current-context",
    "config get-contexts", "config use-context", "config set-context", "auth",
    "auth can-i", "create deployment", "create job", "create cronjob",
    "create configmap", "create secret", "create secret generic", "create service",
    "create service clusterip", "create service nodeport", "create namespace",
    "create serviceaccount",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kubectl", default="/usr/lib/google-cloud-sdk/bin/kubectl.1.32")
    ap.add_argument("--out", default="core/src/kubectl/help_texts.txt")
    a = ap.parse_args()
    home = tempfile.mkdtemp(prefix="kubectl-help-")
    env = dict(os.environ, HOME=home, KUBECONFIG=os.path.join(home, "none"))
    out = []
    for c in COMMANDS:
        p = subprocess.run([a.kubectl, *c.split(), "--help"], env=env, capture_output=True,
                           check=True)
        text = p.stdout.decode()
        assert "\x1e" not in text
        out.append(f"\x1e{c}\n{text}")
    with open(a.out, "w") as f:
        f.write("".join(out))


if __name__ == "__main__":
    main()
