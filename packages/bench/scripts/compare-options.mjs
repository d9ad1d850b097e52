// Benchmark aid (not a test): two sets of backend-cpu options on the bench's MLP step (784-512-512-10, batch 128, Adam),
// in one process. Each trainer takes 300 warm-up steps, then every round times 30 steps of each, in an order rotated by
// one each round, so the machine's drift hits both alike; prints the median and every round. Where compare-builds.mjs
// weighs two builds of the code, this weighs two settings of one build, e.g. whether splitting the Adam update across
// the threads pays inside a step (a threshold no split reaches turns it off for the update alone: the step's other
// split kernels are products, whose threshold is separate). After `pnpm build`:
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/compare-options.mjs '{"threads":2}' '{"threads":2,"parallelMinElements":100000000}' [rounds=9]`
import { cpu } from '@backprop/backend-cpu';
import { timeInterleaved, warmTrainer } from './mlp-setup.mjs';

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
  trainers.push(await warmTrainer(`${tag} ${options}`, backend));
}
await timeInterleaved(trainers, rounds);
for (const s of trainers) s.backend.destroy();
