// Benchmark aid (not a test): two sets of backend-cpu options on the bench's MLP step (784-512-512-10, batch 128, Adam),
// in one process. Each trainer takes 300 warm-up steps, then every round times 30 steps of each, in an order rotated by
// one each round, so the machine's drift hits both alike; prints the median and every round. Where compare-builds.mjs
// weighs two builds of the code, this weighs two settings of one build, e.g. whether splitting the Adam update across
// the threads pays inside a step (a threshold no split reaches turns it off for the update alone: the step's other
// split kernels are products, whose threshold is separate). After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/compare-options.mjs '{"threads":2}' '{"threads":2,"parallelMinElements":100000000}' [rounds=9]`
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { mlpTrainer } from './mlp-setup.mjs';

const [a, b, roundsArg] = process.argv.slice(2);
if (!a || !b)
  throw new Error("usage: compare-options.mjs '<cpu options A as JSON>' '<cpu options B as JSON>' [rounds=9]");
const rounds = Number(roundsArg ?? 9);
const trainers = [];
for (const [tag, options] of [
  ['A', a],
  ['B', b],
]) {
  const backend = cpu(JSON.parse(options));
  await backend.ready();
  await bp.setBackend(backend);
  const t = mlpTrainer();
  for (let i = 0; i < 300; i++) await t.train(t.x, t.y);
  trainers.push({ name: `${tag} ${options}`, backend, ...t, times: [] });
}
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < trainers.length; k++) {
    const s = trainers[(k + r) % trainers.length];
    await bp.setBackend(s.backend);
    const t0 = performance.now();
    for (let i = 0; i < 30; i++) await s.train(s.x, s.y);
    s.times.push((performance.now() - t0) / 30);
  }
}
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const s of trainers)
  console.log(`${s.name}: ${median(s.times).toFixed(2)} ms/step; rounds ${s.times.map((v) => v.toFixed(2)).join(' ')}`);
for (const s of trainers) s.backend.destroy();
