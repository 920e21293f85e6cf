//! client-go's `flowcontrol.Backoff` as the kubelet configures it for
//! container restarts and image pulls: 10 s doubling to 300 s, reset after
//! 600 s without a new entry, no jitter.

use std::collections::BTreeMap;

use crate::apiserver::Millis;

pub const INITIAL: Millis = 10_000;
pub const MAX: Millis = 300_000;
/// An entry older than twice the maximum is forgotten (`hasExpired`).
const EXPIRE: Millis = 2 * MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    backoff: Millis,
    last_update: Millis,
}

/// Back-off entries by key (pod uid + container, or image).
#[derive(Clone, Debug, Default)]
pub struct Backoff {
    entries: BTreeMap<String, Entry>,
}

impl Backoff {
    /// The current delay for `key`, if it has a live entry.
    pub fn get(&self, key: &str) -> Option<Millis> {
        self.entries.get(key).map(|e| e.backoff)
    }

    /// `Next`: starts or doubles the delay, resetting an entry that expired
    /// before `event_time` (the failure being handled).
    pub fn next(&mut self, key: &str, event_time: Millis, now: Millis) {
        match self.entries.get_mut(key) {
            Some(e) if event_time - e.last_update <= EXPIRE => {
                e.backoff = (e.backoff * 2).min(MAX);
                e.last_update = now;
            }
            _ => {
                self.entries.insert(
                    key.to_string(),
                    Entry {
                        backoff: INITIAL,
                        last_update: now,
                    },
                );
            }
        }
    }

    /// `IsInBackOffSince`: whether `since` (the last failure) is still
    /// within the current delay.
    pub fn in_backoff_since(&self, key: &str, since: Millis, now: Millis) -> bool {
        match self.entries.get(key) {
            Some(e) if since - e.last_update <= EXPIRE => now - since < e.backoff,
            _ => false,
        }
    }

    /// Drops every entry whose key starts with `prefix` (a deleted pod).
    pub fn forget_prefix(&mut self, prefix: &str) {
        self.entries.retain(|k, _| !k.starts_with(prefix));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_crash_has_no_entry_and_later_ones_double() {
        let mut b = Backoff::default();
        assert!(!b.in_backoff_since("c", 0, 0), "no entry: restart at once");
        b.next("c", 0, 0);
        assert_eq!(b.get("c"), Some(10_000));
        assert!(b.in_backoff_since("c", 1_000, 5_000));
        assert!(!b.in_backoff_since("c", 1_000, 11_000));
        let mut t = 11_000;
        let mut delays = vec![];
        for _ in 0..7 {
            b.next("c", t, t);
            delays.push(b.get("c").unwrap());
            t += 1_000;
        }
        assert_eq!(
            delays,
            [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]
        );
    }

    #[test]
    fn an_entry_expires_after_ten_quiet_minutes() {
        let mut b = Backoff::default();
        b.next("c", 0, 0);
        b.next("c", 1_000, 1_000);
        assert_eq!(b.get("c"), Some(20_000));
        assert!(!b.in_backoff_since("c", 1_001 + EXPIRE, 1_500 + EXPIRE));
        b.next("c", 1_001 + EXPIRE, 1_001 + EXPIRE);
        assert_eq!(b.get("c"), Some(10_000));
    }
}
