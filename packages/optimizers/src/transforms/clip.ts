/** Gradient clipping: by global norm over all gradients, and by value per element (torch.nn.utils' rules). */
import { add, div, formatValue, maximum, minimum, mul, sqrt, sum, Tensor, ValueError } from '@backprop/core';
import { type GradientTransformation, stateless } from '../transform.js';
import { checkNonNegative } from '../validate.js';

/**
 * Throws a ValueError unless `grads` is a list of tensors and `limit` a finite number ≥ 0 (a
 * negative one would flip the gradients' signs, or clamp every element to −|v|, without a word).
 */
function checkClip(op: string, grads: readonly Tensor[] | undefined, name: string, limit: number): void {
  if (grads !== undefined && !(Array.isArray(grads) && grads.every((g) => g instanceof Tensor)))
    throw new ValueError(`${op}: grads must be a list of Tensors, got ${formatValue(grads)}`);
  checkNonNegative(op, name, limit);
}

/**
 * Rescales a list of gradients so their joint L2 norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`: c = min(maxNorm/(‖g‖ + 10⁻⁶), 1), g ← c·g. Returns the
 * new gradients and the total norm before clipping (a scalar tensor).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { clipGradNorm } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const { grads, totalNorm } = clipGradNorm([tensor([3, 4])], 1);
 * console.log(await totalNorm.item(), await grads[0].data()); // 5 Float32Array [0.6, 0.8]
 * ```
 */
export function clipGradNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; totalNorm: Tensor } {
  checkClip('clipGradNorm', grads, 'maxNorm', maxNorm);
  let squared: Tensor | undefined;
  for (const g of grads) {
    const norm = sqrt(sum(mul(g, g)));
    const sq = mul(norm, norm);
    squared = squared ? add(squared, sq) : sq;
  }
  if (!squared) return { grads: [], totalNorm: sqrt(sum(mul(0, 0))) };
  const totalNorm = sqrt(squared);
  const coef = minimum(div(maxNorm, add(totalNorm, 1e-6)), 1);
  return { grads: grads.map((g) => mul(g, coef)), totalNorm };
}

/**
 * Clamps every element to [−v, v], as `torch.nn.utils.clip_grad_value_`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { clipGradValue } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const [g] = clipGradValue([tensor([-3, 0.5, 2])], 1);
 * console.log(await g.data()); // Float32Array [-1, 0.5, 1]
 * ```
 */
export function clipGradValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  checkClip('clipGradValue', grads, 'clipValue', clipValue);
  return grads.map((g) => clamp(g, clipValue));
}

/**
 * {@link clipGradValue} as a per-parameter transformation: u ← clamp(u, −v, v).
 *
 * @example
 * ```ts
 * import { chain, clipByValue, scaleByLearningRate } from '@backprop/optimizers';
 *
 * const clippedSgd = chain(clipByValue(1), scaleByLearningRate(0.1)); // clip each gradient to [-1, 1], then −0.1·g
 * ```
 */
export function clipByValue(clipValue: number): GradientTransformation {
  checkClip('clipByValue', undefined, 'clipValue', clipValue);
  return stateless((u) => clamp(u, clipValue));
}

/** clamp(x, −v, v) elementwise. */
function clamp(x: Tensor, v: number): Tensor {
  return minimum(maximum(x, -v), v);
}
