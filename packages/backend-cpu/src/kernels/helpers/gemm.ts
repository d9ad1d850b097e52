/**
 * General matrix multiply C = A·B on strided operands, the engine of matmul and dense.
 *
 * Float path: B is packed once into column panels of NR doubles per k, A is packed in blocks
 * of MC rows into row panels of MR doubles per k, and a 4×4 register micro-kernel runs the
 * whole K loop with 16 float64 accumulators, so each output is rounded to float32 once.
 * Packing reads A and B through their strides, which makes all four transpose cases the same.
 */
import type { CpuHandle } from '../../handle.js';

/**
 * A strided matrix view: element (r, c) is `data[offset + r·rowStride + c·colStride]`; `data`
 * starts at byte `base` of the backend's heap (what the SIMD engine reads through).
 */
export interface MatrixView {
  readonly data: ArrayLike<number>;
  readonly base: number;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * A float32 matrix-multiply engine: C[cOffset + i·n + j] = Σₖ A[i,k]·B[k,j] + bias[j] (bias: dense's) for an
 * M×K A and a K×N B (float32 data), C (a float32 handle) row-major and contiguous. `gemmFloat`
 * is the scalar one.
 */
export type GemmEngine = (
  a: MatrixView,
  b: MatrixView,
  c: CpuHandle,
  cOffset: number,
  m: number,
  n: number,
  k: number,
  bias?: ArrayLike<number>,
) => void;

const MR = 4;
const NR = 4;
/** Doubles of packed A kept hot per block (about 256 KiB). */
const A_BLOCK_DOUBLES = 32768;

let packA: Float64Array = new Float64Array(0);
let packB: Float64Array = new Float64Array(0);
const tile = new Float64Array(MR * NR);

function scratch(current: Float64Array, size: number): Float64Array {
  return current.length >= size ? current : new Float64Array(Math.max(size, current.length * 2));
}

/** Packs rows [i0, i0 + rows) of A (M×K) into panels of MR rows: panel p, step k holds MR values. */
function packRows(a: MatrixView, i0: number, rows: number, k: number, dst: Float64Array): void {
  const { data, offset, rowStride, colStride } = a;
  let q = 0;
  for (let p = 0; p < rows; p += MR) {
    const h = Math.min(MR, rows - p);
    for (let kk = 0; kk < k; kk++) {
      let src = offset + (i0 + p) * rowStride + kk * colStride;
      for (let r = 0; r < MR; r++, src += rowStride) dst[q++] = r < h ? data[src] : 0;
    }
  }
}

/** Packs all columns of B (K×N) into panels of NR columns: panel p, step k holds NR values. */
function packColumns(b: MatrixView, k: number, n: number, dst: Float64Array): void {
  const { data, offset, rowStride, colStride } = b;
  let q = 0;
  for (let p = 0; p < n; p += NR) {
    const w = Math.min(NR, n - p);
    for (let kk = 0; kk < k; kk++) {
      let src = offset + kk * rowStride + p * colStride;
      for (let c = 0; c < NR; c++, src += colStride) dst[q++] = c < w ? data[src] : 0;
    }
  }
}

/**
 * C[cOffset + i·n + j] = Σₖ A[i,k]·B[k,j] + bias[j] for an M×K A and a K×N B, with C
 * row-major and contiguous. Accumulates in float64; the bias is added to the float64 sum.
 */
export function gemmFloat(
  a: MatrixView,
  b: MatrixView,
  out: CpuHandle,
  cOffset: number,
  m: number,
  n: number,
  k: number,
  bias?: ArrayLike<number>,
): void {
  if (m === 0 || n === 0) return;
  const c = out.values as Float32Array;
  const nPanels = Math.ceil(n / NR);
  packB = scratch(packB, nPanels * NR * k);
  packColumns(b, k, n, packB);
  const bp = packB;
  const blockRows = Math.max(MR, Math.floor(A_BLOCK_DOUBLES / Math.max(k, 1) / MR) * MR);
  for (let i0 = 0; i0 < m; i0 += blockRows) {
    const rows = Math.min(blockRows, m - i0);
    packA = scratch(packA, Math.ceil(rows / MR) * MR * k);
    packRows(a, i0, rows, k, packA);
    const ap = packA;
    for (let jp = 0; jp < nPanels; jp++) {
      const j0 = jp * NR;
      const bBase = jp * NR * k;
      for (let ip = 0; ip < rows; ip += MR) {
        microKernel(ap, ip * k, bp, bBase, k, tile);
        storeTile(tile, c, cOffset, i0 + ip, j0, m, n, bias);
      }
    }
  }
}

/** The 4×4 register tile: tile[r·4 + c] = Σₖ ap[pa + 4k + r] · bp[pb + 4k + c], summed in float64 locals. */
// biome-ignore format: the sixteen accumulators read best as a 4×4 grid
function microKernel(ap: Float64Array, pa: number, bp: Float64Array, pb: number, k: number, tile: Float64Array): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let kk = 0; kk < k; kk++, pa += MR, pb += NR) {
    const a0 = ap[pa], a1 = ap[pa + 1], a2 = ap[pa + 2], a3 = ap[pa + 3];
    const b0 = bp[pb], b1 = bp[pb + 1], b2 = bp[pb + 2], b3 = bp[pb + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
}

/** Stores the in-bounds part of a 4×4 tile at (i0, j0), adding the bias if any. */
function storeTile(
  tile: Float64Array,
  c: Float32Array,
  cOffset: number,
  i0: number,
  j0: number,
  m: number,
  n: number,
  bias?: ArrayLike<number>,
): void {
  const h = Math.min(MR, m - i0);
  const w = Math.min(NR, n - j0);
  for (let r = 0; r < h; r++) {
    const row = cOffset + (i0 + r) * n + j0;
    for (let q = 0; q < w; q++) {
      const v = tile[r * NR + q];
      c[row + q] = bias ? v + bias[j0 + q] : v;
    }
  }
}

/** The int32 product with wrap-around arithmetic (Math.imul, |0). */
export function gemmInt(
  a: MatrixView,
  b: MatrixView,
  c: Int32Array,
  cOffset: number,
  m: number,
  n: number,
  k: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = a.offset + i * a.rowStride;
      let pb = b.offset + j * b.colStride;
      for (let kk = 0; kk < k; kk++, pa += a.colStride, pb += b.rowStride)
        s = (s + Math.imul(a.data[pa], b.data[pb])) | 0;
      c[cOffset + i * n + j] = s;
    }
  }
}
