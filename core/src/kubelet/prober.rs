//! Probe workers (`prober/worker.go`): a loop that ticks on the probe's
//! period from pod admission, and a step that decides with threshold
//! counters, initial results and the startup gate.

use crate::api::corev1::Probe;
use crate::apiserver::Millis;

/// Which probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }

    pub fn lower(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Startup => "startup",
        }
    }
}

/// A probe's cached result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Unknown,
}

/// One container's worker for one probe.
#[derive(Clone, Debug)]
pub struct Worker {
    pub kind: ProbeKind,
    pub probe: Probe,
    /// The worker's ticker started here (pod admission).
    pub epoch: Millis,
    pub result: Outcome,
    /// Consecutive identical raw results.
    run: i32,
    last_raw: Option<Outcome>,
    /// After a liveness/startup failure: no probing until a new container.
    pub on_hold: bool,
    /// The container instance the result belongs to.
    pub container_id: String,
    /// A probe is running (exec or network) and not decided yet.
    pub in_flight: bool,
}

/// What a tick should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tick {
    /// Nothing to probe now.
    Skip,
    /// Run the probe.
    Run,
}

impl Worker {
    pub fn new(kind: ProbeKind, probe: Probe, epoch: Millis) -> Worker {
        Worker {
            kind,
            probe,
            epoch,
            result: initial(kind),
            run: 0,
            last_raw: None,
            on_hold: false,
            container_id: String::new(),
            in_flight: false,
        }
    }

    pub fn period(&self) -> Millis {
        Millis::from(self.probe.period_seconds.max(1)) * 1000
    }

    /// The first tick strictly after `now`.
    pub fn next_tick(&self, now: Millis) -> Millis {
        let p = self.period();
        let k = (now - self.epoch).div_euclid(p) + 1;
        self.epoch + k * p
    }

    /// Resets for a new container instance.
    pub fn new_container(&mut self, id: &str) {
        if self.container_id != id {
            self.container_id = id.to_string();
            self.result = initial(self.kind);
            self.run = 0;
            self.last_raw = None;
            self.on_hold = false;
            self.in_flight = false;
        }
    }

    /// `doProbe`'s checks before probing: a running container of the right
    /// age, not on hold, and the startup gate.
    pub fn should_probe(
        &self,
        running: bool,
        started_at: Millis,
        started: bool,
        now: Millis,
    ) -> Tick {
        if !running || self.on_hold || self.in_flight {
            return Tick::Skip;
        }
        // int32(time.Since(startedAt).Seconds()) < initialDelaySeconds
        let age_secs = (now - started_at).div_euclid(1000);
        if age_secs < i64::from(self.probe.initial_delay_seconds) {
            return Tick::Skip;
        }
        match self.kind {
            ProbeKind::Startup if started => Tick::Skip,
            ProbeKind::Liveness | ProbeKind::Readiness if !started => Tick::Skip,
            _ => Tick::Run,
        }
    }

    /// Records a raw result and returns whether the cached result changed.
    /// Errors (`Unknown`) are thrown away.
    pub fn record(&mut self, raw: Outcome) -> bool {
        self.in_flight = false;
        if raw == Outcome::Unknown {
            return false;
        }
        if self.last_raw == Some(raw) {
            self.run += 1;
        } else {
            self.last_raw = Some(raw);
            self.run = 1;
        }
        let threshold = match raw {
            Outcome::Failure => self.probe.failure_threshold.max(1),
            _ => self.probe.success_threshold.max(1),
        };
        if matches!(raw, Outcome::Failure | Outcome::Success) && self.run < threshold {
            return false;
        }
        let changed = self.result != raw;
        self.result = raw;
        if raw == Outcome::Failure && self.kind != ProbeKind::Readiness {
            // Wait for the container to restart before probing again.
            self.on_hold = true;
            self.run = 0;
        }
        changed
    }
}

fn initial(kind: ProbeKind) -> Outcome {
    match kind {
        ProbeKind::Readiness => Outcome::Failure,
        ProbeKind::Liveness => Outcome::Success,
        ProbeKind::Startup => Outcome::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(period: i32, failure: i32, delay: i32) -> Probe {
        Probe {
            period_seconds: period,
            failure_threshold: failure,
            success_threshold: 1,
            initial_delay_seconds: delay,
            timeout_seconds: 1,
            ..Default::default()
        }
    }

    #[test]
    fn ticks_follow_the_admission_time() {
        let w = Worker::new(ProbeKind::Liveness, probe(5, 3, 0), 1_200);
        assert_eq!(w.next_tick(1_200), 6_200);
        assert_eq!(w.next_tick(6_199), 6_200);
        assert_eq!(w.next_tick(6_200), 11_200);
    }

    #[test]
    fn failures_need_the_threshold_in_a_row() {
        let mut w = Worker::new(ProbeKind::Liveness, probe(5, 3, 0), 0);
        w.new_container("a");
        assert!(!w.record(Outcome::Failure));
        assert!(!w.record(Outcome::Success));
        assert!(!w.record(Outcome::Failure));
        assert!(!w.record(Outcome::Failure));
        assert!(w.record(Outcome::Failure), "third failure in a row");
        assert_eq!(w.result, Outcome::Failure);
        assert!(w.on_hold);
        w.new_container("b");
        assert!(!w.on_hold);
        assert_eq!(w.result, Outcome::Success);
    }

    #[test]
    fn readiness_starts_failed_and_errors_are_ignored() {
        let mut w = Worker::new(ProbeKind::Readiness, probe(10, 3, 0), 0);
        w.new_container("a");
        assert_eq!(w.result, Outcome::Failure);
        assert!(!w.record(Outcome::Unknown));
        assert!(w.record(Outcome::Success));
        assert!(!w.on_hold);
    }

    #[test]
    fn initial_delay_and_startup_gate() {
        let w = Worker::new(ProbeKind::Liveness, probe(5, 3, 15), 0);
        assert_eq!(w.should_probe(true, 1_000, true, 15_999), Tick::Skip);
        assert_eq!(w.should_probe(true, 1_000, true, 16_000), Tick::Run);
        assert_eq!(w.should_probe(true, 1_000, false, 16_000), Tick::Skip);
        let s = Worker::new(ProbeKind::Startup, probe(5, 3, 0), 0);
        assert_eq!(s.should_probe(true, 0, true, 5_000), Tick::Skip);
        assert_eq!(s.should_probe(true, 0, false, 5_000), Tick::Run);
    }
}
