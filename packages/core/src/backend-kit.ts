/** Pieces every backend needs, shared through core so backends do not repeat them. */
import type { Backend, MemoryInfo } from './backend.js';
import { type DType, matchesDType, type TypedArray } from './dtype.js';
import { BackendError, DTypeError, formatShape, ValueError } from './errors.js';
import {
  type KernelName,
  type KernelTable,
  type TensorInfo,
  type UpdateKernelName,
  updateWrittenInputs,
} from './kernels/spec.js';
import { type Shape, sizeOf } from './shape.js';
import { formatValue } from './validate.js';

/** The fused optional kernels are float32-only; backends declare this as their `dtypes`. */
export const FUSED_KERNEL_DTYPES: Partial<Record<KernelName, readonly DType[]>> = {
  softmax: ['float32'],
  logSoftmax: ['float32'],
  softmaxCrossEntropy: ['float32'],
  softmaxCrossEntropyGrad: ['float32'],
  dense: ['float32'],
  sgdUpdate: ['float32'],
  adamUpdate: ['float32'],
  rmspropUpdate: ['float32'],
  finiteFlags: ['float32'],
  relu: ['float32'],
  reluGrad: ['float32'],
};

/**
 * aᵇ in int32 arithmetic, the value every backend's int32 `pow` kernel must give: exact and
 * wrapping modulo 2³² as in PyTorch and NumPy (3⁴⁰ = 689956897; a float64 `Math.pow` loses the
 * low bits past 2⁵³), by square and multiply with `Math.imul`. 0⁰ = 1. A negative exponent (core's
 * `pow` refuses those it can read) gives 1 for base 1, ±1 by parity for base −1 and 0 otherwise.
 * Anything but two int32 values (a fraction, NaN, 2³¹) is a ValueError.
 *
 * @example
 * ```ts
 * import { powInt32 } from '@backprop/core';
 *
 * console.log(powInt32(3, 40), 3 ** 40 | 0, powInt32(2, 31)); // 689956897 689956864 -2147483648
 * ```
 */
export function powInt32(a: number, b: number): number {
  if ((a | 0) !== a || (b | 0) !== b)
    throw new ValueError(
      `powInt32: base and exponent must be int32 values, got ${formatValue(a)} and ${formatValue(b)}`,
    );
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b & 1 ? -1 : 1) : 0;
  let r = 1;
  let base = a | 0;
  for (let e = b >>> 0; e !== 0; e >>>= 1) {
    if (e & 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

/** Throws unless `values` is the typed array of `dtype` and fills `shape` (for `Backend.write`). */
export function checkWrite(backend: string, values: TypedArray, shape: Shape, dtype: DType): void {
  if (!matchesDType(values, dtype)) {
    throw new DTypeError(
      `${backend}.write: values must be the typed array of ${dtype}, got ${values.constructor.name}`,
    );
  }
  if (values.length !== sizeOf(shape)) {
    throw new BackendError(`${backend}.write: ${values.length} values do not fill shape ${formatShape(shape)}`);
  }
}

/** Counts a backend's live handles and bytes, and the peak, for `Backend.memory()`. */
export class MemoryCounter {
  #bytes = 0;
  #handles = 0;
  #peak = 0;

  /** A handle of `bytes` was made. */
  add(bytes: number): void {
    this.#bytes += bytes;
    this.#handles++;
    this.#peak = Math.max(this.#peak, this.#bytes);
  }

  /** A handle of `bytes` was freed. */
  remove(bytes: number): void {
    this.#bytes -= bytes;
    this.#handles--;
  }

  /** What is held now. */
  info(): Required<Omit<MemoryInfo, 'reservedBytes'>> {
    return { bytes: this.#bytes, handles: this.#handles, peakBytes: this.#peak };
  }

  /** Restarts the peak from the current bytes. */
  resetPeak(): void {
    this.#peak = this.#bytes;
  }

  /** Forgets everything (after the backend released all storage). */
  clear(): void {
    this.#bytes = 0;
    this.#handles = 0;
    this.#peak = 0;
  }
}

/**
 * Where a backend sends one in-place update: checks the handles, returns early when `guard` says
 * the step is rejected (or passes it on), and calls `run` — the backend's own update kernel with
 * one output description per written input — with its outputs directed into those inputs.
 */
export type UpdateInto = (
  op: string,
  name: UpdateKernelName,
  inputs: TensorInfo[],
  guard: TensorInfo | undefined,
  run: () => void,
) => void;

/**
 * `Backend.updateInPlace` from a backend's own fused update kernels in `table` and `into`, which
 * directs their outputs into the inputs they replace (backend-cpu: the same heap blocks;
 * backend-webgpu: the buffers bound read-write).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { updateInPlaceFromKernels } from '@backprop/core';
 *
 * const backend = cpu();
 * // How a backend builds its updateInPlace (`into` is where it sends the outputs):
 * const updateInPlace = updateInPlaceFromKernels(() => backend, backend.kernels, (_op, _name, _inputs, _guard, run) => run());
 * ```
 */
export function updateInPlaceFromKernels(
  backend: () => Backend,
  table: KernelTable,
  into: UpdateInto,
): NonNullable<Backend['updateInPlace']> {
  const op = 'updateInPlaceFromKernels';
  if (typeof backend !== 'function') throw new ValueError(`${op}: backend must be a function returning the backend`);
  if (!table || typeof table !== 'object') throw new ValueError(`${op}: kernels must be a kernel table`);
  if (typeof into !== 'function') throw new ValueError(`${op}: into must be a function`);
  return (name, inputs, attrs, guard) => {
    const op = `${backend().name}.updateInPlace(${name})`;
    const kernel = table[name] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof kernel !== 'function') throw new BackendError(`${op}: the backend has no ${name} kernel`);
    const outs = updateWrittenInputs(name, inputs.length).map(() => ({
      shape: inputs[0].shape,
      dtype: 'float32' as const,
    }));
    into(op, name, inputs, guard, () => {
      kernel(inputs, attrs, outs, { backend: backend(), name });
    });
  };
}
