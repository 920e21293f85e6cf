//! ControllerRevisions shared by the StatefulSet and DaemonSet controllers
//! (`pkg/controller/history`): naming by hash, revision numbers, finding an
//! equal snapshot, collisions, and trimming old history; plus the pod that a
//! template stamps out.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::api::apps::ControllerRevision;
use crate::api::codec::Encode;
use crate::api::corev1::{Pod, PodTemplateSpec};
use crate::api::meta::{ObjectMeta, OwnerReference};
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Reason, WriteOptions};
use crate::store::Kind;
use crate::syntax::Node;
use crate::value::Value;

/// The label on a revision (and on DaemonSet pods) with its hash.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// Longest prefix a revision name keeps, so that `<prefix>-<hash>` stays a
/// valid name.
const MAX_PREFIX: usize = 223;

/// How many names a create tries before giving up on collisions.
const MAX_COLLISIONS: i32 = 16;

/// Go's `hash/fnv` New32 (FNV-1, not 1a), as the revision hash uses.
pub fn fnv32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h = h.wrapping_mul(0x0100_0193);
        h ^= u32::from(*b);
    }
    h
}

/// Go's FNV-1a 32, which `controller.ComputeHash` uses for templates.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `rand.SafeEncodeString`: maps each byte onto consonants and digits that
/// cannot spell words.
pub fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `HashControllerRevision`: the data's hash, perturbed by the collision
/// count, written as the decimal number safe-encoded.
pub fn revision_hash(data: &Value, collision_count: Option<i32>) -> String {
    let mut bytes = data.to_json().into_bytes();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(c.to_string().as_bytes());
    }
    safe_encode(&fnv32(&bytes).to_string())
}

/// `controller.ComputeHash` of a pod template with a collision count.
pub fn template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = template.encode().to_json().into_bytes();
    if let Some(c) = collision_count.filter(|c| *c != 0) {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// `<prefix>-<hash>`, with the prefix cut so the name stays valid.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let prefix: String = prefix.chars().take(MAX_PREFIX).collect();
    format!("{prefix}-{hash}")
}

/// The revision data of a template: `{"spec":{"template":{…,"$patch":"replace"}}}`,
/// the strategic-merge patch that restores it.
pub fn template_patch(template: &PodTemplateSpec) -> Value {
    let mut t = template.encode();
    if let Some(m) = t.as_object_mut() {
        m.insert("$patch".to_string(), Value::String("replace".to_string()));
    }
    let mut spec = Value::object();
    if let Some(m) = spec.as_object_mut() {
        m.insert("template".to_string(), t);
    }
    let mut root = Value::object();
    if let Some(m) = root.as_object_mut() {
        m.insert("spec".to_string(), spec);
    }
    root
}

/// The template a revision restores.
pub fn template_of(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let t = revision.data.pointer("spec")?.get("template")?;
    Some(ApiServer::decode_lenient::<PodTemplateSpec>(
        &Node::from_value(t),
    ))
}

/// The controller reference a controller puts on what it creates.
pub fn controller_ref(kind: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: kind.to_string(),
        name: meta.name().to_string(),
        uid: meta.uid().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The revisions an owner controls, sorted as `SortControllerRevisions`
/// does: by revision number, then creation time, then name.
pub fn owned_revisions(api: &ApiServer, owner_uid: &str) -> Vec<Rc<ControllerRevision>> {
    let mut out: Vec<Rc<ControllerRevision>> = api
        .store
        .dependents_of(owner_uid)
        .filter(|(k, _)| *k == Kind::ControllerRevision)
        .filter_map(|(_, key)| {
            api.store
                .get::<ControllerRevision>(&key.namespace, &key.name)
        })
        .filter(|r| r.metadata.controller().is_some_and(|c| c.uid == owner_uid))
        .cloned()
        .collect();
    sort_revisions(&mut out);
    out
}

pub fn sort_revisions(revs: &mut [Rc<ControllerRevision>]) {
    revs.sort_by(|a, b| {
        (a.revision, a.metadata.creation_timestamp, a.metadata.name()).cmp(&(
            b.revision,
            b.metadata.creation_timestamp,
            b.metadata.name(),
        ))
    });
}

/// One more than the highest revision number (1 for an empty history).
pub fn next_revision(revs: &[Rc<ControllerRevision>]) -> i64 {
    revs.iter().map(|r| r.revision).max().unwrap_or(0) + 1
}

/// What an owner needs to stamp a new revision.
pub struct NewRevision<'a> {
    pub owner_kind: &'a str,
    pub owner: &'a ObjectMeta,
    /// The template's labels, copied onto the revision.
    pub labels: &'a std::collections::BTreeMap<String, String>,
    /// The owner's annotations, copied onto the revision.
    pub annotations: &'a std::collections::BTreeMap<String, String>,
    pub data: Value,
    pub revision: i64,
}

/// `CreateControllerRevision`: names the revision by its hash and creates
/// it; a name taken by different data counts a collision and tries the
/// next name. Returns the revision (new, or an equal one that existed).
pub fn create_revision(
    api: &mut ApiServer,
    new: NewRevision<'_>,
    collision_count: &mut i32,
) -> Result<Rc<ControllerRevision>, ApiError> {
    let ns = new.owner.namespace().to_string();
    for _ in 0..MAX_COLLISIONS {
        let hash = revision_hash(&new.data, Some(*collision_count));
        let name = revision_name(new.owner.name(), &hash);
        let mut labels = new.labels.clone();
        labels.insert(REVISION_HASH_LABEL.to_string(), hash);
        let cr = ControllerRevision {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                labels,
                annotations: new.annotations.clone(),
                owner_references: vec![controller_ref(new.owner_kind, new.owner)],
                ..Default::default()
            },
            data: new.data.clone(),
            revision: new.revision,
        };
        match api.create(cr, &WriteOptions::default()) {
            Ok(cr) => return Ok(cr),
            Err(e) if e.reason == Reason::AlreadyExists => {
                if let Some(existing) = api.store.get::<ControllerRevision>(&ns, &name) {
                    if existing.data == new.data {
                        return Ok(existing.clone());
                    }
                }
                *collision_count = collision_count.saturating_add(1);
            }
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::new(
        Reason::InternalError,
        "too many ControllerRevision name collisions",
    ))
}

/// Gives an existing revision a new number (a rollback to an older
/// template makes that snapshot the newest).
pub fn renumber(
    api: &mut ApiServer,
    rev: &ControllerRevision,
    revision: i64,
) -> Result<Rc<ControllerRevision>, ApiError> {
    let mut r = rev.clone();
    r.revision = revision;
    api.update(r, &WriteOptions::default())
}

/// Deletes the oldest revisions not in `live` until at most `limit` of
/// them remain (`truncateHistory`). `revs` must be sorted.
pub fn truncate(
    api: &mut ApiServer,
    revs: &[Rc<ControllerRevision>],
    live: &BTreeSet<String>,
    limit: i32,
) -> Result<(), ApiError> {
    let old: Vec<&Rc<ControllerRevision>> = revs
        .iter()
        .filter(|r| !live.contains(r.metadata.name()))
        .collect();
    let Ok(limit) = usize::try_from(limit) else {
        return Ok(());
    };
    if old.len() <= limit {
        return Ok(());
    }
    for r in &old[..old.len() - limit] {
        match api.delete::<ControllerRevision>(
            r.metadata.namespace(),
            r.metadata.name(),
            &DeleteOptions::default(),
        ) {
            Ok(_) => {}
            Err(e) if e.reason == Reason::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `GetPodFromTemplate`: a pod with the template's labels, annotations,
/// finalizers and spec, owned by the controller.
pub fn pod_from_template(template: &PodTemplateSpec, owner_kind: &str, owner: &ObjectMeta) -> Pod {
    Pod {
        metadata: ObjectMeta {
            namespace: Some(owner.namespace().to_string()),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            finalizers: template.metadata.finalizers.clone(),
            owner_references: vec![controller_ref(owner_kind, owner)],
            ..Default::default()
        },
        spec: template.spec.clone(),
        ..Default::default()
    }
}

/// Whether a pod has been Ready for `min_ready_seconds` (`IsPodAvailable`).
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now_wall_millis: i64) -> bool {
    let Some(ready) = pod.condition("Ready").filter(|c| c.status == "True") else {
        return false;
    };
    if min_ready_seconds <= 0 {
        return true;
    }
    ready
        .last_transition_time
        .is_some_and(|t| t.millis() + i64::from(min_ready_seconds) * 1000 <= now_wall_millis)
}

/// When a ready pod becomes available, for requeueing (None when it is
/// already available or not ready).
pub fn available_at(pod: &Pod, min_ready_seconds: i32, now_wall_millis: i64) -> Option<i64> {
    let ready = pod.condition("Ready").filter(|c| c.status == "True")?;
    let at = ready.last_transition_time?.millis() + i64::from(min_ready_seconds) * 1000;
    (min_ready_seconds > 0 && at > now_wall_millis).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_go() {
        // Go: fnv.New32() / New32a() over "hello".
        assert_eq!(fnv32(b"hello"), 0xb6fa_7167);
        assert_eq!(fnv32a(b"hello"), 0x4f9f_2cab);
        assert_eq!(fnv32(b""), 0x811c_9dc5);
    }

    #[test]
    fn safe_encoding_uses_no_vowels() {
        // '0'..'9' are bytes 48..57.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        assert_eq!(safe_encode(""), "");
    }

    #[test]
    fn names_are_cut_to_fit() {
        let long = "a".repeat(300);
        let name = revision_name(&long, "x");
        assert_eq!(name.len(), 225);
        assert_eq!(revision_name("web", "6d4b"), "web-6d4b");
    }

    #[test]
    fn a_collision_count_changes_the_hash() {
        let data = template_patch(&PodTemplateSpec::default());
        assert_ne!(revision_hash(&data, Some(0)), revision_hash(&data, Some(1)));
        assert_eq!(revision_hash(&data, Some(0)), revision_hash(&data, Some(0)));
    }

    #[test]
    fn a_patch_restores_its_template() {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "nginx".into());
        let data = template_patch(&t);
        assert_eq!(
            data.pointer("spec.template.$patch"),
            Some(&Value::String("replace".into()))
        );
        let rev = ControllerRevision {
            data,
            ..Default::default()
        };
        assert_eq!(
            template_of(&rev).map(|t| t.metadata.labels),
            Some(t.metadata.labels)
        );
    }
}
