/**
 * Benchmark (not a test): MLP 784-512-512-10, batch 128, Adam (@backprop/optimizers: its composed
 * update keeps the step count in a tensor, so the step compiles), one training step on the ONNX
 * backend — compiled (one ONNX Runtime run per step) and eager (lazy graph, one run per loss
 * read) — beside PyTorch CPU in the same run, and ONNX Runtime's own MatMul GFLOP/s at 1024³.
 * Run after building (this package and packages/bench, which holds the matmul measurement):
 * `node packages/backend-onnx/bench/step.mjs [threads]` (default 2). `pnpm bench` measures the
 * same rows (backprop-onnx, backprop-onnx-eager, torch-cpu) on the bench's shared workload.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as bp from '@backprop/core';
import { Adam } from '@backprop/optimizers';
// ONNX Runtime's own MatMul rate (a one-node model) is shared with `pnpm bench` (packages/bench).
import { ortMatmulGflops } from '../../bench/dist/ort-matmul.js';
import { onnx } from '../dist/index.js';

const threads = Number(process.argv[2] ?? 2);
const STEPS = 40;

function setup() {
  bp.manualSeed(0);
  const { nn } = bp;
  const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
  const x = bp.keep(bp.randomUniform([128, 784]));
  const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([128]), 10), 'int32'));
  return { model, x, y, optimizer: new Adam({ lr: 1e-3 }) };
}

async function timeSteps(step) {
  for (let i = 0; i < 5; i++) await step();
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await step();
  return (performance.now() - t0) / STEPS;
}

async function compiledMs() {
  const { model, x, y, optimizer } = setup();
  const step = bp.compileTrainStep(model, { loss: bp.losses.softmaxCrossEntropy, optimizer });
  const ms = await timeSteps(async () => {
    const l = step(x, y);
    await l.data();
    l.dispose();
  });
  if (step.mode !== 'graph') throw new Error(`compiled step ran as ${step.mode}: ${step.reason}`);
  return ms;
}

async function eagerMs() {
  const { model, x, y, optimizer } = setup();
  const params = model.parameters();
  return timeSteps(async () => {
    const l = bp.tidy(() => {
      const { value, grads } = bp.valueAndGrad(() => bp.losses.softmaxCrossEntropy(model.forward(x), y))(
        ...params.map((p) => p.value),
      );
      optimizer.step(params, grads);
      return value;
    });
    await l.data();
    l.dispose();
  });
}

const backend = await bp.setBackend(onnx({ provider: 'cpu', threads }));
const { gflops } = await ortMatmulGflops({ n: 1024, threads });
const compiled = await compiledMs();
const eager = await eagerMs();
let torch = { msPerStep: Number.NaN, torch: 'unavailable' };
try {
  const script = fileURLToPath(new URL('./torch_step.py', import.meta.url));
  torch = JSON.parse(
    execFileSync('/usr/bin/python3', [script, String(threads)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop(),
  );
} catch (e) {
  console.error(`PyTorch peer skipped: ${e.message.split('\n')[0]}`);
}
const flopsPerStep = 3 * 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10); // forward + two backward matmuls per layer
const limitMs = flopsPerStep / (gflops * 1e6);
const row = (name, ms) =>
  console.log(
    `${name.padEnd(34)} ${ms.toFixed(2).padStart(8)} ms/step ${String(Math.round((128 / ms) * 1000)).padStart(8)} samples/s`,
  );
console.log(`MLP 784-512-512-10, batch 128, Adam, ${threads} threads (onnxruntime-node CPU provider)`);
console.log(
  `ORT MatMul 1024³: ${gflops.toFixed(0)} GFLOP/s → matmul limit ${limitMs.toFixed(2)} ms/step (${(flopsPerStep / 1e9).toFixed(2)} GFLOP/step)`,
);
row('backprop onnx compiled', compiled);
row('backprop onnx eager (lazy)', eager);
row(`pytorch ${torch.torch} cpu`, torch.msPerStep);
console.log(`compiled / pytorch: ${(compiled / torch.msPerStep).toFixed(2)}× (target ≤ 1)`);
console.log(`compiled / matmul limit: ${(compiled / limitMs).toFixed(2)}× (target ≤ 1.5)`);
console.log(`eager / compiled: ${(eager / compiled).toFixed(2)}× (target ≤ 3)`);
console.log(`sessions ${backend.stats.sessions}, runs ${backend.stats.runs}`);
await backend.destroy();
