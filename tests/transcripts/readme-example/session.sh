# A pod's first minute
kubectl run web --image=nginx:1.27 --port=80
kubectl get pods
sleep 10
kubectl get pods -o wide
kubectl exec web -- nginx -v
kubectl logs web --tail=2
kubectl delete pod web
kubectl get pods
