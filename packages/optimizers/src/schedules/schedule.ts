/** The schedule type, and the constant schedule. */

/**
 * A learning-rate schedule: the rate at step or epoch k (from 0) of a group whose initial
 * rate is `baseLr`. A pure function of its arguments.
 */
export type Schedule = (k: number, baseLr: number) => number;

/**
 * γ_k = γ₀.
 *
 * @example
 * ```ts
 * import { constant } from '@backprop/optimizers';
 *
 * console.log(constant()(10, 0.01)); // 0.01: the base rate at every step
 * ```
 */
export const constant = (): Schedule => (_k, base) => base;
