// Benchmark aid (not a test): the fused SGD update over 10M parameters (the bench's four tensors) on backend-cpu with two
// threads, for several `spinMs` settings (how long idle threads poll before they sleep) in one process, alternating in
// blocks of 10 updates. Prints the quartiles of the single updates and how many split jobs the calling thread ran itself
// because the worker had not started them (`threadStats().takenOver`): if polling longer does not lower that count,
// the worker is kept off its core by the host, not woken late. After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/update-spin.mjs '[0.2, 1, 5]' [blocks=20]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { SGD } from '@backprop/optimizers';
import { updateTensors } from './mlp-setup.mjs';

const spins = JSON.parse(process.argv[2] ?? '[0.2, 1, 5]');
const blocks = Number(process.argv[3] ?? 20);
const setups = [];
for (const spinMs of spins) {
  const backend = cpu({ threads: 2, spinMs });
  const { ps, gs } = await updateTensors(backend);
  const optimizer = new SGD({ lr: 0.01 });
  for (let i = 0; i < 3; i++) {
    optimizer.step(ps, gs, { inPlace: true });
    await ps[3].value.data();
  }
  setups.push({ spinMs, backend, ps, gs, optimizer, times: [], takenOver: 0, splits: 0 });
}
for (let b = 0; b < blocks; b++)
  for (let k = 0; k < setups.length; k++) {
    const s = setups[(k + b) % setups.length];
    await bp.setBackend(s.backend);
    const before = s.backend.threadStats();
    const [taken0, runs0] = [before.takenOver, before.runs];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      s.optimizer.step(s.ps, s.gs, { inPlace: true });
      await s.ps[3].value.data();
      s.times.push(performance.now() - t0);
    }
    const after = s.backend.threadStats();
    s.takenOver += after.takenOver - taken0;
    s.splits += after.runs - runs0;
  }
for (const s of setups) {
  const sorted = [...s.times].sort((a, b) => a - b);
  const q = (p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(2);
  console.log(
    `spinMs ${String(s.spinMs).padEnd(4)} SGD ms: p25 ${q(0.25)}, median ${q(0.5)}, p75 ${q(0.75)}, p90 ${q(0.9)}; jobs taken over ${s.takenOver} of ${s.splits}`,
  );
  s.backend.destroy();
}
