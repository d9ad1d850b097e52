/** The equal comparison kernel, with broadcasting. */
import { compareKernel } from './helpers/binary.js';

/** a = b → bool; NaN equals nothing */
export const equal = compareKernel('equal', 'a == b');
