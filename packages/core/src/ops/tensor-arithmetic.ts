/** The update rules' arithmetic on tensors (core's differentiable ops): how the composed updates run them. */
import type { Arithmetic } from '../kernels/update-rules.js';
import type { Tensor } from '../tensor.js';
import { add, div, maximum, mul, sub } from './binary.js';
import { sqrt } from './unary.js';

/** Tensor arithmetic for the update rules of `kernels/update-rules.ts`. */
export const tensorArithmetic: Arithmetic<Tensor> = { add, sub, mul, div, sqrt, maximum };
