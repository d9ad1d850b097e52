/**
 * Benchmark (not a test): MLP 784-512-512-10, batch 128, Adam (@backprop/optimizers: its step
 * count is a tensor, fed to the fused adamUpdate, so the step compiles), one training step on the ONNX
 * backend — compiled (one ONNX Runtime run per step) and eager (lazy graph, one run per loss
 * read) — beside two matmul references measured in the same process, interleaved with the steps
 * (the machine is shared, so only same-run ratios mean anything):
 * - the **matmul floor**: ONNX Runtime running a graph of just the step's eight matmuls (bench/floor.mjs);
 * - the issue's **matmul limit**: the step's matmul FLOPs at ONNX Runtime's own 1024³ MatMul rate.
 * PyTorch CPU (bench/torch_step.py) runs once, after the repeats. Run after building this package
 * and @backprop/optimizers: `node packages/backend-onnx/bench/step.mjs [threads] [repeats]`
 * (defaults 2 and 3). Adam uses the fused `adamUpdate` lowering; `BACKPROP_FUSED=0` runs its
 * composed update instead (the comparison in the README).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as bp from '@backprop/core';
import { adam, useFusedUpdates } from '@backprop/optimizers';
import { onnx } from '../dist/index.js';
import { matmulFlops, matmulSession, stepMatmuls } from './floor.mjs';

const threads = Number(process.argv[2] ?? 2);
const repeats = Number(process.argv[3] ?? 3);
const STEPS = 30;
// BACKPROP_FUSED=0: Adam's composed update (core ops) instead of the fused adamUpdate lowering.
const fused = process.env.BACKPROP_FUSED !== '0';
useFusedUpdates(fused);

function setup() {
  bp.manualSeed(0);
  const { nn } = bp;
  const model = nn.sequential(nn.dense(784, 512), nn.relu(), nn.dense(512, 512), nn.relu(), nn.dense(512, 10));
  const x = bp.keep(bp.randomUniform([128, 784]));
  const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([128]), 10), 'int32'));
  return { model, x, y, optimizer: adam({ lr: 1e-3 }) };
}

/** Median ms of `STEPS` awaited calls. */
async function median(step, n = STEPS) {
  const ts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await step();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

function compiledStep() {
  const { model, x, y, optimizer } = setup();
  const step = bp.trainStep(model, { loss: bp.losses.softmaxCrossEntropy, optimizer, compile: true });
  const run = async () => {
    await step(x, y);
  };
  run.check = () => {
    if (step.mode !== 'graph') throw new Error(`compiled step ran as ${step.mode}: ${step.reason}`);
  };
  return run;
}

function eagerStep() {
  const { model, x, y, optimizer } = setup();
  const step = bp.trainStep(model, { loss: bp.losses.softmaxCrossEntropy, optimizer, compile: false });
  return async () => {
    await step(x, y);
  };
}

const backend = await bp.setBackend(onnx({ provider: 'cpu', threads }));
const mm = stepMatmuls([784, 512, 512, 10], 128);
const flopsPerStep = matmulFlops(mm); // forward + input and weight gradients of each layer
// The references run both with ONNX Runtime's default spinning threads and with sleeping ones
// (the backend's default); each run takes the better of the two, so the floor and limit are strict.
const NO_SPIN = { extra: { session: { intra_op: { allow_spinning: '0' } } } };
const both = async (m) => [await matmulSession(m, threads), await matmulSession(m, threads, NO_SPIN)];
const floors = await both(mm);
const bigs = await both([[1024, 1024, 1024, false, false]]);
const best = async (sessions, reps) => {
  let ms = Number.POSITIVE_INFINITY;
  for (const s of sessions) ms = Math.min(ms, await s.time(reps));
  return ms;
};
const compiled = compiledStep();
const eager = eagerStep();
for (let i = 0; i < 5; i++) await compiled();
compiled.check();
for (let i = 0; i < 5; i++) await eager();

const fmt = (x, d = 2) => x.toFixed(d).padStart(7);
console.log(
  `MLP 784-512-512-10, batch 128, Adam (${fused ? 'fused adamUpdate' : 'composed'}), ${threads} threads (onnxruntime-node CPU provider)`,
);
console.log(`matmul FLOPs per step (eight matmuls): ${(flopsPerStep / 1e9).toFixed(3)} GFLOP`);
console.log(
  'run  load1  1024³GF/s  limit  floor  compiled  eager   c/limit  c/floor  eager/c   (ms/step unless noted)',
);
const rows = [];
for (let r = 0; r < repeats; r++) {
  const load = loadavg()[0];
  const gflops = (2 * 1024 ** 3) / (await best(bigs, 10)) / 1e6;
  const floorMs = await best(floors, STEPS);
  const c = await median(compiled);
  const e = await median(eager);
  const floorMs2 = await best(floors, STEPS);
  const row = { load, gflops, limit: flopsPerStep / (gflops * 1e6), floor: Math.min(floorMs, floorMs2), c, e };
  rows.push(row);
  console.log(
    `${String(r + 1).padStart(3)} ${fmt(load)} ${fmt(gflops, 0)}    ${fmt(row.limit)} ${fmt(row.floor)} ${fmt(c)}  ${fmt(e)}  ${fmt(c / row.limit)}× ${fmt(c / row.floor)}× ${fmt(e / c)}×`,
  );
}
compiled.check();
for (const s of [...floors, ...bigs]) await s.release();

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
const fastest = rows.reduce((a, b) => (b.c < a.c ? b : a));
console.log(`pytorch ${torch.torch} cpu: ${torch.msPerStep.toFixed(2)} ms/step (load ${loadavg()[0].toFixed(2)})`);
console.log(`compiled / pytorch: ${(fastest.c / torch.msPerStep).toFixed(2)}× (fastest compiled run; target ≤ 1)`);
console.log(
  `targets: compiled / matmul limit ≤ 1.5 (runs: ${rows.map((r) => (r.c / r.limit).toFixed(2)).join(', ')}); eager / compiled ≤ 3`,
);
console.log(`sessions ${backend.stats.sessions}, runs ${backend.stats.runs}`);
await backend.destroy();
