//! Strategic merge patch: the API server's default patch type and the
//! format `kubectl apply` computes.
//!
//! A strategic merge patch is a JSON merge patch whose lists may merge
//! element by element instead of being replaced. The [`schema`] says which
//! lists merge and by which key; directives inside the patch refine it:
//!
//! - `$patch: replace` / `$patch: delete` on an object or list element;
//! - `$retainKeys: [...]`, the only keys an object keeps;
//! - `$deleteFromPrimitiveList/<field>: [...]`, scalars to drop from a list;
//! - `$setElementOrder/<field>: [...]`, the order of a merged list.
//!
//! This is apimachinery's `pkg/util/strategicpatch`, step for step,
//! including its ordering rules and error texts. Go visits map keys in
//! random order; here they are visited in sorted order, which gives one of
//! the results Go can give wherever the order could show.
//!
//! [`schema`]: super::schema

use super::schema::{PatchMeta, Schema, Strategy, Type};
use super::{check_depth, go_s, go_type_name, go_v, same_go_type, PatchError, PatchErrorKind};
use crate::kubectl::printers::gofmt;
use crate::util::sort;
use crate::value::{Map, Value};

const DIRECTIVE_MARKER: &str = "$patch";
const DELETE_DIRECTIVE: &str = "delete";
const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

type Ty = &'static Type;

/// Applies a strategic merge patch to an object, as the API server does for
/// `PATCH` with `application/strategic-merge-patch+json`
/// (`StrategicMergeMapPatch`). Nulls in the patch delete; nulls for keys the
/// object lacks are dropped.
pub fn apply(schema: &Schema, original: &Value, patch: &Value) -> Result<Value, PatchError> {
    let original = match original {
        Value::Object(m) => m.clone(),
        Value::Null => Map::new(),
        other => return Err(bad_json_doc(other)),
    };
    let patch = match patch {
        Value::Object(m) => m.clone(),
        // Decoding `null` into a map leaves it empty.
        Value::Null => Map::new(),
        other => {
            return Err(PatchError::bad_request(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                other.json_type_name()
            )))
        }
    };
    let options = MergeOptions {
        merge_parallel_list: true,
        ignore_unmatched_nulls: true,
    };
    merge_map(original, patch, schema.root, options, 0).map(Value::Object)
}

/// The patch that turns `original` into `modified` (`CreateTwoWayMergePatch`),
/// as `kubectl set image`, `rollout pause/resume/restart` and `edit` send it.
pub fn two_way(schema: &Schema, original: &Value, modified: &Value) -> Result<Value, PatchError> {
    let options = DiffOptions {
        set_element_order: true,
        ..DiffOptions::default()
    };
    diff_maps(
        as_document(original)?,
        as_document(modified)?,
        schema.root,
        options,
        0,
    )
    .map(Value::Object)
}

/// The three-way patch `kubectl apply` sends (`CreateThreeWayMergePatch`):
/// every change from `current` (the live object) to `modified` (the new
/// manifest) except deletions, plus the deletions from `original` (the
/// last-applied configuration) to `modified`. Fields set by others, that
/// the user never applied, are left alone.
///
/// With `overwrite` false (`kubectl apply --overwrite=false`) a patch that
/// touches anything changed in the live object since `original` is a
/// [`PatchErrorKind::Conflict`].
pub fn three_way(
    schema: &Schema,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
    overwrite: bool,
) -> Result<Value, PatchError> {
    let empty = Map::new();
    let original = match original {
        Some(v) => as_document(v)?,
        None => &empty,
    };
    let modified = as_document(modified)?;
    let current = as_document(current)?;
    let ty = schema.root;

    let delta = diff_maps(
        current,
        modified,
        ty,
        DiffOptions {
            ignore_deletions: true,
            set_element_order: true,
            ..DiffOptions::default()
        },
        0,
    )?;
    let deletions = diff_maps(
        original,
        modified,
        ty,
        DiffOptions {
            set_element_order: true,
            ignore_changes_and_additions: true,
            ..DiffOptions::default()
        },
        0,
    )?;
    let patch = merge_map(deletions, delta, ty, MergeOptions::default(), 0)?;

    if !overwrite {
        let changed = diff_maps(original, current, ty, DiffOptions::default(), 0)?;
        if maps_have_conflicts(&patch, &changed, ty, 0)? {
            let yaml = |m: &Map| crate::syntax::to_yaml(&Value::Object(m.clone()));
            return Err(PatchError::new(
                PatchErrorKind::Conflict,
                format!(
                    "patch:\n{}\nconflicts with changes made from original to current:\n{}\n",
                    yaml(&patch),
                    yaml(&changed)
                ),
            ));
        }
    }
    Ok(Value::Object(patch))
}

fn as_document(v: &Value) -> Result<&Map, PatchError> {
    static EMPTY: Map = Map::new();
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(&EMPTY),
        other => Err(bad_json_doc(other)),
    }
}

fn bad_json_doc(_: &Value) -> PatchError {
    PatchError::bad_request("invalid JSON document")
}

// ---- errors, as apimachinery's mergepatch package words them ----

fn map_v(m: &Map) -> String {
    gofmt::sprint(&[gofmt::Arg::Map(m)])
}

fn err_no_merge_key(m: &Map, key: &str) -> PatchError {
    PatchError::failed(format!(
        "map: {} does not contain declared merge key: {key}",
        map_v(m)
    ))
}

/// `ErrBadArgType`: what was expected, and the Go type of what came.
fn err_bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    let actual = match actual {
        Value::Null => "%!s(<nil>)",
        v => go_type_name(v),
    };
    PatchError::failed(format!("expected a {expected}, but received a {actual}"))
}

const MAP_TYPE: &str = "map[string]interface {}";
const SLICE_TYPE: &str = "[]interface {}";

fn err_bad_patch_type(directive: &Value, m: &Map) -> PatchError {
    PatchError::failed(format!(
        "unknown patch type: {} in map: {}",
        go_s(directive),
        map_v(m)
    ))
}

fn err_no_list_of_lists() -> PatchError {
    PatchError::unprocessable("lists of lists are not supported")
}

fn err_primitive_list_format() -> PatchError {
    PatchError::bad_request("invalid patch format of primitive list")
}

fn err_retain_keys_format() -> PatchError {
    PatchError::bad_request("invalid patch format of retainKeys")
}

fn err_set_element_order_format() -> PatchError {
    PatchError::bad_request("invalid patch format of setElementOrder list")
}

// ---- metadata lookups ----

fn lookup_struct(ty: Ty, key: &str) -> Result<(Ty, PatchMeta), PatchError> {
    ty.field(key).map_err(PatchError::failed)
}

fn lookup_slice(ty: Ty, key: &str) -> Result<(Ty, PatchMeta), PatchError> {
    ty.list_field(key).map_err(PatchError::failed)
}

fn is_merge(meta: PatchMeta) -> bool {
    meta.strategy == Some(Strategy::Merge)
}

fn is_replace(meta: PatchMeta) -> bool {
    meta.strategy == Some(Strategy::Replace)
}

// ---- diff ----

#[derive(Clone, Copy, Debug, Default)]
struct DiffOptions {
    /// Emit `$setElementOrder` lists.
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    /// Emit a `$retainKeys` list for this object.
    build_retain_keys: bool,
}

/// `diffMaps`: the patch from `original` to `modified`.
fn diff_maps(
    original: &Map,
    modified: &Map,
    ty: Ty,
    options: DiffOptions,
    depth: usize,
) -> Result<Map, PatchError> {
    check_depth(depth)?;
    let mut patch = Map::new();
    let mut retain_keys = Vec::new();

    for (key, modified_value) in modified {
        if options.build_retain_keys && !modified_value.is_null() {
            retain_keys.push(Value::String(key.clone()));
        }
        let Some(original_value) = original.get(key) else {
            if !options.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        };
        if key == DIRECTIVE_MARKER {
            match (original_value, modified_value) {
                (Value::String(o), Value::String(m)) => {
                    if o != m {
                        patch.insert(key.clone(), modified_value.clone());
                    }
                    continue;
                }
                _ => return Err(PatchError::failed("invalid value for special key: $patch")),
            }
        }
        if !same_go_type(original_value, modified_value) {
            if !options.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        match (original_value, modified_value) {
            (Value::Object(o), Value::Object(m)) => {
                handle_map_diff(key, o, m, &mut patch, ty, options, depth)?
            }
            (Value::Array(o), Value::Array(m)) => {
                handle_slice_diff(key, o, m, &mut patch, ty, options, depth)?
            }
            _ => replace_if_not_equal(key, original_value, modified_value, &mut patch, options),
        }
    }

    if !options.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let has_additional_field = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain_keys.is_empty() && (!patch.is_empty() || has_additional_field) {
        patch.insert(
            RETAIN_KEYS_DIRECTIVE.to_string(),
            Value::Array(sort_scalars(retain_keys)),
        );
    }
    Ok(patch)
}

fn handle_map_diff(
    key: &str,
    original: &Map,
    modified: &Map,
    patch: &mut Map,
    ty: Ty,
    mut options: DiffOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let (sub, meta) = match lookup_struct(ty, key) {
        Ok(found) => found,
        // Without metadata, identical values still need no patch.
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    options.build_retain_keys = meta.retain_keys;
    if is_replace(meta) {
        if !options.ignore_changes_and_additions {
            patch.insert(key.to_string(), Value::Object(modified.clone()));
        }
        return Ok(());
    }
    let value = diff_maps(original, modified, sub, options, depth + 1)?;
    if !value.is_empty() {
        patch.insert(key.to_string(), Value::Object(value));
    }
    Ok(())
}

fn handle_slice_diff(
    key: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map,
    ty: Ty,
    mut options: DiffOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let (sub, meta) = match lookup_slice(ty, key) {
        Ok(found) => found,
        Err(_) if original == modified => return Ok(()),
        Err(e) => return Err(e),
    };
    if !is_merge(meta) {
        if !options.ignore_changes_and_additions && original != modified {
            patch.insert(key.to_string(), Value::Array(modified.to_vec()));
        }
        return Ok(());
    }
    options.build_retain_keys = meta.retain_keys;
    let lists = diff_lists(original, modified, sub, meta.merge_key, options, depth)?;
    if !lists.patch.is_empty() {
        patch.insert(key.to_string(), Value::Array(lists.patch));
    }
    if !lists.deletions.is_empty() {
        patch.insert(
            format!("{DELETE_FROM_PRIMITIVE_LIST_PREFIX}/{key}"),
            Value::Array(lists.deletions),
        );
    }
    if !lists.order.is_empty() {
        patch.insert(
            format!("{SET_ELEMENT_ORDER_PREFIX}/{key}"),
            Value::Array(lists.order),
        );
    }
    Ok(())
}

fn replace_if_not_equal(
    key: &str,
    original: &Value,
    modified: &Value,
    patch: &mut Map,
    options: DiffOptions,
) {
    if options.ignore_changes_and_additions || original == modified {
        return;
    }
    patch.insert(key.to_string(), modified.clone());
}

/// The three parallel lists a merging list diff yields.
#[derive(Default)]
struct ListDiff {
    /// Added and changed elements (and, for objects, delete directives).
    patch: Vec<Value>,
    /// Scalars to delete (`$deleteFromPrimitiveList`).
    deletions: Vec<Value>,
    /// The new order (`$setElementOrder`).
    order: Vec<Value>,
}

/// What the elements of some lists are, as far as merging cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ElemKind {
    Map,
    Scalar,
}

fn diff_lists(
    original: &[Value],
    modified: &[Value],
    ty: Ty,
    merge_key: &str,
    options: DiffOptions,
    depth: usize,
) -> Result<ListDiff, PatchError> {
    if original.is_empty() {
        if modified.is_empty() || options.ignore_changes_and_additions {
            return Ok(ListDiff::default());
        }
        return Ok(ListDiff {
            patch: modified.to_vec(),
            ..ListDiff::default()
        });
    }
    let kind = slice_element_kind(&[original, modified])?;
    let mut diff = ListDiff::default();
    match kind {
        ElemKind::Map => {
            let (patch, deletions) =
                diff_lists_of_maps(original, modified, ty, merge_key, options, depth)?;
            let mut patch = normalize_slice_order(patch, modified, merge_key, kind)?;
            let order_same = is_order_same(original, modified, merge_key)?;
            patch.extend(deletions);
            let changed = !patch.is_empty();
            if options.set_element_order
                && ((!options.ignore_changes_and_additions && (changed || !order_same))
                    || (!options.ignore_deletions && changed))
            {
                diff.order = modified
                    .iter()
                    .map(|v| {
                        let mut m = Map::new();
                        let value = v.get(merge_key).cloned().unwrap_or(Value::Null);
                        m.insert(merge_key.to_string(), value);
                        Value::Object(m)
                    })
                    .collect();
            }
            diff.patch = patch;
        }
        ElemKind::Scalar => {
            let (patch, deletions) = diff_lists_of_scalars(original, modified, options);
            diff.patch = normalize_slice_order(patch, modified, merge_key, kind)?;
            // The Go code sorts `original` in place before comparing it with
            // `modified`, so an unsorted list always counts as reordered.
            let sorted_original = sort_scalars(original.to_vec());
            if options.set_element_order
                && ((!options.ignore_deletions && !deletions.is_empty())
                    || (!options.ignore_changes_and_additions && sorted_original != modified))
            {
                diff.order = modified.to_vec();
            }
            diff.deletions = deletions;
        }
    }
    Ok(diff)
}

fn is_order_same(original: &[Value], modified: &[Value], key: &str) -> Result<bool, PatchError> {
    if original.len() != modified.len() {
        return Ok(false);
    }
    for (o, m) in original.iter().zip(modified) {
        if !merge_key_value_equal(o, m, key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    options: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let original = sort_scalars(original.to_vec());
    let modified = sort_scalars(modified.to_vec());
    let mut add = Vec::new();
    let mut delete = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        match (original.get(i), modified.get(j)) {
            (None, None) => break,
            (Some(o), Some(m)) if go_v(o) == go_v(m) => {
                i += 1;
                j += 1;
            }
            (Some(o), Some(m)) if go_v(o) > go_v(m) => {
                if !options.ignore_changes_and_additions {
                    add.push(m.clone());
                }
                j += 1;
            }
            (None, Some(m)) => {
                if !options.ignore_changes_and_additions {
                    add.push(m.clone());
                }
                j += 1;
            }
            (Some(o), _) => {
                if !options.ignore_deletions {
                    delete.push(o.clone());
                }
                i += 1;
            }
        }
    }
    (add, deduplicate_scalars(delete))
}

fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    ty: Ty,
    key: &str,
    options: DiffOptions,
    depth: usize,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let original = sort_maps_by_merge_key(original, key)?;
    let modified = sort_maps_by_merge_key(modified, key)?;
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let o = original
            .get(i)
            .map(|v| map_and_key_value(v, key))
            .transpose()?;
        let m = modified
            .get(j)
            .map(|v| map_and_key_value(v, key))
            .transpose()?;
        match (o, m) {
            (None, None) => break,
            (Some((om, ok)), Some((mm, mk))) if go_v(ok) == go_v(mk) => {
                let mut value = diff_maps(om, mm, ty, options, depth + 1)?;
                if !value.is_empty() {
                    value.insert(key.to_string(), mk.clone());
                    patch.push(Value::Object(value));
                }
                i += 1;
                j += 1;
            }
            (Some((_, ok)), Some((mm, mk))) if go_v(ok) > go_v(mk) => {
                if !options.ignore_changes_and_additions {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
            (None, Some((mm, _))) => {
                if !options.ignore_changes_and_additions {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
            (Some((_, ok)), _) => {
                if !options.ignore_deletions {
                    deletions.push(delete_directive(key, ok));
                }
                i += 1;
            }
        }
    }
    Ok((patch, deletions))
}

fn map_and_key_value<'a>(v: &'a Value, key: &str) -> Result<(&'a Map, &'a Value), PatchError> {
    let Value::Object(m) = v else {
        return Err(err_bad_arg_type(MAP_TYPE, v));
    };
    match m.get(key) {
        Some(k) => Ok((m, k)),
        None => Err(err_no_merge_key(m, key)),
    }
}

fn delete_directive(key: &str, value: &Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_string(), value.clone());
    m.insert(DIRECTIVE_MARKER.to_string(), DELETE_DIRECTIVE.into());
    Value::Object(m)
}

// ---- merge ----

#[derive(Clone, Copy, Debug, Default)]
struct MergeOptions {
    /// Apply `$deleteFromPrimitiveList` lists (server side) instead of
    /// carrying them along (when combining two patches).
    merge_parallel_list: bool,
    /// Drop nulls for keys the original lacks instead of keeping them.
    ignore_unmatched_nulls: bool,
}

/// `mergeMap`: `patch` merged into `original`.
fn merge_map(
    mut original: Map,
    mut patch: Map,
    ty: Ty,
    options: MergeOptions,
    depth: usize,
) -> Result<Map, PatchError> {
    check_depth(depth)?;
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return match directive.as_str() {
            Some(REPLACE_DIRECTIVE) => {
                patch.remove(DIRECTIVE_MARKER);
                Ok(patch)
            }
            Some(DELETE_DIRECTIVE) => Ok(Map::new()),
            _ => Err(err_bad_patch_type(directive, &patch)),
        };
    }

    apply_retain_keys_directive(&mut original, &mut patch, options)?;
    merge_patch_into_original(&mut original, &mut patch, ty, options, depth)?;

    for (key, patch_value) in patch {
        let mut key = key;
        let mut is_delete_list = false;
        if key.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
            if !options.merge_parallel_list {
                original.insert(key, patch_value);
                continue;
            }
            key = extract_key(&key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)?;
            is_delete_list = true;
        }

        if patch_value.is_null() {
            original.remove(&key);
            if options.ignore_unmatched_nulls {
                continue;
            }
        }

        let existing = original.get(&key);
        let same_type = existing.is_some_and(|o| same_go_type(o, &patch_value));
        if !same_type {
            if !is_delete_list {
                let mut value = patch_value;
                if options.ignore_unmatched_nulls {
                    discard_null_values(&mut value, depth)?;
                }
                match remove_directives(value, depth)? {
                    Some(v) => {
                        original.insert(key, v);
                    }
                    None => {
                        original.remove(&key);
                    }
                }
            }
            continue;
        }

        let Some(existing) = original.remove(&key) else {
            continue;
        };
        let merged = match (existing, patch_value) {
            (Value::Object(o), Value::Object(p)) => {
                let (sub, meta) = lookup_struct(ty, &key)?;
                if is_replace(meta) {
                    Some(Value::Object(p))
                } else {
                    Some(Value::Object(merge_map(o, p, sub, options, depth + 1)?))
                }
            }
            (Value::Array(o), Value::Array(p)) => {
                let (sub, meta) = lookup_slice(ty, &key)?;
                Some(Value::Array(merge_slice_handler(
                    o,
                    p,
                    sub,
                    meta,
                    is_delete_list,
                    options,
                    depth,
                )?))
            }
            (_, p) => remove_directives(p, depth)?,
        };
        if let Some(v) = merged {
            original.insert(key, v);
        }
    }
    Ok(original)
}

/// Removes nulls from a value that is added whole, so that they do not
/// reach the stored object.
fn discard_null_values(v: &mut Value, depth: usize) -> Result<(), PatchError> {
    check_depth(depth)?;
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            for v in m.values_mut() {
                discard_null_values(v, depth + 1)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                discard_null_values(v, depth + 1)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Strips `$patch` directives from a value that is added whole: an object
/// carrying one is dropped (`None`), and so are such list elements.
fn remove_directives(v: Value, depth: usize) -> Result<Option<Value>, PatchError> {
    check_depth(depth)?;
    Ok(match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE_MARKER) {
                return Ok(None);
            }
            let mut kept = Map::new();
            for (k, v) in m {
                if let Some(v) = remove_directives(v, depth + 1)? {
                    kept.insert(k, v);
                }
            }
            Some(Value::Object(kept))
        }
        Value::Array(items) => {
            let mut kept = Vec::with_capacity(items.len());
            for v in items {
                kept.extend(remove_directives(v, depth + 1)?);
            }
            Some(Value::Array(kept))
        }
        other => Some(other),
    })
}

fn extract_key(s: &str, prefix: &str) -> Result<String, PatchError> {
    match s.split_once('/') {
        Some((head, rest)) if head == prefix => Ok(rest.to_string()),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX => Err(err_primitive_list_format()),
        _ => Err(err_set_element_order_format()),
    }
}

/// `applyRetainKeysDirective`: on the server, drops every key of `original`
/// the `$retainKeys` list does not name; when combining two patches, carries
/// the list over.
fn apply_retain_keys_directive(
    original: &mut Map,
    patch: &mut Map,
    options: MergeOptions,
) -> Result<(), PatchError> {
    let Some(retain) = patch.remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    if !options.merge_parallel_list {
        match original.get(RETAIN_KEYS_DIRECTIVE) {
            Some(existing) if *existing != retain => {
                return Err(PatchError::failed(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                    go_v(existing),
                    go_v(&retain)
                )))
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS_DIRECTIVE.to_string(), retain);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = retain else {
        return Err(err_retain_keys_format());
    };
    let retained = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        {
            continue;
        }
        if !retained(k) {
            return Err(err_retain_keys_format());
        }
    }
    original.retain(|k, _| retained(k));
    Ok(())
}

/// `mergePatchIntoOriginal`: merges every list that has a
/// `$setElementOrder` directive and puts it in that order; when combining
/// two patches, carries the directive over.
fn merge_patch_into_original(
    original: &mut Map,
    patch: &mut Map,
    ty: Ty,
    options: MergeOptions,
    depth: usize,
) -> Result<(), PatchError> {
    let order_keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in order_keys {
        let Some(order_value) = patch.remove(&key) else {
            continue;
        };
        if !options.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if *existing != order_value => {
                    return Err(err_set_element_order_format())
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_value.clone());
                }
            }
        }
        let Value::Array(order) = order_value else {
            return Err(err_bad_arg_type(SLICE_TYPE, &order_value));
        };
        let field = extract_key(&key, SET_ELEMENT_ORDER_PREFIX)?;

        let original_list = match original.get(&field) {
            None => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(other) => return Err(err_bad_arg_type(SLICE_TYPE, other)),
        };
        let patch_list = match patch.get(&field) {
            None => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(other) => return Err(err_bad_arg_type(SLICE_TYPE, other)),
        };
        let (sub, meta) = lookup_slice(ty, &field)?;
        validate_patch_with_set_order_list(
            patch_list.as_deref().unwrap_or(&[]),
            &order,
            meta.merge_key,
        )?;

        let original_items = original_list.clone().unwrap_or_default();
        let patch_items = patch_list.clone().unwrap_or_default();
        let kind = slice_element_kind(&[&original_items, &patch_items]);
        // The order of the server's elements, as the Go code reads it after
        // merging (see `shared_backing_array`).
        let server_order = match (&original_list, &patch_list, &kind) {
            (Some(o), Some(p), Ok(ElemKind::Map))
                if is_merge(meta) && !meta.merge_key.is_empty() =>
            {
                shared_backing_array(o, p, meta.merge_key)
            }
            _ => original_items.clone(),
        };
        let merged = match (original_list, patch_list) {
            (Some(o), None) => o,
            (None, Some(p)) => match remove_directives(Value::Array(p), depth)? {
                Some(Value::Array(items)) => items,
                _ => continue,
            },
            (Some(o), Some(p)) => merge_slice_handler(o, p, sub, meta, false, options, depth)?,
            (None, None) => continue,
        };

        let (in_order, server_only) = if meta.merge_key.is_empty() {
            partition_primitives(merged, &order)
        } else {
            partition_maps(merged, &order, meta.merge_key)?
        };
        let both = normalize_element_order(
            in_order,
            server_only,
            &order,
            &server_order,
            meta.merge_key,
            kind?,
        )?;
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

/// The live list as Go sees it once a merge has run: the merge deletes
/// elements by shifting the rest left inside the list's array, and appends
/// new elements into the slots that frees, so the caller's view of the
/// original list (same array, old length) shows those changes. The order
/// of the server's elements is read from that view. A list decoded from a
/// stored object has no spare capacity, so appends beyond the freed slots
/// move to a new array and are not seen.
fn shared_backing_array(original: &[Value], patch: &[Value], key: &str) -> Vec<Value> {
    let mut backing = original.to_vec();
    let mut len = backing.len();
    let mut plain = Vec::new();
    let mut replace = false;
    for item in patch {
        match item.get(DIRECTIVE_MARKER).and_then(Value::as_str) {
            Some(DELETE_DIRECTIVE) => {
                let Some(target) = item.get(key) else {
                    return original.to_vec();
                };
                while let Some(i) = backing[..len]
                    .iter()
                    .position(|v| v.get(key) == Some(target))
                {
                    // `append(s[:i], s[i+1:]...)`: the tail moves left and the
                    // last slot keeps its old element.
                    for t in i..len - 1 {
                        backing[t] = backing[t + 1].clone();
                    }
                    len -= 1;
                }
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some(_) => return original.to_vec(),
            None => plain.push(item),
        }
    }
    if replace {
        return backing;
    }
    for item in plain {
        let wanted = item.get(key);
        if wanted.is_some() && backing[..len].iter().any(|v| v.get(key) == wanted) {
            continue;
        }
        if len == backing.len() {
            // Growing past the array moves the list elsewhere.
            break;
        }
        backing[len] = item.clone();
        len += 1;
    }
    backing
}

/// Checks that the patch list names its elements in the `$setElementOrder`
/// order and names no element the order list lacks.
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    order: &[Value],
    key: &str,
) -> Result<(), PatchError> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if key.is_empty() {
        patch_list.to_vec()
    } else {
        extract_to_delete_items(patch_list.to_vec())?.0
    };
    let (mut p, mut o) = (0, 0);
    while p < non_delete.len() && o < order.len() {
        if contains_directive_marker(&non_delete[p]) {
            p += 1;
            continue;
        }
        if merge_key_value_equal(&non_delete[p], &order[o], key)? {
            p += 1;
        }
        o += 1;
    }
    if p < non_delete.len() && o >= order.len() {
        return Err(PatchError::failed(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER_PREFIX} list:\n{}\n",
            go_v(&Value::Array(patch_list.to_vec())),
            go_v(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn contains_directive_marker(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.contains_key(DIRECTIVE_MARKER))
}

fn merge_key_value_equal(left: &Value, right: &Value, key: &str) -> Result<bool, PatchError> {
    if key.is_empty() {
        return Ok(left == right);
    }
    let Value::Object(l) = left else {
        return Err(err_bad_arg_type(MAP_TYPE, left));
    };
    let Value::Object(r) = right else {
        return Err(err_bad_arg_type(MAP_TYPE, right));
    };
    let lk = l.get(key).ok_or_else(|| err_no_merge_key(l, key))?;
    let rk = r.get(key).ok_or_else(|| err_no_merge_key(r, key))?;
    Ok(lk == rk)
}

fn merge_slice_handler(
    original: Vec<Value>,
    patch: Vec<Value>,
    ty: Ty,
    meta: PatchMeta,
    is_delete_list: bool,
    options: MergeOptions,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    // Deletion lists apply whatever the field's strategy.
    if is_merge(meta) || is_delete_list {
        merge_slice(
            original,
            patch,
            ty,
            meta.merge_key,
            options,
            is_delete_list,
            depth,
        )
    } else {
        Ok(patch)
    }
}

/// `mergeSlice`: merges two lists element by element (by merge key for
/// objects, by value for scalars) and orders the result: patch elements in
/// patch order, interleaved with the elements only the original has.
fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    ty: Ty,
    key: &str,
    options: MergeOptions,
    is_delete_list: bool,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = slice_element_kind(&[&original, &patch])?;
    let (original, patch, merged) = if kind == ElemKind::Scalar {
        if options.merge_parallel_list && is_delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (original, patch, deduplicate_scalars(both))
    } else {
        if key.is_empty() {
            return Err(PatchError::failed(format!(
                "cannot merge lists without merge key for {}",
                ty.kind_name()
            )));
        }
        let (original, patch) = merge_slice_with_special_elements(original, patch, key)?;
        let merged = merge_slice_without_special_elements(
            original.clone(),
            &patch,
            key,
            ty,
            options,
            depth,
        )?;
        (original, patch, merged)
    };

    let (patch_items, server_only) = if key.is_empty() {
        partition_primitives(merged, &patch)
    } else {
        partition_maps(merged, &patch, key)?
    };
    normalize_element_order(patch_items, server_only, &patch, &original, key, kind)
}

/// Applies the `$patch` elements of a patch list: `delete` removes matching
/// elements from the original, `replace` makes the patch list the result.
fn merge_slice_with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut plain = Vec::new();
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = &v else {
            plain.push(v);
            continue;
        };
        let Some(directive) = m.get(DIRECTIVE_MARKER) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some(DELETE_DIRECTIVE) => {
                let Some(value) = m.get(key) else {
                    return Err(err_no_merge_key(m, key));
                };
                while let Some((_, i)) = find_map_in_slice(&original, key, value)? {
                    original.remove(i);
                }
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some(MERGE_DIRECTIVE) => {
                return Err(PatchError::failed(
                    "merging lists cannot yet be specified in the patch",
                ))
            }
            _ => return Err(err_bad_patch_type(directive, m)),
        }
    }
    if replace {
        Ok((plain, Vec::new()))
    } else {
        Ok((original, plain))
    }
}

fn merge_slice_without_special_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    key: &str,
    ty: Ty,
    options: MergeOptions,
    depth: usize,
) -> Result<Vec<Value>, PatchError> {
    for v in patch {
        let Value::Object(pm) = v else {
            return Err(err_bad_arg_type(MAP_TYPE, v));
        };
        let Some(value) = pm.get(key) else {
            return Err(err_no_merge_key(pm, key));
        };
        match find_map_in_slice(&original, key, value)? {
            Some((om, i)) => {
                let merged = merge_map(om.clone(), pm.clone(), ty, options, depth + 1)?;
                original[i] = Value::Object(merged);
            }
            None => original.push(v.clone()),
        }
    }
    Ok(original)
}

/// The first object of `list` whose `key` equals `value`.
fn find_map_in_slice<'a>(
    list: &'a [Value],
    key: &str,
    value: &Value,
) -> Result<Option<(&'a Map, usize)>, PatchError> {
    for (i, v) in list.iter().enumerate() {
        let Value::Object(m) = v else {
            return Err(PatchError::failed(format!(
                "value for key {i} is not a map."
            )));
        };
        if m.get(key) == Some(value) {
            return Ok(Some((m, i)));
        }
    }
    Ok(None)
}

/// Splits `list` into the scalars `by` contains and the rest.
fn partition_primitives(list: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    list.into_iter().partition(|v| by.contains(v))
}

/// Splits `list` into the objects whose merge key `by` has and the rest.
fn partition_maps(
    list: Vec<Value>,
    by: &[Value],
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for v in list {
        let Value::Object(m) = &v else {
            return Err(err_bad_arg_type(MAP_TYPE, &v));
        };
        let Some(value) = m.get(key) else {
            return Err(err_no_merge_key(m, key));
        };
        if find_map_in_slice(by, key, value)?.is_some() {
            present.push(v);
        } else {
            absent.push(v);
        }
    }
    Ok((present, absent))
}

// ---- ordering ----

/// `normalizeElementOrder`: the patch elements in `patch_order`, the
/// server-only elements in `server_order`, then the two interleaved.
fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: &str,
    kind: ElemKind,
) -> Result<Vec<Value>, PatchError> {
    let patch = normalize_slice_order(patch, patch_order, key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        key,
        kind,
    ))
}

/// `mergeSortedSlice`: inserts each `left` element into `right` before the
/// first element it precedes in `server_order`, keeping both relative orders.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    key: &str,
    kind: ElemKind,
) -> Vec<Value> {
    let position = |v: &Value| index_of(server_order, v, key, kind);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().map(|v| (position(&v), v)).peekable();
    let mut right = right.into_iter().map(|v| (position(&v), v)).peekable();
    loop {
        let left_first = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((li, _)), Some((ri, _))) => matches!((li, ri), (Some(li), Some(ri)) if li < ri),
        };
        let next = if left_first {
            left.next()
        } else {
            right.next()
        };
        out.extend(next.map(|(_, v)| v));
    }
    out
}

/// `index`: where `v` is in `list`, comparing merge key values for objects
/// (a missing key and a null one compare equal, as Go's nil does).
fn index_of(list: &[Value], v: &Value, key: &str, kind: ElemKind) -> Option<usize> {
    match kind {
        ElemKind::Map => {
            fn key_of<'a>(item: &'a Value, key: &str) -> Option<&'a Value> {
                item.get(key).filter(|k| !k.is_null())
            }
            let wanted = key_of(v, key);
            list.iter().position(|item| key_of(item, key) == wanted)
        }
        ElemKind::Scalar => list.iter().position(|item| item == v),
    }
}

/// `normalizeSliceOrder`: sorts `to_sort` by position in `order` (keeping
/// delete directives last), with Go's stable sort and its comparator.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    key: &str,
    kind: ElemKind,
) -> Result<Vec<Value>, PatchError> {
    let (to_sort, to_delete) = if kind == ElemKind::Map {
        validate_merge_key_in_lists(key, &[&to_sort, order])?;
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    let mut keyed: Vec<(Option<usize>, Value)> = to_sort
        .into_iter()
        .map(|v| (index_of(order, &v, key, kind), v))
        .collect();
    // Elements missing from `order` compare as "less" both ways, exactly as
    // the Go comparator does; only Go's own algorithm gives the same result.
    go_stable_sort(&mut keyed, |a, b| match (a.0, b.0) {
        (Some(i), Some(j)) => i < j,
        _ => true,
    });
    let mut sorted: Vec<Value> = keyed.into_iter().map(|(_, v)| v).collect();
    sorted.extend(to_delete);
    Ok(sorted)
}

fn validate_merge_key_in_lists(key: &str, lists: &[&[Value]]) -> Result<(), PatchError> {
    for list in lists {
        for item in *list {
            let Value::Object(m) = item else {
                return Err(err_bad_arg_type(MAP_TYPE, item));
            };
            if !m.contains_key(key) {
                return Err(err_no_merge_key(m, key));
            }
        }
    }
    Ok(())
}

/// Splits a list of objects into the plain ones and the `$patch: delete`
/// ones.
fn extract_to_delete_items(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for v in list {
        let Value::Object(m) = &v else {
            return Err(err_bad_arg_type(MAP_TYPE, &v));
        };
        if m.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE) {
            delete.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, delete))
}

/// `sliceElementType`: the common element kind of some lists.
fn slice_element_kind(lists: &[&[Value]]) -> Result<ElemKind, PatchError> {
    let mut first: Option<&Value> = None;
    for list in lists {
        for v in *list {
            match first {
                None => {
                    if matches!(v, Value::Array(_)) {
                        return Err(err_no_list_of_lists());
                    }
                    if v.is_null() {
                        return Err(not_identical(lists));
                    }
                    first = Some(v);
                }
                Some(f) if !same_go_type(f, v) => return Err(not_identical(lists)),
                Some(_) => {}
            }
        }
    }
    match first {
        Some(Value::Object(_)) => Ok(ElemKind::Map),
        Some(_) => Ok(ElemKind::Scalar),
        None => Err(PatchError::failed("no elements in any of the given slices")),
    }
}

fn not_identical(lists: &[&[Value]]) -> PatchError {
    let all = Value::Array(lists.iter().map(|l| Value::Array(l.to_vec())).collect());
    PatchError::failed(format!(
        "list element types are not identical: {}",
        go_v(&all)
    ))
}

// ---- Go's sorting and deduplication, reproduced for identical orders ----

/// `sortScalars`: sorted by `%v` text.
fn sort_scalars(mut items: Vec<Value>) -> Vec<Value> {
    go_sort(&mut items, go_v);
    items
}

/// `sortMergeListsByNameArray` (without recursion): objects sorted by the
/// `%v` text of their merge key.
fn sort_maps_by_merge_key(items: &[Value], key: &str) -> Result<Vec<Value>, PatchError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let kind = slice_element_kind(&[items])?;
    let mut items = items.to_vec();
    if kind == ElemKind::Scalar {
        let mut items = deduplicate_scalars(items);
        go_sort(&mut items, go_v);
        return Ok(items);
    }
    go_sort(&mut items, |v| go_v(v.get(key).unwrap_or(&Value::Null)));
    Ok(items)
}

/// `sort.Sort` with the `a <= b` comparator apimachinery uses. Go sorts
/// short slices (up to 12) by insertion, which with that comparator
/// reverses runs of equal keys; longer ones fall back to a stable sort here.
fn go_sort(items: &mut [Value], text: impl Fn(&Value) -> String) {
    let mut keyed: Vec<(String, Value)> = items
        .iter_mut()
        .map(|v| (text(v), std::mem::take(v)))
        .collect();
    if keyed.len() <= 12 {
        for i in 1..keyed.len() {
            let mut j = i;
            while j > 0 && keyed[j].0 <= keyed[j - 1].0 {
                keyed.swap(j, j - 1);
                j -= 1;
            }
        }
    } else {
        sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    }
    for (slot, (_, v)) in items.iter_mut().zip(keyed) {
        *slot = v;
    }
}

/// `sort.SliceStable`: insertion sort on blocks of 20, then in-place
/// symmetric merges, so that even an inconsistent comparator orders
/// elements exactly as Go does.
fn go_stable_sort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(items, a, b, &less);
        a = b;
        b += block;
    }
    insertion_sort(items, a, n, &less);
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(items, a, a + block, b, &less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(items, a, m, n, &less);
        }
        block *= 2;
    }
}

fn insertion_sort<T>(items: &mut [T], a: usize, b: usize, less: &impl Fn(&T, &T) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge<T>(items: &mut [T], a: usize, m: usize, b: usize, less: &impl Fn(&T, &T) -> bool) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(&items[h], &items[a]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            items.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(&items[m], &items[h]) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            items.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(&items[p - c], &items[c]) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(items, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(items, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(items, mid, end, b, less);
    }
}

fn rotate<T>(items: &mut [T], a: usize, m: usize, b: usize) {
    let (mut i, mut j) = (m - a, b - m);
    while i != j {
        if i > j {
            swap_range(items, m - i, m, j);
            i -= j;
        } else {
            swap_range(items, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(items, m - i, m, i);
}

fn swap_range<T>(items: &mut [T], a: usize, b: usize, n: usize) {
    for i in 0..n {
        items.swap(a + i, b + i);
    }
}

/// `deduplicateScalars`: a duplicate is overwritten by the last element, so
/// the survivors' order shifts exactly as in Go.
fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    if s.is_empty() {
        return s;
    }
    let mut length = s.len() - 1;
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if s[i] == s[j] {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

// ---- conflicts ----

/// `MergingMapsHaveConflicts` for two patches of the same object.
fn maps_have_conflicts(left: &Map, right: &Map, ty: Ty, depth: usize) -> Result<bool, PatchError> {
    check_depth(depth)?;
    for (key, lv) in left {
        if key == DIRECTIVE_MARKER || key == RETAIN_KEYS_DIRECTIVE {
            continue;
        }
        let Some(rv) = right.get(key) else {
            continue;
        };
        let (sub, meta) = match lv {
            Value::Array(_) => lookup_slice(ty, key)?,
            Value::Object(_) => lookup_struct(ty, key)?,
            _ => (&super::schema::ANY, PatchMeta::default()),
        };
        if fields_have_conflicts(lv, rv, sub, meta, depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn fields_have_conflicts(
    left: &Value,
    right: &Value,
    ty: Ty,
    meta: PatchMeta,
    depth: usize,
) -> Result<bool, PatchError> {
    check_depth(depth)?;
    match left {
        Value::Object(l) => {
            let Value::Object(r) = right else {
                return Ok(true);
            };
            let (lm, rm) = (l.get(DIRECTIVE_MARKER), r.get(DIRECTIVE_MARKER));
            if (lm.is_some() || rm.is_some()) && lm != rm {
                return Ok(true);
            }
            if is_replace(meta) {
                return Ok(false);
            }
            maps_have_conflicts(l, r, ty, depth)
        }
        Value::Array(l) => {
            let Value::Array(r) = right else {
                return Ok(true);
            };
            slices_have_conflicts(l, r, ty, meta, depth)
        }
        _ => Ok(left != right),
    }
}

fn slices_have_conflicts(
    left: &[Value],
    right: &[Value],
    ty: Ty,
    meta: PatchMeta,
    depth: usize,
) -> Result<bool, PatchError> {
    let kind = slice_element_kind(&[left, right])?;
    if is_merge(meta) {
        if kind == ElemKind::Scalar {
            return Ok(false);
        }
        let l = slice_of_maps_to_map_of_maps(left, meta.merge_key)?;
        let r = slice_of_maps_to_map_of_maps(right, meta.merge_key)?;
        for (k, lv) in &l {
            if let Some((_, rv)) = r.iter().find(|(rk, _)| rk == k) {
                if fields_have_conflicts(lv, rv, ty, PatchMeta::default(), depth + 1)? {
                    return Ok(true);
                }
            }
        }
        return Ok(false);
    }
    if left.len() != right.len() {
        return Ok(true);
    }
    let (left, right) = if kind == ElemKind::Scalar {
        (
            sort_scalars(deduplicate_scalars(left.to_vec())),
            sort_scalars(deduplicate_scalars(right.to_vec())),
        )
    } else {
        (left.to_vec(), right.to_vec())
    };
    for (i, lv) in left.iter().enumerate() {
        let Some(rv) = right.get(i) else {
            return Ok(true);
        };
        if fields_have_conflicts(lv, rv, ty, PatchMeta::default(), depth + 1)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn slice_of_maps_to_map_of_maps<'a>(
    list: &'a [Value],
    key: &str,
) -> Result<Vec<(String, &'a Value)>, PatchError> {
    let mut out: Vec<(String, &Value)> = Vec::new();
    for v in list {
        let Value::Object(m) = v else {
            return Err(PatchError::failed(format!(
                "invalid element type in merging list:{}",
                go_v(&Value::Array(list.to_vec()))
            )));
        };
        let Some(k) = m.get(key) else {
            return Err(PatchError::failed(format!(
                "cannot find merge key `{key}` in merging list element:{}",
                map_v(m)
            )));
        };
        let k = go_s(k);
        match out.iter_mut().find(|(existing, _)| *existing == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    Ok(out)
}
