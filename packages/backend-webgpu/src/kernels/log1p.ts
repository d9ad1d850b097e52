/** The log1p kernel: ln(1 + x) elementwise, accurate near 0. */
import { LOG_WGSL } from '../shaders/log.js';
import { unaryKernel } from './helpers/unary.js';

const helpers = /* wgsl */ `${LOG_WGSL}
fn log1p_f(x: f32) -> f32 {
  if (is_nan(x) || x < -1.0) { return nan(); }
  if (x == -1.0) { return -inf(); }
  if (is_inf(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log_f(u) * (x / (u - 1.0));
}`;

/**
 * y = ln(1 + x). WGSL has no log1p; this uses Goldberg's correction ln(u)·x/(u − 1) with
 * u = 1 + x, which cancels the rounding of u and keeps full relative accuracy near 0.
 */
export const log1p = unaryKernel('log1p', { f32: 'log1p_f(x)' }, helpers);
