/** The optional finiteFlags kernel: per input, 0 when every value is finite, NaN otherwise. */
import type { Kernel } from '@backprop/core';
import { valuesOf } from '../handle.js';
import { allocateOut, output } from './helpers/output.js';

/** 0 when every value is finite, NaN at the first NaN or ±∞ (the scan stops there). */
export function finiteFlagOf(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return Number.NaN;
  return 0;
}

/** One float32 flag per float32 input: {@link finiteFlagOf} of each. */
export const finiteFlags: Kernel<'finiteFlags'> = (inputs, _attrs, out) => {
  const flags = allocateOut(out, false) as Float32Array;
  inputs.forEach((x, k) => {
    flags[k] = finiteFlagOf(valuesOf(x));
  });
  return output(flags);
};
