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
  updateInPlaceFromKernels,
} from '@backprop/core';
import { type CpuOptions, type CpuPaths, createFastPaths } from './fastPaths.js';
import { allocateHandle, CpuHandle, freeHandle, liveHandle } from './handle.js';
import { denseWith } from './kernels/dense.js';
import type { GemmEngine } from './kernels/helpers/gemm.js';
import { HeapRunError, runOnHeap } from './kernels/helpers/output.js';
import { kernels } from './kernels/index.js';
import { matmulWith } from './kernels/matmul.js';
import type { Heap } from './memory/heap.js';
import type { ThreadStats } from './threads/pool.js';
import { cpuUpdateInto } from './update-in-place.js';
import { PARALLEL_MIN_ELEMENTS, type SimdContext } from './wasm/parallel.js';
import { simdCompare, simdWhere } from './wasm/wasmCompare.js';
import { simdArg, simdCast } from './wasm/wasmConvert.js';
import { simdBinary, simdUnary } from './wasm/wasmElementwise.js';
import { simdGather, simdScatterAdd } from './wasm/wasmGather.js';
import { simdMath } from './wasm/wasmMath.js';
import { simdExtreme, simdFiniteFlags, simdSum } from './wasm/wasmReduce.js';
import { simdCrossEntropy, simdCrossEntropyGrad, simdSoftmax } from './wasm/wasmRows.js';
import { simdAdamUpdate, simdRmspropUpdate, simdSgdUpdate } from './wasm/wasmUpdates.js';

/** The CPU backend: a Backend plus the code paths it chose. */
export interface CpuBackend extends Backend {
  /** Which paths the kernels run (scalar or SIMD, how many threads). */
  readonly paths: CpuPaths;
  /**
   * The WebAssembly memory every tensor of this backend lives in, with its allocator. Your own
   * WebAssembly module can import `heap.memory` and work on tensors in place.
   */
  readonly heap: Heap;
  /**
   * Resolves once the thread count is known and workers can start (immediately without threads).
   * Kernels called earlier run on the calling thread; awaiting it makes forced threads certain.
   */
  ready(): Promise<void>;
  /**
   * What splitting kernels across threads cost the calling thread so far (a copy), or undefined
   * before any kernel was split. On a machine with two free cores, the calling thread's own share
   * of a split takes about half of what the whole kernel takes on one thread and it rarely waits;
   * when its share takes as long as the whole kernel alone, the threads are sharing one core.
   */
  threadStats(): ThreadStats | undefined;
  /** Terminates the worker threads, if any started. Storage keeps working, on one thread. */
  destroy(): void;
}

/** The kernel table with the SIMD kernels in place of their scalar versions (each falls back to it where it must). */
function simdKernels(engine: GemmEngine, rt: SimdContext): KernelTable {
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
    exp: simdMath(rt, 'exp', kernels.exp),
    log: simdMath(rt, 'log', kernels.log),
    log1p: simdMath(rt, 'log1p', kernels.log1p),
    tanh: simdMath(rt, 'tanh', kernels.tanh),
    sigmoid: simdMath(rt, 'sigmoid', kernels.sigmoid),
    sum: simdSum(rt, kernels.sum),
    max: simdExtreme(rt, 'max', kernels.max),
    min: simdExtreme(rt, 'min', kernels.min),
    softmax: simdSoftmax(rt, 'softmax', kernels.softmax),
    logSoftmax: simdSoftmax(rt, 'logSoftmax', kernels.logSoftmax),
    softmaxCrossEntropy: simdCrossEntropy(rt, kernels.softmaxCrossEntropy),
    softmaxCrossEntropyGrad: simdCrossEntropyGrad(rt, kernels.softmaxCrossEntropyGrad),
    equal: simdCompare(rt, 'equal', kernels.equal),
    notEqual: simdCompare(rt, 'notEqual', kernels.notEqual),
    greater: simdCompare(rt, 'greater', kernels.greater),
    greaterEqual: simdCompare(rt, 'greaterEqual', kernels.greaterEqual),
    less: simdCompare(rt, 'less', kernels.less),
    lessEqual: simdCompare(rt, 'lessEqual', kernels.lessEqual),
    where: simdWhere(rt, kernels.where),
    gather: simdGather(rt),
    cast: simdCast(rt, kernels.cast),
    argmax: simdArg(rt, 'argmax', kernels.argmax),
    argmin: simdArg(rt, 'argmin', kernels.argmin),
    scatterAdd: simdScatterAdd(rt, kernels.scatterAdd),
    sgdUpdate: simdSgdUpdate(rt),
    adamUpdate: simdAdamUpdate(rt),
    rmspropUpdate: simdRmspropUpdate(rt),
    finiteFlags: simdFiniteFlags(rt, kernels.finiteFlags),
    relu: simdUnary(rt, 'relu', kernels.relu),
    reluGrad: simdBinary(rt, 'reluGrad', kernels.reluGrad),
  };
}

/** Runs of a kernel during which the memory grew before the backend gives up (memory only grows, so a run soon finds room). */
const MAX_RUNS = 8;

/**
 * `table` with every kernel run on `heap`: outputs are allocated there, and on an unshared
 * memory a kernel during which the memory grew is run again, its first outputs freed (growth
 * detaches the typed-array views it held, so its first result or exception cannot be trusted;
 * a later run finds the room it needs in the free lists).
 */
function onHeap(table: KernelTable, heap: Heap): KernelTable {
  const wrapped: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(table)) {
    const run = kernel as (...args: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => {
      for (let attempt = 1; ; attempt++) {
        const before = heap.memory.buffer;
        try {
          const { result, allocated } = runOnHeap(heap, () => run(...args));
          if (heap.shared || heap.memory.buffer === before) return result;
          for (const h of allocated) freeHandle(h);
        } catch (e) {
          if (!(e instanceof HeapRunError)) throw e;
          for (const h of e.allocated) freeHandle(h);
          if (heap.shared || heap.memory.buffer === before) throw e.error;
        }
        if (attempt === MAX_RUNS)
          throw new BackendError(`${name}: the WebAssembly heap grew during each of ${MAX_RUNS} runs of the kernel`);
      }
    };
  }
  return wrapped as KernelTable;
}

/**
 * Creates the CPU backend: every tensor in one WebAssembly memory, every kernel in TypeScript,
 * and the hot ones on WebAssembly SIMD kernels and worker threads where available (see
 * {@link CpuOptions}). Each call returns an independent backend with its own heap and memory
 * accounting.
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
  const { heap } = fast;
  const simd: SimdContext | undefined = fast.runtime && {
    runtime: fast.runtime,
    pool: fast.pool,
    minElements: options.parallelMinElements ?? PARALLEL_MIN_ELEMENTS,
  };
  const table = fast.engine && simd ? simdKernels(fast.engine, simd) : kernels;
  const selected = onHeap(table, heap);
  const memory = new MemoryCounter();

  const own = (op: string, handle: Handle): CpuHandle => {
    const live = liveHandle(op, handle);
    if (live.heap !== heap) throw new BackendError(`${op}: the handle belongs to another cpu backend`);
    return live;
  };

  const backend: CpuBackend = {
    name: 'cpu',
    kernels: selected,
    // Core hands every kernel output here: it joins this backend's memory accounting.
    registerOutput(handle: Handle): void {
      if (!(handle instanceof CpuHandle) || handle.heap !== heap)
        throw new BackendError('cpu: a kernel returned a handle that is not a CpuHandle of this backend');
      memory.add(handle.byteLength);
    },
    dtypes: FUSED_KERNEL_DTYPES,
    write(values: TypedArray, shape: Shape, dtype: DType): Handle {
      checkWrite('cpu', values, shape, dtype);
      const handle = allocateHandle(heap, values.length, dtype);
      handle.values.set(values);
      memory.add(handle.byteLength);
      return handle;
    },
    read: async (handle: Handle) => own('cpu.read', handle).values.slice(),
    readSync: (handle: Handle) => own('cpu.readSync', handle).values.slice(),
    dispose(handle: Handle): void {
      if (!(handle instanceof CpuHandle) || handle.heap !== heap) {
        throw new BackendError('cpu.dispose: the handle does not belong to this backend');
      }
      if (handle.disposed) return;
      memory.remove(handle.byteLength);
      freeHandle(handle);
    },
    // The fused updates writing into the parameter and state blocks (see update-in-place.ts).
    updateInPlace: updateInPlaceFromKernels(() => backend, table, cpuUpdateInto(heap, own)),
    memory: () => ({ ...memory.info(), reservedBytes: heap.reservedBytes }),
    resetPeak: () => memory.resetPeak(),
    sync: async () => {},
    paths: fast.paths,
    heap,
    threadStats: fast.threadStats,
    ready: fast.ready,
    destroy: fast.destroy,
  };
  return backend;
}
