// Benchmark aid (not a test): the generated optimizer steps with their copies of the rule per loop iteration as
// committed (`UNROLL` in update-kernels.mjs) against one copy for every kernel, in place over 10M parameters on one
// thread, alternating the two builds in each round (median of 7 calls per kernel and build and round). Also prints
// the bytes each step moves per millisecond. `node scripts/unroll-ab.mjs [rounds=8]` (needs no `pnpm build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { adamStepCoefficients } from '@backprop/core';
import { compile } from './build-wasm.mjs';
import { generateUpdates, UNROLL } from './update-kernels.mjs';

const N = 10_000_000;
const rounds = Number(process.argv[2] ?? 8);
const file = new URL('../assembly/updates.ts', import.meta.url);
const committed = readFileSync(file, 'utf8');
const builds = {};
try {
  for (const [tag, unroll] of [
    ['one copy', { sgd: 1, adam: 1, rmsprop: 1 }],
    ['as committed', UNROLL],
  ]) {
    writeFileSync(file, generateUpdates(unroll));
    builds[tag] = (await compile(true)).binary;
  }
} finally {
  writeFileSync(file, committed);
}
const pages = Math.ceil((65536 + 7 * (N * 4 + 64) + 4096) / 65536);
const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
const kernels = Object.fromEntries(
  Object.entries(builds).map(([tag, binary]) => [
    tag,
    new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory } }).exports,
  ]),
);
let top = 65536;
const alloc = (bytes) => {
  const ptr = top;
  top += Math.ceil(bytes / 64) * 64;
  return ptr;
};
let seed = 1;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const array = (fill) => {
  const ptr = alloc(N * 4);
  const view = new Float32Array(memory.buffer, ptr, N);
  for (let i = 0; i < N; i++) view[i] = fill();
  return ptr;
};
const P = array(() => rand() * 2 - 1);
const G = array(() => (rand() * 2 - 1) * 1e-3);
const M = array(() => (rand() - 0.5) * 0.1);
const V = array(() => rand() * 0.01);
const B = array(() => (rand() - 0.5) * 0.1);
const args = alloc(8 * 32);
const setArgs = (slots) => new Float64Array(memory.buffer, args, slots.length).set(slots);
const lr = Math.fround(1e-3);
const adamW = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false };
const c = adamStepCoefficients(adamW, 1, lr);
// name: [argument block, export, bytes moved per parameter]
const cases = {
  SGD: [[P, G, 0, P, 0, lr, 0, 0, 0, 0, 0], 'sgdStep', 12],
  'SGD momentum': [[P, G, B, P, B, lr, 0.9, 0, 0, 0, 0], 'sgdStep', 20],
  AdamW: [[P, G, M, V, 0, P, M, V, 0, 0.9, 0.999, c.e, c.a, c.decay, 0, 0], 'adamStep', 28],
  RMSprop: [[P, G, V, 0, 0, P, V, 0, 0, lr, 0.99, 0.01, 1e-8, 0, 0, 0], 'rmspropStep', 20],
};
const median = (v) => [...v].sort((x, y) => x - y)[v.length >> 1];
const times = {};
for (let r = 0; r < rounds; r++)
  for (const [name, [slots, fn]] of Object.entries(cases))
    for (const tag of r % 2 ? ['as committed', 'one copy'] : ['one copy', 'as committed']) {
      setArgs(slots);
      kernels[tag][fn](args, 0, N);
      const ts = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        kernels[tag][fn](args, 0, N);
        ts.push(performance.now() - t0);
      }
      const key = `${name}|${tag}`;
      times[key] = [...(times[key] ?? []), median(ts)];
    }
console.log(`optimizer steps over ${N / 1e6}M parameters in place, one thread, median of ${rounds} rounds (ms):`);
for (const [name, [, , bytes]] of Object.entries(cases)) {
  const one = times[`${name}|one copy`];
  const now = times[`${name}|as committed`];
  const faster = now.filter((t, i) => t < one[i]).length;
  console.log(
    `${name.padEnd(13)} one copy ${median(one).toFixed(3)}, as committed ${median(now).toFixed(3)} (${((N * bytes) / median(now) / 1e6).toFixed(0)} GB/s; faster in ${faster} of ${rounds} rounds)`,
  );
}
