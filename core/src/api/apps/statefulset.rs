//! apps/v1 StatefulSet: pods with stable names, network identities and
//! storage.

use podlab_macros::Api;

use super::{
    go_int_or_string, go_pointer, int_or_percent_value, not_more_than_100_percent,
    selector_bad_value, selector_mismatch, selector_selects, validate_int_or_percent,
    validate_label_selector,
};
use crate::api::corev1::pod_defaults::default_pod_spec;
use crate::api::corev1::PodTemplateSpec;
use crate::api::corev1::{default_claim, ConditionStatus, PersistentVolumeClaim};
use crate::api::meta::{IntOrString, LabelSelector, ObjectMeta};
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::{
    go_quote, validate_annotations, validate_label_name, validate_labels, validate_nonnegative,
    validate_object_meta, validate_object_meta_update, BadValue, FieldErr, FieldErrs, Path,
};
use crate::{impl_meta, string_enum};

/// A set of pods with stable identities: each has a fixed name
/// (`<set>-<ordinal>`), hostname and its own claims.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "apps/v1/StatefulSet")]
pub struct StatefulSet {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The desired identities of the pods.
    pub spec: StatefulSetSpec,
    /// Most recently observed status, written by the controller.
    pub status: StatefulSetStatus,
}

/// The desired state of a StatefulSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetSpec {
    /// Number of desired pods. Default 1.
    pub replicas: Option<i32>,
    /// Label query over the pods of the set. It must match the template's labels.
    #[api(always, required)]
    pub selector: Option<LabelSelector>,
    /// The pods to create, each named `<set>-<ordinal>`. The only allowed restartPolicy is Always.
    #[api(always, required)]
    pub template: PodTemplateSpec,
    /// Claims each pod gets its own copy of, named `<claim>-<pod>`; a container mounts them by claim name.
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// The headless Service that gives the pods their DNS names (`<pod>.<service>.<namespace>.svc`).
    #[api(always, required)]
    pub service_name: String,
    /// OrderedReady (default: one pod at a time, in order) or Parallel.
    #[api(omitempty)]
    pub pod_management_policy: PodManagementPolicyType,
    /// How pods are replaced when the template changes.
    pub update_strategy: StatefulSetUpdateStrategy,
    /// Number of revisions kept in history. Default 10.
    pub revision_history_limit: Option<i32>,
    /// Seconds a new pod must be ready, without crashing, to count as available. Default 0.
    #[api(omitempty)]
    pub min_ready_seconds: i32,
    /// What happens to the claims when the set is deleted or scaled down. Default Retain for both.
    pub persistent_volume_claim_retention_policy:
        Option<StatefulSetPersistentVolumeClaimRetentionPolicy>,
    /// Numbering of the replicas.
    pub ordinals: Option<StatefulSetOrdinals>,
}

string_enum! {
    /// How a StatefulSet creates and removes pods.
    pub enum PodManagementPolicyType {
        /// One at a time, in order, each Running and Ready before the next.
        OrderedReady = "OrderedReady",
        /// All at once, without waiting.
        Parallel = "Parallel",
    }
}

/// How a StatefulSet replaces pods on template changes.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetUpdateStrategy {
    /// RollingUpdate (default) or OnDelete.
    #[api(rename = "type", omitempty)]
    pub type_: StatefulSetUpdateStrategyType,
    /// Parameters of a rolling update.
    pub rolling_update: Option<RollingUpdateStatefulSetStrategy>,
}

string_enum! {
    /// How a StatefulSet updates its pods.
    pub enum StatefulSetUpdateStrategyType {
        /// Replace pods from the highest ordinal down, one at a time.
        RollingUpdate = "RollingUpdate",
        /// Replace a pod only when it is deleted.
        OnDelete = "OnDelete",
    }
}

/// Parameters of a StatefulSet rolling update.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct RollingUpdateStatefulSetStrategy {
    /// Ordinals below this keep the old revision. Default 0.
    pub partition: Option<i32>,
    /// Pods that may be unavailable during the update (alpha; ignored unless its feature is on).
    pub max_unavailable: Option<IntOrString>,
}

/// What happens to claims made from the templates.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetPersistentVolumeClaimRetentionPolicy {
    /// Retain (default) or Delete, when the StatefulSet is deleted.
    #[api(omitempty)]
    pub when_deleted: PersistentVolumeClaimRetentionPolicyType,
    /// Retain (default) or Delete, for pods removed by scaling down.
    #[api(omitempty)]
    pub when_scaled: PersistentVolumeClaimRetentionPolicyType,
}

string_enum! {
    /// Whether claims outlive their pods.
    pub enum PersistentVolumeClaimRetentionPolicyType {
        Retain = "Retain",
        Delete = "Delete",
    }
}

/// The numbering of a StatefulSet's replicas.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetOrdinals {
    /// The first replica's index. Default 0.
    #[api(always)]
    pub start: i32,
}

/// The most recently observed state of a StatefulSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetStatus {
    /// The generation the controller last acted on.
    #[api(omitempty)]
    pub observed_generation: i64,
    /// Pods created by the controller.
    #[api(always, required)]
    pub replicas: i32,
    /// Pods with a Ready condition.
    #[api(omitempty)]
    pub ready_replicas: i32,
    /// Pods at currentRevision.
    #[api(omitempty)]
    pub current_replicas: i32,
    /// Pods at updateRevision.
    #[api(omitempty)]
    pub updated_replicas: i32,
    /// The revision of pods [0, currentReplicas).
    #[api(omitempty)]
    pub current_revision: String,
    /// The revision of pods [replicas-updatedReplicas, replicas).
    #[api(omitempty)]
    pub update_revision: String,
    /// Hash collisions met while naming ControllerRevisions.
    pub collision_count: Option<i32>,
    /// The latest observations of the set's state.
    pub conditions: Vec<StatefulSetCondition>,
    /// Pods ready for at least minReadySeconds.
    #[api(always)]
    pub available_replicas: i32,
}

/// One condition of a StatefulSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct StatefulSetCondition {
    /// Type of the condition.
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

/// Label of each pod with its own name.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// Label of each pod with its ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// Label of each pod with the revision it was made from.
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller-revision-hash";

pub static STATEFULSET_INFO: ResourceInfo = ResourceInfo {
    group: "apps",
    version: "v1",
    kind: "StatefulSet",
    plural: "statefulsets",
    singular: "statefulset",
    short_names: &["sts"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl StatefulSet {
    /// Desired replicas (1 when unset, as defaulting makes it).
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }

    /// The first ordinal.
    pub fn start_ordinal(&self) -> i32 {
        self.spec.ordinals.as_ref().map_or(0, |o| o.start)
    }

    /// The rolling update partition (0 when unset or not rolling).
    pub fn partition(&self) -> i32 {
        match self.spec.update_strategy.type_ {
            StatefulSetUpdateStrategyType::RollingUpdate => self
                .spec
                .update_strategy
                .rolling_update
                .as_ref()
                .and_then(|r| r.partition)
                .unwrap_or(0),
            _ => 0,
        }
    }

    pub fn is_parallel(&self) -> bool {
        self.spec.pod_management_policy == PodManagementPolicyType::Parallel
    }

    /// The pod of an ordinal: `web-0`.
    pub fn pod_name(&self, ordinal: i32) -> String {
        format!("{}-{ordinal}", self.metadata.name())
    }

    /// The claim a pod gets from a template: `www-web-0`.
    pub fn claim_name(&self, template: &PersistentVolumeClaim, ordinal: i32) -> String {
        format!("{}-{}", template.metadata.name(), self.pod_name(ordinal))
    }
}

/// Defaults of a StatefulSet (`SetDefaults_StatefulSet` and the claim
/// template defaults).
pub fn default_statefulset(s: &mut StatefulSet) {
    let spec = &mut s.spec;
    if spec.pod_management_policy.as_str().is_empty() {
        spec.pod_management_policy = PodManagementPolicyType::OrderedReady;
    }
    if spec.update_strategy.type_.as_str().is_empty() {
        spec.update_strategy.type_ = StatefulSetUpdateStrategyType::RollingUpdate;
        spec.update_strategy
            .rolling_update
            .get_or_insert_with(Default::default);
    }
    if spec.update_strategy.type_ == StatefulSetUpdateStrategyType::RollingUpdate {
        if let Some(ru) = &mut spec.update_strategy.rolling_update {
            ru.partition.get_or_insert(0);
        }
    }
    let policy = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(Default::default);
    for p in [&mut policy.when_deleted, &mut policy.when_scaled] {
        if p.as_str().is_empty() {
            *p = PersistentVolumeClaimRetentionPolicyType::Retain;
        }
    }
    spec.replicas.get_or_insert(1);
    spec.revision_history_limit.get_or_insert(10);
    default_pod_spec(&mut spec.template.spec);
    for claim in &mut spec.volume_claim_templates {
        default_claim(claim);
    }
}

/// `validateRollingUpdateStatefulSet`.
fn validate_rolling_update(ru: &RollingUpdateStatefulSetStrategy, path: &Path) -> FieldErrs {
    let mut errs = validate_nonnegative(
        &path.child("partition"),
        i64::from(ru.partition.unwrap_or(0)),
    );
    if let Some(mu) = &ru.max_unavailable {
        let p = path.child("maxUnavailable");
        errs.extend(validate_int_or_percent(mu, &p));
        if int_or_percent_value(mu) == 0 {
            errs.push(FieldErr::invalid(
                p.clone(),
                BadValue::Raw(go_int_or_string(mu)),
                "cannot be 0",
            ));
        }
        errs.extend(not_more_than_100_percent(mu, &p));
    }
    errs
}

/// The internal rolling update struct as `%#v` prints it.
fn go_rolling_update(ru: &RollingUpdateStatefulSetStrategy) -> String {
    let mu = go_pointer("intstr.IntOrString", ru.max_unavailable.is_some());
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{mu}}}",
        ru.partition.unwrap_or(0)
    )
}

/// `ValidateStatefulSetSpec`.
fn validate_spec(spec: &StatefulSetSpec, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    match &spec.pod_management_policy {
        PodManagementPolicyType::OrderedReady | PodManagementPolicyType::Parallel => {}
        PodManagementPolicyType::Other(p) if p.is_empty() => {
            errs.push(FieldErr::required(path.child("podManagementPolicy"), ""))
        }
        PodManagementPolicyType::Other(p) => errs.push(FieldErr::invalid(
            path.child("podManagementPolicy"),
            p.as_str(),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let us = &spec.update_strategy;
    let us_path = path.child("updateStrategy");
    match &us.type_ {
        StatefulSetUpdateStrategyType::OnDelete => {
            if let Some(ru) = &us.rolling_update {
                errs.push(FieldErr::invalid(
                    us_path.child("rollingUpdate"),
                    BadValue::Raw(go_rolling_update(ru)),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        StatefulSetUpdateStrategyType::RollingUpdate => {
            if let Some(ru) = &us.rolling_update {
                errs.extend(validate_rolling_update(ru, &us_path.child("rollingUpdate")));
            }
        }
        StatefulSetUpdateStrategyType::Other(t) if t.is_empty() => {
            errs.push(FieldErr::required(us_path, ""))
        }
        StatefulSetUpdateStrategyType::Other(t) => {
            let ru = go_pointer(
                "apps.RollingUpdateStatefulSetStrategy",
                us.rolling_update.is_some(),
            );
            errs.push(FieldErr::invalid(
                us_path,
                BadValue::Raw(format!(
                    "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{ru}}}",
                    go_quote(t)
                )),
                "must be 'RollingUpdate' or 'OnDelete'",
            ));
        }
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        let p = path.child("persistentVolumeClaimRetentionPolicy");
        for (name, v) in [
            ("whenDeleted", &policy.when_deleted),
            ("whenScaled", &policy.when_scaled),
        ] {
            if !v.is_known() {
                errs.push(FieldErr::not_supported(
                    p.child(name),
                    v.as_str(),
                    PersistentVolumeClaimRetentionPolicyType::VALUES,
                ));
            }
        }
    }
    errs.extend(validate_nonnegative(
        &path.child("replicas"),
        i64::from(spec.replicas.unwrap_or(0)),
    ));
    errs.extend(validate_nonnegative(
        &path.child("minReadySeconds"),
        i64::from(spec.min_ready_seconds),
    ));
    if let Some(o) = &spec.ordinals {
        // The API server names this path with one dotted child.
        errs.extend(validate_nonnegative(
            &path.child("ordinals.start"),
            i64::from(o.start),
        ));
    }
    let sel_path = path.child("selector");
    match &spec.selector {
        None => errs.push(FieldErr::required(sel_path.clone(), "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, &sel_path));
            if sel.is_empty() {
                errs.push(FieldErr::invalid(
                    sel_path.clone(),
                    selector_bad_value(Some(sel)),
                    "empty selector is invalid for statefulset",
                ));
            }
        }
    }
    let template = &spec.template;
    let tpl_path = path.child("template");
    match selector_selects(spec.selector.as_ref(), &template.metadata.labels) {
        None => errs.push(FieldErr::invalid(
            sel_path,
            selector_bad_value(spec.selector.as_ref()),
            "",
        )),
        Some(selects) => {
            // `ValidatePodTemplateSpecForStatefulSet` checks labels and
            // annotations only; the pod spec is validated when each pod
            // is created.
            if !selects {
                errs.push(selector_mismatch(&tpl_path, &template.metadata.labels));
            }
            errs.extend(validate_labels(
                &template.metadata.labels,
                &tpl_path.child("labels"),
            ));
            errs.extend(validate_annotations(
                &template.metadata.annotations,
                &tpl_path.child("annotations"),
            ));
        }
    }
    let pod_spec = tpl_path.child("spec");
    if template.spec.restart_policy.as_str() != "Always" {
        errs.push(FieldErr::not_supported(
            pod_spec.child("restartPolicy"),
            template.spec.restart_policy.as_str(),
            &["Always"],
        ));
    }
    if template.spec.active_deadline_seconds.is_some() {
        errs.push(FieldErr::forbidden(
            pod_spec.child("activeDeadlineSeconds"),
            "activeDeadlineSeconds in StatefulSet is not Supported",
        ));
    }
    errs
}

const UPDATE_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/// The features of v1.31 that are off by default: drop what they would add.
fn drop_disabled_fields(s: &mut StatefulSet, old: Option<&StatefulSet>) {
    let old_uses_max_unavailable = old.is_some_and(|o| {
        o.spec
            .update_strategy
            .rolling_update
            .as_ref()
            .is_some_and(|r| r.max_unavailable.is_some())
    });
    if !old_uses_max_unavailable {
        if let Some(ru) = &mut s.spec.update_strategy.rolling_update {
            ru.max_unavailable = None;
        }
    }
}

impl Resource for StatefulSet {
    const INFO: &'static ResourceInfo = &STATEFULSET_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    fn set_defaults(&mut self) {
        default_statefulset(self);
    }

    fn prepare_for_create(&mut self) {
        self.status = StatefulSetStatus::default();
        self.metadata.generation = Some(1);
        drop_disabled_fields(self, None);
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        drop_disabled_fields(self, Some(old));
        let old_gen = old.metadata.generation.unwrap_or(0);
        self.metadata.generation = Some(if self.spec != old.spec {
            old_gen + 1
        } else {
            old_gen
        });
    }

    fn validate(&self) -> FieldErrs {
        // Pod names end in `-<ordinal>` and become hostnames: a DNS label.
        let mut errs = validate_object_meta(&self.metadata, true, validate_label_name);
        errs.extend(validate_spec(&self.spec, &Path::root("spec")));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(validate_spec(&self.spec, &Path::root("spec")));
        let mut rest = self.spec.clone();
        rest.replicas = old.spec.replicas;
        rest.template = old.spec.template.clone();
        rest.update_strategy = old.spec.update_strategy.clone();
        rest.min_ready_seconds = old.spec.min_ready_seconds;
        rest.ordinals = old.spec.ordinals.clone();
        rest.persistent_volume_claim_retention_policy =
            old.spec.persistent_volume_claim_retention_policy.clone();
        if rest != old.spec {
            errs.push(FieldErr::forbidden(Path::root("spec"), UPDATE_FORBIDDEN));
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::{decode_strict, Encode};
    use crate::api::corev1::VolumeMount;
    use crate::api::quantity::Quantity;
    use crate::syntax::Node;
    use crate::value::Value;

    /// The tutorial's `web` StatefulSet with a `www` claim template.
    fn web() -> StatefulSet {
        let mut tpl = template(&[("app", "nginx")]);
        tpl.spec.containers[0].volume_mounts = vec![VolumeMount {
            name: "www".into(),
            mount_path: "/usr/share/nginx/html".into(),
            ..Default::default()
        }];
        let mut claim = PersistentVolumeClaim::default();
        claim.metadata.name = Some("www".into());
        claim.spec.access_modes = vec!["ReadWriteOnce".into()];
        claim
            .spec
            .resources
            .requests
            .insert("storage".into(), Quantity::parse("1Gi").unwrap_or_default());
        StatefulSet {
            metadata: meta("web"),
            spec: StatefulSetSpec {
                replicas: Some(3),
                selector: Some(selector(&[("app", "nginx")])),
                template: tpl,
                service_name: "nginx".into(),
                volume_claim_templates: vec![claim],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn defaulted() -> StatefulSet {
        let mut s = web();
        s.set_defaults();
        s
    }

    #[test]
    fn defaults_match_set_defaults_statefulset() {
        let mut bare = StatefulSet::default();
        bare.set_defaults();
        let spec = &bare.spec;
        assert_eq!(spec.replicas, Some(1));
        assert_eq!(
            spec.pod_management_policy,
            PodManagementPolicyType::OrderedReady
        );
        assert_eq!(
            spec.update_strategy.type_,
            StatefulSetUpdateStrategyType::RollingUpdate
        );
        assert_eq!(
            spec.update_strategy.rolling_update,
            Some(RollingUpdateStatefulSetStrategy {
                partition: Some(0),
                max_unavailable: None
            })
        );
        assert_eq!(spec.revision_history_limit, Some(10));
        let policy = spec
            .persistent_volume_claim_retention_policy
            .clone()
            .unwrap_or_default();
        assert_eq!(
            policy.when_deleted,
            PersistentVolumeClaimRetentionPolicyType::Retain
        );
        assert_eq!(
            policy.when_scaled,
            PersistentVolumeClaimRetentionPolicyType::Retain
        );

        let s = defaulted();
        let claim = &s.spec.volume_claim_templates[0];
        assert_eq!(claim.spec.volume_mode.as_deref(), Some("Filesystem"));
        assert_eq!(claim.status.phase, "Pending");
    }

    #[test]
    fn on_delete_gets_no_rolling_update() {
        let mut s = web();
        s.spec.update_strategy.type_ = StatefulSetUpdateStrategyType::OnDelete;
        s.set_defaults();
        assert_eq!(s.spec.update_strategy.rolling_update, None);
        assert_eq!(s.partition(), 0);
        assert!(s.validate().is_empty(), "{:?}", messages(&s.validate()));
    }

    #[test]
    fn claim_templates_encode_as_full_objects() {
        let mut s = defaulted();
        s.prepare_for_create();
        let v = s.encode();
        let claim = v
            .pointer("spec")
            .and_then(|s| s.get("volumeClaimTemplates"))
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or_default();
        assert_eq!(claim.get("apiVersion"), Some(&Value::String("v1".into())));
        assert_eq!(
            claim.get("kind"),
            Some(&Value::String("PersistentVolumeClaim".into()))
        );
        assert_eq!(
            claim.pointer("metadata.creationTimestamp"),
            Some(&Value::Null)
        );
        assert_eq!(
            claim.pointer("status.phase"),
            Some(&Value::String("Pending".into()))
        );
        assert_eq!(
            claim.pointer("spec.volumeMode"),
            Some(&Value::String("Filesystem".into()))
        );
        assert_eq!(
            claim.pointer("spec.resources.requests.storage"),
            Some(&Value::String("1Gi".into()))
        );
        // Status always shows replicas and availableReplicas.
        assert_eq!(v.pointer("status.replicas"), Some(&Value::Int(0)));
        assert_eq!(v.pointer("status.availableReplicas"), Some(&Value::Int(0)));
        assert_eq!(
            v.pointer("spec.updateStrategy.rollingUpdate.partition"),
            Some(&Value::Int(0))
        );
        assert_eq!(
            v.pointer("spec.serviceName"),
            Some(&Value::String("nginx".into()))
        );
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut s = defaulted();
        s.spec.min_ready_seconds = 2;
        s.spec.ordinals = Some(StatefulSetOrdinals { start: 1 });
        s.status = StatefulSetStatus {
            observed_generation: 1,
            replicas: 3,
            ready_replicas: 3,
            current_replicas: 3,
            updated_replicas: 3,
            current_revision: "web-6d4b9c7f5".into(),
            update_revision: "web-6d4b9c7f5".into(),
            collision_count: Some(0),
            conditions: vec![StatefulSetCondition {
                type_: "Ready".into(),
                status: ConditionStatus::True,
                last_transition_time: Some(Time(1)),
                reason: "R".into(),
                message: "M".into(),
            }],
            available_replicas: 3,
        };
        assert_eq!(round_trip(&s), Ok(s));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = web().encode();
        set_path(&mut v, "spec.replica", Value::Int(3));
        set_path(&mut v, "spec.serviceNmae", Value::String("x".into()));
        let err = decode_strict::<StatefulSet>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"spec.replica\", unknown field \"spec.serviceNmae\""
        );
    }

    #[test]
    fn helpers_name_pods_and_claims() {
        let s = defaulted();
        assert_eq!(s.pod_name(0), "web-0");
        assert_eq!(
            s.claim_name(&s.spec.volume_claim_templates[0], 2),
            "www-web-2"
        );
        assert_eq!(s.replicas(), 3);
        assert_eq!(s.start_ordinal(), 0);
        assert!(!s.is_parallel());
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut StatefulSet);
        let cases: [(&str, Edit, &str); 10] = [
            (
                "an uppercase name is no DNS label",
                |s| s.metadata.name = Some("Web".into()),
                "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            ),
            (
                "an unknown pod management policy",
                |s| s.spec.pod_management_policy = PodManagementPolicyType::parse("Random"),
                "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
            ),
            (
                "an unknown update strategy",
                |s| s.spec.update_strategy = StatefulSetUpdateStrategy { type_: StatefulSetUpdateStrategyType::parse("Blue"), rolling_update: None },
                "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Blue\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
            ),
            (
                "a negative partition",
                |s| s.spec.update_strategy.rolling_update = Some(RollingUpdateStatefulSetStrategy { partition: Some(-1), max_unavailable: None }),
                "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                "rolling parameters with OnDelete",
                |s| s.spec.update_strategy.type_ = StatefulSetUpdateStrategyType::OnDelete,
                "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
            ),
            (
                "an unknown retention policy",
                |s| s.spec.persistent_volume_claim_retention_policy = Some(StatefulSetPersistentVolumeClaimRetentionPolicy { when_deleted: PersistentVolumeClaimRetentionPolicyType::parse("Keep"), when_scaled: PersistentVolumeClaimRetentionPolicyType::Retain }),
                "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
            ),
            (
                "a negative start ordinal",
                |s| s.spec.ordinals = Some(StatefulSetOrdinals { start: -1 }),
                "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                "an empty selector",
                |s| s.spec.selector = Some(LabelSelector::default()),
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
            ),
            (
                "a selector that does not match",
                |s| s.spec.selector = Some(selector(&[("app", "web")])),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`",
            ),
            (
                "an active deadline",
                |s| s.spec.template.spec.active_deadline_seconds = Some(5),
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported",
            ),
        ];
        assert!(
            defaulted().validate().is_empty(),
            "{:?}",
            messages(&defaulted().validate())
        );
        for (name, edit, want) in cases {
            let mut s = defaulted();
            edit(&mut s);
            assert_has(name, &s.validate(), want);
        }
    }

    #[test]
    fn the_pod_spec_waits_for_pod_creation() {
        let mut s = defaulted();
        s.spec.template.spec.containers[0].image = String::new();
        assert!(s.validate().is_empty());
    }

    #[test]
    fn only_some_spec_fields_may_change() {
        let mut old = defaulted();
        old.prepare_for_create();
        let forbidden = format!("spec: Forbidden: {UPDATE_FORBIDDEN}");
        type Edit = fn(&mut StatefulSet);
        let cases: [(&str, Edit, bool); 6] = [
            ("scaling", |s| s.spec.replicas = Some(5), true),
            (
                "a new image",
                |s| s.spec.template.spec.containers[0].image = "nginx:1.25".into(),
                true,
            ),
            (
                "a partition",
                |s| {
                    s.spec.update_strategy.rolling_update = Some(RollingUpdateStatefulSetStrategy {
                        partition: Some(2),
                        max_unavailable: None,
                    })
                },
                true,
            ),
            (
                "a new service name",
                |s| s.spec.service_name = "other".into(),
                false,
            ),
            (
                "a bigger claim",
                |s| {
                    s.spec.volume_claim_templates[0]
                        .spec
                        .resources
                        .requests
                        .insert("storage".into(), Quantity::parse("2Gi").unwrap_or_default());
                },
                false,
            ),
            (
                "a new revision history limit",
                |s| s.spec.revision_history_limit = Some(3),
                false,
            ),
        ];
        for (name, edit, allowed) in cases {
            let mut new = old.clone();
            edit(&mut new);
            new.prepare_for_update(&old);
            let errs = new.validate_update(&old);
            if allowed {
                assert!(errs.is_empty(), "{name}: {:?}", messages(&errs));
                assert_eq!(new.metadata.generation, Some(2), "{name}");
            } else {
                assert_has(name, &errs, &forbidden);
            }
        }
    }

    #[test]
    fn the_alpha_max_unavailable_is_dropped_on_create() {
        let mut s = defaulted();
        if let Some(ru) = &mut s.spec.update_strategy.rolling_update {
            ru.max_unavailable = Some(IntOrString::Int(2));
        }
        s.prepare_for_create();
        assert_eq!(
            s.spec
                .update_strategy
                .rolling_update
                .and_then(|r| r.max_unavailable),
            None
        );
    }
}
