/** The greaterEqual comparison kernel, with broadcasting. */
import { compareKernel } from './helpers/binary.js';

/** a ≥ b → bool; false when either is NaN */
export const greaterEqual = compareKernel('greaterEqual', 'a >= b');
