//! Objects for the printer tests, written as the API server returns them
//! (`kubectl get -o json`) and decoded like any client would.

use std::rc::Rc;

use crate::api::codec::Decode;
use crate::api::time::parse_rfc3339;
use crate::apiserver::ApiServer;
use crate::kubectl::printers::jsonpath::tests_support::parse_json;
use crate::store::{Object, Stored};
use crate::syntax::Node;

/// Decodes an object from its JSON.
pub(crate) fn decode<T: Decode>(json: &str) -> T {
    ApiServer::decode_lenient(&Node::from_value(&parse_json(json)))
}

/// An object of a stored kind, wrapped as the store hands it out.
pub(crate) fn object<T: Stored + Decode>(json: &str) -> Object {
    T::to_object(Rc::new(decode::<T>(json)))
}

/// Unix milliseconds of an RFC 3339 timestamp.
pub(crate) fn at(ts: &str) -> i64 {
    parse_rfc3339(ts).unwrap_or_else(|| panic!("bad timestamp {ts}"))
}

/// The clock of most tests: ten minutes after the cluster's first object.
pub(crate) fn now() -> i64 {
    at("2026-01-05T09:10:17Z")
}
