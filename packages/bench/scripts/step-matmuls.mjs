// Benchmark aid (not a test): backend-cpu's matmul rate at the shapes one MLP 784-512-512-10 training step (batch
// 128) multiplies, beside its 1024³ rate — the rate the bench's "matmul floor" assumes for the whole step. Each
// backend module given runs in turn within every round (interleaved, so the machine's drift hits all alike); the
// median of 5 rounds is printed. Compare builds by passing a copy of an older `dist`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/step-matmuls.mjs [threads=1] [module ...]`
// (default module: @backprop/backend-cpu).
import * as bp from '@backprop/core';

const threads = Number(process.argv[2] ?? 1);
const modules = process.argv.length > 3 ? process.argv.slice(3) : ['@backprop/backend-cpu'];
const backends = [];
for (const name of modules) {
  const backend = (await import(name)).cpu({ threads });
  await bp.setBackend(backend);
  await backend.ready();
  backends.push(backend);
}
/** [label, m, k, n, transposeA, transposeB]: C[m×n] = A[m×k]·B[k×n]. */
const shapes = [
  ['forward, layer 1', 128, 784, 512, false, false],
  ['forward, layer 2', 128, 512, 512, false, false],
  ['∂W layer 1 (Xᵀδ)', 784, 128, 512, true, false],
  ['∂W layer 2', 512, 128, 512, true, false],
  ['∂x layer 2 (δWᵀ)', 128, 512, 512, false, true],
  ['1024³', 1024, 1024, 1024, false, false],
];
const times = new Map();
for (let round = 0; round < 5; round++) {
  for (let bi = 0; bi < backends.length; bi++) {
    await bp.setBackend(backends[bi]);
    for (const [label, m, k, n, transposeA, transposeB] of shapes) {
      const a = bp.randomUniform(transposeA ? [k, m] : [m, k], { seed: 1 });
      const b = bp.randomUniform(transposeB ? [n, k] : [k, n], { seed: 2 });
      const run = () => bp.matmul(a, b, { transposeA, transposeB });
      const reps = Math.max(2, Math.round(1e9 / (2 * m * n * k)));
      run().dispose();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) run().dispose();
      const key = `${label}|${bi}`;
      times.set(key, [...(times.get(key) ?? []), (performance.now() - t0) / reps]);
      a.dispose();
      b.dispose();
    }
  }
}
console.log(
  `backend-cpu matmul, ${threads} thread(s), median of 5 rounds: ms, GFLOP/s per module (${modules.join(', ')})`,
);
for (const [label, m, k, n] of shapes) {
  const cells = backends.map((_, bi) => {
    const ms = times.get(`${label}|${bi}`).sort((x, y) => x - y)[2];
    return `${ms.toFixed(3)} ms ${((2 * m * n * k) / ms / 1e6).toFixed(1).padStart(5)} GFLOP/s`;
  });
  console.log(`${label.padEnd(18)} ${`${m}×${k}×${n}`.padEnd(16)} ${cells.join('   ')}`);
}
