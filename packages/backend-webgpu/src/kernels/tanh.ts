/** The tanh kernel: the hyperbolic tangent elementwise. */
import { TANH_WGSL } from '../shaders/activations.js';
import { unaryKernel } from './helpers/unary.js';

/** y = tanh x, accurate near 0 and exactly ±1 beyond |x| > 10 (see `TANH_WGSL`). */
export const tanh = unaryKernel('tanh', { f32: 'tanh_f(x)' }, TANH_WGSL);
