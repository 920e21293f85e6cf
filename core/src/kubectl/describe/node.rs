//! Nodes: conditions, addresses, capacity, system info, the pods on the
//! node and what they request.

use std::collections::BTreeMap;

use super::pod::time_rfc1123z;
use super::{annotations_multiline, events_section, labels_multiline, Doc};
use crate::api::corev1::{Container, Event, Node, Pod, Taint};
use crate::api::quantity::Quantity;
use crate::api::time::Time;
use crate::kubectl::table::format::{node_roles, since};

/// The node's lease in `kube-node-lease`, as describe shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeLease {
    pub holder_identity: Option<String>,
    pub acquire_time: Option<Time>,
    pub renew_time: Option<Time>,
}

impl NodeLease {
    /// The lease a node's kubelet keeps: held in the node's name, never
    /// acquired by anyone else, and renewed every 10 s (a quarter of its
    /// 40 s duration) since the node registered, so at `now` it was last
    /// renewed at most 10 s ago.
    pub fn kept_by_kubelet(node: &Node, now_ms: i64) -> NodeLease {
        const RENEW_MS: i64 = 10_000;
        let renew = node.metadata.creation_timestamp.map(|created| {
            let since = (now_ms - created.millis()).max(0);
            Time::from_millis(created.millis() + since / RENEW_MS * RENEW_MS)
        });
        NodeLease {
            holder_identity: Some(node.metadata.name().to_string()),
            acquire_time: None,
            renew_time: renew,
        }
    }
}

/// `Taint.ToString`: `key=value:Effect`.
fn taint_string(t: &Taint) -> String {
    let mut s = t.key.clone();
    if !t.value.is_empty() {
        s.push('=');
        s.push_str(&t.value);
    }
    if !t.effect.is_empty() {
        s.push(':');
        s.push_str(&t.effect);
    }
    s
}

fn taints_multiline(w: &mut Doc, taints: &[Taint]) {
    w.write(0, "Taints:\t");
    if taints.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    sorted.sort_by_key(|t| format!("{},{}", t.effect, t.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        w.write(0, &format!("{}\n", taint_string(t)));
    }
}

fn add_into(total: &mut BTreeMap<String, Quantity>, list: &BTreeMap<String, Quantity>) {
    for (k, q) in list {
        let entry = total
            .entry(k.clone())
            .or_insert_with(|| Quantity::from_units(0, q.format()));
        *entry = entry.add(q);
    }
}

fn max_into(total: &mut BTreeMap<String, Quantity>, list: &BTreeMap<String, Quantity>) {
    for (k, q) in list {
        match total.get(k) {
            Some(cur) if cur >= q => {}
            _ => {
                total.insert(k.clone(), *q);
            }
        }
    }
}

/// `resourcehelper.PodRequestsAndLimits`: app containers and sidecars add
/// up, a plain init container counts alone (with the sidecars started
/// before it), the larger of the two wins, overhead is added on top.
pub(super) fn pod_requests_and_limits(
    pod: &Pod,
) -> (BTreeMap<String, Quantity>, BTreeMap<String, Quantity>) {
    let compute = |pick: &dyn Fn(&Container) -> &BTreeMap<String, Quantity>| {
        let mut total = BTreeMap::new();
        for c in &pod.spec.containers {
            add_into(&mut total, pick(c));
        }
        let mut sidecars = BTreeMap::new();
        let mut init_max = BTreeMap::new();
        for c in &pod.spec.init_containers {
            let mut this = BTreeMap::new();
            if c.restart_policy.as_deref() == Some("Always") {
                add_into(&mut total, pick(c));
                add_into(&mut sidecars, pick(c));
                this = sidecars.clone();
            } else {
                add_into(&mut this, pick(c));
                add_into(&mut this, &sidecars);
            }
            max_into(&mut init_max, &this);
        }
        max_into(&mut total, &init_max);
        add_into(&mut total, &pod.spec.overhead);
        total
    };
    (
        compute(&|c| &c.resources.requests),
        compute(&|c| &c.resources.limits),
    )
}

/// `int64(float64(a) / float64(b) * 100)`; Go on amd64 turns the NaN or
/// infinity of a zero denominator into the smallest int64.
fn percent(a: i64, b: i64) -> i64 {
    let f = a as f64 / b as f64 * 100.0;
    if f.is_finite() {
        f as i64
    } else {
        i64::MIN
    }
}

fn quantity(list: &BTreeMap<String, Quantity>, name: &str) -> Quantity {
    list.get(name).copied().unwrap_or_default()
}

fn describe_node_resources(w: &mut Doc, pods: &[&Pod], node: &Node, now_ms: i64) {
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let allocatable = if node.status.allocatable.is_empty() {
        &node.status.capacity
    } else {
        &node.status.allocatable
    };
    let alloc_cpu = quantity(allocatable, "cpu").millis();
    let alloc_mem = quantity(allocatable, "memory").units();
    let mut reqs = BTreeMap::new();
    let mut limits = BTreeMap::new();
    for p in pods {
        let (r, l) = pod_requests_and_limits(p);
        let (cr, cl) = (quantity(&r, "cpu"), quantity(&l, "cpu"));
        let (mr, ml) = (quantity(&r, "memory"), quantity(&l, "memory"));
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                p.metadata.namespace(),
                p.metadata.name(),
                cr.canonical(),
                percent(cr.millis(), alloc_cpu),
                cl.canonical(),
                percent(cl.millis(), alloc_cpu),
                mr.canonical(),
                percent(mr.units(), alloc_mem),
                ml.canonical(),
                percent(ml.units(), alloc_mem),
                since(now_ms, p.metadata.creation_timestamp)
            ),
        );
        add_into(&mut reqs, &r);
        add_into(&mut limits, &l);
    }
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    // The totals are guarded against a zero allocatable, unlike the rows.
    let guarded = |a: i64, b: i64| if b == 0 { 0 } else { percent(a, b) };
    for (name, scale_millis) in [
        ("cpu", true),
        ("memory", false),
        ("ephemeral-storage", false),
    ] {
        let (r, l, a) = (
            quantity(&reqs, name),
            quantity(&limits, name),
            quantity(allocatable, name),
        );
        let value = |q: &Quantity| if scale_millis { q.millis() } else { q.units() };
        w.write(
            1,
            &format!(
                "{name}\t{} ({}%)\t{} ({}%)\n",
                r.canonical(),
                guarded(value(&r), value(&a)),
                l.canonical(),
                guarded(value(&l), value(&a))
            ),
        );
    }
    let standard = |n: &str| matches!(n, "cpu" | "memory" | "ephemeral-storage" | "pods");
    for (name, a) in allocatable {
        if name.starts_with("hugepages-") {
            let (r, l) = (quantity(&reqs, name), quantity(&limits, name));
            w.write(
                1,
                &format!(
                    "{name}\t{} ({}%)\t{} ({}%)\n",
                    r.canonical(),
                    if a.units() == 0 {
                        0
                    } else {
                        percent(r.units(), a.units())
                    },
                    l.canonical(),
                    if a.units() == 0 {
                        0
                    } else {
                        percent(l.units(), a.units())
                    }
                ),
            );
        }
    }
    for name in allocatable.keys() {
        if !name.starts_with("hugepages-") && !standard(name) {
            w.write(
                1,
                &format!(
                    "{name}\t{}\t{}\n",
                    quantity(&reqs, name).canonical(),
                    quantity(&limits, name).canonical()
                ),
            );
        }
    }
}

/// `kubectl describe node`. `pods` are the node's pods that have not
/// finished; `lease` is the node's lease, `None` when it cannot be read.
pub fn describe_node(
    node: &Node,
    pods: &[&Pod],
    lease: Option<&NodeLease>,
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &node.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    let roles = node_roles(&meta.labels);
    if roles.is_empty() {
        w.write(0, "Roles:\t<none>\n");
    } else {
        w.write(0, &format!("Roles:\t{}\n", roles.join(",")));
    }
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    w.write(
        0,
        &format!(
            "CreationTimestamp:\t{}\n",
            time_rfc1123z(meta.creation_timestamp)
        ),
    );
    taints_multiline(&mut w, &node.spec.taints);
    w.write(0, &format!("Unschedulable:\t{}\n", node.spec.unschedulable));
    match lease {
        Some(l) => {
            w.write(0, "Lease:\n");
            w.write(
                1,
                &format!(
                    "HolderIdentity:\t{}\n",
                    l.holder_identity.as_deref().unwrap_or("<unset>")
                ),
            );
            let t = |t: Option<Time>| match t {
                Some(t) => time_rfc1123z(Some(t)),
                None => "<unset>".to_string(),
            };
            w.write(1, &format!("AcquireTime:\t{}\n", t(l.acquire_time)));
            w.write(1, &format!("RenewTime:\t{}\n", t(l.renew_time)));
        }
        None => w.write(
            0,
            &format!(
                "Lease:\tFailed to get lease: leases.coordination.k8s.io \"{}\" not found\n",
                meta.name()
            ),
        ),
    }
    let st = &node.status;
    if !st.conditions.is_empty() {
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in &st.conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    time_rfc1123z(c.last_heartbeat_time),
                    time_rfc1123z(c.last_transition_time),
                    c.reason,
                    c.message
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for a in &st.addresses {
        w.write(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [("Capacity", &st.capacity), ("Allocatable", &st.allocatable)] {
        if list.is_empty() {
            continue;
        }
        w.write(0, &format!("{title}:\n"));
        for (name, q) in list {
            w.write(0, &format!("  {name}:\t{}\n", q.canonical()));
        }
    }
    let info = &st.node_info;
    w.write(0, "System Info:\n");
    for (label, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        w.write(0, &format!("  {label}:\t{value}\n"));
    }
    if !node.spec.pod_cidr.is_empty() {
        w.write(0, &format!("PodCIDR:\t{}\n", node.spec.pod_cidr));
    }
    if !node.spec.pod_cidrs.is_empty() {
        w.write(
            0,
            &format!("PodCIDRs:\t{}\n", node.spec.pod_cidrs.join(",")),
        );
    }
    if !node.spec.provider_id.is_empty() {
        w.write(0, &format!("ProviderID:\t{}\n", node.spec.provider_id));
    }
    describe_node_resources(&mut w, pods, node, now_ms);
    events_section(&mut w, events, now_ms);
    w.finish()
}
