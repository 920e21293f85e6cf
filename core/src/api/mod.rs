//! The Kubernetes API as Podlab speaks it: typed objects with the API's exact
//! field names, strict decoding, defaulting and validation.

pub mod apps;
pub mod batch;
pub mod codec;
pub mod corev1;
pub mod discovery;
pub mod meta;
pub mod quantity;
pub mod resource;
pub mod storagev1;
pub mod time;
pub mod validation;

pub use codec::{Decode, DecodeCx, DecodeFailure, Encode, FieldError, FieldErrorKind, Schema};
pub use meta::{IntOrString, LabelSelector, ObjectMeta, OwnerReference};
pub use quantity::Quantity;
pub use time::{MicroTime, Time};
