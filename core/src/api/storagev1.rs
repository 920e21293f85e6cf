//! storage.k8s.io/v1 StorageClass: how volumes of a class are provisioned.

use std::collections::{BTreeMap, BTreeSet};

use podlab_macros::Api;

use crate::api::apps::{immutable, opt_str_bad_value};
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::{
    qualified_name_errors, validate_object_meta, validate_object_meta_update, validate_subdomain,
    FieldErr, FieldErrs, Path,
};
use crate::impl_meta;

/// A class of storage that PersistentVolumes can be provisioned from.
/// Cluster-scoped.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "storage.k8s.io/v1/StorageClass")]
pub struct StorageClass {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The volume plugin that provisions volumes of this class.
    #[api(always, required)]
    pub provisioner: String,
    /// Parameters handed to the provisioner.
    pub parameters: BTreeMap<String, String>,
    /// Delete (default) or Retain: what happens to a provisioned volume when its claim goes.
    pub reclaim_policy: Option<String>,
    /// Mount options of provisioned volumes, such as ro or soft.
    pub mount_options: Vec<String>,
    /// Whether claims of this class may be resized.
    pub allow_volume_expansion: Option<bool>,
    /// Immediate (default) or WaitForFirstConsumer: when claims are bound.
    pub volume_binding_mode: Option<String>,
    /// Topologies where volumes may be provisioned; empty means anywhere.
    pub allowed_topologies: Vec<TopologySelectorTerm>,
}

/// Topology labels a volume may be provisioned in; all requirements are ANDed.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct TopologySelectorTerm {
    /// Requirements on topology labels.
    pub match_label_expressions: Vec<TopologySelectorLabelRequirement>,
}

/// A topology label and the values it may take.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct TopologySelectorLabelRequirement {
    /// The label key.
    #[api(always, required)]
    pub key: String,
    /// Values the label may have; one must match.
    #[api(always, required)]
    pub values: Vec<String>,
}

/// The annotation that marks the cluster's default class.
pub const IS_DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

const RECLAIM_POLICIES: &[&str] = &["Delete", "Retain"];
const BINDING_MODES: &[&str] = &["Immediate", "WaitForFirstConsumer"];
const MAX_PARAMETERS: usize = 512;
const MAX_PARAMETERS_SIZE: usize = 256 * 1024;

pub static STORAGECLASS_INFO: ResourceInfo = ResourceInfo {
    group: "storage.k8s.io",
    version: "v1",
    kind: "StorageClass",
    plural: "storageclasses",
    singular: "storageclass",
    short_names: &["sc"],
    namespaced: false,
    categories: &[],
    verbs: VERBS_ALL,
};

impl StorageClass {
    /// Whether the class is marked as the default for claims without one.
    pub fn is_default_class(&self) -> bool {
        self.metadata.annotation(IS_DEFAULT_CLASS_ANNOTATION) == Some("true")
    }

    /// Whether binding waits for the first pod that uses the claim.
    pub fn waits_for_first_consumer(&self) -> bool {
        self.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
    }
}

/// `validateAllowedTopologies` with `ValidateTopologySelectorTerm`.
fn validate_topologies(terms: &[TopologySelectorTerm], path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    let mut seen: Vec<BTreeMap<&str, BTreeSet<&str>>> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let tp = path.index(i).child("matchLabelExpressions");
        let mut exprs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (j, req) in term.match_label_expressions.iter().enumerate() {
            let rp = tp.index(j);
            let vp = rp.child("values");
            if req.values.is_empty() {
                errs.push(FieldErr::required(vp.clone(), ""));
            }
            let mut values = BTreeSet::new();
            for (k, v) in req.values.iter().enumerate() {
                if !values.insert(v.as_str()) {
                    errs.push(FieldErr::duplicate(vp.index(k), v.as_str()));
                }
            }
            for msg in qualified_name_errors(&req.key) {
                errs.push(FieldErr::invalid(rp.child("key"), req.key.as_str(), &msg));
            }
            if exprs.contains_key(req.key.as_str()) {
                errs.push(FieldErr::duplicate(rp.child("key"), req.key.as_str()));
            }
            exprs.insert(req.key.as_str(), values);
        }
        if seen.contains(&exprs) {
            errs.push(FieldErr::duplicate(tp, ""));
        }
        seen.push(exprs);
    }
    errs
}

impl Resource for StorageClass {
    const INFO: &'static ResourceInfo = &STORAGECLASS_INFO;
    impl_meta!();

    /// `SetDefaults_StorageClass`.
    fn set_defaults(&mut self) {
        self.reclaim_policy
            .get_or_insert_with(|| "Delete".to_string());
        self.volume_binding_mode
            .get_or_insert_with(|| "Immediate".to_string());
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, false, validate_subdomain);
        let pp = Path::root("provisioner");
        if self.provisioner.is_empty() {
            errs.push(FieldErr::required(pp, ""));
        } else {
            for msg in qualified_name_errors(&self.provisioner.to_ascii_lowercase()) {
                errs.push(FieldErr::invalid(
                    pp.clone(),
                    self.provisioner.as_str(),
                    &msg,
                ));
            }
        }
        let params = Path::root("parameters");
        if self.parameters.len() > MAX_PARAMETERS {
            errs.push(FieldErr::too_long(params, MAX_PARAMETERS));
        } else {
            let mut size = 0;
            for (k, v) in &self.parameters {
                if k.is_empty() {
                    errs.push(FieldErr::invalid(
                        params.clone(),
                        "",
                        "field can not be empty.",
                    ));
                }
                size += k.len() + v.len();
            }
            if size > MAX_PARAMETERS_SIZE {
                errs.push(FieldErr::too_long(params, MAX_PARAMETERS_SIZE));
            }
        }
        if let Some(p) = self.reclaim_policy.as_deref() {
            if !p.is_empty() && !RECLAIM_POLICIES.contains(&p) {
                errs.push(FieldErr::not_supported(
                    Path::root("reclaimPolicy"),
                    p,
                    RECLAIM_POLICIES,
                ));
            }
        }
        match self.volume_binding_mode.as_deref() {
            None => errs.push(FieldErr::required(Path::root("volumeBindingMode"), "")),
            Some(m) if !BINDING_MODES.contains(&m) => errs.push(FieldErr::not_supported(
                Path::root("volumeBindingMode"),
                m,
                BINDING_MODES,
            )),
            Some(_) => {}
        }
        errs.extend(validate_topologies(
            &self.allowed_topologies,
            &Path::root("allowedTopologies"),
        ));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        if self.parameters != old.parameters {
            errs.push(FieldErr::forbidden(
                Path::root("parameters"),
                "updates to parameters are forbidden.",
            ));
        }
        if self.provisioner != old.provisioner {
            errs.push(FieldErr::forbidden(
                Path::root("provisioner"),
                "updates to provisioner are forbidden.",
            ));
        }
        if self.reclaim_policy != old.reclaim_policy {
            errs.push(FieldErr::forbidden(
                Path::root("reclaimPolicy"),
                "updates to reclaimPolicy are forbidden.",
            ));
        }
        errs.extend(immutable(
            Path::root("volumeBindingMode"),
            self.volume_binding_mode != old.volume_binding_mode,
            opt_str_bad_value(self.volume_binding_mode.as_deref()),
        ));
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::{decode_strict, Encode};
    use crate::syntax::Node;
    use crate::value::Value;

    fn standard() -> StorageClass {
        let mut sc = StorageClass {
            metadata: ObjectMeta {
                name: Some("standard".into()),
                ..Default::default()
            },
            provisioner: "rancher.io/local-path".into(),
            ..Default::default()
        };
        sc.set_defaults();
        sc
    }

    #[test]
    fn defaults_delete_volumes_and_bind_immediately() {
        let sc = standard();
        assert_eq!(sc.reclaim_policy.as_deref(), Some("Delete"));
        assert_eq!(sc.volume_binding_mode.as_deref(), Some("Immediate"));
        assert!(!sc.waits_for_first_consumer());
        let v = sc.encode();
        assert_eq!(
            v.get("reclaimPolicy"),
            Some(&Value::String("Delete".into()))
        );
        assert_eq!(
            v.get("apiVersion"),
            Some(&Value::String("storage.k8s.io/v1".into()))
        );
        assert_eq!(v.get("parameters"), None);
    }

    #[test]
    fn discovery_names_a_cluster_scoped_sc() {
        assert_eq!(STORAGECLASS_INFO.short_names, ["sc"]);
        assert!(!STORAGECLASS_INFO.namespaced);
        assert!(STORAGECLASS_INFO.categories.is_empty());
        assert_eq!(
            STORAGECLASS_INFO.qualified_singular(),
            "storageclass.storage.k8s.io"
        );
    }

    #[test]
    fn every_field_survives_a_round_trip() {
        let mut sc = standard();
        sc.metadata
            .annotations
            .insert(IS_DEFAULT_CLASS_ANNOTATION.into(), "true".into());
        sc.parameters = labels(&[("type", "ssd")]);
        sc.mount_options = vec!["ro".into()];
        sc.allow_volume_expansion = Some(true);
        sc.allowed_topologies = vec![TopologySelectorTerm {
            match_label_expressions: vec![TopologySelectorLabelRequirement {
                key: "topology.kubernetes.io/zone".into(),
                values: vec!["a".into()],
            }],
        }];
        assert!(sc.is_default_class());
        assert_eq!(round_trip(&sc), Ok(sc));
    }

    #[test]
    fn a_typo_is_an_unknown_field() {
        let mut v = standard().encode();
        set_path(&mut v, "reclaimpolicy", Value::String("Retain".into()));
        let err = decode_strict::<StorageClass>(&Node::from_value(&v)).unwrap_err();
        assert_eq!(
            err.message,
            "strict decoding error: unknown field \"reclaimpolicy\""
        );
    }

    #[test]
    fn validation_messages_match_the_api_server() {
        type Edit = fn(&mut StorageClass);
        let cases: [(&str, Edit, &str); 5] = [
            ("no provisioner", |s| s.provisioner.clear(), "provisioner: Required value"),
            (
                "a namespace on a cluster-scoped kind",
                |s| s.metadata.namespace = Some("default".into()),
                "metadata.namespace: Forbidden: not allowed on this type",
            ),
            (
                "an unknown reclaim policy",
                |s| s.reclaim_policy = Some("Recycle".into()),
                "reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
            ),
            (
                "an unknown binding mode",
                |s| s.volume_binding_mode = Some("Later".into()),
                "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
            ),
            (
                "a topology without values",
                |s| s.allowed_topologies = vec![TopologySelectorTerm { match_label_expressions: vec![TopologySelectorLabelRequirement { key: "zone".into(), values: vec![] }] }],
                "allowedTopologies[0].matchLabelExpressions[0].values: Required value",
            ),
        ];
        assert!(standard().validate().is_empty());
        for (name, edit, want) in cases {
            let mut s = standard();
            edit(&mut s);
            assert_has(name, &s.validate(), want);
        }
    }

    #[test]
    fn a_class_cannot_change_how_it_provisions() {
        let old = standard();
        let mut new = old.clone();
        new.parameters = labels(&[("type", "hdd")]);
        new.provisioner = "other.io/x".into();
        new.reclaim_policy = Some("Retain".into());
        new.volume_binding_mode = Some("WaitForFirstConsumer".into());
        assert_eq!(
            messages(&new.validate_update(&old)),
            [
                "parameters: Forbidden: updates to parameters are forbidden.",
                "provisioner: Forbidden: updates to provisioner are forbidden.",
                "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
                "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable",
            ]
        );
    }
}
