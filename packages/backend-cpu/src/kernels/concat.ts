/** The concat kernel: joins tensors along one axis. */
import { type Kernel, sizeOf } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { splitAt } from './helpers/axis.js';
import { allocateOut, output } from './helpers/output.js';

/** y = [x₀ | x₁ | …] along `axis`: each outer block of y is the inputs' blocks one after another. */
export const concat: Kernel<'concat'> = (inputs, { axis }, out) => {
  const y = allocateOut(out);
  const { outer } = splitAt(out.shape, axis);
  const outBlock = outer === 0 ? 0 : y.length / outer;
  let start = 0;
  for (const x of inputs) {
    const xv = valuesOf(x);
    const block = sizeOf(x.shape.slice(axis));
    for (let p = 0; p < outer; p++) y.set(xv.subarray(p * block, (p + 1) * block), p * outBlock + start);
    start += block;
  }
  return output(y);
};
