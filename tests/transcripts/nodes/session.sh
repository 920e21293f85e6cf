# Nodes: labels, taints, cordon, drain and uncordon
kubectl get nodes --show-labels
kubectl describe node node01 | head -40
kubectl label node node01 disktype=ssd
kubectl get nodes -L disktype
kubectl label node node01 disktype=hdd
kubectl label node node01 disktype=hdd --overwrite
kubectl label node node01 disktype-
kubectl taint nodes node02 dedicated=gpu:NoSchedule
kubectl describe node node02 | grep Taints
kubectl create deployment web --image=nginx --replicas=3
sleep 10
kubectl get pods -o wide
kubectl taint nodes node02 dedicated=gpu:NoSchedule-
kubectl taint nodes node02 dedicated:NoSchedule-
kubectl cordon node01
kubectl get nodes
kubectl drain node01
kubectl drain node01 --ignore-daemonsets
sleep 5
kubectl get pods -o wide
kubectl uncordon node01
kubectl get nodes
