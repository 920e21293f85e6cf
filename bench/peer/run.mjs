// Podlab (compiled to WebAssembly) against @ngrok/webernetes, in one Node
// process: a Deployment of N replicas on M nodes, timed from the create until
// every pod reports Running on the engine's simulated clock.
//
//   node --import ./extensionless.mjs run.mjs [--replicas 1000] [--nodes 10] [--reps 3]
//
// Cluster construction is timed apart and left out of the comparison; one
// small warm-up run per engine (10 replicas) is left out too, so both get the
// same treatment from the JIT.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Cluster } from "@ngrok/webernetes";

const args = Object.fromEntries(
	process.argv
		.slice(2)
		.join(" ")
		.split("--")
		.filter(Boolean)
		.map((kv) => kv.trim().split(/\s+/)),
);
const REPLICAS = Number(args.replicas ?? 1000);
// Podlab's kubelet takes 110 pods per node (kubeadm's maxPods) and each
// webernetes node hands out about 254 pod IPs: 10 nodes fit 1,000 pods in both.
const NODES = Number(args.nodes ?? 10);
const REPS = Number(args.reps ?? 3);
const ONLY = args.only;
// Both engines are stepped in 100 ms of simulated time.
const STEP_MS = 100;

const wasmPath =
	process.env.PODLAB_WASM ??
	fileURLToPath(
		new URL(
			"../../target/wasm32-unknown-unknown/bench-native/podlab_bench.wasm",
			import.meta.url,
		),
	);

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function podlab() {
	const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
	const x = instance.exports;
	const run = (replicas) => {
		let t = performance.now();
		x.setup(NODES);
		const setupMs = performance.now() - t;
		t = performance.now();
		const simMs = x.deploy(replicas);
		const wallMs = performance.now() - t;
		x.teardown();
		if (simMs < 0) throw new Error("Podlab: the pods never all ran");
		return { setupMs, wallMs, simMs };
	};
	run(10);
	const runs = [];
	for (let i = 0; i < REPS; i++) runs.push(run(REPLICAS));
	return runs;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function webernetes() {
	const run = async (replicas) => {
		let t = performance.now();
		const cluster = new Cluster({ nodes: NODES });
		await cluster.init();
		const phases = new Map();
		const informer = cluster.informer("pods", (type, pod) => {
			if (pod.metadata?.namespace !== "default") return;
			if (type === "delete") phases.delete(pod.metadata.name);
			else phases.set(pod.metadata.name, pod.status?.phase);
		});
		// Let the informer list and the control plane settle on real time.
		for (let i = 0; i < 20; i++) await tick();
		cluster.pause();
		const setupMs = performance.now() - t;
		const sim0 = cluster.clock.nowMs();
		const running = () => {
			let n = 0;
			for (const p of phases.values()) if (p === "Running") n++;
			return n;
		};
		t = performance.now();
		await cluster.apply([deployment(replicas)]);
		const limit = 30 * 60_000;
		while (running() < replicas && cluster.clock.nowMs() - sim0 < limit) {
			cluster.clock.step(STEP_MS);
			await tick();
		}
		const wallMs = performance.now() - t;
		const simMs = cluster.clock.nowMs() - sim0;
		const ran = running();
		await informer.stop?.();
		await cluster.close();
		if (ran < replicas) throw new Error(`webernetes: ${ran}/${replicas} pods ran`);
		return { setupMs, wallMs, simMs };
	};
	await run(10);
	const runs = [];
	for (let i = 0; i < REPS; i++) runs.push(await run(REPLICAS));
	return runs;
}

// The same Deployment Podlab's `deploy` export creates (bench/src/lib.rs).
function deployment(replicas) {
	return {
		apiVersion: "apps/v1",
		kind: "Deployment",
		metadata: { name: "web", labels: { app: "web" } },
		spec: {
			replicas,
			selector: { matchLabels: { app: "web" } },
			template: {
				metadata: { labels: { app: "web" } },
				spec: {
					containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
				},
			},
		},
	};
}

function show(name, runs) {
	const wall = median(runs.map((r) => r.wallMs));
	console.log(
		`${name.padEnd(11)} ${REPLICAS} replicas on ${NODES} nodes: median ${wall.toFixed(1)} ms wall ` +
			`(runs ${runs.map((r) => r.wallMs.toFixed(1)).join(", ")}), ` +
			`${(median(runs.map((r) => r.simMs)) / 1000).toFixed(1)} s simulated, ` +
			`cluster setup ${median(runs.map((r) => r.setupMs)).toFixed(1)} ms`,
	);
	return wall;
}

console.log(`node ${process.version}, ${REPS} repetitions each, median reported`);
const p = ONLY === "webernetes" ? null : show("podlab", await podlab());
const w = ONLY === "podlab" ? null : show("webernetes", await webernetes());
if (p !== null && w !== null) console.log(`ratio: podlab is ${(w / p).toFixed(0)}x faster`);
process.exit(0);
