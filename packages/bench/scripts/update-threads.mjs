// Benchmark aid (not a test): the fused SGD and Adam updates over 10M parameters (shaped as the bench's update
// benchmark: two weights and two biases) on backend-cpu at 1 thread, 2 threads, and 2 threads whose idle threads poll
// for 5 ms instead of 0.2 (so the worker never sleeps between updates). Every round times 10 updates of each optimizer on
// each setup, in an order rotated by one each round; prints per-round medians, and for the 2-thread setups what the
// calling thread did during the SGD updates (`threadStats()`): splits, jobs it took over from a worker that had not
// started, milliseconds on its own share and waiting. A round whose own share takes as long as the whole update on one
// thread shows the two threads sharing the machine's memory bandwidth, not waiting on each other. After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/update-threads.mjs [rounds=8]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { Adam, SGD } from '@backprop/optimizers';
import { updateTensors } from './mlp-setup.mjs';

const rounds = Number(process.argv[2] ?? 8);
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const setups = [];
for (const [tag, options] of [
  ['1 thread', { threads: 1 }],
  ['2 threads', { threads: 2 }],
  ['2t, spin 5', { threads: 2, spinMs: 5 }],
]) {
  const backend = cpu(options);
  const { ps, gs } = await updateTensors(backend);
  const optimizers = { SGD: new SGD({ lr: 0.01 }), Adam: new Adam({ lr: 1e-3 }) };
  // Three untimed updates each: the first touch of fresh memory and V8's compilation stay out of the rounds.
  for (const o of Object.values(optimizers))
    for (let i = 0; i < 3; i++) {
      o.step(ps, gs, { inPlace: true });
      await ps[3].value.data();
    }
  setups.push({ tag, backend, ps, gs, optimizers, medians: {} });
}
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < setups.length; k++) {
    const s = setups[(k + r) % setups.length];
    await bp.setBackend(s.backend);
    for (const [name, o] of Object.entries(s.optimizers)) {
      const before = { ...s.backend.threadStats() };
      const times = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        o.step(s.ps, s.gs, { inPlace: true });
        await s.ps[3].value.data();
        times.push(performance.now() - t0);
      }
      s.medians[name] = [...(s.medians[name] ?? []), median(times)];
      const after = s.backend.threadStats();
      if (after && name === 'SGD') {
        const d = (key) => after[key] - (before[key] ?? 0);
        console.log(
          `round ${r} ${s.tag}: SGD ${median(times).toFixed(2)} ms; per 10 updates: splits ${d('runs')}, taken over ${d('takenOver')}, own ${d('ownMs').toFixed(1)} ms, waiting ${d('waitMs').toFixed(1)} ms`,
        );
      }
    }
  }
}
for (const s of setups)
  for (const [name, v] of Object.entries(s.medians))
    console.log(
      `${s.tag.padEnd(10)} ${name.padEnd(4)} ${median(v).toFixed(2)} ms; rounds ${v.map((x) => x.toFixed(2)).join(' ')}`,
    );
for (const s of setups) s.backend.destroy();
