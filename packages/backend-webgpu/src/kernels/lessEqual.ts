/** The lessEqual comparison kernel, with broadcasting. */
import { compareKernel } from './helpers/binary.js';

/** a ≤ b → bool; false when either is NaN */
export const lessEqual = compareKernel('lessEqual', 'a <= b');
