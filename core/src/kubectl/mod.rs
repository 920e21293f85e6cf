//! kubectl: the same verbs, flags, output and errors as kubectl 1.32 against
//! a real cluster, running as a program on the learner's terminal.

pub mod flags;
pub mod patch;
pub mod printers;
pub mod resources;

use crate::userland::{ExitStatus, Proc, ProgramFuture};

/// The `kubectl` program of the terminal.
pub fn kubectl_main(p: Proc) -> ProgramFuture {
    Box::pin(async move {
        let _ = p.err("error: kubectl is not available yet\n").await;
        ExitStatus::Code(1)
    })
}
