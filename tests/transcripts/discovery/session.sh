# What the cluster tells about itself
kubectl version
kubectl cluster-info
kubectl config current-context
kubectl config view
kubectl api-resources --api-group=apps -o name
kubectl auth can-i create deployments
kubectl auth can-i delete nodes
kubectl auth can-i delete nodes --all-namespaces
kubectl auth can-i get widgets
kubectl explain pods.spec.nope
kubectl top nodes
