import { cpu } from '@backprop/backend-cpu';
import { type Backend, grad, logSoftmax, losses, setBackend, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { both, gpuBackend, input, skipGpu } from './util.js';

/** The spacing of float32 numbers at |v| (the smallest subnormal at 0). */
function ulp32(v: number): number {
  const a = new Float32Array([Math.abs(Math.fround(v))]);
  const bits = new Uint32Array(a.buffer);
  bits[0] += 1;
  return a[0] - Math.abs(Math.fround(v));
}

/** Expects every actual value within `ulps` float32 ulp of the exact (float64) one. */
function expectUlps(actual: ArrayLike<number>, exact: readonly number[], ulps: number) {
  expect(actual.length).toBe(exact.length);
  exact.forEach((e, i) => {
    const err = Math.abs(actual[i] - e) / ulp32(e);
    if (!(err <= ulps)) throw new Error(`element ${i}: got ${actual[i]}, exact ${e} (${err.toFixed(2)} ulp)`);
  });
}

/** log-softmax of each row of `rows`, in float64 from the float32 inputs. */
function logSoftmax64(rows: readonly (readonly number[])[]): number[] {
  return rows.flatMap((r) => {
    const x = r.map(Math.fround);
    const mx = Math.max(...x);
    const lt = Math.log(x.reduce((s, v) => s + Math.exp(v - mx), 0));
    return x.map((v) => v - mx - lt);
  });
}

// NOTE: Σ e^{x−mx} is summed in f32, and its rounding alone moves ln(total) by up to ~1.5 ulp
// of a result near 0.3, so the row kernels get 4 ulp; the old mx + ln(total) − x was off by
// thousands of ulp at these offsets.
describe.skipIf(skipGpu)('webgpu log-softmax and cross-entropy for large logits', () => {
  const rows: number[][] = [[1, 2, 3]];
  for (const o of [1e3, 1e4, 5e4])
    rows.push([o, o + 1], [o, o, 0], [o - 0.5, o + 2, o, o - 3], [-o, -o - 1, -o + 0.25]);
  const n = 4;
  const padded = rows.map((r) => [...r, ...Array(n - r.length).fill(-Infinity)]);
  const x = input(padded.flat(), [rows.length, n]);

  it('logSoftmax is within 4 ulp of the exact value', async () => {
    const { actual } = await both('logSoftmax', [x], {}, { shape: x.shape, dtype: 'float32' });
    const exact = logSoftmax64(padded);
    const finite = exact.flatMap((e, i) => (Number.isFinite(e) ? [i] : []));
    expectUlps(
      finite.map((i) => actual[i]),
      finite.map((i) => exact[i]),
      4,
    );
    expect(finite.length).toBe(rows.reduce((s, r) => s + r.length, 0));
    for (const [i, e] of exact.entries()) if (!Number.isFinite(e)) expect(actual[i]).toBe(-Infinity);
  });

  it('softmaxCrossEntropy is within 4 ulp of the exact value', async () => {
    const labels = rows.map((r, i) => i % r.length);
    const { actual } = await both(
      'softmaxCrossEntropy',
      [x, input(labels, [rows.length], 'int32')],
      {},
      {
        shape: [rows.length],
        dtype: 'float32',
      },
    );
    const ls = logSoftmax64(padded);
    expectUlps(
      actual,
      labels.map((l, i) => -ls[i * n + l]),
      4,
    );
    const ce = await both(
      'softmaxCrossEntropy',
      [input([1000, 1000, 0], [1, 3]), input([0], [1], 'int32')],
      {},
      {
        shape: [1],
        dtype: 'float32',
      },
    );
    expectUlps(ce.actual, [Math.LN2], 1);
  });
});

describe.skipIf(skipGpu)('webgpu log of subnormals', () => {
  it('is within 2 ulp of Math.log, and specials are exact', async () => {
    const tiny = [1e-45, 1e-40, 5e-39, 1.1e-38, 1.17549421e-38];
    const specials = [0, -0, -1, -1e-45, Number.NaN, Number.POSITIVE_INFINITY, 1.17549435e-38];
    const x = input([...tiny, ...specials], [tiny.length + specials.length]);
    const { actual, expected } = await both('log', [x], {}, { shape: x.shape, dtype: 'float32' });
    expectUlps(
      Array.from(actual).slice(0, tiny.length),
      tiny.map((v) => Math.log(Math.fround(v))),
      2,
    );
    const rest = Array.from(actual).slice(tiny.length);
    expect(rest.slice(0, 6)).toEqual([
      Number.NEGATIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
    expectUlps([rest[6]], [Math.log(Math.fround(1.17549435e-38))], 2);
    expect(Array.from(expected).slice(tiny.length)).toEqual(rest.slice(0, 6).concat([expected[expected.length - 1]]));
  });
});

describe.skipIf(skipGpu)('webgpu pow of subnormal bases', () => {
  it('matches Math.pow to float32 accuracy (the builtin log2 misread subnormals)', async () => {
    const bases = [1e-40, 5e-39, 1e-45, 1.1e-38, 3e-39];
    const exponents = [0.5, 0.25, 0.5, 0.75, 0.9];
    const a = input(bases, [bases.length]);
    const b = input(exponents, [exponents.length]);
    const { actual } = await both('pow', [a, b], {}, { shape: a.shape, dtype: 'float32' });
    bases.forEach((v, i) => {
      const exact = Math.fround(v) ** Math.fround(exponents[i]);
      expect(Math.abs(actual[i] - exact) / exact).toBeLessThan(5e-5);
    });
  });
});

describe.skipIf(skipGpu)('webgpu losses and gradients built on these kernels', () => {
  /** `f`'s values on `backend`. */
  async function on(backend: Backend, f: () => Tensor): Promise<number[]> {
    await setBackend(backend);
    const t = f();
    const v = Array.from((await t.data()) as Float32Array);
    t.dispose();
    return v;
  }

  it('match the exact values for large logits and subnormal probabilities', async () => {
    const gpu = await gpuBackend();
    const z = [10000, 10001, 9998];
    const t = [0.25, 0.5, 0.25];
    const w = [1, -2, 0.5];
    const ls = logSoftmax64([z]);
    const sm = ls.map(Math.exp);
    const cases: [string, () => Tensor, number[], number][] = [
      [
        'float-target softmaxCrossEntropy',
        () => losses.softmaxCrossEntropy(tensor([z]), tensor([t])),
        [-t.reduce((s, ti, i) => s + ti * ls[i], 0)],
        4,
      ],
      [
        'the logSoftmax gradient',
        () => grad((x) => logSoftmax(x).mul(tensor(w)).sum())(tensor(z))[0],
        w.map((wi, i) => wi - sm[i] * w.reduce((a, b) => a + b, 0)),
        4,
      ],
      [
        'binaryCrossEntropy at 1e-40',
        () => losses.binaryCrossEntropy(tensor([1e-40, 0.5]), tensor([0.5, 0.5])),
        [-(0.5 * Math.log(Math.fround(1e-40)) + 0.5 * Math.log(1) + 2 * Math.log(0.5) * 0.5) / 2],
        4,
      ],
    ];
    for (const [name, f, exact, ulps] of cases) {
      const [expected, actual] = [await on(cpu(), f), await on(gpu, f)];
      try {
        expectUlps(actual, exact, ulps);
        expectUlps(expected, exact, ulps);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
  });
});
