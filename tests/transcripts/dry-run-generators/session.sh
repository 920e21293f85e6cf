# Objects kubectl builds on its own side and prints without a cluster:
# YAML has sorted keys, JSON keeps the Go structs' field order.
kubectl create deployment web --image=nginx --dry-run=client -o yaml
kubectl create deployment web --image=nginx --replicas=3 --port=80 --dry-run=client -o json
kubectl create job pi --image=perl --dry-run=client -o yaml -- perl -e 'print 1'
kubectl create cronjob hello --image=busybox --schedule='*/1 * * * *' --dry-run=client -o yaml -- echo hi
kubectl create cronjob hello --image=busybox --schedule='*/1 * * * *' --dry-run=client -o json -- echo hi
kubectl create configmap cfg --from-literal=a=1 --from-literal=port="80" --dry-run=client -o yaml
kubectl create configmap files --from-file=greeting.txt --dry-run=client -o yaml
kubectl create configmap env --from-env-file=app.env --dry-run=client -o json
kubectl create configmap both --from-file=greeting.txt --from-env-file=app.env --dry-run=client -o yaml
kubectl create secret generic sec --from-literal=pw=s3cret --dry-run=client -o yaml
kubectl create secret generic sec --from-literal=pw=s3cret --dry-run=client -o json
kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml
kubectl create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o json
kubectl create namespace dev --dry-run=client -o yaml
kubectl create serviceaccount bot --dry-run=client -o json
kubectl run web --image=nginx --dry-run=client -o yaml
kubectl run web --image=nginx --port=80 --labels=app=web,tier=fe --env=A=1 --env=B=two --dry-run=client -o json
kubectl run bb --image=busybox --restart=Never --command --dry-run=client -o yaml -- sh -c 'sleep 3600'
kubectl run bb --image=busybox --restart=OnFailure --dry-run=client -o yaml -- sleep 10
kubectl create deployment web --image=nginx --dry-run=client
kubectl run web --image=nginx --dry-run=client -o name
