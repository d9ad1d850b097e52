/**
 * The indirection to optional fused update kernels (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`):
 * used when the current backend provides them, else the optimizers fall back to core ops.
 */
import {
  type AdamUpdateAttrs,
  DTypeError,
  formatShape,
  getBackend,
  type RmspropUpdateAttrs,
  runKernelMulti,
  type SgdUpdateAttrs,
  ShapeError,
  shapesEqual,
  type Tensor,
  ValueError,
} from '@backprop/core';

/** Names of the fused optimizer kernels this package knows. */
export type FusedUpdateName = 'sgdUpdate' | 'adamUpdate' | 'rmspropUpdate';

type FusedAttrs = SgdUpdateAttrs | AdamUpdateAttrs | RmspropUpdateAttrs;

export type { AdamUpdateAttrs, RmspropUpdateAttrs, SgdUpdateAttrs } from '@backprop/core';

let enabled = true;

/** Turns the fused path on or off (benchmarks and tests compare both); returns the previous setting. */
export function useFusedUpdates(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** True when fused updates are enabled and the current backend has kernel `name`. */
export function hasFusedUpdate(name: FusedUpdateName): boolean {
  return enabled && typeof (getBackend().kernels as unknown as Record<string, unknown>)[name] === 'function';
}

/**
 * Runs fused kernel `name` on same-shaped float32 `inputs`; the kernel returns one new handle
 * per output (the parameter first, then the new state, in input order), each of the
 * parameter's shape. Returns undefined when the kernel is absent or disabled. Throws a
 * ValueError for the wrong number of inputs, a ShapeError or DTypeError for an input that is not
 * a float32 tensor of the parameter's shape (Adam's step: an int32 scalar; the last input, the
 * learning rate γ: a float32 scalar).
 */
export function runFusedUpdate(name: 'sgdUpdate', inputs: Tensor[], attrs: SgdUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(name: 'adamUpdate', inputs: Tensor[], attrs: AdamUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(
  name: 'rmspropUpdate',
  inputs: Tensor[],
  attrs: RmspropUpdateAttrs,
): Tensor[] | undefined;
export function runFusedUpdate(name: FusedUpdateName, inputs: Tensor[], attrs: FusedAttrs): Tensor[] | undefined {
  if (!hasFusedUpdate(name)) return undefined;
  checkInputs(name, inputs, attrs);
  const outputs = fusedOutputCount(name, attrs);
  const out = { shape: inputs[0].shape, dtype: inputs[0].dtype };
  return runKernelMulti(
    name,
    inputs,
    attrs as never,
    Array.from({ length: outputs }, () => out),
  );
}

/** Inputs the kernel reads: the parameter, the gradient and the state the attributes call for. */
function fusedInputCount(name: FusedUpdateName, attrs: FusedAttrs): number {
  // Every kernel takes the learning rate γ last.
  if (name === 'sgdUpdate') {
    const { momentum, firstStep } = attrs as SgdUpdateAttrs;
    return momentum > 0 && !firstStep ? 4 : 3;
  }
  // Adam's inputs are its outputs' plus the step count and γ (θ, g, m, v, t, v̄?, γ).
  return name === 'adamUpdate' ? fusedOutputCount(name, attrs) + 3 : fusedOutputCount(name, attrs) + 2;
}

function checkInputs(name: FusedUpdateName, inputs: Tensor[], attrs: FusedAttrs): void {
  const op = `runFusedUpdate(${name})`;
  const want = fusedInputCount(name, attrs);
  if (inputs.length !== want)
    throw new ValueError(`${op}: expected ${want} input tensors for these attributes, got ${inputs.length}`);
  const shape = inputs[0].shape;
  inputs.forEach((t, i) => {
    const step = name === 'adamUpdate' && i === 4;
    const lr = i === inputs.length - 1;
    const [dtype, wantShape] = step
      ? (['int32', []] as const)
      : lr
        ? (['float32', []] as const)
        : (['float32', shape] as const);
    if (t.dtype !== dtype) throw new DTypeError(`${op}: input ${i} must be ${dtype}, got ${t.dtype}`);
    if (!shapesEqual(t.shape, wantShape))
      throw new ShapeError(`${op}: input ${i} must have shape ${formatShape(wantShape)}, got ${formatShape(t.shape)}`);
  });
}

function fusedOutputCount(name: FusedUpdateName, attrs: FusedAttrs): number {
  if (name === 'sgdUpdate') return (attrs as SgdUpdateAttrs).momentum > 0 ? 2 : 1;
  if (name === 'rmspropUpdate') {
    const { centered, momentum } = attrs as RmspropUpdateAttrs;
    return 2 + Number(centered) + Number(momentum > 0);
  }
  return (attrs as AdamUpdateAttrs).amsgrad ? 4 : 3;
}
