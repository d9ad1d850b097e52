/** The maximum kernel: the larger value with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = max(a, b); NaN if either is NaN (checked on the bits: WGSL max need not propagate NaN) */
export const maximum = binaryKernel('maximum', { f32: 'fmax(a, b)', i32: 'max(a, b)' });
