/** gather and its adjoint scatterAdd: slices of one axis picked by int32 indices. */
import { type Kernel, sizeOf } from '@backprop/core';
import { ArrayHandle, allocateOutput, valuesOf } from '../handle.js';
import { splitAt } from './indexing.js';

/**
 * y[p, t, q] = x[p, indices[t], q], with p the axes before `axis`, t the flattened indices and q
 * the axes after. An index outside [0, n) gives zeros (core does not check index values).
 */
export const gather: Kernel<'gather'> = ([x, indices], { axis }, out) => {
  const xs = valuesOf(x);
  const is = valuesOf(indices);
  const ys = allocateOutput(out);
  const { outer, n, inner } = splitAt(x.shape, axis);
  const count = sizeOf(indices.shape);
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const index = is[t];
      if (index < 0 || index >= n) continue;
      for (let q = 0; q < inner; q++) ys[(p * count + t) * inner + q] = xs[(p * n + index) * inner + q];
    }
  }
  return new ArrayHandle(ys);
};

/** y = zeros(out.shape); y[p, indices[t], q] += updates[p, t, q] (repeated indices add up). */
export const scatterAdd: Kernel<'scatterAdd'> = ([updates, indices], { axis }, out) => {
  const us = valuesOf(updates);
  const is = valuesOf(indices);
  const ys = allocateOutput(out);
  const { outer, n, inner } = splitAt(out.shape, axis);
  const count = sizeOf(indices.shape);
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < count; t++) {
      const index = is[t];
      if (index < 0 || index >= n) continue;
      for (let q = 0; q < inner; q++) ys[(p * n + index) * inner + q] += us[(p * count + t) * inner + q];
    }
  }
  return new ArrayHandle(ys);
};
