/** transpose: permutes axes. */
import { record } from '../autograd/tape.js';
import { runKernel } from '../engine.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { describeValue, operand } from './operand.js';

/**
 * Permutes axes: out.shape[i] = x.shape[perm[i]]; default reverses them. `perm` must be a list
 * holding each axis once (a ValueError otherwise).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor, transpose } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await transpose(tensor([[1, 2, 3], [4, 5, 6]])).data()); // Float32Array [1, 4, 2, 5, 3, 6], shape [3, 2]
 * ```
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const t = operand('transpose', x);
  if (perm !== undefined && !Array.isArray(perm))
    throw new ValueError(
      `transpose: perm must be a list of axes (a permutation of 0..${t.rank - 1}) or undefined, got ${describeValue(perm)}`,
    );
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  const valid = p.length === t.rank && [...p].sort((u, v) => u - v).every((v, i) => v === i);
  if (!valid) throw new ValueError(`transpose: perm must be a permutation of 0..${t.rank - 1}, got [${p.join(',')}]`);
  if (p.every((v, i) => v === i)) return t;
  const y = runKernel('transpose', [t], { perm: p }, { shape: p.map((i) => t.shape[i]), dtype: t.dtype });
  const inverse = p.map((_, i) => p.indexOf(i));
  return record('transpose', y, [t], (dy) => [transpose(dy, inverse)]);
}
