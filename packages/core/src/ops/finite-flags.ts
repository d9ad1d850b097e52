/**
 * finiteFlags: whether each of several tensors holds only finite values, as one float32 flag
 * per tensor (0, or NaN when any element is NaN or ±∞): the check a training step makes of its
 * loss and every gradient before it commits an update.
 */
import { hasKernel, runKernel } from '../engine.js';
import { DTypeError, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { Tensor } from '../tensor.js';
import { mul } from './binary.js';
import { concat } from './concat.js';
import { full } from './creation.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

/**
 * One float32 flag per tensor, [tensors.length]: 0 when every element of that tensor is finite,
 * NaN otherwise. The backend's `finiteFlags` kernel does it in one dispatch that reads each
 * tensor once; elsewhere it is Σ(x·0) per tensor (x·0 is 0 exactly for finite x, NaN otherwise),
 * one tensor-sized temporary at a time. Records no gradient.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { finiteFlags, scalar, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(await finiteFlags([scalar(2), tensor([1, Infinity]), tensor([3e38, 3e38])]).data()); // Float32Array [0, NaN, 0]
 * ```
 * @throws ValueError for something that is not a live tensor, DTypeError for a tensor that is not float32.
 */
export function finiteFlags(tensors: readonly Tensor[]): Tensor {
  const op = 'finiteFlags';
  if (!Array.isArray(tensors)) throw new ValueError(`${op}: expected an array of tensors, got ${typeof tensors}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`${op}: tensors[${i}] must be a Tensor, got ${typeof t}`);
    t.assertLive(`${op} (tensors[${i}])`);
    if (t.dtype !== 'float32') throw new DTypeError(`${op}: tensors[${i}] must be float32, got ${t.dtype}`);
  });
  if (tensors.length === 0) return full([0], 0);
  if (hasKernel('finiteFlags'))
    return runKernel('finiteFlags', tensors, {}, { shape: [tensors.length], dtype: 'float32' });
  return tidy(() =>
    concat(
      tensors.map((t) => tidy(() => reshape(sum(mul(t, 0)), [1]))),
      0,
    ),
  );
}
