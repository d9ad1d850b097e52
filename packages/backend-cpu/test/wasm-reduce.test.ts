/**
 * The SIMD row/column kernels of assembly/reduce.ts on the module instantiated directly, against float64
 * JS versions of the scalar kernels' formulas (src/kernels/sum.ts, softmax.ts, logSoftmax.ts,
 * softmaxCrossEntropy.ts): odd sizes, split ranges, NaN and ±∞ rows, invalid labels.
 */
import { describe, expect, it } from 'vitest';
import { instantiate, type MathExports, ulps, uniform } from './wasm-direct.js';

const wasm = instantiate<MathExports>(256);
const { exports: k } = wasm;
const SENTINEL = 12345;

/** Copies values into a fresh block of wasm memory; returns its byte offset. */
function put(values: ArrayLike<number>, int = false): number {
  const at = wasm.alloc(values.length);
  (int ? wasm.i32(at, values.length) : wasm.f32(at, values.length)).set(values);
  return at;
}

/** A fresh output block of n floats filled with the sentinel. */
function out(n: number): number {
  const at = wasm.alloc(n);
  wasm.f32(at, n).fill(SENTINEL);
  return at;
}

/** |got − want| within `u` float32 ulps of want plus `abs` (NaN matches NaN, infinities exactly). */
function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, u: number, abs: (i: number) => number = () => 0) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const ok = ulps(g, Math.fround(w)) <= u || Math.abs(g - w) <= abs(i);
    if (!ok) expect.fail(`[${i}]: got ${g}, want ${w}`);
  }
}

// The scalar kernels' formulas in float64 (row by row, float32 outputs).

function sumRowsRef(x: Float32Array, cols: number, rows: number): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) y[r] += x[r * cols + j];
  return y;
}

function sumColumnsRef(x: Float32Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[j] += x[i * cols + j];
  return y;
}

function logSumExp(xv: ArrayLike<number>, start: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) m = Math.max(m, xv[start + j]);
  if (m === Number.NEGATIVE_INFINITY || m === Number.POSITIVE_INFINITY) return m;
  let total = 0;
  for (let j = 0; j < n; j++) total += Math.exp(xv[start + j] - m);
  return m + Math.log(total);
}

function softmaxRef(xv: Float32Array, cols: number, log: boolean): Float32Array {
  const y = new Float32Array(xv.length);
  for (let start = 0; start < xv.length; start += cols) {
    if (log) {
      const lse = logSumExp(xv, start, cols);
      for (let j = 0; j < cols; j++) y[start + j] = xv[start + j] - lse;
      continue;
    }
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) m = Math.max(m, xv[start + j]);
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(xv[start + j] - m);
      y[start + j] = e;
      total += e;
    }
    for (let j = 0; j < cols; j++) y[start + j] /= total;
  }
  return y;
}

function crossEntropyRef(xv: Float32Array, labels: ArrayLike<number>, cols: number): Float64Array {
  const y = new Float64Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r];
    y[r] = label >= 0 && label < cols ? logSumExp(xv, r * cols, cols) - xv[r * cols + label] : Number.NaN;
  }
  return y;
}

const SHAPES: [number, number][] = [
  [1, 1],
  [3, 10],
  [7, 1],
  [5, 513],
  [200, 10],
  [17, 33],
  [64, 128],
  [2, 4],
  [1, 1000],
];

/** Row splits of [0, rows): whole, two halves, and single rows at both ends. */
function splits(rows: number): [number, number][][] {
  const h = rows >> 1;
  return [
    [[0, rows]],
    [
      [0, h],
      [h, rows],
    ],
    rows > 2
      ? [
          [0, 1],
          [1, rows - 1],
          [rows - 1, rows],
        ]
      : [[0, rows]],
  ];
}

describe('wasm sumRows / maxRows', () => {
  for (const [rows, cols] of SHAPES) {
    it(`[${rows}, ${cols}]`, () => {
      wasm.reset();
      const xs = uniform(rows * 31 + cols, rows * cols, -3, 3);
      const x = put(xs);
      const want = sumRowsRef(xs, cols, rows);
      for (const parts of splits(rows)) {
        const y = out(rows + 1);
        for (const [r0, r1] of parts) k.sumRows(x, y, cols, r0, r1);
        const got = wasm.f32(y, rows + 1);
        expect(got[rows]).toBe(SENTINEL);
        expectNear(got.subarray(0, rows), want, 1, () => 1e-12 * cols);
        const ym = out(rows);
        for (const [r0, r1] of parts) k.maxRows(x, ym, cols, r0, r1);
        const maxWant = Array.from({ length: rows }, (_, r) => Math.max(...xs.subarray(r * cols, (r + 1) * cols)));
        expect(Array.from(wasm.f32(ym, rows))).toEqual(maxWant);
      }
    });
  }

  it('propagates NaN and ±∞; an empty row sums to 0 and has maximum −∞', () => {
    wasm.reset();
    const xs = [1, Number.NaN, 2, 3, 1, Number.POSITIVE_INFINITY, 1, 2, Number.NEGATIVE_INFINITY, 5, 6, 7];
    const x = put(xs);
    const y = out(3);
    k.sumRows(x, y, 4, 0, 3);
    expect(Array.from(wasm.f32(y, 3))).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    k.maxRows(x, y, 4, 0, 3);
    expect(Array.from(wasm.f32(y, 3))).toEqual([Number.NaN, Number.POSITIVE_INFINITY, 7]);
    k.sumRows(x, y, 0, 0, 2);
    k.maxRows(x, y, 0, 2, 3);
    expect(Array.from(wasm.f32(y, 3))).toEqual([0, 0, Number.NEGATIVE_INFINITY]);
  });
});

describe('wasm sumColumns', () => {
  for (const [rows, cols] of [...SHAPES, [128, 512] as [number, number], [3, 37] as [number, number]]) {
    it(`[${rows}, ${cols}]`, () => {
      wasm.reset();
      const xs = uniform(rows * 7 + cols, rows * cols, -3, 3);
      const x = put(xs);
      const want = sumColumnsRef(xs, rows, cols);
      const c = cols;
      for (const parts of [
        [[0, c]],
        [
          [0, c >> 1],
          [c >> 1, c],
        ],
        [
          [0, Math.min(c, 5)],
          [Math.min(c, 5), Math.min(c, 21)],
          [Math.min(c, 21), c],
        ],
      ]) {
        const y = out(cols + 1);
        for (const [c0, c1] of parts) k.sumColumns(x, y, rows, cols, c0, c1);
        const got = wasm.f32(y, cols + 1);
        expect(got[cols]).toBe(SENTINEL);
        expectNear(got.subarray(0, cols), want, 1, () => 1e-12 * rows);
      }
    });
  }

  it('propagates NaN and ±∞ per column; zero rows give 0', () => {
    wasm.reset();
    const cols = 21;
    const xs = new Float32Array(3 * cols).fill(1);
    xs[cols + 2] = Number.NaN;
    xs[2 * cols + 17] = Number.POSITIVE_INFINITY;
    xs[20] = Number.NEGATIVE_INFINITY;
    const x = put(xs);
    const y = out(cols);
    k.sumColumns(x, y, 3, cols, 0, cols);
    const want = new Array(cols).fill(3);
    want[2] = Number.NaN;
    want[17] = Number.POSITIVE_INFINITY;
    want[20] = Number.NEGATIVE_INFINITY;
    expect(Array.from(wasm.f32(y, cols))).toEqual(want);
    k.sumColumns(x, y, 0, cols, 0, cols);
    expect(Array.from(wasm.f32(y, cols))).toEqual(new Array(cols).fill(0));
  });
});

describe('wasm softmaxRows', () => {
  for (const log of [0, 1]) {
    const name = log ? 'logSoftmax' : 'softmax';
    for (const [rows, cols] of SHAPES) {
      it(`${name} [${rows}, ${cols}]`, () => {
        wasm.reset();
        const xs = uniform(rows * 13 + cols + log, rows * cols, -20, 20);
        const x = put(xs);
        const want = softmaxRef(xs, cols, log === 1);
        for (const parts of splits(rows)) {
          const y = out(rows * cols + 1);
          for (const [r0, r1] of parts) k.softmaxRows(x, y, cols, r0, r1, log);
          const got = wasm.f32(y, rows * cols + 1);
          expect(got[rows * cols]).toBe(SENTINEL);
          // log-softmax: x − lse cancels, so allow lse's float64 error (≈1e-10 relative) absolutely.
          expectNear(got.subarray(0, rows * cols), want, 2, () => (log ? 1e-8 : 0));
        }
        // In place.
        k.softmaxRows(x, x, cols, 0, rows, log);
        expectNear(wasm.f32(x, rows * cols), want, 2, () => (log ? 1e-8 : 0));
      });
    }

    it(`${name}: NaN, −∞ and +∞ rows as the scalar kernel; large logits do not overflow`, () => {
      wasm.reset();
      const I = Number.POSITIVE_INFINITY;
      const rowsOf = [
        [1, Number.NaN, 2, 3, 4],
        [-I, -I, -I, -I, -I],
        [1, I, 2, -I, 3],
        [I, I, 0, 1, 2],
        [-I, 0, -I, 1, -I],
        [1e30, -1e30, 3e38, 3e38, 0],
        [-200, -100, 0, -90, -104],
        [88, 89, 100, 1000, 1e4],
      ];
      const cols = 5;
      const xs = Float32Array.from(rowsOf.flat());
      const x = put(xs);
      const y = out(xs.length);
      k.softmaxRows(x, y, cols, 0, rowsOf.length, log);
      expectNear(wasm.f32(y, xs.length), softmaxRef(xs, cols, log === 1), 2);
    });
  }
});

describe('wasm crossEntropyRows', () => {
  for (const [rows, cols] of SHAPES) {
    it(`[${rows}, ${cols}]`, () => {
      wasm.reset();
      const xs = uniform(rows * 5 + cols, rows * cols, -20, 20);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r * 7919) % cols);
      if (rows > 2) {
        labels[1] = -1;
        labels[2] = cols;
      }
      const x = put(xs);
      const l = put(labels, true);
      const want = crossEntropyRef(xs, labels, cols);
      for (const parts of splits(rows)) {
        const y = out(rows + 1);
        for (const [r0, r1] of parts) k.crossEntropyRows(x, l, y, cols, r0, r1);
        const got = wasm.f32(y, rows + 1);
        expect(got[rows]).toBe(SENTINEL);
        expectNear(got.subarray(0, rows), want, 2, () => 1e-8);
      }
    });
  }

  it('NaN for labels outside [0, C) and for NaN / −∞ rows; ∞ for a +∞ non-label logit', () => {
    wasm.reset();
    const I = Number.POSITIVE_INFINITY;
    const xs = Float32Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, Number.NaN, 3, -I, -I, -I, 1, I, 3, 1, I, 3, -I, 0, 5]);
    const labels = Int32Array.from([-1, 3, 2 ** 31 - 1, 0, 0, 0, 1, 0]);
    const x = put(xs);
    const l = put(labels, true);
    const y = out(labels.length);
    k.crossEntropyRows(x, l, y, 3, 0, labels.length);
    const want = crossEntropyRef(xs, labels, 3);
    expect(want.slice(0, 7)).toEqual(
      Float64Array.from([Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, I, Number.NaN]),
    );
    expectNear(wasm.f32(y, labels.length), want, 2);
    const y0 = out(2);
    k.crossEntropyRows(x, l, y0, 0, 0, 2);
    expect(Array.from(wasm.f32(y0, 2))).toEqual([Number.NaN, Number.NaN]);
  });
});
