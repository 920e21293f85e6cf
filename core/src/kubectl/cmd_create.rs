//! `kubectl create <kind> NAME …`: objects made from flags.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::cmd_apply::{dry_run, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind, Parsed};
use super::{Fail, Kubectl, Res};
use crate::api::apps::{Deployment, DeploymentSpec};
use crate::api::batch::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use crate::api::corev1::{
    Bytes, ConfigMap, Container, ContainerPort, Namespace, PodSpec, PodTemplateSpec, RestartPolicy,
    Secret, Service, ServiceAccount, ServicePort, ServiceSpec, ServiceType,
};
use crate::api::meta::{IntOrString, LabelSelector, ObjectMeta};
use crate::apiserver::{ApiError, WriteOptions};
use crate::store::{Object, Stored};

const COMMON: &[FlagDef] = &[
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag_opt("validate", "strict"),
    flag("save-config", None, FlagKind::Bool),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
    flag("image", None, FlagKind::List),
    flag("replicas", Some('r'), FlagKind::Int),
    flag("port", None, FlagKind::Value),
    flag("from-literal", None, FlagKind::List),
    flag("from-file", None, FlagKind::List),
    flag("from-env-file", None, FlagKind::List),
    flag("append-hash", None, FlagKind::Bool),
    flag("type", None, FlagKind::Value),
    flag("schedule", None, FlagKind::Value),
    flag("restart", None, FlagKind::Value),
    flag("from", None, FlagKind::Value),
    flag("tcp", None, FlagKind::List),
    flag("clusterip", None, FlagKind::Value),
    flag("node-port", None, FlagKind::Int),
    flag("external-name", None, FlagKind::Value),
];

/// The container name `create deployment` derives from an image:
/// `registry/path/name:tag` → `name`.
pub fn container_name_of(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let name = last.split(':').next().unwrap_or(last);
    name.to_string()
}

fn meta(name: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        labels,
        ..Default::default()
    }
}

fn one_label(k: &str, v: &str) -> BTreeMap<String, String> {
    [(k.to_string(), v.to_string())].into()
}

/// `key=value` pairs and files for ConfigMaps and Secrets.
fn data_from(k: &Kubectl<'_>, f: &Parsed) -> Res<BTreeMap<String, Vec<u8>>> {
    if f.has("from-env-file") && (f.has("from-file") || f.has("from-literal")) {
        return Err(Fail::Msg(
            "from-env-file cannot be combined with from-file or from-literal".to_string(),
        ));
    }
    let mut data = BTreeMap::new();
    for lit in f.all("from-literal") {
        let Some((key, value)) = lit.split_once('=') else {
            return Err(Fail::Msg(format!(
                "invalid literal source {lit}, expected key=value"
            )));
        };
        if data
            .insert(key.to_string(), value.as_bytes().to_vec())
            .is_some()
        {
            return Err(Fail::Msg(format!(
                "cannot add key {key}, another key by that name already exists in Data for ConfigMap \"\""
            )));
        }
    }
    let cwd = k.proc().cwd.clone();
    for spec in f.all("from-file") {
        let (key, path) = match spec.split_once('=') {
            Some((key, path)) => (Some(key.to_string()), path.to_string()),
            None => (None, spec.clone()),
        };
        let fs = k.proc().fs();
        let stat = fs
            .stat(&cwd, &path)
            .map_err(|_| Fail::Msg(format!("error reading {path}: no such file or directory")))?;
        if stat.is_dir() {
            for (name, st) in fs.list(&cwd, &path).unwrap_or_default() {
                if st.is_dir() || name.starts_with('.') {
                    continue;
                }
                let d = fs.read(&cwd, &format!("{path}/{name}")).unwrap_or_default();
                data.insert(name, d);
            }
        } else {
            let d = fs.read(&cwd, &path).map_err(|_| {
                Fail::Msg(format!("error reading {path}: no such file or directory"))
            })?;
            let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
            data.insert(key, d);
        }
    }
    for path in f.all("from-env-file") {
        let d =
            k.proc().fs().read(&cwd, &path).map_err(|_| {
                Fail::Msg(format!("error reading {path}: no such file or directory"))
            })?;
        for line in String::from_utf8_lossy(&d).lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            data.insert(key.trim().to_string(), value.as_bytes().to_vec());
        }
    }
    Ok(data)
}

impl Kubectl<'_> {
    /// Creates a flag-made object, or prints it for `--dry-run=client`.
    fn create_made<T: Stored>(&mut self, f: &Parsed, obj: T, what: &str, failed: &str) -> Res<i32> {
        let format = self.output_format(f.get("output"), f.get("template"), false)?;
        let dry = dry_run(f)?;
        let namespace = self.namespace(f);
        if dry == DryRun::Client {
            let o = T::to_object(Rc::new(obj));
            let adjust = if T::INFO.kind == "Service" {
                super::output::tcp_service_ports
            } else {
                |_: &mut crate::value::Value| {}
            };
            self.report_generated(&format, &o, adjust, "created", dry)?;
            return Ok(0);
        }
        let mut obj = obj;
        if T::INFO.namespaced {
            obj.meta_mut().namespace = Some(namespace);
        }
        obj.set_defaults();
        let opts = WriteOptions {
            dry_run: dry == DryRun::Server,
        };
        match self.api(|api| api.create(obj, &opts)) {
            Ok(created) => {
                let o: Object = T::to_object(created);
                self.report_write(&format, &o, "created", dry)?;
                Ok(0)
            }
            Err(e) => {
                if failed.is_empty() {
                    return Err(Fail::Api(e, None));
                }
                let _ = what;
                Err(Fail::Msg(format!("{failed}{}", e.message)))
            }
        }
    }
}

pub async fn create_sub(k: &mut Kubectl<'_>, sub: &str, args: &[String]) -> Res<i32> {
    // Help hints name the command by its full path, aliases resolved.
    let canonical = match sub {
        "ns" => "namespace",
        "sa" => "serviceaccount",
        "deploy" => "deployment",
        "cm" => "configmap",
        "cj" => "cronjob",
        "svc" => "service",
        other => other,
    };
    let mut path = format!("create {canonical}");
    let f = k.parse(&path, args, COMMON)?;
    let name = f.args.first().cloned();
    let grouped = matches!(canonical, "secret" | "service");
    if grouped {
        match name.as_deref() {
            None => {
                return Err(Fail::GroupHelp(if canonical == "secret" {
                    "create secret"
                } else {
                    "create service"
                }))
            }
            Some(kind) => path = format!("{path} {kind}"),
        }
    }
    // The NAME argument and anything after it.
    let names = f.args.len().saturating_sub(usize::from(grouped));
    let need_name = |n: Option<String>| -> Res<String> {
        match n {
            Some(n) if names == 1 => Ok(n),
            _ => Err(Fail::UsageHelp(
                path.clone(),
                format!("exactly one NAME is required, got {names}"),
            )),
        }
    };
    match sub {
        "namespace" | "ns" => {
            let name = need_name(name)?;
            let ns = Namespace {
                metadata: meta(&name, BTreeMap::new()),
                ..Default::default()
            };
            k.create_made(&f, ns, "namespace", "")
        }
        "serviceaccount" | "sa" => {
            let name = need_name(name)?;
            let sa = ServiceAccount {
                metadata: meta(&name, BTreeMap::new()),
                ..Default::default()
            };
            k.create_made(
                &f,
                sa,
                "serviceaccount",
                "failed to create serviceaccount: ",
            )
        }
        "deployment" | "deploy" => {
            // cobra checks required flags before the command sees its arguments.
            let images = f.all("image");
            if images.is_empty() {
                return Err(Fail::Msg("required flag(s) \"image\" not set".to_string()));
            }
            let name = need_name(name)?;
            let mut command: Vec<String> = f.args[1..].to_vec();
            if let Some(after) = &f.after_dash {
                command.extend(after.iter().cloned());
            }
            let labels = one_label("app", &name);
            let port: Option<i32> = match f.get("port") {
                Some(p) => Some(
                    p.parse()
                        .map_err(|_| Fail::Msg(format!("invalid port: {p}")))?,
                ),
                None => None,
            };
            let containers = images
                .iter()
                .map(|img| Container {
                    name: container_name_of(img),
                    image: img.clone(),
                    command: command.clone(),
                    ports: port
                        .map(|p| {
                            vec![ContainerPort {
                                container_port: p,
                                ..Default::default()
                            }]
                        })
                        .unwrap_or_default(),
                    ..Default::default()
                })
                .collect();
            let replicas: i32 = f.get("replicas").and_then(|r| r.parse().ok()).unwrap_or(1);
            let d = Deployment {
                metadata: meta(&name, labels.clone()),
                spec: DeploymentSpec {
                    replicas: Some(replicas),
                    selector: Some(LabelSelector {
                        match_labels: labels.clone(),
                        ..Default::default()
                    }),
                    template: PodTemplateSpec {
                        metadata: meta_labels_only(labels),
                        spec: PodSpec {
                            containers,
                            ..Default::default()
                        },
                    },
                    ..Default::default()
                },
                ..Default::default()
            };
            k.create_made(&f, d, "deployment", "failed to create deployment: ")
        }
        "configmap" | "cm" => {
            let name = need_name(name)?;
            let data = data_from(k, &f)?;
            let mut cm = ConfigMap {
                metadata: meta(&name, BTreeMap::new()),
                ..Default::default()
            };
            for (key, v) in data {
                match String::from_utf8(v) {
                    Ok(s) => {
                        cm.data.insert(key, s);
                    }
                    Err(e) => {
                        cm.binary_data.insert(key, Bytes(e.into_bytes()));
                    }
                }
            }
            k.create_made(&f, cm, "configmap", "failed to create configmap: ")
        }
        "secret" => {
            let Some(kind) = name else {
                return Err(Fail::GroupHelp("create secret"));
            };
            match kind.as_str() {
                "generic" => {}
                "docker-registry" | "tls" => {
                    return Err(Fail::Msg(format!(
                        "secret {kind} is not available on this cluster"
                    )))
                }
                other => return Err(super::unknown_subcommand("create secret", other)),
            }
            let name = need_name(f.args.get(1).cloned())?;
            let data = data_from(k, &f)?;
            let s = Secret {
                metadata: meta(&name, BTreeMap::new()),
                data: data.into_iter().map(|(k2, v)| (k2, Bytes(v))).collect(),
                // The generator leaves the type to the API server's default.
                type_: f.get("type").unwrap_or("").to_string(),
                ..Default::default()
            };
            k.create_made(&f, s, "secret", "failed to create secret ")
        }
        "job" => {
            let name = need_name(name)?;
            if let Some(from) = f.get("from") {
                return create_job_from(k, &f, &name, from);
            }
            let images = f.all("image");
            let Some(image) = images.first().cloned() else {
                return Err(Fail::Msg(
                    "either --image or --from must be specified".to_string(),
                ));
            };
            let mut command: Vec<String> = f.args[1..].to_vec();
            if let Some(after) = &f.after_dash {
                command.extend(after.iter().cloned());
            }
            let j = Job {
                metadata: meta(&name, BTreeMap::new()),
                spec: JobSpec {
                    template: PodTemplateSpec {
                        metadata: ObjectMeta::default(),
                        spec: PodSpec {
                            containers: vec![Container {
                                name: name.clone(),
                                image,
                                command,
                                ..Default::default()
                            }],
                            restart_policy: RestartPolicy::Never,
                            ..Default::default()
                        },
                    },
                    ..Default::default()
                },
                ..Default::default()
            };
            k.create_made(&f, j, "job", "failed to create job: ")
        }
        "cronjob" | "cj" => {
            let images = f.all("image");
            let missing: Vec<&str> = [
                ("image", images.is_empty()),
                ("schedule", !f.has("schedule")),
            ]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(n, _)| *n)
            .collect();
            if !missing.is_empty() {
                let list: Vec<String> = missing.iter().map(|n| format!("\"{n}\"")).collect();
                return Err(Fail::Msg(format!(
                    "required flag(s) {} not set",
                    list.join(", ")
                )));
            }
            let name = need_name(name)?;
            let image = images.first().cloned().unwrap_or_default();
            let schedule = f.get("schedule").unwrap_or_default().to_string();
            let restart = RestartPolicy::parse(f.get("restart").unwrap_or("OnFailure"));
            let mut command: Vec<String> = f.args[1..].to_vec();
            if let Some(after) = &f.after_dash {
                command.extend(after.iter().cloned());
            }
            let cj = CronJob {
                metadata: meta(&name, BTreeMap::new()),
                spec: CronJobSpec {
                    schedule,
                    job_template: JobTemplateSpec {
                        metadata: ObjectMeta {
                            name: Some(name.clone()),
                            ..Default::default()
                        },
                        spec: JobSpec {
                            template: PodTemplateSpec {
                                metadata: ObjectMeta::default(),
                                spec: PodSpec {
                                    containers: vec![Container {
                                        name: name.clone(),
                                        image,
                                        command,
                                        ..Default::default()
                                    }],
                                    restart_policy: restart,
                                    ..Default::default()
                                },
                            },
                            ..Default::default()
                        },
                    },
                    ..Default::default()
                },
                ..Default::default()
            };
            k.create_made(&f, cj, "cronjob", "failed to create cronjob: ")
        }
        "service" | "svc" => {
            let Some(kind) = name else {
                return Err(Fail::GroupHelp("create service"));
            };
            let name = need_name(f.args.get(1).cloned())?;
            let type_ = match kind.as_str() {
                "clusterip" => ServiceType::ClusterIp,
                "nodeport" => ServiceType::NodePort,
                "loadbalancer" => ServiceType::LoadBalancer,
                "externalname" => ServiceType::ExternalName,
                other => return Err(Fail::Msg(format!("unknown service type: {other}"))),
            };
            let mut ports = Vec::new();
            for tcp in f.all("tcp") {
                let (p, t) = tcp.split_once(':').unwrap_or((&tcp, &tcp));
                let port: i32 = p
                    .parse()
                    .map_err(|_| Fail::Msg(format!("invalid port: {p}")))?;
                let target = match t.parse::<i32>() {
                    Ok(n) => IntOrString::Int(n),
                    Err(_) => IntOrString::String(t.to_string()),
                };
                let node_port = f.get("node-port").and_then(|n| n.parse().ok()).unwrap_or(0);
                ports.push(ServicePort {
                    name: format!("{p}-{t}"),
                    port,
                    target_port: Some(target),
                    node_port,
                    ..Default::default()
                });
            }
            let svc = Service {
                metadata: meta(&name, one_label("app", &name)),
                spec: ServiceSpec {
                    ports,
                    selector: one_label("app", &name),
                    type_,
                    cluster_ip: f.get("clusterip").unwrap_or("").to_string(),
                    external_name: f.get("external-name").unwrap_or("").to_string(),
                    ..Default::default()
                },
                ..Default::default()
            };
            k.create_made(&f, svc, "service", "")
        }
        other => Err(Fail::UsageHelp(
            "create".to_string(),
            format!("Unexpected args: [{other}]"),
        )),
    }
}

fn meta_labels_only(labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        labels,
        ..Default::default()
    }
}

/// `create job NAME --from=cronjob/X`: the CronJob's job template, marked as
/// created by hand.
fn create_job_from(k: &mut Kubectl<'_>, f: &Parsed, name: &str, from: &str) -> Res<i32> {
    let Some((kind, cj_name)) = from.split_once('/') else {
        return Err(Fail::Msg(format!(
            "from must be of the form <resource>/<name>, got {from}"
        )));
    };
    if super::resources::resolve(kind) != Some(crate::store::Kind::CronJob) {
        return Err(Fail::Msg(format!("unknown object type {kind}")));
    }
    let ns = k.namespace(f);
    let cj = k
        .api(|api| api.store.get::<CronJob>(&ns, cj_name).cloned())
        .ok_or_else(|| {
            Fail::Api(
                ApiError::not_found(&crate::api::batch::CRONJOB_INFO, cj_name),
                None,
            )
        })?;
    let mut annotations = cj.spec.job_template.metadata.annotations.clone();
    annotations.insert(
        "cronjob.kubernetes.io/instantiate".to_string(),
        "manual".to_string(),
    );
    let j = Job {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: cj.spec.job_template.metadata.labels.clone(),
            annotations,
            owner_references: vec![crate::api::meta::OwnerReference {
                api_version: "batch/v1".to_string(),
                kind: "CronJob".to_string(),
                name: cj_name.to_string(),
                uid: cj.metadata.uid().to_string(),
                controller: Some(true),
                block_owner_deletion: None,
            }],
            ..Default::default()
        },
        spec: cj.spec.job_template.spec.clone(),
        ..Default::default()
    };
    k.create_made(f, j, "job", "failed to create job: ")
}
