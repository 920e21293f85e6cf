//! Raw WebAssembly exports, so Node can drive the same workloads with no
//! bindings generator: numbers in, numbers out, the cluster kept between
//! calls.

use std::cell::RefCell;

use podlab_core::Cluster;

thread_local! {
    static CLUSTER: RefCell<Option<Cluster>> = const { RefCell::new(None) };
}

/// Builds a cluster of `workers` nodes (110 pods each) and keeps it.
#[no_mangle]
pub extern "C" fn setup(workers: u32) {
    let c = crate::cluster(workers, 110);
    CLUSTER.with(|k| *k.borrow_mut() = Some(c));
}

/// Builds the 50-pod probe lesson and keeps it; false if it never got ready.
#[no_mangle]
pub extern "C" fn setup_probes(pods: u32) -> bool {
    match crate::probe_cluster(pods as usize) {
        Ok(c) => {
            CLUSTER.with(|k| *k.borrow_mut() = Some(c));
            true
        }
        Err(_) => false,
    }
}

/// Creates a Deployment of `replicas` and runs until all its pods are
/// Running; the simulated milliseconds it took, or -1.
#[no_mangle]
pub extern "C" fn deploy(replicas: u32) -> f64 {
    with_cluster(|c| {
        crate::create(c, &crate::deployment("web", replicas)).ok()?;
        crate::until_running(c, replicas as usize, 100)
    })
    .flatten()
    .map_or(-1.0, |ms| ms as f64)
}

/// Advances the kept cluster by `ms` simulated milliseconds.
#[no_mangle]
pub extern "C" fn advance(ms: f64) {
    with_cluster(|c| c.advance_by(ms as i64));
}

/// Tasks run so far by the kept cluster.
#[no_mangle]
pub extern "C" fn tasks_run() -> f64 {
    with_cluster(|c| c.tasks_run() as f64).unwrap_or(-1.0)
}

/// Drops the kept cluster.
#[no_mangle]
pub extern "C" fn teardown() {
    CLUSTER.with(|k| *k.borrow_mut() = None);
}

fn with_cluster<R>(f: impl FnOnce(&mut Cluster) -> R) -> Option<R> {
    CLUSTER.with(|k| k.borrow_mut().as_mut().map(f))
}
