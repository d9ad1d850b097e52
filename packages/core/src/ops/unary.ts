/** Elementwise unary ops on float32 tensors, each beside its gradient rule. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import type { RequiredKernelName } from '../kernels/spec.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { greater, less, where } from './compare.js';
import { zerosLike } from './creation.js';
import { operand, requireFloat, requireNumeric } from './operand.js';

type UnaryName = Extract<
  RequiredKernelName,
  'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'reciprocal' | 'tanh' | 'sigmoid' | 'sin' | 'cos' | 'floor'
>;

function unary(name: UnaryName, x: Tensor, vjp: (dy: Tensor, y: Tensor) => Tensor, numeric = false): Tensor {
  const t = operand(name, x);
  if (numeric) requireNumeric(name, t);
  else requireFloat(name, t);
  const y = runKernel(name, [t], {}, { shape: t.shape, dtype: t.dtype });
  return record(name, y, [t], (dy) => [vjp(dy, y)]);
}

/** −x */
export const neg = (x: Tensor): Tensor => unary('neg', x, (dy) => neg(dy), true);
/** |x|. NOTE: |x|′(0) = 0, as PyTorch. */
export const abs = (x: Tensor): Tensor =>
  unary('abs', x, (dy) => where(greater(x, 0), dy, where(less(x, 0), neg(dy), 0)), true);
/** eˣ */
export const exp = (x: Tensor): Tensor => unary('exp', x, (dy, y) => mul(dy, y));
/** ln x */
export const log = (x: Tensor): Tensor => unary('log', x, (dy) => div(dy, x));
/** ln(1 + x) */
export const log1p = (x: Tensor): Tensor => unary('log1p', x, (dy) => div(dy, add(x, 1)));
/** √x */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (dy, y) => div(dy, mul(y, 2)));
/** 1/x */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, (dy, y) => neg(mul(dy, mul(y, y))));
/** tanh x; tanh′ = 1 − tanh² */
export const tanh = (x: Tensor): Tensor => unary('tanh', x, (dy, y) => mul(dy, sub(1, mul(y, y))));
/** σ(x) = 1/(1 + e⁻ˣ); σ′ = σ(1 − σ) */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (dy, y) => mul(dy, mul(y, sub(1, y))));
/** sin x */
export const sin = (x: Tensor): Tensor => unary('sin', x, (dy) => mul(dy, cos(x)));
/** cos x */
export const cos = (x: Tensor): Tensor => unary('cos', x, (dy) => neg(mul(dy, sin(x))));
/** ⌊x⌋ (gradient zero) */
export const floor = (x: Tensor): Tensor => unary('floor', x, (dy) => zerosLike(dy));
/** x² */
export const square = (x: Tensor): Tensor => mul(x, x);
/** 1/√x */
export const rsqrt = (x: Tensor): Tensor => reciprocal(sqrt(x));
