/** The matmul kernel: batched matrix products with transpose flags and broadcast batch axes. */
import type { Kernel } from '@backprop/core';
import { forEachBatch, matrixView } from './helpers/batched.js';
import { type GemmEngine, gemmFloat, gemmInt } from './helpers/gemm.js';
import { allocateOutHandle } from './helpers/output.js';

/** The matmul kernel running float32 products on `engine` (the scalar one, or the SIMD one). */
export function matmulWith(engine: GemmEngine): Kernel<'matmul'> {
  return ([a, b], { transposeA, transposeB }, out) => {
    const y = allocateOutHandle(out);
    const rank = out.shape.length;
    const m = out.shape[rank - 2];
    const n = out.shape[rank - 1];
    const aCols = a.shape[a.shape.length - 1];
    const bCols = b.shape[b.shape.length - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : aCols;
    forEachBatch(a, b, out, (pa, pb, po) => {
      const av = matrixView(a, pa, aCols, transposeA);
      const bv = matrixView(b, pb, bCols, transposeB);
      if (y.dtype === 'int32') gemmInt(av, bv, y.values as Int32Array, po, m, n, k);
      else engine(av, bv, y, po, m, n, k);
    });
    return y;
  };
}

/**
 * y[..., i, j] = Σₖ A[..., i, k] · B[..., k, j] with A = aᵀ when `transposeA` and B = bᵀ when
 * `transposeB` (over the last two axes). float32 accumulates in float64; int32 wraps.
 */
export const matmul: Kernel<'matmul'> = matmulWith(gemmFloat);
