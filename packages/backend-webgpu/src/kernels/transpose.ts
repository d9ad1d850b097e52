/** The transpose kernel: permutes the axes of a tensor. */
import { stridesOf } from '@backprop/core';
import type { KernelFactory } from '../kernel-context.js';
import { copyStrided } from '../shaders/strided.js';

/** y[i₀, …, iᵣ] = x at the permuted index: out axis d walks x's axis perm[d]. */
export const transpose: KernelFactory<'transpose'> =
  (k) =>
  ([x], { perm }, out) => {
    const own = stridesOf(x.shape);
    return copyStrided(
      k,
      'transpose',
      x,
      out,
      perm.map((axis) => own[axis]),
    );
  };
