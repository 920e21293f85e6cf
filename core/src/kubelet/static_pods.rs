//! Static pods: the kubelet's file source (`pkg/kubelet/config/file.go`)
//! reads the manifest directory, and the pods it finds run without the API
//! server; each gets a mirror pod in the API (`pod/mirror_client.go`) that
//! the kubelet recreates when someone deletes it.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::pod::PodWorker;
use super::{Cx, Kubelet, KubeletTask};
use crate::api::corev1::{Node, Pod, Toleration};
use crate::api::meta::OwnerReference;
use crate::apiserver::{DeleteOptions, Millis, WriteOptions};
use crate::sim::kubeadm::STATIC_POD_PATH;
use crate::sim::rng::{fnv, fnv_seeded};
use crate::sim::Task;
use crate::syntax::Node as YamlNode;

/// inotify hands the kubelet a change to the manifest directory this soon.
pub const WATCH_NOTICE: Millis = 100;

pub const SOURCE: &str = "kubernetes.io/config.source";
pub const HASH: &str = "kubernetes.io/config.hash";
pub const MIRROR: &str = "kubernetes.io/config.mirror";
pub const SEEN: &str = "kubernetes.io/config.seen";

/// Whether an API pod is a kubelet's mirror pod.
pub fn is_mirror(p: &Pod) -> bool {
    p.metadata.annotations.contains_key(MIRROR)
}

/// Why a manifest file gave no pod: the kubelet's log line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    pub path: String,
    pub message: String,
}

/// Reads one manifest as the file source does: decode a single Pod, apply
/// the file source's defaults (`applyDefaults`), validate.
pub fn read_manifest(path: &str, data: &[u8], node: &str, seen: &str) -> Result<Pod, String> {
    let text = String::from_utf8_lossy(data);
    let doc: YamlNode = crate::syntax::parse_value(&text)
        .map_err(|e| format!("{path}: couldn't parse as pod({e}), please check config file"))?;
    let kind = doc.get("kind").and_then(YamlNode::as_str).unwrap_or("");
    let version = doc
        .get("apiVersion")
        .and_then(YamlNode::as_str)
        .unwrap_or("");
    if kind != "Pod" || version != "v1" {
        let what = if kind.is_empty() {
            "Object 'Kind' is missing".to_string()
        } else {
            format!("invalid pod: kind {kind:?}")
        };
        return Err(format!(
            "{path}: couldn't parse as pod({what}), please check config file"
        ));
    }
    // The file source's decoder drops unknown fields.
    let mut pod: Pod = crate::apiserver::ApiServer::decode_lenient(&doc);
    crate::api::resource::Resource::set_defaults(&mut pod);
    // The UID is a hash of where the pod came from and what it says.
    let material = format!("host:{node}file:{path}{text}");
    let uid = format!(
        "{:016x}{:016x}",
        fnv(material.as_bytes()),
        fnv_seeded(0x6c62_272e_07bb_0142, material.as_bytes())
    );
    let name = format!("{}-{}", pod.metadata.name(), node.to_ascii_lowercase());
    pod.metadata.name = Some(name);
    if pod.metadata.namespace().is_empty() {
        pod.metadata.namespace = Some("default".to_string());
    }
    pod.metadata.uid = Some(uid.clone());
    pod.spec.node_name = node.to_string();
    pod.metadata.annotations.insert(HASH.to_string(), uid);
    pod.metadata
        .annotations
        .insert(SEEN.to_string(), seen.to_string());
    pod.metadata
        .annotations
        .insert(SOURCE.to_string(), "file".to_string());
    // Static pods tolerate every NoExecute taint, so node problems do not
    // evict them.
    let tolerated = pod
        .spec
        .tolerations
        .iter()
        .any(|t| t.operator == "Exists" && t.key.is_empty() && t.effect == "NoExecute");
    if !tolerated {
        pod.spec.tolerations.push(Toleration {
            operator: "Exists".to_string(),
            effect: "NoExecute".to_string(),
            ..Default::default()
        });
    }
    let errs = crate::api::corev1::pod_validation::validate_pod(&pod);
    if !errs.is_empty() {
        let list: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        return Err(format!("invalid pod: [{}]", list.join(" ")));
    }
    Ok(pod)
}

/// `RFC3339Nano` of a simulated wall time, as `config.seen` stamps it.
fn seen_stamp(wall_ms: i64, salt: u64) -> String {
    let base = crate::api::time::Time::from_millis(wall_ms).rfc3339();
    let nanos = (wall_ms.rem_euclid(1000) as u64) * 1_000_000 + salt % 1_000_000;
    let frac = format!("{nanos:09}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        base
    } else {
        format!("{}.{frac}Z", base.trim_end_matches('Z'))
    }
}

impl Kubelet {
    /// Schedules a read of the manifest directory.
    pub(super) fn schedule_manifest_read(&mut self, cx: &mut Cx, at: Millis) {
        if self.manifests_read_at.is_some_and(|t| t <= at) {
            return;
        }
        self.manifests_read_at = Some(at);
        cx.timers.at(
            at,
            Task::Kubelet(self.node_name.clone(), KubeletTask::ReadManifests),
        );
    }

    /// Notices writes to the node's host files (inotify on the manifest
    /// directory, approximated by any write to the host tree).
    pub fn notice_host_writes(&mut self, cx: &mut Cx) {
        let changes = cx.storage.host_changes(&self.node_name);
        if changes != self.host_changes_seen {
            self.host_changes_seen = changes;
            let at = cx.api.now() + WATCH_NOTICE;
            self.schedule_manifest_read(cx, at);
        }
    }

    /// The file source's listing: start workers for new manifests, stop
    /// those whose file went away or changed.
    pub(super) fn read_manifests(&mut self, cx: &mut Cx) {
        let now = cx.api.now();
        if self.manifests_read_at != Some(now) {
            return;
        }
        self.manifests_read_at = None;
        self.host_changes_seen = cx.storage.host_changes(&self.node_name);
        let fs = cx.storage.host(&self.node_name).as_fs();
        let mut found: BTreeMap<String, Pod> = BTreeMap::new();
        let mut errors = Vec::new();
        let entries = fs.list("/", STATIC_POD_PATH).unwrap_or_default();
        // Hidden files are skipped, and the rest read in name order.
        for (name, stat) in entries.into_iter().filter(|(n, _)| !n.starts_with('.')) {
            let path = format!("{STATIC_POD_PATH}/{name}");
            let is_dir = fs
                .stat("/", &path)
                .map(|s| s.is_dir())
                .unwrap_or(stat.is_dir());
            if is_dir {
                errors.push(ManifestError {
                    path: path.clone(),
                    message: format!("Not recursing into manifest path \"{path}\""),
                });
                continue;
            }
            let Ok(data) = fs.read("/", &path) else {
                continue;
            };
            let salt = fnv(path.as_bytes());
            let seen = self
                .seen
                .get(&path)
                .cloned()
                .unwrap_or_else(|| seen_stamp(cx.api.wall_millis(), salt));
            match read_manifest(&path, &data, &self.node_name, &seen) {
                Ok(pod) => {
                    self.seen.insert(path.clone(), seen);
                    found.insert(pod.metadata.uid().to_string(), pod);
                }
                Err(message) => errors.push(ManifestError { path, message }),
            }
        }
        self.seen.retain(|p, _| fs.exists("/", p));
        self.manifest_errors = errors;
        // Pods whose manifest is gone (or changed: a new hash) stop.
        let gone: Vec<String> = self
            .pods
            .iter()
            .filter(|(uid, w)| w.static_pod && !w.removed && !found.contains_key(*uid))
            .map(|(uid, _)| uid.clone())
            .collect();
        for uid in gone {
            if let Some(w) = self.pods.get_mut(&uid) {
                w.removed = true;
                let at = now;
                w.sync_at = Some(at);
                cx.timers.at(
                    at,
                    Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(uid)),
                );
            }
        }
        for (uid, pod) in found {
            if self.pods.contains_key(&uid) {
                continue;
            }
            let mut w = PodWorker::new(Rc::new(pod), now);
            w.static_pod = true;
            let at = now + super::sync::WATCH_DELAY;
            w.sync_at = Some(at);
            self.pods.insert(uid.clone(), w);
            cx.timers.at(
                at,
                Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(uid)),
            );
        }
    }

    /// The API pod a worker reports to: the pod itself, or a static pod's
    /// live mirror pod.
    pub(super) fn api_pod(&self, w: &PodWorker, cx: &Cx) -> Option<Rc<Pod>> {
        let p = cx.api.store.get::<Pod>(w.pod.namespace(), w.pod.name())?;
        if w.static_pod {
            let ours =
                p.metadata.annotations.get(MIRROR).map(String::as_str) == Some(w.uid.as_str());
            (ours && p.metadata.deletion_timestamp.is_none()).then(|| p.clone())
        } else {
            (p.metadata.uid() == w.uid).then(|| p.clone())
        }
    }

    /// Makes sure a running static pod has its mirror pod: a mirror that is
    /// being deleted or is out of date is removed and created afresh.
    pub(super) fn sync_mirror(&mut self, w: &mut PodWorker, cx: &mut Cx) {
        let existing = cx
            .api
            .store
            .get::<Pod>(w.pod.namespace(), w.pod.name())
            .cloned();
        if let Some(p) = &existing {
            let ours =
                p.metadata.annotations.get(MIRROR).map(String::as_str) == Some(w.uid.as_str());
            if ours && p.metadata.deletion_timestamp.is_none() {
                return;
            }
            if !is_mirror(p) {
                // A pod of that name that is not a mirror pod: creating
                // fails until it goes away.
                return;
            }
            let opts = DeleteOptions {
                grace_period: Some(0),
                uid_precondition: Some(p.metadata.uid().to_string()),
                ..Default::default()
            };
            let _ = cx.api.delete::<Pod>(p.namespace(), p.name(), &opts);
        }
        let Some(node_uid) = cx
            .api
            .store
            .get::<Node>("", &self.node_name)
            .map(|n| n.metadata.uid().to_string())
        else {
            return;
        };
        let mut mirror = (*w.pod).clone();
        mirror.metadata.uid = None;
        mirror.metadata.resource_version = None;
        mirror
            .metadata
            .annotations
            .insert(MIRROR.to_string(), w.uid.clone());
        mirror.metadata.owner_references = vec![OwnerReference {
            api_version: "v1".to_string(),
            kind: "Node".to_string(),
            name: self.node_name.clone(),
            uid: node_uid,
            controller: Some(true),
            ..Default::default()
        }];
        mirror.status = Default::default();
        if cx.api.create(mirror, &WriteOptions::default()).is_ok() {
            // The new mirror pod gets the current status at once.
            self.write_status(w, cx);
        }
    }

    /// Deletes the mirror pod of a static pod that stopped.
    pub(super) fn delete_mirror(&self, w: &PodWorker, cx: &mut Cx) {
        let Some(p) = cx
            .api
            .store
            .get::<Pod>(w.pod.namespace(), w.pod.name())
            .cloned()
        else {
            return;
        };
        if p.metadata.annotations.get(MIRROR).map(String::as_str) != Some(w.uid.as_str()) {
            return;
        }
        let opts = DeleteOptions {
            grace_period: Some(0),
            uid_precondition: Some(p.metadata.uid().to_string()),
            ..Default::default()
        };
        let _ = cx.api.delete::<Pod>(p.namespace(), p.name(), &opts);
    }

    /// Deletes mirror pods on this node whose static pod is gone
    /// (housekeeping's `deleteOrphanedMirrorPods`); those of a static pod
    /// still stopping wait for it.
    pub(super) fn delete_orphaned_mirrors(&self, cx: &mut Cx) {
        let keys: Vec<_> = cx
            .api
            .store
            .pods_on_node(&self.node_name)
            .cloned()
            .collect();
        for key in keys {
            let Some(p) = cx.api.store.get::<Pod>(&key.namespace, &key.name).cloned() else {
                continue;
            };
            let Some(hash) = p.metadata.annotations.get(MIRROR) else {
                continue;
            };
            if self.pods.get(hash).is_some_and(|w| w.static_pod) {
                continue;
            }
            let running_under_name = self.pods.values().any(|w| {
                w.static_pod && w.pod.namespace() == p.namespace() && w.pod.name() == p.name()
            });
            if running_under_name {
                // Its worker replaces it with an up-to-date mirror.
                continue;
            }
            let opts = DeleteOptions {
                grace_period: Some(0),
                uid_precondition: Some(p.metadata.uid().to_string()),
                ..Default::default()
            };
            let _ = cx.api.delete::<Pod>(p.namespace(), p.name(), &opts);
        }
    }

    /// Problems with manifest files at the last reading (the kubelet logs
    /// them; no event is recorded).
    pub fn manifest_errors(&self) -> &[ManifestError] {
        &self.manifest_errors
    }
}
