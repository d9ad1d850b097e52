/**
 * Whether the optimizers use the backend's fused update kernels (`sgdUpdate`, `adamUpdate`,
 * `rmspropUpdate`, core ops that validate their inputs): when the backend has them and fused
 * updates are on; otherwise the composed updates, which are the exact ones.
 */
import {
  type AdamUpdateAttrs,
  adamUpdate,
  getBackend,
  type RmspropUpdateAttrs,
  rmspropUpdate,
  type SgdUpdateAttrs,
  sgdUpdate,
  type Tensor,
  ValueError,
} from '@backprop/core';

/** Names of the fused optimizer kernels this package knows. */
export type FusedUpdateName = 'sgdUpdate' | 'adamUpdate' | 'rmspropUpdate';

export type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs } from '@backprop/core';

let enabled = true;

/**
 * Turns the fused path on or off (benchmarks and tests compare both); returns the previous setting.
 *
 * @example
 * ```ts
 * import { useFusedUpdates } from '@backprop/optimizers';
 *
 * const was = useFusedUpdates(false); // the composed updates, e.g. to compare against the fused kernels
 * useFusedUpdates(was);
 * ```
 */
export function useFusedUpdates(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether fused updates are on (what {@link useFusedUpdates} last set): part of a compiled step's trace key. */
export function fusedUpdatesOn(): boolean {
  return enabled;
}

/**
 * True when fused updates are enabled and the current backend has kernel `name`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { hasFusedUpdate } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * console.log(hasFusedUpdate('adamUpdate')); // whether Adam steps run as one kernel here
 * ```
 */
export function hasFusedUpdate(name: FusedUpdateName): boolean {
  return enabled && typeof (getBackend().kernels as Partial<Record<FusedUpdateName, unknown>>)[name] === 'function';
}

/**
 * Runs fused kernel `name` on positional inputs (the kernel's input order: the parameter, the
 * gradient, the state the attributes call for, and γ last); undefined when the kernel is absent
 * or fused updates are off.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { scalar, setBackend, tensor } from '@backprop/core';
 * import { runFusedUpdate } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * const out = runFusedUpdate('sgdUpdate', [tensor([1, 2]), tensor([10, 10]), scalar(0.1)], attrs); // deprecated: use core's sgdUpdate
 * ```
 * @deprecated Call core's `sgdUpdate`, `adamUpdate` or `rmspropUpdate` ops (named inputs, the same
 * validation); this wrapper goes away in the next minor version.
 */
export function runFusedUpdate(name: 'sgdUpdate', inputs: Tensor[], attrs: SgdUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(name: 'adamUpdate', inputs: Tensor[], attrs: AdamUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(
  name: 'rmspropUpdate',
  inputs: Tensor[],
  attrs: RmspropUpdateAttrs,
): Tensor[] | undefined;
export function runFusedUpdate(
  name: FusedUpdateName,
  inputs: Tensor[],
  attrs: SgdUpdateAttrs | AdamUpdateAttrs | RmspropUpdateAttrs,
): Tensor[] | undefined {
  if (!hasFusedUpdate(name)) return undefined;
  const op = `runFusedUpdate(${name})`;
  const want = expectedInputs(name, attrs);
  if (!Array.isArray(inputs) || inputs.length !== want)
    throw new ValueError(`${op}: expected ${want} input tensors for these attributes, got ${inputs?.length}`);
  const lr = inputs[inputs.length - 1];
  const [param, grad, ...state] = inputs.slice(0, -1);
  if (name === 'sgdUpdate') return sgdUpdate({ param, grad, momentumBuffer: state[0], lr }, attrs as SgdUpdateAttrs);
  if (name === 'adamUpdate') {
    const [expAvg, expAvgSq, step, maxExpAvgSq] = state;
    return adamUpdate({ param, grad, expAvg, expAvgSq, step, maxExpAvgSq, lr }, attrs as AdamUpdateAttrs);
  }
  const a = attrs as RmspropUpdateAttrs;
  const [squareAvg, ...rest] = state;
  const gradAvg = a.centered ? rest.shift() : undefined;
  return rmspropUpdate({ param, grad, squareAvg, gradAvg, momentumBuffer: rest.shift(), lr }, a);
}

function expectedInputs(name: FusedUpdateName, attrs: object): number {
  if (name === 'sgdUpdate') {
    const { momentum, firstStep } = attrs as SgdUpdateAttrs;
    return momentum > 0 && !firstStep ? 4 : 3;
  }
  if (name === 'adamUpdate') return (attrs as AdamUpdateAttrs).amsgrad ? 7 : 6;
  const { centered, momentum } = attrs as RmspropUpdateAttrs;
  return 4 + Number(centered) + Number(momentum > 0);
}
