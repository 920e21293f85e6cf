# Every output format of stored objects: YAML and JSON with kubectl's field
# order and quoting, name, JSONPath (ranges, filters, -as-json),
# custom-columns and go-template.
kubectl apply -f objects.yaml
kubectl create deployment dep --image=nginx:1.27 --replicas=2
sleep 15
# oracle: compare
kubectl get cm quoting -o yaml
kubectl get cm quoting -o json
kubectl get pod web -o yaml
kubectl get svc web -o json
kubectl get deploy dep -o yaml
kubectl get pods -o name
kubectl get deploy,svc,cm -o name
kubectl get pod web -o jsonpath='{.spec.containers[*].name}'
kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'
kubectl get pod web -o jsonpath='{.spec.containers[?(@.name=="nginx")].image}'
kubectl get pod web -o jsonpath-as-json='{.spec.containers[0].ports}'
kubectl get pod web -o jsonpath='{.metadata.labels}'
kubectl get pod web -o jsonpath='{.status.podIP}{"\n"}'
kubectl get cm quoting -o jsonpath='{.data.multi}'
kubectl get pod web -o jsonpath='{.missing}'
kubectl get pod web -o jsonpath='{.spec.containers[5].name}'
kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,NODE:.spec.nodeName
kubectl get pods -o custom-columns=NAME:.metadata.name,MISSING:.spec.nope --no-headers
kubectl get svc web -o custom-columns='PORT:.spec.ports[0].port,TARGET:.spec.ports[0].targetPort'
kubectl get pod web -o go-template='{{.metadata.name}} {{range .spec.containers}}{{.image}} {{end}}{{"\n"}}'
kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}'
kubectl get cm quoting -o go-template='{{index .data "port"}}'
kubectl get pod web -o go-template='{{.nope}}'
kubectl get pod web -o jsonpath='{.spec.containers[}'
kubectl get pod web -o custom-columns=BAD
kubectl get pod web -o wat
kubectl get pods -o custom-columns-file=columns.txt --no-headers
kubectl get pods --sort-by=.metadata.name -o name
kubectl get pods --sort-by='{.spec.containers[0].image}' -o custom-columns=NAME:.metadata.name
kubectl get cm -o yaml
kubectl get secrets -n kube-public -o json
kubectl get pods -l app=nothing -o yaml
kubectl get pod nope -o yaml
kubectl get pod web nope -o name
