//! Golden tests of the describers.
