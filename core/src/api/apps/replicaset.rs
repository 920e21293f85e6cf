//! apps/v1 ReplicaSet: keeps a number of identical pods running.

use podlab_macros::Api;

use super::deployment::validate_selector_and_template;
use super::{dedup, immutable, nonnegative_opt, selector_bad_value, ConditionStatus};
use crate::api::corev1::pod_defaults::default_pod_spec;
use crate::api::corev1::PodTemplateSpec;
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::{
    validate_nonnegative, validate_object_meta, validate_object_meta_update, validate_subdomain,
    FieldErrs, Path,
};
use crate::impl_meta;

/// Ensures that a number of pods matching a selector run at any time.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "apps/v1/ReplicaSet")]
pub struct ReplicaSet {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Desired behaviour of the ReplicaSet.
    pub spec: ReplicaSetSpec,
    /// Most recently observed status, written by the controller.
    pub status: ReplicaSetStatus,
}

/// The desired state of a ReplicaSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ReplicaSetSpec {
    /// Number of desired pods. Default 1.
    pub replicas: Option<i32>,
    /// Seconds a new pod must be ready, without crashing, to count as available. Default 0.
    #[api(omitempty)]
    pub min_ready_seconds: i32,
    /// Label query over the pods this ReplicaSet counts. It must match the template's labels and cannot change.
    #[api(always, required)]
    pub selector: Option<LabelSelector>,
    /// The pods to create when too few exist.
    pub template: PodTemplateSpec,
}

/// The most recently observed state of a ReplicaSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ReplicaSetStatus {
    /// Non-terminating pods the ReplicaSet counts.
    #[api(always, required)]
    pub replicas: i32,
    /// Non-terminating pods whose labels match the template's labels.
    #[api(omitempty)]
    pub fully_labeled_replicas: i32,
    /// Pods with a Ready condition.
    #[api(omitempty)]
    pub ready_replicas: i32,
    /// Pods ready for at least minReadySeconds.
    #[api(omitempty)]
    pub available_replicas: i32,
    /// The generation the controller last acted on.
    #[api(omitempty)]
    pub observed_generation: i64,
    /// The latest observations of the ReplicaSet's state.
    pub conditions: Vec<ReplicaSetCondition>,
}

/// One condition of a ReplicaSet (ReplicaFailure is the only one).
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct ReplicaSetCondition {
    /// The condition's type, such as ReplicaFailure.
    #[api(rename = "type", always, required)]
    pub type_: String,
    /// True, False or Unknown.
    #[api(always, required)]
    pub status: ConditionStatus,
    /// Last time the condition changed status.
    #[api(always)]
    pub last_transition_time: Option<Time>,
    /// Machine-readable reason of the last transition.
    #[api(omitempty)]
    pub reason: String,
    /// Human-readable detail of the last transition.
    #[api(omitempty)]
    pub message: String,
}

pub static REPLICASET_INFO: ResourceInfo = ResourceInfo {
    group: "apps",
    version: "v1",
    kind: "ReplicaSet",
    plural: "replicasets",
    singular: "replicaset",
    short_names: &["rs"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl ReplicaSet {
    /// Desired replicas (1 when unset, as defaulting makes it).
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

/// `ValidateReplicaSetSpec`.
fn validate_spec(spec: &ReplicaSetSpec, path: &Path) -> FieldErrs {
    let mut errs = nonnegative_opt(&path.child("replicas"), spec.replicas.map(i64::from));
    errs.extend(validate_nonnegative(
        &path.child("minReadySeconds"),
        i64::from(spec.min_ready_seconds),
    ));
    errs.extend(validate_selector_and_template(
        spec.selector.as_ref(),
        &spec.template,
        path,
    ));
    errs
}

impl Resource for ReplicaSet {
    const INFO: &'static ResourceInfo = &REPLICASET_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    /// `SetDefaults_ReplicaSet`: only the replica count; apps/v1 does not
    /// copy the template's labels.
    fn set_defaults(&mut self) {
        self.spec.replicas.get_or_insert(1);
        default_pod_spec(&mut self.spec.template.spec);
    }

    fn prepare_for_create(&mut self) {
        self.status = ReplicaSetStatus::default();
        self.metadata.generation = Some(1);
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        let old_gen = old.metadata.generation.unwrap_or(0);
        self.metadata.generation = Some(if self.spec != old.spec {
            old_gen + 1
        } else {
            old_gen
        });
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        errs.extend(validate_spec(&self.spec, &Path::root("spec")));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_spec(&self.spec, &Path::root("spec")));
        errs.extend(immutable(
            Path::root("spec").child("selector"),
            self.spec.selector != old.spec.selector,
            selector_bad_value(self.spec.selector.as_ref()),
        ));
        dedup(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::{decode_strict, Encode};
    use crate::syntax::Node;
    use crate::value::Value;

    fn replica_set() -> ReplicaSet {
        let mut rs = ReplicaSet {
            metadata: meta("web-7d4b9c"),
            spec: ReplicaSetSpec {
                selector: Some(selector(&[("app", "web")])),
                template: template(&[("app", "web")]),
                ..Default::default()
            },
            ..Default::default()
        };
        rs.set_defaults();
        rs
    }

    #[test]
    fn defaults_set_one_replica_and_leave_labels_alone() {
        let rs = replica_set();
        assert_eq!(rs.spec.replicas, Some(1));
        assert_eq!(rs.replicas(), 1);
        assert!(rs.metadata.labels.is_empty());
    }

    #[test]
    fn a_new_status_still_shows_zero_replicas() {
        let mut rs = replica_set();
        rs.prepare_for_create();
        let v = rs.encode();
        let mut want = crate::value::Map::new();
        want.insert("replicas".to_string(), Value::Int(0));
        assert_eq!(v.get("status"), Some(&Value::Object(want)));
        assert_eq!(v.pointer("metadata.generation"), Some(&Value::Int(1)));
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut rs = replica_set();
        rs.spec.min_ready_seconds = 3;
        rs.status = ReplicaSetStatus {
            replicas: 3,
            fully_labeled_replicas: 3,
            ready_replicas: 2,
            available_replicas: 1,
            observed_generation: 4,
            conditions: vec![ReplicaSetCondition {
                type_: "ReplicaFailure".into(),
                status: ConditionStatus::True,
                last_transition_time: Some(Time(100)),
                reason: "FailedCreate".into(),
                message: "quota".into(),
            }],
        };
        assert_eq!(round_trip(&rs), Ok(rs));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = replica_set().encode();
        set_path(&mut v, "spec.replica", Value::Int(3));
        let err = decode_strict::<ReplicaSet>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"spec.replica\""
        );
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut ReplicaSet);
        let cases: [(&str, Edit, &str); 4] = [
            (
                "negative replicas",
                |rs| rs.spec.replicas = Some(-2),
                "spec.replicas: Invalid value: -2: must be greater than or equal to 0",
            ),
            (
                "negative minReadySeconds",
                |rs| rs.spec.min_ready_seconds = -1,
                "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                "a selector that does not match",
                |rs| rs.spec.selector = Some(selector(&[("app", "db")])),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ),
            (
                "an empty selector is reported as for deployments",
                |rs| rs.spec.selector = Some(LabelSelector::default()),
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
            ),
        ];
        assert!(replica_set().validate().is_empty());
        for (name, edit, want) in cases {
            let mut rs = replica_set();
            edit(&mut rs);
            assert_has(name, &rs.validate(), want);
        }
    }

    #[test]
    fn scaling_bumps_the_generation_and_the_selector_is_immutable() {
        let mut old = replica_set();
        old.prepare_for_create();
        let mut scaled = old.clone();
        scaled.spec.replicas = Some(4);
        scaled.prepare_for_update(&old);
        assert_eq!(scaled.metadata.generation, Some(2));
        assert!(scaled.validate_update(&old).is_empty());

        let mut moved = old.clone();
        moved.spec.selector = None;
        assert_has(
            "a removed selector",
            &moved.validate_update(&old),
            "spec.selector: Invalid value: \"null\": field is immutable",
        );
    }
}
