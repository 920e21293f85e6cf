# 004 "使用 DaemonSet 只在特定的节点上运行 pod": a DaemonSet with a nodeSelector follows node labels
kubectl create -f ssd-monitor-daemonset.yaml
sleep 2
kubectl get daemonsets
kubectl get pods
kubectl label node node02 disk=ssd
sleep 10
kubectl get daemonsets
kubectl get pods
kubectl label node node02 disk=hdd --overwrite
sleep 1
kubectl get pods
sleep 40
kubectl get pods
