#!/usr/bin/env node
// Measures the WebGPU backend: matmul TFLOP/s at 1024³/2048³/4096³ and one Adam training step
// of the MLP 784-512-512-10 at batch 128 and 1024. Run after `pnpm build`, with plain node:
//   node packages/backend-webgpu/scripts/device-bench.mjs [--quick] [--json out.json]
// On lavapipe (no GPU) it reports numbers without targets; on a GPU it prints the targets of the
// issue (15 TFLOP/s at 4096³; ≤ 3.2 ms/step at batch 128; ≥ 25% of PyTorch CUDA at batch 1024).
import { writeFileSync } from 'node:fs';
import { losses, matmul, nn, randomUniform, setBackend, tensor, tidy, valueAndGrad } from '@backprop/core';
import { webgpu } from '../dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonAt = args.indexOf('--json');
const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : undefined;

const backend = await setBackend(webgpu());
const software = /llvmpipe|lavapipe|swiftshader/i.test(backend.adapterDescription);
console.log(`adapter: ${backend.adapterDescription}${software ? ' (software: no targets)' : ''}`);
const results = { adapter: backend.adapterDescription, matmul: [], mlp: [] };

async function timeIt(run, { warmup, iterations }) {
  for (let i = 0; i < warmup; i++) run();
  await backend.sync();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) run();
  await backend.sync();
  return (performance.now() - start) / iterations;
}

for (const n of quick || software ? [128, 256] : [1024, 2048, 4096]) {
  const a = randomUniform([n, n], { seed: 1 });
  const b = randomUniform([n, n], { seed: 2 });
  const iterations = software ? 2 : n >= 4096 ? 10 : 30;
  const ms = await timeIt(() => matmul(a, b).dispose(), { warmup: 2, iterations });
  const tflops = (2 * n ** 3) / (ms * 1e-3) / 1e12;
  results.matmul.push({ n, ms, tflops });
  const target = !software && n === 4096 ? `  (target ≥ 15; PyTorch fp32 51)` : '';
  console.log(
    `matmul ${n}³: ${ms.toFixed(3)} ms, ${tflops >= 0.1 ? `${tflops.toFixed(2)} TFLOP/s` : `${(tflops * 1000).toFixed(2)} GFLOP/s`}${target}`,
  );
  a.dispose();
  b.dispose();
}

let optimizers;
try {
  optimizers = await import(new URL('../../optimizers/dist/index.js', import.meta.url).href);
} catch {
  optimizers = undefined;
}

const PYTORCH_CUDA_MS = { 128: 1.6, 1024: (1024 / 550000) * 1000 };
for (const batch of [128, 1024]) {
  const model = new nn.Sequential(
    new nn.Dense(784, 512, { seed: 1 }),
    nn.relu(),
    new nn.Dense(512, 512, { seed: 3 }),
    nn.relu(),
    new nn.Dense(512, 10, { seed: 5 }),
  );
  const params = model.parameters();
  const optimizer = optimizers ? new optimizers.Adam({ lr: 1e-3 }) : undefined;
  const x = randomUniform([batch, 784], { seed: 7 });
  const labels = tensor(
    Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10),
    [batch],
    'int32',
  );
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
  const ms = await timeIt(step, { warmup: 3, iterations });
  const ratio = PYTORCH_CUDA_MS[batch] / ms;
  results.mlp.push({
    batch,
    ms,
    samplesPerSecond: (batch / ms) * 1000,
    optimizer: optimizer ? 'Adam' : 'SGD',
    ratioToPytorchCuda: ratio,
  });
  const target = software
    ? ''
    : batch === 128
      ? `  (target ≤ 3.2 ms; PyTorch CUDA 1.6)`
      : `  (${(ratio * 100).toFixed(0)}% of PyTorch CUDA; target ≥ 25%)`;
  console.log(
    `MLP 784-512-512-10 ${optimizer ? 'Adam' : 'SGD'} step, batch ${batch}: ${ms.toFixed(3)} ms, ${((batch / ms) * 1000).toFixed(0)} samples/s${target}`,
  );
  x.dispose();
  labels.dispose();
  optimizer?.dispose();
  for (const p of params) p.dispose();
}

if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
await backend.destroy();
