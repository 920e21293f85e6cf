//! The pod re-creation back-off of Jobs (`backoff_utils.go`): 10 s after
//! the first failure, doubling per failure since the last success, capped
//! at 10 minutes, measured from the last failure.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::pods::finished_at;
use crate::api::corev1::Pod;
use crate::apiserver::Millis;
use crate::store::ObjKey;
use crate::util::sort;

/// First delay after a failure (`DefaultJobPodFailureBackOff`).
pub const INITIAL: Millis = 10_000;
/// Longest delay (`MaxJobPodFailureBackOff`).
pub const MAX: Millis = 600_000;

/// Failures since the last success and when the last one happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    pub failures_after_last_success: i32,
    /// Wall-clock milliseconds of the last failure.
    pub last_failure: Option<i64>,
}

impl BackoffRecord {
    /// The record after newly counted pods (`newBackoffRecord`).
    pub fn next(&self, succeeded: &[Rc<Pod>], failed: &[Rc<Pod>]) -> BackoffRecord {
        let mut failed_at: Vec<i64> = failed.iter().map(|p| finished_at(p)).collect();
        sort::sort(&mut failed_at);
        let last_success = succeeded.iter().map(|p| finished_at(p)).max();
        match last_success {
            None => {
                let Some(last) = failed_at.last() else {
                    return self.clone();
                };
                BackoffRecord {
                    failures_after_last_success: self
                        .failures_after_last_success
                        .saturating_add(failed_at.len() as i32),
                    last_failure: Some(*last),
                }
            }
            Some(success) => {
                let after: Vec<i64> = failed_at.into_iter().filter(|t| *t > success).collect();
                BackoffRecord {
                    failures_after_last_success: after.len() as i32,
                    last_failure: after.last().copied(),
                }
            }
        }
    }

    /// How long new pods must still wait.
    pub fn remaining(&self, now: i64) -> Millis {
        remaining_for(self.failures_after_last_success, self.last_failure, now)
    }
}

/// `getRemainingTimeForFailuresCount`.
pub fn remaining_for(failures: i32, last_failure: Option<i64>, now: i64) -> Millis {
    let Some(last) = last_failure.filter(|_| failures > 0) else {
        return 0;
    };
    let mut delay = INITIAL;
    for _ in 1..failures {
        delay *= 2;
        if delay >= MAX {
            delay = MAX;
            break;
        }
    }
    let elapsed = now - last;
    if delay < elapsed {
        0
    } else {
        delay - elapsed
    }
}

/// Back-off records by Job.
#[derive(Default)]
pub struct BackoffStore {
    records: BTreeMap<ObjKey, BackoffRecord>,
}

impl BackoffStore {
    pub fn get(&self, key: &ObjKey) -> BackoffRecord {
        self.records.get(key).cloned().unwrap_or_default()
    }

    pub fn put(&mut self, key: &ObjKey, record: BackoffRecord) {
        self.records.insert(key.clone(), record);
    }

    pub fn remove(&mut self, key: &ObjKey) {
        self.records.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_ten_seconds_to_ten_minutes() {
        let cases = [
            ("no failure, no wait", 0, 0),
            ("first failure waits ten seconds", 1, 10_000),
            ("second waits twenty", 2, 20_000),
            ("fourth waits eighty", 4, 80_000),
            ("the seventh reaches the cap", 7, 600_000),
            ("later ones stay capped", 30, 600_000),
        ];
        for (name, failures, want) in cases {
            assert_eq!(remaining_for(failures, Some(1_000), 1_000), want, "{name}");
        }
        assert_eq!(
            remaining_for(1, Some(0), 4_000),
            6_000,
            "time already waited counts"
        );
        assert_eq!(
            remaining_for(1, Some(0), 12_000),
            0,
            "a passed delay is zero"
        );
    }
}
