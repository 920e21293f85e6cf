//! The simulated kubelet of one node: it registers its Node and keeps its
//! status.

mod backoff;
mod node_status;
pub mod status;

use crate::apiserver::ApiServer;
use crate::sim::topology::NodeSpecConfig;
use crate::sim::Timers;
use crate::store::WatchEvent;

/// Kubelet timers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum KubeletTask {
    /// Register the Node object.
    Register,
}

/// One node's kubelet.
pub struct Kubelet {
    pub node_name: String,
    config: NodeSpecConfig,
    /// Index of the node in the cluster, for its addresses.
    index: u32,
}

impl Kubelet {
    pub fn new(config: NodeSpecConfig, index: u32) -> Kubelet {
        Kubelet {
            node_name: config.name.clone(),
            config,
            index,
        }
    }

    pub fn on_event(&mut self, _ev: &WatchEvent, _timers: &mut Timers, _api: &ApiServer) {}

    pub fn run(&mut self, task: KubeletTask, api: &mut ApiServer, _timers: &mut Timers) {
        match task {
            KubeletTask::Register => node_status::register(self, api),
        }
    }
}
