/** The engine: the current backend, kernel dispatch, tensor creation and memory scopes (tapes are in autograd/). */
import type { Backend } from './backend.js';
import type { DType, TypedArray } from './dtype.js';
import { bytesPerElement } from './dtype.js';
import { BackendError, DTypeError, ValueError } from './errors.js';
import {
  type Handle,
  type KernelName,
  type KernelSpec,
  type OutputInfo,
  REQUIRED_KERNELS,
  type TensorInfo,
} from './kernels/spec.js';
import { type Shape, sizeOf } from './shape.js';
import { DataRef, Tensor } from './tensor.js';

let current: Backend | undefined;
const scopes: Set<Tensor>[] = [];

/** Observes every kernel dispatch (used by graph capture and profilers). */
export type KernelObserver = (
  name: KernelName,
  inputs: readonly Tensor[],
  attrs: object,
  output: Tensor,
  allOutputs?: readonly Tensor[],
) => void;
const observers = new Set<KernelObserver>();

/**
 * Makes `backend` the one every op runs on. Registration is explicit — there are no import
 * side effects — and tensors made on a previous backend cannot be mixed with new ones.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 *
 * const backend = await setBackend(cpu());
 * console.log(backend.name, tensor([1, 2]).shape); // 'cpu' [2]
 * ```
 */
export async function setBackend(backend: Backend | Promise<Backend>): Promise<Backend> {
  const b = await backend;
  if (!b || typeof b.name !== 'string' || typeof b.write !== 'function' || !b.kernels) {
    throw new BackendError('setBackend: expected a Backend object with name, write, read and kernels');
  }
  current = b;
  return b;
}

/**
 * The backend ops run on; throws a BackendError when none is set.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { getBackend, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(getBackend().name); // 'cpu'
 * ```
 */
export function getBackend(): Backend {
  if (!current) throw new BackendError('getBackend: no backend is set; call `await setBackend(cpu())` first');
  return current;
}

/**
 * Adds an observer of kernel dispatches; returns a function that removes it.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, observeKernels, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const stop = observeKernels((name, inputs) => console.log(name, inputs.length));
 * add(tensor([1]), tensor([2])); // logs: add 2 (and the kernels tensor() dispatches, if any)
 * stop();
 * ```
 */
export function observeKernels(observer: KernelObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** @internal True while any observer (a trace, a profiler) watches kernel dispatches. */
export function kernelsObserved(): boolean {
  return observers.size > 0;
}

/**
 * Wraps a backend handle in a tensor tracked by the innermost scope.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { getBackend, makeTensor, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const backend = getBackend();
 * const handle = backend.write(Float32Array.of(1, 2), [2], 'float32'); // a backend handle…
 * const t = makeTensor(backend, handle, [2], 'float32'); // …wrapped as a Tensor that owns it
 * ```
 */
export function makeTensor(backend: Backend, handle: object, shape: Shape, dtype: DType): Tensor {
  const ref = new DataRef(backend, handle, sizeOf(shape) * bytesPerElement(dtype));
  return adopt(new Tensor(ref, shape, dtype));
}

/** Registers a tensor with the innermost scope, if any. */
export function adopt(t: Tensor): Tensor {
  scopes[scopes.length - 1]?.add(t);
  return t;
}

/**
 * Copies host values into a new tensor on the current backend. Bool values are bytes of 0 or 1:
 * any other byte is a ValueError (a 2 would read as true in one kernel and as 2 in another).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, writeTensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const t = writeTensor(Int32Array.of(1, 2, 3, 4), [2, 2], 'int32'); // no conversion: the values must match the dtype
 * ```
 */
export function writeTensor(values: TypedArray, shape: Shape, dtype: DType): Tensor {
  const backend = getBackend();
  if (dtype === 'bool' && values instanceof Uint8Array) {
    const i = values.findIndex((v) => v > 1);
    if (i >= 0)
      throw new ValueError(
        `writeTensor: bool values must be bytes of 0 or 1, got ${values[i]} at position ${i}; write x ≠ 0 for a mask`,
      );
  }
  const t = makeTensor(backend, backend.write(values, shape, dtype), shape, dtype);
  // A backend that reads only asynchronously cannot show the ops its values: keep the host's
  // int32 values (indices, labels) so gather, scatterAdd, oneHot and the losses still check their
  // range there instead of reading out of bounds.
  if (dtype === 'int32' && typeof backend.readSync !== 'function' && values instanceof Int32Array)
    t.ref.hostCopy = values.slice();
  return t;
}

function info(t: Tensor, op: string, backend: Backend): TensorInfo {
  t.assertLive(op);
  if (t.ref.backend !== backend) {
    const where =
      t.ref.backend.name === backend.name
        ? `another backend instance named "${backend.name}" than the current one (setBackend was given a new ${backend.name}() since it was made)`
        : `backend "${t.ref.backend.name}" but the current backend is "${backend.name}"`;
    throw new BackendError(`${op}: a tensor lives on ${where}; move it with \`await toBackend(t)\``);
  }
  return { handle: t.ref.handle, shape: t.shape, dtype: t.dtype };
}

/**
 * True when the current backend provides kernel `name` (optional kernels may be absent).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { hasKernel, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * console.log(hasKernel('add'), hasKernel('adamUpdate')); // true, and whether cpu() has the optional fused Adam
 * ```
 */
export function hasKernel(name: KernelName): boolean {
  return typeof (getBackend().kernels as Partial<Record<KernelName, unknown>>)[name] === 'function';
}

function dispatch(
  name: KernelName,
  inputs: readonly Tensor[],
  attrs: object,
  out: OutputInfo | readonly OutputInfo[],
): [Backend, unknown] {
  const backend = getBackend();
  const kernel = (backend.kernels as Partial<Record<KernelName, (...a: unknown[]) => unknown>>)[name];
  if (typeof kernel !== 'function') {
    const why = (REQUIRED_KERNELS as readonly string[]).includes(name)
      ? 'it is required by the contract'
      : 'it is optional: check hasKernel() and use the composed fallback';
    throw new BackendError(`${name}: backend "${backend.name}" has no kernel "${name}"; ${why}`);
  }
  const infos = inputs.map((t) => info(t, name, backend));
  const allowed = backend.dtypes?.[name];
  const data = infos[0] ?? (Array.isArray(out) ? out[0] : out);
  if (allowed && data && !allowed.includes(data.dtype)) {
    throw new DTypeError(`${name}: backend "${backend.name}" supports ${allowed.join(', ')}, got ${data.dtype}`);
  }
  const result = kernel(infos, attrs, out, { backend, name });
  if (backend.registerOutput)
    for (const h of Array.isArray(result) ? result : [result]) backend.registerOutput(h as Handle);
  return [backend, result];
}

/**
 * Runs kernel `name` on the current backend. Ops call this after validating their input and
 * computing `out`; a missing kernel or an unsupported dtype is a BackendError naming both.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { runKernel, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const a = tensor([1, 2]);
 * // What the ops do after validating: dispatch a kernel with its attributes and the output's shape and dtype.
 * const y = runKernel('add', [a, a], {}, { shape: [2], dtype: 'float32' });
 * console.log(await y.data()); // Float32Array [2, 4]
 * ```
 */
export function runKernel<K extends KernelName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: KernelSpec[K]['attrs'],
  out: OutputInfo,
): Tensor {
  const [backend, handle] = dispatch(name, inputs, attrs, out);
  const t = makeTensor(backend, handle as object, out.shape, out.dtype);
  for (const o of observers) o(name, inputs, attrs, t);
  return t;
}

/**
 * Runs a multi-output kernel (`sgdUpdate`, `adamUpdate`, `rmspropUpdate`): one OutputInfo and one returned
 * handle per output. Observers see the first output, with all of them as `allOutputs`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { hasKernel, runKernelMulti, scalar, setBackend, tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const [param, grad, buffer] = [tensor([1, 2]), tensor([10, 10]), tensor([0, 0])];
 * const attrs = { momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, firstStep: true };
 * const out = { shape: [2], dtype: 'float32' as const };
 * if (hasKernel('sgdUpdate')) console.log(runKernelMulti('sgdUpdate', [param, grad, buffer, scalar(0.1)], attrs, [out, out]).length); // 2: θ′ and b′
 * ```
 */
export function runKernelMulti<K extends KernelName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: KernelSpec[K]['attrs'],
  outs: readonly OutputInfo[],
): Tensor[] {
  const [backend, handles] = dispatch(name, inputs, attrs, outs);
  if (!Array.isArray(handles) || handles.length !== outs.length) {
    throw new BackendError(
      `${name}: backend "${backend.name}" returned ${Array.isArray(handles) ? handles.length : 1} outputs, expected ${outs.length}`,
    );
  }
  const ts = handles.map((h, i) => makeTensor(backend, h, outs[i].shape, outs[i].dtype));
  for (const o of observers) o(name, inputs, attrs, ts[0], ts);
  return ts;
}

/** Opens a scope; tensors made until `endScope` are tracked by it. */
export function startScope(): Set<Tensor> {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  return scope;
}

/**
 * Closes the innermost scope: disposes its tensors except `keep`, which move to the parent
 * scope. With `defer` (inside a gradient tape) nothing is disposed: all move to the parent.
 */
export function endScope(keep: ReadonlySet<Tensor>, defer = false): void {
  const scope = scopes.pop();
  if (!scope) return;
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.disposed || t.kept) continue;
    if (defer || keep.has(t)) parent?.add(t);
    else t.dispose();
  }
}

/**
 * Removes `t` from scope tracking, so no `tidy` disposes it.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, keep, setBackend, tensor, tidy, type Tensor } from '@backprop/core';
 *
 * await setBackend(cpu());
 * let kept: Tensor | undefined;
 * const y = tidy(() => {
 *   kept = keep(add(tensor([1]), 1)); // survives the tidy, though not returned
 *   return add(kept, 1);
 * });
 * ```
 */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}
