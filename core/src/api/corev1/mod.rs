//! The core/v1 API group: pods, nodes, services, configuration and storage.

pub mod pod;
pub mod pod_defaults;
pub mod pod_strategy;
pub mod pod_validation;

pub use pod::*;
