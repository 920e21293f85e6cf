//! core/v1 Event.

use podlab_macros::Api;

use super::service::ObjectReference;
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::time::{MicroTime, Time};
use crate::api::validation::*;
use crate::impl_meta;
use crate::value::Value;

/// A report of something that happened to an object.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Event")]
pub struct Event {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// The object the event is about.
    #[api(always)]
    pub involved_object: ObjectReference,
    /// Short machine-readable reason, e.g. Scheduled, BackOff.
    #[api(omitempty)]
    pub reason: String,
    /// Human-readable description.
    #[api(omitempty)]
    pub message: String,
    /// Component that reported the event.
    #[api(always)]
    pub source: EventSource,
    /// When the event was first recorded.
    #[api(always)]
    pub first_timestamp: Option<Time>,
    /// When the event was last recorded.
    #[api(always)]
    pub last_timestamp: Option<Time>,
    /// How many times it happened.
    #[api(omitempty)]
    pub count: i32,
    /// Normal or Warning.
    #[api(rename = "type", omitempty)]
    pub type_: String,
    /// When the event was first observed (newer events API).
    #[api(always)]
    pub event_time: Option<MicroTime>,
    /// Data about a series of occurrences.
    pub series: Option<Value>,
    /// What action was taken or failed.
    #[api(omitempty)]
    pub action: String,
    /// A secondary object.
    pub related: Option<ObjectReference>,
    /// Controller that emitted the event.
    #[api(always)]
    pub reporting_component: String,
    /// Instance of the controller.
    #[api(always)]
    pub reporting_instance: String,
}

/// Who reported an event.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct EventSource {
    /// Component name.
    #[api(omitempty)]
    pub component: String,
    /// Node name.
    #[api(omitempty)]
    pub host: String,
}

pub static EVENT_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Event",
    plural: "events",
    singular: "event",
    short_names: &["ev"],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Resource for Event {
    const INFO: &'static ResourceInfo = &EVENT_INFO;
    impl_meta!();

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        if self.involved_object.namespace != self.metadata.namespace()
            && !self.involved_object.namespace.is_empty()
        {
            errs.push(FieldErr::invalid(
                Path::root("involvedObject").child("namespace"),
                self.involved_object.namespace.as_str(),
                "does not match event.namespace",
            ));
        }
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        validate_object_meta_update(&self.metadata, &old.metadata)
    }
}
