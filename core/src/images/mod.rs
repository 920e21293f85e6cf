//! The image catalog: every image the course uses, as a filesystem, an
//! image config and the programs that make it behave like the real one.
//!
//! The kubelet pulls by reference ([`Catalog::pull`]); the answer is an
//! [`ImageInfo`] with the config a container runtime reads (ENTRYPOINT,
//! CMD, environment, stop signal) and the read-only tree a
//! [`Machine`](crate::userland::Machine) starts from. A reference the
//! catalog does not know fails the way containerd fails, with its message.
//!
//! * [`reference`] — parsing and normalizing references (`nginx` →
//!   `docker.io/library/nginx:latest`), `InvalidImageName` messages.
//! * `catalog` — which repositories and tags exist, and what they are.
//! * `rootfs` — Debian, Ubuntu, Alpine, busybox and distroless trees.
//! * `nginx`, `agnhost`, `apps`, `calc`, `curl` — the programs.
//!
//! Every image shares one [`Registry`]: a program only runs where its
//! image has a file naming it, so `sh` is unresolvable in a distroless
//! image although the registry knows it.

mod agnhost;
mod apps;
mod calc;
mod catalog;
mod curl;
mod flannel;
mod nginx;
pub mod reference;
mod rootfs;
mod support;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::userland::{busybox_registry, Image, Registry, Signal};

pub use reference::{normalize, Reference};

/// An image as the runtime sees it after a pull.
pub struct ImageInfo {
    /// Normalized reference: `docker.io/library/nginx:1.14.2`.
    pub reference: String,
    /// Repository digest, as `status.containerStatuses[].imageID` shows it:
    /// `docker.io/library/nginx@sha256:<64 hex>`.
    pub image_id: String,
    /// Compressed size (the kubelet's `Image size: N bytes`).
    pub size_bytes: u64,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<(String, String)>,
    /// The directory the main process starts in.
    pub working_dir: String,
    /// `USER`; empty means root.
    pub user: String,
    /// What the runtime sends to stop the container (`STOPSIGNAL`).
    pub stop_signal: Signal,
    pub exposed_ports: Vec<u16>,
    pub filesystem: Image,
    pub registry: Rc<Registry>,
}

impl fmt::Debug for ImageInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageInfo")
            .field("reference", &self.reference)
            .field("image_id", &self.image_id)
            .field("size_bytes", &self.size_bytes)
            .field("entrypoint", &self.entrypoint)
            .field("cmd", &self.cmd)
            .field("env", &self.env)
            .field("working_dir", &self.working_dir)
            .field("user", &self.user)
            .field("stop_signal", &self.stop_signal)
            .field("exposed_ports", &self.exposed_ports)
            .finish_non_exhaustive()
    }
}

/// Why a pull failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    /// The registry has no such image for us (unknown tag, unknown or
    /// private repository, unreachable registry). The message is
    /// containerd's as the kubelet shows it after `Failed to pull image
    /// "x": `; the kubelet reports `ErrImagePull`.
    NotFound(String),
    /// The reference cannot be parsed. The message is the kubelet's whole
    /// `InvalidImageName` text (`Failed to apply default image tag …`).
    InvalidName(String),
}

impl PullError {
    pub fn message(&self) -> &str {
        match self {
            PullError::NotFound(m) | PullError::InvalidName(m) => m,
        }
    }
}

impl fmt::Display for PullError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Image config before it is tied to a reference.
pub(crate) struct Built {
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stop_signal: Signal,
    pub exposed_ports: Vec<u16>,
    /// Typical compressed size; the last digits vary per image.
    pub approx_size: u64,
    pub filesystem: Image,
}

/// Images pulled so far. Each is built once and shared by every container
/// that runs it; the program registry is shared by all images.
pub struct Catalog {
    pulled: BTreeMap<String, Rc<ImageInfo>>,
    registry: Rc<Registry>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog::new()
    }
}

impl Catalog {
    pub fn new() -> Catalog {
        Catalog {
            pulled: BTreeMap::new(),
            registry: Rc::new(registry()),
        }
    }

    /// Resolves an image reference as containerd would pull it.
    pub fn pull(&mut self, reference: &str) -> Result<Rc<ImageInfo>, PullError> {
        let r = reference::parse(reference)?;
        let name = r.to_string();
        if let Some(info) = self.pulled.get(&name) {
            return Ok(info.clone());
        }
        let found = catalog::resolve(&r).map_err(|miss| PullError::NotFound(miss.message(&r)))?;
        let built = found.kind.build();
        let image_id = format!("{}@{}", r.repository(), found.digest);
        let size_bytes = support::jitter(built.approx_size, &found.digest);
        let info = Rc::new(ImageInfo {
            reference: name.clone(),
            image_id,
            size_bytes,
            entrypoint: built.entrypoint,
            cmd: built.cmd,
            env: built.env,
            working_dir: "/".to_string(),
            user: String::new(),
            stop_signal: built.stop_signal,
            exposed_ports: built.exposed_ports,
            filesystem: built.filesystem,
            registry: self.registry.clone(),
        });
        self.pulled.insert(name, info.clone());
        Ok(info)
    }
}

/// busybox's applets plus every image's programs.
fn registry() -> Registry {
    let mut r = busybox_registry();
    r.register("dash", crate::userland::shell::sh_main);
    nginx::register(&mut r);
    agnhost::register(&mut r);
    apps::register(&mut r);
    calc::register(&mut r);
    curl::register(&mut r);
    flannel::register(&mut r);
    r
}

/// One klog line (`E1125 18:08:09.123000   12345 file.go:12] msg`), as Go
/// programs log.
pub fn klog_line(level: char, wall_ms: i64, pid: u32, at: &str, msg: &str) -> String {
    support::klog(level, wall_ms, pid, at, msg)
}
