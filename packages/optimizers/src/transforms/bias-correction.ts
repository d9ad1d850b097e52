/** Bias corrections 1 − βᵗ, as host numbers or — from a step tensor — as scalar tensors a compiled step can replay. */
import { div, equal, exp, less, log, mul, neg, scalar, sub, type Tensor, where } from '@backprop/core';
import type { UpdateContext } from '../transform.js';

/**
 * 1 − βᵗ for the step of `ctx`: a float32 scalar tensor computed from `ctx.stepTensor` when
 * there is one (so the traced update does not change with t), else a host number.
 *
 * On the tensor path 1 − βᵗ = −expm1(t·ln β), with expm1(x) = (u − 1)·x / ln u, u = eˣ
 * (Kahan's trick: the rounding of u cancels), so the result keeps float32's relative accuracy
 * even for β near 1 at t = 1 (plain 1 − pow(β, t) in float32 would lose ~1e-5 relative for
 * β = 0.999). Where u = 1 expm1(x) = x; where u < ½ there is no cancellation and u − 1 is used.
 */
export function biasCorrection(beta: number, ctx: UpdateContext): Tensor | number {
  if (!ctx.stepTensor) return 1 - beta ** ctx.step;
  if (beta === 0) return 1;
  const x = mul(ctx.stepTensor, Math.log(beta));
  const u = exp(x);
  const um1 = sub(u, 1);
  const kahan = div(mul(um1, x), log(u));
  return neg(where(less(u, 0.5), um1, where(equal(u, scalar(1)), x, kahan)));
}
