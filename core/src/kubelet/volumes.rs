//! Materializing a pod's volumes: emptyDir shared by its containers,
//! hostPath per node, ConfigMap/Secret/downward API/projected contents in the
//! kubelet's `..data` layout, and claims backed by their volume's data.

use std::collections::BTreeMap;

use crate::api::corev1::{
    ConfigMap, KeyToPath, PersistentVolumeClaim, Pod, Secret, Volume as VolumeSpec,
};
use crate::api::time::format_rfc3339;
use crate::apiserver::ApiServer;
use crate::controllers::serviceaccount::ROOT_CA_PEM;
use crate::userland::fs::{Image, ImageBuilder};
use crate::userland::Volume;

use super::env::{field_value, format_map};

/// Data that outlives pods: each node's host filesystem (which hostPath
/// volumes are directories of), and the contents of persistent volumes (by
/// volume name, so they follow a claim from node to node).
#[derive(Default)]
pub struct Storage {
    hosts: BTreeMap<String, Volume>,
    persistent: BTreeMap<String, Volume>,
}

/// What a hostPath volume needs of its path before it is mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostPathType {
    /// No check; the runtime creates a missing directory.
    Unset,
    DirectoryOrCreate,
    Directory,
    FileOrCreate,
    File,
    Socket,
    CharDevice,
    BlockDevice,
}

impl HostPathType {
    fn parse(s: &str) -> Option<HostPathType> {
        Some(match s {
            "" => HostPathType::Unset,
            "DirectoryOrCreate" => HostPathType::DirectoryOrCreate,
            "Directory" => HostPathType::Directory,
            "FileOrCreate" => HostPathType::FileOrCreate,
            "File" => HostPathType::File,
            "Socket" => HostPathType::Socket,
            "CharDevice" => HostPathType::CharDevice,
            "BlockDevice" => HostPathType::BlockDevice,
            _ => return None,
        })
    }
}

impl Storage {
    /// Gives a node its host filesystem, starting as `image` (shared until
    /// written, so thousands of nodes cost little).
    pub fn add_host(&mut self, node: &str, image: &Image) {
        self.hosts
            .insert(node.to_string(), Volume::from_image(image.clone()));
    }

    /// A node's whole host filesystem (an empty one for a node never
    /// added, as in unit tests).
    pub fn host(&mut self, node: &str) -> Volume {
        self.hosts
            .entry(node.to_string())
            .or_insert_with(|| Volume::from_image(Image::builder().dir("tmp", 0o1777).build()))
            .clone()
    }

    /// How many writes a node's host tree has seen (0 for none yet).
    pub fn host_changes(&self, node: &str) -> u64 {
        self.hosts.get(node).map_or(0, Volume::changes)
    }

    /// A hostPath volume after the kubelet's type check (`checkType`): the
    /// directory or file of the node's host tree, created when the type
    /// (or the runtime, for no type) creates it.
    fn host_path(
        &mut self,
        node: &str,
        path: &str,
        type_: &str,
        wall_secs: i64,
    ) -> Result<Volume, String> {
        let Some(t) = HostPathType::parse(type_) else {
            return Err(format!("{type_} is an invalid volume type"));
        };
        let host = self.host(node);
        let mut fs = host.as_fs();
        let path_n = normalize(path);
        let stat = fs.stat("/", &path_n).ok();
        let is_dir = stat.as_ref().is_some_and(|s| s.is_dir());
        let is_file = stat.as_ref().is_some_and(|s| !s.is_dir());
        let make_dir = |fs: &mut crate::userland::Fs| {
            let mut cur = String::new();
            for c in path_n.split('/').filter(|c| !c.is_empty()) {
                cur.push('/');
                cur.push_str(c);
                if !fs.exists("/", &cur) {
                    let _ = fs.mkdir("/", &cur, 0o755, wall_secs);
                }
            }
        };
        let fail = |what: &str| format!("hostPath type check failed: {path} is not a {what}");
        match t {
            HostPathType::Unset | HostPathType::DirectoryOrCreate if stat.is_none() => {
                make_dir(&mut fs)
            }
            HostPathType::Unset => {}
            HostPathType::DirectoryOrCreate | HostPathType::Directory if !is_dir => {
                return Err(fail("directory"))
            }
            HostPathType::DirectoryOrCreate | HostPathType::Directory => {}
            HostPathType::FileOrCreate if stat.is_none() => {
                if let Some((parent, _)) = path_n.rsplit_once('/') {
                    if !parent.is_empty() && !fs.exists("/", parent) {
                        return Err(format!("open {path}: no such file or directory"));
                    }
                }
                let _ = fs.write("/", &path_n, b"", false, wall_secs);
            }
            HostPathType::FileOrCreate | HostPathType::File if !is_file => {
                return Err(fail("file"))
            }
            HostPathType::FileOrCreate | HostPathType::File => {}
            // The simulated hosts have no sockets or device nodes.
            HostPathType::Socket => return Err(fail("socket file")),
            HostPathType::CharDevice => return Err(fail("character device")),
            HostPathType::BlockDevice => return Err(fail("block device")),
        }
        Ok(host.sub(&path_n))
    }

    /// The data of a persistent volume.
    pub fn persistent(&mut self, pv: &str) -> Volume {
        self.persistent
            .entry(pv.to_string())
            .or_insert_with(Volume::empty_dir)
            .clone()
    }

    /// Forgets a deleted volume's data (reclaim policy Delete).
    pub fn delete_persistent(&mut self, pv: &str) {
        self.persistent.remove(pv);
    }
}

fn normalize(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

/// Files of a ConfigMap-like volume in the kubelet's atomic-writer layout:
/// `key -> ..data/key`, `..data -> ..<timestamp>`.
fn atomic_volume(files: &[(String, Vec<u8>, i32)], wall_secs: i64) -> Volume {
    let stamp = format_rfc3339(wall_secs)
        .replace(['-', ':'], "_")
        .replace('T', "_")
        .trim_end_matches('Z')
        .to_string();
    let dir = format!(
        "..{stamp}.{:09}",
        (wall_secs as u64).wrapping_mul(2_654_435_761) % 1_000_000_000
    );
    let mut b: ImageBuilder = Image::builder().dir(&dir, 0o755);
    let mut tops = Vec::new();
    for (path, data, mode) in files {
        b = b.file(&format!("{dir}/{path}"), data.clone(), *mode as u16);
        let top = path.split('/').next().unwrap_or(path).to_string();
        if !tops.contains(&top) {
            tops.push(top);
        }
    }
    b = b.symlink("..data", &dir);
    for top in tops {
        b = b.symlink(&top, &format!("..data/{top}"));
    }
    Volume::from_image(b.build())
}

fn project(
    data: &BTreeMap<String, Vec<u8>>,
    items: &[KeyToPath],
    default_mode: i32,
) -> Result<Vec<(String, Vec<u8>, i32)>, String> {
    if items.is_empty() {
        return Ok(data
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), default_mode))
            .collect());
    }
    let mut out = Vec::new();
    for item in items {
        match data.get(&item.key) {
            Some(v) => out.push((
                item.path.clone(),
                v.clone(),
                item.mode.unwrap_or(default_mode),
            )),
            None => return Err(item.key.clone()),
        }
    }
    Ok(out)
}

fn configmap_data(cm: &ConfigMap) -> BTreeMap<String, Vec<u8>> {
    // Inserting (rather than `collect`) shares the map code the binary data
    // loop needs and compiles no sort.
    let mut m = BTreeMap::new();
    for (k, v) in &cm.data {
        m.insert(k.clone(), v.as_bytes().to_vec());
    }
    for (k, v) in &cm.binary_data {
        m.insert(k.clone(), v.0.clone());
    }
    m
}

fn secret_data(s: &Secret) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for (k, v) in &s.data {
        m.insert(k.clone(), v.0.clone());
    }
    m
}

/// A service account token that looks like one (a JWT), unique per pod.
fn token(pod: &Pod) -> Vec<u8> {
    use crate::api::corev1::base64_encode;
    let header = base64_encode(br#"{"alg":"RS256","kid":"podlab"}"#);
    let claims = format!(
        r#"{{"aud":["https://kubernetes.default.svc.cluster.local"],"iss":"https://kubernetes.default.svc.cluster.local","kubernetes.io":{{"namespace":"{}","pod":{{"name":"{}","uid":"{}"}},"serviceaccount":{{"name":"{}"}}}},"sub":"system:serviceaccount:{}:{}"}}"#,
        pod.namespace(),
        pod.name(),
        pod.metadata.uid(),
        pod.spec.service_account_name,
        pod.namespace(),
        pod.spec.service_account_name
    );
    let body = base64_encode(claims.as_bytes());
    let strip = |s: String| s.trim_end_matches('=').replace('+', "-").replace('/', "_");
    format!(
        "{}.{}.{}",
        strip(header),
        strip(body),
        strip(base64_encode(pod.metadata.uid().as_bytes()))
    )
    .into_bytes()
}

/// Why a volume cannot be set up: the `FailedMount` event's message.
pub type MountError = String;

/// Builds every volume of `pod` on `node`.
pub fn build(
    api: &ApiServer,
    storage: &mut Storage,
    pod: &Pod,
    node: &str,
    host_ip: &str,
    pod_ip: &str,
) -> Result<BTreeMap<String, Volume>, MountError> {
    let ns = pod.namespace();
    let wall = api.wall_millis() / 1000;
    let mut out = BTreeMap::new();
    for v in &pod.spec.volumes {
        let vol = build_one(api, storage, pod, v, ns, node, host_ip, pod_ip, wall)?;
        out.insert(v.name.clone(), vol);
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn build_one(
    api: &ApiServer,
    storage: &mut Storage,
    pod: &Pod,
    v: &VolumeSpec,
    ns: &str,
    node: &str,
    host_ip: &str,
    pod_ip: &str,
    wall: i64,
) -> Result<Volume, MountError> {
    let fail = |what: String| {
        format!(
            "MountVolume.SetUp failed for volume \"{}\" : {what}",
            v.name
        )
    };
    if let Some(h) = &v.host_path {
        let t = h.type_.as_deref().unwrap_or("");
        return storage.host_path(node, &h.path, t, wall).map_err(&fail);
    }
    if v.empty_dir.is_some() {
        return Ok(Volume::empty_dir());
    }
    if let Some(c) = &v.config_map {
        let mode = c.default_mode.unwrap_or(0o644);
        return match api.store.get::<ConfigMap>(ns, &c.name) {
            Some(cm) => project(&configmap_data(cm), &c.items, mode)
                .map(|files| atomic_volume(&files, wall))
                .or_else(|key| {
                    if c.optional == Some(true) {
                        Ok(atomic_volume(&[], wall))
                    } else {
                        Err(fail(format!(
                            "configmap references non-existent config key: {key}"
                        )))
                    }
                }),
            None if c.optional == Some(true) => Ok(atomic_volume(&[], wall)),
            None => Err(fail(format!("configmap \"{}\" not found", c.name))),
        };
    }
    if let Some(s) = &v.secret {
        let mode = s.default_mode.unwrap_or(0o644);
        return match api.store.get::<Secret>(ns, &s.secret_name) {
            Some(sec) => project(&secret_data(sec), &s.items, mode)
                .map(|files| atomic_volume(&files, wall))
                .or_else(|key| {
                    if s.optional == Some(true) {
                        Ok(atomic_volume(&[], wall))
                    } else {
                        Err(fail(format!("references non-existent secret key: {key}")))
                    }
                }),
            None if s.optional == Some(true) => Ok(atomic_volume(&[], wall)),
            None => Err(fail(format!("secret \"{}\" not found", s.secret_name))),
        };
    }
    if let Some(d) = &v.downward_api {
        let mode = d.default_mode.unwrap_or(0o644);
        let mut files = Vec::new();
        for item in &d.items {
            let value = downward_value(pod, item, host_ip, pod_ip);
            files.push((
                item.path.clone(),
                value.into_bytes(),
                item.mode.unwrap_or(mode),
            ));
        }
        return Ok(atomic_volume(&files, wall));
    }
    if let Some(p) = &v.projected {
        let mode = p.default_mode.unwrap_or(0o644);
        let mut files = Vec::new();
        for src in &p.sources {
            if let Some(t) = &src.service_account_token {
                files.push((t.path.clone(), token(pod), mode));
            }
            if let Some(c) = &src.config_map {
                let data = if c.name == "kube-root-ca.crt" {
                    api.store
                        .get::<ConfigMap>(ns, &c.name)
                        .map(|cm| configmap_data(cm))
                        .unwrap_or_else(|| {
                            [("ca.crt".to_string(), ROOT_CA_PEM.as_bytes().to_vec())].into()
                        })
                } else {
                    match api.store.get::<ConfigMap>(ns, &c.name) {
                        Some(cm) => configmap_data(cm),
                        None if c.optional == Some(true) => BTreeMap::new(),
                        None => return Err(fail(format!("configmap \"{}\" not found", c.name))),
                    }
                };
                let projected = project(&data, &c.items, mode).map_err(|key| {
                    fail(format!(
                        "configmap references non-existent config key: {key}"
                    ))
                })?;
                files.extend(projected);
            }
            if let Some(s) = &src.secret {
                match api.store.get::<Secret>(ns, &s.name) {
                    Some(sec) => {
                        files.extend(project(&secret_data(sec), &s.items, mode).map_err(|key| {
                            fail(format!("references non-existent secret key: {key}"))
                        })?)
                    }
                    None if s.optional == Some(true) => {}
                    None => return Err(fail(format!("secret \"{}\" not found", s.name))),
                }
            }
            if let Some(d) = &src.downward_api {
                for item in &d.items {
                    files.push((
                        item.path.clone(),
                        downward_value(pod, item, host_ip, pod_ip).into_bytes(),
                        item.mode.unwrap_or(mode),
                    ));
                }
            }
        }
        return Ok(atomic_volume(&files, wall));
    }
    if let Some(c) = &v.persistent_volume_claim {
        let Some(claim) = api.store.get::<PersistentVolumeClaim>(ns, &c.claim_name) else {
            return Err(fail(format!(
                "persistentvolumeclaim \"{}\" not found",
                c.claim_name
            )));
        };
        if claim.spec.volume_name.is_empty() {
            return Err(fail(format!(
                "PVC {ns}/{} has not been bound",
                c.claim_name
            )));
        }
        return Ok(storage.persistent(&claim.spec.volume_name));
    }
    // Other sources (nfs, csi, cloud disks) have no backing here: an empty
    // directory stands in.
    Ok(Volume::empty_dir())
}

fn downward_value(
    pod: &Pod,
    item: &crate::api::corev1::DownwardApiVolumeFile,
    host_ip: &str,
    pod_ip: &str,
) -> String {
    if let Some(f) = &item.field_ref {
        return match f.field_path.as_str() {
            "metadata.labels" => format_map(&pod.metadata.labels),
            "metadata.annotations" => format_map(&pod.metadata.annotations),
            p => field_value(pod, p, host_ip, pod_ip).unwrap_or_default(),
        };
    }
    if let Some(r) = &item.resource_field_ref {
        let c = pod
            .spec
            .containers
            .iter()
            .find(|c| c.name == r.container_name)
            .or_else(|| pod.spec.containers.first());
        if let Some(c) = c {
            return super::env::resource_value(c, &r.resource, &r.divisor, 0, 0)
                .unwrap_or_default();
        }
    }
    String::new()
}
