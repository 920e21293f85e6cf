# Waiting for conditions and deleting
kubectl run sleeper --image=busybox --restart=Never -- sleep 3600
kubectl wait --for=condition=Ready pod/sleeper --timeout=30s
kubectl wait --for=jsonpath='{.status.phase}'=Running pod/sleeper
kubectl create job quick --image=busybox -- sh -c 'sleep 5; echo ok'
kubectl wait --for=condition=complete job/quick --timeout=60s
kubectl wait --for=condition=complete job/missing --timeout=5s
kubectl delete pod sleeper --wait=false
kubectl get pod sleeper
kubectl wait --for=delete pod/sleeper --timeout=60s
kubectl create deployment web --image=nginx --replicas=2
sleep 5
kubectl delete deployment web --cascade=orphan
kubectl get rs,pods
kubectl delete rs --all
sleep 35
kubectl get pods
kubectl run stuck --image=busybox -- sleep 3600
sleep 5
kubectl delete pod stuck --grace-period=0 --force
kubectl delete pod nothing
kubectl delete pod nothing --ignore-not-found
