//! The image catalog (interim: busybox only, until the full catalog lands).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::userland::fs::Image;
use crate::userland::{busybox_registry, Registry, Signal};

pub struct ImageInfo {
    pub reference: String,
    pub image_id: String,
    pub size_bytes: u64,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub env: Vec<(String, String)>,
    pub working_dir: String,
    pub user: String,
    pub stop_signal: Signal,
    pub exposed_ports: Vec<u16>,
    pub filesystem: Image,
    pub registry: Rc<Registry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PullError {
    NotFound(String),
    InvalidName(String),
}

pub struct Catalog {
    pulled: BTreeMap<String, Rc<ImageInfo>>,
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
        }
    }

    pub fn pull(&mut self, reference: &str) -> Result<Rc<ImageInfo>, PullError> {
        if !reference.contains("busybox") {
            return Err(PullError::NotFound(format!("{reference}: not found")));
        }
        let name = format!("docker.io/library/{reference}");
        if let Some(i) = self.pulled.get(&name) {
            return Ok(i.clone());
        }
        let registry = Rc::new(busybox_registry());
        let names: Vec<String> = registry.names().iter().map(|n| n.to_string()).collect();
        let applets: Vec<&str> = names.iter().map(String::as_str).collect();
        let info = Rc::new(ImageInfo {
            reference: name.clone(),
            image_id: format!("{name}@sha256:0"),
            size_bytes: 2_000_000,
            entrypoint: vec![],
            cmd: vec!["sh".to_string()],
            env: vec![(
                "PATH".to_string(),
                crate::userland::DEFAULT_PATH.to_string(),
            )],
            working_dir: String::new(),
            user: String::new(),
            stop_signal: Signal::Term,
            exposed_ports: vec![],
            filesystem: Image::busybox(&applets),
            registry,
        });
        self.pulled.insert(name, info.clone());
        Ok(info)
    }
}
