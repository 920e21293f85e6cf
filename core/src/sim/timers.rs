//! Due work, ordered by time: the only thing that moves the simulation.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::apiserver::Millis;
use crate::controllers::CtrlTask;
use crate::kubelet::KubeletTask;
use crate::scheduler::SchedTask;

/// One piece of due work, typed by the component that owns it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    Scheduler(SchedTask),
    Kubelet(String, KubeletTask),
    Controller(CtrlTask),
}

/// A min-heap of tasks by due time; equal times run in insertion order, so a
/// seed fixes the order of everything.
#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(Millis, u64, Task)>>,
    seq: u64,
}

impl Timers {
    pub fn at(&mut self, due: Millis, task: Task) {
        self.seq += 1;
        self.heap.push(Reverse((due, self.seq, task)));
    }

    pub fn next_due(&self) -> Option<Millis> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Removes the earliest task if it is due by `limit`.
    pub fn pop_due(&mut self, limit: Millis) -> Option<(Millis, Task)> {
        if self.next_due()? > limit {
            return None;
        }
        self.heap.pop().map(|Reverse((t, _, task))| (t, task))
    }

    /// Drops the tasks `keep` refuses (a stopped node's kubelet work).
    pub fn retain(&mut self, mut keep: impl FnMut(&Task) -> bool) {
        self.heap.retain(|Reverse((_, _, task))| keep(task));
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
