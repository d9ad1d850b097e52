/** The pad kernel: surrounds a tensor with a constant. */
import { type Kernel, stridesOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { forEachRow } from './helpers/iterate.js';
import { allocateOut, output } from './helpers/output.js';

/** y = `value` everywhere, with x copied in at offset before[d] on each axis d. */
export const pad: Kernel<'pad'> = ([x], { paddings, value }, out) => {
  const xv = valuesOf(x);
  const y = allocateOut(out);
  y.fill(out.dtype === 'bool' ? Number(value !== 0) : value);
  const outStrides = stridesOf(out.shape);
  let base = 0;
  for (let d = 0; d < paddings.length; d++) base += paddings[d][0] * outStrides[d];
  let p = 0;
  forEachRow(x.shape, [outStrides], ([o], n) => {
    y.set(xv.subarray(p, p + n), base + o);
    p += n;
  });
  return output(y);
};
