# 004 "使用存活探测器": an HTTP liveness probe restarts the unhealthy kubia app again and again
kubectl create -f kubia-liveness-probe.yaml
sleep 60
kubectl get pod kubia-liveness
sleep 189
kubectl get pod kubia-liveness
kubectl logs kubia-liveness --previous
kubectl get pod kubia-liveness -o jsonpath='{.status.containerStatuses[0].lastState.terminated.exitCode}{"\n"}'
