/** The div kernel: division with broadcasting. */
import { binaryKernel } from './helpers/binary.js';

/** y = a / b; int32 truncates toward zero and gives 0 on division by zero (as backend-cpu), where WGSL would give a */
export const div = binaryKernel('div', { f32: 'a / b', i32: 'select(a / b, 0i, b == 0i)' });
