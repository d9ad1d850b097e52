/**
 * The SIMD matmul engine: copies the operands into the WebAssembly arena, splits the output
 * into column or row blocks across the thread pool when the product is large enough, runs the
 * packed-panel kernel, and copies the result out (through dense's epilogue, if any).
 */
import type { GemmEngine } from '../kernels/helpers/gemm.js';
import type { Job, ThreadPool } from '../threads/pool.js';
import { ARENA_BASE, type WasmRuntime } from './runtime.js';

/** Depth of a packed block and rows of packed A, as in assembly/gemm.ts. */
const KC = 256;
const MC = 128;
/** Columns of a packed B panel; column blocks given to threads start at multiples of it. */
const NR = 8;
/** Rows of the register tile; row blocks given to threads start at multiples of it. */
const MR = 4;

/** Products of fewer multiply-adds than this run on one thread (waking a worker costs ~10–50 µs). */
export const PARALLEL_MIN_MACS = 1 << 20;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

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

/** The engine over one runtime; for large products, `getPool`'s workers take all blocks but the first. */
export function wasmGemm(runtime: WasmRuntime, getPool: () => ThreadPool | undefined): GemmEngine {
  return (a, b, c, cOffset, m, n, k, epilogue) => {
    if (m === 0 || n === 0) return;
    const pool = m * n * k >= PARALLEL_MIN_MACS ? getPool() : undefined;
    const threads = pool ? pool.size + 1 : 1;
    const blocks = splitOutput(m, n, threads);
    const aPtr = ARENA_BASE;
    const bPtr = aPtr + align(4 * m * k);
    const cPtr = bPtr + align(4 * k * n);
    const packBytes = align(4 * KC * (Math.ceil(Math.max(...blocks.map((q) => q.j1 - q.j0)) / NR) * NR + NR + MC));
    const packPtr = cPtr + align(4 * m * n);
    const heap = runtime.floats(packPtr + blocks.length * packBytes);
    heap.set((a.data as Float32Array).subarray(a.offset, a.offset + m * k), aPtr >> 2);
    heap.set((b.data as Float32Array).subarray(b.offset, b.offset + k * n), bPtr >> 2);
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
    ];
    const gemm = runtime.exports.gemm;
    const own = () => gemm(...(args(blocks[0], 0) as Parameters<typeof gemm>));
    const jobs: (Job | undefined)[] = blocks.slice(1).map((q, t) => ({ fn: 'gemm', args: args(q, t + 1) }));
    if (blocks.length === 1 || !pool?.run(jobs, own)) {
      for (let t = 0; t < blocks.length; t++) gemm(...(args(blocks[t], t) as Parameters<typeof gemm>));
    }
    c.set(heap.subarray(cPtr >> 2, (cPtr >> 2) + m * n), cOffset);
    if (epilogue) {
      for (let i = 0, p = cOffset; i < m; i++) for (let j = 0; j < n; j++, p++) c[p] = epilogue(c[p], j);
    }
  };
}
