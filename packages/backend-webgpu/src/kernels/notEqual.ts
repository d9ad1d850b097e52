/** The notEqual comparison kernel, with broadcasting. */
import { compareKernel } from './helpers/binary.js';

/** a ≠ b → bool; NaN differs from everything */
export const notEqual = compareKernel('notEqual', 'a != b', true);
