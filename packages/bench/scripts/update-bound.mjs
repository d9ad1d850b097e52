// Benchmark aid (not a test): where backend-cpu's SGD update over 10M parameters (the bench's four tensors) spends its
// time on two threads, and what bounds it. In one process, on the same tensors, in alternating blocks:
//   kernel alone: the generated `sgdStep` export over each tensor, split in two fixed halves between this thread and
//     one plain worker that polls an Atomics word (no pool, no optimizer, no validation): the floor of this kernel on
//     this machine, the way OpenMP's static schedule runs PyTorch's;
//   optimizer: `SGD.step(ps, gs, { inPlace: true })`, what `pnpm bench` times, cut into the pool's rounds (the calling
//     thread's `threadStats()` own + waiting milliseconds) and the rest (validation, the all-or-nothing bookkeeping,
//     dispatch: JavaScript on the calling thread while the worker waits);
//   bookkeeping: the same step on four 16-element tensors, warm and right after the kernel streamed the 120 MB of the
//     large update (which is what each update does to the caches): what the JavaScript costs once evicted.
// PyTorch's SGD on 2 threads (python/optimizer_updates.py: per tensor and foreach, the faster) runs before and after,
// when Debian's python3-torch is installed. After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/update-bound.mjs [rounds=8]`
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { SGD } from '@backprop/optimizers';
import { WASM_SHARED_BASE64 } from '../../backend-cpu/dist/wasm/binary.js';
import { median, updateTensors } from './mlp-setup.mjs';

const rounds = Number(process.argv[2] ?? 8);
const LR = 0.01;

function pytorchSgd() {
  const script = new URL('../python/optimizer_updates.py', import.meta.url).pathname;
  const run = spawnSync('/usr/bin/python3', [script, '10000000', '10', '2'], { encoding: 'utf8' });
  if (run.status !== 0) return 'not available (needs python3-torch)';
  const out = JSON.parse(run.stdout.trim().split('\n').at(-1));
  return `${out.msPerStep.SGD.toFixed(3)} ms (${out.foreach.SGD ? 'foreach' : 'per tensor'})`;
}

const torchBefore = pytorchSgd();
const backend = cpu({ threads: 2 });
const { ps, gs } = await updateTensors(backend);
const ptr = (t) => t.ref.handle.ptr;
const memory = backend.heap.memory;

// The static split: one argument block per tensor (sgdStep's slots: θ, g, buffer, θ′, buffer′, γ, μ, τ, λ, Nesterov,
// first step), and a control word this thread bumps to hand the worker the upper half of tensor `which`.
const module = new WebAssembly.Module(Buffer.from(WASM_SHARED_BASE64, 'base64'));
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const blocks = ps.map(() => bp.zeros([32]));
ps.forEach((p, i) => {
  new Float64Array(memory.buffer, ptr(blocks[i]), 11).set([
    ptr(p.value),
    ptr(gs[i]),
    0,
    ptr(p.value),
    0,
    LR,
    0,
    0,
    0,
    0,
    0,
  ]);
});
const halves = ps.map((p) => {
  const n = p.value.size;
  return [n, Math.ceil(n / 2 / 16) * 16];
});
const ctl = new Int32Array(new SharedArrayBuffer(16)); // [round, done, args, from·to packed as two words below]
const range = new Int32Array(new SharedArrayBuffer(8));
const worker = new Worker(
  `const { workerData: d } = require('node:worker_threads');
  const k = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  const ctl = new Int32Array(d.ctl), range = new Int32Array(d.range);
  for (let round = 0; ; ) {
    const until = performance.now() + 1;
    for (let i = 1; Atomics.load(ctl, 0) === round; i++) if (i % 256 === 0 && performance.now() > until) Atomics.wait(ctl, 0, round);
    round = Atomics.load(ctl, 0);
    if (round < 0) break;
    k.sgdStep(Atomics.load(ctl, 2), range[0], range[1]);
    Atomics.add(ctl, 1, 1);
  }`,
  { eval: true, workerData: { module, memory, ctl: ctl.buffer, range: range.buffer } },
);
let round = 0;
function kernelAlone() {
  for (let i = 0; i < ps.length; i++) {
    const [n, mid] = halves[i];
    const args = ptr(blocks[i]);
    if (n < 2 * 131072) {
      kernels.sgdStep(args, 0, n); // as the pool: small tensors stay on this thread
      continue;
    }
    range[0] = mid;
    range[1] = n;
    Atomics.store(ctl, 2, args);
    Atomics.store(ctl, 0, ++round);
    Atomics.notify(ctl, 0);
    kernels.sgdStep(args, 0, mid);
    while (Atomics.load(ctl, 1) < round);
  }
}

const optimizer = new SGD({ lr: LR });
let pool = 0;
function optimizerStep() {
  const before = backend.threadStats();
  optimizer.step(ps, gs, { inPlace: true });
  const after = backend.threadStats();
  pool = after.ownMs - before.ownMs + after.waitMs - before.waitMs;
}
const tiny = [[4, 4], [4], [4, 4], [4]].map((s, i) => new bp.Parameter(`t${i}`, bp.randomNormal(s)));
const tinyGrads = tiny.map((t) => bp.randomNormal(t.value.shape));
const tinyOptimizer = new SGD({ lr: LR });
const tinyStep = () => tinyOptimizer.step(tiny, tinyGrads, { inPlace: true });

const results = { kernel: [], optimizer: [], pool: [], rest: [], warm: [], cold: [] };
const time = (f) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
for (let r = -1; r < rounds; r++) {
  const block = { kernel: [], optimizer: [], pool: [], warm: [], cold: [] };
  const order = r % 2 ? ['kernel', 'optimizer', 'bookkeeping'] : ['bookkeeping', 'optimizer', 'kernel'];
  for (const what of order) {
    for (let i = 0; i < 20; i++) {
      if (what === 'kernel') block.kernel.push(time(kernelAlone));
      else if (what === 'optimizer') {
        block.optimizer.push(time(optimizerStep));
        block.pool.push(pool);
      } else {
        block.warm.push(time(tinyStep));
        kernelAlone();
        block.cold.push(time(tinyStep));
      }
    }
  }
  if (r < 0) continue; // the first block warms the code up
  const m = Object.fromEntries(Object.entries(block).map(([k, v]) => [k, median(v)]));
  m.rest = median(block.optimizer.map((t, i) => t - block.pool[i]));
  for (const k of Object.keys(results)) results[k].push(m[k]);
  console.log(
    `round ${r}: kernel alone ${m.kernel.toFixed(3)} ms; optimizer ${m.optimizer.toFixed(3)} ms = pool rounds ${m.pool.toFixed(3)} + the rest ${m.rest.toFixed(3)}; bookkeeping of 4 tiny tensors warm ${(m.warm * 1000).toFixed(0)} µs, after streaming ${(m.cold * 1000).toFixed(0)} µs`,
  );
}
const med = (k) => median(results[k]);
console.log(
  `\nmedians over ${rounds} rounds (ms): kernel alone ${med('kernel').toFixed(3)}, optimizer ${med('optimizer').toFixed(3)} (pool rounds ${med('pool').toFixed(3)}, the rest ${med('rest').toFixed(3)}), ` +
    `tiny step warm ${med('warm').toFixed(3)} / after streaming ${med('cold').toFixed(3)}`,
);
console.log(`PyTorch SGD, 2 threads, before: ${torchBefore}; after: ${pytorchSgd()}`);
Atomics.store(ctl, 0, -1);
Atomics.notify(ctl, 0);
await worker.terminate();
backend.destroy();
