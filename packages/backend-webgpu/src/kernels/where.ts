/** The where kernel: elementwise selection between two tensors by a bool condition. */
import type { KernelFactory } from '../kernel-context.js';
import { mapElementwise } from '../shaders/elementwise.js';

/** y = cond ? a : b with cond, a and b all broadcast to out.shape (any dtype: values are copied as 32-bit words). */
export const where: KernelFactory<'where'> = (k) => (inputs, _attrs, out) =>
  mapElementwise(k, { op: 'where', names: ['c', 'a', 'b'], expr: 'select(b, a, c != 0u)' }, inputs, out);
