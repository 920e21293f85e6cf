//! `kubectl apply` (client-side): the last-applied annotation it records,
//! the three-way patch it sends for an object that already exists, and the
//! object the server makes of it.
//!
//! The manifest given here is the object as kubectl holds it after reading
//! the file, with the namespace kubectl fills in (`metadata.namespace` set to
//! the request namespace for namespaced kinds) already applied.

use super::schema::schema_for;
use super::{merge_patch, strategic, PatchError};
use crate::value::{Map, Value};

/// The annotation that records what was last applied.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The patch types `kubectl apply` sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/strategic-merge-patch+json`, for the built-in kinds.
    Strategic,
    /// `application/merge-patch+json`, for kinds without a strategic schema.
    Merge,
}

impl PatchType {
    /// The request's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Merge => "application/merge-patch+json",
        }
    }
}

/// What kubectl prints after the object's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The patch was `{}`: kubectl sends nothing and prints `unchanged`.
    Unchanged,
    /// kubectl sent the patch and prints `configured`.
    Configured,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Configured => "configured",
        }
    }
}

/// `kubectl apply` against an existing object.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub patch_type: PatchType,
    /// The patch kubectl sends (`{}` when unchanged, and then not sent).
    pub patch: Value,
    pub outcome: Outcome,
    /// The live object with the patch applied, as the server computes it
    /// before defaulting, validation and its own metadata updates; the live
    /// object itself when unchanged.
    pub result: Value,
}

/// The annotation value kubectl records for a manifest: the manifest
/// without that annotation, as compact JSON with a trailing newline (Go's
/// `json.Encoder`). A manifest without annotations is recorded with an
/// empty `annotations` object, as kubectl does.
pub fn last_applied_configuration(manifest: &Value) -> String {
    let mut obj = manifest.clone();
    let mut annotations = string_annotations(&obj);
    annotations.remove(LAST_APPLIED_ANNOTATION);
    set_annotations(&mut obj, annotations);
    encode(&obj)
}

/// The manifest carrying its own last-applied annotation: what `kubectl
/// apply` creates when the object does not exist yet, and the "modified"
/// side of its three-way patch when it does.
pub fn with_last_applied(manifest: &Value) -> Value {
    let recorded = last_applied_configuration(manifest);
    let mut obj = manifest.clone();
    let mut annotations = string_annotations(&obj);
    annotations.insert(LAST_APPLIED_ANNOTATION.to_string(), Value::String(recorded));
    set_annotations(&mut obj, annotations);
    obj
}

/// The configuration last applied to a live object, from its annotation;
/// `None` when there is none (or it is empty).
pub fn original_configuration(live: &Value) -> Result<Option<Value>, PatchError> {
    let annotations = string_annotations(live);
    let Some(Value::String(text)) = annotations.get(LAST_APPLIED_ANNOTATION) else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    match decode(text) {
        Some(Value::Null) => Ok(Some(Value::Object(Map::new()))),
        Some(v @ Value::Object(_)) => Ok(Some(v)),
        _ => Err(PatchError::bad_request("invalid JSON document")),
    }
}

/// What `kubectl apply` sends for `manifest` when `live` exists, and what
/// the server stores. `kind` picks the strategic schema; kinds without one
/// get a JSON merge patch, as kubectl sends for custom resources.
pub fn plan(kind: &str, manifest: &Value, live: &Value) -> Result<Plan, PatchError> {
    plan_with_overwrite(kind, manifest, live, true)
}

/// [`plan`] with `--overwrite` spelled out (kubectl's default is `true`).
pub fn plan_with_overwrite(
    kind: &str,
    manifest: &Value,
    live: &Value,
    overwrite: bool,
) -> Result<Plan, PatchError> {
    // kubectl hands JSON bytes to the patch code, so every document passes
    // through an encode and decode first (whole floats become integers).
    let modified = round_trip(&with_last_applied(manifest));
    let current = round_trip(live);
    let original = original_configuration(live)?;

    let (patch_type, patch) = match schema_for(kind) {
        Some(schema) => (
            PatchType::Strategic,
            strategic::three_way(schema, original.as_ref(), &modified, &current, overwrite)?,
        ),
        None => {
            let patch = merge_patch::three_way(original.as_ref(), &modified, &current)?;
            if changes_identity(&patch) {
                return Err(PatchError::failed(
                    "At least one of apiVersion, kind and name was changed",
                ));
            }
            (PatchType::Merge, patch)
        }
    };

    let unchanged = patch.as_object().is_some_and(Map::is_empty);
    if unchanged {
        return Ok(Plan {
            patch_type,
            patch,
            outcome: Outcome::Unchanged,
            result: live.clone(),
        });
    }
    let result = match (patch_type, schema_for(kind)) {
        (PatchType::Strategic, Some(schema)) => strategic::apply(schema, live, &patch)?,
        _ => merge_patch::apply(live, &patch)?,
    };
    Ok(Plan {
        patch_type,
        patch,
        outcome: Outcome::Configured,
        result,
    })
}

/// The warning kubectl prints before patching an object that has no
/// last-applied annotation (`object_name` as in `pods/web`).
pub fn missing_annotation_warning(object_name: &str) -> String {
    format!(
        "Warning: resource {object_name} is missing the {LAST_APPLIED_ANNOTATION} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n"
    )
}

/// The preconditions kubectl sets on merge patches: the patch may not
/// change `apiVersion`, `kind` or `metadata.name`.
fn changes_identity(patch: &Value) -> bool {
    patch.get("apiVersion").is_some()
        || patch.get("kind").is_some()
        || patch
            .get("metadata")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key("name"))
}

/// `metadata.annotations` as kubectl's unstructured accessor reads it: a
/// map of strings, or nothing when it is anything else.
fn string_annotations(obj: &Value) -> Map {
    match obj.pointer("metadata.annotations") {
        Some(Value::Object(m)) if m.values().all(|v| matches!(v, Value::String(_))) => m.clone(),
        _ => Map::new(),
    }
}

fn set_annotations(obj: &mut Value, annotations: Map) {
    if !matches!(obj, Value::Object(_)) {
        *obj = Value::object();
    }
    let Some(root) = obj.as_object_mut() else {
        return;
    };
    let metadata = root
        .entry("metadata".to_string())
        .or_insert_with(Value::object);
    if !matches!(metadata, Value::Object(_)) {
        return;
    }
    if let Some(m) = metadata.as_object_mut() {
        m.insert("annotations".to_string(), Value::Object(annotations));
    }
}

/// Go's `json.NewEncoder(w).Encode(v)`.
fn encode(v: &Value) -> String {
    let mut s = v.to_json();
    s.push('\n');
    s
}

/// Go's `json.Unmarshal` of a whole document (only JSON is accepted).
fn decode(text: &str) -> Option<Value> {
    let trimmed = text.trim_matches([' ', '\t', '\n', '\r']);
    if trimmed == "null" {
        return Some(Value::Null);
    }
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    crate::syntax::parse_value(text).ok().map(|n| n.to_value())
}

fn round_trip(v: &Value) -> Value {
    decode(&v.to_json()).unwrap_or_else(|| v.clone())
}
