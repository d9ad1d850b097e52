// Benchmark aid (not a test): backend-onnx's training step (CPU provider, batch 128, Adam) three ways, by model size —
// compiled with its updates written in place (the default), compiled out of place (a view of every parameter is held
// through each step, so no update may write into them: the ONNX nodes compute new arrays), and eager (`compile: false`,
// updates written in place through `updateInPlace`). Rounds interleave the three so load drifts hit all alike; the
// median of the per-round medians is printed. Run after `pnpm build`:
// `node packages/bench/scripts/onnx-step-modes.mjs [threads=2] [rounds=5] [steps=20]`
import { loadavg } from 'node:os';
import { onnx } from '@backprop/backend-onnx';
import * as bp from '@backprop/core';
import { adam } from '@backprop/optimizers';
import { buildMlp, mlpBatch } from './mlp-setup.mjs';

const [threads = 2, rounds = 5, steps = 20] = process.argv.slice(2).map(Number);
const backend = await onnx({ provider: 'cpu', threads });
await bp.setBackend(backend);
const sizes = [
  [8, 32, 32, 3],
  [784, 128, 128, 10],
  [784, 512, 512, 10],
];
const modes = ['compiled, in place', 'compiled, out of place', 'eager'];

/** A warmed-up step of `mode` on an MLP of `size`; returns a function timing `steps` steps (ms per step). */
async function runner(size, mode) {
  const model = buildMlp(size);
  const { x, y } = mlpBatch(size);
  const step = bp.trainStep(model, {
    loss: bp.losses.softmaxCrossEntropy,
    optimizer: adam({ lr: 1e-3 }),
    compile: mode !== 'eager',
  });
  const one = async () => {
    const views =
      mode === 'compiled, out of place' ? model.parameters().map((p) => bp.keep(p.value.reshape(p.value.shape))) : [];
    await step(x, y);
    bp.dispose(views);
  };
  for (let i = 0; i < 5; i++) await one();
  return async () => {
    const times = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await one();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[steps >> 1];
  };
}

const runners = new Map();
for (const size of sizes) for (const mode of modes) runners.set(`${size.join('-')}|${mode}`, await runner(size, mode));
const results = new Map();
const loads = [];
for (let r = 0; r < rounds; r++) {
  const load = loadavg()[0];
  const keys = [...runners.keys()];
  // Rotate the order each round.
  for (let k = 0; k < keys.length; k++) {
    const key = keys[(k + r) % keys.length];
    results.set(key, [...(results.get(key) ?? []), await runners.get(key)()]);
  }
  loads.push(`${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `backend-onnx (CPU provider, ${threads} thread(s)), batch 128, Adam: ms per step, median of ${rounds} rounds of ${steps}`,
);
console.log(`${'model'.padEnd(16)}${modes.map((m) => m.padStart(24)).join('')}   in place ÷ out of place`);
for (const size of sizes) {
  const ms = modes.map((m) => median(results.get(`${size.join('-')}|${m}`)));
  console.log(
    `${size.join('-').padEnd(16)}${ms.map((v) => v.toFixed(2).padStart(24)).join('')}   ${(ms[0] / ms[1]).toFixed(2)}×`,
  );
}
console.log(`load average (1 min) before → after each round, 2 cores: ${loads.join(', ')}`);
await backend.destroy();
