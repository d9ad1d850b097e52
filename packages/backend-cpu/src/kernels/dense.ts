/** The optional dense kernel: a fully connected layer's x·W + b in one pass. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { matrixView } from './helpers/batched.js';
import { type GemmEngine, gemmFloat } from './helpers/gemm.js';
import { allocateOutHandle } from './helpers/output.js';

/** The dense kernel running its product on `engine` (the scalar one, or the SIMD one). */
export function denseWith(engine: GemmEngine): Kernel<'dense'> {
  return ([x, w, b], _attrs, out) => {
    const y = allocateOutHandle(out);
    const bv = valuesOf(b);
    const [n, inputs] = x.shape;
    const units = w.shape[1];
    engine(matrixView(x, 0, inputs, false), matrixView(w, 0, units, false), y, 0, n, units, inputs, bv);
    return y;
  };
}

/**
 * y = x·W + b for x [N, I], W [I, O], b [O]. The bias is added as each float64 sum leaves the
 * matmul micro-kernel, so y is written once.
 */
export const dense: Kernel<'dense'> = denseWith(gemmFloat);
