# The nodes behind the cluster: the control plane's static pods and their
# manifests, the DaemonSets on every node, ssh between hosts, kubectl
# without a kubeconfig on a worker.
kubectl get pods -n kube-system -l tier=control-plane -o wide
ls /etc/kubernetes/manifests
kubectl get ds -A
ssh node02
hostname
ls /etc/kubernetes
ls /etc/cni/net.d
kubectl get nodes
exit
ssh node03
