/** The scatterAdd kernel: adds slices into a zero tensor at integer indices along one axis (gather's adjoint). */
import { sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, ELEMENT_MAIN, grid, WG, wgslType } from '../shaders/prelude.js';

const code = (t: string) => `${bindings(t, [t, 'i32'])}
${ELEMENT_MAIN}
  let m = args[1];
  let inner = args[2];
  let n = args[3];
  let q = i % inner;
  let j = i32((i / inner) % n);
  let p = i / (inner * n);
  var acc = ${t}(0);
  for (var s = 0u; s < m; s++) {
    if (in1[s] == j) { acc += in0[(p * m + s) * inner + q]; }
  }
  out[i] = acc;
}`;

/**
 * y = 0 of out.shape, then y[p, indices[t], q] += updates[p, t, q]; indices outside the axis
 * are skipped. NOTE: WGSL has no float atomics, so each output element loops over all
 * indices and sums its matches in index order: deterministic, O(out · indices).
 */
export const scatterAdd: KernelFactory<'scatterAdd'> =
  (k) =>
  ([updates, indices], { axis }, out) => {
    const y = k.output(out);
    const total = sizeOf(out.shape);
    if (total === 0) return y;
    const t = wgslType(out.dtype);
    k.gpu.run({
      op: 'scatterAdd',
      key: `scatterAdd|${t}`,
      code: () => code(t),
      output: y.buffer,
      inputs: [bufferOf(updates), bufferOf(indices)],
      meta: new Meta().u(total, sizeOf(indices.shape), sizeOf(out.shape.slice(axis + 1)), out.shape[axis]).build(),
      workgroups: grid(Math.ceil(total / WG)),
    });
    return y;
  };
