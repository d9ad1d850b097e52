/** eˣ − 1, accurate near 0: the one home of the formula (elu and the optimizers' bias corrections use it). */
import { customOp } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './binary.js';
import { equal, greater, less, where } from './compare.js';
import { operand, requireFloat } from './operand.js';
import { exp, log } from './unary.js';

/**
 * eˣ − 1 without the cancellation of `exp(x) − 1` near 0 (which gives 0 at −1e-8 and is 1.3 % off
 * at −1e-6), as PyTorch's `expm1`, from the ops every backend has (Kahan's trick): with u = eˣ
 * rounded, (u − 1)·x / ln u, whose rounding errors cancel; x where u rounds to 1; u − 1 where
 * u < ½ or u > 2 (no cancellation there; ln never sees a subnormal u, and (u − 1)·x does not
 * overflow before eˣ − 1 does: expm1(88) is 1.65e38, expm1(∞) is ∞). The gradient is eˣ.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { expm1, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await expm1(tensor([-1e-8, 0, 1])).data()); // Float32Array [-1e-8, 0, 1.7182817]
 * ```
 */
export function expm1(x: Tensor): Tensor {
  const t = operand('expm1', x);
  requireFloat('expm1', t);
  return customOp(
    'expm1',
    [t],
    () => {
      const u = exp(t);
      const um1 = sub(u, 1);
      // Outside [½, 2] u − 1 has no cancellation, and above it (u − 1)·x would overflow from x ≈ 85.
      const kahan = where(equal(u, 1), t, div(mul(um1, t), log(u)));
      return where(less(u, 0.5), um1, where(greater(u, 2), um1, kahan));
    },
    (dy) => [mul(dy, exp(t))],
  );
}
