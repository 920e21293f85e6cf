//! Object builders for the printer tests.
