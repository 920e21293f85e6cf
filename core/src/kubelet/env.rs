//! A container's environment as the kubelet builds it
//! (`makeEnvironmentVariables`): Service links, `envFrom`, `env` with
//! `$(VAR)` references and `valueFrom` sources.

use std::collections::BTreeMap;

use crate::api::corev1::{ConfigMap, Container, Pod, Secret, Service, ServiceType};
use crate::api::meta::IntOrString;
use crate::api::quantity::Quantity;
use crate::apiserver::ApiServer;

/// Why a container cannot be configured (`CreateContainerConfigError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

/// Keys skipped from `envFrom` because they are not valid names, for the
/// `InvalidEnvironmentVariableNames` event.
pub struct EnvResult {
    pub vars: Vec<(String, String)>,
    pub skipped: Vec<(String, String, Vec<String>)>,
}

fn is_env_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

/// `FOO_SERVICE_HOST` style variables for the Services visible to a pod:
/// those of its namespace, plus the `kubernetes` Service of `default`.
pub fn service_env(api: &ApiServer, namespace: &str) -> Vec<(String, String)> {
    let mut services: Vec<&Service> = Vec::new();
    let table = api.store.table::<Service>();
    for (_, s) in table.iter_ns(Some(namespace)) {
        services.push(s);
    }
    if namespace != "default" {
        if let Some(k) = table.get("default", "kubernetes") {
            services.push(k);
        }
    }
    let mut out = Vec::new();
    for svc in services {
        let ip = &svc.spec.cluster_ip;
        if ip.is_empty() || ip == "None" || svc.service_type() == ServiceType::ExternalName {
            continue;
        }
        let base = svc.metadata.name().to_ascii_uppercase().replace('-', "_");
        let Some(first) = svc.spec.ports.first() else {
            continue;
        };
        out.push((format!("{base}_SERVICE_HOST"), ip.clone()));
        out.push((format!("{base}_SERVICE_PORT"), first.port.to_string()));
        for p in &svc.spec.ports {
            if !p.name.is_empty() {
                out.push((
                    format!(
                        "{base}_SERVICE_PORT_{}",
                        p.name.to_ascii_uppercase().replace('-', "_")
                    ),
                    p.port.to_string(),
                ));
            }
        }
        let proto = first.protocol.as_str().to_ascii_lowercase();
        out.push((
            format!("{base}_PORT"),
            format!("{proto}://{ip}:{}", first.port),
        ));
        for p in &svc.spec.ports {
            let proto_upper = p.protocol.as_str().to_string();
            let proto_lower = proto_upper.to_ascii_lowercase();
            let prefix = format!("{base}_PORT_{}_{proto_upper}", p.port);
            out.push((prefix.clone(), format!("{proto_lower}://{ip}:{}", p.port)));
            out.push((format!("{prefix}_PROTO"), proto_lower));
            out.push((format!("{prefix}_PORT"), p.port.to_string()));
            out.push((format!("{prefix}_ADDR"), ip.clone()));
        }
    }
    out
}

/// Expands `$(VAR)` references against earlier variables; `$$` escapes.
pub fn expand(value: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            if b[i + 1] == b'$' {
                out.push('$');
                i += 2;
                continue;
            }
            if b[i + 1] == b'(' {
                if let Some(end) = value[i + 2..].find(')') {
                    let name = &value[i + 2..i + 2 + end];
                    match vars.get(name) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(&value[i..i + 3 + end]),
                    }
                    i += 3 + end;
                    continue;
                }
            }
        }
        // Push one whole character.
        let ch = value[i..].chars().next().unwrap_or('?');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The value of a `fieldRef`.
pub fn field_value(pod: &Pod, path: &str, host_ip: &str, pod_ip: &str) -> Option<String> {
    let meta = &pod.metadata;
    if let Some(rest) = path
        .strip_prefix("metadata.labels['")
        .and_then(|r| r.strip_suffix("']"))
    {
        return Some(meta.labels.get(rest).cloned().unwrap_or_default());
    }
    if let Some(rest) = path
        .strip_prefix("metadata.annotations['")
        .and_then(|r| r.strip_suffix("']"))
    {
        return Some(meta.annotations.get(rest).cloned().unwrap_or_default());
    }
    Some(match path {
        "metadata.name" => meta.name().to_string(),
        "metadata.namespace" => meta.namespace().to_string(),
        "metadata.uid" => meta.uid().to_string(),
        "metadata.labels" => format_map(&meta.labels),
        "metadata.annotations" => format_map(&meta.annotations),
        "spec.nodeName" => pod.spec.node_name.clone(),
        "spec.serviceAccountName" => pod.spec.service_account_name.clone(),
        "status.hostIP" | "status.hostIPs" => host_ip.to_string(),
        "status.podIP" | "status.podIPs" => pod_ip.to_string(),
        _ => return None,
    })
}

/// `key="value"` lines, as the downward API writes maps.
pub fn format_map(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The value of a `resourceFieldRef`: the amount divided by the divisor,
/// rounded up; a missing limit means the node's allocatable.
pub fn resource_value(
    c: &Container,
    resource: &str,
    divisor: &Quantity,
    node_cpu_millis: i64,
    node_memory: i64,
) -> Option<String> {
    let (list, name) = resource.split_once('.')?;
    let q = match list {
        "limits" => c.resources.limits.get(name).copied(),
        "requests" => c.resources.requests.get(name).copied(),
        _ => return None,
    };
    let is_cpu = name == "cpu";
    let (amount_millis, default_div_millis) = if is_cpu {
        let m = q
            .map(|q| q.millis())
            .unwrap_or(if list == "limits" { node_cpu_millis } else { 0 });
        (i128::from(m), 1000)
    } else {
        let units = q
            .map(|q| q.units())
            .unwrap_or(if list == "limits" { node_memory } else { 0 });
        (i128::from(units) * 1000, 1000)
    };
    let div_millis = if divisor.is_zero() {
        default_div_millis
    } else {
        i128::from(divisor.millis())
    };
    if div_millis <= 0 {
        return None;
    }
    let v = (amount_millis + div_millis - 1) / div_millis;
    Some(v.to_string())
}

/// Builds the environment of container `c` of `pod`.
pub fn build(
    api: &ApiServer,
    pod: &Pod,
    c: &Container,
    host_ip: &str,
    pod_ip: &str,
    node_cpu_millis: i64,
    node_memory: i64,
) -> Result<EnvResult, ConfigError> {
    let ns = pod.metadata.namespace();
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let set =
        |vars: &mut BTreeMap<String, String>, order: &mut Vec<String>, k: String, v: String| {
            if !vars.contains_key(&k) {
                order.push(k.clone());
            }
            vars.insert(k, v);
        };
    let mut skipped = Vec::new();
    if pod.spec.enable_service_links != Some(false) {
        for (k, v) in service_env(api, ns) {
            set(&mut vars, &mut order, k, v);
        }
    } else {
        // The API server's own Service is always announced.
        for (k, v) in service_env(api, ns)
            .into_iter()
            .filter(|(k, _)| k.starts_with("KUBERNETES_"))
        {
            set(&mut vars, &mut order, k, v);
        }
    }
    for src in &c.env_from {
        let prefix = src.prefix.clone();
        if let Some(r) = &src.config_map_ref {
            match api.store.get::<ConfigMap>(ns, &r.name) {
                Some(cm) => {
                    let mut bad = Vec::new();
                    for (k, v) in &cm.data {
                        let name = format!("{prefix}{k}");
                        if is_env_name(&name) {
                            set(&mut vars, &mut order, name, v.clone());
                        } else {
                            bad.push(k.clone());
                        }
                    }
                    if !bad.is_empty() {
                        skipped.push(("configMap".to_string(), format!("{ns}/{}", r.name), bad));
                    }
                }
                None if r.optional == Some(true) => {}
                None => return Err(ConfigError(format!("configmap \"{}\" not found", r.name))),
            }
        }
        if let Some(r) = &src.secret_ref {
            match api.store.get::<Secret>(ns, &r.name) {
                Some(s) => {
                    let mut bad = Vec::new();
                    for (k, v) in &s.data {
                        let name = format!("{prefix}{k}");
                        if is_env_name(&name) {
                            set(
                                &mut vars,
                                &mut order,
                                name,
                                String::from_utf8_lossy(&v.0).into_owned(),
                            );
                        } else {
                            bad.push(k.clone());
                        }
                    }
                    if !bad.is_empty() {
                        skipped.push(("secret".to_string(), format!("{ns}/{}", r.name), bad));
                    }
                }
                None if r.optional == Some(true) => {}
                None => return Err(ConfigError(format!("secret \"{}\" not found", r.name))),
            }
        }
    }
    for e in &c.env {
        let value = if let Some(src) = &e.value_from {
            if let Some(f) = &src.field_ref {
                field_value(pod, &f.field_path, host_ip, pod_ip).unwrap_or_default()
            } else if let Some(r) = &src.resource_field_ref {
                let target = if r.container_name.is_empty() {
                    c
                } else {
                    pod.spec
                        .containers
                        .iter()
                        .find(|x| x.name == r.container_name)
                        .unwrap_or(c)
                };
                resource_value(
                    target,
                    &r.resource,
                    &r.divisor,
                    node_cpu_millis,
                    node_memory,
                )
                .unwrap_or_default()
            } else if let Some(k) = &src.config_map_key_ref {
                match api.store.get::<ConfigMap>(ns, &k.name) {
                    Some(cm) => match cm.data.get(&k.key) {
                        Some(v) => v.clone(),
                        None if k.optional == Some(true) => continue,
                        None => {
                            return Err(ConfigError(format!(
                                "couldn't find key {} in ConfigMap {ns}/{}",
                                k.key, k.name
                            )))
                        }
                    },
                    None if k.optional == Some(true) => continue,
                    None => return Err(ConfigError(format!("configmap \"{}\" not found", k.name))),
                }
            } else if let Some(k) = &src.secret_key_ref {
                match api.store.get::<Secret>(ns, &k.name) {
                    Some(s) => match s.data.get(&k.key) {
                        Some(v) => String::from_utf8_lossy(&v.0).into_owned(),
                        None if k.optional == Some(true) => continue,
                        None => {
                            return Err(ConfigError(format!(
                                "couldn't find key {} in Secret {ns}/{}",
                                k.key, k.name
                            )))
                        }
                    },
                    None if k.optional == Some(true) => continue,
                    None => return Err(ConfigError(format!("secret \"{}\" not found", k.name))),
                }
            } else {
                String::new()
            }
        } else {
            expand(&e.value, &vars)
        };
        set(&mut vars, &mut order, e.name.clone(), value);
    }
    Ok(EnvResult {
        vars: order
            .into_iter()
            .filter_map(|k| vars.get(&k).map(|v| (k.clone(), v.clone())))
            .collect(),
        skipped,
    })
}

/// The numeric container port for a probe or Service target port.
pub fn resolve_port(c: &Container, port: &IntOrString) -> Result<u16, String> {
    match port {
        IntOrString::Int(n) => u16::try_from(*n).map_err(|_| format!("invalid port number: {n}")),
        IntOrString::String(name) => {
            if let Ok(n) = name.parse::<u16>() {
                return Ok(n);
            }
            c.ports
                .iter()
                .find(|p| &p.name == name)
                .and_then(|p| u16::try_from(p.container_port).ok())
                .ok_or_else(|| format!("couldn't find port: {name} in {}", c.name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_references_expand_like_the_kubelet() {
        let mut vars = BTreeMap::new();
        vars.insert("A".to_string(), "x".to_string());
        let cases = [
            ("$(A)", "x"),
            ("a-$(A)-b", "a-x-b"),
            ("$(B)", "$(B)"),
            ("$$(A)", "$(A)"),
            ("$A", "$A"),
            ("$(A", "$(A"),
            ("héllo $(A)", "héllo x"),
        ];
        for (input, want) in cases {
            assert_eq!(expand(input, &vars), want, "{input}");
        }
    }

    #[test]
    fn resource_field_values_round_up_by_divisor() {
        let mut c = Container::default();
        c.resources
            .limits
            .insert("cpu".into(), Quantity::parse("250m").unwrap());
        c.resources
            .requests
            .insert("memory".into(), Quantity::parse("64Mi").unwrap());
        let one = Quantity::default();
        assert_eq!(
            resource_value(&c, "limits.cpu", &one, 2000, 0).as_deref(),
            Some("1")
        );
        let milli = Quantity::parse("1m").unwrap();
        assert_eq!(
            resource_value(&c, "limits.cpu", &milli, 2000, 0).as_deref(),
            Some("250")
        );
        let mi = Quantity::parse("1Mi").unwrap();
        assert_eq!(
            resource_value(&c, "requests.memory", &mi, 2000, 0).as_deref(),
            Some("64")
        );
        assert_eq!(
            resource_value(&c, "limits.memory", &one, 2000, 1024).as_deref(),
            Some("1024")
        );
    }
}
