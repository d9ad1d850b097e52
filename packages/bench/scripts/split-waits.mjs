// Benchmark aid (not a test): for each kernel of one MLP 784-512-512-10 training step (batch 128, Adam) on backend-cpu
// with 2 threads, how often it was split across the threads, how often the calling thread took a worker's part over
// (the worker had not started it when the caller's own part was done), and how long the caller then waited for the
// worker (`threadStats()` deltas around each kernel call), per step. Waits and take-overs that stay with a long `spinMs`
// (workers never sleep within a step) come from the workers being preempted by other threads, not from waking them.
// 300 warm-up steps, then 40 timed. After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/split-waits.mjs [spinMs=0.2]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { mlpTrainer } from './mlp-setup.mjs';

const spinMs = Number(process.argv[2] ?? 0.2);
const backend = cpu({ threads: 2, spinMs });
await bp.setBackend(backend);
await backend.ready();
const { x, y, train } = mlpTrainer();
const agg = new Map();
let on = false;
const wrap = (obj, key, label) => {
  const f = obj[key];
  obj[key] = function (...a) {
    if (!on) return f.apply(this, a);
    const s0 = { ...backend.threadStats() };
    const t0 = performance.now();
    try {
      return f.apply(this, a);
    } finally {
      const s1 = backend.threadStats();
      const r = agg.get(label) ?? { calls: 0, ms: 0, runs: 0, taken: 0, own: 0, wait: 0 };
      r.calls++;
      r.ms += performance.now() - t0;
      r.runs += s1.runs - s0.runs;
      r.taken += s1.takenOver - s0.takenOver;
      r.own += s1.ownMs - s0.ownMs;
      r.wait += s1.waitMs - s0.waitMs;
      agg.set(label, r);
    }
  };
};
for (const k of Object.keys(backend.kernels)) wrap(backend.kernels, k, k);
wrap(backend, 'updateInPlace', 'updateInPlace');
for (let i = 0; i < 300; i++) await train(x, y);
const N = 40;
on = true;
const t0 = performance.now();
for (let i = 0; i < N; i++) await train(x, y);
const ms = (performance.now() - t0) / N;
on = false;
console.log(`spinMs ${spinMs}: ${ms.toFixed(2)} ms/step`);
const perStep = (v) => (v / N).toFixed(3);
for (const [k, r] of [...agg].sort((a, b) => b[1].ms - a[1].ms))
  if (r.runs || r.ms / N > 0.02)
    console.log(
      `${k.padEnd(16)} calls ${perStep(r.calls)} ms ${perStep(r.ms)} splits ${perStep(r.runs)} takenOver ${perStep(r.taken)} own ${perStep(r.own)} wait ${perStep(r.wait)}`,
    );
backend.destroy();
