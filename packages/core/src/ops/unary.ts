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

/**
 * −x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { neg, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await neg(tensor([1, -2])).data()); // Float32Array [-1, 2]
 * ```
 */
export const neg = (x: Tensor): Tensor => unary('neg', x, (dy) => neg(dy), true);
/**
 * |x|. NOTE: |x|′(0) = 0, as PyTorch.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { abs, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await abs(tensor([-1.5, 2])).data()); // Float32Array [1.5, 2]
 * ```
 */
export const abs = (x: Tensor): Tensor =>
  unary('abs', x, (dy) => where(greater(x, 0), dy, where(less(x, 0), neg(dy), 0)), true);
/**
 * eˣ
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { exp, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await exp(tensor([0, 1])).data()); // Float32Array [1, 2.7182817]
 * ```
 */
export const exp = (x: Tensor): Tensor => unary('exp', x, (dy, y) => mul(dy, y));
/**
 * ln x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { log, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await log(tensor([1, Math.E])).data()); // Float32Array [0, ≈1]
 * ```
 */
export const log = (x: Tensor): Tensor => unary('log', x, (dy) => div(dy, x));
/**
 * ln(1 + x)
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { log1p, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await log1p(tensor([0, 1e-8])).data()); // Float32Array [0, 1e-8] (exact for small x, unlike log(1 + x))
 * ```
 */
export const log1p = (x: Tensor): Tensor => unary('log1p', x, (dy) => div(dy, add(x, 1)));
/**
 * √x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sqrt, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await sqrt(tensor([4, 9])).data()); // Float32Array [2, 3]
 * ```
 */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x, (dy, y) => div(dy, mul(y, 2)));
/**
 * 1/x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { reciprocal, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await reciprocal(tensor([2, 4])).data()); // Float32Array [0.5, 0.25]
 * ```
 */
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x, (dy, y) => neg(mul(dy, mul(y, y))));
/**
 * tanh x; tanh′ = 1 − tanh²
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tanh, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await tanh(tensor([0])).data()); // Float32Array [0]
 * ```
 */
export const tanh = (x: Tensor): Tensor => unary('tanh', x, (dy, y) => mul(dy, sub(1, mul(y, y))));
/**
 * σ(x) = 1/(1 + e⁻ˣ); σ′ = σ(1 − σ)
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sigmoid, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await sigmoid(tensor([0])).data()); // Float32Array [0.5]
 * ```
 */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (dy, y) => mul(dy, mul(y, sub(1, y))));
/**
 * sin x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, sin, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await sin(tensor([0, Math.PI / 2])).data()); // Float32Array [0, 1]
 * ```
 */
export const sin = (x: Tensor): Tensor => unary('sin', x, (dy) => mul(dy, cos(x)));
/**
 * cos x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { cos, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await cos(tensor([0])).data()); // Float32Array [1]
 * ```
 */
export const cos = (x: Tensor): Tensor => unary('cos', x, (dy) => neg(mul(dy, sin(x))));
/**
 * ⌊x⌋ (gradient zero)
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { floor, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await floor(tensor([1.7, -1.2])).data()); // Float32Array [1, -2]
 * ```
 */
export const floor = (x: Tensor): Tensor => unary('floor', x, (dy) => zerosLike(dy));
/**
 * x²
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, square, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await square(tensor([-3, 2])).data()); // Float32Array [9, 4]
 * ```
 */
export const square = (x: Tensor): Tensor => mul(x, x);
/**
 * 1/√x
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { rsqrt, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await rsqrt(tensor([4, 16])).data()); // Float32Array [0.5, 0.25]
 * ```
 */
export const rsqrt = (x: Tensor): Tensor => reciprocal(sqrt(x));
