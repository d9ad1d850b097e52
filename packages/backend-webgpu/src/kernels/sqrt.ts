/** The sqrt kernel: the square root elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = √x; negative x gives NaN, checked explicitly */
export const sqrt = unaryKernel('sqrt', { f32: 'select(sqrt(x), nan(), x < 0.0 || is_nan(x))' });
