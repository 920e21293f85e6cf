//! The one list of stored kinds. Everything that must handle "any kind"
//! (the dynamic `Object`, the tables, generic dispatch) is generated here.

use std::rc::Rc;

use super::table::{RawTable, Table};
use crate::api::apps::{ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet};
use crate::api::batch::{CronJob, Job};
use crate::api::codec::Encode;
use crate::api::corev1::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
    Secret, Service, ServiceAccount,
};
use crate::api::discovery::EndpointSlice;
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo};
use crate::api::storagev1::StorageClass;
use crate::value::Value;

/// A kind the store keeps, with its table and its place in `Object`.
pub trait Stored: Resource {
    const STORED_KIND: Kind;
    fn table(t: &Tables) -> &Table<Self>;
    fn to_object(obj: Rc<Self>) -> Object;
    fn from_object(obj: &Object) -> Option<&Rc<Self>>;
}

/// Runs generic code for a kind chosen at run time.
pub trait KindVisitor {
    type Out;
    fn visit<T: Stored>(self) -> Self::Out;
}

macro_rules! kinds {
    ($($variant:ident => $field:ident),* $(,)?) => {
        /// Every kind the API server stores.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($variant),*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static ResourceInfo {
                match self {
                    $(Kind::$variant => <$variant as Resource>::INFO),*
                }
            }

            pub fn visit<V: KindVisitor>(self, v: V) -> V::Out {
                match self {
                    $(Kind::$variant => v.visit::<$variant>()),*
                }
            }
        }

        /// Any stored object.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($variant(Rc<$variant>)),*
        }

        impl Object {
            pub fn kind(&self) -> Kind {
                match self {
                    $(Object::$variant(_) => Kind::$variant),*
                }
            }

            pub fn meta(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(o) => o.meta()),*
                }
            }

            /// The metadata, for a changed copy: a shared object is copied
            /// first, so the stored one is never changed in place.
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(o) => Rc::make_mut(o).meta_mut()),*
                }
            }

            /// The object as the API server serializes it.
            pub fn encode(&self) -> Value {
                match self {
                    $(Object::$variant(o) => o.encode()),*
                }
            }
        }

        /// One table per kind.
        #[derive(Default)]
        pub struct Tables {
            $($field: Table<$variant>),*
        }

        impl Tables {
            pub(crate) fn raw(&self, kind: Kind) -> &RawTable {
                match kind {
                    $(Kind::$variant => &self.$field.raw),*
                }
            }

            pub(crate) fn raw_mut(&mut self, kind: Kind) -> &mut RawTable {
                match kind {
                    $(Kind::$variant => &mut self.$field.raw),*
                }
            }
        }

        $(
            impl Stored for $variant {
                const STORED_KIND: Kind = Kind::$variant;
                fn table(t: &Tables) -> &Table<Self> {
                    &t.$field
                }
                fn to_object(obj: Rc<Self>) -> Object {
                    Object::$variant(obj)
                }
                fn from_object(obj: &Object) -> Option<&Rc<Self>> {
                    match obj {
                        Object::$variant(o) => Some(o),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        )*
    };
}

kinds! {
    Pod => pods,
    Node => nodes,
    Namespace => namespaces,
    Service => services,
    Endpoints => endpoints,
    ConfigMap => configmaps,
    Secret => secrets,
    ServiceAccount => serviceaccounts,
    Event => events,
    PersistentVolume => persistentvolumes,
    PersistentVolumeClaim => persistentvolumeclaims,
    EndpointSlice => endpointslices,
    Deployment => deployments,
    ReplicaSet => replicasets,
    StatefulSet => statefulsets,
    DaemonSet => daemonsets,
    ControllerRevision => controllerrevisions,
    Job => jobs,
    CronJob => cronjobs,
    StorageClass => storageclasses,
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name()
    }

    pub fn namespace(&self) -> &str {
        self.meta().namespace()
    }

    pub fn info(&self) -> &'static ResourceInfo {
        self.kind().info()
    }
}

impl Kind {
    /// Finds a kind by `apiVersion` and `kind`, as a manifest names it.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| {
            let info = k.info();
            info.kind == kind && info.api_version() == api_version
        })
    }
}
