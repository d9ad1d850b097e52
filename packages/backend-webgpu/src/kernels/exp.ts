/** The exp kernel: the exponential elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = eˣ */
export const exp = unaryKernel('exp', { f32: 'select(exp(x), x, is_nan(x))' });
