/** The sin kernel: the sine elementwise. */
import { ANGLE_HELPERS } from '../shaders/angle.js';
import { unaryKernel } from './helpers/unary.js';

/** y = sin x, after reducing x to [−π, π]; sin(±∞) = NaN. */
export const sin = unaryKernel('sin', { f32: 'finite_or_nan(x, sin(reduce_angle(x)))' }, ANGLE_HELPERS);
