/** The reciprocal kernel: the reciprocal elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = 1/x (1/±0 = ±∞) */
export const reciprocal = unaryKernel('reciprocal', { f32: '1.0 / x' });
