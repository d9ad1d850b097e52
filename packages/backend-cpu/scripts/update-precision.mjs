// Prices the fused optimizer updates' arithmetic: float32 lanes (what backend-cpu ships since 2026-12-04) against
// float64 ones (what it shipped before): speed (ns per parameter, one thread, interleaved, median of rounds) and
// results (how many elements of one Adam / SGD step differ from the float64 computation, and by how many float32
// units in the last place). The kernels are in update-precision/kernels.ts (AssemblyScript, compiled here; not part
// of the module): the float64 loops are the backend's earlier ones, stripped of the options; the float32 ones follow
// PyTorch's single-tensor Adam and SGD, four lanes at a time.
// `node packages/backend-cpu/scripts/update-precision.mjs [rounds=7]`
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[2] ?? 7);
const outputs = {};
const { error, stderr } = await asc.main(
  [
    'update-precision/kernels.ts',
    '-O3',
    '--noAssert',
    '--runtime',
    'stub',
    '--enable',
    'simd',
    '--importMemory',
    '--outFile',
    'k.wasm',
  ],
  {
    baseDir: here,
    readFile: (name, dir) => {
      try {
        return readFileSync(join(here, dir, name), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      outputs[name] = contents;
    },
  },
);
if (error) throw new Error(stderr.toString());

const SIZES = [669_706 - (669_706 % 4), 10_000_000];
const bytes = 4 * 8 * SIZES[1] + 65536; // Adam's four arrays, twice (compare)
const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
const { instance } = await WebAssembly.instantiate(outputs['k.wasm'], { env: { memory } });
const k = instance.exports;
const f32 = new Float32Array(memory.buffer);

/** Deterministic pseudo-random floats (a linear congruential generator), `scale` × [−1, 1). */
function fill(at, n, seed, scale) {
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f32[at + i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
}

/** The same, non-negative (a second-moment estimate). */
function fillPositive(at, n, seed, scale) {
  fill(at, n, seed, scale);
  for (let i = 0; i < n; i++) f32[at + i] = Math.abs(f32[at + i]);
}

// Adam at step t = 10 with PyTorch's defaults; the float64 loop takes ε√bc₂ and γ√bc₂/bc₁, as the backend does.
const [beta1, beta2, eps, lr, t] = [0.9, 0.999, 1e-8, 1e-3, 10];
const bc1 = 1 - beta1 ** t;
const bc2 = 1 - beta2 ** t;
const adam64 = (p, g, m, v, n) =>
  k.adam64(p, g, m, v, n, beta1, beta2, eps * Math.sqrt(bc2), (lr * Math.sqrt(bc2)) / bc1);
const adam32 = (p, g, m, v, n) =>
  k.adam32(p, g, m, v, n, beta1, 1 - beta1, beta2, 1 - beta2, eps, Math.sqrt(bc2), lr / bc1);

/** A float32's unit in the last place (the spacing of float32 values at |x|; the smallest normal's for 0). */
const ulpOf = (x) => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x) || 2 ** -126)), -126) - 23);

/**
 * One step both ways from the same state. For the parameters (the first array): the share of elements whose
 * new value differs, the share that differs by more than one float32 ulp of the float64 step's value, and the
 * largest difference in ulps of the larger of the two terms the step adds (the value before the step and the
 * float64 step's change to it; large where a moment estimate cancels, which float32 rounds before using).
 */
function compare(n, step64, step32, arrays) {
  const base = arrays.map((_, i) => 4 * i * n);
  arrays.forEach(([seed, scale, positive], i) => (positive ? fillPositive : fill)(base[i] / 4, n, seed, scale));
  const before = f32.slice(0, n);
  const copy = 4 * arrays.length * n;
  f32.copyWithin(copy / 4, 0, arrays.length * n);
  step64(...base, n);
  step32(...base.map((b) => b + copy), n);
  let differ = 0;
  let beyondOne = 0;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(f32[i] - f32[copy / 4 + i]);
    if (d) differ++;
    if (d > ulpOf(f32[i])) beyondOne++;
    worst = Math.max(worst, d / ulpOf(Math.max(Math.abs(before[i]), Math.abs(f32[i] - before[i]))));
  }
  return { differ: differ / n, beyondOne: beyondOne / n, worst };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cases = [
  [
    'Adam',
    adam64,
    adam32,
    [
      [1, 0.05],
      [2, 0.01],
      [3, 0.001],
      [4, 1e-6, true],
    ],
  ],
  [
    'SGD',
    (p, g, n) => k.sgd64(p, g, n, 0.01),
    (p, g, n) => k.sgd32(p, g, n, 0.01),
    [
      [1, 0.05],
      [2, 0.01],
    ],
  ],
];
console.log(
  '| update | parameters | float64 lanes, ns/param | float32 lanes, ns/param | speed-up | new parameters that differ | by more than 1 ulp | largest difference (ulps of the larger term) |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, step64, step32, arrays] of cases) {
  for (const n of SIZES) {
    const { differ, beyondOne, worst } = compare(n, step64, step32, arrays);
    const base = arrays.map((_, i) => 4 * i * n);
    arrays.forEach(([seed, scale, positive], i) => (positive ? fillPositive : fill)(base[i] / 4, n, seed, scale));
    const reps = Math.max(3, Math.round(2e7 / n));
    const times = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const [j, step] of [step64, step32].entries()) {
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) step(...base, n);
        times[j].push(((performance.now() - t0) / reps / n) * 1e6);
      }
    }
    const [t64, t32] = times.map(median);
    console.log(
      `| ${name} | ${n.toLocaleString('en-US')} | ${t64.toFixed(2)} | ${t32.toFixed(2)} | ${(t64 / t32).toFixed(2)}× | ${(differ * 100).toFixed(2)} % | ${(beyondOne * 100).toFixed(3)} % | ${worst.toFixed(0)} |`,
    );
  }
}
