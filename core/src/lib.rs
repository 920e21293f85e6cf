//! Podlab's cluster engine.
//!
//! A Kubernetes cluster in one deterministic, sans-IO value: an API store, a
//! scheduler, controllers and a simulated kubelet, all driven by simulated
//! time. Nothing in this crate reads a clock, touches the network or knows
//! about the browser.

#![forbid(unsafe_code)]

pub mod api;
pub mod apiserver;
pub mod calc;
pub mod controllers;
pub mod images;
pub mod kubectl;
pub mod kubelet;
pub mod net;
pub mod network;
pub mod scheduler;
pub mod sim;
pub mod store;
pub mod syntax;
pub mod terminal;
pub mod userland;
pub mod util;
pub mod value;

pub use sim::{Cluster, ClusterConfig, NodeSummary};
