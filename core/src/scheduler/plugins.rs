//! The default profile's filters and scores, each with the reason text the
//! real plugin reports.

use std::collections::BTreeMap;

use super::cache::{Cache, NodeInfo, Resources};
use crate::api::corev1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodAffinityTerm, Taint, Toleration,
};
use crate::api::meta::LabelSelector;

/// Why a node was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub plugin: &'static str,
    pub reasons: Vec<String>,
    /// `UnschedulableAndUnresolvable`: preemption cannot help.
    pub unresolvable: bool,
}

impl Rejection {
    fn new(plugin: &'static str, reason: impl Into<String>, unresolvable: bool) -> Rejection {
        Rejection {
            plugin,
            reasons: vec![reason.into()],
            unresolvable,
        }
    }
}

pub fn toleration_matches(t: &Toleration, taint: &Taint) -> bool {
    if !t.effect.is_empty() && t.effect != taint.effect {
        return false;
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match t.operator.as_str() {
        "Exists" => true,
        "" | "Equal" => t.value == taint.value,
        _ => false,
    }
}

pub fn tolerates(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| toleration_matches(t, taint))
}

fn requirement_matches(req: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| req.values.iter().any(|x| x == v)),
        "NotIn" => !value.is_some_and(|v| req.values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                req.values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if req.operator == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// Whether a node matches one selector term (an empty term matches nothing).
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    term.match_expressions
        .iter()
        .all(|r| requirement_matches(r, node.metadata.labels.get(&r.key).map(String::as_str)))
        && term.match_fields.iter().all(|r| {
            let v = (r.key == "metadata.name").then(|| node.name());
            requirement_matches(r, v)
        })
}

/// nodeSelector and required node affinity.
pub fn node_affinity_matches(pod: &Pod, node: &Node) -> bool {
    let labels = &node.metadata.labels;
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    if let Some(req) = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    {
        return req
            .node_selector_terms
            .iter()
            .any(|t| term_matches(t, node));
    }
    true
}

/// Runs the filters in the default profile's order; the first failing
/// plugin decides, as the framework stops there.
pub fn filter(pod: &Pod, info: &NodeInfo, cache: &Cache) -> Result<(), Rejection> {
    let node = &info.node;
    if node.spec.unschedulable {
        let tolerated = pod.spec.tolerations.iter().any(|t| {
            toleration_matches(
                t,
                &Taint {
                    key: "node.kubernetes.io/unschedulable".to_string(),
                    effect: "NoSchedule".to_string(),
                    ..Default::default()
                },
            )
        });
        if !tolerated {
            return Err(Rejection::new(
                "NodeUnschedulable",
                "node(s) were unschedulable",
                true,
            ));
        }
    }
    if !pod.spec.node_name.is_empty() && pod.spec.node_name != node.name() {
        return Err(Rejection::new(
            "NodeName",
            "node(s) didn't match the requested node name",
            true,
        ));
    }
    for taint in &node.spec.taints {
        if (taint.effect == "NoSchedule" || taint.effect == "NoExecute")
            && !tolerates(&pod.spec.tolerations, taint)
        {
            return Err(Rejection::new(
                "TaintToleration",
                format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    taint.key, taint.value
                ),
                true,
            ));
        }
    }
    if !node_affinity_matches(pod, node) {
        return Err(Rejection::new(
            "NodeAffinity",
            "node(s) didn't match Pod's node affinity/selector",
            true,
        ));
    }
    for c in &pod.spec.containers {
        for p in &c.ports {
            if p.host_port > 0 {
                let conflict = info.used_ports.keys().any(|(proto, ip, port)| {
                    *port == p.host_port
                        && proto == p.protocol.as_str()
                        && (ip.is_empty() || p.host_ip.is_empty() || *ip == p.host_ip)
                });
                if conflict {
                    return Err(Rejection::new(
                        "NodePorts",
                        "node(s) didn't have free ports for the requested pod ports",
                        false,
                    ));
                }
            }
        }
    }
    fit(pod, info)?;
    pod_affinity(pod, info, cache)?;
    Ok(())
}

fn fit(pod: &Pod, info: &NodeInfo) -> Result<(), Rejection> {
    let want = Resources::of_pod(pod);
    let a = &info.allocatable;
    let r = &info.requested;
    let mut reasons = Vec::new();
    if r.pods + 1 > a.pods {
        reasons.push("Too many pods".to_string());
    }
    if want.milli_cpu > 0 && r.milli_cpu + want.milli_cpu > a.milli_cpu {
        reasons.push("Insufficient cpu".to_string());
    }
    if want.memory > 0 && r.memory + want.memory > a.memory {
        reasons.push("Insufficient memory".to_string());
    }
    if want.ephemeral_storage > 0
        && r.ephemeral_storage + want.ephemeral_storage > a.ephemeral_storage
    {
        reasons.push("Insufficient ephemeral-storage".to_string());
    }
    for (k, v) in &want.scalar {
        if *v > 0
            && r.scalar.get(k).copied().unwrap_or(0) + v > a.scalar.get(k).copied().unwrap_or(0)
        {
            reasons.push(format!("Insufficient {k}"));
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Rejection {
            plugin: "NodeResourcesFit",
            reasons,
            unresolvable: false,
        })
    }
}

fn selector_matches_pod(term: &PodAffinityTerm, owner: &Pod, candidate: &Pod) -> bool {
    let namespaces_ok = if term.namespaces.is_empty() && term.namespace_selector.is_none() {
        candidate.namespace() == owner.namespace()
    } else {
        term.namespaces.iter().any(|n| n == candidate.namespace())
            || term
                .namespace_selector
                .as_ref()
                .is_some_and(LabelSelector::is_empty)
    };
    namespaces_ok
        && term
            .label_selector
            .as_ref()
            .is_some_and(|s| s.matches(&candidate.metadata.labels))
}

fn domain<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.metadata.labels.get(key).map(String::as_str)
}

/// Required pod affinity and anti-affinity, both the incoming pod's and the
/// anti-affinity of pods already placed.
fn pod_affinity(pod: &Pod, info: &NodeInfo, cache: &Cache) -> Result<(), Rejection> {
    let node = &info.node;
    let aff = pod.spec.affinity.as_deref();
    let affinity_terms = aff
        .and_then(|a| a.pod_affinity.as_ref())
        .map(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_slice()
        })
        .unwrap_or(&[]);
    let anti_terms = aff
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .map(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_slice()
        })
        .unwrap_or(&[]);
    // Existing pods whose anti-affinity excludes the incoming pod.
    for (p, on) in cache.anti_affinity_pods() {
        let Some(other) = cache.get(on) else { continue };
        let Some(terms) = p
            .spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .map(|a| &a.required_during_scheduling_ignored_during_execution)
        else {
            continue;
        };
        for t in terms {
            if selector_matches_pod(t, p, pod)
                && domain(&other.node, &t.topology_key).is_some()
                && domain(&other.node, &t.topology_key) == domain(node, &t.topology_key)
            {
                return Err(Rejection::new(
                    "InterPodAffinity",
                    "node(s) didn't satisfy existing pods anti-affinity rules",
                    false,
                ));
            }
        }
    }
    if affinity_terms.is_empty() && anti_terms.is_empty() {
        return Ok(());
    }
    for t in affinity_terms {
        let Some(d) = domain(node, &t.topology_key) else {
            return Err(Rejection::new(
                "InterPodAffinity",
                "node(s) didn't match pod affinity rules",
                true,
            ));
        };
        let mut any_anywhere = false;
        let mut here = false;
        for other in cache.nodes() {
            for p in other.pods.values() {
                if selector_matches_pod(t, pod, p) {
                    any_anywhere = true;
                    if domain(&other.node, &t.topology_key) == Some(d) {
                        here = true;
                    }
                }
            }
        }
        // The first pod of a group that selects itself may go anywhere.
        let first_of_group = !any_anywhere && selector_matches_pod(t, pod, pod);
        if !here && !first_of_group {
            return Err(Rejection::new(
                "InterPodAffinity",
                "node(s) didn't match pod affinity rules",
                false,
            ));
        }
    }
    for t in anti_terms {
        let Some(d) = domain(node, &t.topology_key) else {
            continue;
        };
        for other in cache.nodes() {
            if domain(&other.node, &t.topology_key) != Some(d) {
                continue;
            }
            if other.pods.values().any(|p| selector_matches_pod(t, pod, p)) {
                return Err(Rejection::new(
                    "InterPodAffinity",
                    "node(s) didn't match pod anti-affinity rules",
                    false,
                ));
            }
        }
    }
    Ok(())
}

/// Topology spread constraints with DoNotSchedule (the filter part).
pub fn spread_filter(pod: &Pod, info: &NodeInfo, counts: &[SpreadCounts]) -> Result<(), Rejection> {
    for c in counts.iter().filter(|c| c.hard) {
        let Some(d) = domain(&info.node, &c.key) else {
            return Err(Rejection::new(
                "PodTopologySpread",
                "node(s) didn't match pod topology spread constraints (missing required label)",
                true,
            ));
        };
        let here = c.per_domain.get(d).copied().unwrap_or(0);
        let self_match = c.selector.matches(&pod.metadata.labels);
        let min = c.per_domain.values().copied().min().unwrap_or(0);
        if here + i64::from(self_match) - min > c.max_skew {
            return Err(Rejection::new(
                "PodTopologySpread",
                "node(s) didn't match pod topology spread constraints",
                false,
            ));
        }
    }
    Ok(())
}

/// Matching pods per topology domain for one constraint.
pub struct SpreadCounts {
    pub key: String,
    pub max_skew: i64,
    pub hard: bool,
    pub selector: LabelSelector,
    pub per_domain: BTreeMap<String, i64>,
}

/// Counts for the pod's constraints, or the scheduler's default ones
/// (`maxSkew` 3 per hostname, soft) for pods a controller owns. The default
/// constraint only scores, so it is counted on the candidate nodes alone.
pub fn spread_counts(pod: &Pod, cache: &Cache, candidates: &[&NodeInfo]) -> Vec<SpreadCounts> {
    let mut out = Vec::new();
    let constraints = &pod.spec.topology_spread_constraints;
    if constraints.is_empty() {
        let Some(owner) = pod.metadata.controller() else {
            return out;
        };
        let mut per_domain = BTreeMap::new();
        for info in candidates {
            let name = info.node.name();
            per_domain.insert(name.to_string(), cache.owned_on(&owner.uid, name));
        }
        out.push(SpreadCounts {
            key: "kubernetes.io/hostname".to_string(),
            max_skew: 3,
            hard: false,
            selector: LabelSelector {
                match_labels: pod.metadata.labels.clone(),
                ..Default::default()
            },
            per_domain,
        });
        return out;
    }
    for c in constraints {
        let selector = c.label_selector.clone().unwrap_or_default();
        let mut per_domain: BTreeMap<String, i64> = BTreeMap::new();
        for info in cache.nodes() {
            if !eligible_for_spread(pod, &info.node) {
                continue;
            }
            let Some(d) = domain(&info.node, &c.topology_key) else {
                continue;
            };
            let n = info
                .pods
                .values()
                .filter(|p| {
                    p.namespace() == pod.namespace() && selector.matches(&p.metadata.labels)
                })
                .count() as i64;
            *per_domain.entry(d.to_string()).or_default() += n;
        }
        out.push(SpreadCounts {
            key: c.topology_key.clone(),
            max_skew: i64::from(c.max_skew.max(1)),
            hard: c.when_unsatisfiable != "ScheduleAnyway",
            selector,
            per_domain,
        });
    }
    out
}

fn eligible_for_spread(pod: &Pod, node: &Node) -> bool {
    node_affinity_matches(pod, node)
}

/// A node's scores per plugin (0–100 before weights), kept for the UI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scores {
    pub per_plugin: Vec<(&'static str, i64)>,
    pub total: i64,
}

/// The scoring plugins, their weights in the default profile, in the order
/// `Scores::per_plugin` lists them.
const WEIGHTS: [(&str, i64); 5] = [
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("PodTopologySpread", 2),
    ("NodeResourcesFit", 1),
    ("NodeResourcesBalancedAllocation", 1),
];
const TAINT_TOLERATION: usize = 0;
const NODE_AFFINITY: usize = 1;
const POD_TOPOLOGY_SPREAD: usize = 2;
const NODE_RESOURCES_FIT: usize = 3;
const BALANCED_ALLOCATION: usize = 4;

/// Scores feasible nodes and returns them with their totals.
pub fn score(pod: &Pod, nodes: &[&NodeInfo], spread: &[SpreadCounts]) -> Vec<Scores> {
    let (pod_cpu, pod_mem) = Resources::non_zero_of_pod(pod);
    let preferred = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .map(|na| &na.preferred_during_scheduling_ignored_during_execution[..])
        .unwrap_or(&[]);
    // One row of raw plugin scores per node, in `WEIGHTS` order; a fixed
    // array, as this runs for hundreds of nodes per pod in a big cluster.
    let mut raw: Vec<[i64; 5]> = Vec::with_capacity(nodes.len());
    for info in nodes {
        let mut row = [0i64; 5];
        let a = &info.allocatable;
        let frac = |used: i64, cap: i64| -> f64 {
            if cap <= 0 {
                1.0
            } else {
                (used as f64 / cap as f64).min(1.0)
            }
        };
        let cpu_used = info.non_zero_cpu + pod_cpu;
        let mem_used = info.non_zero_memory + pod_mem;
        let least = |used: i64, cap: i64| -> i64 {
            if cap <= 0 || used > cap {
                0
            } else {
                (cap - used) * 100 / cap
            }
        };
        row[NODE_RESOURCES_FIT] = (least(cpu_used, a.milli_cpu) + least(mem_used, a.memory)) / 2;
        let fc = frac(cpu_used, a.milli_cpu);
        let fm = frac(mem_used, a.memory);
        let std = (fc - fm).abs() / 2.0;
        row[BALANCED_ALLOCATION] = ((1.0 - std) * 100.0) as i64;
        row[TAINT_TOLERATION] = info
            .node
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == "PreferNoSchedule" && !tolerates(&pod.spec.tolerations, t))
            .count() as i64;
        row[NODE_AFFINITY] = preferred
            .iter()
            .filter(|t| term_matches(&t.preference, &info.node))
            .map(|t| i64::from(t.weight))
            .sum();
        let mut spread_sum = 0;
        for c in spread.iter().filter(|c| !c.hard) {
            if let Some(d) = domain(&info.node, &c.key) {
                spread_sum += c.per_domain.get(d).copied().unwrap_or(0);
            }
        }
        row[POD_TOPOLOGY_SPREAD] = spread_sum;
        raw.push(row);
    }
    // Normalize to 0..100 the way each plugin does.
    let normalize = |plugin: usize, reverse: bool, raw: &mut Vec<[i64; 5]>| {
        let max = raw.iter().map(|m| m[plugin]).max().unwrap_or(0);
        let min = raw.iter().map(|m| m[plugin]).min().unwrap_or(0);
        for m in raw.iter_mut() {
            let v = m[plugin];
            m[plugin] = match (plugin, reverse) {
                (POD_TOPOLOGY_SPREAD, _) => {
                    if max == min {
                        100
                    } else {
                        (max - v) * 100 / (max - min).max(1)
                    }
                }
                (_, true) => {
                    if max == 0 {
                        100
                    } else {
                        100 - v * 100 / max
                    }
                }
                (_, false) => {
                    if max == 0 {
                        0
                    } else {
                        v * 100 / max
                    }
                }
            };
        }
    };
    normalize(TAINT_TOLERATION, true, &mut raw);
    normalize(NODE_AFFINITY, false, &mut raw);
    normalize(POD_TOPOLOGY_SPREAD, true, &mut raw);
    raw.into_iter()
        .map(|m| {
            let per_plugin = WEIGHTS.iter().zip(m).map(|((p, _), v)| (*p, v)).collect();
            let total = WEIGHTS.iter().zip(m).map(|((_, w), v)| v * w).sum();
            Scores { per_plugin, total }
        })
        .collect()
}
