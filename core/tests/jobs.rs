//! Jobs on simulated time: pods run to completion, failures back off and
//! count against the limits, and the terminal conditions follow v1.31.

use std::rc::Rc;

use podlab_core::api::batch::job::{Job, JobConditionType};
use podlab_core::api::corev1::{Event, Pod};
use podlab_core::apiserver::WriteOptions;
use podlab_core::store::Kind;
use podlab_core::{Cluster, ClusterConfig};

fn apply(c: &mut Cluster, yaml: &str) {
    for node in podlab_core::syntax::parse_stream(yaml).expect("valid yaml") {
        let api_version = node
            .get("apiVersion")
            .and_then(|n| n.as_str())
            .unwrap_or("");
        let kind = node.get("kind").and_then(|n| n.as_str()).unwrap_or("");
        let kind = Kind::from_type_meta(api_version, kind).expect("known kind");
        let obj = c.api().decode(kind, &node).expect("decodes");
        c.api_mut()
            .create_object(obj, &WriteOptions::default())
            .expect("created");
    }
}

fn job(c: &Cluster, name: &str) -> Rc<Job> {
    c.api()
        .store
        .get::<Job>("default", name)
        .expect("job exists")
        .clone()
}

/// The Job's pods, oldest first.
fn pods_of(c: &Cluster, name: &str) -> Vec<Rc<Pod>> {
    let mut pods: Vec<Rc<Pod>> = c
        .api()
        .store
        .table::<Pod>()
        .iter_ns(Some("default"))
        .map(|(_, p)| p.clone())
        .filter(|p| p.metadata.label("job-name") == Some(name))
        .collect();
    pods.sort_by_key(|p| (p.metadata.creation_timestamp, p.name().to_string()));
    pods
}

fn events(c: &Cluster, kind: &str, name: &str) -> Vec<(String, String)> {
    c.api()
        .store
        .table::<Event>()
        .iter()
        .map(|(_, _, e)| e.clone())
        .filter(|e| e.involved_object.kind == kind && e.involved_object.name == name)
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect()
}

fn conditions(j: &Job) -> Vec<(String, String, String)> {
    j.status
        .conditions
        .iter()
        .map(|c| (c.type_.to_string(), c.status.to_string(), c.reason.clone()))
        .collect()
}

const PI: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
      restartPolicy: Never
  backoffLimit: 4
";

#[test]
fn the_docs_pi_job_runs_one_pod_to_completion() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, PI);
    c.advance_by(60_000);
    let j = job(&c, "pi");
    let pods = pods_of(&c, "pi");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].phase().as_str(), "Succeeded");
    assert!(pods[0].metadata.finalizers.is_empty(), "counted pods lose the finalizer");
    assert_eq!(j.status.succeeded, 1);
    assert_eq!(
        conditions(&j),
        [
            ("SuccessCriteriaMet".into(), "True".into(), "CompletionsReached".into()),
            ("Complete".into(), "True".into(), "CompletionsReached".into()),
        ]
    );
    assert!(j.status.completion_time.is_some());
    assert_eq!(j.status.ready, Some(0));
    assert_eq!(j.status.terminating, Some(0));
    let ev = events(&c, "Job", "pi");
    assert_eq!(
        ev,
        [
            ("SuccessfulCreate".into(), format!("Created pod: {}", pods[0].name())),
            ("Completed".into(), "Job completed".into()),
        ]
    );
}

#[test]
fn debug_dump() {
    let mut c = Cluster::new(ClusterConfig::default());
    apply(&mut c, PI);
    c.advance_by(60_000);
    let pods = pods_of(&c, "pi");
    eprintln!("{:#?}", pods[0].status);
    eprintln!("{:#?}", pods[0].spec.node_name);
    for (_, _, e) in c.api().store.table::<Event>().iter() {
        eprintln!("{} {} {} {}", e.involved_object.kind, e.involved_object.name, e.reason, e.message);
    }
}
