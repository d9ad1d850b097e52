/** The minimum kernel: the smaller value with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = min(a, b); NaN if either is NaN (checked on the bits: WGSL min need not propagate NaN) */
export const minimum = binaryKernel('minimum', { f32: 'fmin(a, b)', i32: 'min(a, b)' });
