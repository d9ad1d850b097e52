// Benchmark aid (not a test): how the MLP 784-512-512-10 training step (batch 128, Adam) on backend-cpu speeds up over
// its first steps, on one thread and on two, and why. Rounds alternate a 1-thread and a 2-thread trainer in one
// process (they share V8's compiled code); each round prints both ms/step and the CPU time every other thread of the
// process used meanwhile (from /proc/self/task, Linux only): the backend's kernel worker, and V8's background threads,
// which compile the step's JavaScript for its first few hundred steps. While they compile they compete with the
// kernel worker for the second core, so the 2-thread step is slowed most. `pnpm bench` therefore trains every system
// untimed before its timed rounds (`--warmup`).
// `node --experimental-wasm-relaxed-simd packages/bench/scripts/jit-warmup.mjs [rounds=16] [steps per round=50]`
import { readdirSync, readFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import * as bp from '@backprop/core';
import { mlpTrainer } from './mlp-setup.mjs';

const rounds = Number(process.argv[2] ?? 16);
const steps = Number(process.argv[3] ?? 50);

/** CPU milliseconds (user + system) of each thread of this process, by thread id. */
function threadCpuMs() {
  const ms = {};
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ms[tid] = (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 10 ms ticks
  }
  return ms;
}

/** A trainer on `backend`; returns a function timing `n` steps (ms per step). */
async function stepper(backend) {
  await bp.setBackend(backend);
  await backend.ready();
  const { x, y, train } = mlpTrainer();
  return async (n) => {
    await bp.setBackend(backend);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await train(x, y);
    return (performance.now() - t0) / n;
  };
}

const one = cpu({ threads: 1 });
const two = cpu({ threads: 2 });
const [s1, s2] = [await stepper(one), await stepper(two)];
const main = String(process.pid);
console.log(`backend-cpu MLP step, ${steps} steps per thread count per round, alternating in one process`);
console.log(
  '| steps so far (each) | 1 thread ms/step | 2 threads ms/step | 1t ÷ 2t | main thread CPU ms | other threads CPU ms (largest first) |',
);
console.log('|---:|---:|---:|---:|---:|:---|');
for (let r = 0; r < rounds; r++) {
  const before = threadCpuMs();
  const t1 = await s1(steps);
  const t2 = await s2(steps);
  const after = threadCpuMs();
  const others = Object.keys(after)
    .filter((tid) => tid !== main)
    .map((tid) => after[tid] - (before[tid] ?? 0))
    .filter((ms) => ms > 0)
    .sort((a, b) => b - a);
  console.log(
    `| ${r * steps} | ${t1.toFixed(2)} | ${t2.toFixed(2)} | ${(t1 / t2).toFixed(2)}× | ${after[main] - before[main]} | ${others.join(', ')} |`,
  );
}
one.destroy();
two.destroy();
