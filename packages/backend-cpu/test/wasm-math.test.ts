/**
 * The SIMD transcendental kernel `unaryMath` (assembly/math.ts) on the module instantiated directly:
 * within 1 float32 ulp of Math.* rounded to float32 over a log-uniform sweep of all finite magnitudes,
 * exact on specials, and correct on split ranges and odd lengths.
 */
import { describe, expect, it } from 'vitest';
import { instantiate, type MathExports, ulps, uniform } from './wasm-direct.js';

const sigmoid = (v: number) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
/** op code → float64 reference, as the scalar kernels compute it. */
const OPS: [string, number, (v: number) => number][] = [
  ['exp', 0, Math.exp],
  ['log', 1, Math.log],
  ['log1p', 2, Math.log1p],
  ['tanh', 3, Math.tanh],
  ['sigmoid', 4, sigmoid],
];

const N = 1 << 20;
const wasm = instantiate<MathExports>(2 + Math.ceil((2 * N * 4 + 4096) / 65536));

/** 2²⁰ float32 spread log-uniformly over every finite magnitude (2⁻¹⁴⁹ … 2¹²⁸), alternating signs. */
function sweep(): Float32Array {
  const bits = new Uint32Array(N);
  for (let i = 0; i < N; i++) bits[i] = Math.floor((i / N) * 0x7f800000) | (i & 1 ? 0x80000000 : 0);
  return new Float32Array(bits.buffer);
}

function run(op: number, xs: ArrayLike<number>, i0 = 0, i1 = xs.length): Float32Array {
  wasm.reset();
  const x = wasm.alloc(xs.length);
  const y = wasm.alloc(xs.length);
  wasm.f32(x, xs.length).set(xs);
  wasm.f32(y, xs.length).fill(12345);
  wasm.exports.unaryMath(op, x, y, i0, i1);
  return wasm.f32(y, xs.length).slice();
}

/** The largest ulp distance from the reference and where. */
function worst(xs: ArrayLike<number>, ys: ArrayLike<number>, ref: (v: number) => number) {
  let max = 0;
  let at = -1;
  for (let i = 0; i < xs.length; i++) {
    const u = ulps(ys[i], Math.fround(ref(xs[i])));
    if (u > max) {
      max = u;
      at = i;
    }
  }
  return { max, x: at < 0 ? undefined : xs[at], got: at < 0 ? undefined : ys[at] };
}

const SPECIALS: [string, number, number][] = [
  ['exp', Number.NaN, Number.NaN],
  ['exp', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  ['exp', Number.NEGATIVE_INFINITY, 0],
  ['exp', 0, 1],
  ['exp', -0, 1],
  ['exp', 89, Number.POSITIVE_INFINITY],
  ['exp', 88.72283935546875, Math.fround(Math.exp(88.72283935546875))],
  ['exp', 88.7228775024414, Number.POSITIVE_INFINITY],
  ['exp', -103, Math.fround(Math.exp(-103))],
  ['exp', -104, 0],
  ['exp', -1000, 0],
  ['exp', 3.4028234663852886e38, Number.POSITIVE_INFINITY],
  ['log', Number.NaN, Number.NaN],
  ['log', 0, Number.NEGATIVE_INFINITY],
  ['log', -0, Number.NEGATIVE_INFINITY],
  ['log', -1, Number.NaN],
  ['log', -1.401298464324817e-45, Number.NaN],
  ['log', Number.NEGATIVE_INFINITY, Number.NaN],
  ['log', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  ['log', 1, 0],
  ['log', 1.401298464324817e-45, Math.fround(Math.log(1.401298464324817e-45))],
  ['log', 3.4028234663852886e38, Math.fround(Math.log(3.4028234663852886e38))],
  ['log1p', Number.NaN, Number.NaN],
  ['log1p', -1, Number.NEGATIVE_INFINITY],
  ['log1p', -1.5, Number.NaN],
  ['log1p', Number.NEGATIVE_INFINITY, Number.NaN],
  ['log1p', Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
  ['log1p', 0, 0],
  ['log1p', -0, -0],
  ['log1p', 1e-10, Math.fround(1e-10)],
  ['log1p', -1e-10, Math.fround(-1e-10)],
  ['log1p', 1.401298464324817e-45, 1.401298464324817e-45],
  ['log1p', 3.4028234663852886e38, Math.fround(Math.log1p(3.4028234663852886e38))],
  ['tanh', Number.NaN, Number.NaN],
  ['tanh', Number.POSITIVE_INFINITY, 1],
  ['tanh', Number.NEGATIVE_INFINITY, -1],
  ['tanh', 0, 0],
  ['tanh', -0, -0],
  ['tanh', 1e-30, Math.fround(1e-30)],
  ['tanh', -1.401298464324817e-45, -1.401298464324817e-45],
  ['tanh', 10, 1],
  ['tanh', -3.4028234663852886e38, -1],
  ['sigmoid', Number.NaN, Number.NaN],
  ['sigmoid', Number.POSITIVE_INFINITY, 1],
  ['sigmoid', Number.NEGATIVE_INFINITY, 0],
  ['sigmoid', 0, 0.5],
  ['sigmoid', -0, 0.5],
  ['sigmoid', -100, Math.fround(sigmoid(-100))],
  ['sigmoid', -104, 0],
  ['sigmoid', -1000, 0],
  ['sigmoid', 20, Math.fround(sigmoid(20))],
  ['sigmoid', 1000, 1],
];

describe('wasm unaryMath', () => {
  for (const [name, op, ref] of OPS) {
    it(`${name}: ≤ 1 ulp over 2^20 log-uniform float32 of both signs`, () => {
      const xs = sweep();
      expect(worst(xs, run(op, xs), ref).max).toBeLessThanOrEqual(1);
    });

    it(`${name}: ≤ 1 ulp on 2^20 uniform values of the interesting range`, () => {
      const [lo, hi] = name === 'log' ? [0, 8] : name === 'log1p' ? [-1, 8] : [-110, 110];
      const xs = uniform(7 + op, N, lo, hi);
      expect(worst(xs, run(op, xs), ref).max).toBeLessThanOrEqual(1);
    });

    it(`${name}: specials exactly (NaN, ±∞, ±0, overflow, underflow, subnormals)`, () => {
      const cases = SPECIALS.filter(([n]) => n === name);
      const got = run(
        op,
        cases.map(([, x]) => x),
      );
      cases.forEach(([, x, want], i) => {
        expect(
          Object.is(got[i], want) || (Number.isNaN(want) && Number.isNaN(got[i])),
          `${name}(${x}) = ${got[i]}`,
        ).toBe(true);
      });
    });

    it(`${name}: split ranges and odd lengths write exactly [i0, i1)`, () => {
      for (const n of [1, 3, 5, 7, 13, 33, 129]) {
        const xs = uniform(n, n, name.startsWith('log') ? 0.01 : -4, 4);
        const whole = run(op, xs);
        for (let i = 0; i < n; i++) expect(ulps(whole[i], Math.fround(ref(xs[i])))).toBeLessThanOrEqual(1);
        for (const [i0, i1] of [
          [0, 0],
          [1, n],
          [0, n >> 1],
          [n >> 1, n],
          [Math.min(2, n), Math.max(Math.min(2, n), n - 1)],
        ]) {
          const part = run(op, xs, i0, i1);
          for (let i = 0; i < n; i++) expect(part[i]).toBe(i >= i0 && i < i1 ? whole[i] : 12345);
        }
      }
    });
  }

  it('computes in place (x === y) and ignores unknown op codes', () => {
    wasm.reset();
    const x = wasm.alloc(9);
    const xs = uniform(3, 9, -2, 2);
    wasm.f32(x, 9).set(xs);
    wasm.exports.unaryMath(0, x, x, 0, 9);
    expect(Array.from(wasm.f32(x, 9))).toEqual(Array.from(run(0, xs)));
    const before = Array.from(wasm.f32(x, 9));
    wasm.exports.unaryMath(99, x, x, 0, 9);
    expect(Array.from(wasm.f32(x, 9))).toEqual(before);
  });
});
