/** The log kernel: the natural logarithm elementwise. */
import { LOG_WGSL } from '../shaders/log.js';
import { unaryKernel } from './helpers/unary.js';

/** y = ln x; ln 0 = −∞ and ln of a negative number is NaN, both set explicitly; accurate near 1. */
export const log = unaryKernel('log', { f32: 'log_f(x)' }, LOG_WGSL);
