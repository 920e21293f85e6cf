//! How engine data is spelled on screen, the way kubectl spells it.

/// The ROLES column of `kubectl get nodes`: roles joined by commas, or
/// `<none>` for a node without any.
pub fn roles_column(roles: &[String]) -> String {
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_spelled_as_kubectl_prints_them() {
        let cases: &[(&str, &[&str], &str)] = &[
            ("a worker has no role", &[], "<none>"),
            ("a control plane", &["control-plane"], "control-plane"),
            (
                "several roles",
                &["control-plane", "etcd"],
                "control-plane,etcd",
            ),
        ];
        for (name, roles, expected) in cases {
            let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
            assert_eq!(roles_column(&roles), *expected, "{name}");
        }
    }
}
