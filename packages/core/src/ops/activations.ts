/** Activation functions: relu, leaky relu, softplus, elu, softmax and log-softmax. */
import { fusedGradientKernel } from '../autograd/fused-gradient.js';
import { customOp } from '../autograd/tape.js';
import { hasKernel, runKernel } from '../engine.js';
import { ValueError } from '../errors.js';
import { normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';
import { add, div, maximum, mul, sub } from './binary.js';
import { greater, isfinite, lessEqual, where } from './compare.js';
import { expm1 } from './expm1.js';
import { operand, requireFloat } from './operand.js';
import { max, sum } from './reduce.js';
import { abs, exp, log, log1p, neg, sigmoid } from './unary.js';

function floatOperand(op: string, x: Tensor): Tensor {
  const t = operand(op, x);
  requireFloat(op, t);
  return t;
}

/**
 * max(x, 0). NOTE: relu′(0) = 0, and relu(NaN) = NaN (x ≤ 0 is false for NaN), as PyTorch.
 * Runs as one pass forward and one backward on a backend with the fused `relu` and `reluGrad`
 * kernels (backend-cpu has them), else as `where` selects with the same values bit for bit. A
 * backward pass that is itself being recorded (a gradient of a gradient) takes the selects, whose
 * own gradients core knows.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { relu, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await relu(tensor([-1, 2])).data()); // Float32Array [0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  const t = floatOperand('relu', x);
  return customOp(
    'relu',
    [t],
    () =>
      hasKernel('relu') ? runKernel('relu', [t], {}, { shape: t.shape, dtype: t.dtype }) : where(lessEqual(t, 0), 0, t),
    (dy) => [
      fusedGradientKernel('reluGrad') && shapesEqual(dy.shape, t.shape) && dy.dtype === t.dtype
        ? runKernel('reluGrad', [t, dy], {}, { shape: t.shape, dtype: t.dtype })
        : where(greater(t, 0), dy, 0),
    ],
  );
}

/**
 * x for x > 0, αx otherwise (α = 0.01 as PyTorch).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { leakyRelu, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await leakyRelu(tensor([-1, 2]), 0.1).data()); // Float32Array [-0.1, 2]
 * ```
 */
export function leakyRelu(x: Tensor, alpha = 0.01): Tensor {
  const t = floatOperand('leakyRelu', x);
  if (!Number.isFinite(alpha)) throw new ValueError(`leakyRelu: alpha must be finite, got ${formatValue(alpha)}`);
  return customOp(
    'leakyRelu',
    [t],
    () => where(greater(t, 0), t, mul(t, alpha)),
    (dy) => [where(greater(t, 0), dy, mul(dy, alpha))],
  );
}

/**
 * ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^−|x|); softplus′ = σ(x).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, softplus, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await softplus(tensor([0])).data()); // Float32Array [0.6931472] (ln 2)
 * ```
 */
export function softplus(x: Tensor): Tensor {
  const t = floatOperand('softplus', x);
  return customOp(
    'softplus',
    [t],
    () => add(maximum(t, 0), log1p(exp(neg(abs(t))))),
    (dy) => [mul(dy, sigmoid(t))],
  );
}

/**
 * x for x > 0, α(eˣ − 1) otherwise (eˣ − 1 computed without cancellation near 0, as PyTorch's
 * `expm1`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { elu, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await elu(tensor([-1, 2])).data()); // Float32Array [-0.6321206, 2] (e⁻¹ − 1 for x < 0)
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  const t = floatOperand('elu', x);
  return customOp(
    'elu',
    [t],
    () => where(greater(t, 0), t, mul(expm1(t), alpha)),
    (dy) => [where(greater(t, 0), dy, mul(dy, mul(exp(t), alpha)))],
  );
}

function isLastAxis(t: Tensor, axis: number): boolean {
  return normalizeAxis('softmax', axis, t.rank) === t.rank - 1;
}

/**
 * e^{xᵢ} / Σⱼ e^{xⱼ} along `axis` (last by default), stable; uses the backend's fused kernel when it has one.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, softmax, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await softmax(tensor([[1, 1], [0, Math.log(3)]])).data()); // Float32Array [0.5, 0.5, 0.25, 0.75]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const t = floatOperand('softmax', x);
  const a = normalizeAxis('softmax', axis, t.rank);
  const forward = () => {
    if (isLastAxis(t, a) && hasKernel('softmax'))
      return runKernel('softmax', [t], {}, { shape: t.shape, dtype: t.dtype });
    const e = exp(sub(t, max(t, a, true)));
    return div(e, sum(e, a, true));
  };
  return customOp('softmax', [t], forward, (dy, y) => [mul(y, sub(dy, sum(mul(dy, y), a, true)))]);
}

/**
 * xᵢ − log Σⱼ e^{xⱼ} along `axis`, stable; uses the backend's fused kernel when it has one.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { logSoftmax, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await logSoftmax(tensor([0, 0])).data()); // Float32Array [-0.6931472, -0.6931472]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const t = floatOperand('logSoftmax', x);
  const a = normalizeAxis('logSoftmax', axis, t.rank);
  const forward = () => {
    if (isLastAxis(t, a) && hasKernel('logSoftmax'))
      return runKernel('logSoftmax', [t], {}, { shape: t.shape, dtype: t.dtype });
    // (x − m) − log Σ e^{x − m}: the large parts cancel exactly before the log is taken off. As
    // x − (m + log Σ), it lost up to an ulp of the largest logit (−0.69317627 for log ½ at 1000).
    // A row whose max is ±∞ is shifted by 0, as logSumExp does.
    const m = max(t, a, true);
    const shifted = sub(t, where(isfinite(m), m, 0));
    return sub(shifted, log(sum(exp(shifted), a, true)));
  };
  return customOp('logSoftmax', [t], forward, (dy, y) => [sub(dy, mul(exp(y), sum(dy, a, true)))]);
}
