//! The simulated userland: a filesystem, processes on simulated time, a
//! POSIX shell and busybox's applets.
//!
//! A [`proc::Machine`] is one container: the kubelet creates it with an
//! image, env and hostname, mounts volumes into its [`fs::Fs`], starts the
//! main process from argv, execs probes and `kubectl exec` commands, sends
//! signals and drives it with `advance_to(now)` / `next_wake()`. What lies
//! outside (clock, DNS, network) comes through the [`outside::Outside`] trait.

pub mod commands;
pub mod fs;
pub mod outside;
pub mod proc;
#[cfg(test)]
mod serve_tests;
pub mod shell;

pub use commands::{busybox_applet_names, busybox_registry};
pub use fs::{Fs, FsError, Image, Volume};
pub use outside::{FakeOutside, HttpRequest, HttpResponse, Outside};
pub use proc::{
    AddrInUse, Chunk, Endpoint, ExecHandle, ExecOptions, ExitStatus, HttpHandler, Machine,
    MachineConfig, Millis, Output, Pid, PipeWriter, Proc, Program, ProgramFuture, Registry,
    ServeCx, ServeResult, Signal, SpawnError, Stdin, Stream, DEFAULT_PATH,
};
