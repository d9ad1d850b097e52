// Throughput of the SIMD math / reduction kernels (assembly/math.ts, assembly/reduce.ts) against plain JS loops.
// Usage (inside packages/backend-cpu, after `node scripts/build-wasm.mjs`): node scripts/bench-wasm-math.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(join(root, 'src/wasm/binary.ts'), 'utf8');
const base64 = /WASM_PLAIN_BASE64 =\s*'([^']+)'/.exec(source)[1];
const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
const { instance } = await WebAssembly.instantiate(Buffer.from(base64, 'base64'), { env: { memory } });
const k = instance.exports;

let top = 65536;
/** n floats at a fresh 64-byte-aligned byte offset. */
function alloc(n) {
  const at = top;
  top += Math.ceil((n * 4) / 64) * 64;
  return at;
}
const f32 = (at, n) => new Float32Array(memory.buffer, at, n);

/** The median over `reps` samples of f's time per call in ms; each sample repeats f for at least ~5 ms. */
function time(f, reps = 11) {
  let inner = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    if (performance.now() - t0 >= 5) break;
    inner *= 2;
  }
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) f();
    ts.push((performance.now() - t0) / inner);
  }
  ts.sort((a, b) => a - b);
  return ts[reps >> 1];
}

function report(name, elements, wasmMs, jsMs) {
  const ns = (ms) => ((ms * 1e6) / elements).toFixed(2);
  console.log(
    `${name.padEnd(28)} wasm ${wasmMs.toFixed(3).padStart(8)} ms (${ns(wasmMs)} ns/elem)   js ${jsMs.toFixed(3).padStart(8)} ms (${ns(jsMs)} ns/elem)   ×${(jsMs / wasmMs).toFixed(1)}`,
  );
}

let seed = 1;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};

// Unary math on 1M elements.
const N = 1 << 20;
const x = alloc(N);
const y = alloc(N);
const xs = f32(x, N);
const jsOut = new Float32Array(N);
const sigmoid = (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const OPS = [
  ['exp', 0, Math.exp, -10, 10],
  ['log', 1, Math.log, 0.001, 100],
  ['log1p', 2, Math.log1p, -0.9, 100],
  ['tanh', 3, Math.tanh, -5, 5],
  ['sigmoid', 4, sigmoid, -10, 10],
];
console.log(`unaryMath, ${N} float32 (1M):`);
for (const [name, op, f, lo, hi] of OPS) {
  for (let i = 0; i < N; i++) xs[i] = lo + rand() * (hi - lo);
  const input = Float32Array.from(xs);
  const wasmMs = time(() => k.unaryMath(op, x, y, 0, N));
  const jsMs = time(() => {
    for (let i = 0; i < N; i++) jsOut[i] = f(input[i]);
  });
  report(name, N, wasmMs, jsMs);
}

// sumColumns [128, 512] (bias gradient) vs a float64 JS loop reading rows contiguously.
{
  const rows = 128;
  const cols = 512;
  const a = alloc(rows * cols);
  const av = f32(a, rows * cols);
  for (let i = 0; i < av.length; i++) av[i] = rand() * 2 - 1;
  const input = Float32Array.from(av);
  const out = alloc(cols);
  const acc = new Float64Array(cols);
  const jsY = new Float32Array(cols);
  const wasmMs = time(() => k.sumColumns(a, out, rows, cols, 0, cols));
  const jsMs = time(() => {
    acc.fill(0);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) acc[j] += input[i * cols + j];
    jsY.set(acc);
  });
  console.log('\nreductions:');
  report('sumColumns [128, 512]', rows * cols, wasmMs, jsMs);
  const sumMs = time(() => k.sumRows(a, out, cols, 0, rows));
  const jsSumMs = time(() => {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += input[r * cols + j];
      jsY[r] = s;
    }
  });
  report('sumRows [128, 512]', rows * cols, sumMs, jsSumMs);
}

// softmax / log-softmax rows vs the scalar kernels' loops (src/kernels/softmax.ts, helpers/rows.ts).
function softmaxJs(xv, yv, cols, log) {
  for (let start = 0; start < xv.length; start += cols) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) m = Math.max(m, xv[start + j]);
    let total = 0;
    if (log) {
      for (let j = 0; j < cols; j++) total += Math.exp(xv[start + j] - m);
      const lse = m + Math.log(total);
      for (let j = 0; j < cols; j++) yv[start + j] = xv[start + j] - lse;
    } else {
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(xv[start + j] - m);
        yv[start + j] = e;
        total += e;
      }
      for (let j = 0; j < cols; j++) yv[start + j] /= total;
    }
  }
}
for (const [rows, cols] of [
  [128, 10],
  [128, 1000],
]) {
  const a = alloc(rows * cols);
  const av = f32(a, rows * cols);
  for (let i = 0; i < av.length; i++) av[i] = rand() * 20 - 10;
  const input = Float32Array.from(av);
  const out = alloc(rows * cols);
  const jsY = new Float32Array(rows * cols);
  for (const log of [0, 1]) {
    const wasmMs = time(() => k.softmaxRows(a, out, cols, 0, rows, log));
    const jsMs = time(() => softmaxJs(input, jsY, cols, log));
    report(`${log ? 'logSoftmax' : 'softmax'} [${rows}, ${cols}]`, rows * cols, wasmMs, jsMs);
  }
  const labels = alloc(rows);
  new Int32Array(memory.buffer, labels, rows).forEach((_, i, arr) => {
    arr[i] = (i * 7) % cols;
  });
  const ce = alloc(rows);
  const labelsJs = new Int32Array(memory.buffer, labels, rows).slice();
  const jsCe = new Float32Array(rows);
  const wasmMs = time(() => k.crossEntropyRows(a, labels, ce, cols, 0, rows));
  const jsMs = time(() => {
    for (let r = 0; r < rows; r++) {
      const start = r * cols;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < cols; j++) m = Math.max(m, input[start + j]);
      let total = 0;
      for (let j = 0; j < cols; j++) total += Math.exp(input[start + j] - m);
      jsCe[r] = m + Math.log(total) - input[start + labelsJs[r]];
    }
  });
  report(`crossEntropy [${rows}, ${cols}]`, rows * cols, wasmMs, jsMs);
}
