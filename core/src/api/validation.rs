//! Validation errors in the API server's words (`field.Error`), and the
//! checks every kind shares: names, labels, annotations, metadata updates.

use std::collections::BTreeMap;
use std::fmt;

use crate::api::meta::ObjectMeta;

/// A path to a field: `spec.containers[0].image`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    pub fn root(name: &str) -> Path {
        Path(name.to_string())
    }

    pub fn child(&self, name: &str) -> Path {
        if self.0.is_empty() {
            Path(name.to_string())
        } else {
            Path(format!("{}.{name}", self.0))
        }
    }

    pub fn index(&self, i: usize) -> Path {
        Path(format!("{}[{i}]", self.0))
    }

    /// A map key, as the API server writes it: `metadata.labels[app]`.
    pub fn key(&self, k: &str) -> Path {
        Path(format!("{}[{k}]", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value quoted the way `field.Error` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    Str(String),
    Int(i64),
    Bool(bool),
    /// Printed as is (lists, objects).
    Raw(String),
    /// No value shown.
    Omit,
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => write!(f, "{}", go_quote(s)),
            BadValue::Int(i) => write!(f, "{i}"),
            BadValue::Bool(b) => write!(f, "{b}"),
            BadValue::Raw(s) => f.write_str(s),
            BadValue::Omit => Ok(()),
        }
    }
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        BadValue::Str(s.to_string())
    }
}

impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        BadValue::Str(s.clone())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        BadValue::Str(s)
    }
}

impl From<i64> for BadValue {
    fn from(i: i64) -> Self {
        BadValue::Int(i)
    }
}

impl From<i32> for BadValue {
    fn from(i: i32) -> Self {
        BadValue::Int(i.into())
    }
}

impl From<bool> for BadValue {
    fn from(b: bool) -> Self {
        BadValue::Bool(b)
    }
}

/// Go's `%q` for the strings the API server quotes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The kinds of `field.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid(BadValue),
    NotSupported(BadValue, Vec<String>),
    Forbidden,
    Duplicate(BadValue),
    TooLong(usize),
    TooMany(usize, usize),
    NotFound(BadValue),
}

/// One validation error: `spec.containers[0].image: Required value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldErr {
    pub path: Path,
    pub kind: ErrorType,
    pub detail: String,
}

impl FieldErr {
    pub fn required(path: Path, detail: &str) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::Required,
            detail: detail.to_string(),
        }
    }

    pub fn invalid(path: Path, value: impl Into<BadValue>, detail: &str) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::Invalid(value.into()),
            detail: detail.to_string(),
        }
    }

    pub fn not_supported(path: Path, value: impl Into<BadValue>, supported: &[&str]) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::NotSupported(
                value.into(),
                supported.iter().map(|s| s.to_string()).collect(),
            ),
            detail: String::new(),
        }
    }

    pub fn forbidden(path: Path, detail: &str) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::Forbidden,
            detail: detail.to_string(),
        }
    }

    pub fn duplicate(path: Path, value: impl Into<BadValue>) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::Duplicate(value.into()),
            detail: String::new(),
        }
    }

    pub fn too_long(path: Path, max: usize) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::TooLong(max),
            detail: String::new(),
        }
    }

    pub fn not_found(path: Path, value: impl Into<BadValue>) -> FieldErr {
        FieldErr {
            path,
            kind: ErrorType::NotFound(value.into()),
            detail: String::new(),
        }
    }
}

impl fmt::Display for FieldErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = match &self.kind {
            ErrorType::Required => "Required value".to_string(),
            ErrorType::Invalid(v) => match v {
                BadValue::Omit => "Invalid value".to_string(),
                v => format!("Invalid value: {v}"),
            },
            ErrorType::NotSupported(v, supported) => {
                let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
                if list.is_empty() {
                    format!("Unsupported value: {v}")
                } else {
                    format!(
                        "Unsupported value: {v}: supported values: {}",
                        list.join(", ")
                    )
                }
            }
            ErrorType::Forbidden => "Forbidden".to_string(),
            ErrorType::Duplicate(v) => format!("Duplicate value: {v}"),
            ErrorType::TooLong(max) => format!("Too long: may not be more than {max} bytes"),
            ErrorType::TooMany(have, max) => {
                format!("Too many: {have}: must have at most {max} items")
            }
            ErrorType::NotFound(v) => format!("Not found: {v}"),
        };
        write!(f, "{}: {body}", self.path)?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

pub type FieldErrs = Vec<FieldErr>;

const DNS1123_LABEL_MAX: usize = 63;
const DNS1123_SUBDOMAIN_MAX: usize = 253;

fn is_label_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
}

/// RFC 1123 label: lowercase alphanumerics and '-', alphanumeric at both ends.
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= DNS1123_LABEL_MAX
        && b.iter().all(|&c| is_label_char(c))
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// RFC 1123 subdomain: labels joined by dots.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= DNS1123_SUBDOMAIN_MAX && is_dns1123_subdomain_chars(s)
}

pub const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
pub const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
pub const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// Errors for a name that must be an RFC 1123 subdomain.
pub fn validate_subdomain(path: &Path, value: &str) -> FieldErrs {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(FieldErr::invalid(
            path.clone(),
            value,
            &format!("must be no more than {DNS1123_SUBDOMAIN_MAX} characters"),
        ));
    }
    if !is_dns1123_subdomain_chars(value) {
        errs.push(FieldErr::invalid(
            path.clone(),
            value,
            DNS1123_SUBDOMAIN_MSG,
        ));
    }
    errs
}

fn is_dns1123_subdomain_chars(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && b.iter().all(|&c| is_label_char(c))
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// Errors for a name that must be an RFC 1123 label.
pub fn validate_label_name(path: &Path, value: &str) -> FieldErrs {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX {
        errs.push(FieldErr::invalid(
            path.clone(),
            value,
            &format!("must be no more than {DNS1123_LABEL_MAX} characters"),
        ));
    }
    let b = value.as_bytes();
    let chars_ok = !b.is_empty()
        && b.iter().all(|&c| is_label_char(c))
        && b[0] != b'-'
        && b[b.len() - 1] != b'-';
    if !chars_ok {
        errs.push(FieldErr::invalid(path.clone(), value, DNS1123_LABEL_MSG));
    }
    errs
}

/// Errors for a name that must be an RFC 1035 label (Services).
pub fn validate_dns1035_label(path: &Path, value: &str) -> FieldErrs {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX {
        errs.push(FieldErr::invalid(
            path.clone(),
            value,
            &format!("must be no more than {DNS1123_LABEL_MAX} characters"),
        ));
    }
    let b = value.as_bytes();
    let ok = !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter().all(|&c| is_label_char(c))
        && b[b.len() - 1] != b'-';
    if !ok {
        errs.push(FieldErr::invalid(path.clone(), value, DNS1035_LABEL_MSG));
    }
    errs
}

const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn is_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// The messages of `IsQualifiedName` for a label or annotation key.
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if key.matches('/').count() > 1 {
        out.push("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string());
        return out;
    }
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".to_string());
        } else if !is_dns1123_subdomain(p) {
            out.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        out.push("name part must be no more than 63 characters".to_string());
    } else if !is_qualified_name_part(name) {
        out.push(QUALIFIED_NAME_MSG.to_string());
    }
    out
}

/// Label keys and values.
pub fn validate_labels(labels: &BTreeMap<String, String>, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    for (k, v) in labels {
        for msg in qualified_name_errors(k) {
            errs.push(FieldErr::invalid(path.clone(), k, &msg));
        }
        let vb = v.as_bytes();
        if v.len() > 63 {
            errs.push(FieldErr::invalid(
                path.key(k),
                v,
                "must be no more than 63 characters",
            ));
        }
        let value_ok = vb.is_empty()
            || (vb[0].is_ascii_alphanumeric()
                && vb[vb.len() - 1].is_ascii_alphanumeric()
                && vb
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')));
        if !value_ok {
            errs.push(FieldErr::invalid(path.key(k), v, LABEL_VALUE_MSG));
        }
    }
    errs
}

/// Annotation keys, and the total size limit.
pub fn validate_annotations(annotations: &BTreeMap<String, String>, path: &Path) -> FieldErrs {
    let mut errs = Vec::new();
    let mut total = 0;
    for (k, v) in annotations {
        for msg in qualified_name_errors(&k.to_ascii_lowercase()) {
            errs.push(FieldErr::invalid(path.clone(), k, &msg));
        }
        total += k.len() + v.len();
    }
    if total > 256 * 1024 {
        errs.push(FieldErr::too_long(path.clone(), 256 * 1024));
    }
    errs
}

/// Object metadata on create. `name_check` validates the name itself (most
/// kinds want an RFC 1123 subdomain).
pub fn validate_object_meta(
    meta: &ObjectMeta,
    namespaced: bool,
    name_check: fn(&Path, &str) -> FieldErrs,
) -> FieldErrs {
    let path = Path::root("metadata");
    let mut errs = Vec::new();
    match meta.name.as_deref() {
        None | Some("") => {
            if meta.generate_name.as_deref().unwrap_or("").is_empty() {
                errs.push(FieldErr::required(
                    path.child("name"),
                    "name or generateName is required",
                ));
            }
        }
        Some(name) => errs.extend(name_check(&path.child("name"), name)),
    }
    if namespaced {
        match meta.namespace.as_deref() {
            None | Some("") => errs.push(FieldErr::required(path.child("namespace"), "")),
            Some(ns) => errs.extend(validate_label_name(&path.child("namespace"), ns)),
        }
    } else if meta.namespace.as_deref().is_some_and(|n| !n.is_empty()) {
        errs.push(FieldErr::forbidden(
            path.child("namespace"),
            "not allowed on this type",
        ));
    }
    if let Some(g) = meta.generation {
        if g < 0 {
            errs.push(FieldErr::invalid(
                path.child("generation"),
                g,
                "must be greater than or equal to 0",
            ));
        }
    }
    errs.extend(validate_labels(&meta.labels, &path.child("labels")));
    errs.extend(validate_annotations(
        &meta.annotations,
        &path.child("annotations"),
    ));
    for (i, r) in meta.owner_references.iter().enumerate() {
        let p = path.child("ownerReferences").index(i);
        if r.api_version.is_empty() {
            errs.push(FieldErr::invalid(
                p.child("apiVersion"),
                r.api_version.as_str(),
                "version must not be empty",
            ));
        }
        if r.kind.is_empty() {
            errs.push(FieldErr::invalid(
                p.child("kind"),
                r.kind.as_str(),
                "kind must not be empty",
            ));
        }
        if r.name.is_empty() {
            errs.push(FieldErr::invalid(
                p.child("name"),
                r.name.as_str(),
                "name must not be empty",
            ));
        }
        if r.uid.is_empty() {
            errs.push(FieldErr::invalid(
                p.child("uid"),
                r.uid.as_str(),
                "uid must not be empty",
            ));
        }
    }
    if meta
        .owner_references
        .iter()
        .filter(|r| r.controller == Some(true))
        .count()
        > 1
    {
        errs.push(FieldErr::invalid(
            path.child("ownerReferences"),
            BadValue::Omit,
            "Only one reference can have Controller set to true",
        ));
    }
    errs
}

/// Metadata fields that may not change on update.
pub fn validate_object_meta_update(new: &ObjectMeta, old: &ObjectMeta) -> FieldErrs {
    let path = Path::root("metadata");
    let mut errs = Vec::new();
    let immutable = |errs: &mut FieldErrs, field: &str, a: &str, b: &str| {
        if a != b {
            errs.push(FieldErr::invalid(
                path.child(field),
                a,
                "field is immutable",
            ));
        }
    };
    immutable(&mut errs, "name", new.name(), old.name());
    immutable(&mut errs, "namespace", new.namespace(), old.namespace());
    if !new.uid().is_empty() {
        immutable(&mut errs, "uid", new.uid(), old.uid());
    }
    errs.extend(validate_labels(&new.labels, &path.child("labels")));
    errs.extend(validate_annotations(
        &new.annotations,
        &path.child("annotations"),
    ));
    errs
}

/// A non-negative integer field.
pub fn validate_nonnegative(path: &Path, v: i64) -> FieldErrs {
    if v < 0 {
        vec![FieldErr::invalid(
            path.clone(),
            v,
            "must be greater than or equal to 0",
        )]
    } else {
        Vec::new()
    }
}

/// A positive integer field.
pub fn validate_positive(path: &Path, v: i64) -> FieldErrs {
    if v <= 0 {
        vec![FieldErr::invalid(path.clone(), v, "must be greater than 0")]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_print_like_the_api_server() {
        let p = Path::root("spec").child("containers").index(0);
        let cases = [
            (
                FieldErr::required(p.child("image"), ""),
                "spec.containers[0].image: Required value",
            ),
            (
                FieldErr::not_supported(
                    Path::root("spec").child("restartPolicy"),
                    "Sometimes",
                    &["Always", "Never", "OnFailure"],
                ),
                "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\"",
            ),
            (
                FieldErr::duplicate(p.child("name"), "nginx"),
                "spec.containers[0].name: Duplicate value: \"nginx\"",
            ),
            (
                FieldErr::invalid(Path::root("spec").child("replicas"), -1, "must be greater than or equal to 0"),
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn dns_names() {
        for good in ["a", "web-0", "my.name", "123-abc"] {
            assert!(is_dns1123_subdomain(good), "{good}");
        }
        for bad in ["", "Bad_Name", "-a", "a-", "a..b", "UPPER"] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
        assert!(is_dns1123_label("web-0"));
        assert!(!is_dns1123_label("a.b"));
        let errs = validate_subdomain(&Path::root("metadata").child("name"), "Bad_Name");
        assert_eq!(
            errs[0].to_string(),
            format!("metadata.name: Invalid value: \"Bad_Name\": {DNS1123_SUBDOMAIN_MSG}")
        );
    }

    #[test]
    fn label_keys_and_values() {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        labels.insert("example.com/tier".to_string(), "front_end".to_string());
        assert!(validate_labels(&labels, &Path::root("metadata").child("labels")).is_empty());
        labels.insert("bad key".to_string(), "-x".to_string());
        let errs = validate_labels(&labels, &Path::root("metadata").child("labels"));
        assert_eq!(errs.len(), 2);
    }
}
