/**
 * The SIMD kernels that run on tensors in place (transcendentals, reductions, softmax rows,
 * cross-entropy, comparisons, where, fused optimizer updates) against the scalar kernels, on one
 * thread and split across two (a threshold of 64 elements per thread forces the split), with
 * odd sizes, NaN and infinities. Exact where the SIMD kernel promises it, within float32 ulps
 * elsewhere.
 */
import type { Backend, DType, Shape, TensorInfo } from '@backprop/core';
import { sizeOf } from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CpuBackend, cpu } from '../src/index.js';
import { ulps } from './wasm-direct.js';

const scalar = cpu({ simd: false, threads: 1 });
const paths: [string, CpuBackend][] = [
  ['simd, 1 thread', cpu({ simd: true, threads: 1 })],
  ['simd, 2 threads, split from 64 elements', cpu({ simd: true, threads: 2, parallelMinElements: 64 })],
  [
    'simd, 2 threads, split from 64 elements, idle threads polling 0.5 ms',
    cpu({ threads: 2, parallelMinElements: 64, spinMs: 0.5 }),
  ],
  // Three threads (more than this 2-core machine has): shares for two workers, and a worker often late.
  ['simd, 3 threads, split from 64 elements', cpu({ simd: true, threads: 3, parallelMinElements: 64 })],
];
beforeAll(async () => {
  for (const [, b] of paths) await b.ready();
});
afterAll(() => {
  for (const [, b] of paths) b.destroy();
});

/** Deterministic values in [lo, hi) from a small LCG, with NaN/±∞ sprinkled in when `specials`. */
function random(n: number, seed: number, lo = -1, hi = 1, specials = false): Float32Array {
  let s = seed >>> 0;
  const out = Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s / 2 ** 32) * (hi - lo);
  });
  if (specials && n > 40) {
    out[3] = Number.NaN;
    out[17] = Number.POSITIVE_INFINITY;
    out[29] = Number.NEGATIVE_INFINITY;
    out[31] = -0;
  }
  return out;
}

type Input = [values: Float32Array | Int32Array | Uint8Array, shape: Shape, dtype?: DType];

/** Runs kernel `name` on `b` with copies of `inputs`; returns every output's values. */
function run(b: Backend, name: string, inputs: Input[], attrs: object, outs: { shape: Shape; dtype: DType }[]) {
  const infos: TensorInfo[] = inputs.map(([v, shape, dtype = 'float32']) => ({
    handle: b.write(v, shape, dtype),
    shape,
    dtype,
  }));
  const kernel = (b.kernels as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
  const result = kernel(
    infos,
    attrs,
    outs.length === 1 && name !== 'sgdUpdate' && !name.endsWith('Update') ? outs[0] : outs,
    {
      backend: b,
      name,
    },
  );
  const handles = (Array.isArray(result) ? result : [result]) as object[];
  const values = handles.map((h, k) => {
    b.registerOutput?.(h);
    const v = Array.from(b.readSync!(h, outs[k].shape, outs[k].dtype));
    b.dispose(h);
    return v;
  });
  for (const info of infos) b.dispose(info.handle);
  expect((b as CpuBackend).heap.liveBlocks).toBe(b.memory().handles);
  return values;
}

function expectUlps(actual: number[][], expected: number[][], max: number, atol = 0): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    expect(a.length).toBe(expected[k].length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const e = expected[k][i];
      const d = Math.abs(a[i] - e) <= atol ? 0 : ulps(a[i], e);
      if (!(d <= worst)) worst = d;
    }
    expect(worst, `output ${k}`).toBeLessThanOrEqual(max);
  });
}

describe.each(paths)('SIMD kernels on tensors in place: %s', (_name, fast) => {
  for (const op of ['exp', 'log', 'log1p', 'tanh', 'sigmoid'] as const) {
    it(`${op} within 1 ulp of the scalar kernel (1037 values, NaN, ±∞, −0)`, () => {
      const range = op === 'exp' ? [-100, 100] : op === 'log' ? [0, 50] : op === 'log1p' ? [-1, 10] : [-30, 30];
      const x: Input = [random(1037, 7, range[0], range[1], true), [1037]];
      const outs = [{ shape: [1037], dtype: 'float32' as DType }];
      expectUlps(run(fast, op, [x], {}, outs), run(scalar, op, [x], {}, outs), 1);
    });
  }

  const reductions: [Shape, number[]][] = [
    [[130, 77], [1]],
    [[130, 77], [0]],
    [
      [5, 26, 33],
      [1, 2],
    ],
    [
      [5, 26, 33],
      [0, 1],
    ],
    [[2000], [0]],
  ];
  for (const [shape, axes] of reductions) {
    it(`sum, max and min of ${JSON.stringify(shape)} over ${JSON.stringify(axes)}`, () => {
      const n = shape.reduce((p, d) => p * d, 1);
      const x: Input = [random(n, 11, -2, 3, true), shape];
      const outShape = shape.filter((_, d) => !axes.includes(d));
      const outs = [{ shape: outShape, dtype: 'float32' as DType }];
      expectUlps(run(fast, 'sum', [x], { axes }, outs), run(scalar, 'sum', [x], { axes }, outs), 1);
      expectUlps(run(fast, 'max', [x], { axes }, outs), run(scalar, 'max', [x], { axes }, outs), 0);
      expectUlps(run(fast, 'min', [x], { axes }, outs), run(scalar, 'min', [x], { axes }, outs), 0);
    });
  }

  for (const [rows, cols] of [
    [130, 10],
    [7, 1000],
    [300, 1],
  ]) {
    it(`softmax, log-softmax and cross-entropy of [${rows}, ${cols}] (one NaN row, labels outside [0, C) give NaN)`, () => {
      const logits = random(rows * cols, 5, -20, 20);
      logits[cols] = Number.NaN;
      const x: Input = [logits, [rows, cols]];
      const out = [{ shape: [rows, cols], dtype: 'float32' as DType }];
      expectUlps(run(fast, 'softmax', [x], {}, out), run(scalar, 'softmax', [x], {}, out), 2);
      expectUlps(run(fast, 'logSoftmax', [x], {}, out), run(scalar, 'logSoftmax', [x], {}, out), 2, 1e-6);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r === 2 ? cols : r === 4 ? -1 : (r * 7) % cols));
      const ce: Input[] = [x, [labels, [rows], 'int32']];
      const lossOut = [{ shape: [rows], dtype: 'float32' as DType }];
      expectUlps(
        run(fast, 'softmaxCrossEntropy', ce, {}, lossOut),
        run(scalar, 'softmaxCrossEntropy', ce, {}, lossOut),
        2,
        1e-6,
      );
    });
  }

  for (const op of ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const) {
    it(`${op}: exact, both full size and either side one value (NaN, ±∞, ±0)`, () => {
      const a: Input = [random(1037, 3, -1, 1, true), [1037]];
      const b: Input = [random(1037, 4, -1, 1, true), [1037]];
      b[0][31] = 0; // −0 against +0
      const out = [{ shape: [1037], dtype: 'bool' as DType }];
      for (const [x, y] of [
        [a, b],
        [a, [new Float32Array([0.25]), []] as Input],
        [[new Float32Array([Number.NaN]), []] as Input, b],
      ])
        expect(run(fast, op, [x, y], {}, out)).toEqual(run(scalar, op, [x, y], {}, out));
    });
  }

  it('binary ops and comparisons whose operands have as many values as each other but broadcast to more', () => {
    // [n, 1] against [1, n] is an n×n outer broadcast, and [4, 1, 50] against [1, 4, 50] a [4, 4, 50] one:
    // equal value counts must not read as "both full size".
    for (const [sa, sb, so] of [
      [
        [100, 1],
        [1, 100],
        [100, 100],
      ],
      [
        [4, 1, 50],
        [1, 4, 50],
        [4, 4, 50],
      ],
      [
        [3, 1],
        [1, 3],
        [3, 3],
      ],
    ] as [Shape, Shape, Shape][]) {
      const a: Input = [random(sizeOf(sa), 5, -2, 2, true), sa];
      const b: Input = [random(sizeOf(sb), 6, -2, 2, true), sb];
      for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const) {
        const out = [{ shape: so, dtype: 'float32' as DType }];
        expect(run(fast, op, [a, b], {}, out), `${op} ${sa} ${sb}`).toEqual(run(scalar, op, [a, b], {}, out));
      }
      for (const op of ['equal', 'greater', 'lessEqual'] as const) {
        const out = [{ shape: so, dtype: 'bool' as DType }];
        expect(run(fast, op, [a, b], {}, out), `${op} ${sa} ${sb}`).toEqual(run(scalar, op, [a, b], {}, out));
      }
    }
  });

  it('where: exact, branches full size or one value', () => {
    const cond: Input = [Uint8Array.from({ length: 1037 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)), [1037], 'bool'];
    const a: Input = [random(1037, 8, -1, 1, true), [1037]];
    const b: Input = [random(1037, 9, -1, 1, true), [1037]];
    const one: Input = [new Float32Array([-0]), []];
    const out = [{ shape: [1037], dtype: 'float32' as DType }];
    for (const [x, y] of [
      [a, b],
      [one, b],
      [a, one],
    ]) {
      const got = run(fast, 'where', [cond, x, y], {}, out)[0];
      const want = run(scalar, 'where', [cond, x, y], {}, out)[0];
      expect(got.every((v, i) => Object.is(v, want[i]))).toBe(true);
    }
  });

  const n = 1037;
  const param: Input = [random(n, 21, -2, 2), [n]];
  const grad: Input = [random(n, 22, -1, 1), [n]];
  const state = (seed: number, lo = 0): Input => [random(n, seed, lo, 1), [n]];
  const lr: Input = [new Float32Array([0.01]), []];
  const f32 = (k: number) => Array.from({ length: k }, () => ({ shape: [n], dtype: 'float32' as DType }));
  const bitExact = (got: number[][], want: number[][]) =>
    expect(got.map((o, k) => o.every((v, i) => Object.is(v, want[k][i])))).toEqual(want.map(() => true));

  for (const attrs of [
    { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true },
    { momentum: 0, dampening: 0, nesterov: false, weightDecay: 1e-2, firstStep: false },
    { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true },
    { momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 1e-3, firstStep: false },
    { momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-3, firstStep: false },
  ]) {
    it(`sgdUpdate bit-identical to the scalar kernel: ${JSON.stringify(attrs)}`, () => {
      const inputs = [param, grad, ...(attrs.momentum > 0 && !attrs.firstStep ? [state(23, -1)] : []), lr];
      const outs = f32(attrs.momentum > 0 ? 2 : 1);
      bitExact(run(fast, 'sgdUpdate', inputs, attrs, outs), run(scalar, 'sgdUpdate', inputs, attrs, outs));
    });
  }

  it('sgdUpdate without weight decay leaves an infinite parameter infinite (as PyTorch), bit-identical to scalar', () => {
    const special: Input = [random(n, 21, -2, 2, true), [n]];
    for (const momentum of [0, 0.9]) {
      for (const weightDecay of [0, 1e-2]) {
        const attrs = { momentum, dampening: 0, nesterov: false, weightDecay, firstStep: true };
        const outs = f32(momentum > 0 ? 2 : 1);
        const got = run(fast, 'sgdUpdate', [special, grad, lr], attrs, outs);
        bitExact(got, run(scalar, 'sgdUpdate', [special, grad, lr], attrs, outs));
        // θ = +∞ at 17, −∞ at 29: g + 0·θ would be NaN; PyTorch adds no decay term when λ = 0.
        expect([got[0][17], got[0][29]]).toEqual(
          weightDecay === 0 ? [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] : [Number.NaN, Number.NaN],
        );
      }
    }
  });

  for (const attrs of [
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false },
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: false, amsgrad: false },
    { beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 1e-2, decoupled: true, amsgrad: false },
    { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, amsgrad: true },
  ]) {
    it(`adamUpdate bit-identical to the scalar kernel: ${JSON.stringify(attrs)}`, () => {
      for (const t of [1, 7]) {
        const step: Input = [new Int32Array([t]), [], 'int32'];
        const inputs = [param, grad, state(24, -1), state(25), step, ...(attrs.amsgrad ? [state(26)] : []), lr];
        const outs = f32(attrs.amsgrad ? 4 : 3);
        bitExact(run(fast, 'adamUpdate', inputs, attrs, outs), run(scalar, 'adamUpdate', inputs, attrs, outs));
      }
    });
  }

  for (const attrs of [
    { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
    { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 1e-3, momentum: 0.5, centered: false },
    { decay: 0.9, scale: 0.1, eps: 1e-6, weightDecay: 0, momentum: 0, centered: true },
    { decay: 0.9, scale: 0.1, eps: 1e-6, weightDecay: 1e-3, momentum: 0.9, centered: true },
    { decay: 1, scale: 1, eps: 1e-10, weightDecay: 0, momentum: 0, centered: false },
  ]) {
    it(`rmspropUpdate bit-identical to the scalar kernel: ${JSON.stringify(attrs)}`, () => {
      const inputs = [
        param,
        grad,
        state(27, 0.5),
        ...(attrs.centered ? [state(28, -0.1)] : []),
        ...(attrs.momentum > 0 ? [state(29, -1)] : []),
        lr,
      ];
      const outs = f32(2 + (attrs.centered ? 1 : 0) + (attrs.momentum > 0 ? 1 : 0));
      bitExact(run(fast, 'rmspropUpdate', inputs, attrs, outs), run(scalar, 'rmspropUpdate', inputs, attrs, outs));
    });
  }

  it('fused updates of tiny parameters (1, 3, 10, 63 elements: a bias, a scalar) run on SIMD, bit-identical to scalar', () => {
    for (const k of [1, 3, 10, 63]) {
      const cut = ([values]: Input, lo = 0): Input => [(values as Float32Array).slice(lo, lo + k), [k]];
      const outs = (count: number) => Array.from({ length: count }, () => ({ shape: [k], dtype: 'float32' as DType }));
      const step: Input = [new Int32Array([3]), [], 'int32'];
      const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, decoupled: true, amsgrad: true };
      // The longer cuts take in the edge values at 5, 6, 11 and 12: 0, −0, 1e-30 and a huge value.
      const adamInputs = [cut(param, 1), cut(grad, 2), cut(state(24, -1)), cut(state(25)), step, cut(state(26)), lr];
      bitExact(
        run(fast, 'adamUpdate', adamInputs, adam, outs(4)),
        run(scalar, 'adamUpdate', adamInputs, adam, outs(4)),
      );
      const sgd = { momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-3, firstStep: false };
      const sgdInputs = [cut(param), cut(grad, 7), cut(state(23, -1)), lr];
      bitExact(run(fast, 'sgdUpdate', sgdInputs, sgd, outs(2)), run(scalar, 'sgdUpdate', sgdInputs, sgd, outs(2)));
      const rms = { decay: 0.9, scale: 0.1, eps: 1e-6, weightDecay: 1e-3, momentum: 0.9, centered: true };
      const rmsInputs = [cut(param, 4), cut(grad), cut(state(27, 0.5)), cut(state(28, -0.1)), cut(state(29, -1)), lr];
      bitExact(
        run(fast, 'rmspropUpdate', rmsInputs, rms, outs(4)),
        run(scalar, 'rmspropUpdate', rmsInputs, rms, outs(4)),
      );
    }
  });

  it('gather: exact for every dtype, along a middle axis, with indices outside the axis (zero rows)', () => {
    const shape = [3, 7, 5];
    const idx: Input = [Int32Array.from([6, 0, -1, 3, 7, 3, 2]), [7], 'int32'];
    for (const [values, dtype] of [
      [random(105, 12, -5, 5, true), 'float32'],
      [Int32Array.from({ length: 105 }, (_, i) => i * 37 - 900), 'int32'],
      [Uint8Array.from({ length: 105 }, (_, i) => (i % 3) & 1), 'bool'],
    ] as const) {
      for (const axis of [0, 1, 2]) {
        const indices: Input = axis === 0 ? [Int32Array.from([2, 0, 3, -4, 1]), [5], 'int32'] : idx;
        const outShape = [...shape.slice(0, axis), indices[1][0], ...shape.slice(axis + 1)];
        const out = [{ shape: outShape, dtype: dtype as DType }];
        const x: Input = [values, shape, dtype];
        const got = run(fast, 'gather', [x, indices], { axis }, out);
        const want = run(scalar, 'gather', [x, indices], { axis }, out);
        expect(got[0].every((v, i) => Object.is(v, want[0][i]))).toBe(true);
      }
    }
  });

  it('scatterAdd: bit-identical sums of repeated indices, indices outside the axis skipped', () => {
    const indices: Input = [Int32Array.from([1, 4, 1, -2, 9, 1, 0]), [7], 'int32'];
    for (const axis of [0, 1]) {
      const updatesShape = axis === 0 ? [7, 33] : [3, 7, 33];
      const outShape = axis === 0 ? [5, 33] : [3, 5, 33];
      const n = updatesShape.reduce((p, d) => p * d, 1);
      const updates: Input = [random(n, 13, -1e3, 1e3), updatesShape];
      const out = [{ shape: outShape, dtype: 'float32' as DType }];
      const got = run(fast, 'scatterAdd', [updates, indices], { axis }, out);
      const want = run(scalar, 'scatterAdd', [updates, indices], { axis }, out);
      expect(got[0].every((v, i) => Object.is(v, want[0][i]))).toBe(true);
    }
  });

  it('binary ops with one operand repeated along rows or holding one value per row: exact', () => {
    const shapes: [Shape, Shape, Shape][] = [
      [[130, 77], [77], [130, 77]],
      [[77], [130, 77], [130, 77]],
      [
        [130, 77],
        [130, 1],
        [130, 77],
      ],
      [
        [130, 1],
        [130, 77],
        [130, 77],
      ],
      [
        [3, 40, 7],
        [40, 7],
        [3, 40, 7],
      ],
      [
        [3, 40, 7],
        [1, 1, 7],
        [3, 40, 7],
      ],
    ];
    for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum']) {
      for (const [sa, sb, so] of shapes) {
        const size = (s: Shape) => s.reduce((p, d) => p * d, 1);
        const a: Input = [random(size(sa), 31, -3, 3, true), sa];
        const b: Input = [random(size(sb), 32, -3, 3), sb];
        const out = [{ shape: so, dtype: 'float32' as DType }];
        const got = run(fast, op, [a, b], {}, out)[0];
        const want = run(scalar, op, [a, b], {}, out)[0];
        expect(
          got.every((v, i) => Object.is(v, want[i])),
          `${op} ${JSON.stringify([sa, sb])}`,
        ).toBe(true);
      }
    }
  });

  it('cast between float32, int32 and bool: exact (truncation, saturation, NaN → 0, x ≠ 0 → true)', () => {
    const floats = random(1037, 41, -3e9, 3e9, true);
    floats[5] = 2.9;
    floats[6] = -2.9;
    floats[7] = 0;
    const ints = Int32Array.from({ length: 1037 }, (_, i) => (i % 7 === 0 ? 0 : (i * 2654435761) | 0));
    const bools = Uint8Array.from({ length: 1037 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const sources: [Float32Array | Int32Array | Uint8Array, DType][] = [
      [floats, 'float32'],
      [ints, 'int32'],
      [bools, 'bool'],
    ];
    for (const [values, from] of sources) {
      for (const to of ['float32', 'int32', 'bool'] as DType[]) {
        const out = [{ shape: [1037], dtype: to }];
        const got = run(fast, 'cast', [[values, [1037], from]], {}, out)[0];
        const want = run(scalar, 'cast', [[values, [1037], from]], {}, out)[0];
        expect(
          got.every((v, i) => Object.is(v, want[i])),
          `${from} → ${to}`,
        ).toBe(true);
      }
    }
  });

  it('argmax and argmin along the last axis: the first extreme, the first NaN, exact', () => {
    for (const [rows, cols] of [
      [130, 10],
      [7, 300],
      [100, 1],
    ]) {
      const values = random(rows * cols, 43, -1, 1);
      values[cols + 2] = Number.NaN;
      values[2 * cols] = values[2 * cols + Math.min(3, cols - 1)]; // a tie: the first wins
      const x: Input = [values, [rows, cols]];
      const out = [{ shape: [rows], dtype: 'int32' as DType }];
      for (const op of ['argmax', 'argmin'])
        expect(run(fast, op, [x], { axis: 1 }, out), op).toEqual(run(scalar, op, [x], { axis: 1 }, out));
    }
  });
});
