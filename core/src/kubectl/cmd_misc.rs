//! Small commands: version, api-resources, api-versions, cluster-info,
//! config, auth, help, and the unknown-command error.

use super::flags::{flag, FlagDef, FlagKind};
use super::resources::DISCOVERY_ORDER;
use super::{Fail, Kubectl, Res};
use crate::api::codec::edit_distance;
use crate::kubectl::printers::tabwriter::TabWriter;
use crate::kubelet::KUBE_VERSION;
use crate::value::{Map, Value};

pub const ROOT_HELP: &str = "kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of \"group/version\"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// Every top-level command in the order kubectl registers them, which is
/// the order cobra suggests them in.
pub const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
];

/// kubectl's answer to a command it does not know.
pub fn unknown_command(cmd: &str) -> String {
    let mut s = format!("error: unknown command \"{cmd}\" for \"kubectl\"");
    let suggestions: Vec<&str> = COMMANDS
        .iter()
        .copied()
        .filter(|c| {
            // cobra compares without regard to case.
            let typed = cmd.to_lowercase();
            edit_distance(&typed, c) <= 2 || c.starts_with(&typed) && !typed.is_empty()
        })
        .collect();
    if !suggestions.is_empty() {
        s.push_str("\n\nDid you mean this?\n");
        for c in suggestions {
            s.push_str(&format!("\t{c}\n"));
        }
    } else {
        s.push('\n');
    }
    s
}

const VERSION_FLAGS: &[FlagDef] = &[
    flag("client", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
];

fn version_info(git_version: &str) -> Value {
    let mut m = Map::new();
    let minor = git_version.split('.').nth(1).unwrap_or("32");
    m.insert("buildDate".into(), "2025-04-22T16:03:42Z".into());
    m.insert("compiler".into(), "gc".into());
    m.insert(
        "gitCommit".into(),
        "c9c96f9a9b5fd6dbd3e1d0ef85f81e38b7e4bfda".into(),
    );
    m.insert("gitTreeState".into(), "clean".into());
    m.insert("gitVersion".into(), git_version.into());
    m.insert("goVersion".into(), "go1.23.8".into());
    m.insert("major".into(), "1".into());
    m.insert("minor".into(), minor.into());
    m.insert("platform".into(), "linux/amd64".into());
    Value::Object(m)
}

pub async fn version(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("version", args, VERSION_FLAGS)?;
    let client_only = f.bool("client");
    match f.get("output") {
        None | Some("") => {
            k.out(format!(
                "Client Version: {KUBE_VERSION}\nKustomize Version: v5.5.0\n"
            ));
            if !client_only {
                k.out(format!("Server Version: {KUBE_VERSION}\n"));
            }
        }
        Some(o @ ("json" | "yaml")) => {
            let mut m = Map::new();
            m.insert("clientVersion".into(), version_info(KUBE_VERSION));
            m.insert("kustomizeVersion".into(), "v5.5.0".into());
            if !client_only {
                m.insert("serverVersion".into(), version_info(KUBE_VERSION));
            }
            let v = Value::Object(m);
            if o == "json" {
                k.out(format!("{}\n", v.to_json_pretty()));
            } else {
                // kubectl prints the YAML with Println, adding a blank line.
                k.out(format!("{}\n", crate::syntax::to_yaml(&v)));
            }
        }
        Some(_) => return Err(Fail::Msg("--output must be 'yaml' or 'json'".to_string())),
    }
    Ok(0)
}

const API_RESOURCES_FLAGS: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag("namespaced", None, FlagKind::Bool),
    flag("api-group", None, FlagKind::Value),
    flag("verbs", None, FlagKind::List),
    flag("no-headers", None, FlagKind::Bool),
    flag("sort-by", None, FlagKind::Value),
    flag("cached", None, FlagKind::Bool),
    flag("categories", None, FlagKind::List),
];

pub async fn api_resources(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("api-resources", args, API_RESOURCES_FLAGS)?;
    let wide = f.get("output") == Some("wide");
    let name_only = f.get("output") == Some("name");
    let mut tw = TabWriter::new();
    if !f.bool("no-headers") && !name_only {
        let mut h = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
        if wide {
            h.extend(["VERBS", "CATEGORIES"]);
        }
        tw.write_row(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
    let mut lines = Vec::new();
    for kind in DISCOVERY_ORDER {
        let info = kind.info();
        if f.has("namespaced") && f.bool("namespaced") != info.namespaced {
            continue;
        }
        if let Some(g) = f.get("api-group") {
            if g != info.group {
                continue;
            }
        }
        if name_only {
            lines.push(info.qualified_plural());
            continue;
        }
        let mut row = vec![
            info.plural.to_string(),
            info.short_names.join(","),
            info.api_version(),
            if info.namespaced { "true" } else { "false" }.to_string(),
            info.kind.to_string(),
        ];
        if wide {
            row.push(format!("[{}]", info.verbs.join(" ")));
            row.push(info.categories.join(","));
        }
        tw.write_row(&row);
    }
    if name_only {
        for l in lines {
            k.out(format!("{l}\n"));
        }
    } else {
        k.out(tw.finish());
    }
    Ok(0)
}

pub async fn api_versions(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let _ = k.parse("api-versions", args, &[])?;
    let mut versions: Vec<String> = DISCOVERY_ORDER
        .iter()
        .map(|k| k.info().api_version())
        .collect();
    versions.sort();
    versions.dedup();
    for v in versions {
        k.out(format!("{v}\n"));
    }
    Ok(0)
}

pub async fn cluster_info(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    if args.first().map(String::as_str) == Some("dump") {
        return Err(Fail::Msg(
            "cluster-info dump is not available on this cluster".to_string(),
        ));
    }
    let _ = k.parse("cluster-info", args, &[])?;
    let server = format!("https://{}:6443", crate::kubelet::node_ip(0));
    k.out(format!(
        "Kubernetes control plane is running at {server}\nCoreDNS is running at {server}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    ));
    Ok(0)
}

pub const CONTEXT: &str = "kubernetes-admin@kubernetes";

const CONFIG_FLAGS: &[FlagDef] = &[
    flag("current", None, FlagKind::Bool),
    flag("minify", None, FlagKind::Bool),
    flag("raw", None, FlagKind::Bool),
    flag("flatten", None, FlagKind::Bool),
    flag("output", Some('o'), FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
    flag("cluster", None, FlagKind::Value),
    flag("user", None, FlagKind::Value),
];

pub async fn config(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let Some(sub) = args.first() else {
        return Err(Fail::GroupHelp("config"));
    };
    let f = k.parse("config", &args[1..], CONFIG_FLAGS)?;
    let ns = k.context_namespace();
    match sub.as_str() {
        "current-context" => k.out(format!("{CONTEXT}\n")),
        "get-contexts" => {
            let mut tw = TabWriter::new();
            tw.write_row(
                &["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"].map(String::from),
            );
            tw.write_row(
                &[
                    "*",
                    CONTEXT,
                    "kubernetes",
                    "kubernetes-admin",
                    ns.as_deref().unwrap_or(""),
                ]
                .map(String::from),
            );
            k.out(tw.finish());
        }
        "get-clusters" => k.out("NAME\nkubernetes\n"),
        "get-users" => k.out("NAME\nkubernetes-admin\n"),
        "use-context" => {
            let name = f.args.first().cloned().unwrap_or_default();
            if name != CONTEXT {
                return Err(Fail::Msg(format!(
                    "no context exists with the name: \"{name}\""
                )));
            }
            k.out(format!("Switched to context \"{CONTEXT}\".\n"));
        }
        "set-context" => {
            let name = f.args.first().cloned();
            if !f.bool("current") && name.as_deref() != Some(CONTEXT) {
                return Err(Fail::Msg(
                    "you must specify a non-empty context name or --current".to_string(),
                ));
            }
            if let Some(n) = f.get("namespace") {
                k.set_context_namespace(n);
            }
            k.out(format!("Context \"{CONTEXT}\" modified.\n"));
        }
        "view" => {
            let server = format!("https://{}:6443", crate::kubelet::node_ip(0));
            let ns_line = ns
                .map(|n| format!("    namespace: {n}\n"))
                .unwrap_or_default();
            let data = if f.bool("raw") {
                "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="
            } else {
                "DATA+OMITTED"
            };
            k.out(format!(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {data}\n    server: {server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n{ns_line}    user: kubernetes-admin\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: {data}\n    client-key-data: {data}\n"
            ));
        }
        other => return Err(super::unknown_subcommand("config", other)),
    }
    Ok(0)
}

const AUTH_FLAGS: &[FlagDef] = &[
    flag("all-namespaces", Some('A'), FlagKind::Bool),
    flag("list", None, FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("subresource", None, FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag("no-headers", None, FlagKind::Bool),
];

pub async fn auth(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let Some(sub) = args.first() else {
        return Err(Fail::GroupHelp("auth"));
    };
    let f = k.parse("auth", &args[1..], AUTH_FLAGS)?;
    match sub.as_str() {
        "can-i" => {
            if f.args.len() < 2 && !f.bool("list") {
                return Err(Fail::Msg(
                    "you must specify two arguments: verb resource or verb nonResourceURL"
                        .to_string(),
                ));
            }
            // kubectl resolves the resource through discovery and warns,
            // without failing, about what the server would not know.
            if let Some(arg) = f.args.get(1).filter(|a| !a.starts_with('/')) {
                let ty = arg.split_once('/').map_or(arg.as_str(), |(t, _)| t);
                match super::resources::resolve(ty) {
                    None if ty != "*" => {
                        k.err(format!(
                            "Warning: the server doesn't have a resource type '{ty}'\n"
                        ));
                    }
                    Some(kind) if !kind.info().namespaced && !f.bool("all-namespaces") => {
                        k.err(format!(
                            "Warning: resource '{}' is not namespace scoped\n",
                            kind.info().plural
                        ));
                    }
                    _ => {}
                }
            }
            // The learner is the cluster admin; other identities (service
            // accounts, users) have no bindings on a fresh cluster.
            let allowed = match f.get("as") {
                None => true,
                Some(who) => who == "kubernetes-admin",
            };
            if !f.bool("quiet") {
                k.out(if allowed { "yes\n" } else { "no\n" });
            }
            Ok(if allowed { 0 } else { 1 })
        }
        "whoami" => {
            k.out("ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [kubeadm:cluster-admins system:authenticated]\n");
            Ok(0)
        }
        other => Err(super::unknown_subcommand("auth", other)),
    }
}

impl Kubectl<'_> {
    /// The namespace the current context sets, if any.
    pub fn context_namespace(&self) -> Option<String> {
        let data = self.proc().fs().read("/", "/root/.kube/namespace").ok()?;
        let s = String::from_utf8_lossy(&data).trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    pub fn set_context_namespace(&self, ns: &str) {
        let now = self.proc().wall_secs();
        let mut fs = self.proc().fs_mut();
        let _ = fs.mkdir("/", "/root/.kube", 0o755, now);
        let _ = fs.write("/", "/root/.kube/namespace", ns.as_bytes(), false, now);
    }
}
