# 004 "Job 运行一个 pod": one pod that sleeps two minutes, then the Job is Complete
kubectl create -f batch-job.yaml
sleep 2
kubectl get jobs
sleep 8
kubectl get pods
sleep 125
kubectl get pods
kubectl logs pod batch-job-5k99s
kubectl logs job/batch-job
kubectl get jobs
