//! What every top-level kind provides to the API server: its discovery
//! information and its strategy (defaults, create/update preparation and
//! validation), as kube-apiserver's registry strategies do.

use crate::api::codec::{Decode, Encode, Schema, TypeMeta};
use crate::api::meta::ObjectMeta;
use crate::api::validation::FieldErrs;

/// Discovery information of a resource, as `kubectl api-resources` lists it.
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceInfo {
    /// API group; empty for core.
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// Lower-case plural, the REST resource name (`deployments`).
    pub plural: &'static str,
    /// Lower-case singular (`deployment`).
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
    /// Categories such as `all`, used by `kubectl get all`.
    pub categories: &'static [&'static str],
    pub verbs: &'static [&'static str],
}

impl ResourceInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps` or `pods`: how kubectl names the resource in
    /// messages.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `deployment.apps` or `pod`: the prefix of `kubectl` action lines.
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

pub const VERBS_ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// A kind the API server stores.
pub trait Resource:
    Decode + Encode + Schema + TypeMeta + Clone + Default + PartialEq + std::fmt::Debug + 'static
{
    const INFO: &'static ResourceInfo;

    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;

    /// Sets the defaults the API server fills in (`SetDefaults_*`).
    fn set_defaults(&mut self) {}

    /// Clears what a client may not set on create (usually status) and sets
    /// initial server-owned fields (`PrepareForCreate`).
    fn prepare_for_create(&mut self) {}

    /// Carries over server-owned fields from the stored object on an update
    /// of the main resource (status is kept; generation grows when the spec
    /// changes) (`PrepareForUpdate`).
    fn prepare_for_update(&mut self, _old: &Self) {}

    /// Validation on create (`Validate`), with field paths.
    fn validate(&self) -> FieldErrs;

    /// Validation on update, including immutable fields (`ValidateUpdate`).
    fn validate_update(&self, old: &Self) -> FieldErrs;

    /// Whether the kind has a spec whose changes bump `metadata.generation`.
    const HAS_GENERATION: bool = false;
}

/// Implements `meta`/`meta_mut` for a kind whose metadata lives in the
/// `metadata` field.
#[macro_export]
macro_rules! impl_meta {
    () => {
        fn meta(&self) -> &$crate::api::meta::ObjectMeta {
            &self.metadata
        }
        fn meta_mut(&mut self) -> &mut $crate::api::meta::ObjectMeta {
            &mut self.metadata
        }
    };
}
