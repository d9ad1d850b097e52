// Measures where splitting an elementwise kernel or an optimizer update across two threads starts to pay:
// for sizes 2^10 … 2^22, the time of one call on one thread and split over two (threshold forced to 1), interleaved,
// best of several repetitions. Prints a table and the smallest size from which two threads are ≥ 1.1× faster at
// every larger size; PARALLEL_MIN_ELEMENTS (src/wasm/parallel.ts) is half of it (elements per thread).
// `node packages/backend-cpu/scripts/thread-threshold.mjs` (after `pnpm build`)
import * as bp from '@backprop/core';
import { cpu } from '../dist/index.js';

const one = cpu({ threads: 1 });
const two = cpu({ threads: 2, parallelMinElements: 1 });
await one.ready();
await two.ready();

const ops = {
  add: (a, b) => bp.add(a, b),
  exp: (a) => bp.exp(a),
  greater: (a, b) => bp.greater(a, b),
  'adamUpdate (fused)': (a, b, m, v, step, lr) =>
    bp.adamUpdate(
      { param: a, grad: b, expAvg: m, expAvgSq: v, step, lr },
      { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false },
    ),
};

async function time(backend, op, n) {
  await bp.setBackend(backend);
  const [a, b, m, v] = [1, 2, 3, 4].map((seed) => bp.randomUniform([n], { seed }));
  const step = bp.scalar(3, 'int32');
  const lr = bp.scalar(1e-3);
  const reps = Math.max(5, Math.min(2000, Math.floor(2 ** 24 / n)));
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) bp.dispose(op(a, b, m, v, step, lr));
    best = Math.min(best, (performance.now() - t0) / reps);
  }
  bp.dispose([a, b, m, v, step, lr]);
  return best;
}

console.log(`| op | elements | 1 thread, µs | 2 threads, µs | speed-up |`);
console.log(`|---|---|---|---|---|`);
for (const [name, op] of Object.entries(ops)) {
  const rows = [];
  for (let log = 10; log <= 22; log += 2) {
    const n = 2 ** log;
    const t1 = await time(one, op, n);
    const t2 = await time(two, op, n);
    rows.push({ n, t1, t2 });
    console.log(
      `| ${name} | ${n} | ${(t1 * 1000).toFixed(1)} | ${(t2 * 1000).toFixed(1)} | ${(t1 / t2).toFixed(2)}× |`,
    );
  }
  let from;
  for (let i = rows.length - 1; i >= 0 && rows[i].t1 / rows[i].t2 >= 1.1; i--) from = rows[i].n;
  console.log(`| ${name}: two threads pay from | ${from ?? 'never'} | | | |`);
}
one.destroy();
two.destroy();
