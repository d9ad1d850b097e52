/** The transpose kernel: permutes the axes of a tensor. */
import { type Kernel, stridesOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { forEachRow, innerStride } from './helpers/iterate.js';
import { allocateOut, output } from './helpers/output.js';

/** y[i₀, …, iᵣ] = x at index i_{perm⁻¹}: out axis d walks x's axis perm[d]. */
export const transpose: Kernel<'transpose'> = ([x], { perm }, out) => {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  const own = stridesOf(x.shape);
  const strides = perm.map((axis) => own[axis]);
  const step = innerStride(strides);
  let o = 0;
  forEachRow(out.shape, [strides], ([p], n) => {
    for (let j = 0; j < n; j++, p += step) y[o++] = xv[p];
  });
  return output(y);
};
