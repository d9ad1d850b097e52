/** Reads an optimizer's whole state as plain numbers: `<param>.step`, `<param>.<tensor>`, and `groups`. */
import type { Optimizer } from '@backprop/core';

export function stateValues(opt: Optimizer): Record<string, unknown> {
  const { groups, slots } = opt.getState();
  const out: Record<string, unknown> = { groups };
  for (const [name, s] of slots) {
    out[`${name}.step`] = Array.from(s.step.dataSync());
    for (const [k, t] of Object.entries(s.tensors)) out[`${name}.${k}`] = Array.from(t.dataSync());
  }
  return out;
}
