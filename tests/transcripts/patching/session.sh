# Changing live objects: label, annotate, scale, patch, replace, set
kubectl create deployment web --image=nginx:1.26 --replicas=2
kubectl label deployment web tier=frontend
kubectl annotate deployment web owner=team-a
kubectl get deploy web --show-labels
kubectl scale deployment web --replicas=3
kubectl scale deployment web --current-replicas=2 --replicas=5
kubectl patch deployment web -p '{"spec":{"replicas":1}}'
kubectl patch deployment web --type=merge -p '{"metadata":{"labels":{"tier":"edge"}}}'
kubectl patch deployment web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.27"}]'
kubectl set image deployment/web nginx=nginx:1.28
kubectl set image deployment/web nope=nginx:1.28
sleep 10
kubectl get deploy web -o jsonpath='{.spec.replicas} {.metadata.labels.tier} {.spec.template.spec.containers[0].image}{"\n"}'
kubectl get deploy web -o yaml > web.yaml
kubectl replace -f web.yaml
kubectl label pods --all checked=yes
kubectl get pods -L checked
kubectl annotate deployment web owner-
kubectl get deploy web -o jsonpath='{.metadata.annotations.owner}{"\n"}'
