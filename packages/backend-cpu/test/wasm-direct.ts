/** Helpers of the tests that call the compiled WebAssembly kernels directly, on a memory of their own. */
import { WASM_PLAIN_BASE64 } from '../src/wasm/binary.js';

/** An instance of the plain (unshared) kernel module with a bump allocator over its memory. */
export interface DirectModule {
  memory: WebAssembly.Memory;
  exports: Record<string, (...args: number[]) => void>;
  /** Reserves `n` floats (4 bytes each) at a 64-byte aligned byte offset ≥ 65536; returns the offset. */
  alloc(n: number): number;
  /** The float32 view of `n` floats at byte offset `ptr`. */
  f32(ptr: number, n: number): Float32Array;
  /** Frees everything allocated (the next alloc starts at 65536 again). */
  reset(): void;
}

const wasmModule = new WebAssembly.Module(Buffer.from(WASM_PLAIN_BASE64, 'base64'));

/** Instantiates the kernels on a fresh unshared memory of `pages` 64 KiB pages. */
export function instantiate(pages = 64): DirectModule {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: 65536 });
  const instance = new WebAssembly.Instance(wasmModule, { env: { memory } });
  let top = 65536;
  return {
    memory,
    exports: instance.exports as unknown as Record<string, (...args: number[]) => void>,
    alloc(n) {
      const ptr = top;
      top = ptr + Math.ceil(Math.max(n * 4, 1) / 64) * 64;
      if (top > memory.buffer.byteLength) throw new Error('wasm-direct: out of memory');
      return ptr;
    },
    f32: (ptr, n) => new Float32Array(memory.buffer, ptr, n),
    reset() {
      top = 65536;
    },
  };
}

/** `n` seeded uniform float32 values on [lo, hi) (mulberry32). */
export function uniform(seed: number, n: number, lo: number, hi: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

const bits = new Float32Array(1);
const asInt = new Int32Array(bits.buffer);

/** The float32 `x` as an integer ordered like the floats (−0 and +0 both 0). */
function ordered(x: number): number {
  bits[0] = x;
  const i = asInt[0];
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** The distance in float32 ulps between two float32 values (0 when equal or both NaN, ∞ when one is NaN). */
export function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  if (a === b) return 0;
  return Math.abs(ordered(a) - ordered(b));
}
