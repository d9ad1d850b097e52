/**
 * Which matmul variant runs for a shape: a pure function of the problem, the dtype and the device
 * limits, so it is unit-tested without a GPU and the benchmark can name what it measured.
 *
 * NOTE: the thresholds come from the H100 notes in /work/shared/REFERENCE.md (132 SMs; 128×128
 * tiles at 30 TFLOP/s from 2048³, 6 TFLOP/s at 1024³ for lack of workgroups, "small sizes need
 * smaller tiles or split-K") and are otherwise guesses: untuned on real hardware, because the
 * session that wrote them had no GPU machine.
 */
import { batchCount, type MatmulProblem } from './matmul-problem.js';
import { vec4Tiling } from './matmul-vec4.js';

/** One tiling: 16×16 threads, each computing TM×TN outputs, K stepped by BK. */
export interface Tiling {
  name: string;
  tm: number;
  tn: number;
  bk: number;
}

/** 16×16 outputs per workgroup: for small products (and few-workgroup shapes). */
export const SMALL: Tiling = { name: 'small', tm: 1, tn: 1, bk: 16 };
/** 64×64 outputs per workgroup. */
export const MEDIUM: Tiling = { name: 'medium', tm: 4, tn: 4, bk: 16 };
/** 128×128 outputs per workgroup, 8×8 per thread (REFERENCE.md: 30 TFLOP/s at 2048³ on an H100). */
export const LARGE: Tiling = { name: 'large', tm: 8, tn: 8, bk: 8 };

/**
 * The largest tiling that still gives enough workgroups to fill a big GPU: 128×128 tiles
 * leave SMs idle below ~200 tiles (REFERENCE.md: 6 TFLOP/s at 1024³), so smaller shapes step down.
 */
export function chooseTiling(batch: number, m: number, n: number): Tiling {
  const tiles = (size: number) => batch * Math.ceil(m / size) * Math.ceil(n / size);
  if (tiles(128) >= 192) return LARGE;
  if (tiles(64) >= 96) return MEDIUM;
  return SMALL;
}

/** How the gemv variant walks K: `dot` when the big operand is contiguous along K, `axpy` when along the outputs. */
export type GemvMode = 'dot' | 'axpy';

/** A matmul variant with its parameters. */
export type MatmulPlan =
  /** Shared-memory tiles with register blocking, scalar loads and stores (any dtype, any layout). */
  | { variant: 'tiled'; tiling: Tiling }
  /** The tiled shader with 16-byte (vec4) loads of A and B and vec4 stores (f32, aligned layouts). */
  | { variant: 'vec4'; tiling: Tiling }
  /** One workgroup per few outputs, reducing K cooperatively with a shared-memory tree; outputs run along N (`alongN`) or M. */
  | { variant: 'gemv'; mode: GemvMode; alongN: boolean }
  /** K cut into `splits` chunks of `kChunk`: tiled partial products into a pooled buffer, then a reducing pass. */
  | { variant: 'split-k'; splits: number; kChunk: number; partial: TiledPlan };

/** The plans of the tiled shaders (alone, or as split-K's partial pass). */
export type TiledPlan = Extract<MatmulPlan, { variant: 'tiled' | 'vec4' }>;

/** Device limits the choice respects. */
export interface MatmulLimits {
  /** Largest storage binding in bytes (split-K's partial buffer must fit). */
  maxBindingBytes: number;
  /** Largest workgroup count in one grid dimension (split-K puts splits × batch in z). */
  maxWorkgroupsPerDimension: number;
}

/** WebGPU's default limits. */
export const DEFAULT_MATMUL_LIMITS: MatmulLimits = { maxBindingBytes: 2 ** 27, maxWorkgroupsPerDimension: 65535 };

/** Streaming multiprocessors of an H100 SXM: the workgroup count one wave needs. */
export const SM_COUNT = 132;
/** gemv when M or N is 1, or when K is at least this many times M·N (a tiny output with a long reduction). */
export const GEMV_K_PER_OUTPUT = 8;
/** split-K only from this K: below it the second pass costs more than the idle SMs. */
export const SPLIT_K_MIN_K = 2048;
/** Each split covers at least this much of K. */
export const SPLIT_K_MIN_CHUNK = 512;
/** At most this many splits. */
export const SPLIT_K_MAX_SPLITS = 64;

/**
 * True when the vec4 shader may read this problem: each operand's contiguous axis (K for A and
 * N for B, or M and K when transposed) and N (for the vec4 stores) are multiples of 4, and so are
 * the batch strides, so every vec4 starts on a 16-byte boundary and lies wholly inside or
 * outside the matrix. NOTE: A and B must both qualify (one pipeline per tiling, not four).
 */
export function vec4Aligned(p: MatmulProblem): boolean {
  const four = (x: number) => x % 4 === 0;
  return (
    four(p.transposeA ? p.m : p.k) &&
    four(p.transposeB ? p.k : p.n) &&
    four(p.n) &&
    p.aBatchStrides.every(four) &&
    p.bBatchStrides.every(four)
  );
}

/** The tiled plan for `batch` matrices: {@link chooseTiling}'s tiling, vec4 where the type, layout and tiling allow. */
export function tiledPlan(p: MatmulProblem, t: 'f32' | 'i32', batch = batchCount(p)): TiledPlan {
  const tiling = chooseTiling(batch, p.m, p.n);
  // vec4 stores need 4 neighbouring columns per thread, so the 1×1 SMALL tiling stays scalar.
  const vec4 = t === 'f32' && vec4Tiling(tiling) && vec4Aligned(p);
  return { variant: vec4 ? 'vec4' : 'tiled', tiling };
}

/** The gemv plan: outputs along the longer of M and N; `dot` mode when the operand walked along them is contiguous in K. */
export function gemvPlan(p: MatmulProblem): MatmulPlan {
  const alongN = p.m <= p.n;
  const kContiguous = alongN ? p.transposeB : !p.transposeA;
  return { variant: 'gemv', mode: kContiguous ? 'dot' : 'axpy', alongN };
}

/** The split-K plan with about `splits` chunks (a multiple of 16 long, so vec4 and every BK divide it). */
export function splitKPlan(p: MatmulProblem, splits: number): MatmulPlan {
  const kChunk = Math.max(16, Math.ceil(Math.ceil(p.k / splits) / 16) * 16);
  const actual = Math.max(1, Math.ceil(p.k / kChunk));
  return { variant: 'split-k', splits: actual, kChunk, partial: tiledPlan(p, 'f32', actual * batchCount(p)) };
}

/**
 * Picks the matmul variant (f32 only for all but `tiled`, so int32 keeps its wrapping tiled path):
 * 1. **gemv** when M or N is 1, or K ≥ {@link GEMV_K_PER_OUTPUT}·M·N;
 * 2. **split-K** when the tiled grid has fewer workgroups than {@link SM_COUNT}, K ≥
 *    {@link SPLIT_K_MIN_K}, and at least 2 chunks of ≥ {@link SPLIT_K_MIN_CHUNK} fit: enough
 *    splits for two waves, capped by {@link SPLIT_K_MAX_SPLITS}, the grid and the binding size;
 * 3. otherwise the **tiled** shader with {@link chooseTiling}'s tiling, as **vec4** when {@link vec4Aligned}
 *    and the tiling has ≥ 4 columns per thread.
 */
export function chooseMatmulVariant(
  p: MatmulProblem,
  t: 'f32' | 'i32',
  limits: MatmulLimits = DEFAULT_MATMUL_LIMITS,
): MatmulPlan {
  const batch = batchCount(p);
  const tiled = tiledPlan(p, t, batch);
  if (t !== 'f32') return tiled;
  if (Math.min(p.m, p.n) === 1 || p.k >= GEMV_K_PER_OUTPUT * p.m * p.n) return gemvPlan(p);
  const size = 16 * tiled.tiling.tm;
  const workgroups = batch * Math.ceil(p.m / size) * Math.ceil(p.n / (16 * tiled.tiling.tn));
  if (workgroups >= SM_COUNT || p.k < SPLIT_K_MIN_K) return tiled;
  const splits = Math.min(
    Math.ceil((2 * SM_COUNT) / workgroups),
    Math.floor(p.k / SPLIT_K_MIN_CHUNK),
    SPLIT_K_MAX_SPLITS,
    Math.floor(limits.maxWorkgroupsPerDimension / batch),
    Math.floor(limits.maxBindingBytes / (4 * batch * p.m * p.n)),
  );
  return splits >= 2 ? splitKPlan(p, splits) : tiled;
}

/** A short name of a plan, for pipeline keys and benchmark lines: `tiled-small`, `vec4-large`, `gemv-dot`, `split-k-17-tiled-small`. */
export function planName(plan: MatmulPlan): string {
  switch (plan.variant) {
    case 'tiled':
    case 'vec4':
      return `${plan.variant}-${plan.tiling.name}`;
    case 'gemv':
      return `gemv-${plan.mode}`;
    case 'split-k':
      return `split-k-${plan.splits}-${planName(plan.partial)}`;
  }
}
