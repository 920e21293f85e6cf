//! One kind's objects, ordered by namespace and name.

use std::collections::BTreeMap;
use std::rc::Rc;

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
pub struct Table<T> {
    items: BTreeMap<String, BTreeMap<String, Rc<T>>>,
    len: usize,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: BTreeMap::new(),
            len: 0,
        }
    }
}

impl<T> Table<T> {
    pub fn get(&self, namespace: &str, name: &str) -> Option<&Rc<T>> {
        self.items.get(namespace)?.get(name)
    }

    pub fn get_key(&self, key: &ObjKey) -> Option<&Rc<T>> {
        self.get(&key.namespace, &key.name)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every object, in namespace and name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &Rc<T>)> {
        self.items
            .iter()
            .flat_map(|(ns, m)| m.iter().map(move |(n, o)| (ns.as_str(), n.as_str(), o)))
    }

    /// Objects in one namespace, or in all for `None`.
    pub fn iter_ns<'a>(
        &'a self,
        namespace: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = (&'a str, &'a Rc<T>)> + 'a> {
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

    pub(crate) fn insert(&mut self, key: ObjKey, obj: Rc<T>) -> Option<Rc<T>> {
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

    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<Rc<T>> {
        let ns = self.items.get_mut(&key.namespace)?;
        let old = ns.remove(&key.name)?;
        if ns.is_empty() {
            self.items.remove(&key.namespace);
        }
        self.len -= 1;
        Some(old)
    }
}
