//! What a command acts on: manifests from `-f` (files, directories, stdin)
//! and resource arguments (`TYPE NAME…`, `TYPE/NAME`, `TYPE1,TYPE2`).

use super::{resources, Fail, Kubectl, Res};
use crate::store::Kind;
use crate::syntax::{Node, NodeKind};
use crate::userland::fs::FsError;

/// Text read for `-f`, with the name kubectl gives it in messages.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// One object of a manifest.
pub struct Manifest {
    /// `x.yaml` or `STDIN`.
    pub source: String,
    pub node: Node,
    pub kind: Kind,
}

impl Manifest {
    pub fn name(&self) -> String {
        self.node
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(Node::as_str)
            .unwrap_or("")
            .to_string()
    }

    pub fn namespace(&self) -> Option<String> {
        self.node
            .get("metadata")
            .and_then(|m| m.get("namespace"))
            .and_then(Node::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    }
}

fn is_manifest_file(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")
}

impl Kubectl<'_> {
    /// Reads every `-f` argument: `-` is stdin, a directory gives its YAML and
    /// JSON files in name order (recursively with `-R`).
    pub async fn read_sources(&mut self, files: &[String], recursive: bool) -> Res<Vec<Source>> {
        let mut out = Vec::new();
        for f in files {
            if f == "-" {
                let data = self.p.read_all(0).await;
                out.push(Source {
                    name: "STDIN".to_string(),
                    text: String::from_utf8_lossy(&data).into_owned(),
                });
                continue;
            }
            if f.starts_with("http://") || f.starts_with("https://") {
                // The simulated cluster has no way out to the internet.
                let host = f.split('/').nth(2).unwrap_or("");
                return Err(Fail::Msg(format!(
                    "Get \"{f}\": dial tcp: lookup {host}: no such host"
                )));
            }
            self.read_path(f, f, recursive, &mut out)?;
        }
        Ok(out)
    }

    fn read_path(
        &self,
        shown: &str,
        path: &str,
        recursive: bool,
        out: &mut Vec<Source>,
    ) -> Res<()> {
        let fs = self.p.fs();
        let cwd = self.p.cwd.clone();
        let stat = fs.stat(&cwd, path);
        match stat {
            Err(_) => Err(Fail::Msg(format!("the path \"{shown}\" does not exist"))),
            Ok(st) if st.is_dir() => {
                let entries = fs
                    .list(&cwd, path)
                    .map_err(|_| Fail::Msg(format!("the path \"{shown}\" does not exist")))?;
                drop(fs);
                for (name, st) in entries {
                    if name.starts_with('.') {
                        continue;
                    }
                    let child = format!("{}/{name}", path.trim_end_matches('/'));
                    if st.is_dir() {
                        if recursive {
                            self.read_path(&child, &child, recursive, out)?;
                        }
                    } else if is_manifest_file(&name) {
                        self.read_path(&child, &child, recursive, out)?;
                    }
                }
                Ok(())
            }
            Ok(_) => {
                let data = fs.read(&cwd, path).map_err(|e| match e {
                    FsError::NotFound => Fail::Msg(format!("the path \"{shown}\" does not exist")),
                    other => Fail::Msg(format!("open {shown}: {}", other.text())),
                })?;
                out.push(Source {
                    name: shown.to_string(),
                    text: String::from_utf8_lossy(&data).into_owned(),
                });
                Ok(())
            }
        }
    }
}

/// The objects of one document (a `List` holds several).
pub fn objects_of(source: &str, doc: Node, out: &mut Vec<Result<Manifest, Fail>>) {
    let api_version = doc
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let kind_name = doc
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    if kind_name == "List"
        || kind_name.ends_with("List") && api_version == "v1" && doc.get("items").is_some()
    {
        if let Some(Node {
            kind: NodeKind::Seq(items),
            ..
        }) = doc.get("items")
        {
            for item in items.clone() {
                objects_of(source, item, out);
            }
        }
        return;
    }
    if kind_name.is_empty() || api_version.is_empty() {
        let json = doc.to_value().to_json();
        let missing = if kind_name.is_empty() {
            "Kind"
        } else {
            "apiVersion"
        };
        out.push(Err(Fail::Msg(format!(
            "unable to decode \"{source}\": Object '{missing}' is missing in '{json}'"
        ))));
        return;
    }
    match Kind::from_type_meta(&api_version, &kind_name) {
        Some(kind) => out.push(Ok(Manifest {
            source: source.to_string(),
            node: doc,
            kind,
        })),
        None => {
            let name = doc
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            let ns = doc
                .get("metadata")
                .and_then(|m| m.get("namespace"))
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string();
            out.push(Err(Fail::Msg(format!(
                "resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{source}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first"
            ))));
        }
    }
}

/// Every object of the sources, in order; a document that fails stops its
/// source, as kubectl's stream reader does.
pub fn manifests(sources: &[Source]) -> Vec<Result<Manifest, Fail>> {
    let mut out = Vec::new();
    for s in sources {
        for doc in crate::syntax::documents(&s.text) {
            match doc {
                Ok(doc) => objects_of(&s.name, doc, &mut out),
                Err(e) => {
                    out.push(Err(Fail::Msg(format!(
                        "error parsing {}: {}",
                        s.name, e.message
                    ))));
                    break;
                }
            }
        }
    }
    out
}

/// A resource argument resolved: a kind and, optionally, names.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: Kind,
    pub names: Vec<String>,
}

/// Resolves `TYPE[,TYPE] [NAME…]` or `TYPE/NAME…` arguments.
pub fn targets(args: &[String]) -> Res<Vec<Target>> {
    let mut out: Vec<Target> = Vec::new();
    if args.iter().any(|a| a.contains('/')) {
        for a in args {
            let Some((t, name)) = a.split_once('/') else {
                return Err(Fail::Msg("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string()));
            };
            let kind =
                resources::resolve(t).ok_or_else(|| Fail::Msg(resources::unknown_type(t)))?;
            match out.iter_mut().find(|x| x.kind == kind) {
                Some(x) => x.names.push(name.to_string()),
                None => out.push(Target {
                    kind,
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(out);
    }
    let Some(types) = args.first() else {
        return Ok(out);
    };
    let names: Vec<String> = args[1..].to_vec();
    for t in types.split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            for k in resources::ALL_CATEGORY {
                out.push(Target {
                    kind: *k,
                    names: names.clone(),
                });
            }
            continue;
        }
        let kind = resources::resolve(t).ok_or_else(|| Fail::Msg(resources::unknown_type(t)))?;
        out.push(Target {
            kind,
            names: names.clone(),
        });
    }
    Ok(out)
}
