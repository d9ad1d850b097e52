/** The ONNX Runtime backend: a lazy graph of kernels, run as one ONNX model whenever values are read. */
import {
  type Backend,
  BackendError,
  BackpropError,
  type CompiledGraph,
  checkOptionNames,
  checkWrite,
  type DType,
  FUSED_KERNEL_DTYPES,
  type Graph,
  type Handle,
  type KernelCall,
  type KernelTable,
  MemoryCounter,
  type OutputInfo,
  optionNames,
  philoxUniform,
  type Shape,
  sizeOf,
  type TensorInfo,
  type TypedArray,
} from '@backprop/core';
import { compileGraph } from './compiled-graph.js';
import { OnnxHandle } from './handle.js';
import { ORT_DTYPE } from './lower/driver.js';
import { plan } from './plan.js';
import { checkProvider, type OnnxProvider } from './provider.js';
import { type OrtModule, Runtime, type RuntimeStats } from './runtime.js';
import { type InPlaceHost, InPlaceWrites, releaseResident } from './update-in-place.js';

/** Options of {@link onnx}. */
export interface OnnxOptions {
  /** The execution provider (default 'cpu'). 'webgpu' keeps values on the GPU between runs. */
  provider?: OnnxProvider;
  /** Threads of the CPU provider's operators (default: ONNX Runtime's, one per core). */
  threads?: number;
  /**
   * Let the CPU provider's idle threads spin between operators (ONNX Runtime's default) instead
   * of sleeping. Off by default: on a busy machine spinning threads compete with the other
   * processes for the cores, and a training step ran about twice as slow (bench/step.mjs with
   * load ≈ 4 on 2 cores); on an idle machine spinning can save a little latency per operator.
   */
  spinning?: boolean;
  /**
   * WebGPU only: compiled graphs keep the new parameters and optimizer state in GPU buffers
   * between runs (ONNX Runtime's `preferredOutputLocation: 'gpu-buffer'` for the state outputs);
   * only the loss and metrics come to the host. Default true; false copies the state to the host
   * after every run.
   */
  gpuOutputs?: boolean;
  /**
   * The ONNX Runtime module; default `onnxruntime-node` (an optional peer dependency, imported on
   * first use). Pass `onnxruntime-web` in browsers.
   */
  ort?: OrtModule;
}

/** The ONNX backend: a Backend plus `flush` and run statistics. */
export interface OnnxBackend extends Backend {
  /** The execution provider in use. */
  readonly provider: OnnxProvider;
  /** Sessions created and runs made so far. */
  readonly stats: RuntimeStats;
  /** Computes every pending value that a live tensor holds, in one run. */
  flush(): Promise<void>;
  /** @internal The ONNX Runtime module, tensors and runs, for compiled graphs and export. */
  readonly runtime: Runtime;
  /** @internal The handle behind `h`, checked to be this backend's and live. */
  own(op: string, h: Handle): OnnxHandle;
  /** Compiles a graph traced by core's `compile` into one ONNX model run once per call. */
  compileGraph(graph: Graph): CompiledGraph;
}

/**
 * Imports `onnxruntime-node` (an optional peer dependency) on first use. The specifier is a
 * variable so that bundles (browsers pass `ort` from onnxruntime-web) neither include nor
 * require it. A missing package is a BackendError saying how to install it.
 */
async function importOnnxRuntimeNode(): Promise<OrtModule> {
  const specifier = 'onnxruntime-node';
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as OrtModule;
  } catch (e) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    const notFound =
      code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)/i.test(text);
    if (notFound && (text.includes(`'${specifier}'`) || text.includes(`"${specifier}"`))) {
      throw new BackendError(
        `onnx: the "onnxruntime-node" package is not installed, got ${text.split('\n')[0]}; install it next to @backprop/backend-onnx (npm i onnxruntime-node), or pass \`ort\` from onnxruntime-web (browsers)`,
      );
    }
    throw e;
  }
}

/** Every option of {@link onnx}. */
const ONNX_OPTIONS = optionNames<OnnxOptions>({
  provider: true,
  threads: true,
  spinning: true,
  ort: true,
  gpuOutputs: true,
});

/**
 * Creates the ONNX Runtime backend. Kernels do not compute at once: each appends a node to a
 * lazy graph, and reading a value (or `sync`) runs every pending value live tensors hold as
 * one ONNX model, with sessions cached by the graph's structure — so a training step in
 * `fit` is one run. Throws a BackendError saying how to install a provider that is missing.
 *
 * @example
 * ```ts
 * import { onnx } from '@backprop/backend-onnx';
 * import { setBackend, tensor } from '@backprop/core';
 *
 * const backend = await setBackend(onnx({ provider: 'cpu', threads: 2 }));
 * console.log(tensor([1, 2]).shape); // [2]
 * await backend.destroy?.();
 * ```
 */
export async function onnx(options: OnnxOptions = {}): Promise<OnnxBackend> {
  checkOptionNames('onnx', options, ONNX_OPTIONS, {
    aliases: { executionProvider: 'provider', intraOpNumThreads: 'threads', numThreads: 'threads' },
  });
  const { provider = 'cpu', threads, spinning = false, ort, gpuOutputs = true } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new BackendError(`onnx: threads must be a positive integer, got ${threads}`);
  }
  const mod = ort ?? (await importOnnxRuntimeNode());
  await checkProvider(mod, provider);
  const runtime = new Runtime(mod, {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
    logSeverityLevel: 3,
  });
  if (provider === 'webgpu' && gpuOutputs) runtime.stateLocation = 'gpu-buffer';
  return createBackend(runtime, provider);
}

function createBackend(runtime: Runtime, provider: OnnxProvider): OnnxBackend {
  const owned = new WeakSet<OnnxHandle>();
  const livePending = new Set<OnnxHandle>();
  const memory = new MemoryCounter();
  let chain: Promise<void> = Promise.resolve();
  // Updates in place need host arrays: the CPU provider's values (WebGPU keeps state on the device).
  let inPlace: InPlaceWrites | undefined;

  const trackInternal = (h: OnnxHandle): OnnxHandle => {
    owned.add(h);
    memory.add(h.bytes);
    if (h.pending) livePending.add(h);
    return h;
  };
  /** Accounts for a new handle; a new node ends the open batch of in-place updates (it runs after them). */
  const track = (h: OnnxHandle): OnnxHandle => {
    if (h.pending) inPlace?.close();
    return trackInternal(h);
  };
  const own = (op: string, handle: Handle): OnnxHandle => {
    if (!(handle instanceof OnnxHandle) || !owned.has(handle))
      throw new BackendError(`${op}: the handle does not belong to this onnx backend`);
    if (handle.disposed) throw new BackendError(`${op}: the handle was disposed; it cannot be read or used`);
    return handle;
  };
  const ortTensor = (values: TypedArray, shape: Shape, dtype: DType) =>
    new runtime.ort.Tensor(ORT_DTYPE[dtype], values, shape);
  const leaf = (values: TypedArray, shape: Shape, dtype: DType) => {
    const h = new OnnxHandle(null, {}, [], shape, dtype);
    h.value = ortTensor(values, shape, dtype);
    return h;
  };
  const empty = (out: OutputInfo) =>
    leaf(
      out.dtype === 'float32' ? new Float32Array(0) : out.dtype === 'int32' ? new Int32Array(0) : new Uint8Array(0),
      out.shape,
      out.dtype,
    );

  /** A pending node of kernel `name` (every lowered kernel is this one function; core passes the name). */
  const node = (inputs: readonly TensorInfo[], attrs: object, out: OutputInfo, { name }: KernelCall): OnnxHandle => {
    if (sizeOf(out.shape) === 0) return track(empty(out));
    const ins = inputs.map((x) => ({ node: own(name, x.handle), shape: x.shape }));
    return track(new OnnxHandle(name, attrs, ins, out.shape, out.dtype));
  };
  /** Multi-output kernels (sgdUpdate, adamUpdate, rmspropUpdate): one pending node per output, attrs.output = k. */
  const nodes = (inputs: readonly TensorInfo[], attrs: object, outs: readonly OutputInfo[], call: KernelCall) =>
    outs.map((out, k) => node(inputs, { ...attrs, output: k }, out, call));
  /** fill: the value is fed as a scalar input, so one session serves every fill value. */
  const fill = (_inputs: readonly TensorInfo[], { value }: { value: number }, out: OutputInfo): OnnxHandle => {
    if (sizeOf(out.shape) === 0) return track(empty(out));
    const v =
      out.dtype === 'float32'
        ? new Float32Array([value])
        : out.dtype === 'int32'
          ? new Int32Array([value])
          : new Uint8Array([value ? 1 : 0]);
    return track(new OnnxHandle('fill', {}, [{ node: leaf(v, [], out.dtype), shape: [] }], out.shape, out.dtype));
  };
  /** randomUniform: the Philox stream is computed on the host (core's philoxUniform) and fed as an input. */
  const randomUniform = (
    _inputs: readonly TensorInfo[],
    { key, offset }: { key: readonly [number, number]; offset: number },
    out: OutputInfo,
  ): OnnxHandle => track(leaf(philoxUniform(key, offset, sizeOf(out.shape)), out.shape, 'float32'));
  // Every kernel of the contract: a missing one fails to compile (each lowered one needs a lowering, checked by the tests).
  const kernels = {
    neg: node,
    abs: node,
    exp: node,
    log: node,
    log1p: node,
    sqrt: node,
    reciprocal: node,
    tanh: node,
    sigmoid: node,
    sin: node,
    cos: node,
    floor: node,
    add: node,
    sub: node,
    mul: node,
    div: node,
    pow: node,
    maximum: node,
    minimum: node,
    equal: node,
    notEqual: node,
    greater: node,
    greaterEqual: node,
    less: node,
    lessEqual: node,
    where: node,
    sum: node,
    max: node,
    min: node,
    argmax: node,
    argmin: node,
    finiteFlags: node,
    matmul: node,
    gather: node,
    scatterAdd: node,
    slice: node,
    concat: node,
    transpose: node,
    broadcastTo: node,
    pad: node,
    cast: node,
    fill,
    randomUniform,
    softmax: node,
    logSoftmax: node,
    softmaxCrossEntropy: node,
    dense: node,
    relu: node,
    reluGrad: node,
    sgdUpdate: nodes,
    adamUpdate: nodes,
    rmspropUpdate: nodes,
  } satisfies KernelTable;

  const enqueue = (job: () => Promise<void>): Promise<void> => {
    inPlace?.close();
    const next = chain.then(job);
    chain = next.catch(() => {});
    return next;
  };
  const compute = async (roots: Iterable<OnnxHandle>): Promise<void> => {
    const list = [...roots];
    const p = plan(list);
    try {
      await runtime.run(p);
    } catch (e) {
      // One node ONNX Runtime refuses (an index out of range that core could not check while it
      // was pending) fails the whole run. Run each value on its own instead, so that those not
      // depending on it are still computed; the failing ones keep their error (reading one throws
      // it) and leave the queue, so the next read does not run them again.
      const error = onnxRunError(e);
      if (list.length > 1) {
        for (const h of list) if (h.pending && h.error === undefined) await compute([h]).catch(() => {});
      } else {
        for (const h of list) {
          h.error = error;
          livePending.delete(h);
        }
      }
      throw error;
    }
    for (const h of p.outputs) livePending.delete(h);
  };
  // NOTE: the roots are taken when the flush is queued: a node made later may read a compiled
  // run queued after this flush, whose value does not exist yet when this flush runs.
  const flush = (): Promise<void> => {
    const roots = [...livePending];
    return enqueue(async () => {
      const live = roots.filter((h) => !h.disposed && h.pending);
      if (live.length > 0) await compute(live);
    });
  };
  const hostTensor: InPlaceHost['tensor'] = (values, dims) =>
    new runtime.ort.Tensor('float32', values, dims as number[]);
  const host = { runtime, own, track, enqueue, compute, writesInPlace: provider === 'cpu', tensor: hostTensor };
  const dispose = (handle: Handle): void => {
    if (!(handle instanceof OnnxHandle) || !owned.has(handle))
      throw new BackendError('onnx.dispose: the handle does not belong to this backend');
    if (handle.disposed) return;
    // (Parameters and state written in place share a WebAssembly memory: freeing one frees it.)
    const unshare = provider === 'cpu' ? releaseResident(handle, hostTensor) : undefined;
    handle.disposed = true;
    memory.remove(handle.bytes);
    livePending.delete(handle);
    if (handle.users === 0) handle.release();
    if (unshare) void enqueue(unshare).catch(() => {});
  };
  if (provider === 'cpu')
    inPlace = new InPlaceWrites({
      own,
      trackInternal,
      livePending: () => [...livePending],
      enqueue,
      compute,
      dispose,
      forget: (h) => livePending.delete(h),
      tensor: hostTensor,
    });

  return {
    name: 'onnx',
    provider,
    runtime,
    stats: runtime.stats,
    kernels,
    // ONNX Runtime's Sin and Cos take floats only.
    dtypes: { ...FUSED_KERNEL_DTYPES, sin: ['float32'], cos: ['float32'] },
    write(values: TypedArray, shape: Shape, dtype: DType): Handle {
      checkWrite('onnx', values, shape, dtype);
      return track(leaf(values.slice(), shape, dtype));
    },
    // Values already on the host (written, or produced by a finished run) read synchronously;
    // a pending value throws: it needs a run, and runs are asynchronous.
    readSync(handle: Handle): TypedArray {
      const h = own('onnx.readSync', handle);
      if (h.value === undefined || h.value.location !== 'cpu' || h.writes > 0)
        throw new BackendError(
          'onnx.readSync: backend "onnx" reads asynchronously and this value is not on the host yet; use `await t.data()`',
        );
      return (h.value.data as TypedArray).slice();
    },
    async read(handle: Handle): Promise<TypedArray> {
      let h = own('onnx.read', handle);
      // A value an update is still to write in place is read after the write. A run that failed
      // left its error on the values it could not compute; this one may not be among them.
      if (h.value === undefined || h.writes > 0) await flush().catch(() => {});
      h = own('onnx.read', handle);
      if (h.value === undefined) {
        if (h.error !== undefined) throw onnxRunError(h.error);
        throw new BackendError('onnx.read: the value was not computed');
      }
      const v = h.value;
      if (v.location === 'cpu') return (v.data as TypedArray).slice();
      // Device values are copied out by a run, queued after the runs already asked for.
      let data: TypedArray | undefined;
      await enqueue(async () => {
        data = await runtime.download(v);
      });
      return data!;
    },
    dispose,
    ...(inPlace && {
      updateInPlace: inPlace.queue.bind(inPlace) as NonNullable<Backend['updateInPlace']>,
    }),
    memory: () => memory.info(),
    resetPeak: () => memory.resetPeak(),
    sync: flush,
    flush,
    own,
    compileGraph: (graph: Graph) => compileGraph(host, graph),
    async destroy(): Promise<void> {
      await chain;
      await runtime.release();
    },
  };
}

/**
 * An error of an ONNX Runtime run as a BackendError (typed like every backend error), its first
 * line kept; Backprop's own errors pass through. The original is its `cause`.
 */
function onnxRunError(e: unknown): unknown {
  if (e instanceof BackpropError) return e;
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const error = new BackendError(`onnx: ONNX Runtime could not compute this value: ${message}`);
  Object.defineProperty(error, 'cause', { value: e, enumerable: false });
  return error;
}
