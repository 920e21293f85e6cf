//! apps/v1 Deployment: types, defaults, validation, and the rolling-update
//! fenceposts the controller and `kubectl rollout` need.

use podlab_macros::Api;

use super::{
    dedup, go_int_or_string, go_pointer, immutable, int_or_percent_value, nonnegative_opt,
    not_more_than_100_percent, selector_bad_value, selector_mismatch, selector_selects,
    validate_always_restart, validate_int_or_percent, validate_label_selector, validate_template,
    ConditionStatus,
};
use crate::api::corev1::pod_defaults::default_pod_spec;
use crate::api::corev1::PodTemplateSpec;
use crate::api::meta::{IntOrString, LabelSelector, ObjectMeta};
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::Time;
use crate::api::validation::{
    validate_nonnegative, validate_object_meta, validate_object_meta_update, validate_subdomain,
    BadValue, FieldErr, FieldErrs, Path,
};
use crate::{impl_meta, string_enum};

/// Declarative updates for pods and ReplicaSets: each template change rolls
/// out as a new ReplicaSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "apps/v1/Deployment")]
pub struct Deployment {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Desired behaviour of the Deployment.
    pub spec: DeploymentSpec,
    /// Most recently observed status, written by the controller.
    pub status: DeploymentStatus,
}

/// The desired state of a Deployment.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DeploymentSpec {
    /// Number of desired pods. Default 1.
    pub replicas: Option<i32>,
    /// Label query over the pods this Deployment manages. It must match the template's labels and cannot change.
    #[api(always, required)]
    pub selector: Option<LabelSelector>,
    /// The pods to create. The only allowed restartPolicy is Always.
    #[api(always, required)]
    pub template: PodTemplateSpec,
    /// How old pods are replaced by new ones.
    pub strategy: DeploymentStrategy,
    /// Seconds a new pod must be ready, without crashing, to count as available. Default 0.
    #[api(omitempty)]
    pub min_ready_seconds: i32,
    /// Number of old ReplicaSets kept for rollback. Default 10.
    pub revision_history_limit: Option<i32>,
    /// Whether the rollout is paused.
    #[api(omitempty)]
    pub paused: bool,
    /// Seconds the rollout may go without progress before it is reported failed. Default 600.
    pub progress_deadline_seconds: Option<i32>,
}

/// How a Deployment replaces its pods.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DeploymentStrategy {
    /// Recreate or RollingUpdate. Default RollingUpdate.
    #[api(rename = "type", omitempty)]
    pub type_: DeploymentStrategyType,
    /// Parameters of a rolling update; only with type RollingUpdate.
    pub rolling_update: Option<RollingUpdateDeployment>,
}

string_enum! {
    /// How a Deployment replaces its pods.
    pub enum DeploymentStrategyType {
        /// Kill every old pod before creating new ones.
        Recreate = "Recreate",
        /// Replace pods gradually, within the surge and unavailability limits.
        RollingUpdate = "RollingUpdate",
    }
}

/// The limits of a rolling update.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct RollingUpdateDeployment {
    /// Pods that may be unavailable during the update: a number or a percentage of replicas (rounded down). Default 25%.
    pub max_unavailable: Option<IntOrString>,
    /// Pods that may be created above the desired count: a number or a percentage of replicas (rounded up). Default 25%.
    pub max_surge: Option<IntOrString>,
}

/// The most recently observed state of a Deployment.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DeploymentStatus {
    /// The generation the controller last acted on.
    #[api(omitempty)]
    pub observed_generation: i64,
    /// Non-terminating pods targeted by this Deployment.
    #[api(omitempty)]
    pub replicas: i32,
    /// Non-terminating pods that have the current template.
    #[api(omitempty)]
    pub updated_replicas: i32,
    /// Pods with a Ready condition.
    #[api(omitempty)]
    pub ready_replicas: i32,
    /// Pods ready for at least minReadySeconds.
    #[api(omitempty)]
    pub available_replicas: i32,
    /// Pods still needed for full capacity: running but not available, or not created yet.
    #[api(omitempty)]
    pub unavailable_replicas: i32,
    /// The latest observations of the Deployment's state.
    pub conditions: Vec<DeploymentCondition>,
    /// Hash collisions met while naming new ReplicaSets.
    pub collision_count: Option<i32>,
}

string_enum! {
    /// Conditions of a Deployment.
    pub enum DeploymentConditionType {
        /// At least the minimum number of replicas is available.
        Available = "Available",
        /// A rollout is under way or has finished.
        Progressing = "Progressing",
        /// A pod could not be created or deleted.
        ReplicaFailure = "ReplicaFailure",
    }
}

/// One condition of a Deployment.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DeploymentCondition {
    /// Available, Progressing or ReplicaFailure.
    #[api(rename = "type", always, required)]
    pub type_: DeploymentConditionType,
    /// True, False or Unknown.
    #[api(always, required)]
    pub status: ConditionStatus,
    /// Last time the condition was updated.
    #[api(always)]
    pub last_update_time: Option<Time>,
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

/// The label a Deployment adds to its ReplicaSets' selectors and pods.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
/// The revision annotation on a Deployment and its ReplicaSets.
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";

pub static DEPLOYMENT_INFO: ResourceInfo = ResourceInfo {
    group: "apps",
    version: "v1",
    kind: "Deployment",
    plural: "deployments",
    singular: "deployment",
    short_names: &["deploy"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl Deployment {
    /// Desired replicas (1 when unset, as defaulting makes it).
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }

    pub fn is_rolling_update(&self) -> bool {
        self.spec.strategy.type_ == DeploymentStrategyType::RollingUpdate
    }

    /// `ResolveFenceposts` for the desired replicas: `(maxSurge,
    /// maxUnavailable)`.
    pub fn fenceposts(&self) -> Result<(i32, i32), String> {
        let ru = self.spec.strategy.rolling_update.as_ref();
        resolve_fenceposts(
            ru.and_then(|r| r.max_surge.as_ref()),
            ru.and_then(|r| r.max_unavailable.as_ref()),
            self.replicas(),
        )
    }

    /// `(MaxSurge, MaxUnavailable)` as the controller uses them: zero for a
    /// Recreate strategy, unavailable capped at the replicas and zero when
    /// there are none.
    pub fn max_surge_unavailable(&self) -> (i32, i32) {
        if !self.is_rolling_update() {
            return (0, 0);
        }
        // Validation rejects values that do not resolve.
        let (surge, unavailable) = self.fenceposts().unwrap_or((0, 0));
        let replicas = self.replicas();
        let unavailable = if replicas == 0 {
            0
        } else {
            unavailable.min(replicas)
        };
        (surge, unavailable)
    }

    pub fn condition(&self, t: DeploymentConditionType) -> Option<&DeploymentCondition> {
        self.status.conditions.iter().find(|c| c.type_ == t)
    }
}

/// `ResolveFenceposts`: surge rounds up, unavailability rounds down, and when
/// both come to zero one pod may be unavailable.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = max_surge.unwrap_or(&zero).scaled_value(desired, true)?;
    let mut unavailable = max_unavailable
        .unwrap_or(&zero)
        .scaled_value(desired, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Ok((surge, unavailable))
}

/// Defaults of a Deployment (`SetDefaults_Deployment`). Labels are not
/// copied from the template in apps/v1.
pub fn default_deployment(d: &mut Deployment) {
    let spec = &mut d.spec;
    spec.replicas.get_or_insert(1);
    if spec.strategy.type_.as_str().is_empty() {
        spec.strategy.type_ = DeploymentStrategyType::RollingUpdate;
    }
    if spec.strategy.type_ == DeploymentStrategyType::RollingUpdate {
        let ru = spec
            .strategy
            .rolling_update
            .get_or_insert_with(Default::default);
        ru.max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".to_string()));
        ru.max_surge
            .get_or_insert_with(|| IntOrString::String("25%".to_string()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut spec.template.spec);
}

/// `ValidateRollingUpdateDeployment`.
fn validate_rolling_update(ru: &RollingUpdateDeployment, path: &Path) -> FieldErrs {
    let zero = IntOrString::Int(0);
    let unavailable = ru.max_unavailable.as_ref().unwrap_or(&zero);
    let surge = ru.max_surge.as_ref().unwrap_or(&zero);
    let mut errs = validate_int_or_percent(unavailable, &path.child("maxUnavailable"));
    errs.extend(validate_int_or_percent(surge, &path.child("maxSurge")));
    if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
        errs.push(FieldErr::invalid(
            path.child("maxUnavailable"),
            BadValue::Raw(go_int_or_string(unavailable)),
            "may not be 0 when `maxSurge` is 0",
        ));
    }
    errs.extend(not_more_than_100_percent(
        unavailable,
        &path.child("maxUnavailable"),
    ));
    errs
}

/// `ValidateDeploymentStrategy`.
fn validate_strategy(s: &DeploymentStrategy, path: &Path) -> FieldErrs {
    match s.type_ {
        DeploymentStrategyType::Recreate => s
            .rolling_update
            .as_ref()
            .map(|_| {
                FieldErr::forbidden(
                    path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            })
            .into_iter()
            .collect(),
        DeploymentStrategyType::RollingUpdate => match &s.rolling_update {
            None => vec![FieldErr::required(
                path.child("rollingUpdate"),
                "this should be defaulted and never be nil",
            )],
            Some(ru) => validate_rolling_update(ru, &path.child("rollingUpdate")),
        },
        DeploymentStrategyType::Other(_) => {
            let ru = go_pointer("apps.RollingUpdateDeployment", s.rolling_update.is_some());
            vec![FieldErr::not_supported(
                path.clone(),
                BadValue::Raw(format!(
                    "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{ru}}}",
                    crate::api::validation::go_quote(s.type_.as_str())
                )),
                &["Recreate", "RollingUpdate"],
            )]
        }
    }
}

/// The selector checks shared by Deployments and ReplicaSets, then the
/// template when the selector converts (`ValidateDeploymentSpec`).
pub(crate) fn validate_selector_and_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    spec_path: &Path,
) -> FieldErrs {
    let mut errs = Vec::new();
    let sel_path = spec_path.child("selector");
    match selector {
        None => errs.push(FieldErr::required(sel_path.clone(), "")),
        Some(sel) => {
            errs.extend(validate_label_selector(sel, &sel_path));
            if sel.is_empty() {
                errs.push(FieldErr::invalid(
                    sel_path.clone(),
                    selector_bad_value(Some(sel)),
                    "empty selector is invalid for deployment",
                ));
            }
        }
    }
    let tpl_path = spec_path.child("template");
    match selector_selects(selector, &template.metadata.labels) {
        None => errs.push(FieldErr::invalid(
            sel_path,
            selector_bad_value(selector),
            "invalid label selector",
        )),
        Some(selects) => {
            // An empty selector selects everything, so it never mismatches.
            if !selects {
                errs.push(selector_mismatch(&tpl_path, &template.metadata.labels));
            }
            errs.extend(validate_template(template, &tpl_path));
            errs.extend(validate_always_restart(template, &tpl_path, "ReplicaSet"));
        }
    }
    errs
}

/// `ValidateDeploymentSpec`.
fn validate_spec(spec: &DeploymentSpec, path: &Path) -> FieldErrs {
    let mut errs = nonnegative_opt(&path.child("replicas"), spec.replicas.map(i64::from));
    errs.extend(validate_selector_and_template(
        spec.selector.as_ref(),
        &spec.template,
        path,
    ));
    errs.extend(validate_strategy(&spec.strategy, &path.child("strategy")));
    errs.extend(validate_nonnegative(
        &path.child("minReadySeconds"),
        i64::from(spec.min_ready_seconds),
    ));
    errs.extend(nonnegative_opt(
        &path.child("revisionHistoryLimit"),
        spec.revision_history_limit.map(i64::from),
    ));
    if let Some(p) = spec.progress_deadline_seconds {
        let pp = path.child("progressDeadlineSeconds");
        errs.extend(validate_nonnegative(&pp, i64::from(p)));
        if p <= spec.min_ready_seconds {
            errs.push(FieldErr::invalid(
                pp,
                p,
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

impl Resource for Deployment {
    const INFO: &'static ResourceInfo = &DEPLOYMENT_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    fn set_defaults(&mut self) {
        default_deployment(self);
    }

    fn prepare_for_create(&mut self) {
        self.status = DeploymentStatus::default();
        self.metadata.generation = Some(1);
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        // Annotations count too: the controller copies them to ReplicaSets.
        let changed =
            self.spec != old.spec || self.metadata.annotations != old.metadata.annotations;
        let old_gen = old.metadata.generation.unwrap_or(0);
        self.metadata.generation = Some(if changed { old_gen + 1 } else { old_gen });
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

    fn deployment(replicas: Option<i32>) -> Deployment {
        Deployment {
            metadata: meta("web"),
            spec: DeploymentSpec {
                replicas,
                selector: Some(selector(&[("app", "web")])),
                template: template(&[("app", "web")]),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn defaulted(replicas: Option<i32>) -> Deployment {
        let mut d = deployment(replicas);
        d.set_defaults();
        d
    }

    #[test]
    fn a_bare_deployment_gets_the_api_server_defaults() {
        let d = defaulted(None);
        assert_eq!(d.spec.replicas, Some(1));
        assert_eq!(d.spec.strategy.type_, DeploymentStrategyType::RollingUpdate);
        let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
        assert_eq!(ru.max_surge, Some(IntOrString::String("25%".into())));
        assert_eq!(ru.max_unavailable, Some(IntOrString::String("25%".into())));
        assert_eq!(d.spec.revision_history_limit, Some(10));
        assert_eq!(d.spec.progress_deadline_seconds, Some(600));
        // Pod templates are defaulted like pods; labels are not copied up.
        assert_eq!(
            d.spec.template.spec.termination_grace_period_seconds,
            Some(30)
        );
        assert!(d.metadata.labels.is_empty());
    }

    #[test]
    fn recreate_gets_no_rolling_update_parameters() {
        let mut d = deployment(Some(2));
        d.spec.strategy.type_ = DeploymentStrategyType::Recreate;
        d.set_defaults();
        assert_eq!(d.spec.strategy.rolling_update, None);
        assert!(d.validate().is_empty());
    }

    #[test]
    fn fenceposts_follow_resolve_fenceposts() {
        let pct = |s: &str| Some(IntOrString::String(s.to_string()));
        let int = |i: i32| Some(IntOrString::Int(i));
        let cases = [
            (
                "3 replicas with 25%/25% surge 1, none unavailable",
                3,
                pct("25%"),
                pct("25%"),
                (1, 0),
            ),
            (
                "10 replicas with 25%/25% surge 3, 2 unavailable",
                10,
                pct("25%"),
                pct("25%"),
                (3, 2),
            ),
            (
                "both zero lets one pod be unavailable",
                5,
                int(0),
                int(0),
                (0, 1),
            ),
            (
                "percentages that round to zero count as zero",
                1,
                pct("0%"),
                pct("10%"),
                (0, 1),
            ),
            ("integers are taken as given", 4, int(2), int(1), (2, 1)),
            (
                "30% of 10 surges 3 and leaves 3 unavailable",
                10,
                pct("30%"),
                pct("30%"),
                (3, 3),
            ),
            (
                "unavailability is capped at the replicas",
                2,
                int(0),
                int(5),
                (0, 2),
            ),
            (
                "no replicas means no unavailability",
                0,
                pct("25%"),
                pct("25%"),
                (0, 0),
            ),
        ];
        for (name, replicas, surge, unavailable, want) in cases {
            let mut d = deployment(Some(replicas));
            d.spec.strategy = DeploymentStrategy {
                type_: DeploymentStrategyType::RollingUpdate,
                rolling_update: Some(RollingUpdateDeployment {
                    max_surge: surge,
                    max_unavailable: unavailable,
                }),
            };
            assert_eq!(d.max_surge_unavailable(), want, "{name}");
        }
        let mut recreate = defaulted(Some(3));
        recreate.spec.strategy.type_ = DeploymentStrategyType::Recreate;
        assert_eq!(recreate.max_surge_unavailable(), (0, 0));
    }

    #[test]
    fn encode_writes_what_the_api_server_writes() {
        let mut d = defaulted(Some(3));
        d.prepare_for_create();
        let v = d.encode();
        let get = |p: &str| v.pointer(p).cloned();
        assert_eq!(get("apiVersion"), Some(Value::String("apps/v1".into())));
        assert_eq!(get("kind"), Some(Value::String("Deployment".into())));
        // A fresh status is an empty object, not absent.
        assert_eq!(get("status"), Some(Value::object()));
        assert_eq!(
            get("spec.strategy.rollingUpdate.maxSurge"),
            Some(Value::String("25%".into()))
        );
        assert_eq!(
            get("spec.template.metadata.creationTimestamp"),
            Some(Value::Null)
        );
        assert_eq!(get("spec.paused"), None);
        assert_eq!(get("spec.minReadySeconds"), None);
        assert_eq!(get("metadata.generation"), Some(Value::Int(1)));
        // A missing selector is written as null (the field has no omitempty).
        let mut bare = Deployment::default();
        bare.spec.selector = None;
        assert_eq!(bare.encode().pointer("spec.selector"), Some(&Value::Null));
    }

    #[test]
    fn conditions_write_both_times() {
        let mut d = defaulted(Some(1));
        d.status.conditions.push(DeploymentCondition {
            type_: DeploymentConditionType::Available,
            status: ConditionStatus::True,
            last_update_time: Some(Time(1_700_000_000)),
            last_transition_time: None,
            reason: "MinimumReplicasAvailable".into(),
            message: "Deployment has minimum availability.".into(),
        });
        let v = d.encode();
        let c = &v
            .pointer("status")
            .and_then(|s| s.get("conditions"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()[0];
        assert_eq!(
            c.get("lastUpdateTime"),
            Some(&Value::String("2023-11-14T22:13:20Z".into()))
        );
        assert_eq!(c.get("lastTransitionTime"), Some(&Value::Null));
        assert_eq!(
            d.condition(DeploymentConditionType::Available)
                .map(|c| c.status.clone()),
            Some(ConditionStatus::True)
        );
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut d = defaulted(Some(3));
        d.spec.min_ready_seconds = 5;
        d.spec.paused = true;
        d.status = DeploymentStatus {
            observed_generation: 2,
            replicas: 3,
            updated_replicas: 3,
            ready_replicas: 2,
            available_replicas: 2,
            unavailable_replicas: 1,
            conditions: vec![DeploymentCondition {
                type_: DeploymentConditionType::Progressing,
                status: ConditionStatus::True,
                last_update_time: Some(Time(10)),
                last_transition_time: Some(Time(5)),
                reason: "NewReplicaSetAvailable".into(),
                message: "ReplicaSet \"web-1\" has successfully progressed.".into(),
            }],
            collision_count: Some(1),
        };
        assert_eq!(round_trip(&d), Ok(d));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = deployment(Some(1)).encode();
        set_path(&mut v, "spec.replica", Value::Int(3));
        set_path(
            &mut v,
            "spec.strategy.rollingUpdate.maxSurges",
            Value::Int(1),
        );
        let err = decode_strict::<Deployment>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"spec.replica\", unknown field \"spec.strategy.rollingUpdate.maxSurges\""
        );
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut Deployment);
        let cases: [(&str, Edit, &str); 11] = [
            (
                "negative replicas",
                |d| d.spec.replicas = Some(-1),
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                "no selector",
                |d| d.spec.selector = None,
                "spec.selector: Required value",
            ),
            (
                "no selector cannot match the template",
                |d| d.spec.selector = None,
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ),
            (
                "a selector that does not match the template",
                |d| d.spec.selector = Some(selector(&[("app", "x")])),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ),
            (
                "an empty selector",
                |d| d.spec.selector = Some(LabelSelector::default()),
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
            ),
            (
                "a job restart policy",
                |d| d.spec.template.spec.restart_policy = crate::api::corev1::RestartPolicy::Never,
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ),
            (
                "an active deadline",
                |d| d.spec.template.spec.active_deadline_seconds = Some(30),
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported",
            ),
            (
                "both surge and unavailability zero",
                |d| {
                    d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
                        max_surge: Some(IntOrString::Int(0)),
                        max_unavailable: Some(IntOrString::String("0%".into())),
                    })
                },
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0",
            ),
            (
                "an unknown strategy",
                |d| d.spec.strategy = DeploymentStrategy { type_: DeploymentStrategyType::parse("BlueGreen"), rolling_update: None },
                "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\"",
            ),
            (
                "rolling parameters with Recreate",
                |d| d.spec.strategy.type_ = DeploymentStrategyType::Recreate,
                "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
            ),
            (
                "a deadline no longer than minReadySeconds",
                |d| {
                    d.spec.min_ready_seconds = 10;
                    d.spec.progress_deadline_seconds = Some(10);
                },
                "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds",
            ),
        ];
        assert!(defaulted(Some(3)).validate().is_empty());
        for (name, edit, want) in cases {
            let mut d = defaulted(Some(3));
            edit(&mut d);
            assert_has(name, &d.validate(), want);
        }
    }

    #[test]
    fn updates_keep_the_selector_and_count_generations() {
        let mut old = defaulted(Some(3));
        old.prepare_for_create();
        old.status.replicas = 3;

        let mut scaled = old.clone();
        scaled.spec.replicas = Some(5);
        scaled.status = DeploymentStatus::default();
        scaled.prepare_for_update(&old);
        assert_eq!(scaled.metadata.generation, Some(2));
        assert_eq!(scaled.status.replicas, 3, "status is carried over");

        let mut relabelled = old.clone();
        relabelled.metadata.labels.insert("team".into(), "a".into());
        relabelled.prepare_for_update(&old);
        assert_eq!(
            relabelled.metadata.generation,
            Some(1),
            "labels do not bump"
        );

        let mut annotated = old.clone();
        annotated
            .metadata
            .annotations
            .insert("note".into(), "x".into());
        annotated.prepare_for_update(&old);
        assert_eq!(annotated.metadata.generation, Some(2), "annotations do");

        let mut moved = old.clone();
        moved.spec.selector = Some(selector(&[("app", "web"), ("v", "2")]));
        moved
            .spec
            .template
            .metadata
            .labels
            .insert("v".into(), "2".into());
        assert_eq!(
            moved.validate_update(&old).iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]
        );
    }
}
