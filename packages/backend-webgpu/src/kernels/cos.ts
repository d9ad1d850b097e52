/** The cos kernel: the cosine elementwise. */
import { ANGLE_HELPERS } from '../shaders/angle.js';
import { unaryKernel } from './helpers/unary.js';

/** y = cos x, after reducing x to [−π, π]; cos(±∞) = NaN. */
export const cos = unaryKernel('cos', { f32: 'finite_or_nan(x, cos(reduce_angle(x)))' }, ANGLE_HELPERS);
