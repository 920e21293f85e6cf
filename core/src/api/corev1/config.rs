//! core/v1 Namespace, ConfigMap, Secret and ServiceAccount.

use std::collections::BTreeMap;

use podlab_macros::Api;

use super::pod::LocalObjectReference;
use super::service::ObjectReference;
use crate::api::codec::{Decode, DecodeCx, Encode, Schema, TypeInfo};
use crate::api::meta::ObjectMeta;
use crate::api::resource::{Resource, ResourceInfo, VERBS_ALL};
use crate::api::validation::*;
use crate::impl_meta;
use crate::syntax::{Node, NodeKind};
use crate::value::Value;

/// A scope for names.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Namespace")]
pub struct Namespace {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Behaviour of the namespace.
    pub spec: NamespaceSpec,
    /// Observed status of the namespace.
    pub status: NamespaceStatus,
}

/// Namespace finalizers.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NamespaceSpec {
    /// Finalizers that must be cleared before the namespace is removed.
    pub finalizers: Vec<String>,
}

/// Phase of a namespace.
#[derive(Api, Clone, Debug, Default, PartialEq)]
pub struct NamespaceStatus {
    /// Active or Terminating.
    #[api(omitempty)]
    pub phase: String,
    /// Conditions of the namespace.
    pub conditions: Vec<Value>,
}

pub static NAMESPACE_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Namespace",
    plural: "namespaces",
    singular: "namespace",
    short_names: &["ns"],
    namespaced: false,
    categories: &[],
    verbs: &[
        "create", "delete", "get", "list", "patch", "update", "watch",
    ],
};

impl Resource for Namespace {
    const INFO: &'static ResourceInfo = &NAMESPACE_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        self.metadata.labels.insert(
            "kubernetes.io/metadata.name".to_string(),
            self.metadata.name().to_string(),
        );
    }

    fn prepare_for_create(&mut self) {
        self.status = NamespaceStatus {
            phase: "Active".to_string(),
            conditions: Vec::new(),
        };
        if !self.spec.finalizers.iter().any(|f| f == "kubernetes") {
            self.spec.finalizers.push("kubernetes".to_string());
        }
    }

    fn prepare_for_update(&mut self, old: &Self) {
        self.status = old.status.clone();
        self.spec = old.spec.clone();
    }

    fn validate(&self) -> FieldErrs {
        validate_object_meta(&self.metadata, false, validate_label_name)
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        validate_object_meta_update(&self.metadata, &old.metadata)
    }
}

/// Configuration data as key/value pairs.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/ConfigMap")]
pub struct ConfigMap {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// If true, the data cannot be changed.
    pub immutable: Option<bool>,
    /// UTF-8 configuration data.
    pub data: BTreeMap<String, String>,
    /// Binary configuration data, base64-encoded.
    pub binary_data: BTreeMap<String, Bytes>,
}

pub static CONFIGMAP_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "ConfigMap",
    plural: "configmaps",
    singular: "configmap",
    short_names: &["cm"],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

fn validate_config_keys<'a>(
    keys: impl Iterator<Item = &'a String>,
    path: &Path,
    errs: &mut FieldErrs,
) {
    for k in keys {
        let ok = !k.is_empty()
            && k.len() <= 253
            && k.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && k != "."
            && k != ".."
            && !k.starts_with("..");
        if !ok {
            let msg = if k == "." || k == ".." || k.starts_with("..") {
                "must not be '.' or '..'  or start with '..'"
            } else {
                CONFIG_KEY_MSG
            };
            errs.push(FieldErr::invalid(path.clone(), k.as_str(), msg));
        }
    }
}

impl Resource for ConfigMap {
    const INFO: &'static ResourceInfo = &CONFIGMAP_INFO;
    impl_meta!();

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        validate_config_keys(self.data.keys(), &Path::root("data"), &mut errs);
        validate_config_keys(
            self.binary_data.keys(),
            &Path::root("binaryData"),
            &mut errs,
        );
        for k in self.data.keys() {
            if self.binary_data.contains_key(k) {
                errs.push(FieldErr::invalid(
                    Path::root("data"),
                    k.as_str(),
                    "duplicate of key present in binaryData",
                ));
            }
        }
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        if old.immutable == Some(true) {
            if self.immutable != Some(true) {
                errs.push(FieldErr::forbidden(
                    Path::root("immutable"),
                    "field is immutable when `immutable` is set",
                ));
            }
            if self.data != old.data {
                errs.push(FieldErr::forbidden(
                    Path::root("data"),
                    "field is immutable when `immutable` is set",
                ));
            }
            if self.binary_data != old.binary_data {
                errs.push(FieldErr::forbidden(
                    Path::root("binaryData"),
                    "field is immutable when `immutable` is set",
                ));
            }
        }
        validate_config_keys(self.data.keys(), &Path::root("data"), &mut errs);
        errs
    }
}

/// Bytes that travel as base64 (`map[string][]byte`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Decode for Bytes {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Str(s) => match base64_decode(s) {
                Ok(b) => Bytes(b),
                Err(pos) => {
                    cx.custom_error(node, format!("illegal base64 data at input byte {pos}"));
                    Bytes::default()
                }
            },
            NodeKind::Null => Bytes::default(),
            _ => {
                cx.type_error(node, &Self::type_info());
                Bytes::default()
            }
        }
    }
}

impl Encode for Bytes {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::String(base64_encode(&self.0))
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Schema for Bytes {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "[]uint8",
            explain: "string",
            values: &[],
        }
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 with padding; `Err(byte offset)` like Go's decoder.
pub fn base64_decode(s: &str) -> Result<Vec<u8>, usize> {
    let bytes = s.as_bytes();
    if bytes.len() % 4 != 0 {
        // Go reports the offset where the input runs short.
        return Err(bytes.len() / 4 * 4);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut n: u32 = 0;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if i >= 2 && ci == bytes.len() / 4 - 1 => {
                    pad += 1;
                    0
                }
                _ => return Err(ci * 4 + i),
            };
            if pad > 0 && c != b'=' {
                return Err(ci * 4 + i);
            }
            n = (n << 6) | u32::from(v);
        }
        out.push((n >> 16) as u8);
        if pad < 2 {
            out.push((n >> 8) as u8);
        }
        if pad < 1 {
            out.push(n as u8);
        }
    }
    Ok(out)
}

/// Sensitive data such as passwords and tokens.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/Secret")]
pub struct Secret {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// If true, the data cannot be changed.
    pub immutable: Option<bool>,
    /// Secret data, base64-encoded.
    pub data: BTreeMap<String, Bytes>,
    /// Write-only convenience: plain strings merged into data on write.
    pub string_data: BTreeMap<String, String>,
    /// Opaque (default), kubernetes.io/tls, kubernetes.io/dockerconfigjson, …
    #[api(rename = "type", omitempty)]
    pub type_: String,
}

pub static SECRET_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "Secret",
    plural: "secrets",
    singular: "secret",
    short_names: &[],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Resource for Secret {
    const INFO: &'static ResourceInfo = &SECRET_INFO;
    impl_meta!();

    fn set_defaults(&mut self) {
        if self.type_.is_empty() {
            self.type_ = "Opaque".to_string();
        }
        // stringData is write-only: the API server folds it into data.
        let string_data = std::mem::take(&mut self.string_data);
        for (k, v) in string_data {
            self.data.insert(k, Bytes(v.into_bytes()));
        }
    }

    fn validate(&self) -> FieldErrs {
        let mut errs = validate_object_meta(&self.metadata, true, validate_subdomain);
        validate_config_keys(self.data.keys(), &Path::root("data"), &mut errs);
        errs
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        let mut errs = validate_object_meta_update(&self.metadata, &old.metadata);
        if self.type_ != old.type_ {
            errs.push(FieldErr::invalid(
                Path::root("type"),
                self.type_.as_str(),
                "field is immutable",
            ));
        }
        if old.immutable == Some(true) && self.data != old.data {
            errs.push(FieldErr::forbidden(
                Path::root("data"),
                "field is immutable when `immutable` is set",
            ));
        }
        errs
    }
}

/// An identity for processes in pods.
#[derive(Api, Clone, Debug, Default, PartialEq)]
#[api(object = "v1/ServiceAccount")]
pub struct ServiceAccount {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// Secrets pods running as this account may use.
    pub secrets: Vec<ObjectReference>,
    /// Secrets used to pull images for pods of this account.
    pub image_pull_secrets: Vec<LocalObjectReference>,
    /// Whether pods of this account get a token mounted.
    pub automount_service_account_token: Option<bool>,
}

pub static SERVICEACCOUNT_INFO: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    singular: "serviceaccount",
    short_names: &["sa"],
    namespaced: true,
    categories: &[],
    verbs: VERBS_ALL,
};

impl Resource for ServiceAccount {
    const INFO: &'static ResourceInfo = &SERVICEACCOUNT_INFO;
    impl_meta!();

    fn validate(&self) -> FieldErrs {
        validate_object_meta(&self.metadata, true, validate_subdomain)
    }

    fn validate_update(&self, old: &Self) -> FieldErrs {
        validate_object_meta_update(&self.metadata, &old.metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"admin", "YWRtaW4="),
            (b"1f2d1e2e67df", "MWYyZDFlMmU2N2Rm"),
        ];
        for (raw, enc) in cases {
            assert_eq!(base64_encode(raw), *enc);
            assert_eq!(base64_decode(enc).as_deref(), Ok(*raw));
        }
        assert_eq!(base64_decode("abc"), Err(0));
        assert_eq!(base64_decode("ab!d"), Err(2));
    }
}
