/** The slice kernel: copies a box out of a tensor. */
import { type Kernel, stridesOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { forEachRow } from './helpers/iterate.js';
import { allocateOut, output } from './helpers/output.js';

/** y[i] = x[begin + i] for every index i of out.shape (the box's extent). */
export const slice: Kernel<'slice'> = ([x], { begin }, out) => {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let d = 0; d < begin.length; d++) base += begin[d] * strides[d];
  let o = 0;
  forEachRow(out.shape, [strides], ([p], n) => {
    y.set(xv.subarray(base + p, base + p + n), o);
    o += n;
  });
  return output(y);
};
