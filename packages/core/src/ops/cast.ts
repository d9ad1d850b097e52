/** cast: converts a tensor to another dtype. */
import { record } from '../autograd/tape.js';
import type { DType } from '../dtype.js';
import { runKernel } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { checkDType, operand } from './operand.js';

/**
 * Converts to `dtype`: float → int32 truncates toward zero; anything → bool is x ≠ 0.
 * Gradients flow only from float32 to float32. As in PyTorch, NaN, ±∞ and floats outside the
 * int32 range have no defined int32 value: the CPU backend gives 0 for NaN and saturates the
 * rest, other backends follow their runtime. Check with `finiteFlags` first where that matters;
 * `tensor(values, shape, 'int32')` refuses such values outright.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { cast, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await cast(tensor([1.7, -1.7]), 'int32').data()); // Int32Array [1, -1] (truncated toward zero)
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = operand('cast', x);
  checkDType('cast', dtype);
  if (t.dtype === dtype) return t;
  const y = runKernel('cast', [t], {}, { shape: t.shape, dtype });
  return record('cast', y, [t], (dy) => [dtype === 'float32' && t.dtype === 'float32' ? dy : null]);
}
