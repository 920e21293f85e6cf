//! One kind's objects, ordered by namespace and name.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::rc::Rc;

use super::kinds::{Object, Stored};
use crate::api::meta::ObjectMeta;

/// Namespace and name; cluster-scoped objects have an empty namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub namespace: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(namespace: &str, name: &str) -> ObjKey {
        ObjKey {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn of(meta: &ObjectMeta) -> ObjKey {
        ObjKey::new(meta.namespace(), meta.name())
    }
}

impl std::fmt::Display for ObjKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// The objects of one kind, by namespace then name (so lookups by `&str`
/// need no allocation and a namespace's objects are contiguous).
///
/// A typed view over an untyped [`RawTable`]: every kind shares one copy of
/// the map code instead of compiling its own.
pub struct Table<T> {
    pub(crate) raw: RawTable,
    kind: PhantomData<T>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            raw: RawTable::default(),
            kind: PhantomData,
        }
    }
}

impl<T: Stored> Table<T> {
    pub fn get(&self, namespace: &str, name: &str) -> Option<&Rc<T>> {
        self.raw.get(namespace, name).and_then(T::from_object)
    }

    pub fn get_key(&self, key: &ObjKey) -> Option<&Rc<T>> {
        self.get(&key.namespace, &key.name)
    }

    pub fn len(&self) -> usize {
        self.raw.len
    }

    pub fn is_empty(&self) -> bool {
        self.raw.len == 0
    }

    /// Every object, in namespace and name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &Rc<T>)> {
        self.raw
            .iter()
            .filter_map(|(ns, n, o)| Some((ns, n, T::from_object(o)?)))
    }

    /// Objects in one namespace, or in all for `None`.
    pub fn iter_ns<'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = (&'a str, &'a Rc<T>)> + 'a> {
        Box::new(
            self.raw
                .iter_ns(namespace)
                .filter_map(|(n, o)| Some((n, T::from_object(o)?))),
        )
    }
}

/// One kind's objects, untyped: what [`Table`] stores.
#[derive(Default)]
pub(crate) struct RawTable {
    items: BTreeMap<String, BTreeMap<String, Object>>,
    len: usize,
}

impl RawTable {
    pub(crate) fn get(&self, namespace: &str, name: &str) -> Option<&Object> {
        self.items.get(namespace)?.get(name)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str, &Object)> {
        self.items
            .iter()
            .flat_map(|(ns, m)| m.iter().map(move |(n, o)| (ns.as_str(), n.as_str(), o)))
    }

    pub(crate) fn iter_ns<'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = (&'a str, &'a Object)> + 'a> {
        match namespace {
            None => Box::new(self.iter().map(|(_, n, o)| (n, o))),
            Some(ns) => Box::new(
                self.items
                    .get(ns)
                    .into_iter()
                    .flat_map(|m| m.iter().map(|(n, o)| (n.as_str(), o))),
            ),
        }
    }

    pub(crate) fn insert(&mut self, key: ObjKey, obj: Object) -> Option<Object> {
        let old = self
            .items
            .entry(key.namespace)
            .or_default()
            .insert(key.name, obj);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<Object> {
        let ns = self.items.get_mut(&key.namespace)?;
        let old = ns.remove(&key.name)?;
        if ns.is_empty() {
            self.items.remove(&key.namespace);
        }
        self.len -= 1;
        Some(old)
    }
}
