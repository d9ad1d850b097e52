// Benchmark aid (not a test): where one MLP 784-512-512-10 training step (batch 128, Adam) spends its time on
// backend-cpu, kernel by kernel. Wraps every kernel of the backend's table with a timer, runs warm-up steps, then
// prints milliseconds per step for each kernel (calls, total, share), the step's matmul FLOPs, and the time outside
// kernels (core's bookkeeping); updates written in place (`updateInPlace`) are timed too. Each kernel's rate shows the
// bound it runs into: GFLOP/s for matmul and dense (beside the 1024³ rate), GB/s of its inputs read and outputs written
// for the rest (beside a streaming copy measured here, which bounds any pass over arrays larger than the caches).
// Warm-up steps first (default 300: V8 compiles the step's JavaScript in the background for its first few hundred steps,
// see jit-warmup.mjs). `node packages/bench/scripts/step-profile.mjs [--threads 1|2] [--simd false] [--steps 20] [--warmup 300]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { mlpTrainer } from './mlp-setup.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const threads = Number(arg('threads', 1));
const simd = arg('simd', 'true') !== 'false';
const steps = Number(arg('steps', 20));
const warmupSteps = Number(arg('warmup', 300));
const backend = cpu({ threads, simd });
await bp.setBackend(backend);
await backend.ready();
const times = new Map();
const BYTES = { float32: 4, int32: 4, bool: 1 };
const bytesOf = (t) => t.shape.reduce((a, b) => a * b, 1) * BYTES[t.dtype];
/** 2·(output elements)·(depth) for matmul and dense, else 0. */
function flopsOf(name, inputs, attrs, out) {
  if (name !== 'matmul' && name !== 'dense') return 0;
  const a = inputs[0].shape;
  const depth = name === 'matmul' && attrs?.transposeA ? a[a.length - 2] : a[a.length - 1];
  return 2 * out.shape.reduce((p, d) => p * d, 1) * depth;
}
function record(key, ms, bytes, flops) {
  const e = times.get(key) ?? { calls: 0, ms: 0, bytes: 0, flops: 0 };
  e.calls++;
  e.ms += ms;
  e.bytes += bytes;
  e.flops += flops;
  times.set(key, e);
}
for (const [name, kernel] of Object.entries(backend.kernels)) {
  if (typeof kernel !== 'function') continue;
  backend.kernels[name] = (inputs, attrs, out, ...rest) => {
    const t0 = performance.now();
    const r = kernel(inputs, attrs, out, ...rest);
    const ms = performance.now() - t0;
    const outs = Array.isArray(out) ? out : [out];
    const bytes = inputs.reduce((s, t) => s + bytesOf(t), 0) + outs.reduce((s, o) => s + bytesOf(o), 0);
    record(name, ms, bytes, flopsOf(name, inputs, attrs, outs[0]));
    return r;
  };
}
// Updates written in place go through backend.updateInPlace, not the kernel table: timed as `name (in place)`;
// they read every input and write the parameter and its state (every input but g, t and γ).
const inPlace = backend.updateInPlace;
backend.updateInPlace = (name, inputs, ...args) => {
  const t0 = performance.now();
  inPlace(name, inputs, ...args);
  const ms = performance.now() - t0;
  const written = bp.updateWrittenInputs(name, inputs.length).reduce((s, i) => s + bytesOf(inputs[i]), 0);
  record(`${name} (in place)`, ms, inputs.reduce((s, t) => s + bytesOf(t), 0) + written, 0);
};
/** A streaming copy of 64 MB (memcpy through TypedArray.set): the rate any pass over large arrays is bound by. */
function copyRate() {
  const src = new Float32Array(16 << 20).fill(1);
  const dst = new Float32Array(16 << 20);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    dst.set(src);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * src.byteLength) / best / 1e6;
}
/** Backend-cpu's 1024³ matmul rate now, in GFLOP/s. */
function matmulRate() {
  const a = bp.keep(bp.randomUniform([1024, 1024], { seed: 3 }));
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    bp.matmul(a, a).dispose();
    best = Math.min(best, performance.now() - t);
  }
  a.dispose();
  return (2 * 1024 ** 3) / best / 1e6;
}
const { x, y, train: step } = mlpTrainer({ compile: false });
for (let i = 0; i < warmupSteps; i++) await step(x, y);
const gemmRate = matmulRate();
const streamRate = copyRate();
times.clear();
const t0 = performance.now();
for (let i = 0; i < steps; i++) await step(x, y);
const total = (performance.now() - t0) / steps;
const rows = [...times]
  .map(([name, e]) => ({ name, calls: e.calls / steps, ms: e.ms / steps, bytes: e.bytes, flops: e.flops, total: e.ms }))
  .sort((a, b) => b.ms - a.ms);
const inKernels = rows.reduce((s, r) => s + r.ms, 0);
// Forward and weight gradient of each layer, input gradient of all but the first (its input is data).
const flops = 2 * 128 * (2 * 784 * 512 + 3 * 512 * 512 + 3 * 512 * 10);
console.log(
  `backend-cpu, simd ${backend.paths.simd}, ${backend.paths.threads} thread(s): ${total.toFixed(2)} ms/step over ${steps} steps`,
);
console.log(`matmul FLOPs per step: ${(flops / 1e9).toFixed(3)} G; memory ${JSON.stringify(backend.memory())}`);
console.log(
  `bounds now: matmul 1024³ ${gemmRate.toFixed(1)} GFLOP/s; streaming copy ${streamRate.toFixed(1)} GB/s (read + written)`,
);
console.log('kernel                 calls/step   ms/step   share   rate');
const rate = (r) =>
  r.flops > 0 ? `${(r.flops / r.total / 1e6).toFixed(1)} GFLOP/s` : `${(r.bytes / r.total / 1e6).toFixed(1)} GB/s`;
for (const r of rows)
  console.log(
    `${r.name.padEnd(22)} ${r.calls.toFixed(1).padStart(10)} ${r.ms.toFixed(3).padStart(9)} ${((100 * r.ms) / total).toFixed(1).padStart(6)} %   ${rate(r)}`,
  );
console.log(
  `${'(outside kernels)'.padEnd(22)} ${''.padStart(10)} ${(total - inKernels).toFixed(3).padStart(9)} ${((100 * (total - inKernels)) / total).toFixed(1).padStart(6)} %`,
);
step.dispose();
backend.destroy();
