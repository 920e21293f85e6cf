//! Manifest syntax: YAML and JSON in, YAML and JSON out.

pub mod node;

pub use node::{Key, Node, NodeKind, Span};
