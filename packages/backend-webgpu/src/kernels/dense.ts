/** The optional dense kernel: a fully connected layer's act(x·W + b) in one pass. */
import { type FusedActivation, sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { RELU_WGSL, SIGMOID_WGSL, TANH_WGSL } from '../shaders/activations.js';
import { type Epilogue, runMatmul } from '../shaders/matmul.js';

const epilogues: Record<FusedActivation, Epilogue> = {
  linear: { name: 'bias', helpers: '', expr: 'v + in2[c]' },
  relu: { name: 'bias-relu', helpers: RELU_WGSL, expr: 'relu_f(v + in2[c])' },
  sigmoid: { name: 'bias-sigmoid', helpers: SIGMOID_WGSL, expr: 'sigmoid_f(v + in2[c])' },
  tanh: { name: 'bias-tanh', helpers: TANH_WGSL, expr: 'tanh_f(v + in2[c])' },
};

/**
 * y = act(x·W + b) for x [N, I], W [I, O], b [O]: the tiled matmul with the bias and the
 * activation applied as each sum leaves the registers, so y is written once. relu(NaN) = NaN.
 */
export const dense: KernelFactory<'dense'> =
  (k) =>
  ([x, w, b], { activation }, out) => {
    const y = k.output(out);
    if (sizeOf(out.shape) === 0) return y;
    runMatmul(
      k,
      'dense',
      'f32',
      {
        m: x.shape[0],
        n: w.shape[1],
        k: x.shape[1],
        transposeA: false,
        transposeB: false,
        batchShape: [],
        aBatchStrides: [],
        bBatchStrides: [],
      },
      [bufferOf(x), bufferOf(w), bufferOf(b)],
      y,
      epilogues[activation],
    );
    return y;
  };
