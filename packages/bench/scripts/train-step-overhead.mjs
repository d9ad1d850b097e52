// Benchmark (not a test): what `trainStep`'s guarantees cost on backend-cpu — the finiteness check of
// the loss and every gradient, and the state snapshot that a non-finite step puts back — against a
// bare eager step (valueAndGrad + optimizer.step) on the same MLP 784-512-512-10, batch 128, Adam.
// Rows alternate in one process so load drifts hit both. Run after `pnpm build`:
// `node packages/bench/scripts/train-step-overhead.mjs [repeats=3] [steps=30]`
import { loadavg } from 'node:os';
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { adam } from '@backprop/optimizers';
import { buildMlp, mlpBatch } from './mlp-setup.mjs';

const [repeats = 3, steps = 30] = process.argv.slice(2).map(Number);
await bp.setBackend(cpu());
const build = () => buildMlp();
const { x, y } = mlpBatch();

function bare() {
  const model = build();
  const opt = adam({ lr: 1e-3 });
  const params = model.parameters();
  return async () => {
    const loss = bp.tidy(() => {
      const { value, grads } = bp.valueAndGrad(() => bp.losses.softmaxCrossEntropy(model.forward(x), y))(
        ...params.map((p) => p.value),
      );
      opt.step(params, grads);
      return value;
    });
    await loss.data();
    loss.dispose();
  };
}

function guarded() {
  const step = bp.trainStep(build(), {
    loss: bp.losses.softmaxCrossEntropy,
    optimizer: adam({ lr: 1e-3 }),
    compile: false,
  });
  return () => step(x, y);
}

async function median(run) {
  for (let i = 0; i < 5; i++) await run();
  const t = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    await run();
    t.push(performance.now() - start);
  }
  return t.sort((a, b) => a - b)[t.length >> 1];
}

const [a, b] = [bare(), guarded()];
console.log(`load ${loadavg()[0].toFixed(2)}; median ms/step over ${steps} steps`);
for (let r = 0; r < repeats; r++) {
  const [tb, tg] = [await median(a), await median(b)];
  console.log(`bare ${tb.toFixed(2)}  trainStep ${tg.toFixed(2)}  overhead ${(((tg - tb) / tb) * 100).toFixed(1)}%`);
}
