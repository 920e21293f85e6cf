//! Small helpers shared across the engine.

pub mod sort;
