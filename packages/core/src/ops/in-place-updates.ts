/**
 * InPlaceUpdates: a batch of fused optimizer updates that write their results into the tensors
 * they replace (parameter, moments, buffers) instead of new ones, so a step does not hold old
 * and new values side by side. Updates are queued while the step computes everything that can
 * fail, then committed together by one infallible pass, so a step still changes all or nothing.
 */
import type { Backend } from '../backend.js';
import { getBackend, kernelsObserved } from '../engine.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import type { TensorInfo, UpdateKernelAttrs, UpdateKernelName } from '../kernels/spec.js';
import { shapesEqual } from '../shape.js';
import { type DataRef, Tensor } from '../tensor.js';

/**
 * @internal An update a batch was asked to write in place while a trace watched kernels: it ran
 * out of place, and the trace records it so a compiled graph may write it in place.
 */
export interface TracedInPlaceRequest {
  readonly targets: readonly Tensor[];
  readonly results: readonly Tensor[];
  readonly guard: Tensor | undefined;
}

const requestObservers = new Set<(request: TracedInPlaceRequest) => void>();

/** @internal Calls `observer` for each in-place request made while kernels are observed; returns the stop function. */
export function observeInPlaceRequests(observer: (request: TracedInPlaceRequest) => void): () => void {
  requestObservers.add(observer);
  return () => requestObservers.delete(observer);
}

interface Job {
  name: UpdateKernelName;
  inputs: readonly Tensor[];
  attrs: object;
}

/** Options of {@link InPlaceUpdates}. */
export interface InPlaceUpdatesOptions {
  /**
   * A float32 scalar: the updates write only when it holds 0 (a training step passes the sum of
   * its loss and gradient finiteness flags, so a non-finite step changes nothing).
   */
  guard?: Tensor;
}

/**
 * A batch of in-place fused updates. Pass it to `sgdUpdate`, `adamUpdate` or `rmspropUpdate` as
 * `{ inPlace: batch }`: when the backend has `updateInPlace`, nothing watches kernels (a
 * `compile` trace) and the tensors to be written share their storage with no other tensor, the
 * op queues the update and returns those very tensors; otherwise it runs out of place as usual.
 * Until {@link commit}, queued tensors keep their old values and reading them throws. `commit`
 * runs every queued update; `discard` drops them.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { InPlaceUpdates, scalar, setBackend, sgdUpdate, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const attrs = { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * const param = tensor([1, 2]);
 * const batch = new InPlaceUpdates();
 * const [next] = sgdUpdate({ param, grad: tensor([10, 10]), lr: scalar(0.1) }, attrs, { inPlace: batch });
 * batch.commit();
 * console.log(next === param, await param.data()); // true Float32Array [≈0, 1] (written in place)
 * ```
 */
export class InPlaceUpdates {
  readonly guard: Tensor | undefined;
  readonly #backend: Backend | undefined;
  #jobs: Job[] = [];
  #targets = new Set<DataRef>();
  #reads = new Set<DataRef>();

  constructor({ guard }: InPlaceUpdatesOptions = {}) {
    if (guard !== undefined) {
      if (!(guard instanceof Tensor))
        throw new ValueError(`InPlaceUpdates: guard must be a Tensor, got ${typeof guard}`);
      guard.assertLive('InPlaceUpdates (guard)');
      if (guard.dtype !== 'float32' || !shapesEqual(guard.shape, []))
        throw new (guard.dtype !== 'float32' ? DTypeError : ShapeError)(
          `InPlaceUpdates: guard must be a float32 scalar, got ${guard.dtype}[${guard.shape.join(', ')}]`,
        );
    }
    this.guard = guard;
    const backend = getBackend();
    this.#backend = typeof backend.updateInPlace === 'function' ? backend : undefined;
  }

  /** Updates queued and not yet committed. */
  get size(): number {
    return this.#jobs.length;
  }

  /**
   * @internal Queues update `name` on validated `inputs` writing `targets` (the parameter and the
   * state inputs, in output order); returns `targets`, or undefined when it must run out of place.
   */
  queue(
    name: UpdateKernelName,
    inputs: readonly Tensor[],
    attrs: object,
    targets: readonly Tensor[],
  ): Tensor[] | undefined {
    const backend = this.#backend;
    if (!backend || backend !== getBackend() || kernelsObserved()) return undefined;
    const refs = new Set(targets.map((t) => t.ref));
    // Every input but the targets' own places is read: a gradient that is the parameter's own
    // tensor (or a state tensor's) is read while that tensor is written, so it stays out of place.
    const unmatched = [...targets];
    const reads: DataRef[] = [];
    for (const t of inputs) {
      const k = unmatched.indexOf(t);
      if (k >= 0) unmatched.splice(k, 1);
      else reads.push(t.ref);
    }
    if (this.guard) reads.push(this.guard.ref);
    const exclusive = (t: Tensor) =>
      t.ref.backend === backend && t.ref.refs - (this.guard ? t.ref.guardedViews : 0) === 1;
    if (
      refs.size !== targets.length ||
      !targets.every(exclusive) ||
      targets.some((t) => this.#targets.has(t.ref) || this.#reads.has(t.ref)) ||
      reads.some((r) => refs.has(r) || this.#targets.has(r))
    )
      return undefined;
    for (const r of refs) {
      r.pendingUpdate = true;
      this.#targets.add(r);
    }
    for (const r of reads) this.#reads.add(r);
    this.#jobs.push({ name, inputs: [...inputs], attrs: { ...attrs } });
    return [...targets];
  }

  /**
   * @internal Tells a watching trace that the update writing `targets` ran out of place into
   * `results` because kernels are observed (nothing happens otherwise).
   */
  traced(targets: readonly Tensor[], results: readonly Tensor[]): void {
    if (!kernelsObserved()) return;
    for (const o of requestObservers) o({ targets, results, guard: this.guard });
  }

  /**
   * Writes every queued update (skipped as a whole while the guard holds anything but 0). Checks
   * first that every tensor is still live, so it writes all of them, or throws having written
   * none and dropped them.
   */
  commit(): void {
    const jobs = this.#jobs;
    const op = 'InPlaceUpdates.commit';
    try {
      for (const j of jobs) for (const t of j.inputs) t.assertLive(`${op} (${j.name})`);
      this.guard?.assertLive(`${op} (guard)`);
    } catch (e) {
      this.#release();
      throw e;
    }
    const info = (t: Tensor): TensorInfo => ({ handle: t.ref.handle, shape: t.shape, dtype: t.dtype });
    const guard = this.guard && info(this.guard);
    this.#release();
    const backend = this.#backend as Backend;
    for (const j of jobs)
      backend.updateInPlace?.(j.name, j.inputs.map(info), j.attrs as UpdateKernelAttrs[typeof j.name], guard);
  }

  /** Drops every queued update: their tensors keep their old values. */
  discard(): void {
    this.#release();
  }

  #release(): void {
    for (const r of this.#targets) r.pendingUpdate = false;
    this.#jobs = [];
    this.#targets.clear();
    this.#reads.clear();
  }
}
