//! The garbage collector (`pkg/controller/garbagecollector`): follows
//! `ownerReferences` from owners to dependents.
//!
//! * Background: an owner is gone, so dependents whose every owner is gone
//!   are deleted (and their own dependents after them).
//! * Foreground: an owner with a deletion timestamp and the
//!   `foregroundDeletion` finalizer waits until its dependents that block
//!   owner deletion are gone; the collector deletes them, then removes the
//!   finalizer so the API server removes the owner.
//! * Orphan: an owner with the `orphan` finalizer has its reference taken
//!   off every dependent, then loses the finalizer.
//!
//! Work is keyed by the owner's uid: the store's dependents index answers
//! "who points at this uid" even after the owner is gone. A uid nobody saw
//! deleted (a reference that was dangling from the start) is treated as
//! upstream's graph builder treats an owner it has never observed: it is
//! looked up again after a short delay before its dependents go.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::meta::ObjectMeta;
use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Millis, Propagation, Reason};
use crate::store::{Kind, KindVisitor, ObjKey, Object, Stored, WatchEvent, WatchType};

pub const FINALIZER_ORPHAN: &str = "orphan";
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// How long an owner that was never seen deleted is given to appear before
/// its dependents are collected.
pub const VIRTUAL_OWNER_DELAY: Millis = 1_000;

/// The garbage collector.
#[derive(Default)]
pub struct GarbageCollector {
    /// Uids whose deletion was observed; their dependents go at once.
    deleted: RefCell<BTreeSet<String>>,
    /// When each never-observed owner was first found missing.
    virtual_since: BTreeMap<String, Millis>,
}

fn key(uid: &str) -> ObjKey {
    ObjKey::new("", uid)
}

fn has_finalizer(meta: &ObjectMeta, f: &str) -> bool {
    meta.finalizers.iter().any(|x| x == f)
}

/// Whether an object is in foreground deletion (`isDeletingDependents`).
fn deleting_dependents(meta: &ObjectMeta) -> bool {
    meta.deletion_timestamp.is_some() && has_finalizer(meta, FINALIZER_FOREGROUND)
}

/// Applies `f` to an object's metadata and writes it back as an update.
fn update_meta(
    api: &mut ApiServer,
    kind: Kind,
    k: &ObjKey,
    f: &dyn Fn(&mut ObjectMeta),
) -> Result<(), ApiError> {
    struct U<'a> {
        api: &'a mut ApiServer,
        key: &'a ObjKey,
        f: &'a dyn Fn(&mut ObjectMeta),
    }
    impl KindVisitor for U<'_> {
        type Out = Result<(), ApiError>;
        fn visit<T: Stored>(self) -> Self::Out {
            let Some(obj) = self.api.store.get::<T>(&self.key.namespace, &self.key.name) else {
                return Ok(());
            };
            let mut obj = (**obj).clone();
            (self.f)(obj.meta_mut());
            self.api
                .update(obj, &crate::apiserver::WriteOptions::default())
                .map(|_| ())
        }
    }
    kind.visit(U { api, key: k, f })
}

/// How an object stands to one of its owners (`classifyReferences`).
enum Owner {
    Solid,
    Dangling,
    /// The owner is in foreground deletion.
    Waiting,
}

fn classify(
    api: &ApiServer,
    dependent: &ObjectMeta,
    uid: &str,
    api_version: &str,
    kind: &str,
    name: &str,
) -> Owner {
    // An owner of a kind the cluster does not serve cannot be checked.
    let Some(k) = Kind::from_type_meta(api_version, kind) else {
        return Owner::Solid;
    };
    let ns = if k.info().namespaced {
        dependent.namespace()
    } else {
        ""
    };
    match api.store.get_object(k, ns, name) {
        Some(o) if o.meta().uid() == uid => {
            if deleting_dependents(o.meta()) {
                Owner::Waiting
            } else {
                Owner::Solid
            }
        }
        _ => Owner::Dangling,
    }
}

/// `attemptToDeleteItem`: delete a dependent whose owners are all gone or
/// waiting, or drop its references to those when other owners remain.
fn attempt_to_delete(api: &mut ApiServer, kind: Kind, k: &ObjKey) -> Result<(), ApiError> {
    let Some(obj) = api.store.get_object(kind, &k.namespace, &k.name) else {
        return Ok(());
    };
    let meta = obj.meta();
    // Being deleted is a one-way trip; foreground deletions are driven by
    // their own uid's key.
    if meta.deletion_timestamp.is_some() || meta.owner_references.is_empty() {
        return Ok(());
    }
    let mut solid = 0;
    let mut drop_uids: Vec<String> = Vec::new();
    let mut waiting = false;
    for r in &meta.owner_references {
        match classify(api, meta, &r.uid, &r.api_version, &r.kind, &r.name) {
            Owner::Solid => solid += 1,
            Owner::Dangling => drop_uids.push(r.uid.clone()),
            Owner::Waiting => {
                waiting = true;
                drop_uids.push(r.uid.clone());
            }
        }
    }
    let policy = if solid > 0 {
        if drop_uids.is_empty() {
            return Ok(());
        }
        return update_meta(api, kind, k, &|m: &mut ObjectMeta| {
            m.owner_references.retain(|r| !drop_uids.contains(&r.uid));
        })
        .or_else(not_found_ok);
    } else if waiting && api.store.dependents_of(meta.uid()).next().is_some() {
        Propagation::Foreground
    } else if has_finalizer(meta, FINALIZER_ORPHAN) {
        Propagation::Orphan
    } else if has_finalizer(meta, FINALIZER_FOREGROUND) {
        Propagation::Foreground
    } else {
        Propagation::Background
    };
    let opts = DeleteOptions {
        propagation: policy,
        uid_precondition: Some(meta.uid().to_string()),
        ..Default::default()
    };
    api.delete_object(kind, &k.namespace, &k.name, &opts)
        .map(|_| ())
        .or_else(not_found_ok)
}

fn not_found_ok(e: ApiError) -> Result<(), ApiError> {
    if e.reason == Reason::NotFound || e.reason == Reason::Conflict {
        Ok(())
    } else {
        Err(e)
    }
}

impl GarbageCollector {
    pub fn new() -> GarbageCollector {
        GarbageCollector::default()
    }

    /// `orphanDependents`, then the `orphan` finalizer comes off.
    fn orphan(
        &mut self,
        api: &mut ApiServer,
        kind: Kind,
        owner: &ObjKey,
        uid: &str,
    ) -> Result<(), ApiError> {
        let deps: Vec<(Kind, ObjKey)> = api.store.dependents_of(uid).cloned().collect();
        for (k, dep) in deps {
            let uid = uid.to_string();
            update_meta(api, k, &dep, &move |m: &mut ObjectMeta| {
                m.owner_references.retain(|r| r.uid != uid);
            })
            .or_else(not_found_ok)?;
        }
        update_meta(api, kind, owner, &|m: &mut ObjectMeta| {
            m.finalizers.retain(|f| f != FINALIZER_ORPHAN);
        })
        .or_else(not_found_ok)
    }

    /// `processDeletingDependentsItem`: delete the dependents, and once none
    /// that blocks owner deletion is left, remove the finalizer.
    fn foreground(
        &mut self,
        api: &mut ApiServer,
        kind: Kind,
        owner: &ObjKey,
        uid: &str,
    ) -> Result<(), ApiError> {
        let deps: Vec<(Kind, ObjKey)> = api.store.dependents_of(uid).cloned().collect();
        let mut blocking = false;
        for (k, dep) in &deps {
            let Some(obj) = api.store.get_object(*k, &dep.namespace, &dep.name) else {
                continue;
            };
            let blocks = obj
                .meta()
                .owner_references
                .iter()
                .any(|r| r.uid == uid && r.block_owner_deletion == Some(true));
            blocking |= blocks;
            if !deleting_dependents(obj.meta()) {
                attempt_to_delete(api, *k, dep)?;
            }
        }
        if blocking {
            return Ok(());
        }
        update_meta(api, kind, owner, &|m: &mut ObjectMeta| {
            m.finalizers.retain(|f| f != FINALIZER_FOREGROUND);
        })
        .or_else(not_found_ok)
    }
}

impl Controller for GarbageCollector {
    fn id(&self) -> CtrlId {
        CtrlId::GarbageCollector
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        let meta = ev.object.meta();
        let uid = meta.uid();
        if uid.is_empty() {
            return;
        }
        let kind = ev.object.kind();
        let old_meta = ev.old.as_ref().map(Object::meta);
        let mut owners: BTreeSet<&str> = BTreeSet::new();
        match ev.typ {
            WatchType::Deleted => {
                self.deleted.borrow_mut().insert(uid.to_string());
                out.push((key(uid), QueueReason::Changed(kind, ev.typ)));
                // A foreground owner may have been waiting for this one.
                owners.extend(meta.owner_references.iter().map(|r| r.uid.as_str()));
            }
            WatchType::Added | WatchType::Modified => {
                if meta.deletion_timestamp.is_some()
                    && (has_finalizer(meta, FINALIZER_ORPHAN)
                        || has_finalizer(meta, FINALIZER_FOREGROUND))
                {
                    out.push((key(uid), QueueReason::Changed(kind, ev.typ)));
                }
                let refs_changed =
                    old_meta.is_none_or(|o| o.owner_references != meta.owner_references);
                if refs_changed {
                    owners.extend(meta.owner_references.iter().map(|r| r.uid.as_str()));
                    if let Some(o) = old_meta {
                        owners.extend(o.owner_references.iter().map(|r| r.uid.as_str()));
                    }
                }
            }
        }
        for o in owners {
            out.push((key(o), QueueReason::Related(kind, meta.name().to_string())));
        }
    }

    fn reconcile(&mut self, k: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let uid = k.name.as_str();
        let observed = self.deleted.borrow_mut().remove(uid);
        if let Some(entry) = api.store.lookup_uid(uid).cloned() {
            self.virtual_since.remove(uid);
            let Some(owner) =
                api.store
                    .get_object(entry.kind, &entry.key.namespace, &entry.key.name)
            else {
                return Ok(Action::AwaitChange);
            };
            let meta = owner.meta();
            if meta.deletion_timestamp.is_none() {
                return Ok(Action::AwaitChange);
            }
            if has_finalizer(meta, FINALIZER_ORPHAN) {
                self.orphan(api, entry.kind, &entry.key, uid)?;
            } else if has_finalizer(meta, FINALIZER_FOREGROUND) {
                self.foreground(api, entry.kind, &entry.key, uid)?;
            }
            return Ok(Action::AwaitChange);
        }
        if api.store.dependents_of(uid).next().is_none() {
            self.virtual_since.remove(uid);
            return Ok(Action::AwaitChange);
        }
        if !observed {
            let now = api.now();
            let since = *self.virtual_since.entry(uid.to_string()).or_insert(now);
            if now < since + VIRTUAL_OWNER_DELAY {
                return Ok(Action::RequeueAfter(since + VIRTUAL_OWNER_DELAY - now));
            }
        }
        self.virtual_since.remove(uid);
        let deps: Vec<(Kind, ObjKey)> = api.store.dependents_of(uid).cloned().collect();
        for (kind, dep) in deps {
            attempt_to_delete(api, kind, &dep)?;
        }
        Ok(Action::AwaitChange)
    }
}
