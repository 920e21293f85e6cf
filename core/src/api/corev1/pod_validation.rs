//! Pod validation (`ValidatePodCreate`, `ValidatePodSpec`,
//! `ValidatePodTemplateSpec`, `ValidatePodUpdate`) with the API server's
//! field paths and messages.

use std::collections::{BTreeMap, BTreeSet};

use super::pod::*;
use crate::api::meta::IntOrString;
use crate::api::quantity::Quantity;
use crate::api::validation::*;

/// Validates a pod spec at `path` (`spec` or `spec.template.spec`).
pub fn validate_pod_spec(spec: &PodSpec, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    let volumes = validate_volumes(&spec.volumes, &path.child("volumes"), &mut errs);
    let mut names = BTreeSet::new();
    validate_init_containers(spec, &volumes, path, &mut names, &mut errs);
    if spec.containers.is_empty() {
        errs.push(FieldErr::required(path.child("containers"), ""));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        let p = path.child("containers").index(i);
        validate_container(c, &p, &volumes, &mut names, &mut errs);
        for (kind, probe) in [
            ("livenessProbe", &c.liveness_probe),
            ("readinessProbe", &c.readiness_probe),
            ("startupProbe", &c.startup_probe),
        ] {
            if let Some(probe) = probe {
                validate_probe(probe, kind, &p.child(kind), c, &mut errs);
            }
        }
        if let Some(lc) = &c.lifecycle {
            validate_lifecycle(lc, &p.child("lifecycle"), &mut errs);
        }
        if !c.restart_policy.as_deref().unwrap_or("").is_empty() {
            errs.push(FieldErr::forbidden(
                p.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    if !spec.restart_policy.is_known() {
        errs.push(if spec.restart_policy.as_str().is_empty() {
            FieldErr::required(path.child("restartPolicy"), "")
        } else {
            FieldErr::not_supported(
                path.child("restartPolicy"),
                spec.restart_policy.as_str(),
                &["Always", "Never", "OnFailure"],
            )
        });
    }
    if !spec.dns_policy.is_known() {
        errs.push(FieldErr::not_supported(
            path.child("dnsPolicy"),
            spec.dns_policy.as_str(),
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ));
    }
    errs.extend(validate_labels(
        &spec.node_selector,
        &path.child("nodeSelector"),
    ));
    if !spec.node_name.is_empty() {
        errs.extend(validate_subdomain(&path.child("nodeName"), &spec.node_name));
    }
    if !spec.service_account_name.is_empty() {
        errs.extend(validate_subdomain(
            &path.child("serviceAccountName"),
            &spec.service_account_name,
        ));
    }
    if let Some(g) = spec.termination_grace_period_seconds {
        if g < 0 {
            errs.push(FieldErr::invalid(
                path.child("terminationGracePeriodSeconds"),
                g,
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(d) = spec.active_deadline_seconds {
        if d <= 0 {
            errs.push(FieldErr::invalid(
                path.child("activeDeadlineSeconds"),
                d,
                "must be between 1 and 2147483647, inclusive",
            ));
        }
    }
    if !spec.hostname.is_empty() {
        errs.extend(validate_label_name(&path.child("hostname"), &spec.hostname));
    }
    if !spec.subdomain.is_empty() {
        errs.extend(validate_label_name(
            &path.child("subdomain"),
            &spec.subdomain,
        ));
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        validate_toleration(t, &path.child("tolerations").index(i), &mut errs);
    }
    if let Some(aff) = &spec.affinity {
        validate_affinity(aff, &path.child("affinity"), &mut errs);
    }
    errs
}

fn validate_init_containers(
    spec: &PodSpec,
    volumes: &BTreeSet<String>,
    path: &Path,
    names: &mut BTreeSet<String>,
    errs: &mut FieldErrs,
) {
    for (i, c) in spec.init_containers.iter().enumerate() {
        let p = path.child("initContainers").index(i);
        validate_container(c, &p, volumes, names, errs);
        let sidecar = c.restart_policy.as_deref() == Some("Always");
        match c.restart_policy.as_deref() {
            None | Some("Always") => {}
            Some(other) => errs.push(FieldErr::not_supported(
                p.child("restartPolicy"),
                other,
                &["Always"],
            )),
        }
        if !sidecar {
            for (kind, probe) in [
                ("livenessProbe", &c.liveness_probe),
                ("readinessProbe", &c.readiness_probe),
                ("startupProbe", &c.startup_probe),
            ] {
                if probe.is_some() {
                    errs.push(FieldErr::forbidden(
                        p.child(kind),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
            if c.lifecycle.is_some() {
                errs.push(FieldErr::forbidden(
                    p.child("lifecycle"),
                    "may not be set for init containers without restartPolicy=Always",
                ));
            }
        } else {
            for (kind, probe) in [
                ("livenessProbe", &c.liveness_probe),
                ("readinessProbe", &c.readiness_probe),
                ("startupProbe", &c.startup_probe),
            ] {
                if let Some(probe) = probe {
                    validate_probe(probe, kind, &p.child(kind), c, errs);
                }
            }
        }
    }
}

fn validate_volumes(vols: &[Volume], path: &Path, errs: &mut FieldErrs) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, v) in vols.iter().enumerate() {
        let p = path.index(i);
        if v.name.is_empty() {
            errs.push(FieldErr::required(p.child("name"), ""));
        } else {
            errs.extend(validate_label_name(&p.child("name"), &v.name));
            if !names.insert(v.name.clone()) {
                errs.push(FieldErr::duplicate(p.child("name"), v.name.as_str()));
            }
        }
        let sources: Vec<&str> = volume_source_names(v);
        match sources.as_slice() {
            [] => errs.push(FieldErr::required(p.clone(), "must specify a volume type")),
            [_] => {}
            [_, rest @ ..] => {
                for s in rest {
                    errs.push(FieldErr::forbidden(
                        p.child(s),
                        "may not specify more than 1 volume type",
                    ));
                }
            }
        }
        if let Some(h) = &v.host_path {
            if h.path.is_empty() {
                errs.push(FieldErr::required(p.child("hostPath").child("path"), ""));
            }
        }
        if let Some(c) = &v.persistent_volume_claim {
            if c.claim_name.is_empty() {
                errs.push(FieldErr::required(
                    p.child("persistentVolumeClaim").child("claimName"),
                    "",
                ));
            }
        }
        if let Some(c) = &v.config_map {
            if c.name.is_empty() {
                errs.push(FieldErr::required(p.child("configMap").child("name"), ""));
            }
            validate_key_paths(&c.items, &p.child("configMap").child("items"), errs);
        }
        if let Some(s) = &v.secret {
            if s.secret_name.is_empty() {
                errs.push(FieldErr::required(
                    p.child("secret").child("secretName"),
                    "",
                ));
            }
            validate_key_paths(&s.items, &p.child("secret").child("items"), errs);
        }
    }
    names
}

fn validate_key_paths(items: &[KeyToPath], path: &Path, errs: &mut FieldErrs) {
    for (i, item) in items.iter().enumerate() {
        let p = path.index(i);
        if item.key.is_empty() {
            errs.push(FieldErr::required(p.child("key"), ""));
        }
        if item.path.is_empty() {
            errs.push(FieldErr::required(p.child("path"), ""));
        } else if item.path.starts_with('/') {
            errs.push(FieldErr::invalid(
                p.child("path"),
                item.path.as_str(),
                "must be a relative path",
            ));
        } else if item.path.split('/').any(|part| part == "..") {
            errs.push(FieldErr::invalid(
                p.child("path"),
                item.path.as_str(),
                "must not contain '..'",
            ));
        }
    }
}

/// The JSON names of the sources a volume sets.
pub fn volume_source_names(v: &Volume) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |set: bool, name: &'static str| {
        if set {
            out.push(name);
        }
    };
    add(v.host_path.is_some(), "hostPath");
    add(v.empty_dir.is_some(), "emptyDir");
    add(v.gce_persistent_disk.is_some(), "gcePersistentDisk");
    add(v.aws_elastic_block_store.is_some(), "awsElasticBlockStore");
    add(v.git_repo.is_some(), "gitRepo");
    add(v.secret.is_some(), "secret");
    add(v.nfs.is_some(), "nfs");
    add(v.iscsi.is_some(), "iscsi");
    add(v.glusterfs.is_some(), "glusterfs");
    add(v.persistent_volume_claim.is_some(), "persistentVolumeClaim");
    add(v.rbd.is_some(), "rbd");
    add(v.flex_volume.is_some(), "flexVolume");
    add(v.cinder.is_some(), "cinder");
    add(v.cephfs.is_some(), "cephfs");
    add(v.flocker.is_some(), "flocker");
    add(v.downward_api.is_some(), "downwardAPI");
    add(v.fc.is_some(), "fc");
    add(v.azure_file.is_some(), "azureFile");
    add(v.config_map.is_some(), "configMap");
    add(v.vsphere_volume.is_some(), "vsphereVolume");
    add(v.quobyte.is_some(), "quobyte");
    add(v.azure_disk.is_some(), "azureDisk");
    add(v.photon_persistent_disk.is_some(), "photonPersistentDisk");
    add(v.projected.is_some(), "projected");
    add(v.portworx_volume.is_some(), "portworxVolume");
    add(v.scale_io.is_some(), "scaleIO");
    add(v.storageos.is_some(), "storageos");
    add(v.csi.is_some(), "csi");
    add(v.ephemeral.is_some(), "ephemeral");
    add(v.image.is_some(), "image");
    out
}

const ENV_NAME_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

fn validate_container(
    c: &Container,
    p: &Path,
    volumes: &BTreeSet<String>,
    names: &mut BTreeSet<String>,
    errs: &mut FieldErrs,
) {
    if c.name.is_empty() {
        errs.push(FieldErr::required(p.child("name"), ""));
    } else {
        errs.extend(validate_label_name(&p.child("name"), &c.name));
        if !names.insert(c.name.clone()) {
            errs.push(FieldErr::duplicate(p.child("name"), c.name.as_str()));
        }
    }
    if c.image.is_empty() {
        errs.push(FieldErr::required(p.child("image"), ""));
    } else if c.image.trim() != c.image {
        errs.push(FieldErr::invalid(
            p.child("image"),
            c.image.as_str(),
            "must not have leading or trailing whitespace",
        ));
    }
    if !c.image_pull_policy.is_known() {
        errs.push(if c.image_pull_policy.as_str().is_empty() {
            FieldErr::required(p.child("imagePullPolicy"), "")
        } else {
            FieldErr::not_supported(
                p.child("imagePullPolicy"),
                c.image_pull_policy.as_str(),
                &["Always", "IfNotPresent", "Never"],
            )
        });
    }
    let mut port_names = BTreeSet::new();
    for (i, port) in c.ports.iter().enumerate() {
        let pp = p.child("ports").index(i);
        if !port.name.is_empty() {
            errs.extend(validate_port_name(&pp.child("name"), &port.name));
            if !port_names.insert(port.name.clone()) {
                errs.push(FieldErr::duplicate(pp.child("name"), port.name.as_str()));
            }
        }
        if port.container_port == 0 {
            errs.push(FieldErr::required(pp.child("containerPort"), ""));
        } else if !(1..=65535).contains(&port.container_port) {
            errs.push(FieldErr::invalid(
                pp.child("containerPort"),
                port.container_port,
                "must be between 1 and 65535, inclusive",
            ));
        }
        if port.host_port != 0 && !(1..=65535).contains(&port.host_port) {
            errs.push(FieldErr::invalid(
                pp.child("hostPort"),
                port.host_port,
                "must be between 1 and 65535, inclusive",
            ));
        }
        if !port.protocol.is_known() {
            errs.push(if port.protocol.as_str().is_empty() {
                FieldErr::required(pp.child("protocol"), "")
            } else {
                FieldErr::not_supported(
                    pp.child("protocol"),
                    port.protocol.as_str(),
                    &["SCTP", "TCP", "UDP"],
                )
            });
        }
    }
    for (i, e) in c.env.iter().enumerate() {
        let ep = p.child("env").index(i);
        if e.name.is_empty() {
            errs.push(FieldErr::required(ep.child("name"), ""));
        } else if !is_env_var_name(&e.name) {
            errs.push(FieldErr::invalid(
                ep.child("name"),
                e.name.as_str(),
                ENV_NAME_MSG,
            ));
        }
        if let Some(src) = &e.value_from {
            let vp = ep.child("valueFrom");
            let count = [
                src.field_ref.is_some(),
                src.resource_field_ref.is_some(),
                src.config_map_key_ref.is_some(),
                src.secret_key_ref.is_some(),
            ]
            .iter()
            .filter(|&&b| b)
            .count();
            if !e.value.is_empty() && count > 0 {
                errs.push(FieldErr::invalid(
                    vp.clone(),
                    BadValue::Omit,
                    "may not be specified when `value` is not empty",
                ));
            }
            if count == 0 {
                errs.push(FieldErr::invalid(
                    vp.clone(),
                    BadValue::Omit,
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                ));
            } else if count > 1 {
                errs.push(FieldErr::invalid(
                    vp.clone(),
                    BadValue::Omit,
                    "may not have more than one field specified at a time",
                ));
            }
            if let Some(f) = &src.field_ref {
                validate_field_ref(
                    &f.field_path,
                    &vp.child("fieldRef").child("fieldPath"),
                    errs,
                );
            }
            if let Some(k) = &src.config_map_key_ref {
                if k.key.is_empty() {
                    errs.push(FieldErr::required(
                        vp.child("configMapKeyRef").child("key"),
                        "",
                    ));
                }
                if k.name.is_empty() {
                    errs.push(FieldErr::required(
                        vp.child("configMapKeyRef").child("name"),
                        "",
                    ));
                }
            }
            if let Some(k) = &src.secret_key_ref {
                if k.key.is_empty() {
                    errs.push(FieldErr::required(
                        vp.child("secretKeyRef").child("key"),
                        "",
                    ));
                }
                if k.name.is_empty() {
                    errs.push(FieldErr::required(
                        vp.child("secretKeyRef").child("name"),
                        "",
                    ));
                }
            }
        }
    }
    let mut mount_paths = BTreeSet::new();
    for (i, m) in c.volume_mounts.iter().enumerate() {
        let mp = p.child("volumeMounts").index(i);
        if m.name.is_empty() {
            errs.push(FieldErr::required(mp.child("name"), ""));
        } else if !volumes.contains(&m.name) {
            errs.push(FieldErr::not_found(mp.child("name"), m.name.as_str()));
        }
        if m.mount_path.is_empty() {
            errs.push(FieldErr::required(mp.child("mountPath"), ""));
        } else if !mount_paths.insert(m.mount_path.clone()) {
            errs.push(FieldErr::invalid(
                mp.child("mountPath"),
                m.mount_path.as_str(),
                "must be unique",
            ));
        }
    }
    validate_resources(&c.resources, &p.child("resources"), errs);
}

fn validate_port_name(path: &Path, name: &str) -> FieldErrs {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push(FieldErr::invalid(
            path.clone(),
            name,
            "must be no more than 15 characters",
        ));
    }
    let b = name.as_bytes();
    if !b
        .iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
    {
        errs.push(FieldErr::invalid(
            path.clone(),
            name,
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ));
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        errs.push(FieldErr::invalid(
            path.clone(),
            name,
            "must contain at least one letter (a-z)",
        ));
    }
    if name.contains("--") {
        errs.push(FieldErr::invalid(
            path.clone(),
            name,
            "must not contain consecutive hyphens",
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push(FieldErr::invalid(
            path.clone(),
            name,
            "must not begin or end with a hyphen",
        ));
    }
    errs
}

fn is_env_var_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

const FIELD_REF_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

fn validate_field_ref(field_path: &str, path: &Path, errs: &mut FieldErrs) {
    if field_path.is_empty() {
        errs.push(FieldErr::required(path.clone(), ""));
        return;
    }
    let base = if let Some(rest) = field_path
        .strip_prefix("metadata.labels[")
        .or_else(|| field_path.strip_prefix("metadata.annotations["))
    {
        if rest.ends_with("']") || rest.ends_with(']') {
            return;
        }
        field_path
    } else {
        field_path
    };
    if !FIELD_REF_PATHS.contains(&base) {
        errs.push(FieldErr::not_supported(path.clone(), base, FIELD_REF_PATHS));
    }
}

const RESOURCE_NAMES: &[&str] = &["cpu", "memory", "ephemeral-storage"];

fn validate_resources(r: &ResourceRequirements, path: &Path, errs: &mut FieldErrs) {
    for (field, list) in [("limits", &r.limits), ("requests", &r.requests)] {
        for (name, q) in list {
            let p = path.child(field).key(name);
            if !RESOURCE_NAMES.contains(&name.as_str())
                && !name.contains('/')
                && !name.starts_with("hugepages-")
            {
                errs.push(FieldErr::invalid(
                    p.clone(),
                    name.as_str(),
                    "must be a standard resource type or fully qualified",
                ));
            }
            if q.is_negative() {
                errs.push(FieldErr::invalid(
                    p,
                    q.canonical(),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    for (name, req) in &r.requests {
        if let Some(limit) = r.limits.get(name) {
            if req > limit {
                errs.push(FieldErr::invalid(
                    path.child("requests").key(name),
                    req.canonical(),
                    &format!(
                        "must be less than or equal to {name} limit of {}",
                        limit.canonical()
                    ),
                ));
            }
        }
    }
}

fn handler_names(exec: bool, http: bool, tcp: bool, grpc: bool, sleep: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (set, name) in [
        (exec, "exec"),
        (http, "httpGet"),
        (tcp, "tcpSocket"),
        (grpc, "grpc"),
        (sleep, "sleep"),
    ] {
        if set {
            out.push(name);
        }
    }
    out
}

fn validate_probe(probe: &Probe, kind: &str, p: &Path, c: &Container, errs: &mut FieldErrs) {
    let handlers = handler_names(
        probe.exec.is_some(),
        probe.http_get.is_some(),
        probe.tcp_socket.is_some(),
        probe.grpc.is_some(),
        false,
    );
    match handlers.as_slice() {
        [] => errs.push(FieldErr::required(p.clone(), "must specify a handler type")),
        [_] => {}
        [_, rest @ ..] => {
            for h in rest {
                errs.push(FieldErr::forbidden(
                    p.child(h),
                    "may not specify more than 1 handler type",
                ));
            }
        }
    }
    for (field, v) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        errs.extend(validate_nonnegative(&p.child(field), v.into()));
    }
    if kind != "readinessProbe" && probe.success_threshold != 1 {
        errs.push(FieldErr::invalid(
            p.child("successThreshold"),
            probe.success_threshold,
            "must be 1",
        ));
    }
    if let Some(g) = probe.termination_grace_period_seconds {
        if kind == "readinessProbe" {
            errs.push(FieldErr::invalid(
                p.child("terminationGracePeriodSeconds"),
                g,
                "must not be set for readinessProbes",
            ));
        } else if g <= 0 {
            errs.push(FieldErr::invalid(
                p.child("terminationGracePeriodSeconds"),
                g,
                "must be greater than 0",
            ));
        }
    }
    if let Some(g) = &probe.http_get {
        validate_port_ref(&g.port, &p.child("httpGet").child("port"), c, errs);
        if !matches!(g.scheme.as_str(), "HTTP" | "HTTPS") {
            errs.push(FieldErr::not_supported(
                p.child("httpGet").child("scheme"),
                g.scheme.as_str(),
                &["HTTP", "HTTPS"],
            ));
        }
    }
    if let Some(t) = &probe.tcp_socket {
        validate_port_ref(&t.port, &p.child("tcpSocket").child("port"), c, errs);
    }
    if let Some(g) = &probe.grpc {
        if !(1..=65535).contains(&g.port) {
            errs.push(FieldErr::invalid(
                p.child("grpc").child("port"),
                g.port,
                "must be between 1 and 65535, inclusive",
            ));
        }
    }
    if let Some(e) = &probe.exec {
        if e.command.is_empty() {
            errs.push(FieldErr::required(p.child("exec").child("command"), ""));
        }
    }
}

fn validate_port_ref(port: &IntOrString, path: &Path, c: &Container, errs: &mut FieldErrs) {
    match port {
        IntOrString::Int(n) => {
            if !(1..=65535).contains(n) {
                errs.push(FieldErr::invalid(
                    path.clone(),
                    *n,
                    "must be between 1 and 65535, inclusive",
                ));
            }
        }
        IntOrString::String(name) => {
            let mut sub = validate_port_name(path, name);
            if sub.is_empty() && !c.ports.iter().any(|p| &p.name == name) {
                // The kubelet reports an unknown named port when probing.
                sub.clear();
            }
            errs.extend(sub);
        }
    }
}

fn validate_lifecycle(lc: &Lifecycle, path: &Path, errs: &mut FieldErrs) {
    for (field, h) in [("postStart", &lc.post_start), ("preStop", &lc.pre_stop)] {
        let Some(h) = h else { continue };
        let p = path.child(field);
        let handlers = handler_names(
            h.exec.is_some(),
            h.http_get.is_some(),
            h.tcp_socket.is_some(),
            false,
            h.sleep.is_some(),
        );
        match handlers.as_slice() {
            [] => errs.push(FieldErr::required(p.clone(), "must specify a handler type")),
            ["tcpSocket"] => errs.push(FieldErr::forbidden(
                p.child("tcpSocket"),
                "may not specify more than 1 handler type",
            )),
            [_] => {}
            [_, rest @ ..] => {
                for r in rest {
                    errs.push(FieldErr::forbidden(
                        p.child(r),
                        "may not specify more than 1 handler type",
                    ));
                }
            }
        }
        if let Some(s) = &h.sleep {
            if s.seconds < 0 {
                errs.push(FieldErr::invalid(
                    p.child("sleep").child("seconds"),
                    s.seconds,
                    "must be greater than or equal to 0",
                ));
            }
        }
        if let Some(e) = &h.exec {
            if e.command.is_empty() {
                errs.push(FieldErr::required(p.child("exec").child("command"), ""));
            }
        }
    }
}

fn validate_toleration(t: &Toleration, p: &Path, errs: &mut FieldErrs) {
    if !t.key.is_empty() {
        for msg in qualified_name_errors(&t.key) {
            errs.push(FieldErr::invalid(p.child("key"), t.key.as_str(), &msg));
        }
    }
    match t.operator.as_str() {
        "" | "Equal" => {}
        "Exists" => {
            if !t.value.is_empty() {
                errs.push(FieldErr::invalid(
                    p.child("operator"),
                    t.value.as_str(),
                    "value must be empty when `operator` is 'Exists'",
                ));
            }
        }
        other => errs.push(FieldErr::not_supported(
            p.child("operator"),
            other,
            &["Equal", "Exists"],
        )),
    }
    if t.key.is_empty() && t.operator != "Exists" {
        errs.push(FieldErr::invalid(
            p.child("operator"),
            t.operator.as_str(),
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
        ));
    }
    if t.toleration_seconds.is_some() && t.effect != "NoExecute" {
        errs.push(FieldErr::invalid(
            p.child("effect"),
            t.effect.as_str(),
            "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ));
    }
    if !matches!(
        t.effect.as_str(),
        "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute"
    ) {
        errs.push(FieldErr::not_supported(
            p.child("effect"),
            t.effect.as_str(),
            &["NoExecute", "NoSchedule", "PreferNoSchedule"],
        ));
    }
}

fn validate_node_selector_term(term: &NodeSelectorTerm, p: &Path, errs: &mut FieldErrs) {
    for (i, req) in term.match_expressions.iter().enumerate() {
        let rp = p.child("matchExpressions").index(i);
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if req.values.is_empty() {
                    errs.push(FieldErr::required(
                        rp.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !req.values.is_empty() {
                    errs.push(FieldErr::forbidden(
                        rp.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            "Gt" | "Lt" => {
                if req.values.len() != 1 {
                    errs.push(FieldErr::required(
                        rp.child("values"),
                        "must be specified single value when `operator` is 'Lt' or 'Gt'",
                    ));
                }
            }
            other => errs.push(FieldErr::invalid(
                rp.child("operator"),
                other,
                "not a valid selector operator",
            )),
        }
        for msg in qualified_name_errors(&req.key) {
            errs.push(FieldErr::invalid(rp.child("key"), req.key.as_str(), &msg));
        }
    }
}

fn validate_affinity(aff: &Affinity, p: &Path, errs: &mut FieldErrs) {
    if let Some(na) = &aff.node_affinity {
        let np = p.child("nodeAffinity");
        if let Some(req) = &na.required_during_scheduling_ignored_during_execution {
            let rp = np
                .child("requiredDuringSchedulingIgnoredDuringExecution")
                .child("nodeSelectorTerms");
            if req.node_selector_terms.is_empty() {
                errs.push(FieldErr::required(
                    rp.clone(),
                    "must have at least one node selector term",
                ));
            }
            for (i, t) in req.node_selector_terms.iter().enumerate() {
                validate_node_selector_term(t, &rp.index(i), errs);
            }
        }
        for (i, pref) in na
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            let pp = np
                .child("preferredDuringSchedulingIgnoredDuringExecution")
                .index(i);
            if !(1..=100).contains(&pref.weight) {
                errs.push(FieldErr::invalid(
                    pp.child("weight"),
                    pref.weight,
                    "must be in the range 1-100",
                ));
            }
            validate_node_selector_term(&pref.preference, &pp.child("preference"), errs);
        }
    }
    for (field, pa) in [
        ("podAffinity", &aff.pod_affinity),
        ("podAntiAffinity", &aff.pod_anti_affinity),
    ] {
        let Some(pa) = pa else { continue };
        let pp = p.child(field);
        for (i, t) in pa
            .required_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            if t.topology_key.is_empty() {
                errs.push(FieldErr::required(
                    pp.child("requiredDuringSchedulingIgnoredDuringExecution")
                        .index(i)
                        .child("topologyKey"),
                    "can not be empty",
                ));
            }
        }
        for (i, w) in pa
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            let wp = pp
                .child("preferredDuringSchedulingIgnoredDuringExecution")
                .index(i);
            if !(1..=100).contains(&w.weight) {
                errs.push(FieldErr::invalid(
                    wp.child("weight"),
                    w.weight,
                    "must be in the range 1-100",
                ));
            }
            if w.pod_affinity_term.topology_key.is_empty() {
                errs.push(FieldErr::required(
                    wp.child("podAffinityTerm").child("topologyKey"),
                    "can not be empty",
                ));
            }
        }
    }
}

/// A pod template inside a workload (`spec.template`). `allowed_restart`
/// lists the restart policies the owning kind accepts.
pub fn validate_pod_template_spec(
    template: &PodTemplateSpec,
    path: &Path,
    allowed_restart: &[&str],
) -> FieldErrs {
    let mut errs = Vec::new();
    errs.extend(validate_labels(
        &template.metadata.labels,
        &path.child("metadata").child("labels"),
    ));
    errs.extend(validate_annotations(
        &template.metadata.annotations,
        &path.child("metadata").child("annotations"),
    ));
    let spec_path = path.child("spec");
    errs.extend(validate_pod_spec(&template.spec, &spec_path));
    let rp = template.spec.restart_policy.as_str();
    if template.spec.restart_policy.is_known() && !allowed_restart.contains(&rp) {
        errs.push(FieldErr::not_supported(
            spec_path.child("restartPolicy"),
            rp,
            allowed_restart,
        ));
    }
    if template.spec.active_deadline_seconds.is_some() && allowed_restart == ["Always"] {
        errs.push(FieldErr::forbidden(
            spec_path.child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

/// A pod on create.
pub fn validate_pod(pod: &Pod) -> FieldErrs {
    let mut errs = validate_object_meta(&pod.metadata, true, validate_subdomain);
    errs.extend(validate_pod_spec(&pod.spec, &Path::root("spec")));
    errs
}

const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// A pod on update: only images, activeDeadlineSeconds and added
/// tolerations may change.
pub fn validate_pod_update(new: &Pod, old: &Pod) -> FieldErrs {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata);
    errs.extend(validate_pod_spec(&new.spec, &Path::root("spec")));
    errs.extend(validate_mirror_annotation_update(new, old));
    let mut a = new.spec.clone();
    let b = &old.spec;
    // Copy over what may change, then anything left different is forbidden.
    for (ca, cb) in a.containers.iter_mut().zip(&b.containers) {
        ca.image = cb.image.clone();
    }
    for (ca, cb) in a.init_containers.iter_mut().zip(&b.init_containers) {
        ca.image = cb.image.clone();
    }
    a.active_deadline_seconds = b.active_deadline_seconds;
    let tolerations_ok = b.tolerations.iter().all(|t| a.tolerations.contains(t));
    if tolerations_ok {
        a.tolerations = b.tolerations.clone();
    }
    if b.node_name.is_empty() {
        a.node_name = b.node_name.clone();
    }
    a.scheduling_gates
        .retain(|g| b.scheduling_gates.contains(g));
    if a.scheduling_gates.len() == new.spec.scheduling_gates.len() {
        a.scheduling_gates = b.scheduling_gates.clone();
    }
    if &a != b {
        errs.push(FieldErr::forbidden(
            Path::root("spec"),
            POD_UPDATE_FORBIDDEN,
        ));
    }
    errs
}

/// A kubelet's mirror-pod annotation may be neither added, changed nor
/// removed through the API (`ValidatePodSpecificAnnotationUpdates`).
fn validate_mirror_annotation_update(new: &Pod, old: &Pod) -> FieldErrs {
    const MIRROR: &str = "kubernetes.io/config.mirror";
    let path = Path::root("metadata").child("annotations");
    let mut errs = FieldErrs::new();
    for (k, v) in &old.metadata.annotations {
        if new.metadata.annotations.get(k) != Some(v) && k == MIRROR {
            errs.push(FieldErr::forbidden(
                path.key(k),
                "may not remove or update mirror pod annotation",
            ));
        }
    }
    for k in new.metadata.annotations.keys() {
        if !old.metadata.annotations.contains_key(k) && k == MIRROR {
            errs.push(FieldErr::forbidden(
                path.key(k),
                "may not add mirror pod annotation",
            ));
        }
    }
    errs
}

/// Effective requests for scheduling: max(sum of app containers, largest
/// init container), plus overhead.
pub fn pod_requests(spec: &PodSpec) -> BTreeMap<String, Quantity> {
    let mut total: BTreeMap<String, Quantity> = BTreeMap::new();
    for c in &spec.containers {
        for (k, q) in &c.resources.requests {
            let entry = total.entry(k.clone()).or_default();
            *entry = entry.add(q);
        }
    }
    for c in &spec.init_containers {
        for (k, q) in &c.resources.requests {
            let entry = total.entry(k.clone()).or_default();
            if q > entry {
                *entry = *q;
            }
        }
    }
    for (k, q) in &spec.overhead {
        let entry = total.entry(k.clone()).or_default();
        *entry = entry.add(q);
    }
    total
}
