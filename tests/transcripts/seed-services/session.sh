# 003 "service, endpoints, headless service": a Service's endpoints follow the Deployment's pods
kubectl create deployment demo --image quay.io/junkai/demo:1.0
kubectl get svc
kubectl expose deploy/demo --port=8080
kubectl get svc
sleep 9
kubectl get endpoints/demo
kubectl scale --replicas=2 deploy/demo
sleep 20
kubectl get svc
kubectl get ep/demo
