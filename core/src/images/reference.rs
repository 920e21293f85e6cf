//! Image references as the kubelet and containerd read them.
//!
//! The grammar is distribution/reference's (`name[:tag][@digest]`, a name
//! being an optional registry host and lowercase path components); short
//! names are expanded the Docker way (`nginx` is
//! `docker.io/library/nginx`), and a reference without tag or digest gets
//! `:latest`. Errors carry the kubelet's `InvalidImageName` wording.

use std::fmt;

use super::PullError;

const DOCKER_HUB: &str = "docker.io";
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";
/// distribution/reference's limit on the path part of a name.
const MAX_PATH_LEN: usize = 255;

/// A parsed, normalized reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Registry host, with `:port` if one was given (`docker.io`, `localhost:5000`).
    pub domain: String,
    /// Repository path (`library/nginx`, `e2e-test-images/agnhost`).
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:<hex>` when pinned by digest.
    pub digest: Option<String>,
}

impl Reference {
    /// `domain/path`, as registries and image ids name the repository.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
}

/// As containerd names what it pulls: a digest wins over a tag.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.digest, &self.tag) {
            (Some(d), _) => write!(f, "{}/{}@{d}", self.domain, self.path),
            (None, Some(t)) => write!(f, "{}/{}:{t}", self.domain, self.path),
            (None, None) => write!(f, "{}/{}:latest", self.domain, self.path),
        }
    }
}

/// The fully qualified form containerd pulls: `nginx` →
/// `docker.io/library/nginx:latest`.
pub fn normalize(reference: &str) -> Result<String, PullError> {
    parse(reference).map(|r| r.to_string())
}

/// Parses and normalizes a reference; a missing tag becomes `latest`.
pub fn parse(reference: &str) -> Result<Reference, PullError> {
    let mut r = parse_normalized(reference).map_err(|why| {
        let q = go_quote(reference);
        PullError::InvalidName(format!(
            "Failed to apply default image tag {q}: couldn't parse image reference {q}: {why}"
        ))
    })?;
    if r.tag.is_none() && r.digest.is_none() {
        r.tag = Some("latest".to_string());
    }
    Ok(r)
}

/// distribution/reference's `ParseNormalizedNamed`.
fn parse_normalized(s: &str) -> Result<Reference, String> {
    if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(format!(
            "invalid repository name ({s}), cannot specify 64-byte hexadecimal strings"
        ));
    }
    let (domain, remainder) = split_docker_domain(s);
    let remote = remainder.split(':').next().unwrap_or("");
    if remote.to_lowercase() != remote {
        return Err(format!(
            "invalid reference format: repository name ({remote}) must be lowercase"
        ));
    }
    parse_canonical(&format!("{domain}/{remainder}"))
}

/// Splits off the registry host the way Docker does: the first component
/// is a host only if it looks like one.
fn split_docker_domain(name: &str) -> (String, String) {
    let (domain, remainder) = match name.split_once('/') {
        None => return (DOCKER_HUB.to_string(), format!("{OFFICIAL_PREFIX}{name}")),
        Some((d, r)) if d == "localhost" => (d.to_string(), r.to_string()),
        Some((d, r)) if d == LEGACY_DOCKER_HUB => (DOCKER_HUB.to_string(), r.to_string()),
        Some((d, r)) if d.contains(['.', ':']) || d.to_lowercase() != d => {
            (d.to_string(), r.to_string())
        }
        Some(_) => (DOCKER_HUB.to_string(), name.to_string()),
    };
    if domain == DOCKER_HUB && !remainder.contains('/') {
        return (domain, format!("{OFFICIAL_PREFIX}{remainder}"));
    }
    (domain, remainder)
}

/// distribution/reference's `Parse` on an already qualified string.
fn parse_canonical(s: &str) -> Result<Reference, String> {
    let Some((name, tag, digest)) = split_reference(s) else {
        let lower = s.to_lowercase();
        if lower != s && split_reference(&lower).is_some() {
            return Err("repository name must be lowercase".to_string());
        }
        return Err("invalid reference format".to_string());
    };
    let (domain, path) = match name.split_once('/') {
        Some((d, p)) if domain_ok(d) && remote_name_ok(p) => (d, p),
        _ => ("", name),
    };
    if path.len() > MAX_PATH_LEN {
        return Err(format!(
            "repository name must not be more than {MAX_PATH_LEN} characters"
        ));
    }
    if let Some(d) = digest {
        validate_digest(d)?;
    }
    Ok(Reference {
        domain: domain.to_string(),
        path: path.to_string(),
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// Matches `name(:tag)?(@digest)?`, returning the three parts.
fn split_reference(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (name_tag, digest) = match s.split_once('@') {
        Some((n, d)) => {
            if !digest_pattern_ok(d) {
                return None;
            }
            (n, Some(d))
        }
        None => (s, None),
    };
    // A colon followed by no slash can only start the tag.
    let (name, tag) = match name_tag.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => {
            if !tag_ok(t) {
                return None;
            }
            (n, Some(t))
        }
        _ => (name_tag, None),
    };
    name_ok(name).then_some((name, tag, digest))
}

fn name_ok(name: &str) -> bool {
    if remote_name_ok(name) {
        return true;
    }
    match name.split_once('/') {
        Some((d, rest)) => domain_ok(d) && remote_name_ok(rest),
        None => false,
    }
}

fn remote_name_ok(s: &str) -> bool {
    !s.is_empty() && s.split('/').all(path_component_ok)
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or one or more `-`.
fn path_component_ok(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && alnum(b[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == b.len() {
            return true;
        }
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if b.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while b.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// A host name, IPv4 address or bracketed IPv6 address, with an optional port.
fn domain_ok(d: &str) -> bool {
    let split = if d.starts_with('[') {
        d.find(']').map(|end| d.split_at(end + 1))
    } else {
        Some(d.find(':').map_or((d, ""), |i| d.split_at(i)))
    };
    let Some((host, port)) = split else {
        return false;
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && host_ok(host)
}

fn host_ok(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    }
    !host.is_empty()
        && host.split('.').all(|c| {
            let b = c.as_bytes();
            !b.is_empty()
                && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// `[\w][\w.-]{0,127}`.
fn tag_ok(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|x| word(*x) || *x == b'.' || *x == b'-')
}

/// `alg(+alg)*:<32 or more hex digits>` as the reference grammar allows.
fn digest_pattern_ok(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['-', '_', '+', '.']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// go-digest's validation for the algorithms containerd registers.
fn validate_digest(d: &str) -> Result<(), String> {
    let (alg, hex) = d.split_once(':').unwrap_or((d, ""));
    let size = match alg {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => return Err("unsupported digest algorithm".to_string()),
    };
    if hex.len() != size * 2 {
        return Err("invalid checksum digest length".to_string());
    }
    if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("invalid checksum digest format".to_string());
    }
    Ok(())
}

/// Go's `%q`: double quotes, with `"` and `\` and control characters escaped.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_as_containerd_names_them() {
        let sha = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let cases: &[(&str, &str, String)] = &[
            (
                "a short name gets library and latest",
                "nginx",
                "docker.io/library/nginx:latest".into(),
            ),
            (
                "a tag is kept",
                "nginx:1.14.2",
                "docker.io/library/nginx:1.14.2".into(),
            ),
            (
                "a user repository on Docker Hub",
                "idealism/kubia",
                "docker.io/idealism/kubia:latest".into(),
            ),
            (
                "the docker.io host is explicit",
                "docker.io/busybox:1.28",
                "docker.io/library/busybox:1.28".into(),
            ),
            (
                "the legacy Hub host is canonicalized",
                "index.docker.io/library/debian",
                "docker.io/library/debian:latest".into(),
            ),
            (
                "another registry keeps its path",
                "registry.k8s.io/pause:3.10",
                "registry.k8s.io/pause:3.10".into(),
            ),
            (
                "nested paths",
                "registry.k8s.io/e2e-test-images/agnhost:2.40",
                "registry.k8s.io/e2e-test-images/agnhost:2.40".into(),
            ),
            (
                "a registry with a port",
                "localhost:5000/team/app",
                "localhost:5000/team/app:latest".into(),
            ),
            (
                "an IP registry with a port and tag",
                "10.0.0.5:5000/app:v2",
                "10.0.0.5:5000/app:v2".into(),
            ),
            (
                "bare localhost is a domain",
                "localhost/app",
                "localhost/app:latest".into(),
            ),
            (
                "a digest replaces the tag",
                &format!("nginx@{sha}"),
                format!("docker.io/library/nginx@{sha}"),
            ),
            (
                "tag and digest keep the digest",
                &format!("nginx:1.25@{sha}"),
                format!("docker.io/library/nginx@{sha}"),
            ),
            (
                "separators inside components",
                "quay.io/my_org/my-app.v2__x",
                "quay.io/my_org/my-app.v2__x:latest".into(),
            ),
            (
                "a tag with dots and dashes",
                "busybox:1.36.1-musl",
                "docker.io/library/busybox:1.36.1-musl".into(),
            ),
            (
                "an uppercase tag is fine",
                "nginx:Latest_1",
                "docker.io/library/nginx:Latest_1".into(),
            ),
            (
                "an uppercase first component is taken for a host",
                "Idealism/kubia",
                "Idealism/kubia:latest".into(),
            ),
            (
                "an IPv6 registry",
                "[::1]:5000/app",
                "[::1]:5000/app:latest".into(),
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(normalize(input).as_deref(), Ok(want.as_str()), "{name}");
        }
    }

    #[test]
    fn invalid_references_give_the_kubelets_message() {
        let prefix = |s: &str| {
            let q = go_quote(s);
            format!("Failed to apply default image tag {q}: couldn't parse image reference {q}: ")
        };
        let cases = [
            ("an uppercase short name", "BUSYBOX", "invalid reference format: repository name (library/BUSYBOX) must be lowercase"),
            ("uppercase after a registry", "quay.io/Junkai/demo:1.0", "invalid reference format: repository name (Junkai/demo) must be lowercase"),
            ("a space inside", "nginx latest", "invalid reference format"),
            ("a trailing colon", "nginx:", "invalid reference format"),
            ("a double slash", "library//nginx", "invalid reference format"),
            ("a leading dash", "-nginx", "invalid reference format"),
            ("a bad character in the tag", "nginx:1.14/2", "invalid reference format"),
            ("a short digest", "nginx@sha256:abc", "invalid reference format"),
            ("a digest of the wrong length", "nginx@sha256:0123456789abcdef0123456789abcdef", "invalid checksum digest length"),
            ("an unknown digest algorithm", "nginx@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm"),
            ("an uppercase digest", "nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "invalid checksum digest format"),
            ("a bare image id", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings"),
            ("empty", "", "invalid reference format"),
        ];
        for (name, input, why) in cases {
            let want = format!("{}{why}", prefix(input));
            assert_eq!(
                normalize(input),
                Err(PullError::InvalidName(want)),
                "{name}"
            );
        }
    }

    #[test]
    fn too_long_paths_are_refused() {
        let long = format!("example.com/{}", "a".repeat(256));
        let Err(PullError::InvalidName(msg)) = normalize(&long) else {
            panic!("accepted a 256-character path");
        };
        assert!(msg.ends_with("repository name must not be more than 255 characters"));
    }

    #[test]
    fn go_quoting_escapes_like_strconv() {
        let cases = [
            ("plain", "nginx", "\"nginx\""),
            ("quotes and backslashes", "a\"b\\c", "\"a\\\"b\\\\c\""),
            ("control characters", "a\tb\u{1}", "\"a\\tb\\x01\""),
        ];
        for (name, input, want) in cases {
            assert_eq!(go_quote(input), want, "{name}");
        }
    }
}
