// Measures the SIMD optimizer steps (assembly/updates.ts) and the comparison / selection kernels (assembly/compare.ts)
// on one thread against the scalar JS loops of src/kernels/*: `node scripts/bench-wasm-updates.mjs [nParams]`.
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

// The scalar loops of src/kernels/*Update.ts, in place (p2 = p, …).
function sgdJs(p, g, buf, lr, momentum, dampening, nesterov, weightDecay) {
  if (momentum === 0) {
    for (let i = 0; i < p.length; i++) p[i] = p[i] - lr * (g[i] + weightDecay * p[i]);
    return;
  }
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] + weightDecay * p[i];
    const bi = momentum * buf[i] + (1 - dampening) * gi;
    buf[i] = bi;
    p[i] = p[i] - lr * (nesterov ? gi + momentum * bi : bi);
  }
}
function adamJs(p, g, m, v, beta1, beta2, eps, lr, bc1, rootBc2, shrink, coupled) {
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = coupled === 0 ? g[i] : g[i] + coupled * theta;
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const denom = Math.sqrt(vi) / rootBc2 + eps;
    p[i] = theta * shrink - (lr * (mi / bc1)) / denom;
  }
}
function rmsJs(p, g, v, decay, scale, eps, lr) {
  for (let i = 0; i < p.length; i++) {
    const theta = p[i];
    const gi = g[i];
    const vi = decay * v[i] + scale * gi * gi;
    v[i] = vi;
    p[i] = theta - (lr * gi) / (Math.sqrt(vi) + eps);
  }
}

const rows = [];
const row = (name, wasmMs, jsMs) =>
  rows.push({
    kernel: name,
    wasm_ms: +wasmMs.toFixed(2),
    js_ms: +jsMs.toFixed(2),
    speedup: +(jsMs / wasmMs).toFixed(2),
  });
const lr = Math.fround(1e-3);

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
  0.9,
  0.999,
  1e-8 * 0.0316,
  (lr * 0.0316) / 0.1,
  1 - lr * 0.01,
  0,
  0,
]);
const adam = time(() => k.adamStep(args, 0, N), 9);
row(
  'adam (AdamW)',
  adam,
  time(() => adamJs(P.view, G.view, M.view, V.view, 0.9, 0.999, 1e-8, lr, 0.1, 0.0316, 1 - lr * 0.01, 0)),
);

setArgs([P.ptr, G.ptr, 0, P.ptr, 0, lr, 0, 0, 0, 0, 0]);
row(
  'sgd',
  time(() => k.sgdStep(args, 0, N)),
  time(() => sgdJs(P.view, G.view, null, lr, 0, 0, false, 0)),
);
setArgs([P.ptr, G.ptr, B.ptr, P.ptr, B.ptr, lr, 0.9, 0, 0, 0, 0]);
row(
  'sgd momentum',
  time(() => k.sgdStep(args, 0, N)),
  time(() => sgdJs(P.view, G.view, B.view, lr, 0.9, 0, false, 0)),
);

setArgs([P.ptr, G.ptr, V.ptr, 0, 0, P.ptr, V.ptr, 0, 0, lr, 0.99, 0.01, 1e-8, 0, 0, 0]);
row(
  'rmsprop',
  time(() => k.rmspropStep(args, 0, N)),
  time(() => rmsJs(P.view, G.view, V.view, 0.99, 0.01, 1e-8, lr)),
);
setArgs([P.ptr, G.ptr, A.ptr, 0, 0, P.ptr, A.ptr, 0, 0, lr, 1, 1, 1e-10, 0, 0, 0]);
row(
  'adagrad',
  time(() => k.rmspropStep(args, 0, N)),
  time(() => rmsJs(P.view, G.view, A.view, 1, 1, 1e-10, lr)),
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
