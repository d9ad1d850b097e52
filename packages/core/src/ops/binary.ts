/** Elementwise binary arithmetic with NumPy broadcasting, each beside its gradient rule. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { equal, greater, where } from './compare.js';
import { operands, requireNumeric } from './operand.js';
import { log, neg } from './unary.js';
import { unbroadcast } from './unbroadcast.js';

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

function binary(
  name: BinaryName,
  a: TensorLike,
  b: TensorLike,
  vjp: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null],
): Tensor {
  const [ta, tb] = operands(name, a, b);
  requireNumeric(name, ta);
  const shape = broadcastShapes(name, ta.shape, tb.shape);
  const y = runKernel(name, [ta, tb], {}, { shape, dtype: ta.dtype });
  return record(name, y, [ta, tb], (dy, needs) => {
    const [ga, gb] = vjp(dy, ta, tb, y, needs);
    return [ga && needs[0] ? unbroadcast(ga, ta.shape) : null, gb && needs[1] ? unbroadcast(gb, tb.shape) : null];
  });
}

/**
 * a + b
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await add(tensor([1, 2]), 3).data()); // Float32Array [4, 5]
 * ```
 */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b, (dy) => [dy, dy]);
/**
 * a − b
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sub, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await sub(tensor([5, 7]), tensor([1, 2])).data()); // Float32Array [4, 5]
 * ```
 */
export const sub = (a: TensorLike, b: TensorLike): Tensor =>
  binary('sub', a, b, (dy, _x, _z, _y, [, nb]) => [dy, nb ? neg(dy) : null]);
/**
 * a · b
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { mul, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await mul(tensor([[1, 2], [3, 4]]), tensor([10, 100])).data()); // Float32Array [10, 200, 30, 400] (broadcast over rows)
 * ```
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary('mul', a, b, (dy, x, z, _y, [na, nb]) => [na ? mul(dy, z) : null, nb ? mul(dy, x) : null]);
/**
 * a / b (int32: truncated toward zero)
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { div, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await div(tensor([1, 2]), 4).data()); // Float32Array [0.25, 0.5]
 * ```
 */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binary('div', a, b, (dy, x, z, _y, [na, nb]) => [
    na ? div(dy, z) : null,
    nb ? neg(div(mul(dy, x), mul(z, z))) : null,
  ]);
/**
 * aᵇ. ∂/∂a = b·aᵇ⁻¹; ∂/∂b = aᵇ·ln a, taken as 0 where a = 0 (PyTorch's convention).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { pow, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await pow(tensor([2, 3]), 2).data()); // Float32Array [4, 9]
 * ```
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binary('pow', a, b, (dy, x, z, y, [na, nb]) => [
    na ? mul(dy, mul(z, pow(x, sub(z, 1)))) : null,
    nb ? mul(dy, where(equal(x, 0), 0, mul(y, log(x)))) : null,
  ]);
/**
 * max(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, as PyTorch.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { maximum, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await maximum(tensor([1, 5]), tensor([3, 2])).data()); // Float32Array [3, 5]
 * ```
 */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('maximum', a, b, (dy, x, z, _y, [na, nb]) => {
    const share = where(greater(x, z), 1, where(equal(x, z), 0.5, 0));
    return [na ? mul(dy, share) : null, nb ? sub(dy, mul(dy, share)) : null];
  });
/**
 * min(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, as PyTorch.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { minimum, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await minimum(tensor([1, 5]), 2).data()); // Float32Array [1, 2]
 * ```
 */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('minimum', a, b, (dy, x, z, _y, [na, nb]) => {
    const share = where(greater(z, x), 1, where(equal(x, z), 0.5, 0));
    return [na ? mul(dy, share) : null, nb ? sub(dy, mul(dy, share)) : null];
  });
