//! apps/v1 ControllerRevision: an immutable snapshot of a StatefulSet's or
//! DaemonSet's template, for rollouts and rollbacks.

use podlab_macros::Api;

use super::immutable;
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::{
    validate_nonnegative, validate_object_meta, validate_object_meta_update, validate_subdomain,
    BadValue, FieldErr, FieldErrs, Path,
};
use crate::impl_meta;
use crate::value::Value;

/// A snapshot of state data that cannot change once created.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "apps/v1/ControllerRevision")]
pub struct ControllerRevision {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The serialized state (a patch of the owner's template).
    #[api(always)]
    pub data: Value,
    /// The revision number of the state.
    #[api(always, required)]
    pub revision: i64,
}

pub static CONTROLLERREVISION_INFO: ResourceInfo = ResourceInfo {
    group: "apps",
    version: "v1",
    kind: "ControllerRevision",
    plural: "controllerrevisions",
    singular: "controllerrevision",
    short_names: &[],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Resource for ControllerRevision {
    const INFO: &'static ResourceInfo = &CONTROLLERREVISION_INFO;
    impl_meta!();

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        if self.data.is_null() {
            errs.push(FieldErr::required(Path::root("data"), "data is mandatory"));
        }
        errs.extend(validate_nonnegative(&Path::root("revision"), self.revision));
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        errs.extend(self.validate());
        errs.extend(immutable(
            Path::root("data"),
            self.data != old.data,
            BadValue::Raw(self.data.to_json()),
        ));
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::test_support::*;
    use crate::api::codec::Encode;

    fn revision() -> ControllerRevision {
        let mut data = Value::object();
        set_path(
            &mut data,
            "spec.template.$patch",
            Value::String("replace".into()),
        );
        ControllerRevision {
            metadata: meta("web-6d4b9c7f5"),
            data,
            revision: 1,
        }
    }

    #[test]
    fn discovery_lists_no_short_names_or_categories() {
        assert_eq!(
            CONTROLLERREVISION_INFO.qualified_plural(),
            "controllerrevisions.apps"
        );
        assert!(CONTROLLERREVISION_INFO.short_names.is_empty());
        assert!(CONTROLLERREVISION_INFO.categories.is_empty());
    }

    #[test]
    fn missing_data_is_written_as_null_and_rejected() {
        let mut r = revision();
        r.data = Value::Null;
        assert_eq!(r.encode().get("data"), Some(&Value::Null));
        assert_eq!(
            messages(&r.validate()),
            ["data: Required value: data is mandatory"]
        );
        r.revision = -1;
        assert_has(
            "a negative revision",
            &r.validate(),
            "revision: Invalid value: -1: must be greater than or equal to 0",
        );
    }

    #[test]
    fn the_data_never_changes() {
        let old = revision();
        assert_eq!(round_trip(&old), Ok(old.clone()));
        let mut new = old.clone();
        new.data = Value::object();
        assert_eq!(
            messages(&new.validate_update(&old)),
            ["data: Invalid value: {}: field is immutable"]
        );
        let mut relabelled = old.clone();
        relabelled.metadata.labels.insert("a".into(), "b".into());
        assert!(relabelled.validate_update(&old).is_empty());
    }
}
