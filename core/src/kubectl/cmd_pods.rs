//! Commands that reach into pods: `run`, `logs`, `exec`.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::cmd_apply::{dry_run, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind};
use super::{Fail, Kubectl, Res};
use crate::api::corev1::{Container, ContainerPort, EnvVar, Pod, PodPhase, PodSpec, RestartPolicy};
use crate::api::meta::ObjectMeta;
use crate::api::resource::Resource;
use crate::apiserver::{ApiError, DeleteOptions, WriteOptions};
use crate::store::{Kind, Object};
use crate::userland::{ExecOptions, ExitStatus, Stdin, Stream};

const RUN_FLAGS: &[FlagDef] = &[
    flag("image", None, FlagKind::Value),
    flag("env", None, FlagKind::List),
    flag("labels", Some('l'), FlagKind::Value),
    flag("port", None, FlagKind::Value),
    flag("restart", None, FlagKind::Value),
    flag("command", None, FlagKind::Bool),
    flag("rm", None, FlagKind::Bool),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("attach", None, FlagKind::Bool),
    flag_opt("dry-run", "unchanged"),
    flag("output", Some('o'), FlagKind::Value),
    flag("overrides", None, FlagKind::Value),
    flag("override-type", None, FlagKind::Value),
    flag("image-pull-policy", None, FlagKind::Value),
    flag("annotations", None, FlagKind::List),
    flag("expose", None, FlagKind::Bool),
    flag("pod-running-timeout", None, FlagKind::Duration),
    flag("privileged", None, FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
    flag("save-config", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::List),
    flag("leave-stdin-open", None, FlagKind::Bool),
];

fn labels_from(s: &str) -> Res<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(Fail::Msg(format!("invalid label spec: {part}")));
        };
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

pub async fn run(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("run", args, RUN_FLAGS)?;
    // cobra checks required flags before the command sees its arguments.
    if !f.has("image") {
        return Err(Fail::Msg("required flag(s) \"image\" not set".to_string()));
    }
    let Some(name) = f.args.first().cloned() else {
        return Err(Fail::UsageHelp(
            "run".to_string(),
            "NAME is required for run".to_string(),
        ));
    };
    let Some(image) = f.get("image").filter(|i| !i.is_empty()).map(str::to_string) else {
        return Err(Fail::UsageHelp(
            "run".to_string(),
            "--image is required".to_string(),
        ));
    };
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    let namespace = k.namespace(&f);
    let restart = match f.get("restart").unwrap_or("Always") {
        "Always" => RestartPolicy::Always,
        "OnFailure" => RestartPolicy::OnFailure,
        "Never" => RestartPolicy::Never,
        other => {
            return Err(Fail::UsageHelp(
                "run".to_string(),
                format!("invalid restart policy: {other}"),
            ))
        }
    };
    let interactive = f.bool("stdin") || f.bool("tty");
    // -i and -t attach unless --attach=false says otherwise.
    let attach = f.bool_or("attach", interactive);
    if f.bool("rm") && !attach {
        return Err(Fail::Msg(
            "--rm should only be used for attached containers".to_string(),
        ));
    }
    let mut rest: Vec<String> = f.args[1..].to_vec();
    if let Some(after) = &f.after_dash {
        rest.extend(after.iter().cloned());
    }
    let labels = match f.get("labels") {
        Some(l) => labels_from(l)?,
        None => [("run".to_string(), name.clone())].into(),
    };
    let mut container = Container {
        name: name.clone(),
        image: image.clone(),
        ..Default::default()
    };
    if f.bool("command") {
        container.command = rest;
    } else {
        container.args = rest;
    }
    for e in f.all("env") {
        let (k2, v) = e.split_once('=').unwrap_or((&e, ""));
        container.env.push(EnvVar {
            name: k2.to_string(),
            value: v.to_string(),
            value_from: None,
        });
    }
    if let Some(p) = f.get("port") {
        let port: i32 = p
            .parse()
            .map_err(|_| Fail::Msg(format!("strconv.Atoi: parsing \"{p}\": invalid syntax")))?;
        container.ports.push(ContainerPort {
            container_port: port,
            ..Default::default()
        });
    }
    if let Some(p) = f.get("image-pull-policy") {
        container.image_pull_policy = crate::api::corev1::PullPolicy::parse(p);
    }
    if interactive {
        container.stdin = f.bool("stdin");
        container.stdin_once = f.bool("stdin") && !f.bool("leave-stdin-open");
        container.tty = f.bool("tty");
    }
    let mut annotations = BTreeMap::new();
    for a in f.all("annotations") {
        let (k2, v) = a.split_once('=').unwrap_or((&a, ""));
        annotations.insert(k2.to_string(), v.to_string());
    }
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels,
            annotations,
            ..Default::default()
        },
        spec: PodSpec {
            containers: vec![container],
            restart_policy: restart,
            dns_policy: crate::api::corev1::DnsPolicy::ClusterFirst,
            ..Default::default()
        },
        ..Default::default()
    };
    if dry == DryRun::Client {
        let obj = Object::Pod(Rc::new(pod));
        return k
            .report_generated(&format, &obj, |_| {}, "created", dry)
            .map(|()| 0);
    }
    let mut pod = pod;
    pod.metadata.namespace = Some(namespace.clone());
    pod.set_defaults();
    let opts = WriteOptions {
        dry_run: dry == DryRun::Server,
    };
    let created = k.api(|api| api.create(pod, &opts))?;
    let obj = Object::Pod(created.clone());
    if !attach {
        k.report_write(&format, &obj, "created", dry)?;
        return Ok(0);
    }
    // Attached: wait for the container, stream its output, then clean up.
    let code = attach_run(k, &created, &f).await?;
    if f.bool("rm") {
        let del = DeleteOptions::default();
        let _ = k.api(|api| api.delete::<Pod>(&namespace, &name, &del));
        k.out(format!("pod \"{name}\" deleted\n"));
    }
    Ok(code)
}

/// Waits for a `run -i` pod's container and copies its output until it ends.
async fn attach_run(k: &mut Kubectl<'_>, pod: &Rc<Pod>, f: &super::flags::Parsed) -> Res<i32> {
    let ns = pod.namespace().to_string();
    let name = pod.name().to_string();
    let uid = pod.metadata.uid().to_string();
    let container = name.clone();
    let timeout = f
        .get("pod-running-timeout")
        .and_then(super::cmd_delete::parse_duration)
        .unwrap_or(60_000);
    let start = k.cluster().clock();
    // Wait until the container has started.
    loop {
        let p = k.api(|api| api.store.get::<Pod>(&ns, &name).cloned());
        let Some(p) = p else {
            return Err(Fail::Api(ApiError::not_found(Pod::INFO, &name), None));
        };
        let node = p.node_name().map(str::to_string);
        if let Some(node) = &node {
            if k.cluster()
                .kubelet(node)
                .is_some_and(|kl| kl.has_started(&uid, &container))
            {
                break;
            }
        }
        if k.cluster().clock() - start > timeout {
            return Err(Fail::Msg("timed out waiting for the condition".to_string()));
        }
        k.sleep(200).await;
    }
    if f.bool("tty") && k.proc().tty {
        k.err("If you don't see a command prompt, try pressing enter.\n");
    }
    let feed = if f.bool("stdin") {
        stdin_feed(k, pod, &container)
    } else {
        None
    };
    follow_logs(k, &ns, &name, &uid, &container, true, feed).await;
    let p = k.api(|api| api.store.get::<Pod>(&ns, &name).cloned());
    let code = p
        .and_then(|p| {
            p.status
                .container_statuses
                .iter()
                .find(|c| c.name == container)
                .and_then(|c| c.state.terminated.as_ref().map(|t| t.exit_code))
        })
        .unwrap_or(0);
    if code != 0 {
        k.err(format!("pod {ns}/{name} terminated (Error)\n"));
    }
    Ok(code)
}

const LOGS_FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("follow", Some('f'), FlagKind::Bool),
    flag("previous", Some('p'), FlagKind::Bool),
    flag("tail", None, FlagKind::Int),
    flag("since", None, FlagKind::Duration),
    flag("since-time", None, FlagKind::Value),
    flag("timestamps", None, FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("all-containers", None, FlagKind::Bool),
    flag("prefix", None, FlagKind::Bool),
    flag("max-log-requests", None, FlagKind::Int),
    flag("ignore-errors", None, FlagKind::Bool),
    flag("limit-bytes", None, FlagKind::Int),
    flag("pod-running-timeout", None, FlagKind::Duration),
    flag("insecure-skip-tls-verify-backend", None, FlagKind::Bool),
];

/// Finds the pod a `logs`/`exec` target names: a pod, or a pod of a
/// workload (`deploy/web`, `job/pi`, …).
fn resolve_pod(k: &mut Kubectl<'_>, ns: &str, target: &str, cmd: &str) -> Res<Rc<Pod>> {
    let (kind, name) = match target.split_once('/') {
        Some((t, n)) => {
            let kind = super::resources::resolve(t)
                .ok_or_else(|| Fail::Msg(super::resources::unknown_type(t)))?;
            (kind, n.to_string())
        }
        None => (Kind::Pod, target.to_string()),
    };
    if kind == Kind::Pod {
        return k
            .api(|api| api.store.get::<Pod>(ns, &name).cloned())
            .ok_or_else(|| Fail::Api(ApiError::not_found(Pod::INFO, &name), None));
    }
    let owner = k.api(|api| api.store.get_object(kind, ns, &name));
    let Some(owner) = owner else {
        return Err(Fail::Api(ApiError::not_found(kind.info(), &name), None));
    };
    let selector = super::cmd_workloads::selector_of(&owner)
        .ok_or_else(|| Fail::Msg(format!("cannot {cmd} {}", kind.info().plural)))?;
    let mut pods: Vec<Rc<Pod>> = k.api(|api| {
        api.store
            .table::<Pod>()
            .iter_ns(Some(ns))
            .map(|(_, p)| p.clone())
            .filter(|p| selector.matches(&p.metadata.labels))
            .collect()
    });
    // kubectl prefers running, ready, newer pods (ByLogging order).
    pods.sort_by_key(|p| {
        (
            p.phase() != PodPhase::Running,
            !p.is_ready(),
            std::cmp::Reverse(p.metadata.creation_timestamp),
        )
    });
    let Some(first) = pods.first().cloned() else {
        return Err(Fail::Msg("timed out waiting for the condition".to_string()));
    };
    if pods.len() > 1 {
        k.err(format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            first.name()
        ));
    }
    Ok(first)
}

/// The container a command uses when none is named.
fn default_container(
    k: &mut Kubectl<'_>,
    pod: &Pod,
    named: Option<&str>,
    quiet: bool,
) -> Res<String> {
    if let Some(c) = named {
        let known = pod
            .spec
            .containers
            .iter()
            .chain(pod.spec.init_containers.iter())
            .chain(
                pod.spec
                    .ephemeral_containers
                    .iter()
                    .map(|_| &pod.spec.containers[0]),
            )
            .any(|x| x.name == c);
        if !known {
            return Err(Fail::Msg(format!(
                "container {c} is not valid for pod {}",
                pod.name()
            )));
        }
        return Ok(c.to_string());
    }
    if let Some(c) = pod
        .metadata
        .annotation("kubectl.kubernetes.io/default-container")
    {
        return Ok(c.to_string());
    }
    let first = pod
        .spec
        .containers
        .first()
        .map(|c| c.name.clone())
        .unwrap_or_default();
    if pod.spec.containers.len() > 1 && !quiet {
        let all: Vec<&str> = pod
            .spec
            .containers
            .iter()
            .chain(pod.spec.init_containers.iter())
            .map(|c| c.name.as_str())
            .collect();
        k.err(format!(
            "Defaulted container \"{first}\" out of: {}\n",
            all.join(", ")
        ));
    }
    Ok(first)
}

fn waiting_reason(pod: &Pod, container: &str) -> Option<String> {
    pod.status
        .container_statuses
        .iter()
        .chain(pod.status.init_container_statuses.iter())
        .find(|c| c.name == container)
        .and_then(|c| c.state.waiting.as_ref())
        .map(|w| w.reason.clone())
}

/// A log line's time as the kubelet writes it: Go's RFC 3339 with
/// nanoseconds, trailing zeros dropped.
fn format_chunk_time(wall_ms: i64) -> String {
    let secs = wall_ms.div_euclid(1000);
    let millis = wall_ms.rem_euclid(1000);
    let base = crate::api::time::format_rfc3339(secs);
    let base = base.trim_end_matches('Z');
    if millis == 0 {
        return format!("{base}Z");
    }
    let frac = format!("{millis:03}");
    format!("{base}.{}Z", frac.trim_end_matches('0'))
}

/// How much of each log to print, from the flags.
struct LogWindow {
    tail: Option<usize>,
    /// Lines at or after this wall-clock time (Unix milliseconds).
    since_wall: Option<i64>,
    timestamps: bool,
    prefix: bool,
    previous: bool,
}

pub async fn logs(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("logs", args, LOGS_FLAGS)?;
    let ns = k.namespace(&f);
    let selector = f.get("selector").map(str::to_string);
    if f.has("since") && f.has("since-time") {
        return Err(Fail::Msg(
            "at most one of `sinceTime` or `sinceSeconds` may be specified".to_string(),
        ));
    }
    let now_wall = k.api(|api| api.wall_millis());
    let since_wall = match (f.get("since"), f.get("since-time")) {
        (Some(d), _) => match super::cmd_delete::parse_duration(d) {
            Some(ms) => Some(now_wall - ms),
            None => {
                return Err(Fail::Usage(
                    "logs".to_string(),
                    format!(
                    "invalid argument \"{d}\" for \"--since\" flag: time: invalid duration \"{d}\""
                ),
                ))
            }
        },
        (None, Some(t)) => match crate::api::time::parse_rfc3339(t) {
            Some(ms) => Some(ms),
            None => return Err(Fail::Msg(crate::api::time::go_rfc3339_parse_error(t))),
        },
        (None, None) => None,
    };
    let tail = match f.get("tail").map(|t| t.parse::<i64>()) {
        Some(Ok(t)) if t >= 0 => Some(t as usize),
        Some(Ok(_)) => None,
        Some(Err(_)) => {
            let t = f.get("tail").unwrap_or_default();
            return Err(Fail::Usage(
                "logs".to_string(),
                format!("invalid argument \"{t}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax"),
            ));
        }
        // Logs of pods found by a selector show their last 10 lines.
        None if selector.is_some() => Some(10),
        None => None,
    };
    let window = LogWindow {
        tail,
        since_wall,
        timestamps: f.bool("timestamps"),
        prefix: f.bool("prefix"),
        previous: f.bool("previous"),
    };
    let pods: Vec<Rc<Pod>> = match (f.args.first().cloned(), &selector) {
        (Some(_), Some(_)) => {
            return Err(Fail::UsageHelp(
                "logs".to_string(),
                "only a selector (-l) or a POD name is allowed".to_string(),
            ))
        }
        (Some(target), None) => vec![resolve_pod(k, &ns, &target, "logs")?],
        (None, Some(sel)) => {
            let sel = super::selectors::parse_labels(sel).map_err(Fail::Msg)?;
            let pods: Vec<Rc<Pod>> = k.api(|api| {
                api.store
                    .table::<Pod>()
                    .iter_ns(Some(&ns))
                    .map(|(_, p)| p.clone())
                    .filter(|p| sel.matches(&p.metadata.labels))
                    .collect()
            });
            if pods.is_empty() {
                k.err(format!("No resources found in {ns} namespace.\n"));
                return Ok(0);
            }
            pods
        }
        (None, None) => {
            return Err(Fail::UsageHelp(
                "logs".to_string(),
                "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command".to_string(),
            ))
        }
    };
    let named = f.get("container").or(f.args.get(1).map(String::as_str));
    let mut streams: Vec<(Rc<Pod>, String)> = Vec::new();
    for pod in &pods {
        if f.bool("all-containers") {
            for c in pod
                .spec
                .init_containers
                .iter()
                .chain(pod.spec.containers.iter())
            {
                streams.push((pod.clone(), c.name.clone()));
            }
        } else {
            let c = default_container(k, pod, named, selector.is_some())?;
            streams.push((pod.clone(), c));
        }
    }
    let follow = f.bool("follow") && !window.previous;
    let max_requests = f
        .get("max-log-requests")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(5);
    if follow && streams.len() > max_requests {
        return Err(Fail::Msg(format!(
            "you are attempting to follow {} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit",
            streams.len()
        )));
    }
    for (pod, c) in &streams {
        print_log(k, pod, c, &window)?;
    }
    if follow {
        for (pod, c) in &streams {
            let name = pod.name().to_string();
            let uid = pod.metadata.uid().to_string();
            follow_logs(k, &ns, &name, &uid, c, false, None).await;
        }
    }
    Ok(0)
}

/// Prints one container's log, as the kubelet's log endpoint returns it.
fn print_log(k: &mut Kubectl<'_>, pod: &Pod, c: &str, w: &LogWindow) -> Res<()> {
    let Some(node) = pod.node_name().map(str::to_string) else {
        return Err(Fail::Api(
            ApiError::bad_request(format!(
                "container \"{c}\" in pod \"{}\" is waiting to start: ContainerCreating",
                pod.name()
            )),
            None,
        ));
    };
    let uid = pod.metadata.uid().to_string();
    let chunks = k
        .cluster()
        .kubelet(&node)
        .and_then(|kl| kl.logs(&uid, c, w.previous));
    let Some(chunks) = chunks else {
        let msg = if w.previous {
            format!(
                "previous terminated container \"{c}\" in pod \"{}\" not found",
                pod.name()
            )
        } else {
            let reason = waiting_reason(pod, c).unwrap_or_else(|| "ContainerCreating".to_string());
            let reason = if reason == "ErrImagePull" || reason == "ImagePullBackOff" {
                "trying and failing to pull image".to_string()
            } else {
                reason
            };
            format!(
                "container \"{c}\" in pod \"{}\" is waiting to start: {reason}",
                pod.name()
            )
        };
        return Err(Fail::Api(ApiError::bad_request(msg), None));
    };
    let mut lines: Vec<(i64, String)> = Vec::new();
    for ch in chunks {
        let wall = crate::apiserver::EPOCH_MILLIS + ch.at as i64;
        if w.since_wall.is_some_and(|since| wall < since) {
            continue;
        }
        let text = String::from_utf8_lossy(&ch.data).into_owned();
        for piece in text.split_inclusive('\n') {
            match lines.last_mut() {
                Some((_, l)) if !l.ends_with('\n') => l.push_str(piece),
                _ => lines.push((wall, piece.to_string())),
            }
        }
    }
    if let Some(t) = w.tail {
        let skip = lines.len().saturating_sub(t);
        lines.drain(..skip);
    }
    let prefix = if w.prefix {
        format!("[pod/{}/{c}] ", pod.name())
    } else {
        String::new()
    };
    for (wall, line) in &lines {
        if w.timestamps {
            k.out(format!("{prefix}{} {line}", format_chunk_time(*wall)));
        } else {
            k.out(format!("{prefix}{line}"));
        }
    }
    Ok(())
}

/// Streams a container's new log output until it stops (or, when nobody
/// can press Ctrl-C, until it has been quiet for a while).
/// kubectl's side of an attached container's stdin: what the user types
/// goes to the container; at the end of it, a `stdinOnce` container's
/// stdin closes for good.
struct StdinFeed {
    writer: crate::userland::PipeWriter,
    once: bool,
}

/// The stdin of a container that keeps it open (`stdin: true`); kubectl
/// attaches to nothing otherwise.
fn stdin_feed(k: &mut Kubectl<'_>, pod: &Pod, container: &str) -> Option<StdinFeed> {
    let spec = pod.spec.containers.iter().find(|c| c.name == container)?;
    if !spec.stdin {
        return None;
    }
    let uid = pod.metadata.uid().to_string();
    let node = k.api(|api| {
        api.store
            .get::<Pod>(pod.namespace(), pod.name())
            .and_then(|p| p.node_name().map(str::to_string))
    })?;
    let writer = k.cluster().attach_stdin(&node, &uid, container)?;
    Some(StdinFeed {
        writer,
        once: spec.stdin_once,
    })
}

async fn follow_logs(
    k: &mut Kubectl<'_>,
    ns: &str,
    pod: &str,
    uid: &str,
    container: &str,
    from_start: bool,
    mut feed: Option<StdinFeed>,
) {
    let mut shown = 0usize;
    if !from_start {
        let node = k.api(|api| {
            api.store
                .get::<Pod>(ns, pod)
                .and_then(|p| p.node_name().map(str::to_string))
        });
        if let Some(node) = node {
            shown = k
                .cluster()
                .kubelet(&node)
                .and_then(|kl| kl.logs(uid, container, false))
                .map(|c| c.iter().map(|ch| ch.data.len()).sum())
                .unwrap_or(0);
        }
    }
    let interactive = k.proc().tty;
    let mut quiet_since = k.cluster().clock();
    loop {
        let node = k.api(|api| {
            api.store
                .get::<Pod>(ns, pod)
                .filter(|p| p.metadata.uid() == uid)
                .and_then(|p| p.node_name().map(str::to_string))
        });
        let Some(node) = node else { return };
        let (chunks, running) = {
            let c = k.cluster();
            let kl = c.kubelet(&node);
            (
                kl.and_then(|kl| kl.logs(uid, container, false))
                    .unwrap_or_default(),
                kl.is_some_and(|kl| kl.is_running(uid, container)),
            )
        };
        // Counted in bytes: writes at the same moment join the last chunk.
        let mut at = 0usize;
        for ch in &chunks {
            let end = at + ch.data.len();
            if end > shown {
                let from = shown.saturating_sub(at);
                k.out(String::from_utf8_lossy(&ch.data[from..]));
                shown = end;
                quiet_since = k.cluster().clock();
            }
            at = end;
        }
        if !running {
            return;
        }
        // The container waits for input: pass on what the user types, or
        // the end of it.
        if feed.is_some() && k.cluster().main_waits_for_input(&node, uid, container) {
            k.flush().await;
            let data = k.proc().read(0, 4096).await;
            match feed.take() {
                Some(fd) if !data.is_empty() => {
                    fd.writer.write(&data);
                    feed = Some(fd);
                    k.cluster().poke_pod(&node, uid);
                }
                Some(fd) => {
                    drop(fd.writer);
                    if fd.once {
                        k.cluster().close_stdin(&node, uid, container);
                    } else {
                        k.cluster().poke_pod(&node, uid);
                    }
                }
                None => {}
            }
            quiet_since = k.cluster().clock();
            continue;
        }
        if !interactive && k.cluster().clock() - quiet_since > 60_000 {
            return;
        }
        if k.proc().has_pending_signal() {
            return;
        }
        k.sleep(200).await;
    }
}

const ATTACH_FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("pod-running-timeout", None, FlagKind::Value),
];

/// `kubectl attach`: the running container's output from now on, until it
/// exits (or, with nobody to press Ctrl-C, until it has been quiet a while).
pub async fn attach(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("attach", args, ATTACH_FLAGS)?;
    let ns = k.namespace(&f);
    let target = match f.args.as_slice() {
        [] => {
            return Err(Fail::Msg(
                "at least 1 argument is required for attach".to_string(),
            ))
        }
        [one] => one.clone(),
        [kind, name] => format!("{kind}/{name}"),
        more => {
            return Err(Fail::Msg(format!(
                "expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]",
                more.len(),
                more.join(" ")
            )))
        }
    };
    let pod = resolve_pod(k, &ns, &target, "attach")?;
    let phase = pod.phase();
    if matches!(phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Err(Fail::Msg(format!(
            "cannot attach a container in a completed pod; current phase is {}",
            phase.as_str()
        )));
    }
    let quiet = f.bool("quiet");
    let c = default_container(k, &pod, f.get("container"), quiet)?;
    let spec = pod.spec.containers.iter().find(|x| x.name == c);
    if f.bool("tty") && !spec.is_some_and(|s| s.tty) && !quiet {
        k.err(format!(
            "Unable to use a TTY - container {c} did not allocate one\n"
        ));
    }
    if f.bool("stdin") && f.bool("tty") && spec.is_some_and(|s| s.tty) && !quiet {
        k.err("If you don't see a command prompt, try pressing enter.\n");
    }
    let name = pod.name().to_string();
    let uid = pod.metadata.uid().to_string();
    let feed = if f.bool("stdin") {
        stdin_feed(k, &pod, &c)
    } else {
        None
    };
    follow_logs(k, &ns, &name, &uid, &c, false, feed).await;
    Ok(0)
}

const EXEC_FLAGS: &[FlagDef] = &[
    flag("container", Some('c'), FlagKind::Value),
    flag("stdin", Some('i'), FlagKind::Bool),
    flag("tty", Some('t'), FlagKind::Bool),
    flag("quiet", Some('q'), FlagKind::Bool),
    flag("filename", Some('f'), FlagKind::List),
    flag("pod-running-timeout", None, FlagKind::Duration),
];

pub async fn exec(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let f = k.parse("exec", args, EXEC_FLAGS)?;
    let ns = k.namespace(&f);
    let Some(target) = f.args.first().cloned() else {
        return Err(Fail::Msg(
            "pod, type/name or --filename must be specified".to_string(),
        ));
    };
    let command = match &f.after_dash {
        Some(c) if !c.is_empty() => c.clone(),
        _ => {
            if f.args.len() > 1 {
                return Err(Fail::Raw(
                    "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n".to_string(),
                ));
            }
            return Err(Fail::Msg(
                "you must specify at least one command for the container".to_string(),
            ));
        }
    };
    let pod = resolve_pod(k, &ns, &target, "exec")?;
    let container = default_container(k, &pod, f.get("container"), f.bool("quiet"))?;
    match pod.phase() {
        PodPhase::Succeeded | PodPhase::Failed => {
            return Err(Fail::Msg(format!(
                "cannot exec into a container in a completed pod; current phase is {}",
                pod.phase()
            )))
        }
        _ => {}
    }
    let uid = pod.metadata.uid().to_string();
    let Some(node) = pod.node_name().map(str::to_string) else {
        return Err(Fail::Msg(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        )));
    };
    let running = k
        .cluster()
        .kubelet(&node)
        .is_some_and(|kl| kl.is_running(&uid, &container));
    if !running {
        return Err(Fail::Msg(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        )));
    }
    // With -t but no terminal (a script, a pipe), kubectl carries on
    // without one.
    let tty = f.bool("tty") && k.proc().tty;
    if f.bool("tty") && !k.proc().tty && !f.bool("quiet") {
        k.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    let handle = {
        let opts = ExecOptions {
            stdin: if f.bool("stdin") {
                Stdin::Interactive
            } else {
                Stdin::Empty
            },
            tty,
            env: Vec::new(),
        };
        let r = k
            .cluster()
            .exec_in(&node, &uid, &container, command.clone(), opts);
        match r {
            Ok(h) => h,
            Err(e) => {
                let prog = command.first().cloned().unwrap_or_default();
                let why = match e {
                    crate::userland::SpawnError::NotFound(_) if prog.contains('/') => {
                        format!("exec: \"{prog}\": stat {prog}: no such file or directory")
                    }
                    crate::userland::SpawnError::NotFound(_) => {
                        format!("exec: \"{prog}\": executable file not found in $PATH")
                    }
                    crate::userland::SpawnError::NotExecutable(_) => {
                        format!("exec: \"{prog}\": permission denied")
                    }
                    crate::userland::SpawnError::IsDir(_) => {
                        format!("exec: \"{prog}\": is a directory")
                    }
                };
                k.err(format!(
                    "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown\n",
                    crate::sim::rng::Rng::new(uid.len() as u64).hex(64)
                ));
                return Ok(1);
            }
        }
    };
    let mut input = handle.stdin;
    let status = loop {
        for ch in handle.output.take() {
            let text = String::from_utf8_lossy(&ch.data).into_owned();
            match ch.stream {
                Stream::Stdout => k.out(text),
                Stream::Stderr => k.err(text),
            }
        }
        let ended = k.cluster().exec_status(&node, &uid, &container, handle.pid);
        if let Some(st) = ended {
            // Output written at the very end.
            for ch in handle.output.take() {
                let text = String::from_utf8_lossy(&ch.data).into_owned();
                match ch.stream {
                    Stream::Stdout => k.out(text),
                    Stream::Stderr => k.err(text),
                }
            }
            break st;
        }
        // The container waits for input: pass on what the user types (or
        // the end of it), as the exec stream's stdin does.
        if input.is_some()
            && k.cluster()
                .exec_waits_for_input(&node, &uid, &container, handle.pid)
        {
            k.flush().await;
            let data = k.proc().read(0, 4096).await;
            match &input {
                Some(w) if !data.is_empty() => w.write(&data),
                _ => input = None,
            }
            k.cluster().poke_pod(&node, &uid);
            continue;
        }
        k.sleep(50).await;
    };
    let code = match status {
        ExitStatus::Code(0) => 0,
        other => {
            let c = other.code();
            k.err(format!("command terminated with exit code {c}\n"));
            c
        }
    };
    Ok(code)
}
