/** The add kernel: addition with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = a + b (int32 wraps on overflow) */
export const add = binaryKernel('add', { f32: 'a + b', i32: 'a + b' });
