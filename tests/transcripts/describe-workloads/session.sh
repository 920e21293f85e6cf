# describe of every kind a learner creates: volumes of each type, probes,
# env from config maps and secrets, a pod that cannot be scheduled, and the
# controllers, services, storage and node around them.
kubectl apply -f all.yaml
kubectl create deployment dep --image=nginx:1.27 --replicas=2
kubectl create job pi --image=busybox -- sh -c 'echo 3.14'
kubectl create cronjob hello --image=busybox --schedule='*/1 * * * *' -- echo hi
kubectl run crash --image=busybox --restart=Never -- sh -c 'exit 1'
sleep 90
# oracle: compare
kubectl describe pod full
kubectl describe pod pending
kubectl describe pod crash
kubectl describe deploy dep
kubectl describe rs
kubectl describe sts web
kubectl describe ds agent
kubectl describe job pi
kubectl describe cj hello
kubectl describe svc web np
kubectl describe ep web
kubectl describe endpointslices
kubectl describe cm app-config
kubectl describe secret app-secret
kubectl describe pvc
kubectl describe pv
kubectl describe sc
kubectl describe sa default
kubectl describe ns default
kubectl describe node node01
kubectl describe controllerrevisions
