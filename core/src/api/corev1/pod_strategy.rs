//! How the API server stores pods: discovery info, defaults, create and
//! update preparation.

use super::pod::*;
use super::pod_defaults::{default_pod_spec, qos_class};
use super::pod_validation::{validate_pod, validate_pod_update};
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::FieldErrs;
use crate::impl_meta;

pub static POD_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    singular: "pod",
    short_names: &["po"],
    namespaced: true,
    categories: &["all"],
    verbs: VERBS_ALL,
};

impl Resource for Pod {
    const INFO: &'static ResourceInfo = &POD_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        // Requests default to limits (SetDefaults_Pod), for pods only: pod
        // templates keep what the user wrote.
        for c in self
            .spec
            .containers
            .iter_mut()
            .chain(self.spec.init_containers.iter_mut())
        {
            let limits = c.resources.limits.clone();
            for (k, q) in limits {
                c.resources.requests.entry(k).or_insert(q);
            }
        }
        default_pod_spec(&mut self.spec);
    }

    fn prepare_for_create(&mut self) {
        self.status = PodStatus {
            phase: PodPhase::Pending,
            qos_class: qos_class(&self.spec).to_string(),
            ..Default::default()
        };
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
    }

    fn validate(&self) -> FieldErrs {
        validate_pod(self)
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        validate_pod_update(self, old)
    }
}
