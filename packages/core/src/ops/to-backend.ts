/** toBackend: copies a tensor onto the current backend. */
import { writeTensor } from '../engine.js';
import type { Tensor } from '../tensor.js';

/**
 * A copy of `x` on the current backend (read from its own backend, written to the current one).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor, toBackend } from '@backprop/core';
 *
 * const a = await setBackend(cpu());
 * const x = tensor([1, 2]);
 * await setBackend(cpu()); // another backend
 * const y = await toBackend(x); // a copy of x on the current backend
 * ```
 */
export async function toBackend(x: Tensor): Promise<Tensor> {
  x.assertLive('toBackend');
  return writeTensor(await x.data(), x.shape, x.dtype);
}
