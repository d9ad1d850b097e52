/** The broadcastTo kernel: repeats a tensor along stretched axes. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { broadcastStrides, forEachRow, innerStride } from './helpers/iterate.js';
import { allocateOut, output } from './helpers/output.js';

/** y[i] = x[i mod x.shape], right-aligned, with size-1 and missing axes stretched to out.shape. */
export const broadcastTo: Kernel<'broadcastTo'> = ([x], _attrs, out) => {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  const strides = broadcastStrides(x.shape, out.shape);
  const step = innerStride(strides);
  let o = 0;
  forEachRow(out.shape, [strides], ([p], n) => {
    for (let j = 0; j < n; j++, p += step) y[o++] = xv[p];
  });
  return output(y);
};
