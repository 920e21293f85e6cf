//! kubectl's client-side behaviour: what the `kubectl` binary does with the
//! objects the API server returns.

pub mod describe;
pub mod printers;
pub mod table;
