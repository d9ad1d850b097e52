/** Helpers of the tests that call the compiled WebAssembly kernels directly, on a memory of their own. */
import { expect } from 'vitest';
import { WASM_PLAIN_BASE64 } from '../src/wasm/binary.js';

/** An instance of the plain (unshared) kernel module with a bump allocator over its memory. */
export interface DirectModule<E> {
  memory: WebAssembly.Memory;
  exports: E;
  /** Reserves `n` 4-byte values at a 64-byte aligned byte offset ≥ 65536, with a 64-byte gap after; returns the offset. */
  alloc(n: number): number;
  /** The float32 view of `n` values at byte offset `ptr`. */
  f32(ptr: number, n: number): Float32Array;
  /** The int32 view of `n` values at byte offset `ptr`. */
  i32(ptr: number, n: number): Int32Array;
  /** Frees everything allocated (the next alloc starts at 65536 again). */
  reset(): void;
}

/** The kernels exported by assembly/math.ts and assembly/reduce.ts (pointers are byte offsets). */
export interface MathExports {
  unaryMath(op: number, x: number, y: number, i0: number, i1: number): void;
  sumRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  sumColumns(x: number, y: number, rows: number, cols: number, c0: number, c1: number): void;
  maxRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  softmaxRows(x: number, y: number, cols: number, r0: number, r1: number, log: number): void;
  crossEntropyRows(logits: number, labels: number, y: number, cols: number, r0: number, r1: number): void;
}

const wasmModule = new WebAssembly.Module(Buffer.from(WASM_PLAIN_BASE64, 'base64'));

/** Instantiates the kernels on a fresh unshared memory of `pages` 64 KiB pages. */
export function instantiate<E = Record<string, (...args: number[]) => void>>(pages = 64): DirectModule<E> {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  const instance = new WebAssembly.Instance(wasmModule, { env: { memory } });
  let top = 65536;
  return {
    memory,
    exports: instance.exports as unknown as E,
    alloc(n) {
      const ptr = top;
      top = ptr + Math.ceil(Math.max(n * 4, 1) / 64) * 64 + 64;
      if (top > memory.buffer.byteLength) throw new Error('wasm-direct: out of memory');
      return ptr;
    },
    f32: (ptr, n) => new Float32Array(memory.buffer, ptr, n),
    i32: (ptr, n) => new Int32Array(memory.buffer, ptr, n),
    reset() {
      top = 65536;
    },
  };
}

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` seeded uniform float32 values on [lo, hi). */
export function uniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + next() * (hi - lo));
}

const bits = new Float32Array(1);
const asInt = new Int32Array(bits.buffer);

/** The float32 `x` as an integer ordered like the floats (−0 and +0 both 0). */
function ordered(x: number): number {
  bits[0] = x;
  const i = asInt[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** The distance in float32 ulps between a and b (0 when both are NaN; ±0 differ by 1; ∞ when one is NaN). */
export function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  if (Object.is(a, b)) return 0;
  return Math.abs(ordered(a) - ordered(b)) || 1;
}

/** Fails at the first differing index unless every element is the same value (Object.is: NaN = NaN, +0 ≠ −0). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** [0, n) split at the cut points, as threads would split it. */
export function ranges(n: number, cuts: number[]): [number, number][] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < n), n];
  return points.slice(1).map((end, k) => [points[k], end]);
}
