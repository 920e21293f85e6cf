//! `kubectl apply` and `kubectl patch` against the simulated cluster.

use podlab_core::terminal::Session;
use podlab_core::{Cluster, ClusterConfig};

mod common;
use common::{err, out};

fn session() -> Session {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("cat > cm.yaml <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    tier: web\n    team: blue\ndata:\n  mode: fast\nEOF");
    s
}

#[test]
fn apply_twice_is_unchanged_and_records_the_manifest() {
    let mut s = session();
    assert_eq!(
        out(&s.run("kubectl apply -f cm.yaml")),
        "configmap/settings created\n"
    );
    assert_eq!(
        out(&s.run("kubectl apply -f cm.yaml")),
        "configmap/settings unchanged\n"
    );
    let recorded = out(&s.run("kubectl get cm settings -o jsonpath='{.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}'"));
    assert_eq!(
        recorded,
        "{\"apiVersion\":\"v1\",\"data\":{\"mode\":\"fast\"},\"kind\":\"ConfigMap\",\"metadata\":{\"annotations\":{},\"labels\":{\"team\":\"blue\",\"tier\":\"web\"},\"name\":\"settings\",\"namespace\":\"default\"}}\n"
    );
    assert_eq!(
        out(&s.run("kubectl apply view-last-applied cm/settings")),
        "apiVersion: v1\ndata:\n  mode: fast\nkind: ConfigMap\nmetadata:\n  annotations: {}\n  labels:\n    team: blue\n    tier: web\n  name: settings\n  namespace: default\n"
    );
}

#[test]
fn apply_removes_what_the_manifest_stopped_saying_and_keeps_other_changes() {
    let mut s = session();
    s.run("kubectl apply -f cm.yaml");
    // A change made outside the manifest survives the next apply.
    s.run("kubectl label cm settings owner=ops");
    s.run("sed -i '/team: blue/d' cm.yaml");
    assert_eq!(
        out(&s.run("kubectl apply -f cm.yaml")),
        "configmap/settings configured\n"
    );
    let labels = out(&s.run("kubectl get cm settings -o jsonpath='{.metadata.labels}'"));
    assert_eq!(labels, "{\"owner\":\"ops\",\"tier\":\"web\"}");
}

#[test]
fn apply_over_a_created_object_warns_about_the_missing_annotation() {
    let mut s = session();
    s.run("kubectl create -f cm.yaml");
    s.run("sed -i 's/fast/slow/' cm.yaml");
    let lines = s.run("kubectl apply -f cm.yaml");
    assert!(err(&lines).starts_with("Warning: resource configmaps/settings is missing the kubectl.kubernetes.io/last-applied-configuration annotation"), "{}", err(&lines));
    assert_eq!(out(&lines), "configmap/settings configured\n");
}

#[test]
fn patch_types_apply_as_the_server_applies_them() {
    let mut s = session();
    s.run("kubectl apply -f cm.yaml");
    let cases = [
        (
            "merge patch deletes with null",
            "kubectl patch cm settings --type=merge -p '{\"metadata\":{\"labels\":{\"team\":null}}}'",
            "configmap/settings patched\n",
        ),
        (
            "json patch adds a key",
            "kubectl patch cm settings --type=json -p '[{\"op\":\"add\",\"path\":\"/data/size\",\"value\":\"big\"}]'",
            "configmap/settings patched\n",
        ),
        (
            "same patch again changes nothing",
            "kubectl patch cm settings --type=merge -p '{\"data\":{\"size\":\"big\"}}'",
            "configmap/settings patched (no change)\n",
        ),
    ];
    for (name, cmd, want) in cases {
        let lines = s.run(cmd);
        assert_eq!(out(&lines), want, "{name}: {}", err(&lines));
    }
    let data = out(&s.run("kubectl get cm settings -o jsonpath='{.data}{.metadata.labels}'"));
    assert_eq!(
        data,
        "{\"mode\":\"fast\",\"size\":\"big\"}{\"tier\":\"web\"}"
    );
    let lines = s.run("kubectl patch cm settings --type=json -p '[{\"op\":\"test\",\"path\":\"/data/mode\",\"value\":\"slow\"}]'");
    assert!(
        err(&lines).contains("testing value /data/mode failed"),
        "{}",
        err(&lines)
    );
}

#[test]
fn strategic_patch_merges_containers_by_name() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl create deployment web --image=nginx:1.27");
    let lines = s.run("kubectl patch deployment web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.28\"}]}}}}'");
    assert_eq!(
        out(&lines),
        "deployment.apps/web patched\n",
        "{}",
        err(&lines)
    );
    let images = out(&s.run("kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[*].name}={.spec.template.spec.containers[*].image}'"));
    assert_eq!(images, "nginx=nginx:1.28");
}
