#!/usr/bin/env node
// Host-side recording cost per training step, on any adapter (lavapipe included): an MLP
// 16-32-32-10 Adam step at batch 8 has the same 41 dispatches as device-bench's 784-512-512-10
// step but almost no GPU work, so the time is the JavaScript and Dawn cost of recording them.
// Run after `pnpm build`, with plain node, from packages/backend-webgpu:
//   [READ=1] [CACHE=n] [DIST=path/to/other/dist/index.js] [VERBOSE=1] node scripts/record-probe.mjs [rounds]
// READ=1 reads the loss every step (as trainStep and fit do, so batches line up with steps);
// CACHE sets bindGroupCacheSize; DIST runs another build (say a copy of an older dist) to
// compare, interleaved with this one. Prints the wall and recording ms per step (median of
// the later rounds of 100 steps) and, with VERBOSE, bind group cache hits per step.
import { losses, nn, randomUniform, setBackend, tensor, valueAndGrad } from '@backprop/core';

const { webgpu } = await import(process.env.DIST ?? '../dist/index.js');
const optimizers = await import('../../optimizers/dist/index.js');
const readEach = process.env.READ === '1';
const backend = await setBackend(webgpu(process.env.CACHE ? { bindGroupCacheSize: Number(process.env.CACHE) } : {}));
const batch = 8;
const model = new nn.Sequential(
  new nn.Dense(16, 32, { seed: 1 }),
  nn.relu(),
  new nn.Dense(32, 32, { seed: 3 }),
  nn.relu(),
  new nn.Dense(32, 10, { seed: 5 }),
);
const params = model.parameters();
const optimizer = new optimizers.Adam({ lr: 1e-3 });
const x = randomUniform([batch, 16], { seed: 7 });
const labels = tensor(
  Int32Array.from({ length: batch }, (_, i) => (i * 7) % 10),
  [batch],
  'int32',
);
let rec = 0;
const step = async () => {
  const t0 = performance.now();
  const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), labels))(
    ...params.map((p) => p.value),
  );
  optimizer.step(params, grads);
  rec += performance.now() - t0;
  if (readEach) await value.data();
  value.dispose();
  for (const g of grads) g.dispose();
};
for (let i = 0; i < 20; i++) await step();
await backend.sync();
const rounds = Number(process.argv[2] ?? 5),
  per = 100;
const res = [],
  wall = [];
for (let r = 0; r < rounds; r++) {
  const d0 = backend.stats.dispatches,
    h0 = backend.stats.bindGroupHits ?? 0;
  rec = 0;
  const w0 = performance.now();
  for (let i = 0; i < per; i++) await step();
  await backend.sync();
  wall.push((performance.now() - w0) / per);
  const d = (backend.stats.dispatches - d0) / per;
  res.push(rec / per);
  if (process.env.VERBOSE)
    console.log(
      `round ${r}: ${d} dispatches/step, ${(rec / per).toFixed(3)} ms/step, hits/step ${((backend.stats.bindGroupHits ?? 0) - h0) / per}`,
    );
}
const late = res.slice(Math.floor(rounds / 3)).sort((a, b) => a - b);
const lw = wall.slice(Math.floor(rounds / 3)).sort((a, b) => a - b);
console.log(
  `${process.env.DIST ?? 'dist'} read=${readEach ? 1 : 0}: wall ${lw[lw.length >> 1].toFixed(3)} ms/step, median ${late[late.length >> 1].toFixed(3)} ms/step recording (${((late[late.length >> 1] / 41) * 1000).toFixed(1)} us/dispatch)`,
);
await backend.destroy();
