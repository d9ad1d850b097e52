/**
 * backend-onnx's `updateInPlace` (CPU provider): a fused update writes its results into the
 * parameter's and state's own host arrays, so a training step does not hold old and new values
 * side by side. The backend is lazy and ONNX Runtime runs asynchronously, so a queued update is
 * written after the run that computes its inputs: the updates a step commits together form one
 * batch, run after every value live when they were queued (one ONNX Runtime run with the rest
 * of the step: loss, gradients, Adam's coefficients), then written on the host in float32
 * exactly as the ONNX nodes would compute them (`host-update.ts`). Until then, reading a target
 * waits for the write; anything computed later reads the new values.
 */
import type { AdamUpdateAttrs, TensorInfo, UpdateKernelAttrs, UpdateKernelName } from '@backprop/core';
import { updateWrittenInputs } from '@backprop/core';
import { adamCoefficientGroups, type CoefficientAt, type CoefficientRequest } from './adam-coefficient-groups.js';
import { type HandleInput, OnnxHandle } from './handle.js';
import { type HostUpdate, runHostUpdates } from './host-update.js';
import { isResident, makeResident, residentArrays } from './resident-update.js';

/** What the in-place writer needs from its backend. */
export interface InPlaceHost {
  own(op: string, handle: TensorInfo['handle']): OnnxHandle;
  /** Adds a node made here to the backend's accounting, without closing the open batch. */
  trackInternal(h: OnnxHandle): OnnxHandle;
  /** The pending handles live tensors hold now. */
  livePending(): OnnxHandle[];
  /** Runs `job` after every job already queued. */
  enqueue(job: () => Promise<void>): Promise<void>;
  /** Computes the given pending handles (inside a queued job). */
  compute(handles: OnnxHandle[]): Promise<void>;
  /** Frees a handle this module made. */
  dispose(h: OnnxHandle): void;
  /** Forgets that a pending handle is live (it failed and will not be computed). */
  forget(h: OnnxHandle): void;
  /** A host float32 tensor of ONNX Runtime holding `values`. */
  tensor(values: Float32Array, dims: readonly number[]): NonNullable<OnnxHandle['value']>;
}

interface Job {
  name: UpdateKernelName;
  attrs: object;
  inputs: OnnxHandle[];
  targets: OnnxHandle[];
  guard: OnnxHandle | undefined;
  /** Adam's step count and γ, whose coefficients the batch's run computes. */
  adam: CoefficientRequest<HandleInput> | undefined;
}

interface Batch {
  jobs: Job[];
  /**
   * The live pending values when the batch closed (before the next node or queued work, or when it
   * runs): all of them run before any write.
   */
  roots: OnnxHandle[];
}

/** The queue of in-place updates of one backend. */
export class InPlaceWrites {
  #open: Batch | undefined;

  constructor(readonly host: InPlaceHost) {}

  /**
   * Ends the open batch: called when anything else is queued or a node is made, so a value
   * computed after these updates in program order never runs before they are written.
   */
  close(): void {
    const batch = this.#open;
    if (!batch) return;
    batch.roots = this.host.livePending();
    this.#open = undefined;
  }

  /** Queues update `name` to write into its parameter and state inputs (after the guard, when given, reads 0). */
  queue<K extends UpdateKernelName>(
    name: K,
    inputs: TensorInfo[],
    attrs: UpdateKernelAttrs[K],
    guard?: TensorInfo,
  ): void {
    const op = `onnx.updateInPlace(${name})`;
    const ins = inputs.map((x) => this.host.own(op, x.handle));
    const g = guard && this.host.own(op, guard.handle);
    const targets = updateWrittenInputs(name, ins.length).map((i) => ins[i]);
    const last = ins.length - 1;
    const adam =
      name === 'adamUpdate'
        ? {
            attrs: attrs as AdamUpdateAttrs,
            step: { node: ins[4], shape: inputs[4].shape },
            lr: { node: ins[last], shape: inputs[last].shape },
            lrKey: String(ins[last].id),
          }
        : undefined;
    const job: Job = { name, attrs: { ...attrs }, inputs: ins, targets, guard: g, adam };
    for (const h of [...ins, ...(g ? [g] : [])]) h.users++;
    for (const h of targets) h.writes++;
    let batch = this.#open;
    if (!batch) {
      const opened: Batch = { jobs: [], roots: [] };
      void this.host.enqueue(() => this.#run(opened)).catch(() => {});
      batch = this.#open = opened;
    }
    batch.jobs.push(job);
  }

  /**
   * Nodes computing the batch's Adam coefficients a, e (and AdamW's decay factor), and where each
   * job finds its own, from the step
   * counts and γ, in the same run as the step, one chain per group of updates with the same
   * settings (`adam-coefficient-groups.ts`): the host update reads them, so its scalars are ONNX
   * Runtime's float64 chain, bit for bit (JavaScript's Math.pow differs from ONNX Runtime's Pow
   * in the last bit for 10 % of the step counts 1–200,000 with β = 0.999, 0.3 % with 0.9).
   */
  #adamCoefficients(jobs: readonly Job[]): (CoefficientAt<OnnxHandle>[] | undefined)[] {
    return adamCoefficientGroups(
      jobs.map((j) => j.adam),
      (attrs, inputs, shape) => this.host.trackInternal(new OnnxHandle('adamUpdate', attrs, inputs, shape, 'float32')),
    );
  }

  /** Computes what the batch reads in one run, then writes every update whose guard reads 0. */
  async #run(batch: Batch): Promise<void> {
    if (this.#open === batch) this.close();
    const need = new Set(batch.roots.filter((h) => !h.disposed && h.pending));
    for (const j of batch.jobs)
      for (const h of [...j.inputs, ...(j.guard ? [j.guard] : [])]) if (h.pending) need.add(h);
    let coefficients = new Set<OnnxHandle>();
    try {
      const at = this.#adamCoefficients(batch.jobs);
      coefficients = new Set(at.flatMap((c) => c?.map((x) => x.node) ?? []));
      for (const h of coefficients) if (h.pending) need.add(h);
      if (need.size > 0) await this.host.compute([...need]);
      // Every update's arrays are found before the first is written: all are written, or none.
      const claimed = new Set<OnnxHandle>();
      const updates = batch.jobs.map((j, i) => this.#prepare(j, at[i] ?? [], claimed));
      runHostUpdates(updates.filter((u) => u !== undefined));
    } catch (e) {
      // Nothing was written; what was to be computed fails when read, rather than being
      // computed again later without its updates.
      for (const h of need)
        if (h.pending) {
          h.error = e;
          this.host.forget(h);
        }
      throw e;
    } finally {
      for (const j of batch.jobs) {
        for (const h of j.targets) h.writes--;
        for (const h of [...j.inputs, ...(j.guard ? [j.guard] : [])]) if (--h.users === 0 && h.disposed) h.release();
      }
      for (const h of coefficients) this.host.dispose(h);
    }
  }

  /** One update's host arrays, or undefined when its guard holds anything but 0 (NaN too): it writes nothing. */
  #prepare(
    j: Job,
    coefficients: readonly CoefficientAt<OnnxHandle>[],
    claimed: Set<OnnxHandle>,
  ): HostUpdate | undefined {
    if (j.guard && hostData(j.guard)[0] !== 0) return undefined;
    // Targets first, so that the inputs written in place are read from the arrays being written.
    const targets = writableTargets(j.targets, this.host.tensor, claimed);
    return {
      name: j.name,
      attrs: j.attrs,
      inputs: j.inputs.map(hostData),
      coefficients: coefficients.map((c) => hostData(c.node)[c.index]),
      targets,
    };
  }
}

/** Host values of a computed handle. */
export function hostData(h: OnnxHandle): Float32Array | Int32Array {
  if (h.value === undefined || h.value.location !== 'cpu')
    throw h.error ?? new Error('onnx.updateInPlace: an input is not a computed host value');
  return h.value.data as Float32Array | Int32Array;
}

/**
 * The host array of `h` to write into: when another handle may read the same array (a compiled
 * step's pass-through result), `h` first gets a copy of its own, made with `tensor`.
 */
export function unshared(h: OnnxHandle, tensor: InPlaceHost['tensor']): Float32Array {
  if (h.sharesData) {
    h.value = tensor((hostData(h) as Float32Array).slice(), h.value!.dims);
    h.sharesData = false;
  }
  return hostData(h) as Float32Array;
}

/**
 * The host arrays an update writes into, one per target handle: the handles' own arrays when
 * they are already resident together in WebAssembly memory (`resident-update.ts`) and no other
 * handle reads them; else copies moved there, which the handles hold from now on (ONNX Runtime
 * reads them in place at the next run); else, where no such memory can be made, `unshared`'s.
 * `claimed` holds the handles earlier updates of the same batch write: those are never moved
 * again, since an earlier update already holds their arrays.
 */
export function writableTargets(
  handles: readonly OnnxHandle[],
  tensor: InPlaceHost['tensor'],
  claimed: Set<OnnxHandle>,
): Float32Array[] {
  const arrays = handles.map(hostData) as Float32Array[];
  const again = handles.some((h) => claimed.has(h));
  for (const h of handles) claimed.add(h);
  if (again) return handles.map((h) => unshared(h, tensor));
  if (!handles.some((h) => h.sharesData) && isResident(arrays)) return arrays;
  const distinct = new Set(handles).size === handles.length;
  const moved = distinct && arrays.every((a) => a instanceof Float32Array) ? makeResident(arrays) : undefined;
  if (!moved) return handles.map((h) => unshared(h, tensor));
  handles.forEach((h, i) => {
    h.value = tensor(moved[i], h.value!.dims);
    h.sharesData = false;
    owners.set(moved[i], h);
  });
  return moved;
}

/** The handle that moved each resident array into WebAssembly memory. */
const owners = new WeakMap<Float32Array, OnnxHandle>();

/**
 * What to do when `h` is freed: when its array lives in WebAssembly memory with others, a job
 * that gives the handles still holding those others plain copies, so the memory they share can
 * be collected (an optimizer's freed state does not stay allocated beside its parameters).
 * Queued behind every run and write already queued, it never changes an array one of them
 * holds; later ones read the copies. Undefined when there is nothing to do.
 */
export function releaseResident(h: OnnxHandle, tensor: InPlaceHost['tensor']): (() => Promise<void>) | undefined {
  const data = h.value?.location === 'cpu' ? h.value.data : undefined;
  const views = data instanceof Float32Array ? residentArrays(data) : undefined;
  if (!views || views.length < 2) return undefined;
  return async () => {
    for (const v of views) {
      const owner = owners.get(v);
      if (v === data || !owner || owner.disposed || owner.value?.data !== v) continue;
      owner.value = tensor(v.slice(), owner.value.dims);
    }
  };
}
