// backend-cpu with its fused update kernels wrapped to count their use and to inject a failure.

import { cpu } from '@backprop/backend-cpu';
import type { Backend } from '@backprop/core';

type Run = (inputs: never, attrs: never, outs: never, call: never) => object[];

/** cpu() whose `sgdUpdate` / `adamUpdate` count their calls (`calls`); `failOn: n` makes the n-th adamUpdate throw. */
export function cpuWithFused(
  options: { failOn?: number } = {},
): Backend & { calls: { sgdUpdate: number; adamUpdate: number } } {
  const base = cpu();
  const calls = { sgdUpdate: 0, adamUpdate: 0 };
  const wrap = (name: 'sgdUpdate' | 'adamUpdate'): Run => {
    const inner = base.kernels[name] as unknown as Run;
    return (inputs, attrs, outs, call) => {
      calls[name]++;
      if (name === 'adamUpdate' && options.failOn === calls.adamUpdate) throw new Error('adamUpdate: injected failure');
      return inner(inputs, attrs, outs, call);
    };
  };
  const kernels = { ...base.kernels, sgdUpdate: wrap('sgdUpdate'), adamUpdate: wrap('adamUpdate') };
  return { ...base, kernels: kernels as Backend['kernels'], calls };
}
