/** The scatterAdd kernel: adds slices into a zero tensor at integer indices along one axis (gather's adjoint). */
import { type Kernel, sizeOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { splitAt } from './helpers/axis.js';
import { allocateOut, output } from './helpers/output.js';

/**
 * y = 0 of out.shape, then y[p, indices[t], q] += updates[p, t, q]. Repeated indices add
 * up (accumulated in float64); indices outside [0, out.shape[axis]) are skipped.
 */
export const scatterAdd: Kernel<'scatterAdd'> = ([updates, indices], { axis }, out) => {
  const uv = valuesOf(updates);
  const iv = valuesOf(indices);
  const y = allocateOut(out);
  const acc = new Float64Array(y.length);
  const { outer, inner } = splitAt(out.shape, axis);
  const n = out.shape[axis];
  const m = sizeOf(indices.shape);
  for (let p = 0; p < outer; p++) {
    for (let t = 0; t < m; t++) {
      const index = iv[t];
      if (index < 0 || index >= n) continue;
      const dst = (p * n + index) * inner;
      const src = (p * m + t) * inner;
      for (let q = 0; q < inner; q++) acc[dst + q] += uv[src + q];
    }
  }
  y.set(acc);
  return output(y);
};
