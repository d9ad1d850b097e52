/**
 * The random generator: the exact Philox-4x32-10 stream (core's `philoxUniform` and literal
 * Random123 known-answer vectors), the global generator's offsets, randomNormal moments and
 * the Box–Muller transform, and bernoulli's rate and exact mask.
 */
import * as core from '@backprop/core';
import type { ConformanceCase } from '../case.js';
import { assert, assertClose, EXACT } from '../check/close.js';
import { evaluate, valueCase } from '../check/evaluate.js';
import { host } from '../check/host.js';

/** Random123's known-answer vectors for Philox-4x32-10: counter, key, expected words. */
export const PHILOX_KAT: [number[], [number, number], number[]][] = [
  [
    [0, 0, 0, 0],
    [0, 0],
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  ],
  [
    [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    [0xa4093822, 0x299f31d0],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  ],
];

const stream = (seed: number, offset: number, n: number) =>
  Array.from(core.philoxUniform(core.keyFromSeed(seed), offset, n));

/** Reads the first `n` raw uniforms of a kernel call with explicit key and offset. */
function kernelUniform(key: readonly [number, number], offset: number, n: number) {
  return core.runKernel('randomUniform', [], { key, offset }, { shape: [n], dtype: 'float32' });
}

/** The random cases. */
export const randomCases: ConformanceCase[] = [
  {
    id: 'random/philox/known-answers',
    kernels: [],
    run: async () => {
      for (const [counter, key, words] of PHILOX_KAT) {
        assertClose(
          `philox4x32(${counter.map((c) => c.toString(16))})`,
          Array.from(core.philox4x32(counter, key)),
          words,
          EXACT,
        );
      }
    },
  },
  valueCase({
    id: 'random/philox/known-answer-stream',
    kernels: ['randomUniform'],
    f: () => core.randomUniform([4], { seed: 0 }),
    expected: host(PHILOX_KAT[0][2].map((w) => (w >>> 8) * 2 ** -24)),
    tol: EXACT,
  }),
  valueCase({
    id: 'random/uniform/seed42',
    kernels: ['randomUniform'],
    f: () => [core.randomUniform([1000], { seed: 42 }), core.randomUniform([3, 5, 7], { seed: 42 })],
    expected: [host(stream(42, 0, 1000)), host(stream(42, 0, 105), [3, 5, 7])],
    tol: EXACT,
  }),
  valueCase({
    id: 'random/uniform/seed42/literal',
    kernels: ['randomUniform'],
    f: () => core.randomUniform([6], { seed: 42 }),
    // Literal values (× 2⁻²⁴): pinned so that a change to core's generator fails here too.
    expected: host([10283760, 7861577, 1228624, 5718707, 16571169, 5487212].map((k) => k * 2 ** -24)),
    tol: EXACT,
  }),
  valueCase({
    id: 'random/uniform/global-offsets',
    kernels: ['randomUniform'],
    f: () => {
      core.manualSeed(42);
      const a = core.randomUniform([5]);
      const b = core.randomUniform([7]);
      const c = core.randomUniform([1]);
      return [a, b, c];
    },
    // 5 values use 2 blocks, 7 use 2 more: the draws start at blocks 0, 2 and 4.
    expected: [host(stream(42, 0, 5)), host(stream(42, 2, 7)), host(stream(42, 4, 1))],
    tol: EXACT,
  }),
  valueCase({
    id: 'random/uniform/large-offset-and-key',
    kernels: ['randomUniform'],
    f: () => [kernelUniform([0x89abcdef, 0x01234567], 2 ** 32 - 1, 9), kernelUniform([7, 0xffffffff], 2 ** 40 + 5, 3)],
    expected: [
      host(Array.from(core.philoxUniform([0x89abcdef, 0x01234567], 2 ** 32 - 1, 9))),
      host(Array.from(core.philoxUniform([7, 0xffffffff], 2 ** 40 + 5, 3))),
    ],
    tol: EXACT,
  }),
  valueCase({
    id: 'random/uniform/range-and-odd',
    kernels: ['randomUniform', 'mul', 'add'],
    f: () => [
      core.randomUniform([129], { seed: 7, low: -2, high: 3 }),
      core.randomUniform([0, 3], { seed: 7 }),
      core.randomUniform([], { seed: 7 }),
    ],
    expected: [
      host(stream(7, 0, 129).map((u) => Math.fround(Math.fround(u * 5) + -2))),
      host([], [0, 3]),
      host(stream(7, 0, 1), []),
    ],
    tol: EXACT,
  }),
  valueCase({
    id: 'random/normal/box-muller',
    kernels: ['randomUniform', 'log', 'sqrt', 'cos'],
    f: () => core.randomNormal([33], { seed: 42 }),
    expected: (() => {
      const u = stream(42, 0, 66);
      return host(u.slice(0, 33).map((u1, i) => Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u[33 + i])));
    })(),
    tol: { rtol: 1e-5, atol: 1e-5 },
  }),
  {
    id: 'random/normal/moments',
    kernels: ['randomUniform', 'log', 'sqrt', 'cos'],
    run: async () => {
      const [r] = await evaluate(() => core.randomNormal([8192], { seed: 3, mean: 2, std: 0.5 }));
      const m = r.values.reduce((s, v) => s + v, 0) / r.values.length;
      const v = r.values.reduce((s, x) => s + (x - m) ** 2, 0) / r.values.length;
      const skew = r.values.reduce((s, x) => s + ((x - m) / Math.sqrt(v)) ** 3, 0) / r.values.length;
      // Standard errors at n = 8192: mean 0.0055, variance 0.0039, skewness 0.027; bounds are about 4σ.
      assert(Math.abs(m - 2) < 0.025, `random/normal/moments: mean ${m}, expected 2 ± 0.025`);
      assert(Math.abs(v - 0.25) < 0.016, `random/normal/moments: variance ${v}, expected 0.25 ± 0.016`);
      assert(Math.abs(skew) < 0.11, `random/normal/moments: skewness ${skew}, expected 0 ± 0.11`);
      assert(r.values.every(Number.isFinite), 'random/normal/moments: a value is not finite');
    },
  },
  valueCase({
    id: 'random/bernoulli/exact',
    kernels: ['randomUniform', 'less', 'cast'],
    f: () => [core.bernoulli([65], 0.3, { seed: 5 }), core.bernoulli([4], 0.5, { seed: 5, dtype: 'bool' })],
    expected: [
      host(stream(5, 0, 65).map((u) => (u < Math.fround(0.3) ? 1 : 0))),
      host(
        stream(5, 0, 4).map((u) => (u < 0.5 ? 1 : 0)),
        [4],
        'bool',
      ),
    ],
    tol: EXACT,
  }),
  {
    id: 'random/bernoulli/rate',
    kernels: ['randomUniform', 'less', 'cast'],
    run: async () => {
      const [r] = await evaluate(() => core.bernoulli([8192], 0.3, { seed: 11 }));
      const rate = r.values.reduce((s, v) => s + v, 0) / r.values.length;
      assert(
        r.values.every((v) => v === 0 || v === 1),
        'random/bernoulli/rate: values must be 0 or 1',
      );
      assert(Math.abs(rate - 0.3) < 0.02, `random/bernoulli/rate: rate ${rate}, expected 0.3 ± 0.02`);
    },
  },
];
