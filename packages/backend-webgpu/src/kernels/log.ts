/** The log kernel: the natural logarithm elementwise. */
import { unaryKernel } from './helpers/unary.js';

const helpers = /* wgsl */ `
fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan(); }
  if (x == 0.0) { return -inf(); }
  if (is_inf(x)) { return x; }
  return log(x);
}`;

/** y = ln x; ln 0 = −∞ and ln of a negative number is NaN, both set explicitly. */
export const log = unaryKernel('log', { f32: 'log_f(x)' }, helpers);
