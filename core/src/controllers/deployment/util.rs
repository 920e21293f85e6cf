//! The pure parts of the Deployment controller (`deployment/util`): the
//! pod-template hash, revision and replica annotations, surge and
//! proportional-scaling arithmetic, orderings of ReplicaSets, and the
//! conditions helpers. Nothing here touches the API server.

use std::cmp::Ordering;

use crate::api::apps::{
    ConditionStatus, Deployment, DeploymentCondition, DeploymentConditionType, DeploymentStatus,
    DeploymentStrategyType, ReplicaSet, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION,
};
use crate::api::codec::Encode;
use crate::api::corev1::PodTemplateSpec;
use crate::api::time::Time;

pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
pub const DEPRECATED_ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
/// The revision history annotation is kept under this many characters.
pub const MAX_REV_HISTORY_LENGTH_IN_CHARS: usize = 2000;

// Progressing reasons.
pub const REPLICA_SET_UPDATED: &str = "ReplicaSetUpdated";
pub const FAILED_RS_CREATE: &str = "ReplicaSetCreateError";
pub const NEW_REPLICA_SET_CREATED: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
pub const PAUSED: &str = "DeploymentPaused";
pub const RESUMED: &str = "DeploymentResumed";
// Available reasons.
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";

/// The characters `rand.SafeEncodeString` maps bytes to (no vowels, no
/// 0, 1 or 3).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn fnv32a(h: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(h, |h, b| (h ^ u32::from(*b)).wrapping_mul(0x0100_0193))
}

/// `rand.SafeEncodeString`.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char)
        .collect()
}

/// `controller.ComputeHash`: FNV-32a of the template (here its canonical
/// JSON, upstream a Go dump, so values differ from a real cluster's but
/// have their shape) plus the collision count, as the decimal digits of
/// the sum mapped through `SafeEncodeString`.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut h = fnv32a(0x811c_9dc5, template.encode().to_json().as_bytes());
    if let Some(c) = collision_count {
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(c as u32).to_le_bytes());
        h = fnv32a(h, &bytes);
    }
    safe_encode(&h.to_string())
}

/// `EqualIgnoreHash`: templates equal but for the `pod-template-hash` label.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let without = |t: &PodTemplateSpec| {
        let mut l = t.metadata.labels.clone();
        l.remove(POD_TEMPLATE_HASH_LABEL);
        l
    };
    if without(a) != without(b) {
        return false;
    }
    let mut a = a.clone();
    let mut b = b.clone();
    a.metadata.labels.clear();
    b.metadata.labels.clear();
    a == b
}

/// `Revision`: the revision annotation (0 when missing), or `None` when it
/// does not parse.
pub fn revision(rs: &ReplicaSet) -> Option<i64> {
    match rs.metadata.annotation(REVISION_ANNOTATION) {
        None => Some(0),
        Some(v) => v.parse().ok(),
    }
}

/// `MaxRevision`.
pub fn max_revision<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i64 {
    rss.into_iter()
        .filter_map(revision)
        .max()
        .unwrap_or(0)
        .max(0)
}

/// Annotations a Deployment does not copy to its ReplicaSets.
fn skip_copy(key: &str) -> bool {
    matches!(
        key,
        LAST_APPLIED_ANNOTATION
            | REVISION_ANNOTATION
            | REVISION_HISTORY_ANNOTATION
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | DEPRECATED_ROLLBACK_TO
    )
}

/// `copyDeploymentAnnotationsToReplicaSet`.
fn copy_deployment_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if skip_copy(k) || rs.metadata.annotations.get(k) == Some(v) {
            continue;
        }
        rs.metadata.annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    changed
}

/// `SetReplicasAnnotations`.
pub fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let mut changed = false;
    for (k, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired.to_string()),
        (MAX_REPLICAS_ANNOTATION, max.to_string()),
    ] {
        if rs.metadata.annotations.get(k) != Some(&v) {
            rs.metadata.annotations.insert(k.to_string(), v);
            changed = true;
        }
    }
    changed
}

/// `ReplicasAnnotationsNeedUpdate`.
pub fn replicas_annotations_need_update(rs: &ReplicaSet, desired: i32, max: i32) -> bool {
    rs.metadata.annotation(DESIRED_REPLICAS_ANNOTATION) != Some(desired.to_string().as_str())
        || rs.metadata.annotation(MAX_REPLICAS_ANNOTATION) != Some(max.to_string().as_str())
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations,
/// raises the revision to `new_revision` (recording the old one in the
/// history when the ReplicaSet is reused, as after a rollback), and for a
/// ReplicaSet about to be created sets the replica annotations.
pub fn set_new_replica_set_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
    history_limit_chars: usize,
) -> bool {
    let mut changed = copy_deployment_annotations(d, rs);
    let old = rs
        .metadata
        .annotation(REVISION_ANNOTATION)
        .map(str::to_string);
    let old_int = match &old {
        None => 0,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => n,
            Err(_) if v.is_empty() => 0,
            Err(_) => return false,
        },
    };
    if old_int < new_revision {
        rs.metadata
            .annotations
            .insert(REVISION_ANNOTATION.to_string(), new_revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = rs
                .metadata
                .annotation(REVISION_HISTORY_ANNOTATION)
                .unwrap_or("")
                .to_string();
            if history.is_empty() {
                rs.metadata
                    .annotations
                    .insert(REVISION_HISTORY_ANNOTATION.to_string(), old);
            } else {
                let mut parts: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                let mut start = 0;
                while total > history_limit_chars && start < parts.len() {
                    total -= parts[start].len() + 1;
                    start += 1;
                }
                if total <= history_limit_chars {
                    parts = parts.split_off(start);
                    parts.push(&old);
                    let joined = parts.join(",");
                    rs.metadata
                        .annotations
                        .insert(REVISION_HISTORY_ANNOTATION.to_string(), joined);
                }
            }
        }
    }
    if !exists {
        let (surge, _) = d.max_surge_unavailable();
        if set_replicas_annotations(rs, d.replicas(), d.replicas().saturating_add(surge)) {
            changed = true;
        }
    }
    changed
}

/// `MaxSurge`.
pub fn max_surge(d: &Deployment) -> i32 {
    d.max_surge_unavailable().0
}

/// `MaxUnavailable`.
pub fn max_unavailable(d: &Deployment) -> i32 {
    d.max_surge_unavailable().1
}

/// The size a ReplicaSet asks for.
pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(1)
}

/// `GetReplicaCountForReplicaSets`.
pub fn replica_count<'a>(rss: impl IntoIterator<Item = &'a ReplicaSet>) -> i32 {
    rss.into_iter()
        .map(spec_replicas)
        .fold(0, i32::saturating_add)
}

/// `NewRSNewReplicas`: how big the new ReplicaSet may be now.
pub fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new_rs: &ReplicaSet) -> i32 {
    match d.spec.strategy.type_ {
        DeploymentStrategyType::Recreate => d.replicas(),
        _ => {
            let max_total = d.replicas().saturating_add(max_surge(d));
            let current = replica_count(all.iter().copied());
            if current >= max_total {
                return spec_replicas(new_rs);
            }
            let up = max_total
                .saturating_sub(current)
                .min(d.replicas().saturating_sub(spec_replicas(new_rs)));
            spec_replicas(new_rs).saturating_add(up)
        }
    }
}

/// `getReplicaSetFraction`: the change a ReplicaSet gets when the
/// Deployment is resized mid-rollout, in proportion to its share of the
/// size recorded in its max-replicas annotation.
fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    if d.replicas() == 0 {
        return -spec_replicas(rs);
    }
    let deployment_replicas = d.replicas().saturating_add(max_surge(d));
    let annotated = rs
        .metadata
        .annotation(MAX_REPLICAS_ANNOTATION)
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or(d.status.replicas);
    if annotated == 0 {
        return 0;
    }
    let size = f64::from(spec_replicas(rs)) * f64::from(deployment_replicas) / f64::from(annotated);
    // `math.Round`: halves away from zero.
    (size.round() as i32).saturating_sub(spec_replicas(rs))
}

/// `GetProportion`.
pub fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add.saturating_sub(added);
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `IsSaturated`: the new ReplicaSet holds every desired replica, knows it,
/// and all of them are available.
pub fn is_saturated(d: &Deployment, rs: &ReplicaSet) -> bool {
    let desired = rs
        .metadata
        .annotation(DESIRED_REPLICAS_ANNOTATION)
        .and_then(|v| v.parse::<i32>().ok());
    desired.is_some_and(|desired| {
        spec_replicas(rs) == d.replicas()
            && desired == d.replicas()
            && rs.status.available_replicas == d.replicas()
    })
}

/// `DeploymentComplete`.
pub fn deployment_complete(d: &Deployment, status: &DeploymentStatus) -> bool {
    let r = d.replicas();
    status.updated_replicas == r
        && status.replicas == r
        && status.available_replicas == r
        && status.observed_generation >= d.metadata.generation.unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available pods, or
/// fewer old ones, than the stored status says.
pub fn deployment_progressing(d: &Deployment, new: &DeploymentStatus) -> bool {
    let old = &d.status;
    let old_old = old.replicas.saturating_sub(old.updated_replicas);
    let new_old = new.replicas.saturating_sub(new.updated_replicas);
    new.updated_replicas > old.updated_replicas
        || new_old < old_old
        || new.ready_replicas > old.ready_replicas
        || new.available_replicas > old.available_replicas
}

/// `HasProgressDeadline`.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .progress_deadline_seconds
        .is_some_and(|s| s != i32::MAX)
}

/// `DeploymentTimedOut` at `now_wall_ms`.
pub fn deployment_timed_out(d: &Deployment, new: &DeploymentStatus, now_wall_ms: i64) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(c) = condition(new, DeploymentConditionType::Progressing) else {
        return false;
    };
    if c.reason == NEW_RS_AVAILABLE {
        return false;
    }
    if c.reason == TIMED_OUT {
        return true;
    }
    let from = c.last_update_time.map_or(0, Time::millis);
    let deadline = i64::from(d.spec.progress_deadline_seconds.unwrap_or(0)) * 1000;
    from.saturating_add(deadline) < now_wall_ms
}

/// `FilterActiveReplicaSets`: those asking for pods.
pub fn is_active(rs: &ReplicaSet) -> bool {
    spec_replicas(rs) > 0
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
pub fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    a.metadata
        .creation_timestamp
        .cmp(&b.metadata.creation_timestamp)
        .then_with(|| a.metadata.name().cmp(b.metadata.name()))
}

/// `ReplicaSetsBySizeOlder`: largest first, older first among equals.
pub fn by_size_older(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    spec_replicas(b)
        .cmp(&spec_replicas(a))
        .then_with(|| by_creation(a, b))
}

/// `ReplicaSetsBySizeNewer`: largest first, newer first among equals.
pub fn by_size_newer(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    spec_replicas(b)
        .cmp(&spec_replicas(a))
        .then_with(|| by_creation(b, a))
}

/// `ReplicaSetsByRevision`: lowest revision first, creation order for
/// equal or unparsable revisions.
pub fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    match (revision(a), revision(b)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation(a, b),
    }
}

/// `NewDeploymentCondition`.
pub fn new_condition(
    type_: DeploymentConditionType,
    status: ConditionStatus,
    reason: &str,
    message: String,
    now: Time,
) -> DeploymentCondition {
    DeploymentCondition {
        type_,
        status,
        last_update_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.to_string(),
        message,
    }
}

/// `GetDeploymentCondition`.
pub fn condition(
    status: &DeploymentStatus,
    type_: DeploymentConditionType,
) -> Option<&DeploymentCondition> {
    status.conditions.iter().find(|c| c.type_ == type_)
}

/// `SetDeploymentCondition`: no change when status and reason are the
/// same; the transition time is kept while the status stays.
pub fn set_condition(status: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(cur) = condition(status, c.type_.clone()) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition_time = cur.last_transition_time;
        }
    }
    remove_condition(status, c.type_.clone());
    status.conditions.push(c);
}

/// `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut DeploymentStatus, type_: DeploymentConditionType) {
    status.conditions.retain(|c| c.type_ != type_);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::{DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment};
    use crate::api::meta::IntOrString;

    fn deployment(replicas: i32, surge: &str, unavailable: &str) -> Deployment {
        let mut d = Deployment {
            spec: DeploymentSpec {
                replicas: Some(replicas),
                strategy: DeploymentStrategy {
                    type_: DeploymentStrategyType::RollingUpdate,
                    rolling_update: Some(RollingUpdateDeployment {
                        max_surge: Some(IntOrString::String(surge.to_string())),
                        max_unavailable: Some(IntOrString::String(unavailable.to_string())),
                    }),
                },
                ..Default::default()
            },
            ..Default::default()
        };
        d.metadata.name = Some("web".into());
        d
    }

    fn rs(name: &str, replicas: i32, created: i64) -> ReplicaSet {
        let mut rs = ReplicaSet::default();
        rs.metadata.name = Some(name.into());
        rs.metadata.creation_timestamp = Some(Time(created));
        rs.spec.replicas = Some(replicas);
        rs
    }

    #[test]
    fn template_hashes_are_stable_and_shaped_like_upstream() {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "nginx".into());
        let h = pod_template_hash(&t, None);
        assert_eq!(
            h,
            pod_template_hash(&t.clone(), None),
            "same template, same hash"
        );
        assert!((1..=10).contains(&h.len()), "{h}");
        assert!(h.chars().all(|c| "4567896bcdf".contains(c)), "{h}");
        let mut other = t.clone();
        other.metadata.labels.insert("v".into(), "2".into());
        assert_ne!(
            h,
            pod_template_hash(&other, None),
            "a new template, a new hash"
        );
        assert_ne!(
            h,
            pod_template_hash(&t, Some(1)),
            "a collision moves the hash"
        );
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn templates_compare_without_the_hash_label() {
        let mut a = PodTemplateSpec::default();
        a.metadata.labels.insert("app".into(), "web".into());
        let mut b = a.clone();
        b.metadata
            .labels
            .insert(POD_TEMPLATE_HASH_LABEL.into(), "5d59d67564".into());
        assert!(equal_ignore_hash(&a, &b));
        b.metadata.annotations.insert("x".into(), "y".into());
        assert!(!equal_ignore_hash(&a, &b));
    }

    #[test]
    fn the_new_replica_set_grows_within_the_surge() {
        // (case, replicas, surge, new, olds, want)
        let cases = [
            (
                "3 replicas surge 1: a fresh rollout starts at 1",
                3,
                "25%",
                0,
                vec![3],
                1,
            ),
            ("no room above replicas + surge", 3, "25%", 1, vec![3], 1),
            ("room for one more", 3, "25%", 1, vec![2], 2),
            (
                "10 replicas surge 3: the first step is 3",
                10,
                "25%",
                0,
                vec![10],
                3,
            ),
            ("never beyond the desired count", 3, "100%", 2, vec![0], 3),
            (
                "a surge of 0 waits for old pods to go",
                4,
                "0%",
                0,
                vec![4],
                0,
            ),
        ];
        for (name, replicas, surge, new, olds, want) in cases {
            let d = deployment(replicas, surge, "25%");
            let new_rs = rs("new", new, 2);
            let old: Vec<ReplicaSet> = olds.iter().map(|n| rs("old", *n, 1)).collect();
            let mut all: Vec<&ReplicaSet> = old.iter().collect();
            all.push(&new_rs);
            assert_eq!(new_rs_new_replicas(&d, &all, &new_rs), want, "{name}");
        }
        let mut recreate = deployment(5, "25%", "25%");
        recreate.spec.strategy.type_ = DeploymentStrategyType::Recreate;
        let new_rs = rs("new", 0, 2);
        assert_eq!(new_rs_new_replicas(&recreate, &[&new_rs], &new_rs), 5);
    }

    #[test]
    fn extreme_sizes_saturate_instead_of_overflowing() {
        let mut d = deployment(i32::MAX, "100%", "0%");
        if let Some(ru) = d.spec.strategy.rolling_update.as_mut() {
            ru.max_surge = Some(IntOrString::Int(i32::MAX));
        }
        let new_rs = rs("new", 0, 2);
        let old = rs("old", i32::MAX, 1);
        let all = [&old, &new_rs];
        assert_eq!(new_rs_new_replicas(&d, &all, &new_rs), 0);
        let fresh = rs("fresh", 0, 3);
        assert_eq!(new_rs_new_replicas(&d, &[&fresh], &fresh), i32::MAX);
        let mut r = rs("r", i32::MAX, 1);
        set_replicas_annotations(&mut r, 1, 2);
        assert_eq!(proportion(&r, &d, i32::MAX, i32::MIN), 0);
        let mut stored = rs("r", 1, 1);
        stored
            .metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), i64::MAX.to_string());
        assert_eq!(max_revision([&stored]), i64::MAX);
    }

    #[test]
    fn proportions_follow_the_max_replicas_annotation() {
        // A rollout of 10 (surge 3) with new=5, old=8 (13 pods), scaled to
        // 15 (surge 4, 19 allowed): 6 more pods to share.
        let mut d = deployment(15, "25%", "25%");
        d.status.replicas = 13;
        let mut new_rs = rs("new", 5, 2);
        let mut old_rs = rs("old", 8, 1);
        for r in [&mut new_rs, &mut old_rs] {
            set_replicas_annotations(r, 10, 13);
        }
        // Largest first: old gets round(8*19/13)-8 = 4, new the rest (2).
        let to_add = 19 - 13;
        let p_old = proportion(&old_rs, &d, to_add, 0);
        let p_new = proportion(&new_rs, &d, to_add, p_old);
        assert_eq!((p_old, p_new), (4, 2));
        // Scaling to zero removes everything.
        let zero = deployment(0, "25%", "25%");
        assert_eq!(proportion(&old_rs, &zero, -13, 0), -8);
    }

    #[test]
    fn a_reused_replica_set_keeps_its_old_revisions() {
        let d = deployment(3, "25%", "25%");
        let mut r = rs("web-1", 0, 1);
        r.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), "2".into());
        assert!(set_new_replica_set_annotations(&d, &mut r, 4, true, 2000));
        assert_eq!(r.metadata.annotation(REVISION_ANNOTATION), Some("4"));
        assert_eq!(
            r.metadata.annotation(REVISION_HISTORY_ANNOTATION),
            Some("2")
        );
        r.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), "4".into());
        assert!(set_new_replica_set_annotations(&d, &mut r, 6, true, 2000));
        assert_eq!(
            r.metadata.annotation(REVISION_HISTORY_ANNOTATION),
            Some("2,4")
        );
        assert!(!set_new_replica_set_annotations(&d, &mut r, 6, true, 2000));
        // A fresh ReplicaSet gets its replica annotations.
        let mut fresh = rs("web-2", 1, 2);
        set_new_replica_set_annotations(&d, &mut fresh, 1, false, 2000);
        assert_eq!(
            fresh.metadata.annotation(DESIRED_REPLICAS_ANNOTATION),
            Some("3")
        );
        assert_eq!(
            fresh.metadata.annotation(MAX_REPLICAS_ANNOTATION),
            Some("4")
        );
    }

    #[test]
    fn replica_sets_sort_like_upstream() {
        let a = rs("a", 3, 1);
        let b = rs("b", 3, 2);
        let c = rs("c", 5, 3);
        let mut v = [&a, &b, &c];
        v.sort_by(|x, y| by_size_newer(x, y));
        assert_eq!(
            v.iter().map(|r| r.metadata.name()).collect::<Vec<_>>(),
            ["c", "b", "a"]
        );
        v.sort_by(|x, y| by_size_older(x, y));
        assert_eq!(
            v.iter().map(|r| r.metadata.name()).collect::<Vec<_>>(),
            ["c", "a", "b"]
        );
    }

    #[test]
    fn conditions_keep_their_transition_time_while_the_status_holds() {
        let mut s = DeploymentStatus::default();
        set_condition(
            &mut s,
            new_condition(
                DeploymentConditionType::Progressing,
                ConditionStatus::True,
                NEW_REPLICA_SET_CREATED,
                "a".into(),
                Time(10),
            ),
        );
        set_condition(
            &mut s,
            new_condition(
                DeploymentConditionType::Progressing,
                ConditionStatus::True,
                REPLICA_SET_UPDATED,
                "b".into(),
                Time(20),
            ),
        );
        let c = condition(&s, DeploymentConditionType::Progressing)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (c.last_transition_time, c.last_update_time),
            (Some(Time(10)), Some(Time(20)))
        );
        // Same status and reason: nothing changes, not even the update time.
        set_condition(
            &mut s,
            new_condition(
                DeploymentConditionType::Progressing,
                ConditionStatus::True,
                REPLICA_SET_UPDATED,
                "c".into(),
                Time(30),
            ),
        );
        let c = condition(&s, DeploymentConditionType::Progressing)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (c.message.as_str(), c.last_update_time),
            ("b", Some(Time(20)))
        );
    }
}
