//! Podlab's cluster engine.
//!
//! A Kubernetes cluster in one deterministic, sans-IO value: an API store, a
//! scheduler, controllers and a simulated kubelet, all driven by simulated
//! time. Nothing in this crate reads a clock, touches the network or knows
//! about the browser.

#![forbid(unsafe_code)]

pub mod calc;
pub mod syntax;
pub mod value;

pub mod sim;

pub use sim::{Cluster, ClusterConfig, NodeSummary};
