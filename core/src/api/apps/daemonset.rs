//! apps/v1 DaemonSet: one pod on every eligible node.

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
    go_quote, validate_nonnegative, validate_object_meta, validate_object_meta_update,
    validate_subdomain, BadValue, FieldErr, FieldErrs, Path,
};
use crate::{impl_meta, string_enum};

/// Runs a copy of a pod on every node that matches its template.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "apps/v1/DaemonSet")]
pub struct DaemonSet {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Desired behaviour of the DaemonSet.
    pub spec: DaemonSetSpec,
    /// Most recently observed status, written by the controller.
    pub status: DaemonSetStatus,
}

/// The desired state of a DaemonSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DaemonSetSpec {
    /// Label query over the pods of the DaemonSet. It must match the template's labels and cannot change.
    #[api(always, required)]
    pub selector: Option<LabelSelector>,
    /// The pod to run on each eligible node. The only allowed restartPolicy is Always.
    #[api(always, required)]
    pub template: PodTemplateSpec,
    /// How pods are replaced when the template changes.
    pub update_strategy: DaemonSetUpdateStrategy,
    /// Seconds a new pod must be ready, without crashing, to count as available. Default 0.
    #[api(omitempty)]
    pub min_ready_seconds: i32,
    /// Number of old revisions kept for rollback. Default 10.
    pub revision_history_limit: Option<i32>,
}

/// How a DaemonSet replaces its pods.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DaemonSetUpdateStrategy {
    /// RollingUpdate (default) or OnDelete.
    #[api(rename = "type", omitempty)]
    pub type_: DaemonSetUpdateStrategyType,
    /// Parameters of a rolling update; only with type RollingUpdate.
    pub rolling_update: Option<RollingUpdateDaemonSet>,
}

string_enum! {
    /// How a DaemonSet updates its pods.
    pub enum DaemonSetUpdateStrategyType {
        /// Replace pods node by node.
        RollingUpdate = "RollingUpdate",
        /// Replace a pod only when it is deleted.
        OnDelete = "OnDelete",
    }
}

/// The limits of a DaemonSet rolling update.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct RollingUpdateDaemonSet {
    /// Nodes whose pod may be down during the update: a number or a percentage (rounded up). Default 1.
    pub max_unavailable: Option<IntOrString>,
    /// Nodes that may run an updated pod next to the old one: a number or a percentage (rounded up). Default 0.
    pub max_surge: Option<IntOrString>,
}

/// The most recently observed state of a DaemonSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DaemonSetStatus {
    /// Nodes running at least one daemon pod that should.
    #[api(always, required)]
    pub current_number_scheduled: i32,
    /// Nodes running a daemon pod that should not.
    #[api(always, required)]
    pub number_misscheduled: i32,
    /// Nodes that should run the daemon pod.
    #[api(always, required)]
    pub desired_number_scheduled: i32,
    /// Nodes whose daemon pod has a Ready condition.
    #[api(always, required)]
    pub number_ready: i32,
    /// The generation the controller last acted on.
    #[api(omitempty)]
    pub observed_generation: i64,
    /// Nodes running the updated daemon pod.
    #[api(omitempty)]
    pub updated_number_scheduled: i32,
    /// Nodes whose daemon pod is available.
    #[api(omitempty)]
    pub number_available: i32,
    /// Nodes whose daemon pod is missing or not available.
    #[api(omitempty)]
    pub number_unavailable: i32,
    /// Hash collisions met while naming ControllerRevisions.
    pub collision_count: Option<i32>,
    /// The latest observations of the DaemonSet's state.
    pub conditions: Vec<DaemonSetCondition>,
}

/// One condition of a DaemonSet.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct DaemonSetCondition {
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

/// The annotation in which apps/v1 keeps the template generation.
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

pub static DAEMONSET_INFO: ResourceInfo = ResourceInfo {
    group: "apps",
    version: "v1",
    kind: "DaemonSet",
    plural: "daemonsets",
    singular: "daemonset",
    short_names: &["ds"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl DaemonSet {
    /// The template generation, counted up on every template change.
    pub fn template_generation(&self) -> i64 {
        self.metadata
            .annotation(TEMPLATE_GENERATION_ANNOTATION)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    fn set_template_generation(&mut self, g: i64) {
        self.metadata
            .annotations
            .insert(TEMPLATE_GENERATION_ANNOTATION.to_string(), g.to_string());
    }

    /// `(maxSurge, maxUnavailable)` for `desired` nodes, as the controller
    /// resolves them: both round up, and when both are zero one node may
    /// be unavailable.
    pub fn surge_unavailable(&self, desired: i32) -> Result<(i32, i32), String> {
        let us = &self.spec.update_strategy;
        let Some(ru) = us
            .rolling_update
            .as_ref()
            .filter(|_| us.type_ == DaemonSetUpdateStrategyType::RollingUpdate)
        else {
            return Ok((0, 0));
        };
        let surge = match &ru.max_surge {
            Some(s) => s.scaled_value(desired, true)?,
            None => 0,
        };
        let zero = IntOrString::Int(0);
        let mut unavailable = ru
            .max_unavailable
            .as_ref()
            .unwrap_or(&zero)
            .scaled_value(desired, true)?;
        if desired > 0 && surge == 0 && unavailable == 0 {
            unavailable = 1;
        }
        Ok((surge, unavailable))
    }
}

/// Defaults of a DaemonSet (`SetDefaults_DaemonSet`).
pub fn default_daemonset(ds: &mut DaemonSet) {
    let us = &mut ds.spec.update_strategy;
    if us.type_.as_str().is_empty() {
        us.type_ = DaemonSetUpdateStrategyType::RollingUpdate;
    }
    if us.type_ == DaemonSetUpdateStrategyType::RollingUpdate {
        let ru = us.rolling_update.get_or_insert_with(Default::default);
        ru.max_unavailable.get_or_insert(IntOrString::Int(1));
        ru.max_surge.get_or_insert(IntOrString::Int(0));
    }
    ds.spec.revision_history_limit.get_or_insert(10);
    default_pod_spec(&mut ds.spec.template.spec);
}

/// `ValidateRollingUpdateDaemonSet`: exactly one of the two limits is
/// non-zero.
fn validate_rolling_update(ru: &RollingUpdateDaemonSet, path: &Path) -> FieldErrs {
    let zero = IntOrString::Int(0);
    let unavailable = ru.max_unavailable.as_ref().unwrap_or(&zero);
    let surge = ru.max_surge.as_ref().unwrap_or(&zero);
    let mut errs = validate_int_or_percent(unavailable, &path.child("maxUnavailable"));
    errs.extend(validate_int_or_percent(surge, &path.child("maxSurge")));
    errs.extend(not_more_than_100_percent(
        unavailable,
        &path.child("maxUnavailable"),
    ));
    errs.extend(not_more_than_100_percent(surge, &path.child("maxSurge")));
    let has_unavailable = int_or_percent_value(unavailable) != 0;
    let has_surge = int_or_percent_value(surge) != 0;
    if has_unavailable && has_surge {
        errs.push(FieldErr::invalid(
            path.child("maxSurge"),
            BadValue::Raw(go_int_or_string(surge)),
            "may not be set when maxUnavailable is non-zero",
        ));
    } else if !has_unavailable && !has_surge {
        errs.push(FieldErr::required(
            path.child("maxUnavailable"),
            "cannot be 0 when maxSurge is 0",
        ));
    }
    errs
}

/// `ValidateDaemonSetUpdateStrategy`.
fn validate_update_strategy(us: &DaemonSetUpdateStrategy, path: &Path) -> FieldErrs {
    match &us.type_ {
        DaemonSetUpdateStrategyType::OnDelete => Vec::new(),
        DaemonSetUpdateStrategyType::RollingUpdate => match &us.rolling_update {
            None => vec![FieldErr::required(path.child("rollingUpdate"), "")],
            Some(ru) => validate_rolling_update(ru, &path.child("rollingUpdate")),
        },
        DaemonSetUpdateStrategyType::Other(t) => {
            let ru = go_pointer("apps.RollingUpdateDaemonSet", us.rolling_update.is_some());
            vec![FieldErr::not_supported(
                path.clone(),
                BadValue::Raw(format!(
                    "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{ru}}}",
                    go_quote(t)
                )),
                &["RollingUpdate", "OnDelete"],
            )]
        }
    }
}

/// `ValidateDaemonSetSpec`.
fn validate_spec(spec: &DaemonSetSpec, path: &Path) -> FieldErrs {
    let sel_path = path.child("selector");
    let mut errs = spec
        .selector
        .as_ref()
        .map(|s| validate_label_selector(s, &sel_path))
        .unwrap_or_default();
    let tpl_path = path.child("template");
    if selector_selects(spec.selector.as_ref(), &spec.template.metadata.labels) == Some(false) {
        errs.push(selector_mismatch(&tpl_path, &spec.template.metadata.labels));
    }
    if let Some(sel) = spec.selector.as_ref().filter(|s| s.is_empty()) {
        errs.push(FieldErr::invalid(
            sel_path,
            selector_bad_value(Some(sel)),
            "empty selector is invalid for daemonset",
        ));
    }
    errs.extend(validate_template(&spec.template, &tpl_path));
    errs.extend(validate_always_restart(
        &spec.template,
        &tpl_path,
        "DaemonSet",
    ));
    errs.extend(validate_nonnegative(
        &path.child("minReadySeconds"),
        i64::from(spec.min_ready_seconds),
    ));
    errs.extend(validate_update_strategy(
        &spec.update_strategy,
        &path.child("updateStrategy"),
    ));
    errs.extend(nonnegative_opt(
        &path.child("revisionHistoryLimit"),
        spec.revision_history_limit.map(i64::from),
    ));
    errs
}

impl Resource for DaemonSet {
    const INFO: &'static ResourceInfo = &DAEMONSET_INFO;
    const HAS_GENERATION: bool = true;
    impl_meta!();

    fn set_defaults(&mut self) {
        default_daemonset(self);
    }

    fn prepare_for_create(&mut self) {
        self.status = DaemonSetStatus::default();
        self.metadata.generation = Some(1);
        if self.template_generation() < 1 {
            self.set_template_generation(1);
        }
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        // The template generation is the server's to keep.
        let old_template_gen = old.template_generation();
        self.set_template_generation(old_template_gen);
        let old_gen = old.metadata.generation.unwrap_or(0);
        if self.spec.template != old.spec.template {
            self.set_template_generation(old_template_gen + 1);
            self.metadata.generation = Some(old_gen + 1);
        } else if self.spec != old.spec {
            self.metadata.generation = Some(old_gen + 1);
        } else {
            self.metadata.generation = Some(old_gen);
        }
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        errs.extend(validate_spec(&self.spec, &Path::root("spec")));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = self.validate();
        errs.extend(validate_object_meta_update(&self.metadata, &old.metadata));
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

    fn agent() -> DaemonSet {
        let mut ds = DaemonSet {
            metadata: meta("node-agent"),
            spec: DaemonSetSpec {
                selector: Some(selector(&[("name", "agent")])),
                template: template(&[("name", "agent")]),
                ..Default::default()
            },
            ..Default::default()
        };
        ds.set_defaults();
        ds
    }

    #[test]
    fn defaults_are_one_unavailable_and_no_surge() {
        let ds = agent();
        assert_eq!(
            ds.spec.update_strategy.type_,
            DaemonSetUpdateStrategyType::RollingUpdate
        );
        assert_eq!(
            ds.spec.update_strategy.rolling_update,
            Some(RollingUpdateDaemonSet {
                max_unavailable: Some(IntOrString::Int(1)),
                max_surge: Some(IntOrString::Int(0)),
            })
        );
        assert_eq!(ds.spec.revision_history_limit, Some(10));
    }

    #[test]
    fn surge_and_unavailability_round_up() {
        let pct = |s: &str| Some(IntOrString::String(s.to_string()));
        let cases = [
            (
                "the defaults on three nodes",
                Some(IntOrString::Int(1)),
                Some(IntOrString::Int(0)),
                3,
                (0, 1),
            ),
            (
                "10% of three nodes rounds up to one",
                pct("10%"),
                Some(IntOrString::Int(0)),
                3,
                (0, 1),
            ),
            (
                "a surge of 50% of three nodes is two",
                Some(IntOrString::Int(0)),
                pct("50%"),
                3,
                (2, 0),
            ),
            (
                "both zero on a real cluster lets one be down",
                Some(IntOrString::Int(0)),
                Some(IntOrString::Int(0)),
                2,
                (0, 1),
            ),
            ("no nodes, nothing to do", pct("0%"), None, 0, (0, 0)),
        ];
        for (name, unavailable, surge, desired, want) in cases {
            let mut ds = agent();
            ds.spec.update_strategy.rolling_update = Some(RollingUpdateDaemonSet {
                max_unavailable: unavailable,
                max_surge: surge,
            });
            assert_eq!(ds.surge_unavailable(desired), Ok(want), "{name}");
        }
    }

    #[test]
    fn create_and_update_keep_the_template_generation() {
        let mut ds = agent();
        ds.prepare_for_create();
        assert_eq!(
            ds.metadata.annotation(TEMPLATE_GENERATION_ANNOTATION),
            Some("1")
        );
        assert_eq!(ds.metadata.generation, Some(1));
        assert_eq!(
            ds.encode().pointer("status.numberReady"),
            Some(&Value::Int(0))
        );

        let mut retemplated = ds.clone();
        retemplated.spec.template.spec.containers[0].image = "agent:2".into();
        retemplated
            .metadata
            .annotations
            .remove(TEMPLATE_GENERATION_ANNOTATION);
        retemplated.prepare_for_update(&ds);
        assert_eq!(retemplated.template_generation(), 2);
        assert_eq!(retemplated.metadata.generation, Some(2));

        let mut tuned = ds.clone();
        tuned.spec.min_ready_seconds = 10;
        tuned.prepare_for_update(&ds);
        assert_eq!(tuned.template_generation(), 1);
        assert_eq!(tuned.metadata.generation, Some(2));
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut ds = agent();
        ds.spec.min_ready_seconds = 4;
        ds.status = DaemonSetStatus {
            current_number_scheduled: 2,
            number_misscheduled: 1,
            desired_number_scheduled: 2,
            number_ready: 2,
            observed_generation: 1,
            updated_number_scheduled: 2,
            number_available: 2,
            number_unavailable: 0,
            collision_count: Some(0),
            conditions: vec![DaemonSetCondition {
                type_: "X".into(),
                status: ConditionStatus::False,
                last_transition_time: None,
                reason: String::new(),
                message: String::new(),
            }],
        };
        assert_eq!(round_trip(&ds), Ok(ds));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = agent().encode();
        set_path(
            &mut v,
            "spec.updateStrategy.rollingUpdate.maxUnavailible",
            Value::Int(1),
        );
        let err = decode_strict::<DaemonSet>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"spec.updateStrategy.rollingUpdate.maxUnavailible\""
        );
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut DaemonSet);
        let cases: [(&str, Edit, &str); 6] = [
            (
                "a selector that does not match",
                |ds| ds.spec.selector = Some(selector(&[("name", "other")])),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"name\":\"agent\"}: `selector` does not match template `labels`",
            ),
            (
                "an empty selector",
                |ds| ds.spec.selector = Some(LabelSelector::default()),
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset",
            ),
            (
                "an active deadline",
                |ds| ds.spec.template.spec.active_deadline_seconds = Some(5),
                "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported",
            ),
            (
                "surge and unavailability both set",
                |ds| ds.spec.update_strategy.rolling_update = Some(RollingUpdateDaemonSet { max_unavailable: Some(IntOrString::Int(1)), max_surge: Some(IntOrString::Int(1)) }),
                "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero",
            ),
            (
                "surge and unavailability both zero",
                |ds| ds.spec.update_strategy.rolling_update = Some(RollingUpdateDaemonSet { max_unavailable: Some(IntOrString::Int(0)), max_surge: Some(IntOrString::Int(0)) }),
                "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
            ),
            (
                "an unknown strategy",
                |ds| ds.spec.update_strategy = DaemonSetUpdateStrategy { type_: DaemonSetUpdateStrategyType::parse("Surge"), rolling_update: None },
                "spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Surge\", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", \"OnDelete\"",
            ),
        ];
        assert!(agent().validate().is_empty());
        for (name, edit, want) in cases {
            let mut ds = agent();
            edit(&mut ds);
            assert_has(name, &ds.validate(), want);
        }
    }

    #[test]
    fn the_selector_is_immutable_and_errors_are_not_repeated() {
        let mut old = agent();
        old.prepare_for_create();
        let mut new = old.clone();
        new.spec.selector = Some(selector(&[("name", "agent"), ("v", "2")]));
        new.spec
            .template
            .metadata
            .labels
            .insert("v".into(), "2".into());
        new.spec.min_ready_seconds = -1;
        assert_eq!(
            messages(&new.validate_update(&old)),
            [
                "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"name\":\"agent\", \"v\":\"2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable",
            ]
        );
    }
}
