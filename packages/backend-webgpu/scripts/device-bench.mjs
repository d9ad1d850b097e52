#!/usr/bin/env node
// Measures the WebGPU backend: matmul TFLOP/s at 1024³/2048³/4096³ and on skinny shapes (a GEMV
// 1×4096·4096×4096 both ways round, and 64×16384·16384×64 for split-K), each line naming the
// matmul variant that ran, one Adam training step of the MLP 784-512-512-10 at batch 128
// and 1024, and the same step at batch 128 through `trainStep` (the loss read every step).
// Run after `pnpm build`, with plain node:
//   [CACHE=n] node packages/backend-webgpu/scripts/device-bench.mjs [--quick] [--matmul-only | --mlp-only] [--json out.json]
// On lavapipe (no GPU) or with --quick the squares are 128³/256³/512³; it reports numbers without
// targets there. On a GPU it prints its targets (15 TFLOP/s at 4096³; ≤ 3.2 ms/step
// at batch 128; ≥ 25% of PyTorch CUDA at batch 1024).
import { writeFileSync } from 'node:fs';
import { losses, matmul, nn, randomUniform, setBackend, tensor, tidy, trainStep, valueAndGrad } from '@backprop/core';
import { webgpu } from '../dist/index.js';
import { chooseMatmulVariant, planName } from '../dist/shaders/matmul-choose.js';
import { matmulProblem } from '../dist/shaders/matmul-problem.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const matmulOnly = args.includes('--matmul-only');
const mlpOnly = args.includes('--mlp-only');
const jsonAt = args.indexOf('--json');
const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : undefined;

// CACHE=n sets bindGroupCacheSize (0: a bind group per dispatch), to compare on one machine.
const backend = await setBackend(webgpu(process.env.CACHE ? { bindGroupCacheSize: Number(process.env.CACHE) } : {}));
const software = /llvmpipe|lavapipe|swiftshader/i.test(backend.adapterDescription);
console.log(`adapter: ${backend.adapterDescription}${software ? ' (software: no targets)' : ''}`);
const results = { adapter: backend.adapterDescription, matmul: [], mlp: [] };
const limits = {
  maxBindingBytes: backend.device.limits.maxStorageBufferBindingSize,
  maxWorkgroupsPerDimension: backend.device.limits.maxComputeWorkgroupsPerDimension,
};

/**
 * Per call of `run`, with the calls queued back to back: `ms` in all, `recordMs` of JavaScript
 * spent in the calls, and the compute `dispatches` they recorded.
 */
async function timeIt(run, { warmup, iterations }) {
  for (let i = 0; i < warmup; i++) run();
  await backend.sync();
  const dispatches = backend.stats.dispatches;
  let recordMs = 0;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    run();
    recordMs += performance.now() - t0;
  }
  await backend.sync();
  return {
    ms: (performance.now() - start) / iterations,
    recordMs: recordMs / iterations,
    dispatches: (backend.stats.dispatches - dispatches) / iterations,
  };
}

const rate = (perSecond, unit) =>
  perSecond >= 1e12 ? `${(perSecond / 1e12).toFixed(2)} T${unit}` : `${(perSecond / 1e9).toFixed(2)} G${unit}`;
const squares = quick || software ? [128, 256, 512] : [1024, 2048, 4096];
const cases = [
  ...squares.map((n) => ({ m: n, k: n, n })),
  { m: 1, k: 4096, n: 4096 },
  { m: 4096, k: 4096, n: 1 },
  { m: 64, k: 16384, n: 64 },
];
for (const c of mlpOnly ? [] : cases) {
  const a = randomUniform([c.m, c.k], { seed: 1 });
  const b = randomUniform([c.k, c.n], { seed: 2 });
  const variant = planName(
    chooseMatmulVariant(matmulProblem(a.shape, b.shape, [c.m, c.n], false, false), 'f32', limits),
  );
  const iterations = software ? 2 : c.m * c.n * c.k >= 4096 ** 3 ? 10 : 30;
  const { ms } = await timeIt(() => matmul(a, b).dispose(), { warmup: 2, iterations });
  const flops = (2 * c.m * c.n * c.k) / (ms * 1e-3);
  const bytes = (4 * (c.m * c.k + c.k * c.n + c.m * c.n)) / (ms * 1e-3);
  results.matmul.push({ ...c, variant, ms, tflops: flops / 1e12, gbps: bytes / 1e9 });
  const shape = c.m === c.n && c.n === c.k ? `${c.m}³` : `${c.m}×${c.k}·${c.k}×${c.n}`;
  const target = !software && c.m === 4096 && c.n === 4096 ? `  (target ≥ 15; PyTorch fp32 51)` : '';
  console.log(
    `matmul ${shape} [${variant}]: ${ms.toFixed(3)} ms, ${rate(flops, 'FLOP/s')}, ${rate(bytes, 'B/s')}${target}`,
  );
  a.dispose();
  b.dispose();
}

if (matmulOnly) {
  if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  await backend.destroy();
  process.exit(0);
}

let optimizers;
try {
  optimizers = await import(new URL('../../optimizers/dist/index.js', import.meta.url).href);
} catch {
  optimizers = undefined;
}

/** The benchmarked MLP 784-512-512-10 (ReLU), with fixed seeds. */
const mlp = () =>
  new nn.Sequential(
    new nn.Dense(784, 512, { seed: 1 }),
    nn.relu(),
    new nn.Dense(512, 512, { seed: 3 }),
    nn.relu(),
    new nn.Dense(512, 10, { seed: 5 }),
  );

/** A fixed batch for it: uniform inputs and labels cycling through the 10 classes. */
const mlpBatch = (batch) => ({
  x: randomUniform([batch, 784], { seed: 7 }),
  labels: tensor(
    Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10),
    [batch],
    'int32',
  ),
});

const PYTORCH_CUDA_MS = { 128: 1.6, 1024: (1024 / 550000) * 1000 };
for (const batch of [128, 1024]) {
  const model = mlp();
  const params = model.parameters();
  const optimizer = optimizers ? new optimizers.Adam({ lr: 1e-3 }) : undefined;
  const { x, labels } = mlpBatch(batch);
  // The loss reads each parameter's value, which is the tensor passed in, so the tape sees it.
  const step = () => {
    const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), labels))(
      ...params.map((p) => p.value),
    );
    if (optimizer) optimizer.step(params, grads);
    else tidy(() => params.forEach((p, i) => p.assign(p.value.sub(grads[i].mul(0.01)))));
    value.dispose();
    for (const g of grads) g.dispose();
  };
  const iterations = software ? 2 : 100;
  const { ms, recordMs, dispatches } = await timeIt(step, { warmup: 3, iterations });
  const ratio = PYTORCH_CUDA_MS[batch] / ms;
  results.mlp.push({
    batch,
    ms,
    samplesPerSecond: (batch / ms) * 1000,
    optimizer: optimizer ? 'Adam' : 'SGD',
    ratioToPytorchCuda: ratio,
    recordMs,
    dispatches,
  });
  const target = software
    ? ''
    : batch === 128
      ? `  (target ≤ 3.2 ms; PyTorch CUDA 1.6)`
      : `  (${(ratio * 100).toFixed(0)}% of PyTorch CUDA; target ≥ 25%)`;
  console.log(
    `MLP 784-512-512-10 ${optimizer ? 'Adam' : 'SGD'} step, batch ${batch}: ${ms.toFixed(3)} ms, ${((batch / ms) * 1000).toFixed(0)} samples/s${target}`,
  );
  // Whether the step is bound by the CPU recording it or by the GPU running it.
  console.log(`  ${dispatches} dispatches per step, ${recordMs.toFixed(3)} ms of JavaScript recording them`);
  x.dispose();
  labels.dispose();
  optimizer?.dispose();
  for (const p of params) p.dispose();
}

// What a user's loop gets: `trainStep` (batch 128) reads the loss after every step, so each step
// ends in a round trip to the GPU and the next one's recording cannot overlap it.
if (optimizers) {
  const model = mlp();
  const { x, labels } = mlpBatch(128);
  const train = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer: new optimizers.Adam({ lr: 1e-3 }) });
  const steps = software ? 2 : 100;
  for (let i = 0; i < 3; i++) await train(x, labels);
  const hits = backend.stats.bindGroupHits;
  const start = performance.now();
  for (let i = 0; i < steps; i++) await train(x, labels);
  const ms = (performance.now() - start) / steps;
  const hitsPerStep = (backend.stats.bindGroupHits - hits) / steps;
  results.trainStep = { batch: 128, ms, bindGroupHitsPerStep: hitsPerStep };
  console.log(
    `trainStep (loss read every step), batch 128: ${ms.toFixed(3)} ms/step, ${hitsPerStep.toFixed(1)} bind groups reused per step`,
  );
}

if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
await backend.destroy();
