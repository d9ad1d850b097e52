/** The randomUniform kernel: uniform floats in [0, 1) from core's Philox-4x32-10 stream, bit for bit. */
import { sizeOf } from '@backprop/core';
import type { KernelFactory } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { PHILOX_WGSL } from '../shaders/philox.js';
import { bindings, ELEMENT_MAIN, grid, WG } from '../shaders/prelude.js';

const code = () => `${bindings('f32', [])}
${PHILOX_WGSL}
${ELEMENT_MAIN}
  let lo = args[4] + i;
  let carry = select(0u, 1u, lo < args[4]);
  let words = philox(vec4u(lo, args[5] + carry, 0u, 0u), vec2u(args[2], args[3]));
  let n = args[1];
  for (var j = 0u; j < 4u; j++) {
    if (i * 4u + j < n) { out[i * 4u + j] = f32(words[j] >> 8u) * 0x1p-24f; }
  }
}`;

/**
 * yᵢ = philoxUniform(key, offset, n)ᵢ: one thread per Philox block, whose counter is
 * (offset + block, 0, 0) with the carry into the second word; word j ↦ (w >>> 8)·2⁻²⁴.
 */
export const randomUniform: KernelFactory<'randomUniform'> =
  (k) =>
  (_inputs, { key, offset }, out) => {
    const y = k.output(out);
    const n = sizeOf(out.shape);
    if (n === 0) return y;
    const blocks = Math.ceil(n / 4);
    const meta = new Meta().u(blocks, n, key[0], key[1], offset % 4294967296, Math.floor(offset / 4294967296));
    k.gpu.run({
      op: 'randomUniform',
      key: 'randomUniform',
      code,
      output: y.buffer,
      inputs: [],
      meta: meta.build(),
      workgroups: grid(Math.ceil(blocks / WG)),
    });
    return y;
  };
