/** The abs kernel: absolute value elementwise. */
import { unaryKernel } from './helpers/unary.js';

/** y = |x| (float: the sign bit cleared, so NaN stays NaN; int32 wraps: |−2³¹| = −2³¹) */
export const abs = unaryKernel('abs', { f32: 'bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu)', i32: 'abs(x)' });
