/** The slice kernel: copies a box out of a tensor. */
import { stridesOf } from '@backprop/core';
import type { KernelFactory } from '../kernel-context.js';
import { copyStrided } from '../shaders/strided.js';

/** y[i] = x[begin + i] for every index i of out.shape (the box's extent). */
export const slice: KernelFactory<'slice'> =
  (k) =>
  ([x], { begin }, out) => {
    const strides = stridesOf(x.shape);
    let base = 0;
    for (let d = 0; d < begin.length; d++) base += begin[d] * strides[d];
    return copyStrided(k, 'slice', x, out, strides, base);
  };
