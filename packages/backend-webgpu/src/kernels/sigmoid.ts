/** The sigmoid kernel: the logistic function elementwise, in the overflow-free two-branch form. */
import { unaryKernel } from './helpers/unary.js';

const helpers = /* wgsl */ `
fn sigmoid_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`;

/** y = 1/(1 + e⁻ˣ); for x < 0 it computes eˣ/(1 + eˣ), so nothing overflows (as backend-cpu). */
export const sigmoid = unaryKernel('sigmoid', { f32: 'sigmoid_f(x)' }, helpers);
