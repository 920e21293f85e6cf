//! Runs the engine's benchmarks natively and prints one line per figure.
//!
//! `cargo run --profile bench-native -p podlab-bench -- [SCENARIO…] [--scale F]`
//! with no scenario runs them all. `--scale` shrinks the big clusters
//! (nodes and pods) for a quick look or a profile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use podlab_bench as w;

/// Counts live heap bytes, so memory per pod is measured, not guessed.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged and only
// keeps counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

fn report(name: &str, value: String) {
    println!("{name:<44} {value}");
}

fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale).round() as usize).max(1)
}

/// 5,000 nodes, 150,000 single-container pods (`manifest`) created in one batch, until
/// all run; then an idle simulated minute, to show nothing polls.
fn pods(scale: f64, manifest: &str) -> Result<(), String> {
    let nodes = scaled(5_000, scale);
    let n = scaled(150_000, scale);
    let t = Instant::now();
    let mut c = w::cluster(nodes as u32, 110);
    report(
        &format!("bootstrap {nodes} nodes (15 sim min)"),
        format!("{:.2} s", secs(t)),
    );
    let before = live();
    let t = Instant::now();
    w::create_pods(&mut c, manifest, "web", n)?;
    let created = secs(t);
    let sim = w::until_running(&mut c, n, 1_000).ok_or("pods never all ran")?;
    let total = secs(t);
    report(
        &format!("{n} pods created"),
        format!("{created:.2} s (API writes only)"),
    );
    report(
        &format!("{n} pods to Running"),
        format!("{total:.2} s wall, {:.1} s simulated", sim as f64 / 1e3),
    );
    let per_pod = (live().saturating_sub(before)) / n;
    report("heap per running pod", format!("{per_pod} B"));
    let tasks = c.tasks_run();
    let t = Instant::now();
    c.advance_by(60_000);
    report(
        "idle cluster, one simulated minute",
        format!(
            "{:.3} s wall, {:.0} tasks per simulated second",
            secs(t),
            (c.tasks_run() - tasks) as f64 / 60.0
        ),
    );
    report(
        "peak heap",
        format!("{} MB", PEAK.load(Ordering::Relaxed) >> 20),
    );
    Ok(())
}

/// A 50-pod lesson cluster with HTTP and exec probes: the wall time of one
/// simulated second.
fn probes() -> Result<(), String> {
    let t = Instant::now();
    let mut c = w::probe_cluster(50)?;
    report("50 probed pods ready", format!("{:.3} s", secs(t)));
    let seconds = 300;
    let tasks = c.tasks_run();
    let t = Instant::now();
    for _ in 0..seconds {
        c.advance_by(1_000);
    }
    report(
        "50 probed pods, one simulated second",
        format!(
            "{:.3} ms ({} tasks)",
            secs(t) * 1e3 / seconds as f64,
            (c.tasks_run() - tasks) / seconds
        ),
    );
    Ok(())
}

/// Where a running pod's bytes go: the pod objects, their events, and the
/// rest (kubelet, containers, indexes), at a scale that fits any machine.
fn footprint(scale: f64, manifest: &str) -> Result<(), String> {
    use podlab_core::api::corev1::{Event, Pod};
    let nodes = scaled(5_000, scale);
    let n = scaled(150_000, scale);
    let mut c = w::cluster(nodes as u32, 110);
    c.advance_by(0);
    let b0 = live();
    w::create_pods(&mut c, manifest, "web", n)?;
    let b1 = live();
    w::until_running(&mut c, n, 1_000).ok_or("pods never all ran")?;
    let b2 = live();
    let store = &c.api().store;
    let events = store.table::<Event>().iter_ns(Some("default")).count();
    let pod_json: usize = store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .map(|(_, p)| {
            podlab_core::store::Object::Pod(p.clone())
                .encode()
                .to_json()
                .len()
        })
        .sum();
    report("pending pods, per pod", format!("{} B", (b1 - b0) / n));
    report("running pods, per pod", format!("{} B", (b2 - b0) / n));
    report("events per pod", format!("{:.1}", events as f64 / n as f64));
    report("pod as JSON, per pod", format!("{} B", pod_json / n));
    let names: Vec<String> = store
        .table::<Event>()
        .iter_ns(Some("default"))
        .map(|(n, _)| n.to_string())
        .collect();
    let b3 = live();
    for name in names {
        let _ = c
            .api_mut()
            .delete::<Event>("default", &name, &Default::default());
    }
    c.advance_by(0);
    report(
        "events, per pod",
        format!("{} B", (b3 - live()) as i64 / n as i64),
    );
    Ok(())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs.get(xs.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The peer comparison's workload, natively: a 1,000-replica Deployment on
/// 10 nodes until every pod runs; median of three after a warm-up.
fn peer() -> Result<(), String> {
    let run = |replicas: u32| -> Result<(f64, i64), String> {
        let mut c = w::cluster(10, 110);
        let t = Instant::now();
        w::create(&mut c, &w::deployment("web", replicas))?;
        let sim = w::until_running(&mut c, replicas as usize, 100).ok_or("pods never all ran")?;
        Ok((secs(t) * 1e3, sim))
    };
    run(10)?;
    let mut walls = Vec::new();
    let mut sim = 0;
    for _ in 0..3 {
        let (wall, s) = run(1_000)?;
        walls.push(wall);
        sim = s;
    }
    report(
        "1000-replica Deployment, 10 nodes, to Running",
        format!(
            "median {:.1} ms wall (runs {}), {:.1} s simulated",
            median(walls.clone()),
            walls
                .iter()
                .map(|w| format!("{w:.1}"))
                .collect::<Vec<_>>()
                .join(", "),
            sim as f64 / 1e3
        ),
    );
    Ok(())
}

/// 150,000 replicas on 5,000 nodes until the Deployment is Available.
fn deploy(scale: f64) -> Result<(), String> {
    let nodes = scaled(5_000, scale);
    let n = scaled(150_000, scale) as u32;
    let mut c = w::cluster(nodes as u32, 110);
    let t = Instant::now();
    w::create(&mut c, &w::deployment("web", n))?;
    let sim = w::until_rolled_out(&mut c, "web", 1_000).ok_or("never available")?;
    report(
        &format!("{n}-replica Deployment on {nodes} nodes, Available"),
        format!("{:.2} s wall, {:.1} s simulated", secs(t), sim as f64 / 1e3),
    );
    Ok(())
}

/// A rolling update of a 10,000-replica Deployment (default strategy:
/// 25% surge, 25% unavailable) to completion.
fn rolling(scale: f64) -> Result<(), String> {
    let n = scaled(10_000, scale) as u32;
    // Room for the surge: 125% of the replicas at 110 pods per node.
    let nodes = (n as usize * 5 / 4).div_ceil(100).max(2);
    let mut c = w::cluster(nodes as u32, 110);
    w::create(&mut c, &w::deployment("web", n))?;
    w::until_rolled_out(&mut c, "web", 1_000).ok_or("never available")?;
    let t = Instant::now();
    w::touch_template(&mut c, "web", 1)?;
    let sim = w::until_rolled_out(&mut c, "web", 1_000).ok_or("rollout never completed")?;
    report(
        &format!("rolling update of {n} replicas on {nodes} nodes"),
        format!("{:.2} s wall, {:.1} s simulated", secs(t), sim as f64 / 1e3),
    );
    Ok(())
}

fn main() {
    let mut scale = 1.0;
    let mut scenarios = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--scale" {
            scale = args.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
        } else {
            scenarios.push(a);
        }
    }
    if scenarios.is_empty() {
        scenarios = ["probes", "peer", "pods", "deploy", "rolling"]
            .map(String::from)
            .to_vec();
    }
    let mut failed = false;
    for s in &scenarios {
        let r = match s.as_str() {
            "pods" => pods(scale, w::SLEEP_POD),
            "pods-nginx" => pods(scale, w::NGINX_POD),
            "probes" => probes(),
            "footprint" => footprint(scale, w::SLEEP_POD),
            "footprint-nginx" => footprint(scale, w::NGINX_POD),
            "peer" => peer(),
            "deploy" => deploy(scale),
            "rolling" => rolling(scale),
            other => Err(format!("unknown scenario {other}")),
        };
        if let Err(e) = r {
            eprintln!("{s}: {e}");
            failed = true;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
