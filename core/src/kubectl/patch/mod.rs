//! Patches, computed and applied the way kubectl and the API server do it.
//!
//! - [`merge_patch`]: JSON merge patch (RFC 7386) with the quirks of the
//!   `evanphx/json-patch` v4 library the API server uses, the two-way diff
//!   `kubectl label` and `annotate` send, and the three-way diff `kubectl
//!   apply` falls back to for kinds without a schema.
//! - [`json_patch`]: JSON patch (RFC 6902), with that library's error texts.
//! - [`strategic`]: strategic merge patch (apply, two-way and three-way
//!   diff), driven by the per-kind [`schema`] of list merge keys.
//! - [`apply`]: what `kubectl apply` sends for an existing object and what
//!   the server makes of it.
//!
//! Everything here is a pure function of values: no cluster, no clock.

pub mod apply;
pub mod json_patch;
pub mod merge_patch;
pub mod schema;
pub mod strategic;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::kubectl::printers::gofmt;
use crate::value::Value;

/// How deep the patch functions follow nested objects and lists. Real
/// objects nest a dozen levels; the bound keeps hostile input from
/// exhausting the stack.
pub const MAX_DEPTH: usize = 100;

/// How a failed patch surfaces, following the API server's classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchErrorKind {
    /// HTTP 400 (`BadRequest`) with the message as the Status message.
    BadRequest,
    /// HTTP 422 (`Invalid`) built by `NewGenericServerResponse`: the Status
    /// message is "the server rejected our request due to an error in our
    /// request" and this message is its only cause.
    Unprocessable,
    /// HTTP 413 (`RequestEntityTooLarge`).
    TooLarge,
    /// A plain error. The API server answers 500 with an empty reason, which
    /// kubectl prints as `Error from server: <message>`; computed on the
    /// kubectl side it is a plain `error: <message>`.
    Failed,
    /// `kubectl apply --overwrite=false` found the live object changed where
    /// the manifest changes it too.
    Conflict,
}

/// A patch that cannot be computed or applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError {
    pub kind: PatchErrorKind,
    pub message: String,
}

impl PatchError {
    pub(crate) fn new(kind: PatchErrorKind, message: impl Into<String>) -> PatchError {
        PatchError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn failed(message: impl Into<String>) -> PatchError {
        PatchError::new(PatchErrorKind::Failed, message)
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> PatchError {
        PatchError::new(PatchErrorKind::BadRequest, message)
    }

    pub(crate) fn unprocessable(message: impl Into<String>) -> PatchError {
        PatchError::new(PatchErrorKind::Unprocessable, message)
    }

    /// The refusal of input nested deeper than [`MAX_DEPTH`].
    pub(crate) fn too_deep() -> PatchError {
        PatchError::bad_request(format!(
            "patch nesting exceeds the maximum depth of {MAX_DEPTH}"
        ))
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatchError {}

/// Fails once recursion passes [`MAX_DEPTH`].
pub(crate) fn check_depth(depth: usize) -> Result<(), PatchError> {
    if depth > MAX_DEPTH {
        Err(PatchError::too_deep())
    } else {
        Ok(())
    }
}

/// Go's `%v` of a decoded JSON value (`map[a:b]`, `[x y]`, `<nil>`).
pub(crate) fn go_v(v: &Value) -> String {
    gofmt::sprint_value(v)
}

/// Go's `%s` of a decoded JSON value (`%!s(int64=1)` for a number).
pub(crate) fn go_s(v: &Value) -> String {
    gofmt::sprintf("%s", &[gofmt::Arg::from_value(v)])
}

/// Go's name of a decoded JSON value's dynamic type, as `reflect.TypeOf`
/// prints it.
pub(crate) fn go_type_name(v: &Value) -> &'static str {
    gofmt::Arg::from_value(v).type_name()
}

/// Whether two decoded values have the same dynamic Go type
/// (`reflect.TypeOf(a) == reflect.TypeOf(b)`).
pub(crate) fn same_go_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
