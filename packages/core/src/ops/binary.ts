/** Elementwise binary arithmetic with NumPy broadcasting, each beside its gradient rule. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { ValueError } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { formatValue } from '../validate.js';
import { equal, greater, greaterEqual, less, where } from './compare.js';
import { hostValues, operands, requireNumeric } from './operand.js';
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
  if (ta.dtype === 'int32' && name === 'pow') checkIntExponent(b, tb);
  const shape = broadcastShapes(name, ta.shape, tb.shape);
  // An empty quotient divides nothing (PyTorch too returns it).
  if (ta.dtype === 'int32' && name === 'div' && sizeOf(shape) > 0) checkIntDivisor(b, tb);
  const y = runKernel(name, [ta, tb], {}, { shape, dtype: ta.dtype });
  return record(name, y, [ta, tb], (dy, needs) => {
    const [ga, gb] = vjp(dy, ta, tb, y, needs);
    return [ga && needs[0] ? unbroadcast(ga, ta.shape) : null, gb && needs[1] ? unbroadcast(gb, tb.shape) : null];
  });
}

/**
 * The first value of the right operand that `bad` refuses, with where it is: a number is always
 * checked, a tensor when its values can be read without waiting (as `gather` checks its indices;
 * a compiled function checks them when it is traced). Undefined when none is found.
 */
function firstRefused(
  b: TensorLike,
  tb: Tensor,
  bad: (v: number) => boolean,
): { value: number; at: string } | undefined {
  if (typeof b === 'number') return bad(b) ? { value: b, at: '' } : undefined;
  const values = tb.size === 0 ? undefined : hostValues(tb);
  const i = values ? values.findIndex(bad) : -1;
  return values && i >= 0 ? { value: values[i], at: ` at position ${i}` } : undefined;
}

/**
 * Throws a ValueError for a negative exponent of an int32 `pow` (PyTorch and NumPy raise
 * "Integers to negative integer powers are not allowed"): 0⁻¹ has no int32 value, and a kernel
 * gives 0.
 */
function checkIntExponent(b: TensorLike, tb: Tensor): void {
  const refused = firstRefused(b, tb, (v) => v < 0);
  if (refused === undefined) return;
  throw new ValueError(
    `pow: an int32 base to a negative power (exponent ${formatValue(refused.value)}${refused.at}) has no int32 value in general (PyTorch and NumPy raise "Integers to negative integer powers are not allowed"); cast the base to float32 first`,
  );
}

/**
 * Throws a ValueError for an int32 `div` by zero (PyTorch raises "ZeroDivisionError"): the
 * quotient has no int32 value, and a kernel, as NumPy, gives 0.
 */
function checkIntDivisor(b: TensorLike, tb: Tensor): void {
  const refused = firstRefused(b, tb, (v) => v === 0);
  if (refused === undefined) return;
  throw new ValueError(
    `div: int32 division by zero (divisor 0${refused.at}) has no int32 value (PyTorch raises "ZeroDivisionError"); cast to float32 first for ±∞ or NaN`,
  );
}

/**
 * a + b
 *
 * A number takes the tensor's dtype and must be exactly a value of it (see {@link TensorLike}).
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
 * A number takes the tensor's dtype and must be exactly a value of it (see {@link TensorLike}).
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
 * A number takes the tensor's dtype and must be exactly a value of it (see {@link TensorLike}).
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
 * a / b (int32: truncated toward zero). A number takes the tensor's dtype and must be exactly a
 * value of it (see {@link TensorLike}). An int32 divisor of 0 is a ValueError, as PyTorch raises
 * "ZeroDivisionError": a number always, a tensor whenever its values are on the host (every tensor
 * on backend-cpu; on backend-onnx and backend-webgpu, values written from the host). A divisor
 * still being computed on those backends is not waited for, and its kernel gives 0, as NumPy does.
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
 * aᵇ. ∂/∂a = b·aᵇ⁻¹, taken as 0 where b = 0 (so 0⁰'s gradient is 0, not 0·∞ = NaN);
 * ∂/∂b = aᵇ·ln a, taken as 0 where a = 0 and b ≥ 0 (for b < 0 it is aᵇ·ln 0 = −∞): both
 * PyTorch's conventions. On int32 tensors the power is exact and wraps modulo 2³², as in PyTorch
 * and NumPy (3⁴⁰ is 689956897), and a negative exponent is a ValueError, as in PyTorch and NumPy
 * (0⁻¹ has no value, and 2⁻¹ would truncate to 0). An exponent given as a number is always
 * checked; a tensor's values wherever they are on the host (every tensor on backend-cpu; on
 * backend-onnx and backend-webgpu, values written from the host; a compiled function checks them
 * when it is traced). An unchecked negative exponent gives 1 for base 1, ±1 by parity for base −1
 * and 0 otherwise, on every backend. On float32, `1 ** NaN` and `(±1) ** ±∞` are NaN as in
 * JavaScript (C and PyTorch give 1). Cast the base to float32 for fractional powers (a number
 * takes the tensor's dtype and must be exactly a value of it: pow(int32, 0.5) is a DTypeError,
 * see {@link TensorLike}).
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
  binary('pow', a, b, (dy, x, z, y, [na, nb]) => {
    let gb: Tensor | null = null;
    if (nb) {
      const logTerm = mul(y, log(x));
      gb = mul(dy, where(equal(x, 0), where(greaterEqual(z, 0), 0, logTerm), logTerm));
    }
    return [na ? where(equal(z, 0), 0, mul(dy, mul(z, pow(x, sub(z, 1))))) : null, gb];
  });
/**
 * max(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, and where either
 * side is NaN both get all of it, as PyTorch.
 *
 * A number takes the tensor's dtype and must be exactly a value of it (see {@link TensorLike}).
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
  binary('maximum', a, b, (dy, x, z, _y, [na, nb]) => [
    na ? mul(dy, tieShare(x, z, less(x, z))) : null,
    nb ? mul(dy, tieShare(x, z, greater(x, z))) : null,
  ]);
/**
 * min(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, and where either
 * side is NaN both get all of it, as PyTorch.
 *
 * A number takes the tensor's dtype and must be exactly a value of it (see {@link TensorLike}).
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
  binary('minimum', a, b, (dy, x, z, _y, [na, nb]) => [
    na ? mul(dy, tieShare(x, z, greater(x, z))) : null,
    nb ? mul(dy, tieShare(x, z, less(x, z))) : null,
  ]);

/**
 * A side's share of the gradient of `maximum`/`minimum`, PyTorch's rule: ½ at a tie, 0 where
 * `loses` (the side was not taken), else 1, so where either side is NaN both get the whole
 * gradient, as in PyTorch (the side that was not NaN got 0 and the NaN side all of it).
 */
const tieShare = (x: Tensor, z: Tensor, loses: Tensor): Tensor => where(equal(x, z), 0.5, where(loses, 0, 1));
