// Measures the SIMD optimizer steps (assembly/updates.ts, generated from core's rules) on one thread against the scalar kernels' path (core's
// fused update rules compiled into a JavaScript loop, `runUpdateLoop`), and the comparison / selection kernels
// (assembly/compare.ts) against plain JS loops: `node scripts/bench-wasm-updates.mjs [nParams]` (after `pnpm build`).
import { adamStepCoefficients, runUpdateLoop } from '@backprop/core';
import { compile } from './build-wasm.mjs';

const N = Number(process.argv[2] ?? 10_000_000);
const SMALL = 65536;

const arrays = 9;
const pages = Math.ceil((65536 + arrays * (N * 4 + 64) + 4096) / 65536);
const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
const { binary } = await compile(false);
const k = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports;

let top = 65536;
function alloc(bytes) {
  const ptr = top;
  top += Math.ceil(bytes / 64) * 64;
  return ptr;
}
function f32(n, fill) {
  const ptr = alloc(n * 4);
  const view = new Float32Array(memory.buffer, ptr, n);
  for (let i = 0; i < n; i++) view[i] = fill(i);
  return { ptr, view };
}
const args = alloc(8 * 32);
const setArgs = (slots) => new Float64Array(memory.buffer, args, slots.length).set(slots);

let seed = 1;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const P = f32(N, () => rand() * 2 - 1);
const G = f32(N, () => rand() * 2 - 1);
const M = f32(N, () => (rand() - 0.5) * 0.1);
const V = f32(N, () => rand() * 0.01);
const B = f32(N, () => (rand() - 0.5) * 0.1);
const A = f32(N, () => (rand() - 0.5) * 0.01);

/** Median ms of `reps` runs after one warm-up. */
function time(fn, reps = 5) {
  fn();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  return ts[Math.floor(reps / 2)];
}

/** The scalar kernels' path for update `name`, in place: each output written over the input it replaces. */
const loop =
  (name, attrs, arrays, coefficients = []) =>
  () =>
    runUpdateLoop({ name, attrs, arrays, targets: arrays.filter((x, i) => x && i !== 1), lr, coefficients });

const rows = [];
const row = (name, wasmMs, jsMs) =>
  rows.push({
    kernel: name,
    wasm_ms: +wasmMs.toFixed(2),
    js_ms: +jsMs.toFixed(2),
    speedup: +(jsMs / wasmMs).toFixed(2),
  });
const lr = Math.fround(1e-3);
const adamW = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false };
const adamC = adamStepCoefficients(adamW, 1, lr);
const sgdAttrs = (momentum) => ({ momentum, dampening: 0, nesterov: false, weightDecay: 0, firstStep: false });
const rmsAttrs = (decay, scale, eps) => ({ decay, scale, eps, weightDecay: 0, momentum: 0, centered: false });

// adamStep's (src/wasm/wasmUpdates.ts): θ, g, m, v, v̄, θ′, m′, v′, v̄′, β₁, β₂, e = ε√bc₂, a = γ√bc₂/bc₁, decay factor, coupled λ, amsgrad.
setArgs([
  P.ptr,
  G.ptr,
  M.ptr,
  V.ptr,
  0,
  P.ptr,
  M.ptr,
  V.ptr,
  0,
  adamW.beta1,
  adamW.beta2,
  adamC.e,
  adamC.a,
  adamC.decay,
  0,
  0,
]);
const adam = time(() => k.adamStep(args, 0, N), 9);
row(
  'adam (AdamW)',
  adam,
  time(
    loop(
      'adamUpdate',
      adamW,
      [P.view, G.view, M.view, V.view, undefined],
      [adamC.a, adamC.e, adamC.decay].map(Math.fround),
    ),
  ),
);

setArgs([P.ptr, G.ptr, 0, P.ptr, 0, lr, 0, 0, 0, 0, 0]);
row(
  'sgd',
  time(() => k.sgdStep(args, 0, N)),
  time(loop('sgdUpdate', sgdAttrs(0), [P.view, G.view])),
);
setArgs([P.ptr, G.ptr, B.ptr, P.ptr, B.ptr, lr, 0.9, 0, 0, 0, 0]);
row(
  'sgd momentum',
  time(() => k.sgdStep(args, 0, N)),
  time(loop('sgdUpdate', sgdAttrs(0.9), [P.view, G.view, B.view])),
);

setArgs([P.ptr, G.ptr, V.ptr, 0, 0, P.ptr, V.ptr, 0, 0, lr, 0.99, 0.01, 1e-8, 0, 0, 0]);
row(
  'rmsprop',
  time(() => k.rmspropStep(args, 0, N)),
  time(loop('rmspropUpdate', rmsAttrs(0.99, 0.01, 1e-8), [P.view, G.view, V.view])),
);
setArgs([P.ptr, G.ptr, A.ptr, 0, 0, P.ptr, A.ptr, 0, 0, lr, 1, 1, 1e-10, 0, 0, 0]);
row(
  'adagrad',
  time(() => k.rmspropStep(args, 0, N)),
  time(loop('rmspropUpdate', rmsAttrs(1, 1, 1e-10), [P.view, G.view, A.view])),
);

console.log(`optimizer steps on ${N} float32 parameters, in place, one thread (median of 5, ms):`);
console.table(rows);

// compare / select on 65536 floats, µs per call (median of 5 runs of 200 calls)
const a = new Float32Array(memory.buffer, P.ptr, SMALL);
const b = new Float32Array(memory.buffer, G.ptr, SMALL);
const y = new Uint8Array(memory.buffer, B.ptr, SMALL);
const yf = new Float32Array(memory.buffer, M.ptr, SMALL);
const c = new Uint8Array(memory.buffer, A.ptr, SMALL);
for (let i = 0; i < SMALL; i++) c[i] = rand() < 0.5 ? 1 : 0;
const reps = 200;
const us = (fn) =>
  (time(() => {
    for (let r = 0; r < reps; r++) fn();
  }) *
    1000) /
  reps;
const greaterJs = () => {
  for (let i = 0; i < SMALL; i++) y[i] = a[i] > b[i] ? 1 : 0;
};
const selectJs = () => {
  for (let i = 0; i < SMALL; i++) yf[i] = c[i] ? a[i] : b[i];
};
const small = [
  { kernel: 'greater', wasm_us: us(() => k.compare(2, P.ptr, G.ptr, B.ptr, 0, SMALL, 0)), js_us: us(greaterJs) },
  { kernel: 'select', wasm_us: us(() => k.select(A.ptr, P.ptr, G.ptr, M.ptr, 0, SMALL, 0)), js_us: us(selectJs) },
].map((r) => ({
  ...r,
  wasm_us: +r.wasm_us.toFixed(1),
  js_us: +r.js_us.toFixed(1),
  speedup: +(r.js_us / r.wasm_us).toFixed(1),
}));
console.log(`compare / select on ${SMALL} float32, one thread (µs per call):`);
console.table(small);
