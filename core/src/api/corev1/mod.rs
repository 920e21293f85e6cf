//! The core/v1 API group: pods, nodes, services, configuration and storage.

pub mod config;
pub mod event;
pub mod node;
pub mod pod;
pub mod pod_defaults;
pub mod pod_strategy;
pub mod pod_validation;
pub mod service;
pub mod storage;

pub use config::*;
pub use event::*;
pub use node::*;
pub use pod::*;
pub use service::*;
pub use storage::*;
