/** The where kernel: elementwise selection between two tensors by a bool condition. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { broadcastStrides, forEachRow, innerStride } from './helpers/iterate.js';
import { allocateOut, output } from './helpers/output.js';

/** yᵢ = condᵢ ? aᵢ : bᵢ, with cond, a and b all broadcast to out.shape. */
export const where: Kernel<'where'> = ([cond, a, b], _attrs, out) => {
  const cv = valuesOf(cond);
  const av = valuesOf(a);
  const bv = valuesOf(b);
  const y = allocateOut(out);
  const strides = [cond, a, b].map((t) => broadcastStrides(t.shape, out.shape));
  const [ic, ia, ib] = strides.map(innerStride);
  let o = 0;
  forEachRow(out.shape, strides, ([pc, pa, pb], n) => {
    for (let j = 0; j < n; j++, pc += ic, pa += ia, pb += ib) y[o++] = cv[pc] ? av[pa] : bv[pb];
  });
  return output(y);
};
