# 003 "init pod demo1": init containers wait until their Services exist
kubectl apply -f myapp.yaml
sleep 20
kubectl get pod myapp-pod
kubectl logs myapp-pod -c init-myservice --tail=5
kubectl logs myapp-pod
kubectl apply -f services.yaml
sleep 10
kubectl get pod myapp-pod
kubectl logs myapp-pod
