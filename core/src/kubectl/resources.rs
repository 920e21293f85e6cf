//! Resource names as kubectl's REST mapper understands them: plural,
//! singular, short names and kinds, optionally qualified by group
//! (`deployments.apps`, `deploy.v1.apps`), and the `all` category.

use crate::store::Kind;

/// Kinds in the order discovery lists them (core first, then groups), which
/// is the order `kubectl get all` prints them.
pub const DISCOVERY_ORDER: &[Kind] = &[
    Kind::ConfigMap,
    Kind::Endpoints,
    Kind::Event,
    Kind::Namespace,
    Kind::Node,
    Kind::PersistentVolumeClaim,
    Kind::PersistentVolume,
    Kind::Pod,
    Kind::Secret,
    Kind::ServiceAccount,
    Kind::Service,
    Kind::ControllerRevision,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
    Kind::EndpointSlice,
    Kind::StorageClass,
];

/// The kinds `kubectl get all` expands to, in its order.
pub const ALL_CATEGORY: &[Kind] = &[
    Kind::Pod,
    Kind::Service,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
];

/// Finds the kind a resource argument names; `None` is kubectl's
/// `the server doesn't have a resource type "x"`.
pub fn resolve(arg: &str) -> Option<Kind> {
    let lower = arg.to_ascii_lowercase();
    // `resource.version.group` or `resource.group`.
    let (name, qualifier) = match lower.split_once('.') {
        Some((n, q)) => (n.to_string(), Some(q.to_string())),
        None => (lower.clone(), None),
    };
    Kind::ALL.iter().copied().find(|k| {
        let info = k.info();
        let name_ok = info.plural == name
            || info.singular == name
            || info.kind.eq_ignore_ascii_case(&name)
            || info.short_names.contains(&name.as_str());
        if !name_ok {
            return false;
        }
        match &qualifier {
            None => true,
            Some(q) => {
                let group = info.group;
                let version_group = format!("{}.{}", info.version, group);
                q == group || *q == version_group || (group.is_empty() && q == info.version)
            }
        }
    })
}

/// `kubectl`'s error for an unknown resource type.
pub fn unknown_type(arg: &str) -> String {
    format!("the server doesn't have a resource type \"{arg}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_like_the_rest_mapper() {
        let cases = [
            ("po", Some(Kind::Pod)),
            ("pods", Some(Kind::Pod)),
            ("Pod", Some(Kind::Pod)),
            ("deploy", Some(Kind::Deployment)),
            ("deployments.apps", Some(Kind::Deployment)),
            ("deployment.v1.apps", Some(Kind::Deployment)),
            ("deployments.batch", None),
            ("sts", Some(Kind::StatefulSet)),
            ("ds", Some(Kind::DaemonSet)),
            ("rs", Some(Kind::ReplicaSet)),
            ("svc", Some(Kind::Service)),
            ("ep", Some(Kind::Endpoints)),
            ("endpointslices", Some(Kind::EndpointSlice)),
            ("cm", Some(Kind::ConfigMap)),
            ("ns", Some(Kind::Namespace)),
            ("no", Some(Kind::Node)),
            ("pv", Some(Kind::PersistentVolume)),
            ("pvc", Some(Kind::PersistentVolumeClaim)),
            ("sc", Some(Kind::StorageClass)),
            ("cj", Some(Kind::CronJob)),
            ("ev", Some(Kind::Event)),
            ("sa", Some(Kind::ServiceAccount)),
            ("jobs", Some(Kind::Job)),
            ("controllerrevisions", Some(Kind::ControllerRevision)),
            ("pdos", None),
            ("deploymentz", None),
        ];
        for (arg, want) in cases {
            assert_eq!(resolve(arg), want, "{arg}");
        }
    }
}
