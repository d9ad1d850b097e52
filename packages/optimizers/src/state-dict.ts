/** Encoding optimizer state as `Map<string, Tensor>`: step counts as int32 scalars, learning rates as float64 bits. */
import { keep, type Parameter, reshape, stopGradient, type Tensor, tensor, ValueError } from '@backprop/core';

/** One parameter's optimizer state. */
export interface Slot {
  /** Steps taken (t of the last update), an int32 scalar tensor the slot owns. */
  readonly step: Tensor;
  /** The same count as a host number when it is known without reading the tensor. */
  readonly hostStep: number | undefined;
  /** Named state tensors (moments, buffers). */
  readonly state: Readonly<Record<string, Tensor>>;
  /** Throws if a state tensor is disposed or does not fit `p`. */
  check(op: string, p: Parameter): void;
}

/** An lr as int32[2] holding its float64 bits, so a resumed run uses the very same number. */
export function encodeNumber(x: number): Tensor {
  return tensor(new Int32Array(new Float64Array([x]).buffer), [2], 'int32');
}

function decodeNumber(t: Tensor): number {
  return new Float64Array(new Int32Array(t.dataSync()).buffer)[0];
}

/**
 * Keys: `group.<i>.lr` (int32[2], the float64 bits), `state.<param name>.step` (int32 scalar),
 * `state.<param name>.<key>` (the tensor). The tensors are the optimizer's own, as in
 * `Module.stateDict`: valid until its next step, load or dispose; do not dispose them.
 */
export function encodeState(slots: ReadonlyMap<string, Slot>, lrs: readonly Tensor[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  lrs.forEach((lr, i) => {
    out.set(`group.${i}.lr`, lr);
  });
  for (const [name, s] of slots) {
    out.set(`state.${name}.step`, s.step);
    for (const [k, t] of Object.entries(s.state)) out.set(`state.${name}.${k}`, t);
  }
  return out;
}

/**
 * Parses a state dict; every check runs before anything is created. The slots hold kept views.
 * An lr tensor listed in `known` (by storage: the optimizer's own, handed back by a compiled
 * step) is not read; other lr tensors are read synchronously. Step counts are never read here:
 * they may still be computing on an asynchronous backend.
 */
export function decodeState(
  op: string,
  state: ReadonlyMap<string, Tensor>,
  groups: number,
  known: ReadonlyMap<object, number>,
  makeSlot: (step: Tensor, state: Record<string, Tensor>) => Slot,
): { slots: Map<string, Slot>; lrs: (number | undefined)[] } {
  if (!(state instanceof Map)) throw new ValueError(`${op}: expected a Map<string, Tensor>`);
  const lrs: (number | undefined)[] = Array.from({ length: groups }, () => undefined);
  const steps = new Map<string, Tensor>();
  const tensors = new Map<string, Record<string, Tensor>>();
  for (const [key, t] of state) {
    t.assertLive(`${op} (${key})`);
    const group = /^group\.(\d+)\.lr$/.exec(key);
    if (group) {
      const i = Number(group[1]);
      if (i >= groups) throw new ValueError(`${op}: ${key} names group ${i}, but the optimizer has ${groups} groups`);
      if (t.dtype !== 'int32' || t.size !== 2)
        throw new ValueError(`${op}: ${key} must be int32[2] (float64 bits), got ${t.dtype}[${t.shape}]`);
      lrs[i] = known.get(t.ref) ?? decodeNumber(t);
      continue;
    }
    const m = /^state\.(.+)\.([^.]+)$/.exec(key);
    if (!m) throw new ValueError(`${op}: unknown key "${key}"; expected state.<param>.<key> or group.<i>.lr`);
    const [, name, k] = m;
    if (k === 'step') {
      if (t.dtype !== 'int32' || t.size !== 1)
        throw new ValueError(`${op}: ${key} must be an int32 scalar, got ${t.dtype}[${t.shape}]`);
      steps.set(name, t);
    } else {
      if (t.dtype !== 'float32') throw new ValueError(`${op}: ${key} must be float32, got ${t.dtype}`);
      tensors.set(name, { ...tensors.get(name), [k]: t });
    }
  }
  for (const name of tensors.keys())
    if (!steps.has(name)) throw new ValueError(`${op}: state of "${name}" has no step count`);
  const slots = new Map<string, Slot>();
  const view = (t: Tensor) => keep(stopGradient(t));
  for (const [name, step] of steps) {
    const own: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors.get(name) ?? {})) own[k] = view(t);
    slots.set(name, makeSlot(keep(step.rank === 0 ? stopGradient(step) : reshape(step, [])), own));
  }
  return { slots, lrs };
}
