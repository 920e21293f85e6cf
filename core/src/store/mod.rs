//! The object store: one typed table per kind, the indexes controllers need,
//! and the watch feed.
//!
//! Objects are kept behind `Rc`, so a reader's snapshot stays valid while
//! writers replace entries: a write never mutates a stored object in place.

mod kinds;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub use kinds::{Kind, KindVisitor, Object, Stored};
pub use table::{ObjKey, Table};

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WatchType {
    Added,
    Modified,
    Deleted,
}

impl WatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchType::Added => "ADDED",
            WatchType::Modified => "MODIFIED",
            WatchType::Deleted => "DELETED",
        }
    }
}

/// One entry of the watch feed: the object after the change (or the last
/// state, for deletions) and the one before, for updates.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub kind: Kind,
    pub typ: WatchType,
    pub object: Object,
    pub old: Option<Object>,
    /// The store revision this change produced.
    pub revision: u64,
}

/// Where an object with a given uid lives.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UidEntry {
    pub kind: Kind,
    pub key: ObjKey,
}

/// All stored objects.
#[derive(Default)]
pub struct Store {
    tables: kinds::Tables,
    /// The etcd-like revision: bumped by every write.
    revision: u64,
    by_uid: BTreeMap<Rc<str>, UidEntry>,
    /// Pods by the node they are bound to.
    pods_by_node: BTreeMap<String, BTreeSet<ObjKey>>,
    /// Dependents by owner uid, for garbage collection and controllers.
    dependents: BTreeMap<Rc<str>, BTreeSet<(Kind, ObjKey)>>,
    /// Changes not yet delivered.
    pending: Vec<WatchEvent>,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn table<T: Stored>(&self) -> &Table<T> {
        T::table(&self.tables)
    }

    pub fn get<T: Stored>(&self, namespace: &str, name: &str) -> Option<&Rc<T>> {
        self.table::<T>().get(namespace, name)
    }

    /// Any object by kind.
    pub fn get_object(&self, kind: Kind, namespace: &str, name: &str) -> Option<Object> {
        self.tables.raw(kind).get(namespace, name).cloned()
    }

    /// Objects of a kind in a namespace (all namespaces for `None`), in
    /// namespace and name order.
    pub fn list_objects(&self, kind: Kind, namespace: Option<&str>) -> Vec<Object> {
        self.tables
            .raw(kind)
            .iter_ns(namespace)
            .map(|(_, o)| o.clone())
            .collect()
    }

    pub fn lookup_uid(&self, uid: &str) -> Option<&UidEntry> {
        self.by_uid.get(uid)
    }

    /// Keys of the pods bound to a node.
    pub fn pods_on_node(&self, node: &str) -> impl Iterator<Item = &ObjKey> {
        self.pods_by_node.get(node).into_iter().flatten()
    }

    /// Objects that list `owner_uid` among their owners.
    pub fn dependents_of(&self, owner_uid: &str) -> impl Iterator<Item = &(Kind, ObjKey)> {
        self.dependents.get(owner_uid).into_iter().flatten()
    }

    /// Inserts or replaces an object, keeping indexes and emitting a watch
    /// event. The caller has already stamped its resourceVersion.
    pub fn put<T: Stored>(&mut self, obj: Rc<T>) {
        self.put_object(T::to_object(obj));
    }

    /// [`Store::put`] for an object of any kind.
    pub fn put_object(&mut self, obj: Object) {
        let kind = obj.kind();
        let key = ObjKey::of(obj.meta());
        let old = self.tables.raw_mut(kind).insert(key.clone(), obj.clone());
        if let Some(old) = &old {
            self.unindex(kind, &key, old);
        }
        self.index(kind, &key, &obj);
        self.pending.push(WatchEvent {
            kind,
            typ: if old.is_some() {
                WatchType::Modified
            } else {
                WatchType::Added
            },
            object: obj,
            old,
            revision: self.revision,
        });
    }

    /// Removes an object, emitting a Deleted event.
    pub fn remove<T: Stored>(&mut self, namespace: &str, name: &str) -> Option<Rc<T>> {
        let old = self.remove_object(T::STORED_KIND, namespace, name)?;
        T::from_object(&old).cloned()
    }

    /// [`Store::remove`] for an object of any kind.
    pub fn remove_object(&mut self, kind: Kind, namespace: &str, name: &str) -> Option<Object> {
        let key = ObjKey::new(namespace, name);
        let old = self.tables.raw_mut(kind).remove(&key)?;
        self.unindex(kind, &key, &old);
        self.pending.push(WatchEvent {
            kind,
            typ: WatchType::Deleted,
            object: old.clone(),
            old: None,
            revision: self.revision,
        });
        Some(old)
    }

    /// Advances and returns the revision for the next write.
    pub fn next_revision(&mut self) -> u64 {
        self.revision += 1;
        self.revision
    }

    /// Takes the changes made since the last call.
    pub fn take_events(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.pending)
    }

    pub fn has_pending_events(&self) -> bool {
        !self.pending.is_empty()
    }

    fn index(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let meta = obj.meta();
        if let Some(uid) = meta.uid.as_deref().filter(|u| !u.is_empty()) {
            self.by_uid.insert(
                Rc::from(uid),
                UidEntry {
                    kind,
                    key: key.clone(),
                },
            );
        }
        for r in &meta.owner_references {
            self.dependents
                .entry(Rc::from(r.uid.as_str()))
                .or_default()
                .insert((kind, key.clone()));
        }
        if let Object::Pod(p) = obj {
            if let Some(node) = p.node_name() {
                self.pods_by_node
                    .entry(node.to_string())
                    .or_default()
                    .insert(key.clone());
            }
        }
    }

    fn unindex(&mut self, kind: Kind, key: &ObjKey, obj: &Object) {
        let meta = obj.meta();
        if let Some(uid) = meta.uid.as_deref() {
            if self
                .by_uid
                .get(uid)
                .is_some_and(|e| e.kind == kind && &e.key == key)
            {
                self.by_uid.remove(uid);
            }
        }
        for r in &meta.owner_references {
            if let Some(set) = self.dependents.get_mut(r.uid.as_str()) {
                set.remove(&(kind, key.clone()));
                if set.is_empty() {
                    self.dependents.remove(r.uid.as_str());
                }
            }
        }
        if let Object::Pod(p) = obj {
            if let Some(node) = p.node_name() {
                if let Some(set) = self.pods_by_node.get_mut(node) {
                    set.remove(key);
                    if set.is_empty() {
                        self.pods_by_node.remove(node);
                    }
                }
            }
        }
    }
}
