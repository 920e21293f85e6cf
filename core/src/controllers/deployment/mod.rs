//! The Deployment controller (`pkg/controller/deployment`): rolls a pod
//! template out as ReplicaSets.
//!
//! One sync does one step, as upstream: claim the ReplicaSets, then either
//! report status only (being deleted), scale (paused, or the replica count
//! changed) or roll out (`rolling` or `recreate`), and finally write the
//! status and conditions (`progress`). Rollbacks need no code of their own:
//! `kubectl rollout undo` copies an old template into the Deployment, and
//! the sync finds the ReplicaSet with that template and gives it the next
//! revision.

mod progress;
mod recreate;
mod rolling;
mod sync;
pub mod util;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use super::replicaset::{is_controlled_by, new_controller_ref};
use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::apps::{Deployment, ReplicaSet};
use crate::api::meta::LabelSelector;
use crate::api::resource::Resource;
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{ApiError, ApiServer, Millis, Reason, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

const COMPONENT: &str = "deployment-controller";

/// The Deployment controller.
#[derive(Default)]
pub struct Deployments {
    /// Which Deployment owns each ReplicaSet, to route pod deletions (a
    /// Recreate rollout waits for the old pods to be gone).
    rs_owner: BTreeMap<ObjKey, ObjKey>,
    owned: BTreeMap<ObjKey, BTreeSet<ObjKey>>,
    /// Every Deployment's selector, by namespace, to route orphan
    /// ReplicaSets to the Deployments that would adopt them.
    selectors: BTreeMap<String, BTreeMap<String, LabelSelector>>,
    /// Deployments an orphan ReplicaSet was routed to since their last sync.
    orphan_check: RefCell<BTreeSet<ObjKey>>,
    /// The uid each Deployment had at its last sync: a new one looks for
    /// orphans to adopt.
    seen: BTreeMap<ObjKey, String>,
}

impl Deployments {
    pub fn new() -> Deployments {
        Deployments::default()
    }

    fn forget(&mut self, key: &ObjKey) {
        self.seen.remove(key);
        if let Some(m) = self.selectors.get_mut(&key.namespace) {
            m.remove(&key.name);
            if m.is_empty() {
                self.selectors.remove(&key.namespace);
            }
        }
        for rs in self.owned.remove(key).unwrap_or_default() {
            self.rs_owner.remove(&rs);
        }
    }

    fn remember(&mut self, key: &ObjKey, d: &Deployment, rss: &[ReplicaSet]) {
        if let Some(sel) = &d.spec.selector {
            self.selectors
                .entry(key.namespace.clone())
                .or_default()
                .insert(key.name.clone(), sel.clone());
        }
        let now: BTreeSet<ObjKey> = rss.iter().map(|r| ObjKey::of(&r.metadata)).collect();
        for gone in self
            .owned
            .get(key)
            .map(|s| s.difference(&now).cloned().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            self.rs_owner.remove(&gone);
        }
        for rs in &now {
            self.rs_owner.insert(rs.clone(), key.clone());
        }
        self.owned.insert(key.clone(), now);
    }

    fn rs_changed(
        &self,
        rs: &ReplicaSet,
        old: Option<&ReplicaSet>,
        typ: WatchType,
        out: &mut Vec<(ObjKey, QueueReason)>,
    ) {
        let ns = rs.metadata.namespace();
        let reason = || QueueReason::Related(Kind::ReplicaSet, rs.metadata.name().to_string());
        let owner = |r: &ReplicaSet| {
            r.metadata
                .controller()
                .filter(|c| c.kind == "Deployment" && c.api_version.starts_with("apps/"))
                .map(|c| c.name.clone())
        };
        let mut owners: Vec<String> = owner(rs).into_iter().collect();
        if let Some(o) = old.and_then(owner) {
            if !owners.contains(&o) {
                owners.push(o);
            }
        }
        for name in &owners {
            out.push((ObjKey::new(ns, name), reason()));
        }
        if rs.metadata.controller().is_some() || typ == WatchType::Deleted {
            return;
        }
        let interesting = old.is_none_or(|o| {
            o.metadata.labels != rs.metadata.labels || o.metadata.controller().is_some()
        });
        if !interesting {
            return;
        }
        for (name, sel) in self.selectors.get(ns).into_iter().flatten() {
            if sel.matches(&rs.metadata.labels) {
                let key = ObjKey::new(ns, name);
                self.orphan_check.borrow_mut().insert(key.clone());
                out.push((key, reason()));
            }
        }
    }
}

/// `getReplicaSetsForDeployment`: the ReplicaSets the Deployment controls,
/// after adopting matching orphans (when asked to look for them) and
/// releasing those that stopped matching (`ClaimReplicaSets`).
fn claim_replica_sets(
    api: &mut ApiServer,
    d: &Deployment,
    look_for_orphans: bool,
) -> Result<Vec<ReplicaSet>, ApiError> {
    let ns = d.metadata.namespace().to_string();
    let uid = d.metadata.uid().to_string();
    let deleting = d.metadata.deletion_timestamp.is_some();
    let matches = |rs: &ReplicaSet| {
        d.spec
            .selector
            .as_ref()
            .is_some_and(|s| !s.is_empty() && s.matches(&rs.metadata.labels))
    };
    let mut candidates: Vec<ReplicaSet> = api
        .store
        .dependents_of(&uid)
        .filter(|(k, _)| *k == Kind::ReplicaSet)
        .filter_map(|(_, k)| api.store.get::<ReplicaSet>(&k.namespace, &k.name))
        .map(|rs| (**rs).clone())
        .collect();
    if look_for_orphans {
        candidates.extend(
            api.store
                .table::<ReplicaSet>()
                .iter_ns(Some(&ns))
                .filter(|(_, rs)| rs.metadata.controller().is_none() && matches(rs))
                .map(|(_, rs)| (**rs).clone()),
        );
    }
    let mut owned = Vec::new();
    let mut first_err = None;
    for mut rs in candidates {
        match rs.metadata.controller() {
            Some(c) if c.uid == uid => {
                if matches(&rs) {
                    owned.push(rs);
                } else if !deleting {
                    rs.metadata.owner_references.retain(|r| r.uid != uid);
                    if let Err(e) = api.update(rs, &WriteOptions::default()) {
                        if e.reason != Reason::NotFound {
                            first_err.get_or_insert(e);
                        }
                    }
                }
            }
            Some(_) => {}
            None => {
                if deleting || !matches(&rs) || rs.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                rs.metadata
                    .owner_references
                    .push(new_controller_ref(Deployment::INFO, &d.metadata));
                match api.update(rs, &WriteOptions::default()) {
                    Ok(adopted) => owned.push((*adopted).clone()),
                    Err(e) if e.reason == Reason::NotFound => {}
                    Err(e) => {
                        first_err.get_or_insert(e);
                    }
                }
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(owned),
    }
}

impl Controller for Deployments {
    fn id(&self) -> CtrlId {
        CtrlId::Deployment
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        match &ev.object {
            Object::Deployment(d) => out.push((
                ObjKey::of(&d.metadata),
                QueueReason::Changed(Kind::Deployment, ev.typ),
            )),
            Object::ReplicaSet(rs) => {
                let old = match &ev.old {
                    Some(Object::ReplicaSet(o)) => Some(&**o),
                    _ => None,
                };
                self.rs_changed(rs, old, ev.typ, out);
            }
            Object::Pod(p) if ev.typ == WatchType::Deleted => {
                let Some(c) = p.metadata.controller().filter(|c| c.kind == "ReplicaSet") else {
                    return;
                };
                if let Some(d) = self.rs_owner.get(&ObjKey::new(p.namespace(), &c.name)) {
                    out.push((
                        d.clone(),
                        QueueReason::Related(Kind::Pod, p.name().to_string()),
                    ));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let Some(d) = api
            .store
            .get::<Deployment>(&key.namespace, &key.name)
            .cloned()
        else {
            self.forget(key);
            return Ok(Action::AwaitChange);
        };
        let mut d = (*d).clone();
        if d.spec.selector.as_ref().is_none_or(LabelSelector::is_empty) {
            api.record_event(
                object_ref(&d, ""),
                EventType::Warning,
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required."
                    .to_string(),
                &Source::component(COMPONENT),
            );
            let generation = d.metadata.generation.unwrap_or(0);
            if d.status.observed_generation < generation {
                d.status.observed_generation = generation;
                api.write_status(d)?;
            }
            return Ok(Action::AwaitChange);
        }
        let uid = d.metadata.uid().to_string();
        let look_for_orphans =
            self.orphan_check.borrow_mut().remove(key) || self.seen.get(key) != Some(&uid);
        self.seen.insert(key.clone(), uid);
        let rss = match claim_replica_sets(api, &d, look_for_orphans) {
            Ok(rss) => rss,
            Err(e) => {
                if look_for_orphans {
                    self.orphan_check.borrow_mut().insert(key.clone());
                }
                return Err(e);
            }
        };
        self.remember(key, &d, &rss);
        let mut s = sync::Sync::new(api, d, rss);
        s.sync_deployment()?;
        Ok(match s.requeue {
            Some(ms) => Action::RequeueAfter(ms),
            None => Action::AwaitChange,
        })
    }
}

/// How long until a wall-clock instant, at least a millisecond.
fn until(api: &ApiServer, wall_ms: i64) -> Millis {
    wall_ms.saturating_sub(api.wall_millis()).max(1)
}

/// Whether `rs` is owned by the Deployment `d`.
fn owns(d: &Deployment, rs: &ReplicaSet) -> bool {
    is_controlled_by(&rs.metadata, d.metadata.uid())
}
