//! Event recording as client-go's recorders do it: identical events are
//! folded into one with a growing `count`, and each source gets a token
//! bucket per object (25 events, then one per 5 minutes) beyond which events
//! are dropped.

use std::collections::BTreeMap;

use super::{ApiServer, WriteOptions};
use crate::api::corev1::{Event, EventSource, ObjectReference};
use crate::api::meta::ObjectMeta;
use crate::api::resource::Resource;
use crate::api::time::MicroTime;

/// Normal or Warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Who records an event.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source {
    pub component: String,
    /// The node, for kubelet events.
    pub host: String,
    /// Components on the newer events API (the scheduler) write
    /// `eventTime`, `action` and `reportingInstance` instead of the legacy
    /// fields.
    pub new_api: Option<NewApi>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NewApi {
    pub action: String,
    pub reporting_instance: String,
}

impl Source {
    pub fn component(name: &str) -> Source {
        Source {
            component: name.to_string(),
            host: String::new(),
            new_api: None,
        }
    }

    pub fn kubelet(node: &str) -> Source {
        Source {
            component: "kubelet".to_string(),
            host: node.to_string(),
            new_api: None,
        }
    }

    pub fn scheduler(action: &str) -> Source {
        Source {
            component: "default-scheduler".to_string(),
            host: String::new(),
            new_api: Some(NewApi {
                action: action.to_string(),
                reporting_instance: "default-scheduler-controlplane".to_string(),
            }),
        }
    }
}

/// A reference to the object an event is about.
pub fn object_ref<T: Resource>(obj: &T, field_path: &str) -> ObjectReference {
    let meta: &ObjectMeta = obj.meta();
    let info = T::INFO;
    ObjectReference {
        kind: info.kind.to_string(),
        namespace: meta.namespace().to_string(),
        name: meta.name().to_string(),
        uid: meta.uid().to_string(),
        api_version: info.api_version(),
        resource_version: meta.resource_version.clone().unwrap_or_default(),
        field_path: field_path.to_string(),
    }
}

const BURST: f64 = 25.0;
const REFILL_MILLIS: f64 = 300_000.0;

struct Bucket {
    tokens: f64,
    at: i64,
}

/// A 128-bit digest of the fields that identify a repeat (client-go joins
/// them into a string key). Every pod leaves several entries here, so the
/// fields are not kept; two independent 64-bit hashes make a false match
/// practically impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Digest(u64, u64);

impl Digest {
    fn of(parts: &[&str]) -> Digest {
        let mut a: u64 = 0xcbf2_9ce4_8422_2325;
        let mut b: u64 = 0x9e37_79b9_7f4a_7c15;
        for part in parts {
            // The length first, so field boundaries cannot shift.
            for byte in (part.len() as u64)
                .to_le_bytes()
                .iter()
                .chain(part.as_bytes())
            {
                a = (a ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3);
                b = (b.rotate_left(5) ^ u64::from(*byte)).wrapping_mul(0xff51_afd7_ed55_8ccd);
            }
        }
        Digest(a, b ^ (b >> 33))
    }
}

/// Correlation state.
#[derive(Default)]
pub struct Recorder {
    /// Spam-filter token buckets by source and object.
    buckets: BTreeMap<Digest, Bucket>,
    /// The event each repeatable key was recorded as: (namespace, name).
    seen: BTreeMap<Digest, (String, String)>,
    /// Makes names unique when two events share a millisecond.
    serial: u64,
    /// Components can be told not to record (benchmarks).
    pub disabled: bool,
}

impl ApiServer {
    /// Records an event, folding repeats and honouring the spam filter.
    pub fn record_event(
        &mut self,
        involved: ObjectReference,
        type_: EventType,
        reason: &str,
        message: String,
        source: &Source,
    ) {
        if self.recorder.disabled || involved.name.is_empty() {
            return;
        }
        let now = self.now();
        if source.new_api.is_none() {
            let bucket_key = Digest::of(&[
                &source.component,
                &source.host,
                &involved.namespace,
                &involved.kind,
                &involved.name,
                &involved.uid,
            ]);
            let bucket = self.recorder.buckets.entry(bucket_key).or_insert(Bucket {
                tokens: BURST,
                at: now,
            });
            bucket.tokens = (bucket.tokens + (now - bucket.at) as f64 / REFILL_MILLIS).min(BURST);
            bucket.at = now;
            if bucket.tokens < 1.0 {
                return;
            }
            bucket.tokens -= 1.0;
        }
        let (action, instance) = source.new_api.as_ref().map_or(("", ""), |n| {
            (n.action.as_str(), n.reporting_instance.as_str())
        });
        let key = Digest::of(&[
            &source.component,
            &source.host,
            if source.new_api.is_some() { "new" } else { "" },
            action,
            instance,
            &involved.kind,
            &involved.namespace,
            &involved.name,
            &involved.field_path,
            &involved.uid,
            &involved.api_version,
            type_.as_str(),
            reason,
            &message,
        ]);
        let time = self.time();
        if let Some((ns, name)) = self.recorder.seen.get(&key).cloned() {
            if let Some(existing) = self.store.get::<Event>(&ns, &name).cloned() {
                let mut ev = (*existing).clone();
                if source.new_api.is_some() {
                    let count = ev
                        .series
                        .as_ref()
                        .and_then(|s| s.get("count"))
                        .and_then(|c| c.as_i64())
                        .unwrap_or(1)
                        + 1;
                    ev.series = Some(crate::api::codec::object([
                        ("count", count.into()),
                        (
                            "lastObservedTime",
                            MicroTime::from_millis(self.wall_millis()).format().into(),
                        ),
                    ]));
                } else {
                    ev.count += 1;
                    ev.last_timestamp = Some(time);
                }
                let _ = self.write_status(ev);
                return;
            }
        }
        self.recorder.serial += 1;
        let nanos = self.wall_millis() * 1_000_000 + (self.recorder.serial % 1_000_000) as i64;
        let name = format!("{}.{:x}", involved.name, nanos);
        let ns = if involved.namespace.is_empty() {
            "default".to_string()
        } else {
            involved.namespace.clone()
        };
        let mut ev = Event {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            involved_object: involved,
            reason: reason.to_string(),
            message,
            type_: type_.as_str().to_string(),
            ..Default::default()
        };
        match &source.new_api {
            Some(n) => {
                ev.event_time = Some(MicroTime::from_millis(self.wall_millis()));
                ev.action = n.action.clone();
                ev.reporting_component = source.component.clone();
                ev.reporting_instance = n.reporting_instance.clone();
            }
            None => {
                ev.source = EventSource {
                    component: source.component.clone(),
                    host: source.host.clone(),
                };
                ev.first_timestamp = Some(time);
                ev.last_timestamp = Some(time);
                ev.count = 1;
                ev.reporting_component = source.component.clone();
                ev.reporting_instance = source.host.clone();
            }
        }
        if self.create(ev, &WriteOptions::default()).is_ok() {
            self.recorder.seen.insert(key, (ns, name));
        }
    }

    /// Stops recording events (for benchmarks that measure the rest).
    pub fn set_events_enabled(&mut self, on: bool) {
        self.recorder.disabled = !on;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_tell_keys_apart() {
        let base = Digest::of(&["kubelet", "node01", "Pod", "web", "BackOff"]);
        let cases: [(&str, &[&str], bool); 4] = [
            (
                "the same fields give the same digest",
                &["kubelet", "node01", "Pod", "web", "BackOff"],
                true,
            ),
            (
                "another reason is another key",
                &["kubelet", "node01", "Pod", "web", "Pulled"],
                false,
            ),
            (
                "text moved across a field boundary is another key",
                &["kubelet", "node0", "1Pod", "web", "BackOff"],
                false,
            ),
            (
                "an empty field still counts",
                &["kubelet", "node01", "Pod", "web", "BackOff", ""],
                false,
            ),
        ];
        for (name, parts, same) in cases {
            assert_eq!(Digest::of(parts) == base, same, "{name}");
        }
    }
}
