//! Pod failure policy and success policy matching, as the Job controller
//! reads them (`pod_failure_policy.go`, `success_policy.go`).

use super::indexes::Intervals;
use crate::api::batch::job::{
    PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement, SuccessPolicy,
};
use crate::api::corev1::{ContainerStatus, Pod, PodStatus};

/// What a matched failure rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyAction {
    FailJob,
    FailIndex,
    Ignore,
    Count,
}

/// The outcome of matching a failed pod against the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyMatch {
    /// Present when a FailJob rule matched: the Job's failure message.
    pub fail_job: Option<String>,
    /// Whether the failure counts against the back-off limits.
    pub counts: bool,
    pub action: Option<PolicyAction>,
}

impl PolicyMatch {
    const UNMATCHED: PolicyMatch = PolicyMatch {
        fail_job: None,
        counts: true,
        action: None,
    };
}

fn exit_code_matches(code: i32, req: &PodFailurePolicyOnExitCodesRequirement) -> bool {
    match req.operator.as_str() {
        "In" => req.values.contains(&code),
        "NotIn" => !req.values.contains(&code),
        _ => false,
    }
}

/// The first terminated, non-zero container status the requirement matches
/// (app containers first, then init containers).
fn matching_container<'a>(
    status: &'a PodStatus,
    req: &PodFailurePolicyOnExitCodesRequirement,
) -> Option<&'a ContainerStatus> {
    let find = |list: &'a [ContainerStatus]| {
        list.iter().find(|cs| {
            let Some(t) = &cs.state.terminated else {
                return false;
            };
            req.container_name.as_deref().is_none_or(|n| n == cs.name)
                && t.exit_code != 0
                && exit_code_matches(t.exit_code, req)
        })
    };
    find(&status.container_statuses).or_else(|| find(&status.init_container_statuses))
}

/// `matchPodFailurePolicy`.
pub fn match_pod_failure_policy(pfp: Option<&PodFailurePolicy>, pod: &Pod) -> PolicyMatch {
    let Some(pfp) = pfp else {
        return PolicyMatch::UNMATCHED;
    };
    for (index, rule) in pfp.rules.iter().enumerate() {
        let subject = if let Some(req) = &rule.on_exit_codes {
            matching_container(&pod.status, req).map(|cs| {
                format!(
                    "Container {} for pod {}/{} failed with exit code {} matching {} rule at index {index}",
                    cs.name,
                    pod.namespace(),
                    pod.name(),
                    cs.state.terminated.as_ref().map_or(0, |t| t.exit_code),
                    rule.action
                )
            })
        } else if let Some(patterns) = &rule.on_pod_conditions {
            pod.status
                .conditions
                .iter()
                .find(|c| {
                    patterns
                        .iter()
                        .any(|p| p.type_ == c.type_ && p.status == c.status)
                })
                .map(|c| {
                    format!(
                        "Pod {}/{} has condition {} matching {} rule at index {index}",
                        pod.namespace(),
                        pod.name(),
                        c.type_,
                        rule.action
                    )
                })
        } else {
            None
        };
        let Some(message) = subject else { continue };
        let matched = |counts, action| PolicyMatch {
            fail_job: None,
            counts,
            action: Some(action),
        };
        match rule.action.as_str() {
            "Ignore" => return matched(false, PolicyAction::Ignore),
            "FailIndex" => return matched(true, PolicyAction::FailIndex),
            "Count" => return matched(true, PolicyAction::Count),
            "FailJob" => {
                return PolicyMatch {
                    fail_job: Some(message),
                    counts: true,
                    action: Some(PolicyAction::FailJob),
                }
            }
            // An unknown action matches nothing; later rules still apply.
            _ => {}
        }
    }
    PolicyMatch::UNMATCHED
}

/// `matchSucceededIndexesRule`.
fn indexes_rule_met(rule: &Intervals, succeeded: &Intervals, count: Option<i32>) -> bool {
    let (r, s) = (rule.intervals(), succeeded.intervals());
    let (mut i, mut j) = (0, 0);
    let mut contains: i64 = 0;
    while i < r.len() && j < s.len() {
        let overlap = i64::from(r[i].1.min(s[j].1)) - i64::from(r[i].0.max(s[j].0)) + 1;
        if overlap > 0 {
            contains += overlap;
        }
        match s[j].1.cmp(&r[i].1) {
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    contains == i64::from(rule.total()) || count.is_some_and(|c| contains >= i64::from(c))
}

/// `matchSuccessPolicy`: the message of the first rule met.
pub fn match_success_policy(
    sp: Option<&SuccessPolicy>,
    completions: i32,
    succeeded: &Intervals,
) -> Option<String> {
    let sp = sp?;
    if succeeded.is_empty() {
        return None;
    }
    for (index, rule) in sp.rules.iter().enumerate() {
        let met = match &rule.succeeded_indexes {
            Some(text) => {
                let required = Intervals::parse(text, completions);
                !required.is_empty() && indexes_rule_met(&required, succeeded, rule.succeeded_count)
            }
            None => rule.succeeded_count.is_some_and(|c| succeeded.total() >= c),
        };
        if met {
            return Some(format!("Matched rules at index {index}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::batch::job::{
        PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule, SuccessPolicyRule,
    };
    use crate::api::corev1::{ContainerState, ContainerStateTerminated, PodCondition};

    fn failed_pod(exit: i32, condition: Option<&str>) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = Some("p".into());
        p.metadata.namespace = Some("default".into());
        p.status.container_statuses.push(ContainerStatus {
            name: "main".into(),
            state: ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: exit,
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        });
        if let Some(c) = condition {
            p.status.conditions.push(PodCondition {
                type_: c.into(),
                status: "True".into(),
                ..Default::default()
            });
        }
        p
    }

    fn rule(action: &str, op: &str, values: &[i32]) -> PodFailurePolicyRule {
        PodFailurePolicyRule {
            action: action.into(),
            on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                container_name: None,
                operator: op.into(),
                values: values.to_vec(),
            }),
            on_pod_conditions: None,
        }
    }

    #[test]
    fn failure_rules_decide_in_order() {
        let policy = PodFailurePolicy {
            rules: vec![
                rule("FailJob", "In", &[42]),
                PodFailurePolicyRule {
                    action: "Ignore".into(),
                    on_exit_codes: None,
                    on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                        type_: "DisruptionTarget".into(),
                        status: "True".into(),
                    }]),
                },
                rule("Count", "NotIn", &[0]),
            ],
        };
        type Case<'a> = (&'a str, Pod, Option<PolicyAction>, bool, Option<&'a str>);
        let cases: &[Case] = &[
            (
                "exit code 42 fails the job",
                failed_pod(42, None),
                Some(PolicyAction::FailJob),
                true,
                Some("Container main for pod default/p failed with exit code 42 matching FailJob rule at index 0"),
            ),
            (
                "a disruption is ignored",
                failed_pod(137, Some("DisruptionTarget")),
                Some(PolicyAction::Ignore),
                false,
                None,
            ),
            (
                "other failures count",
                failed_pod(1, None),
                Some(PolicyAction::Count),
                true,
                None,
            ),
        ];
        for (name, pod, action, counts, msg) in cases {
            let m = match_pod_failure_policy(Some(&policy), pod);
            assert_eq!(m.action, *action, "{name}");
            assert_eq!(m.counts, *counts, "{name}");
            assert_eq!(m.fail_job.as_deref(), *msg, "{name}");
        }
    }

    #[test]
    fn success_rules_match_indexes_or_counts() {
        let sp = SuccessPolicy {
            rules: vec![
                SuccessPolicyRule {
                    succeeded_indexes: Some("0-2".into()),
                    succeeded_count: None,
                },
                SuccessPolicyRule {
                    succeeded_indexes: None,
                    succeeded_count: Some(4),
                },
            ],
        };
        let cases = [
            (
                "indexes 0 to 2 meet the first rule",
                "0-2",
                Some("Matched rules at index 0"),
            ),
            (
                "four other indexes meet the second",
                "3-6",
                Some("Matched rules at index 1"),
            ),
            ("too few meet none", "1,5", None),
        ];
        for (name, done, want) in cases {
            let got = match_success_policy(Some(&sp), 10, &Intervals::parse(done, 10));
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }
}
