//! Pod defaulting as the API server does it (`SetDefaults_Pod`,
//! `SetDefaults_PodSpec`, `SetDefaults_Container`, probes, volumes), and the
//! QoS class it records at creation.

use super::pod::*;

/// Defaults of a pod spec, shared by pods and by every pod template.
pub fn default_pod_spec(spec: &mut PodSpec) {
    if !spec.dns_policy.is_known() && spec.dns_policy.as_str().is_empty() {
        spec.dns_policy = DnsPolicy::ClusterFirst;
    }
    if spec.restart_policy.as_str().is_empty() {
        spec.restart_policy = RestartPolicy::Always;
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    if spec.security_context.is_none() {
        spec.security_context = Some(Box::default());
    }
    if spec.scheduler_name.is_empty() {
        spec.scheduler_name = "default-scheduler".to_string();
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    if spec.host_network {
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
        {
            for p in &mut c.ports {
                if p.host_port == 0 {
                    p.host_port = p.container_port;
                }
            }
        }
    }
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        default_container(c);
    }
    for c in &mut spec.ephemeral_containers {
        if c.termination_message_path.is_empty() {
            c.termination_message_path = "/dev/termination-log".to_string();
        }
        if c.termination_message_policy.is_empty() {
            c.termination_message_policy = "File".to_string();
        }
        if c.image_pull_policy.as_str().is_empty() {
            c.image_pull_policy = default_pull_policy(&c.image);
        }
    }
    for v in &mut spec.volumes {
        default_volume(v);
    }
}

/// `Always` for `:latest` or untagged images, otherwise `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> PullPolicy {
    // A digest pins the image; otherwise look at the tag after the last '/'.
    if image.contains('@') {
        return PullPolicy::IfNotPresent;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => PullPolicy::Always,
        Some(_) => PullPolicy::IfNotPresent,
    }
}

pub fn default_container(c: &mut Container) {
    if c.termination_message_path.is_empty() {
        c.termination_message_path = "/dev/termination-log".to_string();
    }
    if c.termination_message_policy.is_empty() {
        c.termination_message_policy = "File".to_string();
    }
    if c.image_pull_policy.as_str().is_empty() {
        c.image_pull_policy = default_pull_policy(&c.image);
    }
    for p in &mut c.ports {
        if p.protocol.as_str().is_empty() {
            p.protocol = Protocol::Tcp;
        }
    }
    for e in &mut c.env {
        if let Some(src) = &mut e.value_from {
            if let Some(f) = &mut src.field_ref {
                if f.api_version.is_empty() {
                    f.api_version = "v1".to_string();
                }
            }
        }
    }
    for probe in [
        &mut c.liveness_probe,
        &mut c.readiness_probe,
        &mut c.startup_probe,
    ]
    .into_iter()
    .flatten()
    {
        default_probe(probe);
    }
    if let Some(lc) = &mut c.lifecycle {
        for h in [&mut lc.post_start, &mut lc.pre_stop].into_iter().flatten() {
            if let Some(g) = &mut h.http_get {
                default_http_get(g);
            }
        }
    }
}

/// Zero means unset for these Go integers, so zero takes the default too.
pub fn default_probe(p: &mut Probe) {
    if p.timeout_seconds == 0 {
        p.timeout_seconds = 1;
    }
    if p.period_seconds == 0 {
        p.period_seconds = 10;
    }
    if p.success_threshold == 0 {
        p.success_threshold = 1;
    }
    if p.failure_threshold == 0 {
        p.failure_threshold = 3;
    }
    if let Some(g) = &mut p.http_get {
        default_http_get(g);
    }
}

fn default_http_get(g: &mut HttpGetAction) {
    if g.path.is_empty() {
        g.path = "/".to_string();
    }
    if g.scheme.is_empty() {
        g.scheme = "HTTP".to_string();
    }
}

const DEFAULT_MODE: i32 = 0o644;

fn default_volume(v: &mut Volume) {
    if let Some(s) = &mut v.secret {
        s.default_mode.get_or_insert(DEFAULT_MODE);
    }
    if let Some(c) = &mut v.config_map {
        c.default_mode.get_or_insert(DEFAULT_MODE);
    }
    if let Some(d) = &mut v.downward_api {
        d.default_mode.get_or_insert(DEFAULT_MODE);
        for item in &mut d.items {
            if let Some(f) = &mut item.field_ref {
                if f.api_version.is_empty() {
                    f.api_version = "v1".to_string();
                }
            }
        }
    }
    if let Some(p) = &mut v.projected {
        p.default_mode.get_or_insert(DEFAULT_MODE);
        for src in &mut p.sources {
            if let Some(t) = &mut src.service_account_token {
                t.expiration_seconds.get_or_insert(3600);
            }
            if let Some(d) = &mut src.downward_api {
                for item in &mut d.items {
                    if let Some(f) = &mut item.field_ref {
                        if f.api_version.is_empty() {
                            f.api_version = "v1".to_string();
                        }
                    }
                }
            }
        }
    }
    if let Some(h) = &mut v.host_path {
        h.type_.get_or_insert_with(String::new);
    }
    // A volume with no source at all is an emptyDir.
    if v.host_path.is_none()
        && v.empty_dir.is_none()
        && v.secret.is_none()
        && v.config_map.is_none()
        && v.persistent_volume_claim.is_none()
        && v.downward_api.is_none()
        && v.projected.is_none()
        && v.nfs.is_none()
        && v.csi.is_none()
        && v.ephemeral.is_none()
        && v.image.is_none()
        && v.git_repo.is_none()
        && v.gce_persistent_disk.is_none()
        && v.aws_elastic_block_store.is_none()
        && v.iscsi.is_none()
        && v.glusterfs.is_none()
        && v.rbd.is_none()
        && v.flex_volume.is_none()
        && v.cinder.is_none()
        && v.cephfs.is_none()
        && v.flocker.is_none()
        && v.fc.is_none()
        && v.azure_file.is_none()
        && v.vsphere_volume.is_none()
        && v.quobyte.is_none()
        && v.azure_disk.is_none()
        && v.photon_persistent_disk.is_none()
        && v.portworx_volume.is_none()
        && v.scale_io.is_none()
        && v.storageos.is_none()
    {
        v.empty_dir = Some(EmptyDirVolumeSource::default());
    }
}

/// The pod's QoS class (`GetPodQOS`): Guaranteed when every container has
/// equal cpu and memory requests and limits, BestEffort when none has any,
/// Burstable otherwise.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in spec.containers.iter().chain(spec.init_containers.iter()) {
        let r = &c.resources;
        let relevant = |k: &&String| k.as_str() == "cpu" || k.as_str() == "memory";
        if r.requests.keys().any(|k| relevant(&k)) || r.limits.keys().any(|k| relevant(&k)) {
            any = true;
        }
        for res in ["cpu", "memory"] {
            let limit = r.limits.get(res);
            // Requests default to limits, so a limit alone counts as both.
            let request = r.requests.get(res).or(limit);
            match (request, limit) {
                (Some(q), Some(l)) if q == l && !l.is_zero() => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::quantity::Quantity;

    #[test]
    fn pull_policy_follows_the_tag() {
        let cases = [
            ("nginx", PullPolicy::Always),
            ("nginx:latest", PullPolicy::Always),
            ("nginx:1.14.2", PullPolicy::IfNotPresent),
            ("registry.k8s.io:5000/pause", PullPolicy::Always),
            ("registry.k8s.io:5000/pause:3.9", PullPolicy::IfNotPresent),
            ("busybox@sha256:abc", PullPolicy::IfNotPresent),
        ];
        for (image, want) in cases {
            assert_eq!(default_pull_policy(image), want, "{image}");
        }
    }

    #[test]
    fn container_defaults_match_the_api_server() {
        let mut spec = PodSpec {
            containers: vec![Container {
                name: "web".into(),
                image: "nginx".into(),
                ports: vec![ContainerPort {
                    container_port: 80,
                    ..Default::default()
                }],
                liveness_probe: Some(Box::new(Probe {
                    http_get: Some(HttpGetAction::default()),
                    ..Default::default()
                })),
                ..Default::default()
            }],
            ..Default::default()
        };
        default_pod_spec(&mut spec);
        assert_eq!(spec.restart_policy, RestartPolicy::Always);
        assert_eq!(spec.termination_grace_period_seconds, Some(30));
        assert_eq!(spec.dns_policy, DnsPolicy::ClusterFirst);
        let c = &spec.containers[0];
        assert_eq!(c.ports[0].protocol, Protocol::Tcp);
        assert_eq!(c.image_pull_policy, PullPolicy::Always);
        let p = c.liveness_probe.as_deref().unwrap();
        assert_eq!(
            (
                p.period_seconds,
                p.timeout_seconds,
                p.success_threshold,
                p.failure_threshold
            ),
            (10, 1, 1, 3)
        );
        assert_eq!(p.http_get.as_ref().unwrap().path, "/");
    }

    #[test]
    fn qos_classes() {
        let with = |req: &[(&str, &str)], lim: &[(&str, &str)]| PodSpec {
            containers: vec![Container {
                resources: ResourceRequirements {
                    requests: req
                        .iter()
                        .map(|(k, v)| (k.to_string(), Quantity::parse(v).unwrap()))
                        .collect(),
                    limits: lim
                        .iter()
                        .map(|(k, v)| (k.to_string(), Quantity::parse(v).unwrap()))
                        .collect(),
                    claims: vec![],
                },
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(qos_class(&with(&[], &[])), "BestEffort");
        assert_eq!(qos_class(&with(&[("cpu", "100m")], &[])), "Burstable");
        assert_eq!(
            qos_class(&with(&[], &[("cpu", "1"), ("memory", "1Gi")])),
            "Guaranteed"
        );
    }
}
