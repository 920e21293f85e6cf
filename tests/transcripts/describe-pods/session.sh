# describe of pods in every state a learner meets: waiting on an init
# container, restarted by a failing liveness probe, with environment from
# fields and resources, crash-looping; and of a rolled-out deployment.
kubectl apply -f pods.yaml
kubectl run loop --image=busybox -- sh -c 'exit 3'
kubectl create deployment web --image=nginx:1.26 --replicas=2
sleep 20
kubectl set image deployment/web nginx=nginx:1.27
kubectl create job fail --image=busybox -- sh -c 'exit 1'
sleep 70
# oracle: compare
kubectl describe pod waiting-init
kubectl describe pod liveness
kubectl describe pod envs
kubectl describe pod loop
kubectl describe deploy web
kubectl describe rs
kubectl describe job fail
kubectl describe pods -l test=liveness
kubectl describe po/liveness deploy/web
kubectl describe ns kube-system
kubectl describe pod liveness --show-events=false
