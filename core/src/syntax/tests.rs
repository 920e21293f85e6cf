//! Golden and property tests for the whole syntax module.
