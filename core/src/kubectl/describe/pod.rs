//! Pods, and the pieces of a pod every controller describer reuses:
//! containers, probes, volumes, tolerations and the pod template.

use std::collections::BTreeMap;

use super::{
    annotations_multiline, controlled_by, events_section, labels_multiline,
    labels_multiline_indent, Doc,
};
use crate::api::corev1::pod_defaults::qos_class;
use crate::api::corev1::{
    Container, ContainerState, ContainerStatus, EnvVar, Pod, PodTemplateSpec, Probe, Toleration,
    TopologySpreadConstraint, Volume,
};
use crate::api::meta::IntOrString;
use crate::api::quantity::Quantity;
use crate::api::time::{format_rfc1123z, Time};
use crate::kubectl::printers::gofmt::quote;
use crate::kubectl::table::format::{format_label_selector, join_host_port, title_bool};
use crate::value::Value;

fn rfc1123z(t: Option<Time>) -> String {
    // Go formats the zero time as year 1; the API never sends one where
    // describe prints a time, so an absent time prints the epoch's format
    // of Go's zero value.
    match t {
        Some(t) => format_rfc1123z(t.seconds()),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

pub(super) fn time_rfc1123z(t: Option<Time>) -> String {
    rfc1123z(t)
}

/// `kubectl describe pod`.
pub fn describe_pod(
    pod: &Pod,
    events: Option<&[crate::api::corev1::Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &pod.metadata;
    let spec = &pod.spec;
    let status = &pod.status;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    if let Some(p) = spec.priority {
        w.write(0, &format!("Priority:\t{p}\n"));
    }
    if !spec.priority_class_name.is_empty() {
        w.write(
            0,
            &format!("Priority Class Name:\t{}\n", spec.priority_class_name),
        );
    }
    if let Some(rc) = spec.runtime_class_name.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if !spec.service_account_name.is_empty() {
        w.write(
            0,
            &format!("Service Account:\t{}\n", spec.service_account_name),
        );
    }
    if spec.node_name.is_empty() {
        w.write(0, "Node:\t<none>\n");
    } else {
        w.write(
            0,
            &format!("Node:\t{}/{}\n", spec.node_name, status.host_ip),
        );
    }
    if let Some(t) = status.start_time {
        w.write(0, &format!("Start Time:\t{}\n", rfc1123z(Some(t))));
    }
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    let phase = status.phase.as_str();
    if meta.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        if let Some(t) = super::terminating(meta, now_ms) {
            w.write(0, &format!("Status:\t{t}\n"));
        }
        w.write(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                meta.deletion_grace_period_seconds.unwrap_or(0)
            ),
        );
    } else {
        w.write(0, &format!("Status:\t{phase}\n"));
    }
    if !status.reason.is_empty() {
        w.write(0, &format!("Reason:\t{}\n", status.reason));
    }
    if !status.message.is_empty() {
        w.write(0, &format!("Message:\t{}\n", status.message));
    }
    if let Some(sp) = spec
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref())
    {
        w.write(0, &format!("SeccompProfile:\t{}\n", sp.type_));
        if sp.type_ == "Localhost" {
            w.write(
                0,
                &format!(
                    "LocalhostProfile:\t{}\n",
                    sp.localhost_profile.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(0, &format!("IP:\t{}\n", status.pod_ip));
    if status.pod_ips.is_empty() {
        w.write(0, "IPs:\t<none>\n");
    } else {
        w.write(0, "IPs:\n");
        for ip in &status.pod_ips {
            w.write(1, &format!("IP:\t{}\n", ip.ip));
        }
    }
    if let Some(c) = controlled_by(meta) {
        w.write(0, &format!("Controlled By:\t{c}\n"));
    }
    if !status.nominated_node_name.is_empty() {
        w.write(
            0,
            &format!("NominatedNodeName:\t{}\n", status.nominated_node_name),
        );
    }
    let env = EnvSource::Pod(pod);
    if !spec.init_containers.is_empty() {
        describe_containers(
            &mut w,
            "Init Containers",
            &spec.init_containers,
            Some(&status.init_container_statuses),
            &env,
            "",
        );
    }
    describe_containers(
        &mut w,
        "Containers",
        &spec.containers,
        Some(&status.container_statuses),
        &env,
        "",
    );
    if !spec.ephemeral_containers.is_empty() {
        let ephemeral: Vec<Container> = spec
            .ephemeral_containers
            .iter()
            .map(|e| Container {
                name: e.name.clone(),
                image: e.image.clone(),
                command: e.command.clone(),
                args: e.args.clone(),
                working_dir: e.working_dir.clone(),
                ports: e.ports.clone(),
                env_from: e.env_from.clone(),
                env: e.env.clone(),
                resources: e.resources.clone().unwrap_or_default(),
                volume_mounts: e.volume_mounts.clone(),
                volume_devices: e.volume_devices.clone(),
                liveness_probe: e.liveness_probe.clone(),
                readiness_probe: e.readiness_probe.clone(),
                startup_probe: e.startup_probe.clone(),
                security_context: e.security_context.clone(),
                ..Default::default()
            })
            .collect();
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            &ephemeral,
            Some(&status.ephemeral_container_statuses),
            &env,
            "",
        );
    }
    if !spec.readiness_gates.is_empty() {
        w.write(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in &spec.readiness_gates {
            let st = status
                .conditions
                .iter()
                .find(|c| c.type_ == g.condition_type)
                .map(|c| c.status.as_str())
                .unwrap_or("<none>");
            w.write(1, &format!("{} \t{} \n", g.condition_type, st));
        }
    }
    if !status.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for c in &status.conditions {
            w.write(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    describe_volumes(&mut w, &spec.volumes, "");
    let qos = if status.qos_class.is_empty() {
        qos_class(spec).to_string()
    } else {
        status.qos_class.clone()
    };
    w.write(0, &format!("QoS Class:\t{qos}\n"));
    labels_multiline(&mut w, "Node-Selectors", &spec.node_selector);
    tolerations_multiline(&mut w, "Tolerations", &spec.tolerations);
    describe_topology_spread(&mut w, &spec.topology_spread_constraints, "");
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// Where `fieldRef` environment values come from: a pod resolves them, a
/// template has nothing to resolve against.
pub(super) enum EnvSource<'a> {
    Pod(&'a Pod),
    Template,
}

fn index_field(fp: &str, prefix: &str) -> Option<String> {
    let rest = fp.strip_prefix(prefix)?.strip_suffix("']")?;
    Some(rest.to_string())
}

/// How kubectl prints a projected source's `optional` (`%v` of a *bool):
/// `<nil>` when unset. A set one prints as a pointer address in kubectl;
/// its value is the useful part.
fn go_bool_ptr(b: Option<bool>) -> String {
    match b {
        None => "<nil>".to_string(),
        Some(b) => b.to_string(),
    }
}

/// kubectl's `fieldpath.ExtractFieldPathAsString`: it knows only metadata,
/// so `spec.nodeName` or `status.podIP` print empty even on a running pod.
fn resolve_field(pod: &Pod, field_path: &str) -> String {
    let meta = &pod.metadata;
    if let Some(k) = index_field(field_path, "metadata.labels['") {
        return meta.labels.get(&k).cloned().unwrap_or_default();
    }
    if let Some(k) = index_field(field_path, "metadata.annotations['") {
        return meta.annotations.get(&k).cloned().unwrap_or_default();
    }
    let map_text = |m: &BTreeMap<String, String>| {
        m.iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match field_path {
        "metadata.name" => meta.name().to_string(),
        "metadata.namespace" => meta.namespace().to_string(),
        "metadata.uid" => meta.uid().to_string(),
        "metadata.labels" => map_text(&meta.labels),
        "metadata.annotations" => map_text(&meta.annotations),
        _ => String::new(),
    }
}

/// `resourcehelper.ExtractContainerResourceValue`: the quantity divided by
/// the divisor, rounded up.
fn resource_field_value(c: &Container, resource: &str, divisor: &Quantity) -> Option<String> {
    let (list, name) = match resource.split_once('.') {
        Some(("limits", n)) => (&c.resources.limits, n),
        Some(("requests", n)) => (&c.resources.requests, n),
        _ => return None,
    };
    let q = list.get(name).copied().unwrap_or_default();
    // Go divides as floats and rounds up; an unset divisor means 1 (one
    // core, one byte).
    let ceil_div = |a: i64, d: i64| (a as f64 / d as f64).ceil() as i64;
    let unset = divisor.millis() == 0;
    let value = match name {
        "cpu" => ceil_div(q.millis(), if unset { 1000 } else { divisor.millis() }),
        "memory" | "ephemeral-storage" => {
            ceil_div(q.units(), if unset { 1 } else { divisor.units().max(1) })
        }
        _ => return None,
    };
    Some(value.to_string())
}

/// `describeContainers`.
pub(super) fn describe_containers(
    w: &mut Doc,
    label: &str,
    containers: &[Container],
    statuses: Option<&[ContainerStatus]>,
    env: &EnvSource,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{space}{label}:{none}\n"));
    for c in containers {
        let status = statuses.and_then(|s| s.iter().find(|s| s.name == c.name));
        describe_container_basics(w, c, status, space);
        describe_command(w, c);
        if let Some(s) = status {
            describe_state(w, "State", &s.state);
            if s.last_state.terminated.is_some() {
                describe_state(w, "Last State", &s.last_state);
            }
            w.write(2, &format!("Ready:\t{}\n", title_bool(s.ready)));
            w.write(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        describe_resources(w, &c.resources.limits, &c.resources.requests, 2);
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        if !c.env_from.is_empty() {
            describe_env_from(w, c);
        }
        describe_env(w, c, env);
        describe_mounts(w, c);
    }
}

fn describe_container_basics(
    w: &mut Doc,
    c: &Container,
    status: Option<&ContainerStatus>,
    space: &str,
) {
    let name_indent = if space.is_empty() { "" } else { " " };
    w.write(1, &format!("{name_indent}{}:\n", c.name));
    if let Some(s) = status {
        w.write(2, &format!("Container ID:\t{}\n", s.container_id));
    }
    w.write(2, &format!("Image:\t{}\n", c.image));
    if let Some(s) = status {
        w.write(2, &format!("Image ID:\t{}\n", s.image_id));
    }
    let ports: Vec<String> = c
        .ports
        .iter()
        .map(|p| format!("{}/{}", p.container_port, p.protocol.as_str()))
        .collect();
    let host_ports: Vec<String> = c
        .ports
        .iter()
        .map(|p| format!("{}/{}", p.host_port, p.protocol.as_str()))
        .collect();
    for (one, many, list) in [
        ("Port", "Ports", ports),
        ("Host Port", "Host Ports", host_ports),
    ] {
        let joined = list.join(", ");
        if joined.contains(',') {
            w.write(2, &format!("{many}:\t{joined}\n"));
        } else if joined.is_empty() {
            w.write(2, &format!("{one}:\t<none>\n"));
        } else {
            w.write(2, &format!("{one}:\t{joined}\n"));
        }
    }
    if let Some(sp) = c
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref())
    {
        w.write(2, &format!("SeccompProfile:\t{}\n", sp.type_));
        if sp.type_ == "Localhost" {
            w.write(
                3,
                &format!(
                    "LocalhostProfile:\t{}\n",
                    sp.localhost_profile.as_deref().unwrap_or("")
                ),
            );
        }
    }
}

fn describe_command(w: &mut Doc, c: &Container) {
    for (title, list) in [("Command", &c.command), ("Args", &c.args)] {
        if list.is_empty() {
            continue;
        }
        w.write(2, &format!("{title}:\n"));
        for item in list {
            for s in item.split('\n') {
                w.write(3, &format!("{s}\n"));
            }
        }
    }
}

/// `describeStatus`: one container state.
fn describe_state(w: &mut Doc, name: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w.write(2, &format!("{name}:\tRunning\n"));
        w.write(3, &format!("Started:\t{}\n", rfc1123z(r.started_at)));
    } else if let Some(wt) = &state.waiting {
        w.write(2, &format!("{name}:\tWaiting\n"));
        if !wt.reason.is_empty() {
            w.write(3, &format!("Reason:\t{}\n", wt.reason));
        }
    } else if let Some(t) = &state.terminated {
        w.write(2, &format!("{name}:\tTerminated\n"));
        if !t.reason.is_empty() {
            w.write(3, &format!("Reason:\t{}\n", t.reason));
        }
        if !t.message.is_empty() {
            w.write(3, &format!("Message:\t{}\n", t.message));
        }
        w.write(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if t.signal > 0 {
            w.write(3, &format!("Signal:\t{}\n", t.signal));
        }
        w.write(3, &format!("Started:\t{}\n", rfc1123z(t.started_at)));
        w.write(3, &format!("Finished:\t{}\n", rfc1123z(t.finished_at)));
    } else {
        w.write(2, &format!("{name}:\tWaiting\n"));
    }
}

/// `describeResources`: limits, then requests, by resource name.
pub(super) fn describe_resources(
    w: &mut Doc,
    limits: &BTreeMap<String, Quantity>,
    requests: &BTreeMap<String, Quantity>,
    level: usize,
) {
    for (title, list) in [("Limits", limits), ("Requests", requests)] {
        if list.is_empty() {
            continue;
        }
        w.write(level, &format!("{title}:\n"));
        for (name, q) in list {
            w.write(level + 1, &format!("{name}:\t{}\n", q.canonical()));
        }
    }
}

fn int_or_string(v: &IntOrString) -> String {
    v.to_string()
}

/// Go's `url.PathEscape`-like path encoding of `url.URL.EscapedPath`.
fn escape_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'~'
                    | b'$'
                    | b'&'
                    | b'+'
                    | b','
                    | b'/'
                    | b':'
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s
/// period=10s #success=1 #failure=3`.
pub fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds,
        p.timeout_seconds,
        p.period_seconds,
        p.success_threshold,
        p.failure_threshold
    );
    if let Some(e) = &p.exec {
        return format!("exec [{}] {attrs}", e.command.join(" "));
    }
    if let Some(h) = &p.http_get {
        let port = int_or_string(&h.port);
        let host = if port.is_empty() {
            h.host.clone()
        } else {
            join_host_port(&h.host, &port)
        };
        let mut url = String::new();
        if !h.scheme.is_empty() {
            url.push_str(&h.scheme.to_lowercase());
            url.push(':');
        }
        if !h.scheme.is_empty() || !host.is_empty() {
            url.push_str("//");
            url.push_str(&host);
        }
        let path = escape_path(&h.path);
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            url.push('/');
        }
        url.push_str(&path);
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp-socket {}:{} {attrs}", t.host, int_or_string(&t.port));
    }
    if let Some(g) = &p.grpc {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g.port,
            g.service.as_deref().unwrap_or("")
        );
    }
    format!("unknown {attrs}")
}

fn describe_env_from(w: &mut Doc, c: &Container) {
    w.write(2, "Environment Variables from:\n");
    for e in &c.env_from {
        let (from, name, optional) = if let Some(r) = &e.config_map_ref {
            ("ConfigMap", r.name.as_str(), r.optional == Some(true))
        } else if let Some(r) = &e.secret_ref {
            ("Secret", r.name.as_str(), r.optional == Some(true))
        } else {
            ("", "", false)
        };
        if e.prefix.is_empty() {
            w.write(3, &format!("{name}\t{from}\tOptional: {optional}\n"));
        } else {
            w.write(
                3,
                &format!(
                    "{name}\t{from} with prefix '{}'\tOptional: {optional}\n",
                    e.prefix
                ),
            );
        }
    }
}

fn describe_env_var(w: &mut Doc, c: &Container, e: &EnvVar, env: &EnvSource) {
    let Some(from) = &e.value_from else {
        for (i, s) in e.value.split('\n').enumerate() {
            if i == 0 {
                w.write(3, &format!("{}:\t{s}\n", e.name));
            } else {
                w.write(3, &format!("\t{s}\n"));
            }
        }
        return;
    };
    if let Some(f) = &from.field_ref {
        let value = match env {
            EnvSource::Pod(p) => resolve_field(p, &f.field_path),
            EnvSource::Template => String::new(),
        };
        w.write(
            3,
            &format!(
                "{}:\t{value} ({}:{})\n",
                e.name, f.api_version, f.field_path
            ),
        );
    } else if let Some(r) = &from.resource_field_ref {
        let mut value = resource_field_value(c, &r.resource, &r.divisor).unwrap_or_default();
        if value == "0" && (r.resource == "limits.cpu" || r.resource == "limits.memory") {
            value = "node allocatable".to_string();
        }
        w.write(3, &format!("{}:\t{value} ({})\n", e.name, r.resource));
    } else if let Some(s) = &from.secret_key_ref {
        w.write(
            3,
            &format!(
                "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                e.name,
                s.key,
                s.name,
                s.optional == Some(true)
            ),
        );
    } else if let Some(s) = &from.config_map_key_ref {
        w.write(
            3,
            &format!(
                "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                e.name,
                s.key,
                s.name,
                s.optional == Some(true)
            ),
        );
    }
}

fn describe_env(w: &mut Doc, c: &Container, env: &EnvSource) {
    if c.env.is_empty() {
        w.write(2, "Environment:\t<none>\n");
        return;
    }
    w.write(2, "Environment:\n");
    for e in &c.env {
        describe_env_var(w, c, e, env);
    }
}

fn describe_mounts(w: &mut Doc, c: &Container) {
    if c.volume_mounts.is_empty() {
        w.write(2, "Mounts:\t<none>\n");
    } else {
        w.write(2, "Mounts:\n");
    }
    let mut mounts: Vec<_> = c.volume_mounts.iter().collect();
    mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for m in mounts {
        let mut flags = vec![if m.read_only {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        if !m.sub_path.is_empty() {
            flags.push(format!("path={}", quote(&m.sub_path)));
        }
        w.write(
            3,
            &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
        );
    }
    if !c.volume_devices.is_empty() {
        let none = if c.volume_mounts.is_empty() {
            "\t<none>"
        } else {
            ""
        };
        w.write(2, &format!("Devices:{none}\n"));
        let mut devices: Vec<_> = c.volume_devices.iter().collect();
        devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
        for d in devices {
            w.write(3, &format!("{} from {}\n", d.device_path, d.name));
        }
    }
}

fn bool_field(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `describeVolumes`.
pub(super) fn describe_volumes(w: &mut Doc, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.write(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.write(1, &format!("{name_indent}{}:\n", v.name));
        describe_volume_source(w, v);
    }
}

fn describe_volume_source(w: &mut Doc, v: &Volume) {
    if let Some(h) = &v.host_path {
        w.write(
            2,
            &format!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                h.path,
                h.type_.as_deref().unwrap_or("<none>")
            ),
        );
    } else if let Some(e) = &v.empty_dir {
        let size = match &e.size_limit {
            Some(q) if !q.is_zero() && !q.is_negative() => q.canonical(),
            _ => "<unset>".to_string(),
        };
        w.write(
            2,
            &format!(
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                e.medium
            ),
        );
    } else if let Some(g) = &v.git_repo {
        w.write(
            2,
            &format!(
                "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t{}\n    Revision:\t{}\n",
                str_field(g, "repository"),
                str_field(g, "revision")
            ),
        );
    } else if let Some(s) = &v.secret {
        w.write(
            2,
            &format!(
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                s.secret_name,
                s.optional == Some(true)
            ),
        );
    } else if let Some(c) = &v.config_map {
        w.write(
            2,
            &format!(
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                c.name,
                c.optional == Some(true)
            ),
        );
    } else if let Some(n) = &v.nfs {
        w.write(
            2,
            &format!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                n.server, n.path, n.read_only
            ),
        );
    } else if let Some(c) = &v.persistent_volume_claim {
        w.write(
            2,
            &format!(
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                c.claim_name, c.read_only
            ),
        );
    } else if v.ephemeral.is_some() {
        w.write(
            2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
        );
    } else if let Some(d) = &v.downward_api {
        w.write(
            2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in &d.items {
            if let Some(f) = &item.field_ref {
                w.write(3, &format!("{} -> {}\n", f.field_path, item.path));
            }
            if let Some(r) = &item.resource_field_ref {
                w.write(3, &format!("{} -> {}\n", r.resource, item.path));
            }
        }
    } else if let Some(p) = &v.projected {
        w.write(
            2,
            "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
        );
        for s in &p.sources {
            if let Some(sec) = &s.secret {
                w.write(
                    2,
                    &format!(
                        "SecretName:\t{}\n    SecretOptionalName:\t{}\n",
                        sec.name,
                        go_bool_ptr(sec.optional)
                    ),
                );
            } else if s.downward_api.is_some() {
                w.write(2, "DownwardAPI:\ttrue\n");
            } else if let Some(cm) = &s.config_map {
                w.write(
                    2,
                    &format!(
                        "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n",
                        cm.name,
                        go_bool_ptr(cm.optional)
                    ),
                );
            } else if let Some(t) = &s.service_account_token {
                w.write(
                    2,
                    &format!(
                        "TokenExpirationSeconds:\t{}\n",
                        t.expiration_seconds.unwrap_or(3600)
                    ),
                );
            }
        }
    } else if let Some(c) = &v.csi {
        w.write(
            2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                str_field(c, "driver"),
                str_field(c, "fsType"),
                bool_field(c, "readOnly")
            ),
        );
        let attrs: BTreeMap<String, String> = c
            .get("volumeAttributes")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        csi_attributes(w, &attrs);
    } else if let Some(i) = &v.image {
        w.write(
            2,
            &format!(
                "Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n",
                str_field(i, "reference"),
                str_field(i, "pullPolicy")
            ),
        );
    } else {
        w.write(1, "<unknown>\n");
    }
}

/// `printCSIPersistentVolumeAttributesMultiline`.
pub(super) fn csi_attributes(w: &mut Doc, attrs: &BTreeMap<String, String>) {
    w.write(2, "VolumeAttributes:\t");
    if attrs.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i != 0 {
            w.write(2, "");
            w.write(2, "\t");
        }
        let line = format!("{k}={v}");
        if line.len() > 140 {
            w.write(2, &format!("{}...\n", super::cut(&line, 140)));
        } else {
            w.write(2, &format!("{line}\n"));
        }
    }
}

/// `printTolerationsMultilineWithIndent`: `key=value:Effect op=Exists for
/// 300s`, sorted by key.
pub(super) fn tolerations_multiline(w: &mut Doc, title: &str, tolerations: &[Toleration]) {
    w.write(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push_str(&format!("={}", t.value));
        }
        if !t.effect.is_empty() {
            s.push_str(&format!(":{}", t.effect));
        }
        if t.operator == "Exists" && t.value.is_empty() {
            if !t.key.is_empty() || !t.effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.write(0, &format!("{s}\n"));
    }
}

fn describe_topology_spread(w: &mut Doc, tscs: &[TopologySpreadConstraint], space: &str) {
    if tscs.is_empty() {
        return;
    }
    let mut sorted: Vec<&TopologySpreadConstraint> = tscs.iter().collect();
    sorted.sort_by(|a, b| a.topology_key.cmp(&b.topology_key));
    w.write(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(0, space);
            w.write(0, "\t");
        }
        let mut s = format!(
            "{}:{} when max skew {} is exceeded",
            t.topology_key, t.when_unsatisfiable, t.max_skew
        );
        if let Some(sel) = &t.label_selector {
            s.push_str(&format!(
                " for selector {}",
                format_label_selector(Some(sel))
            ));
        }
        w.write(0, &format!("{s}\n"));
    }
}

/// `DescribePodTemplate`.
pub(super) fn describe_pod_template(w: &mut Doc, template: &PodTemplateSpec) {
    w.write(0, "Pod Template:\n");
    labels_multiline_indent(w, "", "  Labels", &template.metadata.labels);
    if !template.metadata.annotations.is_empty() {
        annotations_multiline(w, "  Annotations", &template.metadata.annotations);
    }
    let spec = &template.spec;
    if !spec.service_account_name.is_empty() {
        w.write(
            1,
            &format!("Service Account:\t{}\n", spec.service_account_name),
        );
    }
    if !spec.init_containers.is_empty() {
        describe_containers(
            w,
            "Init Containers",
            &spec.init_containers,
            None,
            &EnvSource::Template,
            "  ",
        );
    }
    describe_containers(
        w,
        "Containers",
        &spec.containers,
        None,
        &EnvSource::Template,
        "  ",
    );
    describe_volumes(w, &spec.volumes, "  ");
    describe_topology_spread(w, &spec.topology_spread_constraints, "  ");
    if !spec.priority_class_name.is_empty() {
        w.write(
            1,
            &format!("Priority Class Name:\t{}\n", spec.priority_class_name),
        );
    }
    labels_multiline_indent(w, "", "  Node-Selectors", &spec.node_selector);
    tolerations_multiline(w, "  Tolerations", &spec.tolerations);
}
