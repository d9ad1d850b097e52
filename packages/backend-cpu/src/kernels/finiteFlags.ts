/** The optional finiteFlags kernel: per input, 0 when every value is finite, NaN otherwise. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/** One float32 flag per float32 input: 0, or NaN at its first NaN or ±∞ (the scan stops there). */
export const finiteFlags: Kernel<'finiteFlags'> = (inputs, _attrs, out) => {
  const flags = allocateOut(out, false) as Float32Array;
  inputs.forEach((x, k) => {
    const v = valuesOf(x);
    let flag = 0;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        flag = Number.NaN;
        break;
      }
    }
    flags[k] = flag;
  });
  return output(flags);
};
