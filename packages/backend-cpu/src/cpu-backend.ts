/** The reference CPU backend: storage on typed arrays with memory accounting, plus the kernel table. */
import {
  type Backend,
  BackendError,
  checkWrite,
  type DType,
  FUSED_KERNEL_DTYPES,
  type Handle,
  type KernelTable,
  MemoryCounter,
  type Shape,
  type TypedArray,
} from '@backprop/core';
import { type CpuOptions, type CpuPaths, createFastPaths } from './fastPaths.js';
import { CpuHandle, valuesOfHandle } from './handle.js';
import { denseWith } from './kernels/dense.js';
import type { GemmEngine } from './kernels/helpers/gemm.js';
import { recycle } from './kernels/helpers/output.js';
import { kernels } from './kernels/index.js';
import { matmulWith } from './kernels/matmul.js';
import type { WasmRuntime } from './wasm/runtime.js';
import { simdBinary, simdUnary } from './wasm/wasmElementwise.js';

/** The CPU backend: a Backend plus the code paths it chose. */
export interface CpuBackend extends Backend {
  /** Which paths the kernels run (scalar or SIMD, how many threads). */
  readonly paths: CpuPaths;
  /**
   * Resolves once the thread count is known and workers can start (immediately without threads).
   * Kernels called earlier run on the calling thread; awaiting it makes forced threads certain.
   */
  ready(): Promise<void>;
  /** Terminates the worker threads, if any started. Storage keeps working, on one thread. */
  destroy(): void;
}

/** The kernel table with the SIMD kernels in place of their scalar versions (each falls back to it where it must). */
function simdKernels(engine: GemmEngine, rt: WasmRuntime): KernelTable {
  return {
    ...kernels,
    matmul: matmulWith(engine),
    dense: denseWith(engine),
    add: simdBinary(rt, 'add', kernels.add),
    sub: simdBinary(rt, 'sub', kernels.sub),
    mul: simdBinary(rt, 'mul', kernels.mul),
    div: simdBinary(rt, 'div', kernels.div),
    maximum: simdBinary(rt, 'maximum', kernels.maximum),
    minimum: simdBinary(rt, 'minimum', kernels.minimum),
    neg: simdUnary(rt, 'neg', kernels.neg),
    abs: simdUnary(rt, 'abs', kernels.abs),
    sqrt: simdUnary(rt, 'sqrt', kernels.sqrt),
    floor: simdUnary(rt, 'floor', kernels.floor),
    reciprocal: simdUnary(rt, 'reciprocal', kernels.reciprocal),
  };
}

/**
 * Creates the CPU backend: every kernel in TypeScript on typed arrays, in Node and browsers,
 * with matmul and dense on WebAssembly SIMD kernels and worker threads where available (see
 * {@link CpuOptions}). Each call returns an independent backend with its own memory accounting.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 *
 * await setBackend(cpu()); // the fastest paths available
 * await setBackend(cpu({ simd: false })); // the scalar reference kernels only
 * ```
 */
export function cpu(options: CpuOptions = {}): CpuBackend {
  const fast = createFastPaths(options);
  const selected = fast.engine && fast.runtime ? simdKernels(fast.engine, fast.runtime) : kernels;
  const owned = new WeakSet<CpuHandle>();
  const memory = new MemoryCounter();

  const track = (handle: CpuHandle): CpuHandle => {
    owned.add(handle);
    memory.add(handle.values.byteLength);
    return handle;
  };

  const own = (op: string, handle: Handle): TypedArray => {
    const values = valuesOfHandle(op, handle);
    if (!owned.has(handle as CpuHandle)) throw new BackendError(`${op}: the handle belongs to another cpu backend`);
    return values;
  };

  return {
    name: 'cpu',
    kernels: selected,
    // Core hands every kernel output here: it joins this backend's memory accounting.
    registerOutput(handle: Handle): void {
      if (!(handle instanceof CpuHandle))
        throw new BackendError('cpu: a kernel returned a handle that is not a CpuHandle');
      track(handle);
    },
    dtypes: FUSED_KERNEL_DTYPES,
    write(values: TypedArray, shape: Shape, dtype: DType): Handle {
      checkWrite('cpu', values, shape, dtype);
      return track(new CpuHandle(values.slice()));
    },
    read: async (handle: Handle) => own('cpu.read', handle).slice(),
    readSync: (handle: Handle) => own('cpu.readSync', handle).slice(),
    dispose(handle: Handle): void {
      if (!(handle instanceof CpuHandle) || !owned.has(handle)) {
        throw new BackendError('cpu.dispose: the handle does not belong to this backend');
      }
      if (handle.disposed) return;
      memory.remove(handle.values.byteLength);
      handle.disposed = true;
      recycle(handle.values);
      handle.values = new Uint8Array(0);
    },
    memory: () => memory.info(),
    resetPeak: () => memory.resetPeak(),
    sync: async () => {},
    paths: fast.paths,
    ready: fast.ready,
    destroy: fast.destroy,
  };
}
