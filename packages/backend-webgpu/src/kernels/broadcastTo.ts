/** The broadcastTo kernel: repeats a tensor along stretched axes. */
import type { KernelFactory } from '../kernel-context.js';
import { broadcastStrides } from '../shaders/elementwise.js';
import { copyStrided } from '../shaders/strided.js';

/** y[i] = x[i mod x.shape], right-aligned, with size-1 and missing axes stretched to out.shape. */
export const broadcastTo: KernelFactory<'broadcastTo'> =
  (k) =>
  ([x], _attrs, out) =>
    copyStrided(k, 'broadcastTo', x, out, broadcastStrides(x.shape, out.shape));
