/** Helpers of wasm-math / wasm-reduce tests: the plain SIMD module instantiated directly on its own memory. */
import { WASM_PLAIN_BASE64 } from '../src/wasm/binary.js';

/** The kernels exported by assembly/math.ts and assembly/reduce.ts (pointers are byte offsets). */
export interface MathExports {
  unaryMath(op: number, x: number, y: number, i0: number, i1: number): void;
  sumRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  sumColumns(x: number, y: number, rows: number, cols: number, c0: number, c1: number): void;
  maxRows(x: number, y: number, cols: number, r0: number, r1: number): void;
  softmaxRows(x: number, y: number, cols: number, r0: number, r1: number, log: number): void;
  crossEntropyRows(logits: number, labels: number, y: number, cols: number, r0: number, r1: number): void;
}

/** A fresh instance on a memory of `pages` 64 KiB pages; `alloc` hands out 64-byte-aligned blocks from 65536 up. */
export function instantiateMath(pages: number) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  const module = new WebAssembly.Module(Buffer.from(WASM_PLAIN_BASE64, 'base64'));
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as MathExports;
  let next = 65536;
  /** A block of n float32 (or int32) values with a 64-byte gap after it; returns its byte offset. */
  const alloc = (n: number): number => {
    const at = next;
    next += Math.ceil((n * 4) / 64) * 64 + 64;
    if (next > memory.buffer.byteLength) throw new Error('wasm-math-util: out of memory');
    return at;
  };
  const f32 = (at: number, n: number) => new Float32Array(memory.buffer, at, n);
  const i32 = (at: number, n: number) => new Int32Array(memory.buffer, at, n);
  const reset = () => {
    next = 65536;
  };
  return { memory, exports, alloc, f32, i32, reset };
}

/** The distance in float32 ulps between a and b (0 when both are NaN; ±0 differ by 1; Infinity when one is NaN). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  if (Object.is(a, b)) return 0;
  return Math.abs(ordered(a) - ordered(b)) || 1;
}

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);
function ordered(v: number): number {
  scratch[0] = v;
  const i = scratchBits[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** A seeded xorshift32 stream of n float32 in [lo, hi). */
export function uniformF32(seed: number, n: number, lo: number, hi: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}
