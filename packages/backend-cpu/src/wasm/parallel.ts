/**
 * Splitting a SIMD kernel's element range across the thread pool. Kernels export a function of
 * [i0, i1) (or pointers offset to it); the calling thread runs the first part and each worker one
 * of the others, on the same shared memory.
 */
import type { JobFunction } from '../threads/control.js';
import type { ThreadPool } from '../threads/pool.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Below this many elements per thread, splitting a kernel that computes per element
 * (transcendentals, optimizer updates, softmax rows, scatterAdd) costs more than it saves:
 * waking a worker and waiting for it measured 80–100 µs on a 2-core VM. Measured with
 * `scripts/thread-threshold.mjs` (two threads pay from 2¹⁸ elements for Adam and exp); see the
 * README's table.
 */
export const PARALLEL_MIN_ELEMENTS = 131072;

/**
 * Kernels bound by memory bandwidth (a load or two and a store per element) need this many
 * times more elements before a split pays (measured: add and greater from 2²⁰ elements).
 */
export const MEMORY_BOUND_FACTOR = 4;

/** The exports whose work per element is a copy, a compare or one arithmetic op. */
const MEMORY_BOUND: ReadonlySet<JobFunction> = new Set<JobFunction>([
  'binary',
  'binaryRows',
  'unary',
  'compare',
  'select',
  'gatherRows',
  'castValues',
  'sumRows',
  'sumColumns',
  'maxRows',
  'minRows',
]);

/** What a SIMD kernel needs to run: the module instance, the pool (started on first use), the split threshold. */
export interface SimdContext {
  readonly runtime: WasmRuntime;
  readonly pool: () => ThreadPool | undefined;
  readonly minElements: number;
}

/** [0, n) cut into `parts` ranges of about equal size, each boundary a multiple of `align`. */
export function splitRange(n: number, parts: number, align = 16): [number, number][] {
  const per = Math.ceil(n / parts / align) * align;
  const ranges: [number, number][] = [];
  for (let i0 = 0; i0 < n; i0 += per) ranges.push([i0, Math.min(n, i0 + per)]);
  return ranges;
}

/**
 * Runs export `fn` with `args(i0, i1)` over [0, n) units (elements, or rows of `unitSize`
 * elements): on the calling thread alone when the elements are under twice the threshold (×4
 * for memory-bound kernels) or there is no pool, else split across the calling thread and the
 * workers (element ranges at multiples of 16, row ranges anywhere).
 */
export function runSplit(
  ctx: SimdContext,
  fn: JobFunction,
  n: number,
  args: (i0: number, i1: number) => readonly number[],
  unitSize = 1,
): void {
  const run = ctx.runtime.exports[fn] as unknown as (...a: number[]) => void;
  const elements = n * unitSize;
  const minElements = MEMORY_BOUND.has(fn) ? MEMORY_BOUND_FACTOR * ctx.minElements : ctx.minElements;
  const pool = elements >= 2 * minElements && n > 1 ? ctx.pool() : undefined;
  if (!pool) {
    run(...args(0, n));
    return;
  }
  const parts = Math.min(pool.size + 1, Math.floor(elements / minElements), n);
  const ranges = splitRange(n, parts, unitSize === 1 ? 16 : 1);
  const jobs = ranges.slice(1).map(([i0, i1]) => ({ fn, args: args(i0, i1) }));
  if (!pool.run(jobs, () => run(...args(ranges[0][0], ranges[0][1])))) run(...args(0, n));
}
