/** The argmin kernel: the position of the smallest value along one axis. */
import type { KernelFactory } from '../kernel-context.js';
import { wgslType } from '../shaders/prelude.js';
import { argReduce } from '../shaders/reduce.js';

/** y = index of the first minimum of x along `axis` (int32); the first NaN counts as the minimum; empty axis → −1. */
export const argmin: KernelFactory<'argmin'> =
  (k) =>
  ([x], { axis }, out) =>
    argReduce(k, 'argmin', x, axis, out, wgslType(x.dtype) === 'f32' ? 'v < best || is_nan(v)' : 'v < best');
