# Objects created from the command line
kubectl create namespace shop
kubectl create deployment api --image=nginx:1.27 --replicas=2 --port=80 -n shop
kubectl create service clusterip api --tcp=80:80 -n shop
kubectl create service nodeport web --tcp=8080:80 -n shop
kubectl create configmap settings --from-literal=mode=fast --from-literal=level=3 -n shop
kubectl create secret generic creds --from-literal=user=admin --from-literal=password=s3cret -n shop
kubectl create serviceaccount robot -n shop
kubectl create job once --image=busybox -n shop -- echo done
kubectl create cronjob tick --image=busybox --schedule="*/5 * * * *" -n shop -- date
kubectl create job tick-now --from=cronjob/tick -n shop
kubectl create deployment api --image=nginx -n shop
kubectl create configmap settings --from-literal=x=y -n shop
sleep 20
kubectl get all -n shop
kubectl get cm,secret,sa -n shop
kubectl get secret creds -n shop -o jsonpath='{.data.password}' | base64 -d
echo
kubectl describe configmap settings -n shop
kubectl expose deployment api --name=api-np --type=NodePort --port=80 -n shop
kubectl get svc -n shop
kubectl delete namespace shop
kubectl get ns
