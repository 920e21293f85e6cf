# A Deployment's rollout, history, rollback, pause and restart
kubectl create deployment web --image=nginx:1.26 --replicas=4
sleep 15
kubectl get deploy web
kubectl set image deployment/web nginx=nginx:1.27
kubectl rollout status deployment/web --timeout=2m
kubectl get rs
kubectl annotate deployment/web kubernetes.io/change-cause="nginx 1.27"
sleep 2
kubectl rollout history deployment/web
kubectl rollout history deployment/web --revision=2
kubectl rollout undo deployment/web
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl rollout undo deployment/web --to-revision=9
kubectl rollout pause deployment/web
kubectl set image deployment/web nginx=nginx:1.28
kubectl get deploy web -o jsonpath='{.spec.paused} {.status.updatedReplicas}{"\n"}'
kubectl rollout resume deployment/web
kubectl rollout status deployment/web
kubectl rollout restart deployment/web
kubectl rollout status deployment/web
kubectl rollout history deployment/web
kubectl scale deployment/web --replicas=2
sleep 5
kubectl get deploy,rs
kubectl describe deployment web
