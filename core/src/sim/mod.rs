//! The simulated cluster: configuration, topology and the public driver API.

pub mod rng;
mod topology;

pub use topology::{ClusterConfig, NodeSpecConfig};

/// A node as the front end shows it in a list: what `kubectl get nodes`
/// would print, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSummary {
    pub name: String,
    /// Roles from the `node-role.kubernetes.io/<role>` labels, sorted.
    pub roles: Vec<String>,
    /// `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled` when cordoned.
    pub status: String,
    /// Taints as `key=value:Effect` (value omitted when empty).
    pub taints: Vec<String>,
}

/// A simulated Kubernetes cluster.
pub struct Cluster {
    config: ClusterConfig,
}

impl Cluster {
    /// Builds a cluster as kubeadm would: one control plane and the
    /// configured workers, all Ready.
    pub fn new(config: ClusterConfig) -> Cluster {
        Cluster { config }
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// The nodes in name order.
    pub fn nodes(&self) -> Vec<NodeSummary> {
        let mut nodes: Vec<NodeSummary> = self
            .config
            .nodes()
            .into_iter()
            .map(|n| NodeSummary {
                roles: n
                    .labels
                    .iter()
                    .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
                    .map(str::to_string)
                    .collect(),
                status: "Ready".to_string(),
                taints: n
                    .taints
                    .iter()
                    .map(|(k, v, e)| {
                        if v.is_empty() {
                            format!("{k}:{e}")
                        } else {
                            format!("{k}={v}:{e}")
                        }
                    })
                    .collect(),
                name: n.name,
            })
            .collect();
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        nodes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_cluster_is_kubeadm_shaped() {
        let c = Cluster::new(ClusterConfig::default());
        let nodes = c.nodes();
        let names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["controlplane", "node01", "node02"]);
        assert_eq!(nodes[0].roles, ["control-plane"]);
        assert_eq!(
            nodes[0].taints,
            ["node-role.kubernetes.io/control-plane:NoSchedule"]
        );
        assert!(nodes[1].roles.is_empty() && nodes[1].taints.is_empty());
    }
}
