//! Workloads that measure the engine. They only build clusters and drive
//! simulated time; the callers (the native runner in `main.rs`, the
//! WebAssembly exports in `wasm.rs` driven from Node) hold the stopwatch, so
//! the same code is timed on both targets.

use podlab_core::api::corev1::{Pod, PodPhase};
use podlab_core::apiserver::WriteOptions;
use podlab_core::store::{Kind, Object};
use podlab_core::{Cluster, ClusterConfig};

#[cfg(target_arch = "wasm32")]
mod wasm;

/// The simulated time a workload may take before it counts as stuck.
pub const SIM_LIMIT_MS: i64 = 30 * 60_000;

/// A cluster of `workers` nodes, each taking up to `max_pods` pods, with the
/// write trace switched off (a benchmark does not read it).
pub fn cluster(workers: u32, max_pods: i64) -> Cluster {
    let mut c = Cluster::new(ClusterConfig {
        workers,
        worker_max_pods: max_pods,
        ..ClusterConfig::default()
    });
    c.api_mut().set_tracing(false);
    c
}

/// Creates every object of a YAML stream, as `kubectl create -f` would.
pub fn create(c: &mut Cluster, yaml: &str) -> Result<(), String> {
    for obj in decode(c, yaml)? {
        c.api_mut()
            .create_object(obj, &WriteOptions::default())
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

fn decode(c: &Cluster, yaml: &str) -> Result<Vec<Object>, String> {
    let nodes = podlab_core::syntax::parse_stream(yaml).map_err(|e| format!("{e:?}"))?;
    let mut out = Vec::new();
    for node in nodes {
        let field = |k: &str| {
            node.get(k)
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let kind = Kind::from_type_meta(&field("apiVersion"), &field("kind"))
            .ok_or_else(|| "unknown kind".to_string())?;
        out.push(c.api().decode(kind, &node).map_err(|e| format!("{e:?}"))?);
    }
    Ok(out)
}

/// A single-container pod as a learner writes it.
pub const NGINX_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: template
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 80
";

/// A Deployment of `replicas` pods that sleep, as `kubectl create deployment
/// NAME --image=busybox:1.36 --replicas=N -- sleep 3600` writes it (the
/// peer comparison runs the same one in webernetes).
pub fn deployment(name: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: [\"sleep\", \"3600\"]
"
    )
}

/// A single-container pod that only sleeps: the least a pod can be.
pub const SLEEP_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: template
  labels:
    app: sleep
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [\"sleep\", \"3600\"]
";

/// Creates `n` pods named `<prefix>-<i>` from a one-pod manifest, in one
/// batch (no time passes between the creates).
pub fn create_pods(c: &mut Cluster, manifest: &str, prefix: &str, n: usize) -> Result<(), String> {
    let template = match decode(c, manifest)?.into_iter().next() {
        Some(Object::Pod(p)) => (*p).clone(),
        _ => return Err("the manifest holds no pod".to_string()),
    };
    for i in 0..n {
        let mut pod = template.clone();
        pod.metadata.name = Some(format!("{prefix}-{i}"));
        c.api_mut()
            .create(pod, &WriteOptions::default())
            .map_err(|e| format!("{e:?}"))?;
    }
    Ok(())
}

/// Pods in the Running phase, in all namespaces but `kube-system`.
pub fn running_pods(c: &Cluster) -> usize {
    user_pods(c)
        .filter(|p| p.phase() == PodPhase::Running)
        .count()
}

/// Pods outside `kube-system`.
pub fn pod_count(c: &Cluster) -> usize {
    user_pods(c).count()
}

fn user_pods(c: &Cluster) -> impl Iterator<Item = &Pod> {
    c.api()
        .store
        .table::<Pod>()
        .iter()
        .filter(|(ns, _, _)| *ns != "kube-system")
        .map(|(_, _, p)| p.as_ref())
}

/// Advances simulated time in steps of `step_ms` until `want` pods run;
/// returns the simulated milliseconds it took, or `None` past the limit.
pub fn until_running(c: &mut Cluster, want: usize, step_ms: i64) -> Option<i64> {
    let start = c.now();
    while c.now() - start < SIM_LIMIT_MS {
        if running_pods(c) >= want {
            return Some(c.now() - start);
        }
        c.advance_by(step_ms);
    }
    None
}

/// A lesson's probe exercise: half the pods serve HTTP and are probed over
/// HTTP, half touch a file and are probed with `cat`; each has a liveness
/// and a readiness probe.
pub fn probe_manifests(pods: usize) -> String {
    let mut out = String::new();
    for i in 0..pods {
        if i % 2 == 0 {
            out.push_str(&format!(
                "---
apiVersion: v1
kind: Pod
metadata:
  name: web-{i}
spec:
  containers:
  - name: web
    image: nginx:1.27
    ports:
    - containerPort: 80
    livenessProbe:
      httpGet:
        path: /
        port: 80
      periodSeconds: 5
    readinessProbe:
      httpGet:
        path: /
        port: 80
      periodSeconds: 2
"
            ));
        } else {
            out.push_str(&format!(
                "---
apiVersion: v1
kind: Pod
metadata:
  name: worker-{i}
spec:
  containers:
  - name: worker
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"touch /tmp/healthy; sleep 3600\"]
    livenessProbe:
      exec:
        command: [\"cat\", \"/tmp/healthy\"]
      periodSeconds: 5
    readinessProbe:
      exec:
        command: [\"cat\", \"/tmp/healthy\"]
      periodSeconds: 2
"
            ));
        }
    }
    out
}

/// The lesson cluster (the default two workers, more pods each) with the
/// probe pods running and ready.
pub fn probe_cluster(pods: usize) -> Result<Cluster, String> {
    let mut c = cluster(2, 110);
    create(&mut c, &probe_manifests(pods))?;
    let start = c.now();
    while c.now() - start < SIM_LIMIT_MS {
        let ready = user_pods(&c).filter(|p| p.is_ready()).count();
        if ready >= pods {
            return Ok(c);
        }
        c.advance_by(1_000);
    }
    Err("the probe pods never became ready".to_string())
}

/// Whether a Deployment's rollout is complete, as `kubectl rollout status`
/// judges it: the controller saw the latest generation and every replica
/// is updated and available, with no old ones left.
pub fn rollout_complete(c: &Cluster, name: &str) -> bool {
    use podlab_core::api::apps::Deployment;
    let Some(d) = c.api().store.get::<Deployment>("default", name) else {
        return false;
    };
    let want = d.spec.replicas.unwrap_or(1);
    let s = &d.status;
    s.observed_generation >= d.metadata.generation.unwrap_or(0)
        && s.updated_replicas == want
        && s.replicas == want
        && s.available_replicas == want
}

/// Advances simulated time in steps of `step_ms` until the Deployment's
/// rollout is complete; the simulated milliseconds it took.
pub fn until_rolled_out(c: &mut Cluster, name: &str, step_ms: i64) -> Option<i64> {
    let start = c.now();
    while c.now() - start < SIM_LIMIT_MS {
        if rollout_complete(c, name) {
            return Some(c.now() - start);
        }
        c.advance_by(step_ms);
    }
    None
}

/// Changes a Deployment's pod template (a new environment variable), as
/// `kubectl set env deployment/NAME ROUND=<n>` does, starting a rollout.
pub fn touch_template(c: &mut Cluster, name: &str, round: u32) -> Result<(), String> {
    use podlab_core::api::apps::Deployment;
    use podlab_core::api::corev1::EnvVar;
    let mut d = (**c
        .api()
        .store
        .get::<Deployment>("default", name)
        .ok_or("no such deployment")?)
    .clone();
    let ctr = d
        .spec
        .template
        .spec
        .containers
        .first_mut()
        .ok_or("no container")?;
    ctr.env.push(EnvVar {
        name: "ROUND".to_string(),
        value: round.to_string(),
        ..Default::default()
    });
    c.api_mut()
        .update(d, &WriteOptions::default())
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}
