/** The gather kernel: takes slices of a tensor at integer indices along one axis. */
import { sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, ELEMENT_MAIN, grid, WG } from '../shaders/prelude.js';

const code = () => `${bindings('u32', ['u32', 'i32'])}
${ELEMENT_MAIN}
  let m = args[1];
  let inner = args[2];
  let n = args[3];
  let q = i % inner;
  let t = (i / inner) % m;
  let p = i / (inner * m);
  let index = in1[t];
  if (index < 0 || u32(index) >= n) { out[i] = 0u; return; }
  out[i] = in0[(p * n + u32(index)) * inner + q];
}`;

/**
 * y[p, t, q] = x[p, indices[t], q] with p the axes before `axis`, t the (flattened) index
 * axes and q the axes after. An index outside [0, x.shape[axis]) gives zeros, as backend-cpu.
 */
export const gather: KernelFactory<'gather'> =
  (k) =>
  ([x, indices], { axis }, out) => {
    const y = k.output(out);
    const total = sizeOf(out.shape);
    if (total === 0) return y;
    const inner = sizeOf(x.shape.slice(axis + 1));
    k.gpu.run({
      op: 'gather',
      key: 'gather',
      code,
      output: y.buffer,
      inputs: [bufferOf(x), bufferOf(indices)],
      meta: new Meta().u(total, sizeOf(indices.shape), inner, x.shape[axis]).build(),
      workgroups: grid(Math.ceil(total / WG)),
    });
    return y;
  };
