// Benchmark aid (not a test): do two threads really run side by side here? For the MLP 784-512-512-10 training step
// (batch 128, Adam) and for one 128×784·784×512 matmul, it compares the time on one thread with what the calling thread
// spends on its own share of the split kernels on two (`threadStats()`), and how long it then waits for the worker.
// With two free cores the calling thread's share of a split matmul takes about half the one-thread time; when it takes
// about all of it, the two threads are sharing one core (a VM whose vCPUs land on one physical core, or a busy host); when
// it takes half but then waits as long, the worker barely ran. In either case no 2-thread timing from that moment says
// anything about the code. Rounds alternate 1 and 2 threads. After `pnpm build`:
// Each trainer takes 300 warm-up steps first (V8's background compilation competes for the second core before; see
// jit-warmup.mjs). `node --experimental-wasm-relaxed-simd packages/bench/scripts/thread-share.mjs [rounds=5]`
import { loadavg } from 'node:os';
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { mlpTrainer } from './mlp-setup.mjs';

const rounds = Number(process.argv[2] ?? 5);
const one = cpu({ threads: 1 });
const two = cpu({ threads: 2 });
await Promise.all([one.ready(), two.ready()]);

/** A warmed-up MLP step on `backend`; returns a function timing `n` steps (ms per step). */
async function stepper(backend) {
  await bp.setBackend(backend);
  const { x, y, train } = mlpTrainer();
  for (let i = 0; i < 300; i++) await train(x, y);
  return async (n) => {
    await bp.setBackend(backend);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await train(x, y);
    return (performance.now() - t0) / n;
  };
}

/** One 128×784·784×512 matmul on the current backend: ms per product over `n`. */
function matmulOn(n) {
  const a = bp.keep(bp.randomUniform([128, 784], { seed: 3 }));
  const b = bp.keep(bp.randomUniform([784, 512], { seed: 4 }));
  bp.matmul(a, b).dispose();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) bp.matmul(a, b).dispose();
  const ms = (performance.now() - t0) / n;
  bp.dispose([a, b]);
  return ms;
}

const steppers = [await stepper(one), await stepper(two)];
const rows = [];
for (let r = 0; r < rounds; r++) {
  const load = loadavg()[0];
  const s1 = await steppers[0](10);
  const before = two.threadStats() ?? { runs: 0, takenOver: 0, ownMs: 0, waitMs: 0 };
  const s2 = await steppers[1](10);
  const after = two.threadStats();
  await bp.setBackend(one);
  const m1 = matmulOn(20);
  await bp.setBackend(two);
  const mBefore = two.threadStats();
  const m2 = matmulOn(20);
  const mAfter = two.threadStats();
  const per = (k, from, to, n) => (to[k] - from[k]) / n;
  rows.push({
    load,
    s1,
    s2,
    runs: per('runs', before, after, 10),
    taken: per('takenOver', before, after, 10),
    own: per('ownMs', before, after, 10),
    wait: per('waitMs', before, after, 10),
    m1,
    m2,
    mOwn: per('ownMs', mBefore, mAfter, 21),
    mWait: per('waitMs', mBefore, mAfter, 21),
  });
}
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[rows.length >> 1];
console.log(
  `backend-cpu, 1 vs 2 threads, median of ${rounds} alternating rounds (load ${rows[0].load.toFixed(2)} at the start)`,
);
console.log(
  `MLP step: 1 thread ${median('s1').toFixed(2)} ms, 2 threads ${median('s2').toFixed(2)} ms (${(median('s1') / median('s2')).toFixed(2)}×); ` +
    `per 2-thread step ${median('runs').toFixed(1)} split kernels, the calling thread's own shares ${median('own').toFixed(2)} ms, ` +
    `then waiting / taking over ${median('wait').toFixed(2)} ms (${median('taken').toFixed(2)} jobs taken over)`,
);
const share = median('mOwn') / median('m1');
console.log(
  `matmul 128×784·784×512: 1 thread ${median('m1').toFixed(3)} ms, 2 threads ${median('m2').toFixed(3)} ms; the calling thread's ` +
    `half took ${median('mOwn').toFixed(3)} ms = ${share.toFixed(2)} of the 1-thread time, then waited ${median('mWait').toFixed(3)} ms ` +
    `(two free cores: about 0.5 and a short wait; near 1: the threads share one core; about 0.5 but a wait as long: ` +
    `the worker barely ran, its vCPU busy with something else, and this thread took its jobs over)`,
);
one.destroy();
two.destroy();
