//! The API server: decoding, defaulting, admission, validation, storage,
//! graceful deletion and events — the one way anything changes the cluster.
//!
//! Every component (kubectl, controllers, the scheduler, kubelets) writes
//! through here, so every write bumps the revision, lands in the trace and
//! is announced on the watch feed.

mod admission;
mod errors;
pub mod events;

use std::rc::Rc;

pub use errors::{ApiError, Details, Reason};

use crate::api::codec::{decode_strict, Decode};
use crate::api::corev1::Namespace;
use crate::api::meta::ObjectMeta;
use crate::api::resource::Resource;
use crate::api::time::Time;
use crate::sim::rng::Rng;
use crate::store::{Kind, KindVisitor, ObjKey, Object, Store, Stored};
use crate::syntax::Node;

/// Simulated milliseconds since the cluster started.
pub type Millis = i64;

/// Options of a create or update.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// Run every check but store nothing (`--dry-run=server`).
    pub dry_run: bool,
}

/// How dependents are handled when an owner is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

/// Options of a delete.
#[derive(Clone, Debug)]
pub struct DeleteOptions {
    /// Seconds of grace; `None` uses the object's default.
    pub grace_period: Option<i64>,
    pub propagation: Propagation,
    /// Only delete the object with this uid.
    pub uid_precondition: Option<String>,
    pub dry_run: bool,
}

impl Default for DeleteOptions {
    fn default() -> Self {
        DeleteOptions {
            grace_period: None,
            propagation: Propagation::Background,
            uid_precondition: None,
            dry_run: false,
        }
    }
}

/// What a delete did.
#[derive(Clone, Debug, PartialEq)]
pub enum Deleted<T> {
    /// Removed from storage.
    Gone(Rc<T>),
    /// Marked for deletion (grace period or finalizers); still stored.
    Pending(Rc<T>),
}

impl<T> Deleted<T> {
    pub fn object(&self) -> &Rc<T> {
        match self {
            Deleted::Gone(o) | Deleted::Pending(o) => o,
        }
    }
}

/// A write, for the event trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    pub at: Millis,
    pub revision: u64,
    pub op: TraceOp,
    pub kind: Kind,
    pub key: ObjKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceOp {
    Create,
    Update,
    UpdateStatus,
    Delete,
}

/// The wall-clock instant of simulated time 0, in Unix milliseconds:
/// 2026-01-05T09:00:17Z. Fixed, so runs are reproducible.
pub const EPOCH_MILLIS: i64 = 1_767_603_617_000;

/// The API server and its storage.
pub struct ApiServer {
    pub store: Store,
    now: Millis,
    rng: Rng,
    trace: Vec<TraceEntry>,
    /// Whether to keep the trace (benchmarks switch it off).
    tracing: bool,
    pub(crate) admission: admission::Allocators,
    pub(crate) recorder: events::Recorder,
}

impl ApiServer {
    pub fn new(seed: u64) -> ApiServer {
        ApiServer {
            store: Store::new(),
            now: 0,
            rng: Rng::new(seed),
            trace: Vec::new(),
            tracing: true,
            admission: admission::Allocators::default(),
            recorder: events::Recorder::default(),
        }
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn set_now(&mut self, now: Millis) {
        self.now = now;
    }

    /// The simulated wall clock, in Unix milliseconds.
    pub fn wall_millis(&self) -> i64 {
        EPOCH_MILLIS + self.now
    }

    /// The API timestamp of now.
    pub fn time(&self) -> Time {
        Time::from_millis(self.wall_millis())
    }

    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    fn record(&mut self, op: TraceOp, kind: Kind, meta: &ObjectMeta) {
        if self.tracing {
            self.trace.push(TraceEntry {
                at: self.now,
                revision: self.store.revision(),
                op,
                kind,
                key: ObjKey::of(meta),
            });
        }
    }

    pub fn get<T: Stored>(&self, namespace: &str, name: &str) -> Result<Rc<T>, ApiError> {
        self.store
            .get::<T>(namespace, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(T::INFO, name))
    }

    /// Decodes a manifest of a known kind strictly and applies defaults, as
    /// the API server does before admission.
    pub fn decode(&self, kind: Kind, node: &Node) -> Result<Object, ApiError> {
        struct Dec<'a>(&'a Node);
        impl KindVisitor for Dec<'_> {
            type Out = Result<Object, ApiError>;
            fn visit<T: Stored>(self) -> Self::Out {
                let mut obj: T = decode_strict(self.0).map_err(|f| {
                    let info = T::INFO;
                    let mut e = ApiError::bad_request(format!(
                        "{} in version \"{}\" cannot be handled as a {}: {}",
                        info.kind, info.version, info.kind, f.message
                    ));
                    e.details.decode_errors = f.errors;
                    e
                })?;
                obj.set_defaults();
                Ok(T::to_object(Rc::new(obj)))
            }
        }
        kind.visit(Dec(node))
    }

    /// Decodes without defaults or errors (for client-side views).
    pub fn decode_lenient<T: Decode>(node: &Node) -> T {
        T::decode(node, &mut crate::api::codec::DecodeCx::new())
    }

    /// Creates an object: admission, server-set fields, validation, storage.
    pub fn create<T: Stored>(
        &mut self,
        mut obj: T,
        opts: &WriteOptions,
    ) -> Result<Rc<T>, ApiError> {
        let info = T::INFO;
        {
            let meta = obj.meta_mut();
            if info.namespaced && meta.namespace().is_empty() {
                meta.namespace = Some("default".to_string());
            }
            if !info.namespaced {
                meta.namespace = None;
            }
        }
        self.check_namespace::<T>(&obj)?;
        // Generated names get a random suffix, as the API server's
        // SimpleNameGenerator does (base cut to 58 characters).
        if obj.meta().name().is_empty() {
            if let Some(base) = obj.meta().generate_name.clone().filter(|g| !g.is_empty()) {
                let base: String = base.chars().take(58).collect();
                loop {
                    let candidate = format!("{base}{}", self.rng.name_suffix(5));
                    if self
                        .store
                        .get::<T>(obj.meta().namespace(), &candidate)
                        .is_none()
                    {
                        obj.meta_mut().name = Some(candidate);
                        break;
                    }
                }
            }
        }
        let name = obj.meta().name().to_string();
        // The real server validates metadata before looking for a clash.
        let early = crate::api::validation::validate_object_meta(
            obj.meta(),
            info.namespaced,
            crate::api::validation::validate_subdomain,
        );
        if !name.is_empty()
            && early.is_empty()
            && self.store.get::<T>(obj.meta().namespace(), &name).is_some()
        {
            return Err(ApiError::already_exists(info, &name));
        }
        {
            let uid = self.rng.uuid();
            let now = self.time();
            let meta = obj.meta_mut();
            meta.uid = Some(uid);
            meta.creation_timestamp = Some(now);
            meta.deletion_timestamp = None;
            meta.deletion_grace_period_seconds = None;
            meta.resource_version = None;
            meta.generation = if T::HAS_GENERATION { Some(1) } else { None };
        }
        obj.prepare_for_create();
        admission::admit_create(self, &mut obj)?;
        let errs = obj.validate();
        if !errs.is_empty() {
            return Err(ApiError::invalid(info, &name, errs));
        }
        admission::allocate(self, &mut obj, opts.dry_run)?;
        if opts.dry_run {
            return Ok(Rc::new(obj));
        }
        let rev = self.store.next_revision();
        obj.meta_mut().resource_version = Some(rev.to_string());
        let rc = Rc::new(obj);
        self.store.put(rc.clone());
        self.record(TraceOp::Create, T::STORED_KIND, rc.meta());
        Ok(rc)
    }

    fn check_namespace<T: Stored>(&self, obj: &T) -> Result<(), ApiError> {
        if !T::INFO.namespaced {
            return Ok(());
        }
        let ns = obj.meta().namespace();
        match self.store.get::<crate::api::corev1::Namespace>("", ns) {
            None => Err(ApiError::not_found(crate::api::corev1::Namespace::INFO, ns)),
            Some(n) if n.metadata.deletion_timestamp.is_some() => Err(ApiError::forbidden(
                T::INFO,
                obj.meta().name(),
                &format!(
                    "unable to create new content in namespace {ns} because it is being terminated"
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    /// Replaces an object (the main resource: status is kept, generation
    /// grows when the spec changes).
    pub fn update<T: Stored>(
        &mut self,
        mut obj: T,
        opts: &WriteOptions,
    ) -> Result<Rc<T>, ApiError> {
        let info = T::INFO;
        let ns = if info.namespaced {
            if obj.meta().namespace().is_empty() {
                "default".to_string()
            } else {
                obj.meta().namespace().to_string()
            }
        } else {
            String::new()
        };
        let name = obj.meta().name().to_string();
        let old = self
            .store
            .get::<T>(&ns, &name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(info, &name))?;
        if let Some(rv) = obj
            .meta()
            .resource_version
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            if Some(rv) != old.meta().resource_version.as_deref() {
                return Err(ApiError::conflict(info, &name));
            }
        }
        {
            let om = old.meta();
            let meta = obj.meta_mut();
            meta.namespace = om.namespace.clone();
            meta.uid = om.uid.clone();
            meta.creation_timestamp = om.creation_timestamp;
            meta.deletion_timestamp = om.deletion_timestamp;
            meta.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            meta.generation = om.generation;
        }
        obj.prepare_for_update(&old);
        if T::HAS_GENERATION && spec_changed(&obj, &old) {
            let g = old.meta().generation.unwrap_or(0) + 1;
            obj.meta_mut().generation = Some(g);
        }
        let errs = obj.validate_update(&old);
        if !errs.is_empty() {
            return Err(ApiError::invalid(info, &name, errs));
        }
        if opts.dry_run {
            return Ok(Rc::new(obj));
        }
        // A write that changes nothing is not a write.
        let mut same = obj.clone();
        same.meta_mut().resource_version = old.meta().resource_version.clone();
        if same == *old {
            return Ok(old);
        }
        self.commit(obj, TraceOp::Update)
    }

    /// Writes a component's status update (or any server-side change) of an
    /// existing object, as the status subresource does: no validation of the
    /// spec, no generation change.
    pub fn write_status<T: Stored>(&mut self, mut obj: T) -> Result<Rc<T>, ApiError> {
        let name = obj.meta().name().to_string();
        let ns = obj.meta().namespace().to_string();
        let old = self
            .store
            .get::<T>(&ns, &name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(T::INFO, &name))?;
        if let Some(rv) = obj
            .meta()
            .resource_version
            .as_deref()
            .filter(|r| !r.is_empty())
        {
            if Some(rv) != old.meta().resource_version.as_deref() {
                return Err(ApiError::conflict(T::INFO, &name));
            }
        }
        obj.meta_mut().resource_version = old.meta().resource_version.clone();
        if obj == *old {
            return Ok(old);
        }
        self.commit(obj, TraceOp::UpdateStatus)
    }

    fn commit<T: Stored>(&mut self, mut obj: T, op: TraceOp) -> Result<Rc<T>, ApiError> {
        // An object whose deletion is pending goes away once its last
        // finalizer is removed.
        if obj.meta().deletion_timestamp.is_some()
            && obj.meta().finalizers.is_empty()
            && !is_graceful_pod::<T>(&obj)
            && !spec_finalizers_pending(&obj)
        {
            let ns = obj.meta().namespace().to_string();
            let name = obj.meta().name().to_string();
            self.store.next_revision();
            if let Some(removed) = self.store.remove::<T>(&ns, &name) {
                admission::released(self, &*removed);
            }
            self.record(TraceOp::Delete, T::STORED_KIND, obj.meta());
            return Ok(Rc::new(obj));
        }
        let rev = self.store.next_revision();
        obj.meta_mut().resource_version = Some(rev.to_string());
        let rc = Rc::new(obj);
        self.store.put(rc.clone());
        self.record(op, T::STORED_KIND, rc.meta());
        Ok(rc)
    }

    /// Deletes an object: at once, or by marking it when a grace period or
    /// finalizers apply.
    pub fn delete<T: Stored>(
        &mut self,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Deleted<T>, ApiError> {
        let info = T::INFO;
        let ns = if info.namespaced { namespace } else { "" };
        let old = self
            .store
            .get::<T>(ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(info, name))?;
        if let Some(uid) = &opts.uid_precondition {
            if old.meta().uid() != uid {
                return Err(ApiError::new(
                    Reason::Conflict,
                    format!(
                        "Operation cannot be fulfilled on {} \"{name}\": Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        info.qualified_plural(),
                        old.meta().uid()
                    ),
                ));
            }
        }
        if let Some(done) = self.delete_namespace(&old, opts)? {
            return Ok(done);
        }
        let grace = graceful_period::<T>(&old, opts.grace_period);
        let mut obj = (*old).clone();
        let mut finalizers = obj.meta().finalizers.clone();
        match opts.propagation {
            Propagation::Orphan => {
                if !finalizers.iter().any(|f| f == "orphan") {
                    finalizers.push("orphan".to_string());
                }
            }
            Propagation::Foreground => {
                if !finalizers.iter().any(|f| f == "foregroundDeletion") {
                    finalizers.push("foregroundDeletion".to_string());
                }
            }
            Propagation::Background => {}
        }
        // Orphaning or foreground deletion only matter with dependents.
        let has_dependents = self.store.dependents_of(old.meta().uid()).next().is_some();
        if !has_dependents {
            finalizers.retain(|f| f != "orphan" && f != "foregroundDeletion");
        }
        if opts.dry_run {
            return Ok(Deleted::Gone(old));
        }
        let already = old.meta().deletion_timestamp.is_some();
        if grace == 0 && finalizers.is_empty() {
            self.store.next_revision();
            let removed = self
                .store
                .remove::<T>(ns, name)
                .ok_or_else(|| ApiError::not_found(info, name))?;
            admission::released(self, &*removed);
            self.record(TraceOp::Delete, T::STORED_KIND, removed.meta());
            return Ok(Deleted::Gone(removed));
        }
        if already {
            // A second delete may only shorten the grace period.
            let current = old.meta().deletion_grace_period_seconds.unwrap_or(0);
            if grace >= current && finalizers == old.meta().finalizers {
                return Ok(Deleted::Pending(old));
            }
        }
        {
            let now = self.wall_millis();
            let meta = obj.meta_mut();
            meta.finalizers = finalizers;
            meta.deletion_timestamp = Some(Time::from_millis(now + grace * 1000));
            meta.deletion_grace_period_seconds = Some(grace);
            if let Some(g) = meta.generation {
                if T::HAS_GENERATION {
                    meta.generation = Some(g + 1);
                }
            }
        }
        let rev = self.store.next_revision();
        obj.meta_mut().resource_version = Some(rev.to_string());
        let rc = Rc::new(obj);
        self.store.put(rc.clone());
        self.record(TraceOp::Update, T::STORED_KIND, rc.meta());
        Ok(Deleted::Pending(rc))
    }

    /// A namespace is finalized by the namespace controller: the first
    /// delete only marks it Terminating; it goes once its spec finalizers
    /// are gone (see `commit`), and deleting it meanwhile is a conflict.
    /// `None` for every other kind, and for a namespace ready to go.
    fn delete_namespace<T: Stored>(
        &mut self,
        old: &Rc<T>,
        opts: &DeleteOptions,
    ) -> Result<Option<Deleted<T>>, ApiError> {
        let Some(ns) = (&**old as &dyn std::any::Any).downcast_ref::<Namespace>() else {
            return Ok(None);
        };
        // NamespaceLifecycle admission keeps the system namespaces.
        if matches!(
            ns.metadata.name(),
            "default" | "kube-system" | "kube-public"
        ) {
            return Err(ApiError::forbidden(
                Namespace::INFO,
                ns.metadata.name(),
                "this namespace may not be deleted",
            ));
        }
        if ns.metadata.deletion_timestamp.is_some() {
            if ns.spec.finalizers.is_empty() {
                return Ok(None);
            }
            return Err(ApiError::new(
                Reason::Conflict,
                format!(
                    "Operation cannot be fulfilled on namespaces \"{}\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.",
                    ns.metadata.name()
                ),
            ));
        }
        if opts.dry_run {
            return Ok(Some(Deleted::Pending(old.clone())));
        }
        let mut obj = (**old).clone();
        let now = self.time();
        if let Some(ns) = (&mut obj as &mut dyn std::any::Any).downcast_mut::<Namespace>() {
            ns.metadata.deletion_timestamp = Some(now);
            ns.status.phase = "Terminating".to_string();
        }
        let rev = self.store.next_revision();
        obj.meta_mut().resource_version = Some(rev.to_string());
        let rc = Rc::new(obj);
        self.store.put(rc.clone());
        self.record(TraceOp::Update, T::STORED_KIND, rc.meta());
        Ok(Some(Deleted::Pending(rc)))
    }

    /// Creates a decoded object of any kind.
    pub fn create_object(&mut self, obj: Object, opts: &WriteOptions) -> Result<Object, ApiError> {
        struct C<'a>(&'a mut ApiServer, Object, &'a WriteOptions);
        impl KindVisitor for C<'_> {
            type Out = Result<Object, ApiError>;
            fn visit<T: Stored>(self) -> Self::Out {
                let typed = T::from_object(&self.1).map(|rc| (**rc).clone());
                match typed {
                    Some(t) => self.0.create(t, self.2).map(T::to_object),
                    None => Err(ApiError::bad_request("object kind mismatch")),
                }
            }
        }
        let kind = obj.kind();
        kind.visit(C(self, obj, opts))
    }

    /// Replaces a decoded object of any kind.
    pub fn update_object(&mut self, obj: Object, opts: &WriteOptions) -> Result<Object, ApiError> {
        struct U<'a>(&'a mut ApiServer, Object, &'a WriteOptions);
        impl KindVisitor for U<'_> {
            type Out = Result<Object, ApiError>;
            fn visit<T: Stored>(self) -> Self::Out {
                let typed = T::from_object(&self.1).map(|rc| (**rc).clone());
                match typed {
                    Some(t) => self.0.update(t, self.2).map(T::to_object),
                    None => Err(ApiError::bad_request("object kind mismatch")),
                }
            }
        }
        let kind = obj.kind();
        kind.visit(U(self, obj, opts))
    }

    /// Deletes an object of any kind.
    pub fn delete_object(
        &mut self,
        kind: Kind,
        namespace: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Deleted<Object>, ApiError> {
        struct D<'a>(&'a mut ApiServer, &'a str, &'a str, &'a DeleteOptions);
        impl KindVisitor for D<'_> {
            type Out = Result<Deleted<Object>, ApiError>;
            fn visit<T: Stored>(self) -> Self::Out {
                Ok(match self.0.delete::<T>(self.1, self.2, self.3)? {
                    Deleted::Gone(o) => Deleted::Gone(Rc::new(T::to_object(o))),
                    Deleted::Pending(o) => Deleted::Pending(Rc::new(T::to_object(o))),
                })
            }
        }
        kind.visit(D(self, namespace, name, opts))
    }
}

/// A namespace also waits for its spec finalizers
/// (`ShouldDeleteNamespaceDuringUpdate`).
fn spec_finalizers_pending<T: Stored>(obj: &T) -> bool {
    (obj as &dyn std::any::Any)
        .downcast_ref::<Namespace>()
        .is_some_and(|ns| !ns.spec.finalizers.is_empty())
}

/// Pods with a grace period are removed by the kubelet, not by finalizers.
fn is_graceful_pod<T: Stored>(obj: &T) -> bool {
    T::STORED_KIND == Kind::Pod && obj.meta().deletion_grace_period_seconds.unwrap_or(0) > 0
}

/// The grace period a delete gets (`CheckGracefulDelete`): pods use their
/// spec's period unless told otherwise, and go at once when never scheduled
/// or already finished; other kinds have none.
fn graceful_period<T: Stored>(obj: &T, requested: Option<i64>) -> i64 {
    let Some(pod) = (obj as &dyn std::any::Any).downcast_ref::<crate::api::corev1::Pod>() else {
        return 0;
    };
    if pod.node_name().is_none() || pod.is_terminal() {
        return 0;
    }
    let g = requested
        .filter(|g| *g >= 0)
        .or(pod.spec.termination_grace_period_seconds)
        .unwrap_or(30);
    g.max(0)
}

/// Whether anything but metadata and status differs (generation bumps).
fn spec_changed<T: Stored>(new: &T, old: &T) -> bool {
    let mut a = crate::api::codec::Encode::encode(new);
    let mut b = crate::api::codec::Encode::encode(old);
    for v in [&mut a, &mut b] {
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            m.remove("status");
        }
    }
    a != b
}
