/** The pad kernel: surrounds a tensor with a constant. */
import { sizeOf, stridesOf } from '@backprop/core';
import { bufferOf } from '../handle.js';
import type { KernelFactory } from '../kernel-context.js';
import { Meta, valueBits } from '../meta.js';
import { checkRank } from '../shaders/elementwise.js';
import { bindings, ELEMENT_MAIN, grid, WG } from '../shaders/prelude.js';

const code = () => `${bindings('u32', ['u32'])}
${ELEMENT_MAIN}
  var rem = i;
  var off = 0u;
  let rank = args[1];
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let ud = u32(d);
    let c = i32(rem % args[3u + ud]) - i32(args[3u + rank + ud]);
    rem /= args[3u + ud];
    if (c < 0 || c >= i32(args[3u + 2u * rank + ud])) { out[i] = args[2]; return; }
    off += u32(c) * args[3u + 3u * rank + ud];
  }
  out[i] = in0[off];
}`;

/** y = `value` everywhere, with x copied in at offset before[d] on each axis d (value as out.dtype: bool value ≠ 0, int32 ToInt32). */
export const pad: KernelFactory<'pad'> =
  (k) =>
  ([x], { paddings, value }, out) => {
    const y = k.output(out);
    const n = sizeOf(out.shape);
    if (n === 0) return y;
    checkRank('pad', out.shape);
    const rank = out.shape.length;
    const meta = new Meta()
      .u(n, rank, valueBits(value, out.dtype), ...out.shape)
      .u(...paddings.map((p) => p[0]), ...x.shape, ...stridesOf(x.shape));
    k.gpu.run({
      op: 'pad',
      key: 'pad',
      code,
      output: y.buffer,
      inputs: [bufferOf(x)],
      meta: meta.build(),
      workgroups: grid(Math.ceil(n / WG)),
    });
    return y;
  };
