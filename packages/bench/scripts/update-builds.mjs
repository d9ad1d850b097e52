// Benchmark aid (not a test): two builds of backend-cpu on the fused optimizer update over 10M parameters (the bench's
// four tensors, `updateTensors`), in one process, alternating in blocks of 10 updates so the machine's drift hits both
// alike. Each update is timed alone (parameters read back after it); prints each build's quartiles, p90 and mean, and
// its thread statistics (`threadStats()`: split kernels, jobs, jobs the calling thread took over, own and waiting ms).
// Keep the older build by copying its package first (as for compare-builds.mjs), rebuild, then
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/update-builds.mjs /tmp/cpu-old/dist/index.js [blocks=30] [sgd|adam] [threads=2]`
import * as bp from '@backprop/core';
import { Adam, SGD } from '@backprop/optimizers';
import { updateTensors } from './mlp-setup.mjs';

const [older, blocksArg, which = 'sgd', threadsArg = '2'] = process.argv.slice(2);
if (!older || !['sgd', 'adam'].includes(which))
  throw new Error(
    'usage: update-builds.mjs <older build: path to its dist/index.js> [blocks=30] [sgd|adam] [threads=2]',
  );
const blocks = Number(blocksArg ?? 30);
const setups = [];
for (const [tag, path] of [
  ['old', older],
  ['new', '@backprop/backend-cpu'],
]) {
  const backend = (await import(path)).cpu({ threads: Number(threadsArg) });
  const { ps, gs } = await updateTensors(backend);
  const optimizer = which === 'sgd' ? new SGD({ lr: 0.01 }) : new Adam({ lr: 0.001 });
  for (let i = 0; i < 5; i++) {
    optimizer.step(ps, gs, { inPlace: true });
    await ps[3].value.data();
  }
  setups.push({ tag, backend, ps, gs, optimizer, times: [] });
}
for (let b = 0; b < blocks; b++)
  for (let k = 0; k < setups.length; k++) {
    const s = setups[(k + b) % setups.length];
    await bp.setBackend(s.backend);
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      s.optimizer.step(s.ps, s.gs, { inPlace: true });
      await s.ps[3].value.data();
      s.times.push(performance.now() - t0);
    }
  }
for (const s of setups) {
  const sorted = [...s.times].sort((a, b) => a - b);
  const q = (p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(2);
  const mean = s.times.reduce((a, b) => a + b, 0) / s.times.length;
  const stats = s.backend.threadStats?.();
  console.log(
    `${s.tag} ${which} ms: p10 ${q(0.1)}, p25 ${q(0.25)}, median ${q(0.5)}, p75 ${q(0.75)}, p90 ${q(0.9)}, mean ${mean.toFixed(2)}; threads ${JSON.stringify(stats, (_, v) => (typeof v === 'number' ? Math.round(v) : v))}`,
  );
  s.backend.destroy();
}
