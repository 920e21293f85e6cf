# How kubectl refuses what it cannot parse: flag errors point at --help,
# usage errors at -h, other errors stand alone; groups without a
# subcommand print their help.
kubectl gett pods
kubectl GET pods
kubectl ap
kubectl get pods --foo
kubectl get pods -z
kubectl create deployment web --image=nginx --replicas=x
kubectl create deploy web --image=nginx -r 1.5
kubectl scale deploy web --replicas=abc
kubectl logs web --tail=abc
kubectl delete pod web --timeout=5
kubectl logs web --since=1x
kubectl rollout status deploy/web --timeout=abc
kubectl create deployment web --image=nginx --dry-run=bogus
kubectl run web --image=nginx --restart=Sometimes
kubectl create deployment --image=nginx
kubectl create deploy a b --image=nginx
kubectl create job
kubectl create namespace
kubectl create secret generic
kubectl create secret bogus
kubectl create service clusterip
kubectl create bogus
kubectl create
kubectl run
kubectl run --image=nginx
kubectl logs
kubectl exec
kubectl label
kubectl label pod web
kubectl annotate pod web
kubectl taint
kubectl taint nodes node01
kubectl cordon
kubectl drain
kubectl delete
kubectl expose
kubectl set image
kubectl patch pod web
kubectl explain
kubectl describe
kubectl get
kubectl wait
kubectl wait --for=delete
kubectl apply
kubectl replace
kubectl rollout undo
kubectl rollout bogus
kubectl rollout
kubectl set
kubectl create secret
kubectl create service
kubectl config
kubectl config bogus
kubectl auth
kubectl top
