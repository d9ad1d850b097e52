/** Kernels without inputs: fill and randomUniform. */
import { type Kernel, philoxUniform, sizeOf } from '@backprop/core';
import { ArrayHandle, allocateOutput } from '../handle.js';

/** out.shape of `value` (bool: 1 or 0). */
export const fill: Kernel<'fill'> = (_inputs, { value }, out) =>
  new ArrayHandle(allocateOutput(out).fill(out.dtype === 'bool' ? (value ? 1 : 0) : value));

/**
 * Uniform floats in [0, 1). Every backend must produce core's Philox-4x32-10 stream bit for
 * bit, so this one calls core's host implementation; a GPU backend would port it to a shader.
 */
export const randomUniform: Kernel<'randomUniform'> = (_inputs, { key, offset }, out) =>
  new ArrayHandle(philoxUniform(key, offset, sizeOf(out.shape)));
