# Mistakes a learner makes in the first minutes, and what kubectl answers.
kubectl get pdos
kubectl get pods --foo
kubectl apply -f missing.yaml
kubectl get pod nginx
kubectl delete pod nginx
kubectl describe pod nginx
kubectl logs nginx
kubectl get pods
kubectl create deployment
kubectl scale deployment web
kubectl apply -f pod-typo.yaml
kubectl apply -f pod-bad-indent.yaml
kubectl get pods
