/**
 * The SIMD comparison and selection kernels (assembly/compare.ts: compare, select) on the module instantiated
 * directly: exactly JS's `===`, `!==`, `>`, `>=`, `<`, `<=` (NaN, ±0, ±∞ included) and `c ? a : b` bit for bit, on an
 * odd length split into thread-like ranges, in every broadcast mode.
 */
import { describe, expect, it } from 'vitest';
import { expectSame, instantiate, mulberry32, ranges } from './wasm-direct.js';

const N = 1037;
const wasm = instantiate(64);
const SPLITS = [[], [517], [15, 16, 33, 1020], [1, 2, 3, 500, 1036]];
const OPS: [string, (x: number, y: number) => boolean][] = [
  ['equal', (x, y) => x === y],
  ['notEqual', (x, y) => x !== y],
  ['greater', (x, y) => x > y],
  ['greaterEqual', (x, y) => x >= y],
  ['less', (x, y) => x < y],
  ['lessEqual', (x, y) => x <= y],
];
const SPECIALS = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1, 1.5, 3.4e38, 1e-45].map(
  Math.fround,
);

/** Seeded values: specials, small integers (so equal pairs are common) and uniform floats. */
function values(seed: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const k = r();
    out[i] =
      k < 0.3 ? SPECIALS[Math.floor(r() * SPECIALS.length)] : k < 0.7 ? Math.floor(r() * 5) - 2 : (r() - 0.5) * 10;
  }
  return out;
}

function f32At(values: ArrayLike<number>): number {
  const ptr = wasm.alloc(values.length);
  wasm.f32(ptr, values.length).set(values);
  return ptr;
}

/** The bytes at `ptr`, `n` of them. */
const u8 = (ptr: number, n: number) => new Uint8Array(wasm.memory.buffer, ptr, n);

describe('wasm compare', () => {
  const a = values(1);
  const b = values(2);
  // equal pairs of every special, aligned and not
  SPECIALS.forEach((s, k) => {
    a[100 + k] = s;
    b[100 + k] = s;
    a[200 + 3 * k] = s;
    b[200 + 3 * k] = -s;
  });

  OPS.forEach(([name, fn], op) => {
    it(`${name}: every mode and split equals JS`, () => {
      for (const mode of [0, 1, 2]) {
        for (const scalar of mode === 0 ? [0] : SPECIALS) {
          const av = mode === 2 ? [scalar] : a;
          const bv = mode === 1 ? [scalar] : b;
          const want = Array.from({ length: N }, (_, i) =>
            fn(av[mode === 2 ? 0 : i], bv[mode === 1 ? 0 : i]) ? 1 : 0,
          );
          for (const cuts of SPLITS) {
            wasm.reset();
            const ap = f32At(av);
            const bp = f32At(bv);
            const y = wasm.alloc(N);
            u8(y, N).fill(0xaa);
            for (const [i0, i1] of ranges(N, cuts)) wasm.exports.compare(op, ap, bp, y, i0, i1, mode);
            expectSame(u8(y, N), want, `${name} mode ${mode} scalar ${scalar} cuts ${cuts}`);
          }
        }
      }
    });
  });

  it('writes exactly [i0, i1)', () => {
    for (const [i0, i1] of [
      [0, 0],
      [5, 5],
      [3, 4],
      [1, 17],
      [16, 32],
      [7, 1030],
    ]) {
      wasm.reset();
      const ap = f32At(a);
      const bp = f32At(b);
      const y = wasm.alloc(N);
      u8(y, N).fill(0xaa);
      wasm.exports.compare(2, ap, bp, y, i0, i1, 0);
      const want = Array.from(a, (x, i) => (i >= i0 && i < i1 ? (x > b[i] ? 1 : 0) : 0xaa));
      expectSame(u8(y, N), want, `[${i0}, ${i1})`);
    }
  });
});

describe('wasm select', () => {
  it('copies the chosen bits in every mode and split', () => {
    const r = mulberry32(9);
    const c = Uint8Array.from({ length: N }, () => [0, 1, 2, 255, 0, 1][Math.floor(r() * 6)]);
    const a = values(3);
    const b = values(4);
    // NaN payloads and −0 must come through bit for bit
    const aBits = new Uint32Array(a.buffer);
    aBits[10] = 0x7fa00001;
    aBits[11] = 0xffc00123;
    a[12] = -0;
    for (const mode of [0, 1, 2, 3]) {
      for (const cuts of SPLITS) {
        wasm.reset();
        const av = mode & 1 ? a.subarray(11, 12) : a;
        const bv = mode & 2 ? b.subarray(12, 13) : b;
        const cp = wasm.alloc(N);
        u8(cp, N).set(c);
        const ap = wasm.alloc(av.length);
        new Uint32Array(wasm.memory.buffer, ap, av.length).set(new Uint32Array(av.buffer, av.byteOffset, av.length));
        const bp = f32At(bv);
        const y = wasm.alloc(N);
        wasm.f32(y, N).fill(777);
        for (const [i0, i1] of ranges(N, cuts)) wasm.exports.select(cp, ap, bp, y, i0, i1, mode);
        const got = Array.from(new Uint32Array(wasm.memory.buffer, y, N));
        const aAll = new Uint32Array(av.buffer, av.byteOffset, av.length);
        const bAll = new Uint32Array(bv.buffer, bv.byteOffset, bv.length);
        const want = Array.from(c, (ci, i) => (ci ? aAll[mode & 1 ? 0 : i] : bAll[mode & 2 ? 0 : i]));
        expect(got, `mode ${mode} cuts ${cuts}`).toEqual(want);
      }
    }
  });
});
