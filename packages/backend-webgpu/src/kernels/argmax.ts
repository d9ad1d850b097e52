/** The argmax kernel: the position of the largest value along one axis. */
import type { KernelFactory } from '../kernel-context.js';
import { wgslType } from '../shaders/prelude.js';
import { argReduce } from '../shaders/reduce.js';

/** y = index of the first maximum of x along `axis` (int32); the first NaN counts as the maximum; empty axis → −1. */
export const argmax: KernelFactory<'argmax'> =
  (k) =>
  ([x], { axis }, out) =>
    argReduce(k, 'argmax', x, axis, out, wgslType(x.dtype) === 'f32' ? 'v > best || is_nan(v)' : 'v > best');
