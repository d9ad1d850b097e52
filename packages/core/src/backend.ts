/** The backend contract: storage plus kernels. */

import type { CompiledGraph, Graph } from './compile/graph.js';
import type { DType, TypedArray } from './dtype.js';
import type {
  Handle,
  KernelName,
  KernelTable,
  TensorInfo,
  UpdateKernelAttrs,
  UpdateKernelName,
} from './kernels/spec.js';
import type { Shape } from './shape.js';

/** What a backend holds now. */
export interface MemoryInfo {
  /** Bytes held by live handles. */
  bytes: number;
  /** Number of live handles. */
  handles: number;
  /** Highest `bytes` since creation or the last `resetPeak()`, where the backend tracks it. */
  peakBytes?: number;
  /**
   * Bytes the backend holds from its host for storage, where it manages its own (backend-cpu:
   * the WebAssembly heap: live handles, freed blocks kept for reuse, and room not yet used).
   */
  reservedBytes?: number;
}

/**
 * A backend: storage plus kernels. Implement every kernel of {@link RequiredKernels} and any
 * optional ones; prove it with `runConformance` from `@backprop/conformance`.
 */
export interface Backend {
  /** A short unique name, used in error messages ("cpu", "webgpu"). */
  readonly name: string;
  /** The kernel table. */
  readonly kernels: KernelTable;
  /** Dtypes each kernel accepts for its first input (or its output, for kernels without inputs), where narrower than core allows. */
  readonly dtypes?: Partial<Record<KernelName, readonly DType[]>>;
  /** Copies `values` into new storage. */
  write(values: TypedArray, shape: Shape, dtype: DType): Handle;
  /** Reads a handle's values (a fresh array the caller owns). */
  read(handle: Handle, shape: Shape, dtype: DType): Promise<TypedArray>;
  /** Reads synchronously, where the backend can. */
  readSync?(handle: Handle, shape: Shape, dtype: DType): TypedArray;
  /** Frees a handle's storage. */
  dispose(handle: Handle): void;
  /**
   * Called by core with every handle a kernel returns, before anything else uses it: a backend
   * that counts its memory registers kernel outputs here instead of wrapping its kernel table.
   */
  registerOutput?(handle: Handle): void;
  /**
   * Runs fused update kernel `name` writing its outputs into its inputs: θ′ into the parameter
   * (`inputs[0]`) and each new state tensor into the state input it replaces (the inputs other
   * than the gradient, the step count and γ, in output order). With `guard` (a float32 scalar)
   * holding anything but 0 (NaN included) it writes nothing. Core calls it only with validated
   * inputs whose storage nothing else shares, after every fallible part of a step is done: it
   * must not fail then (no allocation that can run out), so a step's updates all happen or none.
   * A lazy backend may write later (backend-onnx: after the run computing the inputs), provided
   * every read of the written tensors, and all work queued after this call, sees the new values.
   * Optional: without it updates allocate new tensors.
   */
  updateInPlace?<K extends UpdateKernelName>(
    name: K,
    inputs: TensorInfo[],
    attrs: UpdateKernelAttrs[K],
    guard?: TensorInfo,
  ): void;
  /** What the backend holds now. */
  memory(): MemoryInfo;
  /** Resets `peakBytes` to the current `bytes`. */
  resetPeak?(): void;
  /** Resolves when all submitted work is done. */
  sync?(): Promise<void>;
  /**
   * Compiles a traced graph to run as one unit (ONNX Runtime: one session run per call). Optional:
   * `compile` replays graphs kernel by kernel on backends without it.
   */
  compileGraph?(graph: Graph): CompiledGraph;
  /** Releases the device; the backend is unusable afterwards. */
  destroy?(): void | Promise<void>;
}
