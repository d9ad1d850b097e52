import * as bp from '@backprop/core';
import { it } from 'vitest';
import { compile } from '../../core/dist/compile/index.js';
import { cpu } from '@backprop/backend-cpu';
it('leak', async () => {
  await bp.setBackend(cpu());
  const w = bp.keep(bp.tensor([1, 2, 3]));
  const f = compile((x: bp.Tensor) => [bp.sum(bp.mul(x, w)), bp.exp(x)]);
  for (const n of [2, 2, 2, 4]) {
    const x = bp.tensor(new Float32Array(3 * n), [n, 3]);
    const b = bp.liveTensorCount();
    const [s, e] = f(x);
    console.log(n, f.mode, bp.liveTensorCount() - b);
    bp.dispose([x, s, e]);
  }
});
