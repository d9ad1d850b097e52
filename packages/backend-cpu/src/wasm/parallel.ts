/**
 * Splitting a SIMD kernel's element range across the thread pool. Kernels export a function of
 * [i0, i1) (or pointers offset to it); the range is cut into a few jobs per thread, which the
 * calling thread and the workers take in turn, on the same shared memory.
 */
import { type JobFunction, MAX_JOBS } from '../threads/control.js';
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

/**
 * Jobs per thread a split kernel is cut into. With one job per thread, a worker that wakes late
 * (its core busy with another thread) leaves its whole share to the calling thread, which then
 * runs the kernel alone; with four, it takes the jobs still open when it arrives, and a worker
 * that loses its core while running a job holds back a quarter of its share, not all of it.
 */
export const JOBS_PER_THREAD = 4;

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
 * for memory-bound kernels) or there is no pool, else cut into up to {@link JOBS_PER_THREAD}
 * jobs per thread of at least a quarter of the threshold each, which the calling thread and the
 * workers share (element ranges at multiples of 16, row ranges anywhere).
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
  const parts = Math.min(
    JOBS_PER_THREAD * (pool.size + 1),
    MAX_JOBS,
    Math.floor((JOBS_PER_THREAD * elements) / minElements),
    n,
  );
  const ranges = splitRange(n, parts, unitSize === 1 ? 16 : 1);
  if (!pool.run(ranges.map(([i0, i1]) => ({ fn, args: args(i0, i1) })))) run(...args(0, n));
}
