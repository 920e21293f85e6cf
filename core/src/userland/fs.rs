//! An in-memory filesystem per container.
//!
//! The root tree starts as the image's tree and is copied on write: nodes are
//! reference counted and `Rc::make_mut` clones only the path from the root to
//! the node being changed, so thousands of containers share one image for the
//! cost of a pointer each. Volumes are separate trees behind `Rc<RefCell>`,
//! mounted at a path; two machines that mount the same [`Volume`] see each
//! other's writes.

use crate::util::sort;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Symlinks followed while resolving one path before giving up (Linux: 40).
const MAX_SYMLINK_HOPS: usize = 40;

/// Why a filesystem operation failed; `text` is the libc `strerror` wording
/// that busybox prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotDir,
    IsDir,
    Exists,
    ReadOnly,
    NotEmpty,
    Loop,
    Busy,
    Invalid,
    Permission,
}

impl FsError {
    pub fn text(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotDir => "Not a directory",
            FsError::IsDir => "Is a directory",
            FsError::Exists => "File exists",
            FsError::ReadOnly => "Read-only file system",
            FsError::NotEmpty => "Directory not empty",
            FsError::Loop => "Symbolic link loop",
            FsError::Busy => "Resource busy",
            FsError::Invalid => "Invalid argument",
            FsError::Permission => "Permission denied",
        }
    }
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

/// Ownership, permission bits and modification time (Unix seconds on the
/// simulated wall clock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub mode: u16,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
}

impl Meta {
    pub const fn root(mode: u16) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
            mtime: 0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Dir {
    pub meta: Meta,
    pub entries: BTreeMap<Rc<str>, Node>,
}

#[derive(Clone, Debug)]
pub struct File {
    pub meta: Meta,
    pub data: Vec<u8>,
    /// For executables: the registered program this file runs.
    pub program: Option<Rc<str>>,
}

#[derive(Clone, Debug)]
pub struct Link {
    pub meta: Meta,
    pub target: String,
}

/// One node of a tree. Cloning is cheap (a reference count).
#[derive(Clone, Debug)]
pub enum Node {
    Dir(Rc<Dir>),
    File(Rc<File>),
    Link(Rc<Link>),
}

impl Node {
    pub fn empty_dir(meta: Meta) -> Node {
        Node::Dir(Rc::new(Dir {
            meta,
            entries: BTreeMap::new(),
        }))
    }

    pub fn file(meta: Meta, data: Vec<u8>) -> Node {
        Node::File(Rc::new(File {
            meta,
            data,
            program: None,
        }))
    }

    fn meta(&self) -> Meta {
        match self {
            Node::Dir(d) => d.meta,
            Node::File(f) => f.meta,
            Node::Link(l) => l.meta,
        }
    }

    fn meta_mut(&mut self) -> &mut Meta {
        match self {
            Node::Dir(d) => &mut Rc::make_mut(d).meta,
            Node::File(f) => &mut Rc::make_mut(f).meta,
            Node::Link(l) => &mut Rc::make_mut(l).meta,
        }
    }

    fn child(&self, name: &str) -> Option<&Node> {
        match self {
            Node::Dir(d) => d.entries.get(name),
            _ => None,
        }
    }

    fn stat(&self) -> Stat {
        let meta = self.meta();
        match self {
            Node::Dir(d) => Stat {
                kind: Kind::Dir,
                meta,
                size: 4096,
                nlink: 2 + d
                    .entries
                    .values()
                    .filter(|n| matches!(n, Node::Dir(_)))
                    .count() as u32,
                link_target: None,
                program: None,
            },
            Node::File(f) => Stat {
                kind: Kind::File,
                meta,
                size: f.data.len() as u64,
                nlink: 1,
                link_target: None,
                program: f.program.clone(),
            },
            Node::Link(l) => Stat {
                kind: Kind::Link,
                meta,
                size: l.target.len() as u64,
                nlink: 1,
                link_target: Some(l.target.clone()),
                program: None,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Dir,
    File,
    Link,
}

/// What `stat(2)` would say about a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    pub kind: Kind,
    pub meta: Meta,
    pub size: u64,
    pub nlink: u32,
    pub link_target: Option<String>,
    pub program: Option<Rc<str>>,
}

impl Stat {
    pub fn is_dir(&self) -> bool {
        self.kind == Kind::Dir
    }
    pub fn is_executable(&self) -> bool {
        self.kind == Kind::File && self.meta.mode & 0o111 != 0
    }
}

/// A read-only tree that container filesystems start from.
#[derive(Clone, Debug)]
pub struct Image {
    root: Node,
}

impl Image {
    pub fn builder() -> ImageBuilder {
        ImageBuilder {
            root: Node::empty_dir(Meta::root(0o755)),
        }
    }

    /// The `busybox` image: the usual top-level directories, `/etc/passwd`
    /// and `/etc/group` as the official image ships them, and every applet
    /// in `/bin`.
    pub fn busybox(applets: &[&str]) -> Image {
        let mut b = Image::builder();
        for d in [
            "bin",
            "dev",
            "etc",
            "home",
            "proc",
            "root",
            "sys",
            "usr/sbin",
            "var/spool/mail",
            "var/www",
        ] {
            b = b.dir(d, 0o755);
        }
        b = b.dir("tmp", 0o1777).dir("root", 0o700);
        b = b.file("etc/passwd", BUSYBOX_PASSWD, 0o644);
        b = b.file("etc/group", BUSYBOX_GROUP, 0o644);
        b = b.file("etc/shadow", "root:*:10933:0:99999:7:::\n", 0o600);
        for a in applets {
            b = b.program(&format!("bin/{a}"), a);
        }
        b.build()
    }

    pub fn root(&self) -> &Node {
        &self.root
    }

    /// A builder starting from this image's tree, to derive an image from
    /// it (`FROM busybox` plus a few files); the two share unchanged nodes.
    pub fn to_builder(&self) -> ImageBuilder {
        ImageBuilder {
            root: self.root.clone(),
        }
    }
}

const BUSYBOX_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
";

const BUSYBOX_GROUP: &str = "root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
";

/// Builds an [`Image`] (or a volume's initial contents) path by path;
/// missing parent directories are created with mode 0755.
pub struct ImageBuilder {
    root: Node,
}

impl ImageBuilder {
    fn put(mut self, path: &str, node: Node) -> ImageBuilder {
        let comps = split(path);
        if let Some((last, parents)) = comps.split_last() {
            let mut cur = &mut self.root;
            for p in parents {
                let Node::Dir(d) = cur else { return self };
                cur = Rc::make_mut(d)
                    .entries
                    .entry(Rc::from(p.as_str()))
                    .or_insert_with(|| Node::empty_dir(Meta::root(0o755)));
            }
            if let Node::Dir(d) = cur {
                let entries = &mut Rc::make_mut(d).entries;
                // Re-declaring a directory keeps its contents and takes the new mode.
                match (entries.get_mut(last.as_str()), &node) {
                    (Some(existing @ Node::Dir(_)), Node::Dir(_)) => {
                        *existing.meta_mut() = node.meta();
                    }
                    _ => {
                        entries.insert(Rc::from(last.as_str()), node);
                    }
                }
            }
        }
        self
    }

    pub fn dir(self, path: &str, mode: u16) -> ImageBuilder {
        self.put(path, Node::empty_dir(Meta::root(mode)))
    }

    pub fn file(self, path: &str, content: impl Into<Vec<u8>>, mode: u16) -> ImageBuilder {
        self.put(path, Node::file(Meta::root(mode), content.into()))
    }

    /// An executable that runs the registered program `name`.
    pub fn program(self, path: &str, name: &str) -> ImageBuilder {
        self.put(
            path,
            Node::File(Rc::new(File {
                meta: Meta::root(0o755),
                data: Vec::new(),
                program: Some(Rc::from(name)),
            })),
        )
    }

    /// An executable that runs the registered program `name` and whose
    /// bytes are `content` (what `cat` shows; programs may read it, e.g.
    /// for the version they were built as).
    pub fn executable(self, path: &str, name: &str, content: impl Into<Vec<u8>>) -> ImageBuilder {
        self.put(
            path,
            Node::File(Rc::new(File {
                meta: Meta::root(0o755),
                data: content.into(),
                program: Some(Rc::from(name)),
            })),
        )
    }

    pub fn symlink(self, path: &str, target: &str) -> ImageBuilder {
        self.put(
            path,
            Node::Link(Rc::new(Link {
                meta: Meta::root(0o777),
                target: target.to_string(),
            })),
        )
    }

    pub fn build(self) -> Image {
        Image { root: self.root }
    }
}

/// A tree that can be mounted into one or more machines, or a directory
/// (or file) inside such a tree, as a bind mount of a host path is.
#[derive(Clone, Debug)]
pub struct Volume {
    tree: Rc<RefCell<Node>>,
    /// Where this handle's root lies inside the tree.
    base: Rc<[String]>,
    /// Bumped by every change made through a mount, so a watcher (the
    /// kubelet's inotify on its manifest directory) can tell cheaply.
    changes: Rc<Cell<u64>>,
}

impl Volume {
    /// An empty writable directory, as an `emptyDir` starts.
    pub fn empty_dir() -> Volume {
        Volume::from_node(Node::empty_dir(Meta::root(0o777)))
    }

    /// A volume holding an image-built tree (configMap/secret contents).
    pub fn from_image(image: Image) -> Volume {
        Volume::from_node(image.root)
    }

    /// A single file, for bind mounts such as `/etc/hosts`.
    pub fn file(content: impl Into<Vec<u8>>, mode: u16) -> Volume {
        Volume::from_node(Node::file(Meta::root(mode), content.into()))
    }

    fn from_node(node: Node) -> Volume {
        Volume {
            tree: Rc::new(RefCell::new(node)),
            base: Rc::from(Vec::new()),
            changes: Rc::new(Cell::new(0)),
        }
    }

    /// Whether two handles name the same volume.
    pub fn same(&self, other: &Volume) -> bool {
        Rc::ptr_eq(&self.tree, &other.tree) && self.base == other.base
    }

    /// A handle on `path` inside this volume (a bind mount's source); it
    /// sees and makes the same changes.
    pub fn sub(&self, path: &str) -> Volume {
        let mut base = self.base.to_vec();
        base.extend(split(path));
        Volume {
            tree: self.tree.clone(),
            base: Rc::from(base),
            changes: self.changes.clone(),
        }
    }

    /// How many changes were made through mounts of this tree so far.
    pub fn changes(&self) -> u64 {
        self.changes.get()
    }

    /// The tree seen as a machine's whole filesystem, to read or change
    /// it without a machine.
    pub fn as_fs(&self) -> Fs {
        let mut fs = Fs {
            root: Node::empty_dir(Meta::root(0o755)),
            mounts: Vec::new(),
        };
        fs.mount("/", self.clone(), false);
        fs
    }

    fn is_file(&self) -> bool {
        matches!(walk(&self.tree.borrow(), &self.base), Some(Node::File(_)))
    }

    fn inside<'a>(&self, rel: &'a [String]) -> Cow<'a, [String]> {
        if self.base.is_empty() {
            return Cow::Borrowed(rel);
        }
        let mut v = Vec::with_capacity(self.base.len() + rel.len());
        v.extend(self.base.iter().cloned());
        v.extend(rel.iter().cloned());
        Cow::Owned(v)
    }
}

#[derive(Clone, Debug)]
struct Mount {
    at: Vec<String>,
    volume: Volume,
    read_only: bool,
}

/// Where a canonical path lives: the root tree or one mount, plus the path
/// inside it (borrowed: path resolution asks this for every prefix of
/// every path).
enum Place<'a> {
    Root(&'a [String]),
    Mount(usize, Cow<'a, [String]>),
}

/// One machine's view: the copy-on-write root plus its mounts.
#[derive(Clone, Debug)]
pub struct Fs {
    root: Node,
    mounts: Vec<Mount>,
}

/// Splits a path into its non-empty components.
pub fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Joins components into an absolute path.
pub fn join(comps: &[String]) -> String {
    if comps.is_empty() {
        "/".to_string()
    } else {
        let mut s = String::new();
        for c in comps {
            s.push('/');
            s.push_str(c);
        }
        s
    }
}

/// `path` made absolute against `cwd`, without touching the tree.
pub fn absolute(cwd: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else if cwd.ends_with('/') {
        format!("{cwd}{path}")
    } else {
        format!("{cwd}/{path}")
    }
}

impl Fs {
    pub fn new(image: &Image) -> Fs {
        Fs {
            root: image.root.clone(),
            mounts: Vec::new(),
        }
    }

    /// Mounts `volume` at the absolute path `at` (created in the root tree
    /// if missing, as the container runtime does).
    pub fn mount(&mut self, at: &str, volume: Volume, read_only: bool) {
        let comps = split(at);
        let is_file = volume.is_file();
        if let Some((last, parents)) = comps.split_last() {
            let mut cur = &mut self.root;
            for p in parents {
                let Node::Dir(d) = cur else { break };
                cur = Rc::make_mut(d)
                    .entries
                    .entry(Rc::from(p.as_str()))
                    .or_insert_with(|| Node::empty_dir(Meta::root(0o755)));
            }
            if let Node::Dir(d) = cur {
                if !d.entries.contains_key(last.as_str()) {
                    let stub = if is_file {
                        Node::file(Meta::root(0o644), Vec::new())
                    } else {
                        Node::empty_dir(Meta::root(0o755))
                    };
                    Rc::make_mut(d)
                        .entries
                        .insert(Rc::from(last.as_str()), stub);
                }
            }
        }
        self.mounts.retain(|m| m.at != comps);
        self.mounts.push(Mount {
            at: comps,
            volume,
            read_only,
        });
        // Longest mount point first, so lookups find the innermost mount.
        sort::sort_by_key(&mut self.mounts, |m| std::cmp::Reverse(m.at.len()));
    }

    fn place<'a>(&self, comps: &'a [String]) -> Place<'a> {
        for (i, m) in self.mounts.iter().enumerate() {
            if let Some(rest) = comps.strip_prefix(&m.at[..]) {
                return Place::Mount(i, m.volume.inside(rest));
            }
        }
        Place::Root(comps)
    }

    fn node_at(&self, comps: &[String]) -> Option<Node> {
        match self.place(comps) {
            Place::Root(rel) => walk(&self.root, rel).cloned(),
            Place::Mount(i, rel) => {
                let tree = self.mounts[i].volume.tree.borrow();
                walk(&tree, &rel).cloned()
            }
        }
    }

    /// Resolves `path` (relative to `cwd`) to canonical components,
    /// following symlinks in every component and, if `follow_last`, in the
    /// last one. The last component need not exist.
    pub fn resolve(
        &self,
        cwd: &str,
        path: &str,
        follow_last: bool,
    ) -> Result<Vec<String>, FsError> {
        if path.is_empty() {
            return Err(FsError::NotFound);
        }
        let mut todo: Vec<String> = split(&absolute(cwd, path));
        todo.reverse();
        let mut out: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(c) = todo.pop() {
            if c == "." {
                continue;
            }
            if c == ".." {
                out.pop();
                continue;
            }
            let last = todo.is_empty();
            out.push(c);
            match self.node_at(&out) {
                Some(Node::Link(l)) if !last || follow_last => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(FsError::Loop);
                    }
                    out.pop();
                    if l.target.starts_with('/') {
                        out.clear();
                    }
                    let mut t = split(&l.target);
                    t.reverse();
                    todo.extend(t);
                }
                Some(Node::File(_)) if !last => return Err(FsError::NotDir),
                None if !last => return Err(FsError::NotFound),
                _ => {}
            }
        }
        Ok(out)
    }

    pub fn stat(&self, cwd: &str, path: &str) -> Result<Stat, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        self.node_at(&comps)
            .map(|n| n.stat())
            .ok_or(FsError::NotFound)
    }

    pub fn lstat(&self, cwd: &str, path: &str) -> Result<Stat, FsError> {
        let comps = self.resolve(cwd, path, false)?;
        self.node_at(&comps)
            .map(|n| n.stat())
            .ok_or(FsError::NotFound)
    }

    pub fn exists(&self, cwd: &str, path: &str) -> bool {
        self.stat(cwd, path).is_ok()
    }

    pub fn read(&self, cwd: &str, path: &str) -> Result<Vec<u8>, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        match self.node_at(&comps) {
            Some(Node::File(f)) => Ok(f.data.clone()),
            Some(Node::Dir(_)) => Err(FsError::IsDir),
            _ => Err(FsError::NotFound),
        }
    }

    /// Directory entries in name order, with their `lstat`.
    pub fn list(&self, cwd: &str, path: &str) -> Result<Vec<(String, Stat)>, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        // A mount point's own contents hide what the root tree has there.
        match self.node_at(&comps) {
            Some(Node::Dir(d)) => {
                let mut out: Vec<(String, Stat)> = Vec::new();
                for name in d.entries.keys() {
                    let mut child = comps.clone();
                    child.push(name.to_string());
                    if let Some(n) = self.node_at(&child) {
                        out.push((name.to_string(), n.stat()));
                    }
                }
                Ok(out)
            }
            Some(_) => Err(FsError::NotDir),
            None => Err(FsError::NotFound),
        }
    }

    /// Applies `f` to the directory holding `comps`' last component.
    fn with_parent<T>(
        &mut self,
        comps: &[String],
        f: impl FnOnce(&mut Dir, &str) -> Result<T, FsError>,
    ) -> Result<T, FsError> {
        let Some((name, parent)) = comps.split_last() else {
            return Err(FsError::Busy);
        };
        if self.mounts.iter().any(|m| m.at == comps) {
            return Err(FsError::Busy);
        }
        match self.place(parent) {
            Place::Root(rel) => f(dir_mut(&mut self.root, rel)?, name),
            Place::Mount(i, rel) => {
                if self.mounts[i].read_only {
                    return Err(FsError::ReadOnly);
                }
                let v = &self.mounts[i].volume;
                v.changes.set(v.changes.get() + 1);
                let mut tree = v.tree.borrow_mut();
                f(dir_mut(&mut tree, &rel)?, name)
            }
        }
    }

    /// Writes a file: truncating (`append == false`) or appending, creating
    /// it (mode 0644, owner root) when missing.
    pub fn write(
        &mut self,
        cwd: &str,
        path: &str,
        data: &[u8],
        append: bool,
        now: i64,
    ) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, true)?;
        if let Some(Node::File(_)) = self.node_at(&comps) {
            if self.mounts.iter().any(|m| m.at == comps) {
                // A file bind mount: write through to the volume's file.
                let Some(m) = self.mounts.iter().find(|m| m.at == comps) else {
                    return Err(FsError::NotFound);
                };
                if m.read_only {
                    return Err(FsError::ReadOnly);
                }
                m.volume.changes.set(m.volume.changes.get() + 1);
                let mut tree = m.volume.tree.borrow_mut();
                if let Some(Node::File(f)) = node_mut(&mut tree, &m.volume.base) {
                    let f = Rc::make_mut(f);
                    if !append {
                        f.data.clear();
                    }
                    f.data.extend_from_slice(data);
                    f.meta.mtime = now;
                }
                return Ok(());
            }
        }
        self.with_parent(&comps, |dir, name| {
            let entry = dir.entries.entry(Rc::from(name)).or_insert_with(|| {
                Node::file(
                    Meta {
                        mtime: now,
                        ..Meta::root(0o644)
                    },
                    Vec::new(),
                )
            });
            match entry {
                Node::File(f) => {
                    let f = Rc::make_mut(f);
                    if !append {
                        f.data.clear();
                        f.program = None;
                    }
                    f.data.extend_from_slice(data);
                    f.meta.mtime = now;
                    Ok(())
                }
                Node::Dir(_) => Err(FsError::IsDir),
                Node::Link(_) => Err(FsError::NotFound),
            }
        })?;
        self.touch_dir_mtime(&comps, now);
        Ok(())
    }

    fn touch_dir_mtime(&mut self, comps: &[String], now: i64) {
        if let Some((_, parent)) = comps.split_last() {
            if parent.is_empty() {
                if let Node::Dir(d) = &mut self.root {
                    Rc::make_mut(d).meta.mtime = now;
                }
                return;
            }
            let _ = self.with_parent(parent, |dir, name| {
                if let Some(n) = dir.entries.get_mut(name) {
                    n.meta_mut().mtime = now;
                }
                Ok(())
            });
        }
    }

    /// Creates an empty file or updates its mtime.
    pub fn touch(&mut self, cwd: &str, path: &str, now: i64) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, true)?;
        if self.node_at(&comps).is_none() {
            return self.write(cwd, path, b"", true, now);
        }
        if comps.is_empty() {
            return Ok(());
        }
        self.with_parent(&comps, |dir, name| {
            if let Some(n) = dir.entries.get_mut(name) {
                n.meta_mut().mtime = now;
            }
            Ok(())
        })
    }

    pub fn mkdir(&mut self, cwd: &str, path: &str, mode: u16, now: i64) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, false)?;
        if self.node_at(&comps).is_some() {
            return Err(FsError::Exists);
        }
        self.with_parent(&comps, |dir, name| {
            dir.entries.insert(
                Rc::from(name),
                Node::empty_dir(Meta {
                    mtime: now,
                    ..Meta::root(mode)
                }),
            );
            Ok(())
        })?;
        self.touch_dir_mtime(&comps, now);
        Ok(())
    }

    /// Removes a file or symlink (not a directory).
    pub fn unlink(&mut self, cwd: &str, path: &str, now: i64) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, false)?;
        match self.node_at(&comps) {
            None => return Err(FsError::NotFound),
            Some(Node::Dir(_)) => return Err(FsError::IsDir),
            _ => {}
        }
        self.with_parent(&comps, |dir, name| {
            dir.entries.remove(name);
            Ok(())
        })?;
        self.touch_dir_mtime(&comps, now);
        Ok(())
    }

    /// Removes an empty directory.
    pub fn rmdir(&mut self, cwd: &str, path: &str, now: i64) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, false)?;
        match self.node_at(&comps) {
            None => return Err(FsError::NotFound),
            Some(Node::Dir(d)) => {
                if !d.entries.is_empty() {
                    return Err(FsError::NotEmpty);
                }
            }
            Some(_) => return Err(FsError::NotDir),
        }
        self.with_parent(&comps, |dir, name| {
            dir.entries.remove(name);
            Ok(())
        })?;
        self.touch_dir_mtime(&comps, now);
        Ok(())
    }

    /// Moves a node; across mounts it is copied then removed, as `mv` does
    /// after `rename` fails with EXDEV.
    pub fn rename(&mut self, cwd: &str, from: &str, to: &str, now: i64) -> Result<(), FsError> {
        let src = self.resolve(cwd, from, false)?;
        let node = self.node_at(&src).ok_or(FsError::NotFound)?;
        let dst = self.resolve(cwd, to, false)?;
        if dst.starts_with(&src) && dst.len() > src.len() {
            return Err(FsError::Invalid);
        }
        if src == dst {
            return Ok(());
        }
        match (self.node_at(&dst), &node) {
            (Some(Node::Dir(_)), Node::File(_) | Node::Link(_)) => return Err(FsError::IsDir),
            (Some(Node::Dir(d)), Node::Dir(_)) if !d.entries.is_empty() => {
                return Err(FsError::NotEmpty)
            }
            (Some(Node::File(_) | Node::Link(_)), Node::Dir(_)) => return Err(FsError::NotDir),
            _ => {}
        }
        self.with_parent(&dst, |dir, name| {
            dir.entries.insert(Rc::from(name), node);
            Ok(())
        })?;
        self.with_parent(&src, |dir, name| {
            dir.entries.remove(name);
            Ok(())
        })?;
        self.touch_dir_mtime(&dst, now);
        self.touch_dir_mtime(&src, now);
        Ok(())
    }

    /// Copies a node (a whole subtree for directories) to a new path.
    pub fn copy(&mut self, cwd: &str, from: &str, to: &str, now: i64) -> Result<(), FsError> {
        let src = self.resolve(cwd, from, true)?;
        let node = self.node_at(&src).ok_or(FsError::NotFound)?;
        let dst = self.resolve(cwd, to, true)?;
        let mut node = node;
        node.meta_mut().mtime = now;
        if let Some(Node::Dir(_)) = self.node_at(&dst) {
            return Err(FsError::IsDir);
        }
        self.with_parent(&dst, |dir, name| {
            dir.entries.insert(Rc::from(name), node);
            Ok(())
        })
    }

    pub fn symlink(
        &mut self,
        cwd: &str,
        target: &str,
        path: &str,
        now: i64,
    ) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, false)?;
        if self.node_at(&comps).is_some() {
            return Err(FsError::Exists);
        }
        self.with_parent(&comps, |dir, name| {
            dir.entries.insert(
                Rc::from(name),
                Node::Link(Rc::new(Link {
                    meta: Meta {
                        mtime: now,
                        ..Meta::root(0o777)
                    },
                    target: target.to_string(),
                })),
            );
            Ok(())
        })
    }

    pub fn chmod(&mut self, cwd: &str, path: &str, mode: u16) -> Result<(), FsError> {
        let comps = self.resolve(cwd, path, true)?;
        if self.node_at(&comps).is_none() {
            return Err(FsError::NotFound);
        }
        if comps.is_empty() {
            return Ok(());
        }
        self.with_parent(&comps, |dir, name| {
            if let Some(n) = dir.entries.get_mut(name) {
                n.meta_mut().mode = mode;
            }
            Ok(())
        })
    }

    /// The canonical form of a directory path, for `cd`.
    pub fn canonical_dir(&self, cwd: &str, path: &str) -> Result<String, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        match self.node_at(&comps) {
            Some(Node::Dir(_)) => Ok(join(&comps)),
            Some(_) => Err(FsError::NotDir),
            None => Err(FsError::NotFound),
        }
    }
}

fn dir_mut<'a>(root: &'a mut Node, rel: &[String]) -> Result<&'a mut Dir, FsError> {
    let mut cur = root;
    for c in rel {
        let Node::Dir(d) = cur else {
            return Err(FsError::NotDir);
        };
        cur = Rc::make_mut(d)
            .entries
            .get_mut(c.as_str())
            .ok_or(FsError::NotFound)?;
    }
    match cur {
        Node::Dir(d) => Ok(Rc::make_mut(d)),
        _ => Err(FsError::NotDir),
    }
}

fn node_mut<'a>(root: &'a mut Node, rel: &[String]) -> Option<&'a mut Node> {
    let mut cur = root;
    for c in rel {
        let Node::Dir(d) = cur else {
            return None;
        };
        cur = Rc::make_mut(d).entries.get_mut(c.as_str())?;
    }
    Some(cur)
}

fn walk<'a>(root: &'a Node, rel: &[String]) -> Option<&'a Node> {
    let mut cur = root;
    for c in rel {
        cur = cur.child(c)?;
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> Image {
        Image::builder()
            .dir("tmp", 0o1777)
            .file("etc/motd", "hi\n", 0o644)
            .symlink("etc/greeting", "motd")
            .build()
    }

    #[test]
    fn a_derived_image_keeps_its_base_and_adds_executables_with_content() {
        let base = image();
        let derived = base
            .to_builder()
            .executable("usr/sbin/tool", "tool", "tool 1.2\n")
            .build();
        let fs = Fs::new(&derived);
        let st = fs.stat("/", "/usr/sbin/tool").unwrap();
        assert!(st.is_executable());
        assert_eq!(st.program.as_deref(), Some("tool"));
        assert_eq!(fs.read("/", "/usr/sbin/tool").unwrap(), b"tool 1.2\n");
        assert_eq!(fs.read("/", "/etc/motd").unwrap(), b"hi\n");
        assert_eq!(
            Fs::new(&base).stat("/", "/usr/sbin/tool"),
            Err(FsError::NotFound)
        );
    }

    #[test]
    fn writes_are_private_to_each_container_layer() {
        let img = image();
        let mut a = Fs::new(&img);
        let b = Fs::new(&img);
        a.write("/", "/tmp/x", b"one", false, 5).unwrap();
        assert_eq!(a.read("/", "/tmp/x").unwrap(), b"one");
        assert_eq!(b.read("/", "/tmp/x"), Err(FsError::NotFound));
        assert_eq!(a.read("/", "/etc/greeting").unwrap(), b"hi\n");
    }

    #[test]
    fn an_empty_dir_volume_is_shared_between_machines() {
        let img = image();
        let vol = Volume::empty_dir();
        let mut a = Fs::new(&img);
        let mut b = Fs::new(&img);
        a.mount("/data", vol.clone(), false);
        b.mount("/shared", vol, false);
        a.write("/", "/data/f", b"x", false, 1).unwrap();
        b.write("/shared", "f", b"y", true, 2).unwrap();
        assert_eq!(a.read("/", "/data/f").unwrap(), b"xy");
        let names: Vec<String> = b
            .list("/", "/shared")
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["f"]);
    }

    #[test]
    fn read_only_mounts_refuse_changes() {
        let mut a = Fs::new(&image());
        let cm = Volume::from_image(Image::builder().file("key", "v", 0o644).build());
        a.mount("/config", cm, true);
        assert_eq!(a.read("/", "/config/key").unwrap(), b"v");
        assert_eq!(
            a.write("/", "/config/key", b"x", false, 1),
            Err(FsError::ReadOnly)
        );
        assert_eq!(a.unlink("/", "/config/key", 1), Err(FsError::ReadOnly));
        assert_eq!(a.mkdir("/", "/config/d", 0o755, 1), Err(FsError::ReadOnly));
    }

    #[test]
    fn errors_match_the_kernel() {
        let mut a = Fs::new(&image());
        let cases: Vec<(&str, Result<(), FsError>)> = vec![
            (
                "mkdir with a missing parent",
                a.mkdir("/", "/a/b", 0o755, 0),
            ),
            ("mkdir of an existing dir", a.mkdir("/", "/tmp", 0o755, 0)),
            (
                "write under a file",
                a.write("/", "/etc/motd/x", b"", false, 0),
            ),
            ("rmdir of a non-empty dir", a.rmdir("/", "/etc", 0)),
            ("unlink of a dir", a.unlink("/", "/tmp", 0)),
        ];
        let want = [
            FsError::NotFound,
            FsError::Exists,
            FsError::NotDir,
            FsError::NotEmpty,
            FsError::IsDir,
        ];
        for ((name, got), want) in cases.into_iter().zip(want) {
            assert_eq!(got, Err(want), "{name}");
        }
    }

    #[test]
    fn symlink_loops_are_detected() {
        let mut a = Fs::new(&image());
        a.symlink("/", "/tmp/b", "/tmp/a", 0).unwrap();
        a.symlink("/", "/tmp/a", "/tmp/b", 0).unwrap();
        assert_eq!(a.read("/", "/tmp/a"), Err(FsError::Loop));
    }

    #[test]
    fn rename_moves_between_root_and_volume() {
        let mut a = Fs::new(&image());
        a.mount("/v", Volume::empty_dir(), false);
        a.write("/", "/tmp/x", b"1", false, 0).unwrap();
        a.rename("/", "/tmp/x", "/v/y", 0).unwrap();
        assert_eq!(a.read("/", "/v/y").unwrap(), b"1");
        assert!(!a.exists("/", "/tmp/x"));
    }
}
