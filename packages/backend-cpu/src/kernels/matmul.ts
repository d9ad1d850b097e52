/** The matmul kernel: batched matrix products with transpose flags and broadcast batch axes. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { forEachBatch, matrixView } from './helpers/batched.js';
import { type GemmEngine, gemmFloat, gemmInt } from './helpers/gemm.js';
import { allocateOut, output } from './helpers/output.js';

/** The matmul kernel running float32 products on `engine` (the scalar one, or the SIMD one). */
export function matmulWith(engine: GemmEngine): Kernel<'matmul'> {
  return ([a, b], { transposeA, transposeB }, out) => {
    const av = valuesOf(a);
    const bv = valuesOf(b);
    const y = allocateOut(out, false);
    const rank = out.shape.length;
    const m = out.shape[rank - 2];
    const n = out.shape[rank - 1];
    const aCols = a.shape[a.shape.length - 1];
    const bCols = b.shape[b.shape.length - 1];
    const k = transposeA ? a.shape[a.shape.length - 2] : aCols;
    forEachBatch(a, b, out, (pa, pb, po) => {
      const av2 = matrixView(av, pa, aCols, transposeA);
      const bv2 = matrixView(bv, pb, bCols, transposeB);
      if (y instanceof Int32Array) gemmInt(av2, bv2, y, po, m, n, k);
      else engine(av2, bv2, y as Float32Array, po, m, n, k);
    });
    return output(y);
  };
}

/**
 * y[..., i, j] = Σₖ A[..., i, k] · B[..., k, j] with A = aᵀ when `transposeA` and B = bᵀ when
 * `transposeB` (over the last two axes). float32 accumulates in float64; int32 wraps.
 */
export const matmul: Kernel<'matmul'> = matmulWith(gemmFloat);
