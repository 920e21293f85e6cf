# The syllabus' static pod walk-through: a manifest written on a worker runs
# there, its mirror pod comes back when deleted, and goes with the file.
ssh node01
cd /etc/kubernetes/manifests
cat <<EOF >static-web.yaml
apiVersion: v1
kind: Pod
metadata:
  name: static-web
  labels:
    role: myrole
spec:
  containers:
    - name: web
      image: nginx
      ports:
        - name: web
          containerPort: 80
          protocol: TCP
EOF
exit
sleep 20
kubectl get pod -o wide
kubectl delete pod static-web-node01
kubectl get pod
sleep 3
kubectl get pod
kubectl get pod static-web-node01 -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.annotations.kubernetes\.io/config\.source}{"\n"}'
ssh node01
cd /etc/kubernetes/manifests
rm -rf static-web.yaml
exit
sleep 5
kubectl get pod
