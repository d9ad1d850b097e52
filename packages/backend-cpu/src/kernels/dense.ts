/** The optional dense kernel: a fully connected layer's act(x·W + b) in one pass. */
import type { FusedActivation, Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { matrixView } from './helpers/batched.js';
import { type Epilogue, type GemmEngine, gemmFloat } from './helpers/gemm.js';
import { allocateOut, output } from './helpers/output.js';

/** The activation applied to each (bias-added) output; sigmoid uses the overflow-free two-branch form. */
const activations: Record<FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => (v > 0 || Number.isNaN(v) ? v : 0),
  sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
  tanh: Math.tanh,
};

/** The dense kernel running its product on `engine` (the scalar one, or the SIMD one). */
export function denseWith(engine: GemmEngine): Kernel<'dense'> {
  return ([x, w, b], { activation }, out) => {
    const bv = valuesOf(b);
    const y = allocateOut(out, false) as Float32Array;
    const [n, inputs] = x.shape;
    const units = w.shape[1];
    const act = activations[activation];
    const epilogue: Epilogue = (v, j) => act(v + bv[j]);
    const xv = matrixView(valuesOf(x), 0, inputs, false);
    engine(xv, matrixView(valuesOf(w), 0, units, false), y, 0, n, units, inputs, epilogue);
    return output(y);
  };
}

/**
 * y = act(x·W + b) for x [N, I], W [I, O], b [O]. The bias and activation are applied as each
 * float64 sum leaves the matmul micro-kernel, so y is written once. NOTE: relu(NaN) = NaN.
 */
export const dense: Kernel<'dense'> = denseWith(gemmFloat);
