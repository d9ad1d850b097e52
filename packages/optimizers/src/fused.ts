/**
 * The indirection to optional fused update kernels (`sgdUpdate`, `adamUpdate`): used when the
 * current backend provides them, else the optimizers fall back to core ops.
 */
import { getBackend, makeTensor, type Tensor } from '@backprop/core';

/** Names of the fused optimizer kernels this package knows. */
export type FusedUpdateName = 'sgdUpdate' | 'adamUpdate';

/** Attributes of `sgdUpdate` (PyTorch's SGD; inputs [param, grad, momentumBuffer?]). */
export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** True when there is no momentum buffer yet (b₁ = g). */
  firstStep: boolean;
}

/** Attributes of `adamUpdate` (inputs [param, grad, expAvg, expAvgSq, maxExpAvgSq?]). */
export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW's decoupled decay (θ ← θ − γλθ) instead of the coupled g + λθ. */
  decoupled: boolean;
  amsgrad: boolean;
  epsPlacement: 'outside' | 'inside';
  /** t, from 1. */
  step: number;
}

type FusedKernel = (
  inputs: unknown[],
  attrs: object,
  out: { shape: readonly number[]; dtype: string },
) => object | object[];

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
 * parameter's shape. Returns undefined when the kernel is absent or disabled.
 */
export function runFusedUpdate(name: 'sgdUpdate', inputs: Tensor[], attrs: SgdUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(name: 'adamUpdate', inputs: Tensor[], attrs: AdamUpdateAttrs): Tensor[] | undefined;
export function runFusedUpdate(name: FusedUpdateName, inputs: Tensor[], attrs: object): Tensor[] | undefined {
  if (!hasFusedUpdate(name)) return undefined;
  const backend = getBackend();
  const kernel = (backend.kernels as unknown as Record<string, FusedKernel>)[name];
  const infos = inputs.map((t) => {
    t.assertLive(name);
    return { handle: t.ref.handle, shape: t.shape, dtype: t.dtype };
  });
  const out = { shape: inputs[0].shape, dtype: inputs[0].dtype };
  const handles = kernel(infos, attrs, out);
  return (Array.isArray(handles) ? handles : [handles]).map((h) => makeTensor(backend, h, out.shape, out.dtype));
}
