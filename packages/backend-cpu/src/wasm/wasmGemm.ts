/**
 * The SIMD matmul engine: runs the packed-panel kernel on the operands where they live in the
 * heap, writing C in place, split into column or row blocks across the thread pool when the
 * product is large enough. Dense's bias is written into C first and the products added to it.
 */
import type { GemmEngine } from '../kernels/helpers/gemm.js';
import type { Job, ThreadPool } from '../threads/pool.js';
import type { WasmRuntime } from './runtime.js';

/** Depth of a packed block and rows of packed A, as in assembly/gemm.ts. */
const KC = 512;
const MC = 128;
/** Columns of a packed B panel; column blocks given to threads start at multiples of it. */
const NR = 8;
/** Rows of the register tile; row blocks given to threads start at multiples of it. */
const MR = 4;

/** Products of less work than this (see {@link gemmWork}) run on one thread (waking a worker costs ~10–50 µs). */
export const PARALLEL_MIN_MACS = 1 << 20;

/**
 * A product's work in multiply-adds as the kernel runs it: rows and columns rounded up to whole
 * register tiles (a 10-wide output layer computes 16 columns), and each output costing about 16
 * steps more for loading and storing its tile (a depth-10 product is mostly stores). Measured on
 * 2 threads against 1: the output layer's three products of an MLP 784-512-512-10 (640K
 * multiply-adds each, 1.1–1.7M by this count) ran 1.4–1.6× faster split, a 64³ product (262K)
 * 2× slower.
 */
export function gemmWork(m: number, n: number, k: number): number {
  return Math.ceil(m / MR) * MR * Math.ceil(n / NR) * NR * (k + 16);
}

/** One thread's share of the output: rows [i0, i1), columns [j0, j1). */
interface Block {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** Splits an m×n output into at most `parts` blocks along the dimension with more register tiles. */
export function splitOutput(m: number, n: number, parts: number): Block[] {
  const blocks: Block[] = [];
  if (Math.ceil(n / NR) >= Math.ceil(m / MR)) {
    const per = Math.ceil(Math.ceil(n / NR) / parts) * NR;
    for (let j0 = 0; j0 < n; j0 += per) blocks.push({ i0: 0, i1: m, j0, j1: Math.min(n, j0 + per) });
  } else {
    const per = Math.ceil(Math.ceil(m / MR) / parts) * MR;
    for (let i0 = 0; i0 < m; i0 += per) blocks.push({ i0, i1: Math.min(m, i0 + per), j0: 0, j1: n });
  }
  return blocks;
}

/**
 * The engine over one runtime; a large product is cut into one block per thread, which the calling
 * thread and `getPool`'s workers take in turn. One block each, not several as for the other kernels:
 * every column block packs all of A again (every row block all of B), and two blocks per thread ran
 * the step's products at 74–81 GFLOP/s on two threads instead of 83–88 (scripts/step-matmuls.mjs).
 * Packing that operand once, shared by four blocks per thread, did worse still: each thread then reads
 * half of the packed operand from the other core's cache (128×784×512 took 1.25–1.57 ms against
 * 1.16–1.19, the 784×128×512 weight gradient 1.19–1.97 against 1.08–1.17, in three interleaved runs).
 * Chunks taken from a shared counter, each thread packing its own copy of that operand, matched the
 * fixed blocks on a quiet host and did not beat them beside a process busy 20 % of the time on the
 * second core (the MLP step: 6.05 against 6.04 ms over 25 quiet rounds, 6.84 against 6.93 beside it).
 * What the second thread loses in a step is its start: in 7 % of the step's products the worker had
 * not begun its block when the calling thread finished its own (22 % after a gap of over 0.2 ms).
 */
export function wasmGemm(runtime: WasmRuntime, getPool: () => ThreadPool | undefined): GemmEngine {
  return (a, b, c, cOffset, m, n, k, bias) => {
    if (m === 0 || n === 0) return;
    const pool = gemmWork(m, n, k) >= PARALLEL_MIN_MACS ? getPool() : undefined;
    const blocks = splitOutput(m, n, pool ? pool.size + 1 : 1);
    const packBytes = 4 * KC * (Math.ceil(Math.max(...blocks.map((q) => q.j1 - q.j0)) / NR) * NR + NR + MC);
    const heap = runtime.heap;
    // Scratch first: growing the heap detaches views, never pointers, so pointers are taken after.
    const packPtr = heap.allocate(blocks.length * packBytes);
    const aPtr = a.base + 4 * a.offset;
    const bPtr = b.base + 4 * b.offset;
    const cPtr = c.ptr + 4 * cOffset;
    if (bias) {
      // C starts as the bias in every row; the kernel adds the products to it.
      const y = c.values as Float32Array;
      const row =
        bias instanceof Float32Array ? bias.subarray(0, n) : Float32Array.from({ length: n }, (_, j) => bias[j]);
      for (let i = 0; i < m; i++) y.set(row, cOffset + i * n);
    }
    const args = (q: Block, t: number): number[] => [
      aPtr,
      a.rowStride,
      a.colStride,
      bPtr,
      b.rowStride,
      b.colStride,
      cPtr,
      n,
      k,
      q.i0,
      q.i1,
      q.j0,
      q.j1,
      packPtr + t * packBytes,
      bias ? 1 : 0,
    ];
    const gemm = runtime.exports.gemm;
    try {
      // Jobs only for a product that is split: most products are one block and run here directly.
      const shared = blocks.length > 1 && pool?.run(blocks.map((q, t): Job => ({ fn: 'gemm', args: args(q, t) })));
      if (!shared) {
        for (let t = 0; t < blocks.length; t++) gemm(...(args(blocks[t], t) as Parameters<typeof gemm>));
      }
    } finally {
      heap.release(packPtr, blocks.length * packBytes);
    }
  };
}
