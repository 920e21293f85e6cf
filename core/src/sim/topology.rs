//! What the cluster is made of before it starts.

/// How to build a cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterConfig {
    /// Seeds the one random generator (names, IPs, jitter).
    pub seed: u64,
    /// Number of worker nodes next to the control plane.
    pub workers: u32,
    /// Allocatable CPU of each worker, in millicores.
    pub worker_cpu_millis: u64,
    /// Memory of each worker, in bytes.
    pub worker_memory_bytes: u64,
    /// Pods each worker accepts (110, as kubeadm's kubelet).
    pub worker_max_pods: i64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 1,
            workers: 2,
            worker_cpu_millis: 2000,
            worker_memory_bytes: 4 * 1024 * 1024 * 1024,
            worker_max_pods: 110,
        }
    }
}

/// One node as the topology describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpecConfig {
    pub name: String,
    pub labels: Vec<(String, String)>,
    /// (key, value, effect)
    pub taints: Vec<(String, String, String)>,
    pub cpu_millis: u64,
    pub memory_bytes: u64,
    /// The kubelet's `maxPods`.
    pub max_pods: i64,
}

impl ClusterConfig {
    /// The nodes kubeadm would have joined: `controlplane`, `node01`, `node02`, …
    pub fn nodes(&self) -> Vec<NodeSpecConfig> {
        let width = if self.workers > 99 {
            self.workers.to_string().len()
        } else {
            2
        };
        let mut nodes = vec![NodeSpecConfig {
            name: "controlplane".to_string(),
            labels: vec![
                (
                    "node-role.kubernetes.io/control-plane".to_string(),
                    String::new(),
                ),
                // kubeadm keeps external load balancers off control planes.
                (
                    "node.kubernetes.io/exclude-from-external-load-balancers".to_string(),
                    String::new(),
                ),
            ],
            taints: vec![(
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
                "NoSchedule".to_string(),
            )],
            cpu_millis: 2000,
            memory_bytes: 4 * 1024 * 1024 * 1024,
            max_pods: 110,
        }];
        for i in 1..=self.workers {
            nodes.push(NodeSpecConfig {
                name: format!("node{i:0width$}"),
                labels: Vec::new(),
                taints: Vec::new(),
                cpu_millis: self.worker_cpu_millis,
                memory_bytes: self.worker_memory_bytes,
                max_pods: self.worker_max_pods,
            });
        }
        nodes
    }
}
