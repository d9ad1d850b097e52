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
  vjp: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null],
): Tensor {
  const [ta, tb] = operands(name, a, b);
  requireNumeric(name, ta);
  const shape = broadcastShapes(name, ta.shape, tb.shape);
  const y = runKernel(name, [ta, tb], {}, { shape, dtype: ta.dtype });
  return record(name, y, [ta, tb], (dy) => {
    const [ga, gb] = vjp(dy, ta, tb, y);
    return [ga && unbroadcast(ga, ta.shape), gb && unbroadcast(gb, tb.shape)];
  });
}

/** a + b */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b, (dy) => [dy, dy]);
/** a − b */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b, (dy) => [dy, neg(dy)]);
/** a · b */
export const mul = (a: TensorLike, b: TensorLike): Tensor =>
  binary('mul', a, b, (dy, x, z) => [mul(dy, z), mul(dy, x)]);
/** a / b (int32: truncated toward zero) */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binary('div', a, b, (dy, x, z) => [div(dy, z), neg(div(mul(dy, x), mul(z, z)))]);
/**
 * aᵇ. ∂/∂a = b·aᵇ⁻¹; ∂/∂b = aᵇ·ln a, taken as 0 where a = 0 (PyTorch's convention).
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binary('pow', a, b, (dy, x, z, y) => [
    mul(dy, mul(z, pow(x, sub(z, 1)))),
    mul(dy, where(equal(x, 0), 0, mul(y, log(x)))),
  ]);
/** max(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, as PyTorch. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('maximum', a, b, (dy, x, z) => {
    const share = where(greater(x, z), 1, where(equal(x, z), 0.5, 0));
    return [mul(dy, share), sub(dy, mul(dy, share))];
  });
/** min(a, b); NaN propagates. NOTE: at a tie each side gets half the gradient, as PyTorch. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('minimum', a, b, (dy, x, z) => {
    const share = where(greater(z, x), 1, where(equal(x, z), 0.5, 0));
    return [mul(dy, share), sub(dy, mul(dy, share))];
  });
