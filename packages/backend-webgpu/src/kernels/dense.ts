/** The optional dense kernel: a fully connected layer's x·W + b in one pass. */
import { sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { runMatmul } from '../shaders/matmul.js';
import { DENSE_EPILOGUE } from '../shaders/matmul-epilogue.js';
import { denseProblem } from '../shaders/matmul-problem.js';

/**
 * y = x·W + b for x [N, I], W [I, O], b [O]: the matmul (any variant) with the bias added as
 * each sum is written (split-K: in its reducing pass), so y is written once.
 */
export const dense: KernelFactory<'dense'> =
  (k) =>
  ([x, w, b], _attrs, out) => {
    const y = k.output(out);
    if (sizeOf(out.shape) === 0) return y;
    runMatmul(
      k,
      'dense',
      'f32',
      denseProblem(x.shape, w.shape),
      [bufferOf(x), bufferOf(w), bufferOf(b)],
      y,
      DENSE_EPILOGUE,
    );
    return y;
  };
