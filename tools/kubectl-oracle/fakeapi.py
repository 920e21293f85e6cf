#!/usr/bin/env python3
"""A read-only Kubernetes API server that serves a fixed set of objects.

It answers what a real kubectl needs in order to print objects on its own
side: discovery, GET of single objects and of lists (with label and field
selectors), /version, and node leases.  Writes are refused.  Tables
(`kubectl get` without -o) are printed by a real API server and are not
faked here: a list asked for as a Table comes back as plain JSON.

Python 3 standard library only.  See README.md.
"""

import argparse
import datetime
import json
import math
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The resources a v1.32 API server lists for the kinds Podlab has:
# (group, version, plural, singular, kind, namespaced, shortNames,
#  categories, verbs, subresources).
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
NO_COLLECTION = ["create", "delete", "get", "list", "patch", "update", "watch"]
RESOURCES = [
    ("", "v1", "configmaps", "configmap", "ConfigMap", True, ["cm"], [], ALL_VERBS, []),
    ("", "v1", "endpoints", "endpoints", "Endpoints", True, ["ep"], [], ALL_VERBS, []),
    ("", "v1", "events", "event", "Event", True, ["ev"], [], ALL_VERBS, []),
    ("", "v1", "namespaces", "namespace", "Namespace", False, ["ns"], [], NO_COLLECTION,
     ["finalize", "status"]),
    ("", "v1", "nodes", "node", "Node", False, ["no"], [], ALL_VERBS, ["proxy", "status"]),
    ("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True,
     ["pvc"], [], ALL_VERBS, ["status"]),
    ("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", False, ["pv"], [],
     ALL_VERBS, ["status"]),
    ("", "v1", "pods", "pod", "Pod", True, ["po"], ["all"], ALL_VERBS,
     ["attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward",
      "proxy", "status"]),
    ("", "v1", "secrets", "secret", "Secret", True, [], [], ALL_VERBS, []),
    ("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, ["sa"], [],
     ALL_VERBS, ["token"]),
    ("", "v1", "services", "service", "Service", True, ["svc"], ["all"], ALL_VERBS,
     ["proxy", "status"]),
    ("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", True, [],
     [], ALL_VERBS, []),
    ("apps", "v1", "daemonsets", "daemonset", "DaemonSet", True, ["ds"], ["all"], ALL_VERBS,
     ["status"]),
    ("apps", "v1", "deployments", "deployment", "Deployment", True, ["deploy"], ["all"],
     ALL_VERBS, ["scale", "status"]),
    ("apps", "v1", "replicasets", "replicaset", "ReplicaSet", True, ["rs"], ["all"], ALL_VERBS,
     ["scale", "status"]),
    ("apps", "v1", "statefulsets", "statefulset", "StatefulSet", True, ["sts"], ["all"],
     ALL_VERBS, ["scale", "status"]),
    ("batch", "v1", "cronjobs", "cronjob", "CronJob", True, ["cj"], ["all"], ALL_VERBS,
     ["status"]),
    ("batch", "v1", "jobs", "job", "Job", True, [], ["all"], ALL_VERBS, ["status"]),
    ("coordination.k8s.io", "v1", "leases", "lease", "Lease", True, [], [], ALL_VERBS, []),
    ("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", True, [], [],
     ALL_VERBS, []),
    ("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", False, ["sc"], [],
     ALL_VERBS, []),
]

SERVER_VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0",
    "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T17:59:15Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def group_version(group, version):
    return f"{group}/{version}" if group else version


def parse_time(s):
    if s.isdigit():  # nanoseconds since the epoch (date +%s%N)
        t = datetime.datetime.fromtimestamp(int(s) / 1e9, datetime.timezone.utc)
        return t, ""
    frac = ""
    if "." in s:
        s, frac = s[:-1].split(".", 1)
        s += "Z"
    t = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return t, frac


def move_times(value, move):
    """Applies `move` to every timestamp string in `value`."""
    if isinstance(value, dict):
        return {k: move_times(v, move) for k, v in value.items()}
    if isinstance(value, list):
        return [move_times(v, move) for v in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        t, frac = parse_time(value)
        if frac:
            t += datetime.timedelta(microseconds=int((frac + "000000")[:6]))
        t = move(t)
        # Go reads fractions in any RFC 3339 time, so a moved whole-second
        # time may carry one.
        out = t.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{out}.{t.microsecond:06d}Z" if t.microsecond or frac else out + "Z"
    return value


# Seconds of age added to every moved timestamp. kubectl truncates ages as
# Podlab does and reads the clock only after its last answer, which on a
# busy machine can be most of a second after the first: a small lead leaves
# almost the whole second for that.
LEAD = 0.05


def to_wall_clock(sim_now, wall_now):
    """A move that gives every timestamp, read by kubectl at `wall_now`,
    the whole seconds of age it has in the simulation and LEAD more."""
    def move(t):
        age = (sim_now - t).total_seconds()
        return wall_now - datetime.timedelta(seconds=math.floor(age) + LEAD)
    return move


# ---------------------------------------------------------------- selectors

def split_top(s, sep=","):
    """Splits at `sep` outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def label_matches(selector, labels):
    for req in split_top(selector):
        m = re.match(r"^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$", req)
        if m:
            key, op, vals = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",")}
            if op == "in" and labels.get(key) not in vals:
                return False
            if op == "notin" and key in labels and labels[key] in vals:
                return False
            continue
        if req.startswith("!"):
            if req[1:].strip() in labels:
                return False
            continue
        m = re.match(r"^([^\s!=]+)\s*(==|=|!=)\s*(.*)$", req)
        if m:
            key, op, val = m.group(1), m.group(2), m.group(3).strip()
            if op == "!=":
                if labels.get(key) == val:
                    return False
            elif labels.get(key) != val:
                return False
            continue
        if req not in labels:
            return False
    return True


def field_value(obj, path):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def field_matches(selector, obj):
    for req in split_top(selector):
        m = re.match(r"^([^!=]+)(==|=|!=)(.*)$", req)
        if not m:
            return False
        key, op, val = m.group(1), m.group(2), m.group(3)
        got = field_value(obj, key)
        if (op == "!=") == (got == val):
            return False
    return True


# ------------------------------------------------------------------ store

class Store:
    def __init__(self, items, now):
        self.by_kind = {}
        for r in RESOURCES:
            self.by_kind[(group_version(r[0], r[1]), r[4])] = r
        self.objects = {}  # (group, plural) -> list of objects
        for obj in items:
            key = (obj.get("apiVersion", ""), obj.get("kind", ""))
            r = self.by_kind.get(key)
            if r is None:
                print(f"fakeapi: skipping unknown kind {key}", file=sys.stderr)
                continue
            self.objects.setdefault((r[0], r[2]), []).append(obj)
        self.add_leases(now)
        # Seconds added to every timestamp served (see /_oracle/delta).
        self.delta = 0.0
        self.now = now
        self.live = False
        # The wall clock time the simulation's now stands for, fixed at
        # the first request after /_oracle/reset so one kubectl run sees
        # one clock.
        self.anchor = None

    def add_leases(self, now):
        """A kubelet renews its node's Lease every 10 s, so a real cluster
        always has one per node, renewed within the last 10 s; Podlab does
        not store them."""
        leases = self.objects.setdefault(("coordination.k8s.io", "leases"), [])
        if leases or now is None:
            return
        for node in self.objects.get(("", "nodes"), []):
            meta = node["metadata"]
            name = meta["name"]
            created, _ = parse_time(meta["creationTimestamp"])
            ticks = int((now - created).total_seconds()) // 10
            renew = created + datetime.timedelta(seconds=10 * ticks)
            leases.append({
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {
                    "name": name,
                    "namespace": "kube-node-lease",
                    "creationTimestamp": meta["creationTimestamp"],
                    "uid": "lease-" + meta.get("uid", name),
                    "resourceVersion": "1",
                },
                "spec": {
                    "holderIdentity": name,
                    "leaseDurationSeconds": 40,
                    "renewTime": renew.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                },
            })

    def resource(self, group, version, plural):
        for r in RESOURCES:
            if r[0] == group and r[1] == version and r[2] == plural:
                return r
        return None


def status(code, reason, message, details=None):
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return code, body


# ---------------------------------------------------------------- handler

class Handler(BaseHTTPRequestHandler):
    store = None
    log_requests = False
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.log_requests:
            sys.stderr.write("fakeapi: " + (fmt % args) + "\n")

    def send_json(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, code, text):
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_json(*status(405, "MethodNotAllowed",
                               "the fake API server is read-only"))

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = [p for p in url.path.split("/") if p]
        try:
            code, body = self.route(parts, query)
        except Exception as e:  # a bug here must not look like a kubectl answer
            code, body = status(500, "InternalError", f"fakeapi: {e!r}")
        if isinstance(body, str):
            self.send_text(code, body)
        else:
            move = None
            if self.store.live and self.store.now is not None and parts[:1] != ["_oracle"]:
                if self.store.anchor is None:
                    self.store.anchor = datetime.datetime.now(datetime.timezone.utc)
                wall = self.store.anchor
                move = to_wall_clock(self.store.now, wall)
                # What a whole-second time is moved by (see oracle.py).
                whole_now = self.store.now.replace(microsecond=0)
                self.store.delta = (wall - whole_now).total_seconds() - LEAD
            if move and body.get("kind") not in ("APIResourceList", "APIGroupList"):
                body = move_times(body, move)
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def route(self, parts, query):
        if parts == ["_oracle", "reset"]:
            self.store.anchor = None
            return 200, {}
        if parts == ["_oracle", "delta"]:
            return 200, {"delta": self.store.delta}
        if parts == ["version"]:
            return 200, SERVER_VERSION
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"],
                         "serverAddressByClientCIDRs": [
                             {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}
        if parts == ["apis"]:
            return 200, self.api_groups()
        if parts[:2] == ["api", "v1"]:
            return self.resource_path("", "v1", parts[2:], query)
        if parts and parts[0] == "apis" and len(parts) >= 3:
            return self.resource_path(parts[1], parts[2], parts[3:], query)
        return status(404, "NotFound", "the server could not find the requested resource")

    def api_groups(self):
        groups = []
        for g in sorted({r[0] for r in RESOURCES if r[0]}, key=group_order):
            gv = {"groupVersion": f"{g}/v1", "version": "v1"}
            groups.append({"name": g, "versions": [gv], "preferredVersion": gv})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def discovery(self, group, version):
        resources = []
        for r in RESOURCES:
            if r[0] != group or r[1] != version:
                continue
            g, v, plural, singular, kind, namespaced, short, cats, verbs, subs = r
            res = {"name": plural, "singularName": singular, "namespaced": namespaced,
                   "kind": kind, "verbs": verbs}
            if short:
                res["shortNames"] = short
            if cats:
                res["categories"] = cats
            resources.append(res)
            for s in subs:
                resources.append({"name": f"{plural}/{s}", "singularName": "",
                                  "namespaced": namespaced, "kind": kind,
                                  "verbs": ["get"]})
        if not resources:
            return None
        return {"kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": group_version(group, version), "resources": resources}

    def resource_path(self, group, version, rest, query):
        if not rest:
            d = self.discovery(group, version)
            if d is None:
                return status(404, "NotFound", "the server could not find the requested resource")
            return 200, d
        namespace = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), rest[2:]
        r = self.store.resource(group, version, plural)
        if r is None:
            # A kind Podlab has not: an empty list (describe asks for
            # quotas and limit ranges), or not found.
            if name is None:
                return 200, {"kind": "List", "apiVersion": group_version(group, version),
                             "metadata": {"resourceVersion": "1"}, "items": []}
            return status(404, "NotFound", f'{plural} "{name}" not found',
                          {"name": name, "kind": plural})
        objs = self.store.objects.get((group, plural), [])
        if name is None:
            return 200, self.list(r, objs, namespace, query)
        for o in objs:
            meta = o.get("metadata", {})
            if meta.get("name") == name and (not r[5] or meta.get("namespace") == namespace):
                if sub == ["log"]:
                    return 200, ""
                if sub:
                    return status(404, "NotFound", "the server could not find the requested resource")
                return 200, o
        return status(404, "NotFound", f'{plural}{"." + group if group else ""} "{name}" not found',
                      {"name": name, "group": group, "kind": plural})

    def list(self, r, objs, namespace, query):
        items = []
        for o in objs:
            meta = o.get("metadata", {})
            if namespace is not None and meta.get("namespace") != namespace:
                continue
            if query.get("labelSelector") and not label_matches(
                    query["labelSelector"], meta.get("labels") or {}):
                continue
            if query.get("fieldSelector") and not field_matches(query["fieldSelector"], o):
                continue
            item = dict(o)
            # A real server's list items carry no type; kubectl fills it in.
            item.pop("apiVersion", None)
            item.pop("kind", None)
            items.append(item)
        return {"kind": r[4] + "List", "apiVersion": group_version(r[0], r[1]),
                "metadata": {"resourceVersion": "1"}, "items": items}


GROUP_ORDER = ["apps", "batch", "coordination.k8s.io", "discovery.k8s.io", "storage.k8s.io"]


def group_order(g):
    return GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", help="a JSON List of objects (kubectl get ... -A -o json)")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--now", help="the dump's own 'now' (RFC 3339), for node leases")
    ap.add_argument("--live", action="store_true",
                    help="move every timestamp so that --now is the wall clock's now")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("-v", action="store_true", help="log every request")
    a = ap.parse_args()
    with open(a.dump) as f:
        dump = json.load(f)
    now = parse_time(a.now)[0] if a.now else None
    Handler.store = Store(dump.get("items", []), now)
    Handler.store.live = a.live
    Handler.log_requests = a.v
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write(str(port))
    print(f"fakeapi: listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
