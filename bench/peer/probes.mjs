// Podlab compiled to WebAssembly, under Node: the 50-pod probe lesson
// (bench/src/lib.rs, `probe_cluster`), and the wall time of one simulated
// second, over 300 simulated seconds.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const wasmPath =
	process.env.PODLAB_WASM ??
	fileURLToPath(
		new URL("../../target/wasm32-unknown-unknown/bench-native/podlab_bench.wasm", import.meta.url),
	);
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {});
const x = instance.exports;
let t = performance.now();
if (!x.setup_probes(50)) throw new Error("the probe pods never became ready");
console.log(`50 probed pods ready: ${(performance.now() - t).toFixed(1)} ms`);
const seconds = 300;
const tasks = x.tasks_run();
t = performance.now();
for (let i = 0; i < seconds; i++) x.advance(1000);
const per = (performance.now() - t) / seconds;
console.log(
	`50 probed pods, one simulated second: ${per.toFixed(3)} ms (${((x.tasks_run() - tasks) / seconds).toFixed(0)} tasks)`,
);
x.teardown();
