# The terminal's kubeconfig: one context, its names, and a namespace set
# on it that later commands use.
kubectl config current-context
kubectl config get-contexts
kubectl config get-contexts -o name
kubectl config get-contexts --no-headers
kubectl config get-contexts nope
kubectl config get-contexts -o wide
kubectl config get-clusters
kubectl config get-users
kubectl config use-context nope
kubectl config view -o jsonpath='{.current-context}'
kubectl config view -o jsonpath='{.contexts[*].name}{"\n"}'
kubectl config set-context --current --namespace=kube-system
kubectl config get-contexts
