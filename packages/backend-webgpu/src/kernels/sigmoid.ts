/** The sigmoid kernel: the logistic function elementwise, in the overflow-free two-branch form. */
import { SIGMOID_WGSL } from '../shaders/activations.js';
import { unaryKernel } from './helpers/unary.js';

/** y = 1/(1 + e⁻ˣ); for x < 0 it computes eˣ/(1 + eˣ), so nothing overflows (as backend-cpu). */
export const sigmoid = unaryKernel('sigmoid', { f32: 'sigmoid_f(x)' }, SIGMOID_WGSL);
