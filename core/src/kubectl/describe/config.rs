//! Namespaces, ConfigMaps, Secrets and ServiceAccounts.

use std::rc::Rc;

use super::pod::time_rfc1123z;
use super::{annotations_multiline, events_section, labels_multiline, Doc};
use crate::api::corev1::{ConfigMap, Event, Namespace, Secret, ServiceAccount};
use crate::api::time::{parse_rfc3339, Time};
use crate::store::Store;
use crate::value::Value;

/// The secrets of a namespace, in list order.
pub(super) fn secrets_in(store: &Store, namespace: &str) -> Vec<Rc<Secret>> {
    store
        .table::<Secret>()
        .iter_ns(Some(namespace))
        .map(|(_, s)| s.clone())
        .collect()
}

/// `kubectl describe namespace`. The cluster has no ResourceQuotas or
/// LimitRanges, so both sections report none, as kubectl does for an empty
/// list.
pub fn describe_namespace(ns: &Namespace, _now_ms: i64) -> String {
    let mut w = Doc::default();
    w.write(0, &format!("Name:\t{}\n", ns.metadata.name()));
    labels_multiline(&mut w, "Labels", &ns.metadata.labels);
    annotations_multiline(&mut w, "Annotations", &ns.metadata.annotations);
    w.write(0, &format!("Status:\t{}\n", ns.status.phase));
    if !ns.status.conditions.is_empty() {
        w.write(0, "Conditions:\n");
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        w.write(1, "----\t------\t------------------\t------\t-------\n");
        for c in &ns.status.conditions {
            let field = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("");
            let when = c
                .get("lastTransitionTime")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .map(Time::from_millis);
            w.write(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    field("type"),
                    field("status"),
                    time_rfc1123z(when),
                    field("reason"),
                    field("message")
                ),
            );
        }
    }
    w.write(0, "\n");
    w.write(0, "No resource quota.\n");
    w.write(0, "\n");
    w.write(0, "No LimitRange resource.\n");
    w.finish()
}

/// `kubectl describe configmap`: every value in full. Keys print sorted
/// (kubectl ranges over a Go map, so a real cluster may order them
/// differently from one call to the next).
pub fn describe_config_map(cm: &ConfigMap, events: Option<&[Event]>, now_ms: i64) -> String {
    let mut w = Doc::default();
    w.write(0, &format!("Name:\t{}\n", cm.metadata.name()));
    w.write(0, &format!("Namespace:\t{}\n", cm.metadata.namespace()));
    labels_multiline(&mut w, "Labels", &cm.metadata.labels);
    annotations_multiline(&mut w, "Annotations", &cm.metadata.annotations);
    w.write(0, "\nData\n====\n");
    for (k, v) in &cm.data {
        w.write(0, &format!("{k}:\n----\n"));
        w.write(0, &format!("{v}\n"));
        w.write(0, "\n");
    }
    w.write(0, "\nBinaryData\n====\n");
    for (k, v) in &cm.binary_data {
        w.write(0, &format!("{k}: {} bytes\n", v.0.len()));
    }
    w.write(0, "\n");
    events_section(&mut w, events, now_ms);
    w.finish()
}

/// `kubectl describe secret`: sizes, never values (a service account
/// token is the exception kubectl makes). Keys print sorted.
pub fn describe_secret(secret: &Secret) -> String {
    let mut w = Doc::default();
    w.write(0, &format!("Name:\t{}\n", secret.metadata.name()));
    w.write(0, &format!("Namespace:\t{}\n", secret.metadata.namespace()));
    labels_multiline(&mut w, "Labels", &secret.metadata.labels);
    annotations_multiline(&mut w, "Annotations", &secret.metadata.annotations);
    w.write(0, &format!("\nType:\t{}\n", secret.type_));
    w.write(0, "\nData\n====\n");
    let mut data: std::collections::BTreeMap<&str, Vec<u8>> = secret
        .data
        .iter()
        .map(|(k, v)| (k.as_str(), v.0.clone()))
        .collect();
    // stringData is merged into data when the secret is written.
    for (k, v) in &secret.string_data {
        data.insert(k.as_str(), v.as_bytes().to_vec());
    }
    for (k, v) in data {
        if k == "token" && secret.type_ == "kubernetes.io/service-account-token" {
            w.write(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&v)));
        } else {
            w.write(0, &format!("{k}:\t{} bytes\n", v.len()));
        }
    }
    w.finish()
}

/// `kubectl describe serviceaccount`. `secrets` are the secrets of the
/// account's namespace, used to find its tokens and the references that
/// point nowhere.
pub fn describe_service_account(
    sa: &ServiceAccount,
    secrets: &[Rc<Secret>],
    events: Option<&[Event]>,
    now_ms: i64,
) -> String {
    let mut w = Doc::default();
    let meta = &sa.metadata;
    w.write(0, &format!("Name:\t{}\n", meta.name()));
    w.write(0, &format!("Namespace:\t{}\n", meta.namespace()));
    labels_multiline(&mut w, "Labels", &meta.labels);
    annotations_multiline(&mut w, "Annotations", &meta.annotations);
    let exists = |name: &str| secrets.iter().any(|s| s.metadata.name() == name);
    let tokens: Vec<&str> = secrets
        .iter()
        .filter(|s| {
            s.type_ == "kubernetes.io/service-account-token"
                && s.metadata.annotation("kubernetes.io/service-account.name") == Some(meta.name())
                && s.metadata.annotation("kubernetes.io/service-account.uid") == Some(meta.uid())
        })
        .map(|s| s.metadata.name())
        .collect();
    let pull: Vec<&str> = sa
        .image_pull_secrets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let mount: Vec<&str> = sa.secrets.iter().map(|s| s.name.as_str()).collect();
    let empty_header = "                   ";
    // kubectl prints the three lists in the sorted order of their headers.
    for (header, names, checked) in [
        ("Image pull secrets:", &pull, true),
        ("Mountable secrets: ", &mount, true),
        ("Tokens:            ", &tokens, false),
    ] {
        if names.is_empty() {
            w.write(0, &format!("{header}\t<none>\n"));
            continue;
        }
        let mut prefix = header;
        for name in names {
            if checked && !exists(name) {
                w.write(0, &format!("{prefix}\t{name} (not found)\n"));
            } else {
                w.write(0, &format!("{prefix}\t{name}\n"));
            }
            prefix = empty_header;
        }
    }
    events_section(&mut w, events, now_ms);
    w.finish()
}
