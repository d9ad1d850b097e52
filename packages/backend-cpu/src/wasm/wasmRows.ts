/**
 * SIMD versions of the row kernels along the last axis: softmax, log-softmax, softmax
 * cross-entropy and its gradient (float32 logits, int32 labels), each row in float64 lanes like the scalar
 * kernels (assembly/reduce.ts). Rows split across threads when the tensor is large.
 */
import type { Kernel, OutputInfo, TensorInfo } from '@backprop/core';
import { liveHandle } from '../handle.js';
import { allocateOutHandle } from '../kernels/helpers/output.js';
import { runSplit, type SimdContext } from './parallel.js';
import { ELEMENTWISE_MIN_SIZE } from './wasmElementwise.js';

/** softmax (log false) or logSoftmax (log true) with its float32 case on SIMD. */
export function simdSoftmax<K extends 'softmax' | 'logSoftmax'>(
  ctx: SimdContext,
  name: K,
  scalarKernel: Kernel<K>,
): Kernel<K> {
  const log = name === 'logSoftmax' ? 1 : 0;
  return ((inputs, attrs, out, call) => {
    const [x] = inputs as [TensorInfo];
    const hx = liveHandle(name, x.handle);
    const cols = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
    if (hx.length < ELEMENTWISE_MIN_SIZE || cols === 0 || x.dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out as OutputInfo);
    runSplit(ctx, 'softmaxRows', hx.length / cols, (r0, r1) => [hx.ptr, y.ptr, cols, r0, r1, log], cols);
    return y;
  }) as Kernel<K>;
}

/** softmaxCrossEntropy with its float32 logits case on SIMD. */
export function simdCrossEntropy(
  ctx: SimdContext,
  scalarKernel: Kernel<'softmaxCrossEntropy'>,
): Kernel<'softmaxCrossEntropy'> {
  return (inputs, attrs, out, call) => {
    const [logits, labels] = inputs;
    const hx = liveHandle('softmaxCrossEntropy', logits.handle);
    const hl = liveHandle('softmaxCrossEntropy', labels.handle);
    const cols = logits.shape[1];
    if (hx.length < ELEMENTWISE_MIN_SIZE || cols === 0 || logits.dtype !== 'float32' || labels.dtype !== 'int32')
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out);
    runSplit(ctx, 'crossEntropyRows', logits.shape[0], (r0, r1) => [hx.ptr, hl.ptr, y.ptr, cols, r0, r1], cols);
    return y;
  };
}

/** softmaxCrossEntropyGrad with its float32 logits case on SIMD (rows split across threads when large). */
export function simdCrossEntropyGrad(
  ctx: SimdContext,
  scalarKernel: Kernel<'softmaxCrossEntropyGrad'>,
): Kernel<'softmaxCrossEntropyGrad'> {
  return (inputs, attrs, out, call) => {
    const [logits, labels, dy] = inputs;
    const hx = liveHandle('softmaxCrossEntropyGrad', logits.handle);
    const hl = liveHandle('softmaxCrossEntropyGrad', labels.handle);
    const hd = liveHandle('softmaxCrossEntropyGrad', dy.handle);
    const [rows, cols] = logits.shape;
    if (hx.length < ELEMENTWISE_MIN_SIZE || cols === 0 || labels.dtype !== 'int32' || dy.dtype !== 'float32')
      return scalarKernel(inputs, attrs, out, call);
    const y = allocateOutHandle(out);
    const count = Math.max(rows, 1);
    runSplit(ctx, 'crossEntropyGradRows', rows, (r0, r1) => [hx.ptr, hl.ptr, hd.ptr, y.ptr, cols, count, r0, r1], cols);
    return y;
  };
}
