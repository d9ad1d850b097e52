/** toBackend: copies a tensor onto the current backend. */
import { writeTensor } from '../engine.js';
import type { Tensor } from '../tensor.js';

/** A copy of `x` on the current backend (read from its own backend, written to the current one). */
export async function toBackend(x: Tensor): Promise<Tensor> {
  x.assertLive('toBackend');
  return writeTensor(await x.data(), x.shape, x.dtype);
}
