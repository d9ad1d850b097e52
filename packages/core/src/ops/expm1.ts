/** eˣ − 1, accurate near 0: the one home of the formula (elu and the optimizers' bias corrections use it). */
import { customOp } from '../autograd/tape.js';
import type { Tensor } from '../tensor.js';
import { div, mul, sub } from './binary.js';
import { equal, less, where } from './compare.js';
import { operand, requireFloat } from './operand.js';
import { exp, log } from './unary.js';

/**
 * eˣ − 1 without the cancellation of `exp(x) − 1` near 0 (which gives 0 at −1e-8 and is 1.3 % off
 * at −1e-6), as PyTorch's `expm1`, from the ops every backend has (Kahan's trick): with u = eˣ
 * rounded, (u − 1)·x / ln u, whose rounding errors cancel; x where u rounds to 1; u − 1 where
 * u < ½ (no cancellation there, and ln never sees a subnormal u). The gradient is eˣ.
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
      return where(less(u, 0.5), um1, where(equal(u, 1), t, div(mul(um1, t), log(u))));
    },
    (dy) => [mul(dy, exp(t))],
  );
}
