// Benchmark aid (not a test): two builds of backend-cpu (or, with `onnx` last, backend-onnx's CPU provider, compiled
// steps) on the bench's MLP step (784-512-512-10, batch 128, Adam), at 1 and 2 threads, in one process. Each of the four trainers takes 300 warm-up steps, then every round times 30 steps of
// each, in an order rotated by one each round, so the machine's drift hits every build alike; prints the median and
// every round, and each build's 1-thread ÷ 2-thread ratio. Keep the older build by copying its package first:
// `cp -r packages/backend-cpu/dist /tmp/cpu-old/dist && cp packages/backend-cpu/package.json /tmp/cpu-old/ &&
// ln -s "$PWD/packages/backend-cpu/node_modules" /tmp/cpu-old/node_modules`, rebuild, then
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/compare-builds.mjs /tmp/cpu-old/dist/index.js [rounds=9]`
// (for backend-onnx the same with its package, and `[rounds] onnx` last).
import { median, timeInterleaved, warmTrainer } from './mlp-setup.mjs';

const [older, roundsArg, which = 'cpu'] = process.argv.slice(2);
if (!older || !['cpu', 'onnx'].includes(which))
  throw new Error('usage: compare-builds.mjs <older build: path to its dist/index.js> [rounds=9] [cpu|onnx]');
const builds = { old: older, new: `@backprop/backend-${which}` };
/** The build's backend at `threads`, ready. */
const make = async (module, threads) => {
  if (which === 'onnx') return module.onnx({ provider: 'cpu', threads });
  const backend = module.cpu({ threads });
  await backend.ready();
  return backend;
};
const rounds = Number(roundsArg ?? 9);
const trainers = [];
for (const threads of [1, 2])
  for (const [tag, path] of Object.entries(builds))
    trainers.push(
      await warmTrainer(
        `${tag} ${threads}t`,
        await make(await import(path), threads),
        which === 'onnx' ? { compile: true } : {},
      ),
    );
await timeInterleaved(trainers, rounds);
const m = Object.fromEntries(trainers.map((s) => [s.name, median(s.times)]));
console.log(
  `1 thread ÷ 2 threads: old ${(m['old 1t'] / m['old 2t']).toFixed(3)}, new ${(m['new 1t'] / m['new 2t']).toFixed(3)}`,
);
for (const s of trainers) await s.backend.destroy?.();
