//! Decoding, encoding and describing API types.
//!
//! Decoding is strict in the way `kubectl apply` makes the API server strict:
//! every unknown field is collected with its full path
//! (`spec.containers[0].livenessprobe`), and the first wrong-typed value is
//! reported in the words of Go's JSON decoder. Every error also keeps the
//! source position, for the editor.

use std::collections::BTreeMap;

use crate::syntax::{Key, Node, NodeKind, Span};
use crate::value::{Map, Value};

/// Decodes a value from a parse tree. Errors are recorded in the context and
/// decoding goes on with a default, so one pass finds every unknown field.
pub trait Decode: Sized {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self;
}

/// Encodes a value as the API server writes it.
pub trait Encode {
    /// Whether a field of this type is dropped when it is empty, as Go drops
    /// nil pointers, slices and maps (`omitempty`). Plain values and structs
    /// are always written.
    const OMIT_WHEN_EMPTY: bool;
    fn encode(&self) -> Value;
    /// Go's notion of an empty value: false, 0, "", nil or empty.
    fn is_zero(&self) -> bool;
}

/// Describes a type for `kubectl explain`, Go-worded errors and suggestions.
pub trait Schema {
    fn type_info() -> TypeInfo;
}

/// The `apiVersion` and `kind` of a top-level object type.
pub trait TypeMeta {
    const API_VERSION: &'static str;
    const KIND: &'static str;
}

/// The shape of an API type.
#[derive(Clone, Copy)]
pub enum TypeInfo {
    Scalar {
        /// Go type, as decoding errors name it (`int32`, `v1.Time`).
        go: &'static str,
        /// OpenAPI type, as `kubectl explain` names it (`integer`, `string`).
        explain: &'static str,
        /// Allowed values of a string enum, if closed.
        values: &'static [&'static str],
    },
    Array(fn() -> TypeInfo),
    Map(fn() -> TypeInfo),
    Struct(&'static StructInfo),
}

impl std::fmt::Debug for TypeInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.go_name())
    }
}

/// A struct's fields and docs.
pub struct StructInfo {
    /// The type's name (`Container`).
    pub name: &'static str,
    /// Package-qualified Go name (`v1.Container`).
    pub go: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldInfo],
}

/// One field of a struct.
pub struct FieldInfo {
    /// The JSON name (`livenessProbe`).
    pub name: &'static str,
    pub doc: &'static str,
    pub required: bool,
    pub ty: fn() -> TypeInfo,
}

impl TypeInfo {
    /// The Go spelling: `[]v1.Container`, `map[string]string`.
    pub fn go_name(&self) -> String {
        match self {
            TypeInfo::Scalar { go, .. } => (*go).to_string(),
            TypeInfo::Array(elem) => format!("[]{}", elem().go_name()),
            TypeInfo::Map(elem) => format!("map[string]{}", elem().go_name()),
            TypeInfo::Struct(s) => s.go.to_string(),
        }
    }

    /// The `kubectl explain` spelling: `[]Container`, `map[string]string`.
    pub fn explain_name(&self) -> String {
        match self {
            TypeInfo::Scalar { explain, .. } => (*explain).to_string(),
            TypeInfo::Array(elem) => format!("[]{}", elem().explain_name()),
            TypeInfo::Map(elem) => format!("map[string]{}", elem().explain_name()),
            TypeInfo::Struct(s) => s.name.to_string(),
        }
    }

    /// The struct behind this type, looking through lists and maps.
    pub fn struct_info(&self) -> Option<&'static StructInfo> {
        match self {
            TypeInfo::Struct(s) => Some(s),
            TypeInfo::Array(elem) | TypeInfo::Map(elem) => elem().struct_info(),
            TypeInfo::Scalar { .. } => None,
        }
    }
}

impl StructInfo {
    pub fn field(&self, name: &str) -> Option<&'static FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Why a field could not be decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldErrorKind {
    /// Not a field of the type. `suggestion` is the closest known field, for
    /// "did you mean" hints (the API server itself gives none).
    Unknown { suggestion: Option<&'static str> },
    /// The value has the wrong JSON type; `message` is Go's text.
    Type { message: String },
}

/// A decoding error with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    /// Path as the API server prints it: `spec.containers[0].livenessprobe`.
    pub path: String,
    pub span: Span,
    pub kind: FieldErrorKind,
}

/// A failed decode: the API server's message plus every located error.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeFailure {
    /// `json: cannot unmarshal …` or `strict decoding error: unknown field …`.
    pub message: String,
    pub errors: Vec<FieldError>,
}

#[derive(Clone, Debug)]
enum Seg {
    /// A struct field, with the Go struct that declares it.
    Field(&'static str, &'static str),
    Index(usize),
    Key(String),
}

/// Decoding state: where we are and what went wrong so far.
#[derive(Default)]
pub struct DecodeCx {
    path: Vec<Seg>,
    errors: Vec<FieldError>,
    /// Go's decoder reports only its first type error.
    first_type_error: Option<String>,
}

/// Deeper input is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

impl DecodeCx {
    pub fn new() -> DecodeCx {
        DecodeCx::default()
    }

    pub fn enter_field(&mut self, name: &'static str, go_struct: &'static str) {
        self.path.push(Seg::Field(name, go_struct));
    }

    pub fn enter_index(&mut self, i: usize) {
        self.path.push(Seg::Index(i));
    }

    pub fn enter_key(&mut self, key: &str) {
        self.path.push(Seg::Key(key.to_string()));
    }

    pub fn leave(&mut self) {
        self.path.pop();
    }

    /// Whether decoding should stop descending (hostile nesting).
    pub fn too_deep(&self) -> bool {
        self.path.len() > MAX_DEPTH
    }

    /// The strict-decoding spelling of the current path.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Field(name, _) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    pub fn unknown_field(&mut self, key: &Key, known: &[&'static str]) {
        self.enter_key(&key.name);
        let path = self.path_string();
        self.leave();
        self.errors.push(FieldError {
            path,
            span: key.span,
            kind: FieldErrorKind::Unknown {
                suggestion: closest(&key.name, known),
            },
        });
    }

    /// Records Go's "cannot unmarshal" error for `node` where `want` was expected.
    pub fn type_error(&mut self, node: &Node, want: &TypeInfo) {
        let got = match &node.kind {
            // Go names the literal when a number does not fit a number type.
            NodeKind::Int(i) if is_number_type(want) => format!("number {i}"),
            NodeKind::Float(f) if is_number_type(want) => {
                format!("number {}", crate::value::format_go_float(*f))
            }
            _ => node.json_type_name().to_string(),
        };
        self.custom_error(
            node,
            format!("cannot unmarshal {got} into {}", self.go_target(want)),
        );
    }

    /// Records an error whose text a custom Go unmarshaller would produce.
    pub fn custom_error(&mut self, node: &Node, message: String) {
        let message = if message.starts_with("cannot unmarshal") {
            format!("json: {message}")
        } else {
            message
        };
        if self.first_type_error.is_none() {
            self.first_type_error = Some(message.clone());
        }
        self.errors.push(FieldError {
            path: self.path_string(),
            span: node.span,
            kind: FieldErrorKind::Type { message },
        });
    }

    fn go_target(&self, want: &TypeInfo) -> String {
        let mut names = Vec::new();
        let mut go_struct = None;
        for seg in &self.path {
            if let Seg::Field(name, st) = seg {
                names.push(*name);
                go_struct = Some(*st);
            }
        }
        match go_struct {
            Some(st) => format!(
                "Go struct field {st}.{} of type {}",
                names.join("."),
                want.go_name()
            ),
            None => format!("Go value of type {}", want.go_name()),
        }
    }

    /// Every error found, in source order of discovery.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// Ends decoding: a type error wins over unknown fields, as in the API
    /// server; unknown fields are listed together.
    pub fn finish(self) -> Result<(), DecodeFailure> {
        if let Some(message) = self.first_type_error {
            return Err(DecodeFailure {
                message,
                errors: self.errors,
            });
        }
        if self.errors.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("unknown field \"{}\"", e.path))
            .collect();
        Err(DecodeFailure {
            message: format!("strict decoding error: {}", list.join(", ")),
            errors: self.errors,
        })
    }
}

fn is_number_type(t: &TypeInfo) -> bool {
    matches!(
        t,
        TypeInfo::Scalar {
            explain: "integer" | "number",
            ..
        }
    )
}

/// The known name closest to `name`, if it is a plausible typo.
pub fn closest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for &k in known {
        let d = edit_distance(&lower, &k.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    let (d, k) = best?;
    let limit = (name.chars().count() / 3).max(1);
    (d <= limit).then_some(k)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Decodes a whole object, turning the collected errors into a result.
pub fn decode_strict<T: Decode>(node: &Node) -> Result<T, DecodeFailure> {
    let mut cx = DecodeCx::new();
    let value = T::decode(node, &mut cx);
    cx.finish().map(|()| value)
}

// ---------------------------------------------------------------------------
// Scalars

impl Decode for String {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Str(s) => s.clone(),
            NodeKind::Null => String::new(),
            _ => {
                cx.type_error(node, &Self::type_info());
                String::new()
            }
        }
    }
}

impl Encode for String {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::String(self.clone())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl Schema for String {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "string",
            explain: "string",
            values: &[],
        }
    }
}

impl Decode for bool {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Bool(b) => *b,
            NodeKind::Null => false,
            _ => {
                cx.type_error(node, &Self::type_info());
                false
            }
        }
    }
}

impl Encode for bool {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::Bool(*self)
    }
    fn is_zero(&self) -> bool {
        !*self
    }
}

impl Schema for bool {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "bool",
            explain: "boolean",
            values: &[],
        }
    }
}

macro_rules! int_codec {
    ($t:ty, $go:literal) => {
        impl Decode for $t {
            fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
                let parsed = match &node.kind {
                    NodeKind::Int(i) => <$t>::try_from(*i).ok(),
                    // A float with no fraction is an integer to Go (YAML's
                    // `80.0` reaches the server as JSON `80`).
                    NodeKind::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => {
                        <$t>::try_from(*f as i64).ok()
                    }
                    NodeKind::Null => return 0,
                    _ => None,
                };
                parsed.unwrap_or_else(|| {
                    cx.type_error(node, &Self::type_info());
                    0
                })
            }
        }

        impl Encode for $t {
            const OMIT_WHEN_EMPTY: bool = false;
            fn encode(&self) -> Value {
                Value::Int(i64::from(*self))
            }
            fn is_zero(&self) -> bool {
                *self == 0
            }
        }

        impl Schema for $t {
            fn type_info() -> TypeInfo {
                TypeInfo::Scalar {
                    go: $go,
                    explain: "integer",
                    values: &[],
                }
            }
        }
    };
}

int_codec!(i32, "int32");
int_codec!(i64, "int64");

impl Decode for f64 {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Int(i) => *i as f64,
            NodeKind::Float(f) => *f,
            NodeKind::Null => 0.0,
            _ => {
                cx.type_error(node, &Self::type_info());
                0.0
            }
        }
    }
}

impl Encode for f64 {
    const OMIT_WHEN_EMPTY: bool = false;
    fn encode(&self) -> Value {
        Value::Float(*self)
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
}

impl Schema for f64 {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "float64",
            explain: "number",
            values: &[],
        }
    }
}

// ---------------------------------------------------------------------------
// Containers

impl<T: Decode> Decode for Option<T> {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match node.kind {
            NodeKind::Null => None,
            _ => Some(T::decode(node, cx)),
        }
    }
}

impl<T: Encode> Encode for Option<T> {
    const OMIT_WHEN_EMPTY: bool = true;
    fn encode(&self) -> Value {
        match self {
            Some(v) => v.encode(),
            None => Value::Null,
        }
    }
    fn is_zero(&self) -> bool {
        self.is_none()
    }
}

impl<T: Schema> Schema for Option<T> {
    fn type_info() -> TypeInfo {
        T::type_info()
    }
}

impl<T: Decode + Schema> Decode for Vec<T> {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Seq(items) if !cx.too_deep() => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    cx.enter_index(i);
                    let v = T::decode(item, cx);
                    cx.leave();
                    v
                })
                .collect(),
            NodeKind::Null => Vec::new(),
            _ => {
                cx.type_error(node, &Self::type_info());
                Vec::new()
            }
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    const OMIT_WHEN_EMPTY: bool = true;
    fn encode(&self) -> Value {
        Value::Array(self.iter().map(Encode::encode).collect())
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn type_info() -> TypeInfo {
        TypeInfo::Array(T::type_info)
    }
}

impl<T: Decode + Schema> Decode for BTreeMap<String, T> {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        match &node.kind {
            NodeKind::Map(entries) if !cx.too_deep() => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    // Go's decoder does not name map keys in type errors.
                    let before = cx.path.len();
                    let value = if matches!(T::type_info(), TypeInfo::Struct(_)) {
                        cx.enter_key(&k.name);
                        let value = T::decode(v, cx);
                        cx.leave();
                        value
                    } else {
                        T::decode(v, cx)
                    };
                    debug_assert_eq!(before, cx.path.len());
                    out.insert(k.name.clone(), value);
                }
                out
            }
            NodeKind::Null => BTreeMap::new(),
            _ => {
                cx.type_error(node, &Self::type_info());
                BTreeMap::new()
            }
        }
    }
}

impl<T: Encode> Encode for BTreeMap<String, T> {
    const OMIT_WHEN_EMPTY: bool = true;
    fn encode(&self) -> Value {
        // Keys are already sorted and unique; inserting avoids compiling a
        // sort for every value type, which `collect` would.
        let mut map = Map::new();
        for (k, v) in self {
            map.insert(k.clone(), v.encode());
        }
        Value::Object(map)
    }
    fn is_zero(&self) -> bool {
        self.is_empty()
    }
}

impl<T: Schema> Schema for BTreeMap<String, T> {
    fn type_info() -> TypeInfo {
        TypeInfo::Map(T::type_info)
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(node: &Node, cx: &mut DecodeCx) -> Self {
        Box::new(T::decode(node, cx))
    }
}

impl<T: Encode> Encode for Box<T> {
    const OMIT_WHEN_EMPTY: bool = T::OMIT_WHEN_EMPTY;
    fn encode(&self) -> Value {
        (**self).encode()
    }
    fn is_zero(&self) -> bool {
        (**self).is_zero()
    }
}

impl<T: Schema> Schema for Box<T> {
    fn type_info() -> TypeInfo {
        T::type_info()
    }
}

/// Arbitrary JSON (`runtime.RawExtension`).
impl Decode for Value {
    fn decode(node: &Node, _cx: &mut DecodeCx) -> Self {
        node.to_value()
    }
}

impl Encode for Value {
    const OMIT_WHEN_EMPTY: bool = true;
    fn encode(&self) -> Value {
        self.clone()
    }
    fn is_zero(&self) -> bool {
        self.is_null()
    }
}

impl Schema for Value {
    fn type_info() -> TypeInfo {
        TypeInfo::Scalar {
            go: "runtime.RawExtension",
            explain: "Object",
            values: &[],
        }
    }
}

/// Builds an object value from pairs, skipping nulls; for hand-written
/// encoders.
pub fn object(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        if !v.is_null() {
            map.insert(k.to_string(), v);
        }
    }
    Value::Object(map)
}

/// Declares a string enum of the API: known values as variants plus
/// `Other(String)` for anything else, which validation then rejects with the
/// list of supported values.
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the API does not know; kept so validation can name it.
            Other(String),
        }

        impl $name {
            /// Every known value, as the API spells it.
            pub const VALUES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            pub fn parse(s: &str) -> $name {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl ::core::default::Default for $name {
            fn default() -> Self {
                $name::Other(String::new())
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::api::codec::Decode for $name {
            fn decode(node: &$crate::syntax::Node, cx: &mut $crate::api::codec::DecodeCx) -> Self {
                $name::parse(&<String as $crate::api::codec::Decode>::decode(node, cx))
            }
        }

        impl $crate::api::codec::Encode for $name {
            const OMIT_WHEN_EMPTY: bool = false;
            fn encode(&self) -> $crate::value::Value {
                $crate::value::Value::String(self.as_str().to_string())
            }
            fn is_zero(&self) -> bool {
                self.as_str().is_empty()
            }
        }

        impl $crate::api::codec::Schema for $name {
            fn type_info() -> $crate::api::codec::TypeInfo {
                $crate::api::codec::TypeInfo::Scalar {
                    go: concat!("v1.", stringify!($name)),
                    explain: "string",
                    values: $name::VALUES,
                }
            }
        }
    };
}
