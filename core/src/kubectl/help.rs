//! What kubectl prints for a command that needs a subcommand and got none:
//! its help, on stdout or stderr as kubectl 1.32 writes it, and exit
//! status 1. The texts are kubectl's, as the binary prints them.

/// The help a command group prints when no subcommand is given, and
/// whether it goes to stderr.
pub fn group_help(path: &str) -> Option<(&'static str, bool)> {
    GROUP_HELP
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, text, to_stderr)| (*text, *to_stderr))
}

const GROUP_HELP: &[(&str, &str, bool)] = &[
    (
        "auth",
        r#"Inspect authorization.

Available Commands:
  can-i         Check whether an action is allowed
  reconcile     Reconciles rules for RBAC role, role binding, cluster role, and cluster role binding objects
  whoami        Experimental: Check self subject attributes

Usage:
  kubectl auth [flags] [options]

Use "kubectl auth <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
    (
        "config",
        r#"Modify kubeconfig files using subcommands like "kubectl config set current-context my-context".

 The loading order follows these rules:

  1.  If the --kubeconfig flag is set, then only that file is loaded. The flag may only be set once and no merging takes place.
  2.  If $KUBECONFIG environment variable is set, then it is used as a list of paths (normal path delimiting rules for your system). These paths are merged. When a value is modified, it is modified in the file that defines the stanza. When a value is created, it is created in the first file that exists. If no files in the chain exist, then it creates the last file in the list.
  3.  Otherwise, ${HOME}/.kube/config is used and no merging takes place.

Available Commands:
  current-context   Display the current-context
  delete-cluster    Delete the specified cluster from the kubeconfig
  delete-context    Delete the specified context from the kubeconfig
  delete-user       Delete the specified user from the kubeconfig
  get-clusters      Display clusters defined in the kubeconfig
  get-contexts      Describe one or many contexts
  get-users         Display users defined in the kubeconfig
  rename-context    Rename a context from the kubeconfig file
  set               Set an individual value in a kubeconfig file
  set-cluster       Set a cluster entry in kubeconfig
  set-context       Set a context entry in kubeconfig
  set-credentials   Set a user entry in kubeconfig
  unset             Unset an individual value in a kubeconfig file
  use-context       Set the current-context in a kubeconfig file
  view              Display merged kubeconfig settings or a specified kubeconfig file

Usage:
  kubectl config SUBCOMMAND [options]

Use "kubectl config <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
    (
        "create secret",
        r#"Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use "kubectl create secret <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
    (
        "create service",
        r#"Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
    (
        "rollout",
        r#"Manage the rollout of one or many resources.
        
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  
  # Restart a deployment
  kubectl rollout restart deployment/abc
  
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        false,
    ),
    (
        "set",
        r#"Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource
  subject          Update the user, group, or service account in a role binding or cluster role binding

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
    (
        "top",
        r#"Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use "kubectl top <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#,
        true,
    ),
];

/// `kubectl <command> --help` for every command Podlab implements, as the
/// real kubectl 1.32 prints it (written by
/// `tools/kubectl-oracle/helptexts.py`): entries start with a line of the
/// record separator and the command path.
const COMMAND_HELP: &str = include_str!("help_texts.txt");

fn command_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    COMMAND_HELP
        .split('\u{1e}')
        .filter_map(|e| e.split_once('\n'))
}

/// The names a command answers to: its own and the `Aliases:` its help
/// lists (`deployment, deploy`).
fn answers_to(path: &str, text: &str, word: &str) -> bool {
    if path.rsplit(' ').next() == Some(word) {
        return true;
    }
    text.split_once("\nAliases:\n")
        .and_then(|(_, rest)| rest.lines().next())
        .is_some_and(|line| line.split(", ").any(|a| a == word))
}

/// The help of the deepest command that `cmd` and the words after it name
/// (`create deploy web` is `create deployment`), stopping at the first
/// flag; `None` when `cmd` has no help here.
pub fn command_help(cmd: &str, rest: &[String]) -> Option<&'static str> {
    let (mut path, mut text) = command_entries().find(|(p, _)| *p == cmd)?;
    for word in rest {
        if word.starts_with('-') {
            break;
        }
        let deeper = command_entries().find(|(p, t)| {
            p.strip_prefix(path)
                .and_then(|r| r.strip_prefix(' '))
                .is_some_and(|r| !r.contains(' '))
                && answers_to(p, t, word)
        });
        match deeper {
            Some((p, t)) => {
                path = p;
                text = t;
            }
            None => break,
        }
    }
    Some(text)
}

/// Whether the arguments ask for help (`-h` or `--help` before any `--`).
pub fn asks_for_help(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--help" || a == "-h")
}

#[cfg(test)]
mod help_tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn help_is_found_for_the_deepest_command_named() {
        let cases: &[(&str, &str, &str, &str)] = &[
            (
                "a verb alone",
                "get",
                "--help",
                "Display one or many resources.",
            ),
            (
                "a verb with a resource",
                "get",
                "pods -h",
                "Display one or many resources.",
            ),
            (
                "a subcommand",
                "create",
                "deployment web --help",
                "Create a deployment with the specified name.",
            ),
            (
                "a subcommand by its alias",
                "create",
                "deploy --help",
                "Create a deployment with the specified name.",
            ),
            (
                "two levels down",
                "create",
                "secret generic -h",
                "Create a secret based on a file, directory, or specified literal value.",
            ),
            (
                "a group",
                "rollout",
                "--help",
                "Manage the rollout of one or many resources.",
            ),
            (
                "a group's subcommand",
                "rollout",
                "status deploy/web -h",
                "Show the status of the rollout.",
            ),
            (
                "words after a flag are values",
                "create",
                "-f deployment --help",
                "Create a resource from a file or from stdin.",
            ),
        ];
        for (name, cmd, rest, first) in cases {
            let text = command_help(cmd, &words(rest)).unwrap_or_default();
            assert!(
                text.starts_with(first),
                "{name}: {}",
                text.lines().next().unwrap_or("")
            );
        }
        assert_eq!(
            command_help("frobnicate", &[]),
            None,
            "an unknown command has none"
        );
    }

    #[test]
    fn help_is_asked_for_only_before_a_double_dash() {
        let cases: &[(&str, &str, bool)] = &[
            ("--help", "get pods --help", true),
            ("-h", "logs -h web", true),
            ("after --", "exec web -- ls -h", false),
            ("none", "get pods", false),
        ];
        for (name, args, want) in cases {
            assert_eq!(asks_for_help(&words(args)), *want, "{name}");
        }
    }
}
