/** The sub kernel: subtraction with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = a − b (int32 wraps on overflow) */
export const sub = binaryKernel('sub', { f32: 'a - b', i32: 'a - b' });
