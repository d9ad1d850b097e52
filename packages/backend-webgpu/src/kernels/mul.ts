/** The mul kernel: multiplication with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = a · b (int32 wraps like Math.imul) */
export const mul = binaryKernel('mul', { f32: 'a * b', i32: 'a * b' });
