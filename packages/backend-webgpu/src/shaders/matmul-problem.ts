/** One batched matrix product as every matmul variant reads it: its shape, its metadata words and the WGSL that decodes them. */
import { type Shape, sizeOf } from '@backprop/core';
import { Meta } from '../meta.js';
import { broadcastStrides } from './elementwise.js';

/** The shape of one batched product: out[z] = A[z]·B[z] with A M×K and B K×N read through strides. */
export interface MatmulProblem {
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Output batch shape, and each operand's element stride per batch axis (0 where broadcast). */
  batchShape: readonly number[];
  aBatchStrides: readonly number[];
  bBatchStrides: readonly number[];
}

/** The number of matrices in the output (1 without batch axes). */
export function batchCount(p: MatmulProblem): number {
  return p.batchShape.reduce((s, d) => s * d, 1);
}

const matrixSize = (shape: Shape) => sizeOf(shape.slice(-2));

/** The problem of the `matmul` kernel: a [..., M, K] (or [..., K, M] with transposeA) times b, into `outShape`. */
export function matmulProblem(
  aShape: Shape,
  bShape: Shape,
  outShape: Shape,
  transposeA: boolean,
  transposeB: boolean,
): MatmulProblem {
  const rank = outShape.length;
  const batchShape = outShape.slice(0, -2);
  const strides = (shape: Shape) => broadcastStrides(shape.slice(0, -2), batchShape).map((s) => s * matrixSize(shape));
  return {
    m: outShape[rank - 2],
    n: outShape[rank - 1],
    k: transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1],
    transposeA,
    transposeB,
    batchShape,
    aBatchStrides: strides(aShape),
    bBatchStrides: strides(bShape),
  };
}

/** The problem of the `dense` kernel: x [N, I] times W [I, O]. */
export function denseProblem(xShape: Shape, wShape: Shape): MatmulProblem {
  return {
    m: xShape[0],
    n: wShape[1],
    k: xShape[1],
    transposeA: false,
    transposeB: false,
    batchShape: [],
    aBatchStrides: [],
    bBatchStrides: [],
  };
}

/**
 * The metadata words every matmul shader reads: M, N, K, A's strides (i, k), B's strides (k, j),
 * the two transpose flags, the batch count, the K chunk of one split (K when not split), one
 * variant word (`flag`), then the batch rank, batch shape and both operands' batch strides.
 */
export function matmulMeta(p: MatmulProblem, { kChunk = p.k, flag = 0 } = {}): Uint32Array {
  // A (M×K) element (i, k) sits at i·sAi + k·sAk; B (K×N) element (k, j) at k·sBk + j·sBj.
  const [sAi, sAk] = p.transposeA ? [1, p.m] : [p.k, 1];
  const [sBk, sBj] = p.transposeB ? [1, p.k] : [p.n, 1];
  return new Meta()
    .u(p.m, p.n, p.k, sAi, sAk, sBk, sBj, Number(p.transposeA), Number(p.transposeB))
    .u(batchCount(p), kChunk, flag, p.batchShape.length)
    .u(...p.batchShape, ...p.aBatchStrides, ...p.bBatchStrides)
    .build();
}

/**
 * WGSL over {@link matmulMeta}'s words, shared by every variant: element indices of A(i, k) and
 * B(k, j), each operand's offset for output matrix `z`, and the K range of dispatch slice `z`
 * (slice z = split · batch + matrix; split s covers [s·kChunk, min(K, (s + 1)·kChunk))).
 */
export const MATMUL_WGSL = /* wgsl */ `
fn mm_a(base: u32, i: u32, k: u32) -> u32 { return base + i * args[3] + k * args[4]; }
fn mm_b(base: u32, k: u32, j: u32) -> u32 { return base + k * args[5] + j * args[6]; }
fn mm_bases(z: u32) -> vec2u {
  let rank = args[12];
  var a = 0u; var b = 0u; var rem = z;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let ud = u32(d);
    let c = rem % args[13u + ud];
    rem /= args[13u + ud];
    a += c * args[13u + rank + ud];
    b += c * args[13u + 2u * rank + ud];
  }
  return vec2u(a, b);
}
fn mm_krange(z: u32) -> vec2u {
  let begin = min((z / args[9]) * args[10], args[2]);
  return vec2u(begin, min(args[2], begin + args[10]));
}
`;

/**
 * WGSL of the register-blocked product of one K tile, shared by the scalar and vec4 tiled shaders:
 * each thread reads TM values of A's tile (`As`, k-major, BM rows) into `a` and multiplies them
 * with `cols` elements of B's tile row (`Bs`, k-major rows of 16·cols elements, scalars or vec4),
 * accumulating into `acc[i·cols + j]`.
 */
export function tileProductWgsl(bk: number, bm: number, tm: number, cols: number): string {
  return `for (var kk = 0u; kk < ${bk}u; kk++) {
      for (var i = 0u; i < ${tm}u; i++) { a[i] = As[kk * ${bm}u + ty + 16u * i]; }
      for (var j = 0u; j < ${cols}u; j++) {
        let b = Bs[kk * ${16 * cols}u + tx + 16u * j];
        for (var i = 0u; i < ${tm}u; i++) { acc[i * ${cols}u + j] += a[i] * b; }
      }
    }`;
}

/**
 * WGSL opening the tiled shaders' entry point: sizes and transpose flags from the metadata, this
 * workgroup's K range and batch offsets, the thread's place, and the tile's first row and column.
 */
export function tilePrologueWgsl(bm: number, bn: number): string {
  return `let M = args[0]; let N = args[1];
  let tA = args[7] != 0u; let tB = args[8] != 0u;
  let kr = mm_krange(wid.z); let base = mm_bases(wid.z % args[9]);
  let tx = lid.x; let ty = lid.y; let tid = ty * 16u + tx;
  let row0 = wid.y * ${bm}u; let col0 = wid.x * ${bn}u;`;
}
