//! The pod worker's sync (`SyncPod` and `computePodActions`): create the
//! sandbox, run init containers in order, start and restart containers with
//! back-off, kill on probe failures, terminate on deletion, and report
//! status.

use std::net::Ipv4Addr;
use std::rc::Rc;

use super::pod::{Ctr, HookRun, InFlight, Instance, KillReason, Op, PodWorker, Sandbox};
use super::prober::{Outcome, ProbeKind, Tick};
use super::status::{self, CState, PodView, Terminated};
use super::{env, volumes, Cx, Kubelet, KubeletTask};
use crate::api::corev1::{LifecycleHandler, Pod, PodPhase, PullPolicy, RestartPolicy};
use crate::api::time::{go_duration, Time};
use crate::apiserver::events::{object_ref, EventType, Source};
use crate::apiserver::{DeleteOptions, Millis};
use crate::images::PullError;
use crate::network::ContainerOutside;
use crate::sim::Task;
use crate::userland::outside::HttpRequest;
use crate::userland::{ExecOptions, Machine, MachineConfig, Signal, Stdin, Volume};

/// The kubelet notices a pod it must run this long after the API says so.
pub const WATCH_DELAY: Millis = 100;
/// Sandbox creation (network setup) takes this long, plus up to as much
/// again.
const SANDBOX_MIN: Millis = 500;
/// The kubelet's PLEG relists containers every second.
const PLEG_PERIOD: Millis = 1_000;
/// Between creating and starting a container.
const CREATE_DELAY: Millis = 100;
/// A failed sync is retried after 10 s with up to 50 % jitter.
const RETRY_BASE: Millis = 10_000;
/// The grace period floor for kills (`minimumGracePeriodInSeconds`).
const MIN_GRACE_SECS: i64 = 2;

impl Kubelet {
    fn pod_ref(&self, w: &PodWorker, field_path: &str) -> crate::api::corev1::ObjectReference {
        object_ref(&*w.pod, field_path)
    }

    fn event(
        &self,
        cx: &mut Cx,
        w: &PodWorker,
        c: Option<&Ctr>,
        t: EventType,
        reason: &str,
        msg: String,
    ) {
        let path = c
            .map(|c| {
                if c.init {
                    format!("spec.initContainers{{{}}}", c.spec.name)
                } else {
                    format!("spec.containers{{{}}}", c.spec.name)
                }
            })
            .unwrap_or_default();
        let r = self.pod_ref(w, &path);
        cx.api
            .record_event(r, t, reason, msg, &Source::kubelet(&self.node_name));
    }

    pub(super) fn schedule_sync(&self, w: &mut PodWorker, cx: &mut Cx, at: Millis) {
        if w.sync_at.is_none_or(|t| at < t) {
            w.sync_at = Some(at);
            cx.timers.at(
                at,
                Task::Kubelet(self.node_name.clone(), KubeletTask::Sync(w.uid.clone())),
            );
        }
    }

    fn retry_later(&self, w: &mut PodWorker, cx: &mut Cx) {
        let now = cx.api.now();
        let jitter = cx.api.rng().below((RETRY_BASE / 2) as u64) as Millis;
        self.schedule_sync(w, cx, now + RETRY_BASE + jitter);
    }

    /// Schedules a wake-up for the earliest thing due in the pod's
    /// containers: a process, a hook, a probe deadline, a kill deadline.
    pub(super) fn schedule_wake(&self, w: &mut PodWorker, cx: &mut Cx) {
        let now = cx.api.now();
        let mut next: Option<Millis> = None;
        let mut consider = |t: Millis| {
            let t = t.max(now);
            if next.is_none_or(|n| t < n) {
                next = Some(t);
            }
        };
        for c in &w.ctrs {
            if let Some(inst) = &c.inst {
                if let Some(t) = inst.machine.next_wake() {
                    consider(t as Millis);
                }
                // A process that already ended is noticed at once.
                if inst.machine.exit_status(inst.pid).is_some() {
                    consider(now);
                }
            }
            for run in c.probe_runs.values() {
                consider(run.deadline);
            }
            match &c.op {
                Op::Killing { deadline, .. } => consider(*deadline),
                Op::PostStart {
                    hook: HookRun::Until(t, _),
                } => consider(*t),
                Op::PostStart {
                    hook: HookRun::Exec(run),
                } => consider(run.deadline),
                _ => {}
            }
            if let Op::Killing {
                pre_stop: Some(HookRun::Until(t, _)),
                ..
            } = &c.op
            {
                consider(*t);
            }
        }
        if let Some(t) = next {
            if w.wake_at.is_none_or(|x| t < x || x < now) {
                w.wake_at = Some(t);
                cx.timers.at(
                    t,
                    Task::Kubelet(self.node_name.clone(), KubeletTask::Wake(w.uid.clone())),
                );
            }
        }
    }

    /// The pod worker's main step.
    pub(super) fn sync(&mut self, w: &mut PodWorker, cx: &mut Cx) {
        let now = cx.api.now();
        if w.finished {
            return;
        }
        // The latest pod object, unless it is gone (force deletion).
        match cx.api.store.get::<Pod>(w.pod.namespace(), w.pod.name()) {
            Some(p) if p.metadata.uid() == w.uid => w.pod = p.clone(),
            _ => w.orphaned = true,
        }
        if w.orphaned || w.pod.metadata.deletion_timestamp.is_some() {
            self.terminate(w, cx);
            return;
        }
        if w.pod.is_terminal() {
            return;
        }
        match w.sandbox {
            Sandbox::None => {
                w.sandbox = Sandbox::Creating;
                w.start_time = Some(cx.api.time());
                let extra = cx.api.rng().below(SANDBOX_MIN as u64) as Millis;
                cx.timers.at(
                    now + SANDBOX_MIN + extra,
                    Task::Kubelet(self.node_name.clone(), KubeletTask::Sandbox(w.uid.clone())),
                );
                self.write_status(w, cx);
                return;
            }
            Sandbox::Creating => return,
            Sandbox::Ready => {}
        }
        if w.volumes.is_none() {
            let host_ip = self.node_ip.clone();
            let pod_ip = w.ip.clone().unwrap_or_default();
            match volumes::build(
                cx.api,
                cx.storage,
                &w.pod,
                &self.node_name,
                &host_ip,
                &pod_ip,
            ) {
                Ok(v) => w.volumes = Some(v),
                Err(msg) => {
                    self.event(cx, w, None, EventType::Warning, "FailedMount", msg);
                    w.mount_failures += 1;
                    // The volume manager retries with exponential back-off.
                    let delay = (500 << w.mount_failures.min(8)).min(122_000);
                    self.schedule_sync(w, cx, now + delay as Millis);
                    self.write_status(w, cx);
                    return;
                }
            }
        }
        let policy = w.pod.restart_policy();
        // Init containers, in order.
        for i in 0..w.n_init {
            if w.ctrs[i].busy() {
                self.write_status(w, cx);
                return;
            }
            if w.ctrs[i].sidecar {
                if w.ctrs[i].running() && w.ctrs[i].view.started {
                    continue;
                }
                if w.ctrs[i].running() {
                    self.write_status(w, cx);
                    return;
                }
                if w.ctrs[i].never_started() {
                    self.start(w, i, cx);
                } else {
                    self.restart_with_backoff(w, i, cx);
                }
                self.write_status(w, cx);
                return;
            }
            match w.ctrs[i].exited_code() {
                Some(0) => continue,
                Some(_) => {
                    if policy != RestartPolicy::Never {
                        self.restart_with_backoff(w, i, cx);
                    }
                    self.write_status(w, cx);
                    return;
                }
                None => {
                    if w.ctrs[i].never_started() {
                        self.start(w, i, cx);
                    } else if !w.ctrs[i].running() && w.ctrs[i].view.waiting_override.is_some() {
                        self.restart_with_backoff(w, i, cx);
                    }
                    self.write_status(w, cx);
                    return;
                }
            }
        }
        // App containers, all at once.
        for i in w.n_init..w.ctrs.len() {
            if w.ctrs[i].busy() {
                continue;
            }
            if let Some(kind) = w.ctrs[i].liveness_failed.take() {
                if w.ctrs[i].alive() {
                    self.kill_for_probe(w, i, kind, cx);
                }
                continue;
            }
            if w.ctrs[i].running() {
                continue;
            }
            if w.ctrs[i].never_started() {
                if w.ctrs[i].image.is_none() || w.ctrs[i].view.waiting_override.is_none() {
                    self.start(w, i, cx);
                } else {
                    self.restart_with_backoff(w, i, cx);
                }
                continue;
            }
            let code = w.ctrs[i].exited_code();
            let restart = !matches!(
                (&policy, code),
                (RestartPolicy::Never, _) | (RestartPolicy::OnFailure, Some(0))
            );
            if restart {
                self.restart_with_backoff(w, i, cx);
            }
        }
        self.write_status(w, cx);
    }

    /// Restarts a dead container unless it is in crash-loop back-off
    /// (`doBackOff`).
    fn restart_with_backoff(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let key = format!("{}/{}", w.uid, w.ctrs[i].spec.name);
        if let Some(ts) = w.ctrs[i].last_exit {
            if self.backoff.in_backoff_since(&key, ts, now) {
                self.enter_crash_loop(w, i, cx);
                return;
            }
            self.backoff.next(&key, ts, now);
        }
        self.start(w, i, cx);
    }

    fn enter_crash_loop(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let key = format!("{}/{}", w.uid, w.ctrs[i].spec.name);
        let delay = self.backoff.get(&key).unwrap_or(super::backoff::INITIAL);
        let name = w.ctrs[i].spec.name.clone();
        let msg = format!(
            "back-off {} restarting failed container={name} pod={}",
            go_duration(delay),
            w.full_name()
        );
        w.ctrs[i].view.waiting_override = Some(("CrashLoopBackOff".to_string(), msg));
        self.event(
            cx,
            w,
            Some(&w.ctrs[i]),
            EventType::Warning,
            "BackOff",
            format!(
                "Back-off restarting failed container {name} in pod {}",
                w.full_name()
            ),
        );
        self.retry_later(w, cx);
    }

    /// Pull (if needed), create and start a container.
    pub(super) fn start(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let image_name = w.ctrs[i].spec.image.clone();
        if w.ctrs[i].image.is_none() {
            let present = cx.catalog.pull(&image_name);
            let policy = w.ctrs[i].spec.image_pull_policy.clone();
            let image_key = format!("{}/{}/{image_name}", w.uid, w.ctrs[i].spec.name);
            match present {
                Err(PullError::InvalidName(msg)) => {
                    self.wait_with(w, i, "InvalidImageName", &msg);
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Warning,
                        "InspectFailed",
                        msg,
                    );
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Warning,
                        "Failed",
                        "Error: InvalidImageName".to_string(),
                    );
                    self.retry_later(w, cx);
                    return;
                }
                Ok(img) if policy != PullPolicy::Always => {
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Normal,
                        "Pulled",
                        format!("Container image \"{image_name}\" already present on machine"),
                    );
                    w.ctrs[i].image = Some(img);
                }
                _ if policy == PullPolicy::Never => {
                    let msg = format!(
                        "Container image \"{image_name}\" is not present with pull policy of Never"
                    );
                    self.wait_with(w, i, "ErrImageNeverPull", &msg);
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Warning,
                        "ErrImageNeverPull",
                        msg,
                    );
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Warning,
                        "Failed",
                        "Error: ErrImageNeverPull".to_string(),
                    );
                    self.retry_later(w, cx);
                    return;
                }
                result => {
                    // An image that failed recently waits out its back-off.
                    let failing = matches!(&w.ctrs[i].view.state, CState::Waiting { reason, .. } if reason == "ErrImagePull" || reason == "ImagePullBackOff");
                    if failing {
                        if let Some(since) = self.image_failed_at.get(&image_key).copied() {
                            if self.image_backoff.in_backoff_since(&image_key, since, now) {
                                let msg = format!("Back-off pulling image \"{image_name}\"");
                                self.wait_with(w, i, "ImagePullBackOff", &msg);
                                self.event(
                                    cx,
                                    w,
                                    Some(&w.ctrs[i]),
                                    EventType::Normal,
                                    "BackOff",
                                    msg,
                                );
                                self.event(
                                    cx,
                                    w,
                                    Some(&w.ctrs[i]),
                                    EventType::Warning,
                                    "Failed",
                                    "Error: ImagePullBackOff".to_string(),
                                );
                                self.retry_later(w, cx);
                                return;
                            }
                            self.image_backoff.next(&image_key, since, now);
                        }
                    }
                    self.event(
                        cx,
                        w,
                        Some(&w.ctrs[i]),
                        EventType::Normal,
                        "Pulling",
                        format!("Pulling image \"{image_name}\""),
                    );
                    let (duration, failed) = match &result {
                        Ok(img) => (pull_duration(img.size_bytes), None),
                        Err(PullError::NotFound(m)) => (1_000, Some(m.clone())),
                        Err(PullError::InvalidName(m)) => (0, Some(m.clone())),
                    };
                    w.ctrs[i].op = Op::Pulling {
                        until: now + duration,
                        failed,
                    };
                    cx.timers.at(
                        now + duration,
                        Task::Kubelet(
                            self.node_name.clone(),
                            KubeletTask::Pulled(w.uid.clone(), w.ctrs[i].spec.name.clone()),
                        ),
                    );
                    return;
                }
            }
        }
        self.create_and_start(w, i, cx);
    }

    fn wait_with(&self, w: &mut PodWorker, i: usize, reason: &str, message: &str) {
        let c = &mut w.ctrs[i];
        if c.never_started() || !matches!(c.view.state, CState::Exited(_)) {
            c.view.state = CState::Waiting {
                reason: reason.to_string(),
                message: message.to_string(),
            };
            c.view.waiting_override = None;
        } else {
            c.view.waiting_override = Some((reason.to_string(), message.to_string()));
        }
    }

    /// The image pull finished.
    pub(super) fn pulled(&mut self, w: &mut PodWorker, name: &str, cx: &mut Cx) {
        let Some(i) = w.ctr_index(name) else { return };
        let Op::Pulling { until, failed } = std::mem::replace(&mut w.ctrs[i].op, Op::Idle) else {
            return;
        };
        let now = cx.api.now();
        let image_name = w.ctrs[i].spec.image.clone();
        let image_key = format!("{}/{name}/{image_name}", w.uid);
        match failed {
            Some(msg) => {
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Warning,
                    "Failed",
                    format!("Failed to pull image \"{image_name}\": {msg}"),
                );
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Warning,
                    "Failed",
                    "Error: ErrImagePull".to_string(),
                );
                let err = format!("Failed to pull image \"{image_name}\": {msg}");
                self.wait_with(w, i, "ErrImagePull", &err);
                if !self.image_failed_at.contains_key(&image_key) {
                    self.image_backoff.next(&image_key, now, now);
                }
                self.image_failed_at.insert(image_key, now);
                self.retry_later(w, cx);
                self.write_status(w, cx);
            }
            None => {
                let Ok(img) = cx.catalog.pull(&image_name) else {
                    return;
                };
                let took = now - (until - pull_duration(img.size_bytes));
                let secs = go_duration(took);
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Normal,
                    "Pulled",
                    format!(
                        "Successfully pulled image \"{image_name}\" in {secs} ({secs} including waiting). Image size: {} bytes.",
                        img.size_bytes
                    ),
                );
                self.image_failed_at.remove(&image_key);
                w.ctrs[i].image = Some(img);
                self.create_and_start(w, i, cx);
                self.write_status(w, cx);
            }
        }
    }

    fn create_and_start(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let Some(img) = w.ctrs[i].image.clone() else {
            return;
        };
        let host_ip = self.node_ip.clone();
        let pod_ip = w.ip.clone().unwrap_or_default();
        let (cpu, mem) = self.node_capacity();
        let env = match env::build(cx.api, &w.pod, &w.ctrs[i].spec, &host_ip, &pod_ip, cpu, mem) {
            Ok(e) => e,
            Err(env::ConfigError(msg)) => {
                self.wait_with(w, i, "CreateContainerConfigError", &msg);
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Warning,
                    "Failed",
                    format!("Error: {msg}"),
                );
                self.retry_later(w, cx);
                return;
            }
        };
        for (kind, source, keys) in &env.skipped {
            self.event(
                cx,
                w,
                Some(&w.ctrs[i]),
                EventType::Warning,
                "InvalidEnvironmentVariableNames",
                format!(
                    "Keys [{}] from the EnvFrom {kind} {source} were skipped since they are considered invalid environment variable names.",
                    keys.join(", ")
                ),
            );
        }
        let hostname = pod_hostname(&w.pod);
        let mut vars: Vec<(String, String)> = img.env.clone();
        let mut put = |k: &str, v: &str| {
            vars.retain(|(n, _)| n != k);
            vars.push((k.to_string(), v.to_string()));
        };
        put("HOSTNAME", &hostname);
        for (k, v) in &env.vars {
            put(k, v);
        }
        if !vars.iter().any(|(k, _)| k == "HOME") {
            vars.push(("HOME".to_string(), "/root".to_string()));
        }
        let outside = Rc::new(ContainerOutside {
            net: cx.net.clone(),
            pod_ip: if w.pod.spec.host_network {
                None
            } else {
                w.ip.as_deref().and_then(|i| i.parse().ok())
            },
        });
        let mut machine = Machine::new(MachineConfig {
            hostname: hostname.clone(),
            image: img.filesystem.clone(),
            env: vars,
            outside,
            registry: img.registry.clone(),
            working_dir: if w.ctrs[i].spec.working_dir.is_empty() {
                img.working_dir.clone()
            } else {
                w.ctrs[i].spec.working_dir.clone()
            },
        });
        machine.advance_to(now as u64);
        self.mount(w, i, &mut machine);
        let c = &w.ctrs[i];
        let argv = container_argv(&c.spec.command, &c.spec.args, &img.entrypoint, &img.cmd);
        let id = cx.api.rng().hex(64);
        let container_id = format!("containerd://{id}");
        self.event(
            cx,
            w,
            Some(&w.ctrs[i]),
            EventType::Normal,
            "Created",
            format!("Created container: {}", w.ctrs[i].spec.name),
        );
        // A restart keeps the previous instance's log for `--previous`.
        let c = &mut w.ctrs[i];
        let restarted = c.instances > 0;
        if restarted {
            c.prev_log = Some(std::mem::take(&mut c.log));
            c.view.restart_count += 1;
            if let CState::Exited(t) = &c.view.state {
                c.view.last = Some(t.clone());
            }
        }
        c.instances += 1;
        c.view.waiting_override = None;
        c.view.image = img.reference.clone();
        c.view.image_id = img.image_id.clone();
        let log = c.log.clone();
        let started = match argv {
            Some(argv) => machine
                .start_attachable(argv.clone(), log, c.spec.stdin, c.spec.tty)
                .map_err(|e| start_error(&argv, &e)),
            None => Err("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: no command specified: unknown".to_string()),
        };
        match started {
            Err(msg) => {
                let t = cx.api.time();
                c.view.state = CState::Exited(Terminated {
                    exit_code: 128,
                    signal: 0,
                    reason: "StartError".to_string(),
                    message: msg.clone(),
                    started_at: Time(0),
                    finished_at: t,
                    container_id,
                });
                c.last_exit = Some(now);
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Warning,
                    "Failed",
                    format!("Error: {msg}"),
                );
                self.schedule_sync(w, cx, now + PLEG_PERIOD);
            }
            Ok((pid, stdin)) => {
                c.inst = Some(Instance {
                    id: container_id.clone(),
                    machine,
                    pid,
                    started_at: now,
                    stdin,
                });
                self.event(
                    cx,
                    w,
                    Some(&w.ctrs[i]),
                    EventType::Normal,
                    "Started",
                    format!("Started container {}", w.ctrs[i].spec.name),
                );
                let c = &mut w.ctrs[i];
                let has_startup = c.probes.iter().any(|p| p.kind == ProbeKind::Startup);
                let has_readiness = c.probes.iter().any(|p| p.kind == ProbeKind::Readiness);
                c.view.started = !has_startup;
                c.view.ready = !has_readiness;
                for p in &mut c.probes {
                    p.new_container(&container_id);
                }
                let post_start = c.spec.lifecycle.as_ref().and_then(|l| l.post_start.clone());
                let started_at = cx.api.time();
                c.view.state = CState::Running {
                    started_at,
                    container_id: container_id.clone(),
                };
                if let Some(h) = post_start {
                    if let Some(run) = self.run_hook(w, i, &h, cx, 30_000) {
                        w.ctrs[i].op = Op::PostStart { hook: run };
                    }
                }
                self.schedule_probes(w, i, cx);
                // Readiness is probed as soon as a started container is not
                // ready (the manual trigger).
                if has_readiness && !has_startup {
                    cx.timers.at(
                        now + CREATE_DELAY,
                        Task::Kubelet(
                            self.node_name.clone(),
                            KubeletTask::Probe(
                                w.uid.clone(),
                                w.ctrs[i].spec.name.clone(),
                                ProbeKind::Readiness,
                                true,
                            ),
                        ),
                    );
                }
                self.schedule_wake(w, cx);
            }
        }
    }

    fn node_capacity(&self) -> (i64, i64) {
        (
            self.config.cpu_millis as i64,
            self.config.memory_bytes as i64,
        )
    }

    /// Mounts volumes and the kubelet-managed files.
    fn mount(&self, w: &PodWorker, i: usize, machine: &mut Machine) {
        let c = &w.ctrs[i];
        let ip = w.ip.clone().unwrap_or_default();
        let hostname = pod_hostname(&w.pod);
        let mut fs = machine.fs();
        let host_net = w.pod.spec.host_network;
        if !host_net {
            fs.mount(
                "/etc/hosts",
                Volume::file(hosts_file(&w.pod, &ip, &hostname), 0o644),
                false,
            );
        }
        fs.mount(
            "/etc/hostname",
            Volume::file(format!("{hostname}\n"), 0o644),
            false,
        );
        fs.mount(
            "/etc/resolv.conf",
            Volume::file(resolv_conf(&w.pod), 0o644),
            false,
        );
        fs.mount(
            "/dev/termination-log",
            Volume::file(Vec::new(), 0o666),
            false,
        );
        if let Some(vols) = &w.volumes {
            for m in &c.spec.volume_mounts {
                if let Some(v) = vols.get(&m.name) {
                    fs.mount(&m.mount_path, v.clone(), m.read_only);
                }
            }
        }
    }

    /// Starts a lifecycle hook; `None` when it is already done.
    fn run_hook(
        &mut self,
        w: &mut PodWorker,
        i: usize,
        h: &LifecycleHandler,
        cx: &mut Cx,
        limit: Millis,
    ) -> Option<HookRun> {
        let now = cx.api.now();
        if let Some(e) = &h.exec {
            let inst = w.ctrs[i].inst.as_mut()?;
            match inst.machine.exec(e.command.clone(), ExecOptions::default()) {
                Ok(handle) => {
                    return Some(HookRun::Exec(InFlight {
                        handle,
                        deadline: now + limit,
                    }))
                }
                Err(_) => return Some(HookRun::Until(now, false)),
            }
        }
        if let Some(s) = &h.sleep {
            return Some(HookRun::Until(now + s.seconds.max(0) * 1000, true));
        }
        if let Some(g) = &h.http_get {
            let port = env::resolve_port(&w.ctrs[i].spec, &g.port).unwrap_or(0);
            let ip: Ipv4Addr =
                w.ip.as_deref()
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(Ipv4Addr::LOCALHOST);
            let reply = cx.net.http(
                ip,
                port,
                &HttpRequest {
                    method: "GET".to_string(),
                    host: format!("{ip}:{port}"),
                    path: g.path.clone(),
                    headers: vec![("User-Agent".to_string(), "kube-lifecycle/1.32".to_string())],
                    client_ip: Some(self.bridge_ip()),
                },
            );
            let ok = matches!(&reply.outcome, crate::userland::outside::HttpOutcome::Response(r) if r.status < 400);
            return Some(HookRun::Until(now, ok));
        }
        None
    }

    /// Advances the pod's containers to now and reacts to what ended.
    pub(super) fn wake(&mut self, w: &mut PodWorker, cx: &mut Cx) {
        let now = cx.api.now();
        w.wake_at = None;
        for i in 0..w.ctrs.len() {
            if let Some(inst) = w.ctrs[i].inst.as_mut() {
                inst.machine.advance_to(now as u64);
            }
            self.check_hooks(w, i, cx);
            self.check_probe_runs(w, i, cx);
            self.check_exit(w, i, cx);
        }
        self.schedule_wake(w, cx);
    }

    fn hook_done(
        &self,
        run: &mut HookRun,
        w_inst: Option<&mut Instance>,
        now: Millis,
    ) -> Option<bool> {
        match run {
            HookRun::Until(t, ok) => (now >= *t).then_some(*ok),
            HookRun::Exec(f) => {
                let inst = w_inst?;
                match inst.machine.exit_status(f.handle.pid) {
                    Some(st) => {
                        inst.machine.reap(f.handle.pid);
                        Some(st.success())
                    }
                    None if now >= f.deadline => Some(false),
                    None => None,
                }
            }
        }
    }

    fn check_hooks(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let c = &mut w.ctrs[i];
        match &mut c.op {
            Op::PostStart { hook } => {
                let mut hook = std::mem::replace(hook, HookRun::Until(0, true));
                match self.hook_done(&mut hook, c.inst.as_mut(), now) {
                    None => c.op = Op::PostStart { hook },
                    Some(true) => {
                        c.op = Op::Idle;
                        self.write_status(w, cx);
                    }
                    Some(false) => {
                        c.op = Op::Idle;
                        self.event(
                            cx,
                            w,
                            Some(&w.ctrs[i]),
                            EventType::Warning,
                            "FailedPostStartHook",
                            "PostStartHook failed".to_string(),
                        );
                        self.start_kill(w, i, KillReason::PostStartFailed, cx);
                    }
                }
            }
            Op::Killing { .. } => self.advance_kill(w, i, cx),
            _ => {}
        }
    }

    /// Moves a kill along: preStop done → stop signal; grace over → KILL
    /// (after a one-off 2 s more for a preStop still running).
    fn advance_kill(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let mut failed_hook = false;
        {
            let c = &mut w.ctrs[i];
            let Op::Killing {
                pre_stop,
                signalled,
                deadline,
                extended,
                ..
            } = &mut c.op
            else {
                return;
            };
            if let Some(run) = pre_stop {
                if let Some(ok) = self.hook_done(run, c.inst.as_mut(), now) {
                    *pre_stop = None;
                    failed_hook = !ok;
                }
            }
            if pre_stop.is_none() && !*signalled {
                *signalled = true;
                if let (Some(inst), Some(img)) = (c.inst.as_mut(), c.image.as_ref()) {
                    inst.machine.signal(inst.pid, img.stop_signal);
                    inst.machine.advance_to(now as u64);
                }
            }
            if now >= *deadline {
                if pre_stop.is_some() && !*extended {
                    *extended = true;
                    *deadline = now + 2_000;
                } else if let Some(inst) = c.inst.as_mut() {
                    inst.machine.signal(inst.pid, Signal::Kill);
                    inst.machine.advance_to(now as u64);
                }
            }
        }
        if failed_hook {
            self.event(
                cx,
                w,
                Some(&w.ctrs[i]),
                EventType::Warning,
                "FailedPreStopHook",
                "PreStopHook failed".to_string(),
            );
        }
    }

    fn check_exit(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let c = &mut w.ctrs[i];
        let Some(inst) = c.inst.as_ref() else { return };
        let Some(status) = inst.machine.exit_status(inst.pid) else {
            return;
        };
        let inst = c.inst.take().expect("checked above");
        let code = status.code();
        let reason = if code == 0 { "Completed" } else { "Error" };
        let started_at = Time::from_millis(cx.api.wall_millis() - (now - inst.started_at));
        c.view.state = CState::Exited(Terminated {
            exit_code: code,
            // containerd reports the exit code (128 + signal), not a signal.
            signal: 0,
            reason: reason.to_string(),
            message: String::new(),
            started_at,
            finished_at: cx.api.time(),
            container_id: inst.id.clone(),
        });
        c.last_exit = Some(now);
        c.view.ready = false;
        c.view.started = false;
        c.probe_runs.clear();
        let killing = std::mem::replace(&mut c.op, Op::Idle);
        drop(inst);
        if let Op::Killing { reason, .. } = killing {
            if w.terminating {
                self.terminate(w, cx);
                return;
            }
            if matches!(
                reason,
                KillReason::Liveness | KillReason::Startup | KillReason::PostStartFailed
            ) {
                let restart = w.pod.restart_policy() != RestartPolicy::Never;
                if restart {
                    // The kill and the restart happen in one SyncPod, whose
                    // back-off check sees the instance before the one killed.
                    let key = format!("{}/{}", w.uid, w.ctrs[i].spec.name);
                    match w.ctrs[i].restart_after_kill.take().flatten() {
                        Some(ts) if self.backoff.in_backoff_since(&key, ts, now) => {
                            self.enter_crash_loop(w, i, cx);
                        }
                        Some(ts) => {
                            self.backoff.next(&key, ts, now);
                            self.start(w, i, cx);
                        }
                        None => self.start(w, i, cx),
                    }
                }
                self.write_status(w, cx);
                return;
            }
        }
        let delay = cx_pleg_delay(cx);
        self.schedule_sync(w, cx, now + delay);
        self.write_status(w, cx);
    }

    /// Kills a container whose liveness or startup probe failed.
    fn kill_for_probe(&mut self, w: &mut PodWorker, i: usize, kind: ProbeKind, cx: &mut Cx) {
        let restart = w.pod.restart_policy() != RestartPolicy::Never;
        let name = w.ctrs[i].spec.name.clone();
        let mut msg = format!("Container {name} failed {} probe", kind.lower());
        if restart {
            msg.push_str(", will be restarted");
        }
        self.event(cx, w, Some(&w.ctrs[i]), EventType::Normal, "Killing", msg);
        // The restart's back-off check sees the exit before this one.
        w.ctrs[i].restart_after_kill = Some(w.ctrs[i].last_exit);
        let reason = if kind == ProbeKind::Startup {
            KillReason::Startup
        } else {
            KillReason::Liveness
        };
        self.start_kill(w, i, reason, cx);
    }

    /// Begins stopping a container: preStop, the image's stop signal, and
    /// KILL when the grace period ends.
    fn start_kill(&mut self, w: &mut PodWorker, i: usize, reason: KillReason, cx: &mut Cx) {
        let now = cx.api.now();
        if !w.ctrs[i].alive() || matches!(w.ctrs[i].op, Op::Killing { .. }) {
            return;
        }
        let probe_grace = match reason {
            KillReason::Liveness => w.ctrs[i]
                .spec
                .liveness_probe
                .as_ref()
                .and_then(|p| p.termination_grace_period_seconds),
            KillReason::Startup => w.ctrs[i]
                .spec
                .startup_probe
                .as_ref()
                .and_then(|p| p.termination_grace_period_seconds),
            _ => None,
        };
        let grace = match reason {
            KillReason::Delete => w
                .pod
                .metadata
                .deletion_grace_period_seconds
                .or(w.pod.spec.termination_grace_period_seconds)
                .unwrap_or(30),
            _ => probe_grace
                .or(w.pod.spec.termination_grace_period_seconds)
                .unwrap_or(30),
        }
        .max(MIN_GRACE_SECS);
        let pre_stop_handler = w.ctrs[i]
            .spec
            .lifecycle
            .as_ref()
            .and_then(|l| l.pre_stop.clone());
        let pre_stop = match pre_stop_handler {
            Some(h) => self.run_hook(w, i, &h, cx, grace * 1000),
            None => None,
        };
        w.ctrs[i].op = Op::Killing {
            reason,
            pre_stop,
            signalled: false,
            deadline: now + grace * 1000,
            extended: false,
        };
        self.check_hooks(w, i, cx);
        self.check_exit(w, i, cx);
        self.schedule_wake(w, cx);
    }

    /// Deletion: stop every container, report the final status, then let
    /// the API server remove the pod.
    pub(super) fn terminate(&mut self, w: &mut PodWorker, cx: &mut Cx) {
        if w.finished {
            return;
        }
        if !w.terminating {
            w.terminating = true;
            // App containers first, then sidecars in reverse order.
            let mut order: Vec<usize> = (w.n_init..w.ctrs.len()).collect();
            order.extend((0..w.n_init).rev());
            for i in order {
                if w.ctrs[i].alive() {
                    if !w.orphaned {
                        let name = w.ctrs[i].spec.name.clone();
                        self.event(
                            cx,
                            w,
                            Some(&w.ctrs[i]),
                            EventType::Normal,
                            "Killing",
                            format!("Stopping container {name}"),
                        );
                    }
                    w.ctrs[i].op = Op::Idle;
                    self.start_kill(w, i, KillReason::Delete, cx);
                }
                if let Op::Pulling { .. } = w.ctrs[i].op {
                    w.ctrs[i].op = Op::Idle;
                }
            }
        }
        if w.ctrs.iter().any(Ctr::alive) {
            return;
        }
        w.finished = true;
        if let Some(ip) = w.ip.as_deref().and_then(|i| i.parse().ok()) {
            cx.net.detach(ip);
        }
        if !w.orphaned {
            self.write_status(w, cx);
            let opts = DeleteOptions {
                grace_period: Some(0),
                uid_precondition: Some(w.uid.clone()),
                ..Default::default()
            };
            let _ = cx.api.delete::<Pod>(w.pod.namespace(), w.pod.name(), &opts);
        }
    }

    /// Probe ticks.
    pub(super) fn schedule_probes(&self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        for p in &w.ctrs[i].probes {
            let at = p.next_tick(now - 1);
            cx.timers.at(
                at,
                Task::Kubelet(
                    self.node_name.clone(),
                    KubeletTask::Probe(w.uid.clone(), w.ctrs[i].spec.name.clone(), p.kind, false),
                ),
            );
        }
    }

    /// A probe tick (or a manual readiness trigger).
    pub(super) fn probe(
        &mut self,
        w: &mut PodWorker,
        name: &str,
        kind: ProbeKind,
        manual: bool,
        cx: &mut Cx,
    ) {
        let now = cx.api.now();
        let Some(i) = w.ctr_index(name) else { return };
        let Some(pi) = w.ctrs[i].probes.iter().position(|p| p.kind == kind) else {
            return;
        };
        if w.terminating || w.finished {
            return;
        }
        // Keep ticking while the container may come back.
        if !manual {
            let next = w.ctrs[i].probes[pi].next_tick(now);
            let stop = !w.ctrs[i].alive()
                && w.pod.restart_policy() == RestartPolicy::Never
                && matches!(w.ctrs[i].view.state, CState::Exited(_));
            if !stop {
                cx.timers.at(
                    next,
                    Task::Kubelet(
                        self.node_name.clone(),
                        KubeletTask::Probe(w.uid.clone(), name.to_string(), kind, false),
                    ),
                );
            }
        }
        let c = &w.ctrs[i];
        let (running, started_at) = match (&c.inst, c.running()) {
            (Some(inst), true) if !matches!(c.op, Op::Killing { .. } | Op::PostStart { .. }) => {
                (true, inst.started_at)
            }
            _ => (false, 0),
        };
        if !running {
            // A probe of a container that is not running fails silently.
            if c.inst.is_none() && kind == ProbeKind::Readiness && c.view.ready {
                w.ctrs[i].view.ready = false;
                self.write_status(w, cx);
            }
            return;
        }
        if w.ctrs[i].probes[pi].should_probe(true, started_at, w.ctrs[i].view.started, now)
            != Tick::Run
        {
            return;
        }
        let probe = w.ctrs[i].probes[pi].probe.clone();
        let timeout = Millis::from(probe.timeout_seconds.max(1)) * 1000;
        if let Some(e) = &probe.exec {
            let inst = w.ctrs[i].inst.as_mut().expect("running");
            match inst.machine.exec(
                e.command.clone(),
                ExecOptions {
                    stdin: Stdin::Empty,
                    ..Default::default()
                },
            ) {
                Ok(handle) => {
                    inst.machine.advance_to(now as u64);
                    w.ctrs[i].probes[pi].in_flight = true;
                    w.ctrs[i].probe_runs.insert(
                        kind,
                        InFlight {
                            handle,
                            deadline: now + timeout,
                        },
                    );
                    self.check_probe_runs(w, i, cx);
                    self.schedule_wake(w, cx);
                }
                Err(_) => {
                    let msg = format!("rpc error: code = Unknown desc = failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: {:?}: executable file not found in $PATH: unknown", e.command.first().cloned().unwrap_or_default());
                    self.probe_result(w, i, kind, Outcome::Failure, msg, cx);
                }
            }
            return;
        }
        let ip: Ipv4Addr =
            w.ip.as_deref()
                .and_then(|i| i.parse().ok())
                .unwrap_or(Ipv4Addr::LOCALHOST);
        if let Some(g) = &probe.http_get {
            let port = match env::resolve_port(&w.ctrs[i].spec, &g.port) {
                Ok(p) => p,
                Err(e) => {
                    self.probe_error(w, i, kind, e, cx);
                    return;
                }
            };
            let host = if g.host.is_empty() {
                ip.to_string()
            } else {
                g.host.clone()
            };
            let path = if g.path.starts_with('/') {
                g.path.clone()
            } else {
                format!("/{}", g.path)
            };
            let url = format!("{}://{host}:{port}{path}", g.scheme.to_ascii_lowercase());
            let mut headers = vec![
                ("User-Agent".to_string(), "kube-probe/1.32".to_string()),
                ("Accept".to_string(), "*/*".to_string()),
            ];
            for h in &g.http_headers {
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&h.name));
                headers.push((h.name.clone(), h.value.clone()));
            }
            let reply = cx.net.http(
                ip,
                port,
                &HttpRequest {
                    method: "GET".to_string(),
                    host: format!("{host}:{port}"),
                    path,
                    headers,
                    client_ip: Some(self.bridge_ip()),
                },
            );
            use crate::userland::outside::HttpOutcome;
            let (outcome, msg) = match reply.outcome {
                HttpOutcome::Response(r) if (200..400).contains(&r.status) => (Outcome::Success, String::new()),
                HttpOutcome::Response(r) => (Outcome::Failure, format!("HTTP probe failed with statuscode: {}", r.status)),
                HttpOutcome::Refused => (
                    Outcome::Failure,
                    format!("Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"),
                ),
                HttpOutcome::Timeout | HttpOutcome::Unreachable => (
                    Outcome::Failure,
                    format!("Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
                ),
            };
            self.probe_result(w, i, kind, outcome, msg, cx);
            return;
        }
        if let Some(t) = &probe.tcp_socket {
            let port = match env::resolve_port(&w.ctrs[i].spec, &t.port) {
                Ok(p) => p,
                Err(e) => {
                    self.probe_error(w, i, kind, e, cx);
                    return;
                }
            };
            let (outcome, msg) = match cx.net.connect(ip, port) {
                crate::userland::outside::Connect::Accepted => (Outcome::Success, String::new()),
                crate::userland::outside::Connect::Refused => (
                    Outcome::Failure,
                    format!("dial tcp {ip}:{port}: connect: connection refused"),
                ),
                _ => (
                    Outcome::Failure,
                    format!("dial tcp {ip}:{port}: i/o timeout"),
                ),
            };
            self.probe_result(w, i, kind, outcome, msg, cx);
            return;
        }
        if let Some(g) = &probe.grpc {
            let port = u16::try_from(g.port).unwrap_or(0);
            let (outcome, msg) = match cx.net.connect(ip, port) {
                crate::userland::outside::Connect::Accepted => (Outcome::Success, String::new()),
                _ => (
                    Outcome::Failure,
                    format!("timeout: failed to connect service \"{ip}:{port}\" within 1s: context deadline exceeded"),
                ),
            };
            self.probe_result(w, i, kind, outcome, msg, cx);
        }
    }

    fn probe_error(
        &mut self,
        w: &mut PodWorker,
        i: usize,
        kind: ProbeKind,
        err: String,
        cx: &mut Cx,
    ) {
        self.event(
            cx,
            w,
            Some(&w.ctrs[i]),
            EventType::Warning,
            "Unhealthy",
            format!(
                "{} probe errored and resulted in unknown state: {err}",
                kind.name()
            ),
        );
        let _ = self.record_probe(w, i, kind, Outcome::Unknown);
    }

    fn check_probe_runs(&mut self, w: &mut PodWorker, i: usize, cx: &mut Cx) {
        let now = cx.api.now();
        let kinds: Vec<ProbeKind> = w.ctrs[i].probe_runs.keys().copied().collect();
        for kind in kinds {
            let c = &mut w.ctrs[i];
            let Some(inst) = c.inst.as_mut() else {
                c.probe_runs.clear();
                return;
            };
            let Some(run) = c.probe_runs.get(&kind) else {
                continue;
            };
            let pid = run.handle.pid;
            let deadline = run.deadline;
            match inst.machine.exit_status(pid) {
                Some(st) => {
                    let run = c.probe_runs.remove(&kind).expect("present");
                    inst.machine.reap(pid);
                    let output = run.handle.output.combined();
                    let output = output.trim_end().to_string();
                    let outcome = if st.success() {
                        Outcome::Success
                    } else {
                        Outcome::Failure
                    };
                    self.probe_result(w, i, kind, outcome, output, cx);
                }
                None if now >= deadline => {
                    c.probe_runs.remove(&kind);
                    inst.machine.signal(pid, Signal::Kill);
                    let cmd = c
                        .probes
                        .iter()
                        .find(|p| p.kind == kind)
                        .and_then(|p| p.probe.exec.as_ref())
                        .map(|e| e.command.join(" "))
                        .unwrap_or_default();
                    self.probe_result(
                        w,
                        i,
                        kind,
                        Outcome::Failure,
                        format!("command \"{cmd}\" timed out"),
                        cx,
                    );
                }
                None => {}
            }
        }
    }

    fn record_probe(
        &mut self,
        w: &mut PodWorker,
        i: usize,
        kind: ProbeKind,
        outcome: Outcome,
    ) -> bool {
        let c = &mut w.ctrs[i];
        let Some(p) = c.probes.iter_mut().find(|p| p.kind == kind) else {
            return false;
        };
        p.record(outcome)
    }

    fn probe_result(
        &mut self,
        w: &mut PodWorker,
        i: usize,
        kind: ProbeKind,
        outcome: Outcome,
        output: String,
        cx: &mut Cx,
    ) {
        if outcome == Outcome::Failure {
            self.event(
                cx,
                w,
                Some(&w.ctrs[i]),
                EventType::Warning,
                "Unhealthy",
                format!("{} probe failed: {output}", kind.name()),
            );
        }
        if !self.record_probe(w, i, kind, outcome) {
            return;
        }
        let now = cx.api.now();
        let result = w.ctrs[i]
            .probes
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.result)
            .unwrap_or(Outcome::Unknown);
        match kind {
            ProbeKind::Readiness => {
                w.ctrs[i].view.ready = result == Outcome::Success;
                self.write_status(w, cx);
            }
            ProbeKind::Startup => {
                if result == Outcome::Success {
                    w.ctrs[i].view.started = true;
                    let has_readiness = w.ctrs[i]
                        .probes
                        .iter()
                        .any(|p| p.kind == ProbeKind::Readiness);
                    if has_readiness {
                        cx.timers.at(
                            now,
                            Task::Kubelet(
                                self.node_name.clone(),
                                KubeletTask::Probe(
                                    w.uid.clone(),
                                    w.ctrs[i].spec.name.clone(),
                                    ProbeKind::Readiness,
                                    true,
                                ),
                            ),
                        );
                    }
                    self.write_status(w, cx);
                    // A sidecar that started lets the next init container run.
                    if w.ctrs[i].sidecar {
                        self.schedule_sync(w, cx, now);
                    }
                } else if result == Outcome::Failure {
                    w.ctrs[i].liveness_failed = Some(ProbeKind::Startup);
                    self.schedule_sync(w, cx, now);
                }
            }
            ProbeKind::Liveness => {
                if result == Outcome::Failure {
                    w.ctrs[i].liveness_failed = Some(ProbeKind::Liveness);
                    self.schedule_sync(w, cx, now);
                }
            }
        }
    }

    /// Writes the pod's status if it changed.
    pub(super) fn write_status(&self, w: &mut PodWorker, cx: &mut Cx) {
        if w.orphaned {
            return;
        }
        let Some(current) = cx
            .api
            .store
            .get::<Pod>(w.pod.namespace(), w.pod.name())
            .cloned()
        else {
            return;
        };
        if current.metadata.uid() != w.uid {
            return;
        }
        // While a postStart hook runs, the container is not reported as
        // running yet.
        let mut views: Vec<status::ContainerView> = Vec::with_capacity(w.ctrs.len());
        for c in &w.ctrs {
            let mut v = c.view.clone();
            if let Op::PostStart { .. } = c.op {
                v.state = CState::Waiting {
                    reason: if w.n_init > 0 {
                        "PodInitializing"
                    } else {
                        "ContainerCreating"
                    }
                    .to_string(),
                    message: String::new(),
                };
            }
            views.push(v);
        }
        let (init, app) = views.split_at(w.n_init);
        let view = PodView {
            spec: &w.pod.spec,
            init,
            containers: app,
            sandbox_ready: w.sandbox == Sandbox::Ready,
            host_ip: &self.node_ip,
            pod_ip: w.ip.as_deref(),
            start_time: w.start_time,
            terminal_requested: w.terminating && w.finished,
        };
        let mut status = status::generate(&view, &current.status, cx.api.time());
        if w.sandbox == Sandbox::None {
            return;
        }
        // The pod IP is released once the pod has stopped.
        if w.finished && matches!(status.phase, PodPhase::Succeeded | PodPhase::Failed) {
            status.pod_ip = current.status.pod_ip.clone();
        }
        if status == current.status {
            return;
        }
        let mut p = (*current).clone();
        p.status = status;
        if let Ok(stored) = cx.api.write_status(p) {
            w.pod = stored;
        }
    }
}

fn cx_pleg_delay(cx: &mut Cx) -> Millis {
    // PLEG relists every second: the kubelet notices an exit within one.
    1 + cx.api.rng().below(PLEG_PERIOD as u64) as Millis
}

/// How long a pull takes: registry round trips plus transfer.
fn pull_duration(size: u64) -> Millis {
    (400 + (size / 80_000) as Millis).min(1_600)
}

/// The pod's hostname: `spec.hostname`, else its name (cut to 63).
pub fn pod_hostname(pod: &Pod) -> String {
    if !pod.spec.hostname.is_empty() {
        return pod.spec.hostname.clone();
    }
    pod.name()
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches(['-', '.'])
        .to_string()
}

/// Docker's rules: `command` replaces ENTRYPOINT (and drops CMD); `args`
/// replace CMD.
pub fn container_argv(
    command: &[String],
    args: &[String],
    entrypoint: &[String],
    cmd: &[String],
) -> Option<Vec<String>> {
    let mut argv: Vec<String> = if command.is_empty() {
        entrypoint.to_vec()
    } else {
        command.to_vec()
    };
    if !args.is_empty() {
        argv.extend(args.iter().cloned());
    } else if command.is_empty() {
        argv.extend(cmd.iter().cloned());
    }
    (!argv.is_empty()).then_some(argv)
}

fn start_error(argv: &[String], e: &crate::userland::SpawnError) -> String {
    let prog = argv.first().cloned().unwrap_or_default();
    let what = match e {
        crate::userland::SpawnError::IsDir(_) => format!("exec: \"{prog}\": is a directory"),
        crate::userland::SpawnError::NotExecutable(_) => {
            format!("exec: \"{prog}\": permission denied")
        }
        crate::userland::SpawnError::NotFound(_) => {
            if prog.contains('/') {
                format!("exec: \"{prog}\": stat {prog}: no such file or directory")
            } else {
                format!("exec: \"{prog}\": executable file not found in $PATH")
            }
        }
    };
    format!(
        "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {what}: unknown"
    )
}

/// The kubelet-managed `/etc/hosts`.
fn hosts_file(pod: &Pod, ip: &str, hostname: &str) -> String {
    let mut s = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    if pod.spec.subdomain.is_empty() {
        s.push_str(&format!("{ip}\t{hostname}\n"));
    } else {
        s.push_str(&format!(
            "{ip}\t{hostname}.{}.{}.svc.cluster.local\t{hostname}\n",
            pod.spec.subdomain,
            pod.namespace()
        ));
    }
    if !pod.spec.host_aliases.is_empty() {
        s.push_str("\n# Entries added by HostAliases.\n");
        for a in &pod.spec.host_aliases {
            s.push_str(&format!("{}\t{}\n", a.ip, a.hostnames.join("\t")));
        }
    }
    s
}

/// `/etc/resolv.conf` for the pod's DNS policy.
fn resolv_conf(pod: &Pod) -> String {
    use crate::api::corev1::DnsPolicy;
    let ns = pod.namespace();
    let mut search = vec![
        format!("{ns}.svc.cluster.local"),
        "svc.cluster.local".to_string(),
        "cluster.local".to_string(),
    ];
    let mut nameservers = vec!["10.96.0.10".to_string()];
    let mut options = vec!["ndots:5".to_string()];
    match &pod.spec.dns_policy {
        DnsPolicy::Default => {
            search.clear();
            nameservers = vec!["192.168.1.1".to_string()];
            options.clear();
        }
        DnsPolicy::None => {
            search.clear();
            nameservers.clear();
            options.clear();
        }
        DnsPolicy::ClusterFirstWithHostNet => {}
        _ if pod.spec.host_network => {
            search.clear();
            nameservers = vec!["192.168.1.1".to_string()];
            options.clear();
        }
        _ => {}
    }
    if let Some(cfg) = &pod.spec.dns_config {
        nameservers.extend(cfg.nameservers.iter().cloned());
        search.extend(cfg.searches.iter().cloned());
        for o in &cfg.options {
            let o = match &o.value {
                Some(v) => format!("{}:{v}", o.name),
                None => o.name.clone(),
            };
            options.retain(|x| x.split(':').next() != o.split(':').next());
            options.push(o);
        }
    }
    let mut s = String::new();
    if !search.is_empty() {
        s.push_str(&format!("search {}\n", search.join(" ")));
    }
    for n in nameservers {
        s.push_str(&format!("nameserver {n}\n"));
    }
    if !options.is_empty() {
        s.push_str(&format!("options {}\n", options.join(" ")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// Name, command, args, and the argv the runtime starts.
    type ArgvCase = (&'static str, Vec<String>, Vec<String>, Option<Vec<String>>);

    #[test]
    fn argv_follows_docker_rules() {
        let ep = s(&["/docker-entrypoint.sh"]);
        let cmd = s(&["nginx", "-g", "daemon off;"]);
        let cases: [ArgvCase; 4] = [
            (
                "image defaults",
                vec![],
                vec![],
                Some(s(&["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"])),
            ),
            (
                "args replace CMD",
                vec![],
                s(&["nginx", "-T"]),
                Some(s(&["/docker-entrypoint.sh", "nginx", "-T"])),
            ),
            (
                "command drops CMD",
                s(&["sh", "-c", "true"]),
                vec![],
                Some(s(&["sh", "-c", "true"])),
            ),
            (
                "command and args",
                s(&["sh"]),
                s(&["-c", "true"]),
                Some(s(&["sh", "-c", "true"])),
            ),
        ];
        for (name, command, args, want) in cases {
            assert_eq!(container_argv(&command, &args, &ep, &cmd), want, "{name}");
        }
        assert_eq!(container_argv(&[], &[], &[], &[]), None);
    }
}
