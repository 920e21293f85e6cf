//! API errors as `metav1.Status`: HTTP code, reason, message and details.

use crate::api::codec::FieldError;
use crate::api::resource::ResourceInfo;
use crate::api::validation::FieldErr;

/// Why a request failed (`metav1.StatusReason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    AlreadyExists,
    Conflict,
    Gone,
    Invalid,
    Timeout,
    MethodNotAllowed,
    InternalError,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::BadRequest => "BadRequest",
            Reason::Unauthorized => "Unauthorized",
            Reason::Forbidden => "Forbidden",
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Gone => "Gone",
            Reason::Invalid => "Invalid",
            Reason::Timeout => "Timeout",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::InternalError => "InternalError",
        }
    }

    pub fn code(self) -> u16 {
        match self {
            Reason::BadRequest => 400,
            Reason::Unauthorized => 401,
            Reason::Forbidden => 403,
            Reason::NotFound => 404,
            Reason::MethodNotAllowed => 405,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Gone => 410,
            Reason::Invalid => 422,
            Reason::Timeout => 504,
            Reason::InternalError => 500,
        }
    }
}

/// A failed API request.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub reason: Reason,
    /// The Status message, e.g. `pods "x" not found`.
    pub message: String,
    pub details: Box<Details>,
}

/// The structured part of a failure.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// For Invalid: the kind (`Pod`) and name, and every cause.
    pub kind: String,
    pub name: String,
    pub causes: Vec<FieldErr>,
    /// For decoding errors: every located problem, for the editor.
    pub decode_errors: Vec<FieldError>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl ApiError {
    pub fn new(reason: Reason, message: impl Into<String>) -> ApiError {
        ApiError {
            reason,
            message: message.into(),
            details: Box::default(),
        }
    }

    /// `pods "x" not found`.
    pub fn not_found(info: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::NotFound,
            format!("{} \"{name}\" not found", info.qualified_plural()),
        )
    }

    /// `pods "x" already exists`.
    pub fn already_exists(info: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::AlreadyExists,
            format!("{} \"{name}\" already exists", info.qualified_plural()),
        )
    }

    /// The optimistic-concurrency failure.
    pub fn conflict(info: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                info.qualified_plural()
            ),
        )
    }

    /// `Pod "x" is invalid: [a, b]`, keeping every cause.
    pub fn invalid(info: &ResourceInfo, name: &str, causes: Vec<FieldErr>) -> ApiError {
        let list: Vec<String> = causes.iter().map(ToString::to_string).collect();
        let joined = if list.len() == 1 {
            list[0].clone()
        } else {
            format!("[{}]", list.join(", "))
        };
        let kind = if info.group.is_empty() {
            info.kind.to_string()
        } else {
            format!("{}.{}", info.kind, info.group)
        };
        ApiError {
            reason: Reason::Invalid,
            message: format!("{kind} \"{name}\" is invalid: {joined}"),
            details: Box::new(Details {
                kind: info.kind.to_string(),
                name: name.to_string(),
                causes,
                decode_errors: Vec::new(),
            }),
        }
    }

    /// `pods "x" is forbidden: …`.
    pub fn forbidden(info: &ResourceInfo, name: &str, why: &str) -> ApiError {
        ApiError::new(
            Reason::Forbidden,
            format!("{} \"{name}\" is forbidden: {why}", info.qualified_plural()),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(Reason::BadRequest, message)
    }
}
