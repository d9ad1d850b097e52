/**
 * The fused optimizer updates as core ops: `sgdUpdate`, `adamUpdate` and `rmspropUpdate` check
 * every input (float32 tensors of the parameter's shape, an int32 scalar step, a float32 scalar
 * learning rate, the state the attributes call for) and the attributes, then dispatch the
 * backend's optional kernel. They record no gradient. The formulas are in
 * `kernels/update-reference.ts`; optimizers use these ops when `hasKernel(name)` is true and
 * their composed updates otherwise. Given `{ inPlace: batch }` (an {@link InPlaceUpdates}) they
 * queue the update to write into the parameter and state tensors themselves where the backend
 * can, and return those tensors.
 */
import { runKernelMulti } from '../engine.js';
import { DTypeError, formatShape, ShapeError, ValueError } from '../errors.js';
import {
  type AdamUpdateAttrs,
  type RmspropUpdateAttrs,
  type SgdUpdateAttrs,
  type UpdateKernelName,
  updateWrittenInputs,
} from '../kernels/spec.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { formatValue } from '../validate.js';
import type { InPlaceUpdates } from './in-place-updates.js';

function check(op: string, name: string, t: Tensor | undefined, like: Tensor | 'step' | 'lr'): Tensor {
  if (!(t instanceof Tensor))
    throw new ValueError(`${op}: ${name} must be a Tensor, got ${t === undefined ? 'nothing' : typeof t}`);
  t.assertLive(`${op} (${name})`);
  const [dtype, shape] = like === 'step' ? ['int32', []] : like === 'lr' ? ['float32', []] : ['float32', like.shape];
  if (t.dtype !== dtype) throw new DTypeError(`${op}: ${name} must be ${dtype}, got ${t.dtype}`);
  if (!shapesEqual(t.shape, shape as readonly number[]))
    throw new ShapeError(
      `${op}: ${name} must have shape ${formatShape(shape as number[])}, got ${formatShape(t.shape)}`,
    );
  return t;
}

function checkNumbers(op: string, attrs: object, names: readonly string[]): void {
  if (!attrs || typeof attrs !== 'object') throw new ValueError(`${op}: attributes must be an object`);
  for (const n of names) {
    const v = (attrs as Record<string, unknown>)[n];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(`${op}: ${n} must be a finite number, got ${formatValue(v)}`);
  }
}

/** Options of the fused update ops. */
export interface UpdateOptions {
  /**
   * Queue the update in this batch, writing θ′ and the new state into the input tensors, when
   * the backend can and nothing else shares their storage; the op then returns those tensors,
   * which hold the new values once the batch commits.
   */
  inPlace?: InPlaceUpdates;
}

/**
 * Runs update `op` out of place, or queues it in `options.inPlace` when every output has an input
 * to write (`updateWrittenInputs`: the parameter and the state inputs, in output order).
 */
function run(
  op: UpdateKernelName,
  inputs: Tensor[],
  attrs: object,
  outputs: number,
  options?: UpdateOptions,
): Tensor[] {
  const targets = updateWrittenInputs(op, inputs.length).map((i) => inputs[i]);
  const inPlace = options?.inPlace !== undefined && targets.length === outputs ? options.inPlace : undefined;
  if (inPlace) {
    const queued = inPlace.queue(op, inputs, attrs, targets);
    if (queued) return queued;
  }
  const out = { shape: inputs[0].shape, dtype: 'float32' as const };
  const results = runKernelMulti(
    op,
    inputs,
    attrs as never,
    Array.from({ length: outputs }, () => out),
  );
  // Traced (a compiled step): the graph records the request, so the backend may write in place.
  inPlace?.traced(targets, results);
  return results;
}

/** The tensors of one fused SGD update. */
export interface SgdUpdateInputs {
  param: Tensor;
  grad: Tensor;
  /** The momentum buffer (when momentum > 0 and not the first step). */
  momentumBuffer?: Tensor;
  /** γ, a float32 scalar. */
  lr: Tensor;
}

/**
 * One fused SGD step (see `sgdUpdateReference`): returns [θ′] or [θ′, b′] (momentum > 0).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { hasKernel, scalar, setBackend, sgdUpdate, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * if (hasKernel('sgdUpdate')) {
 *   const [param] = sgdUpdate({ param: tensor([1, 2]), grad: tensor([10, 10]), lr: scalar(0.1) }, attrs);
 *   console.log(await param.data()); // Float32Array [≈0, 1]
 * }
 * ```
 * @throws ShapeError, DTypeError or ValueError for a bad input or attribute, before dispatch.
 */
export function sgdUpdate(
  { param, grad, momentumBuffer, lr }: SgdUpdateInputs,
  attrs: SgdUpdateAttrs,
  options?: UpdateOptions,
): Tensor[] {
  const op = 'sgdUpdate';
  checkNumbers(op, attrs, ['momentum', 'dampening', 'weightDecay']);
  const p = check(op, 'param', param, param);
  const state = attrs.momentum > 0 && !attrs.firstStep ? [check(op, 'momentumBuffer', momentumBuffer, p)] : [];
  const inputs = [p, check(op, 'grad', grad, p), ...state, check(op, 'lr', lr, 'lr')];
  return run(op, inputs, attrs, attrs.momentum > 0 ? 2 : 1, options);
}

/** The tensors of one fused Adam update. */
export interface AdamUpdateInputs {
  param: Tensor;
  grad: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** t of this update (from 1), an int32 scalar. */
  step: Tensor;
  /** The running max of v (amsgrad). */
  maxExpAvgSq?: Tensor;
  /** γ, a float32 scalar. */
  lr: Tensor;
}

/**
 * One fused Adam / AdamW / AMSGrad step, PyTorch's (see `adamUpdateReference`): returns
 * [θ′, m′, v′] or [θ′, m′, v′, v̄′] (amsgrad). The lecture's δ inside the root is composed by
 * the optimizers package, not fused.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { adamUpdate, hasKernel, scalar, setBackend, tensor, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const attrs = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false };
 * const inputs = { param: tensor([1, 2]), grad: tensor([1, -1]), expAvg: zeros([2]), expAvgSq: zeros([2]), step: scalar(1, 'int32'), lr: scalar(0.1) };
 * if (hasKernel('adamUpdate')) console.log(await adamUpdate(inputs, attrs)[0].data()); // Float32Array [0.9, 2.1] (≈)
 * ```
 * @throws ShapeError, DTypeError or ValueError for a bad input or attribute, before dispatch.
 */
export function adamUpdate(inputs: AdamUpdateInputs, attrs: AdamUpdateAttrs, options?: UpdateOptions): Tensor[] {
  const op = 'adamUpdate';
  checkNumbers(op, attrs, ['beta1', 'beta2', 'eps', 'weightDecay']);
  const p = check(op, 'param', inputs.param, inputs.param);
  const like = (n: 'grad' | 'expAvg' | 'expAvgSq' | 'maxExpAvgSq') => check(op, n, inputs[n], p);
  const list = [p, like('grad'), like('expAvg'), like('expAvgSq'), check(op, 'step', inputs.step, 'step')];
  if (attrs.amsgrad) list.push(like('maxExpAvgSq'));
  list.push(check(op, 'lr', inputs.lr, 'lr'));
  return run(op, list, attrs, attrs.amsgrad ? 4 : 3, options);
}

/** The tensors of one fused RMSprop / Adagrad update. */
export interface RmspropUpdateInputs {
  param: Tensor;
  grad: Tensor;
  squareAvg: Tensor;
  /** ḡ (centered). */
  gradAvg?: Tensor;
  /** The momentum buffer (momentum > 0). */
  momentumBuffer?: Tensor;
  /** γ, a float32 scalar. */
  lr: Tensor;
}

/**
 * One fused RMSprop or Adagrad step (see `rmspropUpdateReference`): returns [θ′, v′, ḡ′
 * (centered), b′ (momentum > 0)].
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { hasKernel, rmspropUpdate, scalar, setBackend, tensor, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const attrs = { decay: 0.99, scale: 0.01, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
 * if (hasKernel('rmspropUpdate')) {
 *   const [param, squareAvg] = rmspropUpdate({ param: tensor([1]), grad: tensor([1]), squareAvg: zeros([1]), lr: scalar(0.01) }, attrs);
 * }
 * ```
 * @throws ShapeError, DTypeError or ValueError for a bad input or attribute, before dispatch.
 */
export function rmspropUpdate(
  inputs: RmspropUpdateInputs,
  attrs: RmspropUpdateAttrs,
  options?: UpdateOptions,
): Tensor[] {
  const op = 'rmspropUpdate';
  checkNumbers(op, attrs, ['decay', 'scale', 'eps', 'weightDecay', 'momentum']);
  const p = check(op, 'param', inputs.param, inputs.param);
  const list = [p, check(op, 'grad', inputs.grad, p), check(op, 'squareAvg', inputs.squareAvg, p)];
  if (attrs.centered) list.push(check(op, 'gradAvg', inputs.gradAvg, p));
  if (attrs.momentum > 0) list.push(check(op, 'momentumBuffer', inputs.momentumBuffer, p));
  list.push(check(op, 'lr', inputs.lr, 'lr'));
  return run(op, list, attrs, list.length - 2, options);
}
