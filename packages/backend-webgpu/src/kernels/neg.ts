/** The neg kernel: negation elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = −x (int32 wraps: −(−2³¹) = −2³¹) */
export const neg = unaryKernel('neg', { f32: '-x', i32: '0i - x' });
