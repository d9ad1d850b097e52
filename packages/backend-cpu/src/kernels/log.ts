/** The log kernel: the natural logarithm elementwise. */
import type { Kernel } from '@backprop/core';
import { mapUnary } from './helpers/elementwise.js';

/** yᵢ = ln xᵢ (ln 0 = −∞, ln of a negative number = NaN) */
export const log: Kernel<'log'> = ([x], _attrs, out) => mapUnary(x, out, Math.log);
