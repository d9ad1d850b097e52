/** The strided copy shader: out[i] = x[base + Σ coordᵢ·strideᵢ], behind slice, transpose and broadcastTo. */
import { type Handle, type OutputInfo, sizeOf, type TensorInfo } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelContext } from '../kernel-context.js';
import { Meta } from '../meta.js';
import { checkRank } from './elementwise.js';
import { bindings, ELEMENT_MAIN, grid, STRIDED_OFFSET, WG } from './prelude.js';

/**
 * Copies x's 32-bit words into out: output element i, at coordinates c over out.shape, reads
 * x at `base + Σ c_d · strides[d]`. Dtype-agnostic: every dtype is one word per element.
 */
export function copyStrided(
  k: KernelContext,
  op: string,
  x: TensorInfo,
  out: OutputInfo,
  strides: readonly number[],
  base = 0,
): Handle {
  const y = k.output(out);
  const n = sizeOf(out.shape);
  if (n === 0) return y;
  checkRank(op, out.shape);
  const rank = out.shape.length;
  const meta = new Meta().u(n, rank, base, ...out.shape, ...strides);
  k.gpu.run({
    op,
    key: 'strided',
    code: () =>
      [
        bindings('u32', ['u32']),
        STRIDED_OFFSET,
        ELEMENT_MAIN,
        '  out[i] = in0[args[2] + strided_offset(i, args[1], 3u, 3u + args[1])];',
        '}',
      ].join('\n'),
    output: y.buffer,
    inputs: [bufferOf(x)],
    meta: meta.build(),
    workgroups: grid(Math.ceil(n / WG)),
  });
  return y;
}
