// Benchmark aid (not a test): where one MLP 784-512-512-10 training step (batch 128, Adam) spends its time on
// backend-cpu, kernel by kernel. Wraps every kernel of the backend's table with a timer, runs warm-up steps, then
// prints milliseconds per step for each kernel (calls, total, share), the step's matmul FLOPs, and the time outside
// kernels (core's bookkeeping); updates written in place (`updateInPlace`) are timed too. `node packages/bench/scripts/step-profile.mjs [--threads 1|2] [--simd false] [--steps 20]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { adam } from '@backprop/optimizers';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const threads = Number(arg('threads', 1));
const simd = arg('simd', 'true') !== 'false';
const steps = Number(arg('steps', 20));
const backend = cpu({ threads, simd });
await bp.setBackend(backend);
await backend.ready();
const { nn } = bp;
const times = new Map();
for (const [name, kernel] of Object.entries(backend.kernels)) {
  if (typeof kernel !== 'function') continue;
  backend.kernels[name] = (...args) => {
    const t0 = performance.now();
    const r = kernel(...args);
    const e = times.get(name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += performance.now() - t0;
    times.set(name, e);
    return r;
  };
}
// Updates written in place go through backend.updateInPlace, not the kernel table: timed as `name (in place)`.
const inPlace = backend.updateInPlace;
backend.updateInPlace = (name, ...args) => {
  const t0 = performance.now();
  inPlace(name, ...args);
  const key = `${name} (in place)`;
  const e = times.get(key) ?? { calls: 0, ms: 0 };
  e.calls++;
  e.ms += performance.now() - t0;
  times.set(key, e);
};
const model = nn.sequential(
  nn.dense(784, 512, { seed: 1 }),
  nn.relu(),
  nn.dense(512, 512, { seed: 2 }),
  nn.relu(),
  nn.dense(512, 10, { seed: 3 }),
);
const x = bp.keep(bp.randomUniform([128, 784], { seed: 1 }));
const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([128], { seed: 2 }), 10), 'int32'));
const step = bp.trainStep(model, {
  loss: bp.losses.softmaxCrossEntropy,
  optimizer: adam({ lr: 1e-3 }),
  compile: false,
});
for (let i = 0; i < 5; i++) await step(x, y);
times.clear();
const t0 = performance.now();
for (let i = 0; i < steps; i++) await step(x, y);
const total = (performance.now() - t0) / steps;
const rows = [...times]
  .map(([name, e]) => ({ name, calls: e.calls / steps, ms: e.ms / steps }))
  .sort((a, b) => b.ms - a.ms);
const inKernels = rows.reduce((s, r) => s + r.ms, 0);
// Forward and weight gradient of each layer, input gradient of all but the first (its input is data).
const flops = 2 * 128 * (2 * 784 * 512 + 3 * 512 * 512 + 3 * 512 * 10);
console.log(
  `backend-cpu, simd ${backend.paths.simd}, ${backend.paths.threads} thread(s): ${total.toFixed(2)} ms/step over ${steps} steps`,
);
console.log(`matmul FLOPs per step: ${(flops / 1e9).toFixed(3)} G; memory ${JSON.stringify(backend.memory())}`);
console.log('kernel                 calls/step   ms/step   share');
for (const r of rows)
  console.log(
    `${r.name.padEnd(22)} ${r.calls.toFixed(1).padStart(10)} ${r.ms.toFixed(3).padStart(9)} ${((100 * r.ms) / total).toFixed(1).padStart(6)} %`,
  );
console.log(
  `${'(outside kernels)'.padEnd(22)} ${''.padStart(10)} ${(total - inKernels).toFixed(3).padStart(9)} ${((100 * (total - inKernels)) / total).toFixed(1).padStart(6)} %`,
);
step.dispose();
backend.destroy();
