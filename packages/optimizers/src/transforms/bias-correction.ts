/** Bias corrections 1 − βᵗ, as host numbers or — from a step tensor — as scalar tensors a compiled step can replay. */
import { expm1, mul, neg, type Tensor } from '@backprop/core';
import type { UpdateContext } from '../transform.js';

/**
 * 1 − βᵗ for the step of `ctx`: a float32 scalar tensor computed from `ctx.stepTensor` when
 * there is one (so the traced update does not change with t), else a host number.
 *
 * On the tensor path 1 − βᵗ = −expm1(t·ln β) (core's `expm1`, Kahan's trick), so the result keeps
 * float32's relative accuracy even for β near 1 at t = 1 (plain 1 − pow(β, t) in float32 would
 * lose ~1e-5 relative for β = 0.999).
 */
export function biasCorrection(beta: number, ctx: UpdateContext): Tensor | number {
  if (!ctx.stepTensor) return 1 - beta ** ctx.step;
  if (beta === 0) return 1;
  return neg(expm1(mul(ctx.stepTensor, Math.log(beta))));
}
