// Reference `sgdUpdate` / `adamUpdate` kernels in plain TypeScript, wrapped around a cpu() backend for tests.

import { cpu } from '@backprop/backend-cpu';
import type { Backend } from '@backprop/core';
import type { AdamUpdateAttrs, SgdUpdateAttrs } from '../src/index.js';

type Info = { handle: object; shape: readonly number[]; dtype: 'float32' };

/** cpu() plus fused update kernels (what backend-cpu would provide); `calls` counts their use. */
export function cpuWithFused(
  options: { failOn?: number } = {},
): Backend & { calls: { sgdUpdate: number; adamUpdate: number } } {
  const base = cpu();
  const calls = { sgdUpdate: 0, adamUpdate: 0 };
  const read = (i: Info) => base.readSync?.(i.handle, i.shape, i.dtype) as Float32Array;
  const write = (v: Float32Array, i: Info) => base.write(v, i.shape, 'float32');
  const sgdUpdate = (inputs: Info[], a: SgdUpdateAttrs) => {
    calls.sgdUpdate++;
    const [p, g, b] = inputs.slice(0, -1).map(read);
    const lr = read(inputs[inputs.length - 1])[0];
    const n = p.length;
    const np = new Float32Array(n);
    const nb = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let d = g[i] + a.weightDecay * p[i];
      if (a.momentum > 0) {
        nb[i] = a.firstStep ? d : a.momentum * b[i] + (1 - a.dampening) * d;
        d = a.nesterov ? d + a.momentum * nb[i] : nb[i];
      }
      np[i] = p[i] - lr * d;
    }
    return a.momentum > 0 ? [write(np, inputs[0]), write(nb, inputs[0])] : [write(np, inputs[0])];
  };
  const adamUpdate = (inputs: Info[], a: AdamUpdateAttrs) => {
    calls.adamUpdate++;
    if (options.failOn !== undefined && calls.adamUpdate === options.failOn)
      throw new Error('adamUpdate: injected failure');
    const [p, g, m, v] = [0, 1, 2, 3].map((k) => read(inputs[k]));
    const vMax = a.amsgrad ? read(inputs[5]) : new Float32Array(0);
    const lr = read(inputs[inputs.length - 1])[0];
    const step = base.readSync?.(inputs[4].handle, [], 'int32')[0] as number;
    const n = p.length;
    const [np, nm, nv, nMax] = [0, 1, 2, 3].map(() => new Float32Array(n));
    const bc1 = 1 - a.beta1 ** step;
    const bc2 = 1 - a.beta2 ** step;
    for (let i = 0; i < n; i++) {
      const theta = a.decoupled ? p[i] * (1 - lr * a.weightDecay) : p[i];
      const gi = a.decoupled ? g[i] : g[i] + a.weightDecay * p[i];
      nm[i] = a.beta1 * m[i] + (1 - a.beta1) * gi;
      nv[i] = a.beta2 * v[i] + (1 - a.beta2) * gi * gi;
      nMax[i] = a.amsgrad ? Math.max(vMax[i], nv[i]) : nv[i];
      const denom =
        a.epsPlacement === 'outside' ? Math.sqrt(nMax[i]) / Math.sqrt(bc2) + a.eps : Math.sqrt(nMax[i] / bc2 + a.eps);
      np[i] = theta - ((lr / bc1) * nm[i]) / denom;
    }
    const out = [write(np, inputs[0]), write(nm, inputs[0]), write(nv, inputs[0])];
    return a.amsgrad ? [...out, write(nMax, inputs[0])] : out;
  };
  return { ...base, kernels: { ...base.kernels, sgdUpdate, adamUpdate } as Backend['kernels'], calls };
}
