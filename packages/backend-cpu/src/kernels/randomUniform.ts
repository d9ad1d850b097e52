/** The randomUniform kernel: uniform floats in [0, 1) from core's Philox-4x32-10 stream. */
import { type Kernel, philoxUniform, sizeOf } from '@backprop/core';
import { allocateOut, output } from './helpers/output.js';

/** yᵢ = philoxUniform(key, offset, n)ᵢ, bit for bit: word i mod 4 of block offset + ⌊i/4⌋, as (w >>> 8)·2⁻²⁴. */
export const randomUniform: Kernel<'randomUniform'> = (_inputs, { key, offset }, out) => {
  const n = sizeOf(out.shape);
  return output(philoxUniform(key, offset, n, allocateOut(out, false) as Float32Array));
};
