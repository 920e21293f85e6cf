//! The `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap that
//! every active namespace gets.

use super::{Action, Controller, CtrlId, QueueReason};
use crate::api::corev1::{ConfigMap, Namespace, ServiceAccount};
use crate::api::meta::ObjectMeta;
use crate::apiserver::{ApiError, ApiServer, WriteOptions};
use crate::store::{Kind, ObjKey, Object, WatchEvent, WatchType};

fn namespace_key(ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>, watched: Kind, name: &str) {
    match &ev.object {
        Object::Namespace(ns) if ev.typ != WatchType::Deleted => {
            out.push((
                ObjKey::new("", ns.metadata.name()),
                QueueReason::Changed(Kind::Namespace, ev.typ),
            ));
        }
        o if o.kind() == watched && ev.typ == WatchType::Deleted && o.name() == name => {
            out.push((
                ObjKey::new("", o.namespace()),
                QueueReason::Related(watched, o.name().to_string()),
            ));
        }
        _ => {}
    }
}

fn active(api: &ApiServer, ns: &str) -> bool {
    api.store
        .get::<Namespace>("", ns)
        .is_some_and(|n| n.metadata.deletion_timestamp.is_none())
}

/// Creates the `default` ServiceAccount in every namespace.
pub struct ServiceAccounts;

impl Controller for ServiceAccounts {
    fn id(&self) -> CtrlId {
        CtrlId::ServiceAccount
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        namespace_key(ev, out, Kind::ServiceAccount, "default");
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let ns = &key.name;
        if !active(api, ns) || api.store.get::<ServiceAccount>(ns, "default").is_some() {
            return Ok(Action::AwaitChange);
        }
        let sa = ServiceAccount {
            metadata: ObjectMeta {
                name: Some("default".to_string()),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        match api.create(sa, &WriteOptions::default()) {
            Ok(_) => Ok(Action::AwaitChange),
            Err(e) if e.reason == crate::apiserver::Reason::AlreadyExists => {
                Ok(Action::AwaitChange)
            }
            Err(e) => Err(e),
        }
    }
}

const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// A made-up but well-formed CA certificate for the simulated cluster.
pub const ROOT_CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIIPodlabSimCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE
AxMKa3ViZXJuZXRlczAeFw0yNjAxMDUwODU1MTdaFw0zNjAxMDMwOTAwMTdaMBUx
EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQDPodlabSimulatedClusterCertificateAuthorityKeyMaterialForTe
achingOnlyNotARealKeyPodlabPodlabPodlabPodlabPodlabPodlabPodlabPo
dlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabP
odlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlab
PodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabPodlabAgMBAAGjWTBX
MA4GA1UdDwEB/wQEAwICpDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBRQb2Rs
YWJTaW11bGF0ZWRDQTAVBgNVHREEDjAMggprdWJlcm5ldGVzMA0GCSqGSIb3DQEB
CwUAA4IBAQBQb2RsYWIgc2ltdWxhdGVkIGNsdXN0ZXIgY2VydGlmaWNhdGU=
-----END CERTIFICATE-----
";

/// Publishes the cluster CA as `kube-root-ca.crt` in every namespace.
pub struct RootCaPublisher;

impl Controller for RootCaPublisher {
    fn id(&self) -> CtrlId {
        CtrlId::RootCaPublisher
    }

    fn keys_for(&self, ev: &WatchEvent, out: &mut Vec<(ObjKey, QueueReason)>) {
        namespace_key(ev, out, Kind::ConfigMap, "kube-root-ca.crt");
    }

    fn reconcile(&mut self, key: &ObjKey, api: &mut ApiServer) -> Result<Action, ApiError> {
        let ns = &key.name;
        if !active(api, ns) || api.store.get::<ConfigMap>(ns, "kube-root-ca.crt").is_some() {
            return Ok(Action::AwaitChange);
        }
        let mut cm = ConfigMap {
            metadata: ObjectMeta {
                name: Some("kube-root-ca.crt".to_string()),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            ..Default::default()
        };
        cm.metadata.annotations.insert(
            "kubernetes.io/description".to_string(),
            ROOT_CA_DESCRIPTION.to_string(),
        );
        cm.data
            .insert("ca.crt".to_string(), ROOT_CA_PEM.to_string());
        match api.create(cm, &WriteOptions::default()) {
            Ok(_) => Ok(Action::AwaitChange),
            Err(e) if e.reason == crate::apiserver::Reason::AlreadyExists => {
                Ok(Action::AwaitChange)
            }
            Err(e) => Err(e),
        }
    }
}
