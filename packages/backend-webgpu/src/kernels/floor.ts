/** The floor kernel: rounding down elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = ⌊x⌋ */
export const floor = unaryKernel('floor', { f32: 'select(floor(x), x, is_nan(x))' });
