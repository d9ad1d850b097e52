/** The concat kernel: joins tensors along one axis, one copy dispatch per input. */
import { sizeOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { bindings, ELEMENT_MAIN, grid, WG } from '../shaders/prelude.js';

const code = () => `${bindings('u32', ['u32'])}
${ELEMENT_MAIN}
  let block = args[1];
  out[(i / block) * args[2] + args[3] + i % block] = in0[i];
}`;

/** y = [x₀ | x₁ | …] along `axis`: each outer block of y is the inputs' blocks one after another. */
export const concat: KernelFactory<'concat'> =
  (k) =>
  (inputs, { axis }, out) => {
    const y = k.output(out);
    const outBlock = sizeOf(out.shape.slice(axis));
    let start = 0;
    for (const x of inputs) {
      const n = sizeOf(x.shape);
      const block = sizeOf(x.shape.slice(axis));
      if (n > 0) {
        k.gpu.run({
          op: 'concat',
          key: 'concat',
          code,
          output: y.buffer,
          inputs: [bufferOf(x)],
          meta: new Meta().u(n, block, outBlock, start).build(),
          workgroups: grid(Math.ceil(n / WG)),
        });
      }
      start += block;
    }
    return y;
  };
