//! `kubectl rollout status|history|undo|pause|resume|restart`.

use std::rc::Rc;

use super::cmd_apply::{dry_run, DryRun};
use super::flags::{flag, flag_opt, FlagDef, FlagKind};
use super::{Fail, Kubectl, Res};
use crate::api::apps::{ControllerRevision, Deployment, ReplicaSet};
use crate::apiserver::Millis;
use crate::store::{Kind, Object};
use crate::value::Value;

const FLAGS: &[FlagDef] = &[
    flag("watch", Some('w'), FlagKind::Bool),
    flag("timeout", None, FlagKind::Duration),
    flag("revision", None, FlagKind::Int),
    flag("to-revision", None, FlagKind::Int),
    flag("filename", Some('f'), FlagKind::List),
    flag("recursive", Some('R'), FlagKind::Bool),
    flag("selector", Some('l'), FlagKind::Value),
    flag("output", Some('o'), FlagKind::Value),
    flag_opt("dry-run", "unchanged"),
    flag("template", None, FlagKind::Value),
    flag("allow-missing-template-keys", None, FlagKind::Bool),
    flag("field-manager", None, FlagKind::Value),
    flag("show-managed-fields", None, FlagKind::Bool),
];

const REVISION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

fn ensure_rollout_kind(obj: &Object, cmd: &str) -> Res<()> {
    match obj.kind() {
        Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => Ok(()),
        _ => Err(Fail::Msg(format!(
            "no {cmd}er has been implemented for {{\"{}\" \"{}\"}}",
            obj.info().group,
            obj.info().kind
        ))),
    }
}

pub async fn rollout(k: &mut Kubectl<'_>, args: &[String]) -> Res<i32> {
    let Some(sub) = args.first().cloned() else {
        return Err(Fail::GroupHelp("rollout"));
    };
    if !matches!(
        sub.as_str(),
        "history" | "pause" | "restart" | "resume" | "status" | "undo"
    ) {
        return Err(super::unknown_subcommand("rollout", &sub));
    }
    let cmd = format!("rollout {sub}");
    let f = k.parse(&cmd, &args[1..], FLAGS)?;
    let objects = k.named_objects(&cmd, &f, &f.args.clone()).await?;
    let format = k.output_format(f.get("output"), f.get("template"), false)?;
    let dry = dry_run(&f)?;
    for obj in objects {
        match sub.as_str() {
            "status" => {
                ensure_rollout_kind(&obj, "status view")?;
                let code = status(k, &obj, &f).await?;
                if code != 0 {
                    return Ok(code);
                }
            }
            "history" => {
                ensure_rollout_kind(&obj, "history view")?;
                history(k, &obj, f.get("revision"))?;
            }
            "undo" => {
                ensure_rollout_kind(&obj, "rollback")?;
                undo(k, &obj, f.get("to-revision"), dry, &format)?;
            }
            "pause" | "resume" => {
                let Object::Deployment(d) = &obj else {
                    return Err(Fail::Msg(format!(
                        "{} is not supported for {}",
                        sub,
                        obj.info().qualified_plural()
                    )));
                };
                let pause = sub == "pause";
                if d.spec.paused == pause {
                    return Err(Fail::Msg(format!(
                        "deployments.apps \"{}\" is {}",
                        d.metadata.name(),
                        if pause {
                            "already paused"
                        } else {
                            "not paused"
                        }
                    )));
                }
                let mut v = obj.encode();
                if let Some(spec) = v
                    .as_object_mut()
                    .and_then(|o| o.get_mut("spec"))
                    .and_then(Value::as_object_mut)
                {
                    if pause {
                        spec.insert("paused".to_string(), Value::Bool(true));
                    } else {
                        spec.remove("paused");
                    }
                }
                let stored = k.write_value(obj.kind(), &v, dry)?;
                k.report_write(
                    &format,
                    &stored,
                    if pause { "paused" } else { "resumed" },
                    dry,
                )?;
            }
            "restart" => {
                ensure_rollout_kind(&obj, "restart")?;
                if let Object::Deployment(d) = &obj {
                    if d.spec.paused {
                        return Err(Fail::Msg(
                            "can't restart paused deployment (run rollout resume first)"
                                .to_string(),
                        ));
                    }
                }
                let now = k.api(|api| api.time());
                let mut v = obj.encode();
                let path: &[&str] = &["spec", "template", "metadata"];
                let mut cur = Some(&mut v);
                for p in path {
                    cur = cur
                        .and_then(Value::as_object_mut)
                        .map(|o| o.entry((*p).to_string()).or_insert_with(Value::object));
                }
                if let Some(meta) = cur.and_then(Value::as_object_mut) {
                    let ann = meta
                        .entry("annotations".to_string())
                        .or_insert_with(Value::object);
                    if let Some(a) = ann.as_object_mut() {
                        a.insert(
                            "kubectl.kubernetes.io/restartedAt".to_string(),
                            now.rfc3339().into(),
                        );
                    }
                }
                let stored = k.write_value(obj.kind(), &v, dry)?;
                k.report_write(&format, &stored, "restarted", dry)?;
            }
            other => {
                return Err(Fail::Raw(format!(
                    "error: unknown command \"{other}\" for \"kubectl rollout\"\n"
                )))
            }
        }
    }
    Ok(0)
}

/// One line of `rollout status`, and whether the rollout is done.
fn status_line(obj: &Object) -> Result<(String, bool), String> {
    match obj {
        Object::Deployment(d) => {
            let name = d.metadata.name();
            let st = &d.status;
            let replicas = d.spec.replicas.unwrap_or(1);
            if d.metadata.generation.unwrap_or(0) > st.observed_generation {
                return Ok((
                    "Waiting for deployment spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            if d.status.conditions.iter().any(|c| {
                c.type_.as_str() == "Progressing" && c.reason == "ProgressDeadlineExceeded"
            }) {
                return Err(format!(
                    "deployment \"{name}\" exceeded its progress deadline"
                ));
            }
            let updated = st.updated_replicas;
            let total = st.replicas;
            let available = st.available_replicas;
            if updated < replicas {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"), false));
            }
            if total > updated {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...\n", total - updated), false));
            }
            if available < updated {
                return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...\n"), false));
            }
            Ok((
                format!("deployment \"{name}\" successfully rolled out\n"),
                true,
            ))
        }
        Object::DaemonSet(d) => {
            let name = d.metadata.name();
            if d.spec.update_strategy.type_.as_str() == "OnDelete" {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".to_string(),
                );
            }
            let st = &d.status;
            if d.metadata.generation.unwrap_or(0) > st.observed_generation {
                return Ok((
                    "Waiting for daemon set spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            let desired = st.desired_number_scheduled;
            let updated = st.updated_number_scheduled;
            let available = st.number_available;
            if updated < desired {
                return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false));
            }
            if available < desired {
                return Ok((format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"), false));
            }
            Ok((
                format!("daemon set \"{name}\" successfully rolled out\n"),
                true,
            ))
        }
        Object::StatefulSet(s) => {
            let st = &s.status;
            let strategy = &s.spec.update_strategy;
            if strategy.type_.as_str() == "OnDelete" {
                return Err(
                    "rollout status is only available for RollingUpdate strategy type".to_string(),
                );
            }
            if s.metadata.generation.unwrap_or(0) > st.observed_generation {
                return Ok((
                    "Waiting for statefulset spec update to be observed...\n".to_string(),
                    false,
                ));
            }
            let replicas = s.spec.replicas.unwrap_or(1);
            let ready = st.ready_replicas;
            if ready < replicas {
                return Ok((
                    format!("Waiting for {} pods to be ready...\n", replicas - ready),
                    false,
                ));
            }
            if let Some(ru) = strategy.rolling_update.as_ref() {
                let partition = ru.partition.unwrap_or(0);
                let updated = st.updated_replicas;
                if updated < replicas - partition {
                    return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", replicas - partition), false));
                }
                return Ok((
                    format!(
                        "partitioned roll out complete: {updated} new pods have been updated...\n"
                    ),
                    true,
                ));
            }
            if st.update_revision != st.current_revision {
                return Ok((format!("waiting for statefulset rolling update to complete {} pods at revision {}...\n", st.updated_replicas, st.update_revision), false));
            }
            Ok((
                format!(
                    "statefulset rolling update complete {} pods at revision {}...\n",
                    st.current_replicas, st.current_revision
                ),
                true,
            ))
        }
        _ => Err("unsupported".to_string()),
    }
}

async fn status(k: &mut Kubectl<'_>, obj: &Object, f: &super::flags::Parsed) -> Res<i32> {
    let watch = f.bool_or("watch", true);
    let timeout: Millis = f
        .get("timeout")
        .and_then(super::cmd_delete::parse_duration)
        .filter(|t| *t > 0)
        .unwrap_or(Millis::MAX / 4);
    let kind = obj.kind();
    let ns = obj.namespace().to_string();
    let name = obj.name().to_string();
    let start = k.cluster().clock();
    let mut last_rv = String::new();
    loop {
        let current = k.api(|api| api.store.get_object(kind, &ns, &name));
        let Some(current) = current else {
            return Err(Fail::Msg(format!(
                "{} \"{name}\" not found",
                kind.info().qualified_plural()
            )));
        };
        let rv = current.meta().resource_version.clone().unwrap_or_default();
        // kubectl prints on every event of the object it watches.
        if rv != last_rv {
            last_rv = rv;
            match status_line(&current) {
                Ok((line, done)) => {
                    k.out(line);
                    if done || !watch {
                        return Ok(0);
                    }
                }
                Err(e) => return Err(Fail::Msg(e)),
            }
        }
        if k.cluster().clock() - start >= timeout {
            return Err(Fail::Msg("timed out waiting for the condition".to_string()));
        }
        k.sleep(100).await;
    }
}

fn owned_replicasets(k: &Kubectl<'_>, d: &Deployment) -> Vec<Rc<ReplicaSet>> {
    let uid = d.metadata.uid().to_string();
    k.api(|api| {
        api.store
            .table::<ReplicaSet>()
            .iter_ns(Some(d.metadata.namespace()))
            .map(|(_, rs)| rs.clone())
            .filter(|rs| rs.metadata.controller().is_some_and(|o| o.uid == uid))
            .collect()
    })
}

fn revision_of(meta: &crate::api::meta::ObjectMeta) -> i64 {
    meta.annotation(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn owned_revisions(k: &Kubectl<'_>, obj: &Object) -> Vec<Rc<ControllerRevision>> {
    let uid = obj.meta().uid().to_string();
    let ns = obj.namespace().to_string();
    let mut v: Vec<Rc<ControllerRevision>> = k.api(|api| {
        api.store
            .table::<ControllerRevision>()
            .iter_ns(Some(&ns))
            .map(|(_, r)| r.clone())
            .filter(|r| r.metadata.controller().is_some_and(|o| o.uid == uid))
            .collect()
    });
    v.sort_by_key(|r| r.revision);
    v
}

fn history(k: &mut Kubectl<'_>, obj: &Object, revision: Option<&str>) -> Res<()> {
    let prefix = format!("{}/{}", obj.info().qualified_singular(), obj.name());
    let mut rows: Vec<(i64, String, Option<crate::api::corev1::PodTemplateSpec>)> = Vec::new();
    match obj {
        Object::Deployment(d) => {
            for rs in owned_replicasets(k, d) {
                let cause = rs
                    .metadata
                    .annotation(CHANGE_CAUSE)
                    .unwrap_or("<none>")
                    .to_string();
                rows.push((
                    revision_of(&rs.metadata),
                    cause,
                    Some(rs.spec.template.clone()),
                ));
            }
        }
        Object::DaemonSet(_) | Object::StatefulSet(_) => {
            for r in owned_revisions(k, obj) {
                let cause = r
                    .metadata
                    .annotation(CHANGE_CAUSE)
                    .unwrap_or("<none>")
                    .to_string();
                rows.push((r.revision, cause, None));
            }
        }
        _ => {}
    }
    rows.sort_by_key(|r| r.0);
    if rows.is_empty() {
        return Err(Fail::Msg(format!(
            "no rollout history found for {} \"{}\"",
            obj.info().singular,
            obj.name()
        )));
    }
    if let Some(r) = revision {
        let n: i64 = r
            .parse()
            .map_err(|_| Fail::Msg(format!("invalid revision {r}")))?;
        let Some((_, _, tpl)) = rows.iter().find(|x| x.0 == n) else {
            return Err(Fail::Msg(
                "unable to find the specified revision".to_string(),
            ));
        };
        k.out(format!("{prefix} with revision #{n}\n"));
        if let Some(t) = tpl {
            k.out(super::describe::pod_template(t));
        }
        return Ok(());
    }
    let mut tw = super::printers::tabwriter::TabWriter::new();
    tw.write_row(&["REVISION".to_string(), "CHANGE-CAUSE".to_string()]);
    for (n, cause, _) in rows {
        tw.write_row(&[n.to_string(), cause]);
    }
    k.out(format!("{prefix} \n{}\n", tw.finish()));
    Ok(())
}

fn undo(
    k: &mut Kubectl<'_>,
    obj: &Object,
    to: Option<&str>,
    dry: DryRun,
    format: &super::output::Format,
) -> Res<()> {
    let Object::Deployment(d) = obj else {
        return Err(Fail::Msg(format!(
            "rollback for {} is not available yet",
            obj.info().qualified_plural()
        )));
    };
    let mut sets = owned_replicasets(k, d);
    sets.sort_by_key(|rs| revision_of(&rs.metadata));
    if sets.is_empty() || (sets.len() == 1 && to.is_none()) {
        return Err(Fail::Msg(format!(
            "no rollout history found for deployment \"{}\"",
            d.metadata.name()
        )));
    }
    let current = revision_of(&d.metadata);
    let target = match to.and_then(|t| t.parse::<i64>().ok()).filter(|t| *t != 0) {
        Some(n) => sets
            .iter()
            .find(|rs| revision_of(&rs.metadata) == n)
            .cloned()
            .ok_or_else(|| {
                Fail::Msg(format!("unable to find specified revision {n} in history"))
            })?,
        None => sets
            .iter()
            .rev()
            .find(|rs| revision_of(&rs.metadata) < current)
            .cloned()
            .ok_or_else(|| {
                Fail::Msg(format!(
                    "no rollout history found for deployment \"{}\"",
                    d.metadata.name()
                ))
            })?,
    };
    if d.spec.paused {
        return Err(Fail::Msg("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".to_string()));
    }
    let mut template = target.spec.template.clone();
    template.metadata.labels.remove("pod-template-hash");
    let mut live_template = d.spec.template.clone();
    live_template.metadata.labels.remove("pod-template-hash");
    if template == live_template {
        k.out(format!(
            "{}/{} skipped rollback (current template already matches revision {})\n",
            obj.info().qualified_singular(),
            d.metadata.name(),
            revision_of(&target.metadata)
        ));
        return Ok(());
    }
    let mut v = obj.encode();
    let tv = crate::api::codec::Encode::encode(&template);
    if let Some(spec) = v
        .as_object_mut()
        .and_then(|o| o.get_mut("spec"))
        .and_then(Value::as_object_mut)
    {
        spec.insert("template".to_string(), tv);
    }
    // The change cause travels with the template.
    if let Some(a) = super::annotations_mut(&mut v) {
        match target.metadata.annotation(CHANGE_CAUSE) {
            Some(c) => {
                a.insert(CHANGE_CAUSE.to_string(), c.into());
            }
            None => {
                a.remove(CHANGE_CAUSE);
            }
        }
    }
    let stored = k.write_value(obj.kind(), &v, dry)?;
    k.report_write(format, &stored, "rolled back", dry)?;
    Ok(())
}
