//! Which repositories and tags exist, what each image is, and how a pull
//! of anything else fails.
//!
//! Tags are checked against what the registries publish (nginx's release
//! history, busybox's, Debian's codenames…), so a typo such as
//! `nginx:1.91` fails with containerd's `not found`, while an unknown
//! repository on Docker Hub fails with its `pull access denied`.

use super::apps::{self, Component, Kubia};
use super::nginx::{self, Flavor, Version};
use super::reference::Reference;
use super::support::fake_digest;
use super::{agnhost, calc, flannel, rootfs, Built};

/// What a reference resolved to.
pub(crate) struct Found {
    pub kind: Kind,
    /// The repository digest, the same for every tag naming this image.
    pub digest: String,
}

/// Why a reference did not resolve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Miss {
    /// A known repository without that tag (or digest).
    UnknownTag,
    /// Docker Hub has no public repository of that name.
    HubDenied,
    /// Another registry has no such repository.
    UnknownRepository,
    /// The registry host does not resolve.
    UnknownHost,
}

impl Miss {
    /// containerd's error as the kubelet prints it after `Failed to pull
    /// image "x": `.
    pub fn message(self, r: &Reference) -> String {
        let name = r.to_string();
        let head = |code: &str| {
            format!(
                "rpc error: code = {code} desc = failed to pull and unpack image \"{name}\": failed to resolve reference \"{name}\": "
            )
        };
        match self {
            Miss::UnknownTag | Miss::UnknownRepository => {
                format!("{}{name}: not found", head("NotFound"))
            }
            Miss::HubDenied => format!(
                "{}pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
                head("Unknown")
            ),
            Miss::UnknownHost => {
                let object = r.digest.clone().or_else(|| r.tag.clone()).unwrap_or_default();
                let host = r.domain.split(':').next().unwrap_or(&r.domain);
                let cause = if host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok() {
                    let port = r.domain.split(':').nth(1).unwrap_or("443");
                    let ip = if host == "localhost" { "127.0.0.1" } else { host };
                    format!("dial tcp {ip}:{port}: connect: connection refused")
                } else {
                    format!("dial tcp: lookup {host} on 127.0.0.53:53: no such host")
                };
                format!(
                    "{}failed to do request: Head \"https://{}/v2/{}/manifests/{object}\": {cause}",
                    head("Unknown"),
                    r.domain,
                    r.path
                )
            }
        }
    }
}

/// An image the catalog can build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Busybox,
    Nginx(nginx::Build),
    Debian(u32),
    Ubuntu(&'static str),
    Perl { version: String, debian: u32 },
    UbuntuBc,
    Agnhost,
    TrainingLiveness,
    GoProxy,
    Demo,
    Kubia(Kubia),
    SsdMonitor,
    BatchJob,
    Fluentd,
    Pause(String),
    ControlPlane(Component, String),
    Flannel(String),
    FlannelCni(String),
}

impl Kind {
    pub fn build(&self) -> Built {
        match self {
            Kind::Busybox => Built {
                entrypoint: Vec::new(),
                cmd: vec!["sh".into()],
                env: vec![(
                    "PATH".into(),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                )],
                stop_signal: crate::userland::Signal::Term,
                exposed_ports: Vec::new(),
                approx_size: 2_150_000,
                filesystem: rootfs::busybox_fs().build(),
            },
            Kind::Nginx(b) => nginx::image(b),
            Kind::Debian(major) => plain(
                rootfs::debian_fs(rootfs::debian(*major)).build(),
                "bash",
                if *major >= 12 { 48_500_000 } else { 50_000_000 },
            ),
            Kind::Ubuntu(v) => plain(
                rootfs::ubuntu_fs(rootfs::ubuntu(v)).build(),
                "/bin/bash",
                29_700_000,
            ),
            Kind::Perl { version, debian } => calc::perl_image(version, *debian),
            Kind::UbuntuBc => calc::ubuntu_bc_image(),
            Kind::Agnhost => agnhost::image(),
            Kind::TrainingLiveness => apps::training_liveness_image(),
            Kind::GoProxy => apps::goproxy_image(),
            Kind::Demo => apps::demo_image(),
            Kind::Kubia(app) => apps::kubia_image(*app),
            Kind::SsdMonitor => {
                apps::busybox_script_image("while true; do echo 'SSD OK'; sleep 5; done")
            }
            Kind::BatchJob => apps::busybox_script_image(
                "echo \"$(date) Batch job starting\"; sleep 120; echo \"$(date) Finished succesfully\"",
            ),
            Kind::Fluentd => apps::fluentd_image(),
            Kind::Pause(v) => apps::pause_image(v),
            Kind::ControlPlane(c, v) => apps::control_plane_image(*c, v),
            Kind::Flannel(v) => flannel::flannel_image(v),
            Kind::FlannelCni(v) => flannel::cni_plugin_image(v),
        }
    }
}

fn plain(fs: crate::userland::Image, cmd: &str, size: u64) -> Built {
    Built {
        entrypoint: Vec::new(),
        cmd: vec![cmd.to_string()],
        env: vec![(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        )],
        stop_signal: crate::userland::Signal::Term,
        exposed_ports: Vec::new(),
        approx_size: size,
        filesystem: fs,
    }
}

/// Known repositories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repo {
    Busybox,
    Nginx,
    NginxSlim,
    Debian,
    Ubuntu,
    Perl,
    UbuntuBc,
    Agnhost,
    Training,
    GoProxy,
    Demo,
    Kubia { luksa: bool },
    KubiaUnhealthy,
    SsdMonitor,
    BatchJob,
    Fluentd,
    Pause,
    Etcd,
    Kube(Component),
    CoreDns,
    Flannel,
    FlannelCni,
}

/// Registries that answer `not found` for repositories they do not have.
const PUBLIC_REGISTRIES: &[&str] = &[
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io",
    "quay.io",
    "ghcr.io",
    "mcr.microsoft.com",
    "public.ecr.aws",
    "registry.gitlab.com",
];

/// Registries Kubernetes images have been published to.
const K8S_REGISTRIES: &[&str] = &[
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io/google-containers",
    "gcr.io/google_containers",
];

fn k8s(domain: &str, path: &str, name: &str) -> bool {
    let full = format!("{domain}/{path}");
    K8S_REGISTRIES.iter().any(|r| full == format!("{r}/{name}"))
}

fn repo(domain: &str, path: &str) -> Option<Repo> {
    // Public mirrors of Docker Hub serve the same repositories.
    if domain == "mirror.gcr.io" {
        return repo("docker.io", path);
    }
    if let Some(rest) = path.strip_prefix("docker/") {
        if domain == "public.ecr.aws" {
            return repo("docker.io", rest);
        }
    }
    let hub = domain == "docker.io";
    Some(match path {
        "library/busybox" if hub => Repo::Busybox,
        "library/nginx" if hub => Repo::Nginx,
        "library/debian" if hub => Repo::Debian,
        "library/ubuntu" if hub => Repo::Ubuntu,
        "library/perl" if hub => Repo::Perl,
        "resouer/ubuntu-bc" if hub => Repo::UbuntuBc,
        "idealism/kubia" if hub => Repo::Kubia { luksa: false },
        "luksa/kubia" if hub => Repo::Kubia { luksa: true },
        "idealism/kubia-unhealthy" | "luksa/kubia-unhealthy" if hub => Repo::KubiaUnhealthy,
        "idealism/ssd-monitor" | "luksa/ssd-monitor" if hub => Repo::SsdMonitor,
        "idealism/batch-job" | "luksa/batch-job" if hub => Repo::BatchJob,
        "junkai/training" if domain == "quay.io" => Repo::Training,
        "junkai/demo" if domain == "quay.io" => Repo::Demo,
        "fluentd_elasticsearch/fluentd" if domain == "quay.io" => Repo::Fluentd,
        _ if k8s(domain, path, "busybox") => Repo::Busybox,
        _ if k8s(domain, path, "nginx-slim") => Repo::NginxSlim,
        _ if k8s(domain, path, "e2e-test-images/agnhost")
            || format!("{domain}/{path}") == "gcr.io/kubernetes-e2e-test-images/agnhost" =>
        {
            Repo::Agnhost
        }
        _ if k8s(domain, path, "goproxy") => Repo::GoProxy,
        _ if k8s(domain, path, "fluentd-elasticsearch") => Repo::Fluentd,
        _ if k8s(domain, path, "pause") || k8s(domain, path, "pause-amd64") => Repo::Pause,
        _ if k8s(domain, path, "etcd") => Repo::Etcd,
        _ if k8s(domain, path, "kube-apiserver") => Repo::Kube(Component::Apiserver),
        _ if k8s(domain, path, "kube-controller-manager") => {
            Repo::Kube(Component::ControllerManager)
        }
        _ if k8s(domain, path, "kube-scheduler") => Repo::Kube(Component::Scheduler),
        _ if k8s(domain, path, "kube-proxy") => Repo::Kube(Component::Proxy),
        _ if k8s(domain, path, "coredns/coredns") || k8s(domain, path, "coredns") => Repo::CoreDns,
        "flannel/flannel" if hub => Repo::Flannel,
        "flannel/flannel-cni-plugin" if hub => Repo::FlannelCni,
        "flannel-io/flannel" if domain == "ghcr.io" => Repo::Flannel,
        "flannel-io/flannel-cni-plugin" if domain == "ghcr.io" => Repo::FlannelCni,
        _ => return None,
    })
}

/// Resolves a normalized reference.
pub(crate) fn resolve(r: &Reference) -> Result<Found, Miss> {
    let Some(repository) = repo(&r.domain, &r.path) else {
        return Err(if r.domain == "docker.io" {
            Miss::HubDenied
        } else if PUBLIC_REGISTRIES.contains(&r.domain.as_str())
            || r.domain.ends_with(".gcr.io")
            || r.domain.ends_with(".pkg.dev")
        {
            Miss::UnknownRepository
        } else {
            Miss::UnknownHost
        });
    };
    let seed = |canonical: &str| fake_digest(&format!("{}@{canonical}", r.repository()));
    if let Some(d) = &r.digest {
        // Pinned by digest: one of the repository's published images or nothing.
        return canonical_tags(repository)
            .into_iter()
            .find(|t| seed(t) == *d)
            .and_then(|t| tag(repository, &t))
            .map(|(kind, _)| Found {
                kind,
                digest: d.clone(),
            })
            .ok_or(Miss::UnknownTag);
    }
    let t = r.tag.as_deref().unwrap_or("latest");
    let (kind, canonical) = tag(repository, t).ok_or(Miss::UnknownTag)?;
    Ok(Found {
        kind,
        digest: seed(&canonical),
    })
}

/// (minor, newest patch) of every nginx 1.x release line on Docker Hub.
const NGINX_RELEASES: &[(u32, u32)] = &[
    (7, 12),
    (8, 1),
    (9, 15),
    (10, 3),
    (11, 13),
    (12, 2),
    (13, 12),
    (14, 2),
    (15, 12),
    (16, 1),
    (17, 10),
    (18, 0),
    (19, 10),
    (20, 2),
    (21, 6),
    (22, 1),
    (23, 4),
    (24, 0),
    (25, 5),
    (26, 3),
    (27, 5),
    (28, 1),
    (29, 8),
    (30, 5),
    (31, 6),
];
/// `nginx:latest` / `mainline` and `nginx:stable`.
const NGINX_MAINLINE: Version = Version(1, 31, 6);
const NGINX_STABLE: Version = Version(1, 30, 5);

/// A version as tags write it: `1`, `1.14` (newest patch) or `1.14.2`.
fn nginx_version(base: &str) -> Option<Version> {
    match base {
        "" | "latest" | "mainline" | "1" => return Some(NGINX_MAINLINE),
        "stable" => return Some(NGINX_STABLE),
        _ => {}
    }
    let nums: Vec<u32> = base
        .split('.')
        .map(|x| x.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    let (&minor, &max) = match nums.as_slice() {
        [1, minor] | [1, minor, _] => NGINX_RELEASES
            .iter()
            .find(|(m, _)| m == minor)
            .map(|(m, p)| (m, p))?,
        _ => return None,
    };
    let patch = match nums.as_slice() {
        [_, _, p] if *p <= max => *p,
        [_, _, _] => return None,
        _ => max,
    };
    Some(Version(1, minor, patch))
}

fn nginx_tag(t: &str) -> Option<(Kind, String)> {
    // The base and the variant suffix (`1.25-alpine`, `stable-perl`, `alpine`).
    let variants = [
        "alpine-slim",
        "alpine-perl",
        "alpine",
        "perl",
        "otel",
        "bookworm",
        "trixie",
    ];
    let (base, variant) = variants
        .iter()
        .find_map(|v| {
            if t == *v {
                Some(("", *v))
            } else {
                t.strip_suffix(&format!("-{v}")).map(|b| (b, *v))
            }
        })
        .unwrap_or((t, ""));
    if base == "latest" && !variant.is_empty() {
        return None;
    }
    let version = nginx_version(base)?;
    let flavor = if variant.starts_with("alpine") {
        if version < Version(1, 10, 0) {
            return None;
        }
        Flavor::Alpine
    } else {
        Flavor::Debian
    };
    let canonical = if variant.is_empty() {
        version.to_string()
    } else {
        format!("{version}-{variant}")
    };
    Some((Kind::Nginx(nginx::Build { version, flavor }), canonical))
}

/// (minor, newest patch) of busybox releases.
const BUSYBOX_RELEASES: &[(u32, u32)] = &[
    (21, 1),
    (22, 1),
    (23, 2),
    (24, 2),
    (25, 1),
    (26, 2),
    (27, 2),
    (28, 4),
    (29, 3),
    (30, 1),
    (31, 1),
    (32, 1),
    (33, 2),
    (34, 1),
    (35, 0),
    (36, 1),
    (37, 0),
];

fn busybox_tag(t: &str) -> Option<String> {
    let (base, variant) = ["musl", "glibc", "uclibc"]
        .iter()
        .find_map(|v| {
            if t == *v {
                Some(("latest", *v))
            } else {
                t.strip_suffix(&format!("-{v}")).map(|b| (b, *v))
            }
        })
        .unwrap_or((t, ""));
    let version = match base {
        "latest" | "stable" | "unstable" => "1.37.0".to_string(),
        "1" => "1.37.0".to_string(),
        _ => {
            let nums: Vec<u32> = base
                .split('.')
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            let (minor, max) = match nums.as_slice() {
                [1, m] | [1, m, _] => *BUSYBOX_RELEASES.iter().find(|(x, _)| x == m)?,
                _ => return None,
            };
            match nums.as_slice() {
                [_, _, p] if *p <= max => format!("1.{minor}.{p}"),
                [_, _, _] => return None,
                _ => format!("1.{minor}.{max}"),
            }
        }
    };
    Some(if variant.is_empty() {
        version
    } else {
        format!("{version}-{variant}")
    })
}

fn debian_tag(t: &str) -> Option<(u32, String)> {
    let base = t.strip_suffix("-slim").unwrap_or(t);
    let major = match base {
        "latest" | "stable" => rootfs::DEBIAN_STABLE,
        "oldstable" => rootfs::DEBIAN_STABLE - 1,
        _ => {
            let by_name = rootfs::DEBIAN.iter().find(|d| d.codename == base);
            match by_name {
                Some(d) => d.major,
                None => {
                    let major: u32 = base.split('.').next()?.parse().ok()?;
                    let d = rootfs::DEBIAN.iter().find(|d| d.major == major)?;
                    // `12` and `12.12` exist; other point releases are not checked.
                    if base.contains('.') && base.split('.').count() != 2 {
                        return None;
                    }
                    d.major
                }
            }
        }
    };
    Some((major, rootfs::debian(major).codename.to_string()))
}

fn ubuntu_tag(t: &str) -> Option<&'static str> {
    let u = match t {
        "latest" | "rolling" => rootfs::ubuntu(rootfs::UBUNTU_LATEST),
        _ => rootfs::UBUNTU
            .iter()
            .find(|u| u.codename == t || u.version == t)?,
    };
    Some(u.version)
}

/// Stable perl releases published as images: 5.N with N even.
fn perl_tag(t: &str) -> Option<(String, u32)> {
    let mut base = t;
    for suffix in [
        "-slim",
        "-threaded",
        "-bookworm",
        "-bullseye",
        "-buster",
        "-trixie",
    ] {
        base = base.strip_suffix(suffix).unwrap_or(base);
    }
    let base = base.strip_suffix("-slim").unwrap_or(base);
    let (minor, patch) = match base {
        "latest" | "5" | "" => (42, 0),
        _ => {
            let nums: Vec<u32> = base
                .split('.')
                .map(|x| x.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            match nums.as_slice() {
                [5, m] => (*m, 0),
                [5, m, p] if *p <= 4 => (*m, *p),
                _ => return None,
            }
        }
    };
    if minor % 2 == 1 || !(22..=42).contains(&minor) {
        return None;
    }
    let debian = match minor {
        0..=30 => 10,
        32 | 34 => 11,
        36..=40 => 12,
        _ => 13,
    };
    Some((format!("5.{minor}.{patch}"), debian))
}

fn version_like(t: &str, prefix: &str, lo: (u32, u32), hi: (u32, u32), max_patch: u32) -> bool {
    let Some(rest) = t.strip_prefix(prefix) else {
        return false;
    };
    let nums: Option<Vec<u32>> = rest.split('.').map(|x| x.parse().ok()).collect();
    match nums.as_deref() {
        Some([a, b, c]) => (*a, *b) >= lo && (*a, *b) <= hi && *c <= max_patch,
        _ => false,
    }
}

/// What a tag of a known repository is, and its canonical name.
fn tag(repo: Repo, t: &str) -> Option<(Kind, String)> {
    let simple = |k: Kind, ok: bool| ok.then(|| (k, t.to_string()));
    match repo {
        Repo::Busybox => busybox_tag(t).map(|c| (Kind::Busybox, c)),
        Repo::Nginx => nginx_tag(t),
        Repo::NginxSlim => {
            let n: u32 = t.strip_prefix("0.")?.parse().ok()?;
            if !(1..=27).contains(&n) {
                return None;
            }
            let version = if n < 20 {
                Version(1, 11, 1)
            } else {
                Version(1, 23, 4)
            };
            Some((
                Kind::Nginx(nginx::Build {
                    version,
                    flavor: Flavor::Slim,
                }),
                t.to_string(),
            ))
        }
        Repo::Debian => debian_tag(t).map(|(m, c)| (Kind::Debian(m), c)),
        Repo::Ubuntu => ubuntu_tag(t).map(|v| (Kind::Ubuntu(v), v.to_string())),
        Repo::Perl => perl_tag(t).map(|(version, debian)| {
            let c = version.clone();
            (Kind::Perl { version, debian }, c)
        }),
        Repo::UbuntuBc => simple(Kind::UbuntuBc, t == "latest"),
        Repo::Agnhost => {
            let n: u32 = t.strip_prefix("2.")?.parse().ok()?;
            simple(Kind::Agnhost, (1..=59).contains(&n))
        }
        Repo::Training => match t {
            "liveness" => Some((Kind::TrainingLiveness, t.to_string())),
            "goproxy-liveness" => Some((Kind::GoProxy, t.to_string())),
            _ => None,
        },
        Repo::GoProxy => simple(Kind::GoProxy, t == "0.1"),
        Repo::Demo => simple(Kind::Demo, t == "1.0"),
        Repo::Kubia { luksa } => match t {
            "latest" => Some((Kind::Kubia(Kubia::Hostname), t.to_string())),
            "v1" if luksa => Some((Kind::Kubia(Kubia::Version(1)), t.to_string())),
            "v2" if luksa => Some((Kind::Kubia(Kubia::Version(2)), t.to_string())),
            "v3" if luksa => Some((Kind::Kubia(Kubia::Failing), t.to_string())),
            _ => None,
        },
        Repo::KubiaUnhealthy => simple(Kind::Kubia(Kubia::Unhealthy), t == "latest"),
        Repo::SsdMonitor => simple(Kind::SsdMonitor, t == "latest"),
        Repo::BatchJob => simple(Kind::BatchJob, t == "latest"),
        Repo::Fluentd => {
            let old = t
                .strip_prefix("1.")
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| (17..=24).contains(&n));
            let ok = old
                || version_like(t, "v", (2, 0), (4, 9), 9)
                || version_like(t, "", (2, 0), (2, 0), 4);
            simple(Kind::Fluentd, ok)
        }
        Repo::Pause => {
            let ok = matches!(
                t,
                "0.8.0"
                    | "1.0"
                    | "2.0"
                    | "3.0"
                    | "3.1"
                    | "3.2"
                    | "3.3"
                    | "3.4.1"
                    | "3.5"
                    | "3.6"
                    | "3.7"
                    | "3.8"
                    | "3.9"
                    | "3.10"
                    | "3.10.1"
                    | "latest"
            );
            let version = if t == "latest" { "3.10.1" } else { t };
            ok.then(|| (Kind::Pause(version.to_string()), t.to_string()))
        }
        Repo::Etcd => {
            let base = t.strip_suffix("-0")?;
            let ok = version_like(base, "", (3, 4), (3, 6), 30);
            simple(Kind::ControlPlane(Component::Etcd, t.to_string()), ok)
        }
        Repo::Kube(c) => simple(
            Kind::ControlPlane(c, t.to_string()),
            version_like(t, "v", (1, 18), (1, 35), 15),
        ),
        Repo::Flannel => simple(
            Kind::Flannel(t.to_string()),
            version_like(t, "v", (0, 20), (0, 26), 9),
        ),
        Repo::FlannelCni => {
            let base = t.split_once("-flannel").map_or("", |(b, _)| b);
            simple(
                Kind::FlannelCni(t.to_string()),
                version_like(base, "v", (1, 1), (1, 6), 5),
            )
        }
        Repo::CoreDns => simple(
            Kind::ControlPlane(Component::CoreDns, t.to_string()),
            version_like(t, "v", (1, 6), (1, 13), 9) || version_like(t, "", (1, 6), (1, 8), 9),
        ),
    }
}

/// The tags whose digests a digest-pinned reference may name.
fn canonical_tags(repo: Repo) -> Vec<String> {
    match repo {
        Repo::Nginx => NGINX_RELEASES
            .iter()
            .flat_map(|(m, max)| (0..=*max).map(move |p| format!("1.{m}.{p}")))
            .collect(),
        Repo::Busybox => BUSYBOX_RELEASES
            .iter()
            .flat_map(|(m, max)| (0..=*max).map(move |p| format!("1.{m}.{p}")))
            .collect(),
        Repo::Debian => rootfs::DEBIAN
            .iter()
            .map(|d| d.codename.to_string())
            .collect(),
        Repo::Ubuntu => rootfs::UBUNTU
            .iter()
            .map(|u| u.version.to_string())
            .collect(),
        Repo::Pause => [
            "3.1", "3.2", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.10.1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        Repo::Agnhost => (1..=59).map(|n| format!("2.{n}")).collect(),
        _ => vec!["latest".to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::reference::parse;

    fn resolve_str(s: &str) -> Result<(Kind, String), Miss> {
        let r = parse(s).expect("valid reference");
        resolve(&r).map(|f| (f.kind, f.digest))
    }

    #[test]
    fn tags_resolve_to_the_image_they_name() {
        let nginx = |v: Version, flavor| Kind::Nginx(nginx::Build { version: v, flavor });
        let cases: Vec<(&str, &str, Result<Kind, Miss>)> = vec![
            (
                "nginx latest is mainline",
                "nginx",
                Ok(nginx(NGINX_MAINLINE, Flavor::Debian)),
            ),
            (
                "nginx stable",
                "nginx:stable",
                Ok(nginx(NGINX_STABLE, Flavor::Debian)),
            ),
            (
                "an old nginx",
                "nginx:1.7.9",
                Ok(nginx(Version(1, 7, 9), Flavor::Debian)),
            ),
            (
                "a minor picks its newest patch",
                "nginx:1.14",
                Ok(nginx(Version(1, 14, 2), Flavor::Debian)),
            ),
            (
                "nginx 1.9.1",
                "nginx:1.9.1",
                Ok(nginx(Version(1, 9, 1), Flavor::Debian)),
            ),
            (
                "nginx 1.8",
                "nginx:1.8",
                Ok(nginx(Version(1, 8, 1), Flavor::Debian)),
            ),
            (
                "nginx 1.16.1",
                "nginx:1.16.1",
                Ok(nginx(Version(1, 16, 1), Flavor::Debian)),
            ),
            (
                "an alpine variant",
                "nginx:1.25-alpine",
                Ok(nginx(Version(1, 25, 5), Flavor::Alpine)),
            ),
            (
                "bare alpine",
                "nginx:alpine",
                Ok(nginx(NGINX_MAINLINE, Flavor::Alpine)),
            ),
            ("a typo'd nginx tag", "nginx:1.91", Err(Miss::UnknownTag)),
            (
                "a patch that never shipped",
                "nginx:1.14.3",
                Err(Miss::UnknownTag),
            ),
            (
                "nginx-slim",
                "registry.k8s.io/nginx-slim:0.8",
                Ok(nginx(Version(1, 11, 1), Flavor::Slim)),
            ),
            ("busybox", "busybox", Ok(Kind::Busybox)),
            ("busybox 1.28", "busybox:1.28", Ok(Kind::Busybox)),
            ("busybox 1.28.4", "busybox:1.28.4", Ok(Kind::Busybox)),
            ("busybox musl", "busybox:1.36.1-musl", Ok(Kind::Busybox)),
            (
                "the k8s busybox",
                "registry.k8s.io/busybox:1.27.2",
                Ok(Kind::Busybox),
            ),
            ("a busybox typo", "busybox:1.2.8", Err(Miss::UnknownTag)),
            ("debian", "debian", Ok(Kind::Debian(13))),
            (
                "debian by codename",
                "debian:bookworm-slim",
                Ok(Kind::Debian(12)),
            ),
            ("debian by number", "debian:11", Ok(Kind::Debian(11))),
            ("ubuntu", "ubuntu", Ok(Kind::Ubuntu("24.04"))),
            ("ubuntu jammy", "ubuntu:jammy", Ok(Kind::Ubuntu("22.04"))),
            (
                "perl",
                "perl:5.34.0",
                Ok(Kind::Perl {
                    version: "5.34.0".into(),
                    debian: 11,
                }),
            ),
            ("an odd perl", "perl:5.35.0", Err(Miss::UnknownTag)),
            ("ubuntu-bc", "resouer/ubuntu-bc", Ok(Kind::UbuntuBc)),
            (
                "agnhost",
                "registry.k8s.io/e2e-test-images/agnhost:2.40",
                Ok(Kind::Agnhost),
            ),
            (
                "agnhost on the old registry",
                "k8s.gcr.io/e2e-test-images/agnhost:2.32",
                Ok(Kind::Agnhost),
            ),
            (
                "training liveness",
                "quay.io/junkai/training:liveness",
                Ok(Kind::TrainingLiveness),
            ),
            (
                "training goproxy",
                "quay.io/junkai/training:goproxy-liveness",
                Ok(Kind::GoProxy),
            ),
            ("goproxy", "registry.k8s.io/goproxy:0.1", Ok(Kind::GoProxy)),
            ("demo", "quay.io/junkai/demo:1.0", Ok(Kind::Demo)),
            ("kubia", "idealism/kubia", Ok(Kind::Kubia(Kubia::Hostname))),
            (
                "luksa kubia v2",
                "luksa/kubia:v2",
                Ok(Kind::Kubia(Kubia::Version(2))),
            ),
            (
                "kubia-unhealthy",
                "idealism/kubia-unhealthy",
                Ok(Kind::Kubia(Kubia::Unhealthy)),
            ),
            ("ssd-monitor", "idealism/ssd-monitor", Ok(Kind::SsdMonitor)),
            ("batch-job", "idealism/batch-job", Ok(Kind::BatchJob)),
            (
                "fluentd",
                "k8s.gcr.io/fluentd-elasticsearch:1.20",
                Ok(Kind::Fluentd),
            ),
            (
                "pause",
                "registry.k8s.io/pause:3.10",
                Ok(Kind::Pause("3.10".into())),
            ),
            (
                "etcd",
                "registry.k8s.io/etcd:3.5.16-0",
                Ok(Kind::ControlPlane(Component::Etcd, "3.5.16-0".into())),
            ),
            (
                "apiserver",
                "registry.k8s.io/kube-apiserver:v1.32.2",
                Ok(Kind::ControlPlane(Component::Apiserver, "v1.32.2".into())),
            ),
            (
                "coredns",
                "registry.k8s.io/coredns/coredns:v1.11.3",
                Ok(Kind::ControlPlane(Component::CoreDns, "v1.11.3".into())),
            ),
            ("an unknown Hub repository", "nginxx", Err(Miss::HubDenied)),
            (
                "a private-looking Hub repository",
                "myrepo/job-wq-1",
                Err(Miss::HubDenied),
            ),
            (
                "an unknown repository elsewhere",
                "gcr.io/myproject/job-wq-2",
                Err(Miss::UnknownRepository),
            ),
            (
                "an unknown registry",
                "myregistry.example.com/app:v1",
                Err(Miss::UnknownHost),
            ),
        ];
        for (name, reference, want) in cases {
            assert_eq!(resolve_str(reference).map(|(k, _)| k), want, "{name}");
        }
    }

    #[test]
    fn aliases_of_one_image_share_its_digest() {
        let cases = [
            ("latest and mainline", "nginx", "nginx:mainline"),
            ("a minor and its newest patch", "nginx:1.14", "nginx:1.14.2"),
            ("busybox minor and patch", "busybox:1.28", "busybox:1.28.4"),
        ];
        for (name, a, b) in cases {
            assert_eq!(
                resolve_str(a).unwrap().1,
                resolve_str(b).unwrap().1,
                "{name}"
            );
        }
        assert_ne!(
            resolve_str("nginx:1.14.1").unwrap().1,
            resolve_str("nginx:1.14.2").unwrap().1
        );
    }

    #[test]
    fn a_digest_names_one_published_image() {
        let digest = resolve_str("nginx:1.14.2").unwrap().1;
        let pinned = resolve_str(&format!("nginx@{digest}")).map(|(k, _)| k);
        assert_eq!(
            pinned,
            Ok(Kind::Nginx(nginx::Build {
                version: Version(1, 14, 2),
                flavor: Flavor::Debian
            }))
        );
        let unknown = format!("nginx@sha256:{}", "ab".repeat(32));
        assert_eq!(resolve_str(&unknown).map(|(k, _)| k), Err(Miss::UnknownTag));
    }

    #[test]
    fn misses_read_like_containerd() {
        let cases = [
            (
                "an unknown tag",
                "nginx:1.91",
                Miss::UnknownTag,
                "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.91\": failed to resolve reference \"docker.io/library/nginx:1.91\": docker.io/library/nginx:1.91: not found",
            ),
            (
                "an unknown Hub repository",
                "nginxx",
                Miss::HubDenied,
                "rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginxx:latest\": failed to resolve reference \"docker.io/library/nginxx:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
            ),
            (
                "an unknown host",
                "registry.example.com/team/app:v1",
                Miss::UnknownHost,
                "rpc error: code = Unknown desc = failed to pull and unpack image \"registry.example.com/team/app:v1\": failed to resolve reference \"registry.example.com/team/app:v1\": failed to do request: Head \"https://registry.example.com/v2/team/app/manifests/v1\": dial tcp: lookup registry.example.com on 127.0.0.53:53: no such host",
            ),
            (
                "a local registry that is not running",
                "localhost:5000/app",
                Miss::UnknownHost,
                "rpc error: code = Unknown desc = failed to pull and unpack image \"localhost:5000/app:latest\": failed to resolve reference \"localhost:5000/app:latest\": failed to do request: Head \"https://localhost:5000/v2/app/manifests/latest\": dial tcp 127.0.0.1:5000: connect: connection refused",
            ),
        ];
        for (name, reference, miss, want) in cases {
            let r = parse(reference).unwrap();
            assert_eq!(miss.message(&r), want, "{name}");
        }
    }
}
