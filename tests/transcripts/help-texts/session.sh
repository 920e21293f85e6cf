# kubectl's own help: for a verb, a subcommand (also by its alias), a
# group, and from `kubectl help`; always on stdout with exit status 0.
kubectl get --help
kubectl describe -h
kubectl run nginx --image=nginx --help
kubectl create deploy --help
kubectl create secret generic -h
kubectl rollout --help
kubectl rollout undo deploy/web -h
kubectl logs --help
kubectl help expose
kubectl config set-context -h
kubectl exec web -- ls -h
