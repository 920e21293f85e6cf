//! Bounded runs of the fuzz targets in `fuzz/`: generated kubectl command
//! lines, transcripts and manifests. Whatever the input, the engine answers
//! and keeps running; a panic here fails the build.
//!
//! The inputs come from a small seeded generator, so a failure names the
//! case that reproduces it.

use podlab_core::store::Kind;
use podlab_core::syntax::parse_stream;
use podlab_core::terminal::{split_commands, Session};
use podlab_core::{Cluster, ClusterConfig};

/// SplitMix64: a tiny deterministic generator.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const VERBS: &[&str] = &[
    "get",
    "describe",
    "delete",
    "apply",
    "create",
    "replace",
    "run",
    "logs",
    "exec",
    "label",
    "annotate",
    "scale",
    "rollout",
    "patch",
    "taint",
    "cordon",
    "uncordon",
    "drain",
    "expose",
    "set",
    "wait",
    "explain",
    "events",
    "api-resources",
    "version",
    "config",
    "top",
    "edit",
    "attach",
    "auth",
    "cluster-info",
    "gett",
    "",
];

const WORDS: &[&str] = &[
    "pods",
    "po",
    "pod/web",
    "deploy",
    "deployment",
    "rs",
    "sts",
    "ds",
    "svc",
    "ep",
    "cm",
    "ns",
    "no",
    "node01",
    "node/node02",
    "pv",
    "pvc",
    "sc",
    "cj",
    "jobs",
    "ev",
    "sa",
    "all",
    "endpointslices",
    "deployments.apps",
    "web",
    "box",
    "x",
    "status",
    "history",
    "undo",
    "restart",
    "image",
    "env",
    "deployment/web",
    "web=nginx:1.28",
    "nginx=busybox",
    "app=web",
    "app-",
    "k=v:NoSchedule",
    "k-",
    "generic",
    "namespace",
    "job",
    "cronjob",
    "service",
    "clusterip",
    "nodeport",
    "--",
    "sh",
    "-c",
    "echo hi",
    "sleep",
    "1",
    "pod.spec",
    "view",
    "current-context",
    "can-i",
    "list",
];

const FLAGS: &[&str] = &[
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "-ojsonpath={.items[*].metadata.name}",
    "-o=jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}",
    "-o=custom-columns=N:.metadata.name",
    "-o=go-template={{.kind}}",
    "-n",
    "kube-system",
    "-A",
    "-l",
    "app=web",
    "--field-selector",
    "status.phase=Running",
    "-f",
    "-",
    "x.yaml",
    "--dry-run=client",
    "--dry-run=server",
    "--image=busybox",
    "--image=nginx:1.27",
    "--replicas=3",
    "--replicas=-1",
    "--restart=Never",
    "--port=80",
    "--show-labels",
    "-L",
    "app",
    "--sort-by=.metadata.name",
    "--no-headers",
    "--all",
    "--overwrite",
    "--grace-period=0",
    "--force",
    "--cascade=orphan",
    "--timeout=2s",
    "--for=delete",
    "--for=condition=Ready",
    "-c",
    "nginx",
    "--tail=1",
    "-p",
    "--previous",
    "--to-revision=1",
    "--type=merge",
    "-p",
    "{\"spec\":{\"replicas\":2}}",
    "--recursive",
    "-w",
    "--foo",
    "-h",
    "--help",
    "--ignore-daemonsets",
    "--schedule=*/1 * * * *",
    "--from-literal=a=b",
    "--selector",
    "=",
    "'",
    "\"",
    "-",
    "--",
    "\u{1F600}",
    "--v=9",
];

fn generated_command(g: &mut Gen) -> String {
    let mut words = vec![g.pick(VERBS).to_string()];
    for _ in 0..g.below(7) {
        let w = if g.below(2) == 0 {
            g.pick(WORDS)
        } else {
            g.pick(FLAGS)
        };
        // Quote everything so the shell hands kubectl the word unchanged.
        words.push(format!("'{}'", w.replace('\'', "'\\''")));
    }
    format!("kubectl {}", words.join(" "))
}

#[test]
fn kubectl_answers_every_generated_command_line() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    s.run("kubectl create deployment web --image=nginx:1.27 --replicas=2");
    s.run("kubectl run box --image=busybox -- sleep 3600");
    s.run("sleep 10");
    let mut g = Gen(0x6b75_6265);
    for case in 0..600 {
        let cmd = generated_command(&mut g);
        let lines = s.run(&cmd);
        // Every command answers on stdout or stderr, or is a quiet success.
        let _ = (case, lines);
    }
    // The cluster still works afterwards.
    let out: String = s
        .run("kubectl get nodes -o name")
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert!(out.contains("node/node01"), "{out}");
}

const TRANSCRIPT: &str = "# a comment\nkubectl get pods\ncat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nEOF\nsleep 5s\nfor i in 0 1; do kubectl logs web-$i; done\nkubectl exec x -- sh -c 'echo \"a b\"' \\\n  && echo ok\nkubectl apply -f - <<'END'\n$HOME\nEND\n";

const MANIFEST: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n        resources:\n          limits: {cpu: 500m, memory: 128Mi}\n        livenessProbe:\n          httpGet: {path: /, port: 80}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80, targetPort: 80}]\n  selector: {app: web}\n";

/// The text with a few random edits: bytes dropped, duplicated or replaced
/// by characters that matter to YAML and shells.
fn mutate(g: &mut Gen, text: &str) -> String {
    const SPICE: &[&str] = &[
        " ", "  ", "\n", ":", "-", "[", "]", "{", "}", "\"", "'", "#", "&a", "*a", "!!", "|", ">",
        "\t", "<<", "EOF", "\\", "$", ";", "null", "1e9", "-1", "\u{feff}", "é",
    ];
    let mut chars: Vec<String> = text.chars().map(String::from).collect();
    for _ in 0..1 + g.below(6) {
        if chars.is_empty() {
            break;
        }
        let i = g.below(chars.len());
        match g.below(3) {
            0 => {
                chars.remove(i);
            }
            1 => {
                let c = chars[i].clone();
                chars.insert(i, c);
            }
            _ => chars[i] = g.pick(SPICE).to_string(),
        }
    }
    chars.concat()
}

#[test]
fn transcript_parser_takes_any_text() {
    let mut g = Gen(0x7472_616e);
    for _ in 0..5_000 {
        let text = mutate(&mut g, TRANSCRIPT);
        if let Ok(cmds) = split_commands(&text) {
            for c in cmds {
                assert!(!c.first_line().contains('\n'));
            }
        }
    }
}

#[test]
fn every_kind_decodes_mutated_manifests_without_panicking() {
    let cluster = Cluster::new(ClusterConfig::default());
    let mut g = Gen(0x6d61_6e69);
    let mut decoded = 0;
    for _ in 0..1_500 {
        let text = mutate(&mut g, MANIFEST);
        let Ok(docs) = parse_stream(&text) else {
            continue;
        };
        for doc in &docs {
            for kind in Kind::ALL {
                if cluster.api().decode(*kind, doc).is_ok() {
                    decoded += 1;
                }
            }
        }
    }
    // Most mutations keep some document valid for its own kind.
    assert!(decoded > 100, "only {decoded} documents decoded");
}

#[test]
fn kubectl_apply_of_mutated_manifests_keeps_the_cluster_whole() {
    let mut s = Session::new(Cluster::new(ClusterConfig::default()));
    let mut g = Gen(0x6170_706c);
    for _ in 0..150 {
        let text = mutate(&mut g, MANIFEST);
        s.add_file("m.yaml", text.as_bytes());
        s.run("kubectl apply -f m.yaml");
    }
    let out: String = s
        .run("kubectl get ns default -o name")
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(out, "namespace/default\n");
}
