/** The gather kernel: takes slices of a tensor at integer indices along one axis. */
import { type Kernel, sizeOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { splitAt } from './helpers/axis.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * y[p, t, q] = x[p, indices[t], q] with p the axes before `axis`, t the (flattened) index
 * axes and q the axes after. NOTE: an index outside [0, x.shape[axis]) gives a slice of
 * zeros, the same as a guarded GPU read; core does not check index values.
 */
export const gather: Kernel<'gather'> = ([x, indices], { axis }, out) => {
  const xv = valuesOf(x);
  const iv = valuesOf(indices);
  const y = allocateOut(out);
  const { outer, inner } = splitAt(x.shape, axis);
  const n = x.shape[axis];
  const m = sizeOf(indices.shape);
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < m; t++) {
      const index = iv[t];
      if (index < 0 || index >= n) continue;
      const src = (p * n + index) * inner;
      y.set(xv.subarray(src, src + inner), (p * m + t) * inner);
    }
  }
  return output(y);
};
