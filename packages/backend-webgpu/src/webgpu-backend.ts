/** The WebGPU backend: pooled GPU storage, batched kernels, async reads, typed errors, clean teardown. */
import {
  type Backend,
  BackendError,
  checkOptionNames,
  checkWrite,
  type DType,
  FUSED_KERNEL_DTYPES,
  type Handle,
  MemoryCounter,
  type OutputInfo,
  optionNames,
  type Shape,
  sizeOf,
  type TypedArray,
  updateInPlaceFromKernels,
  ValueError,
} from '@backprop/core';
import { GpuContext } from './gpu-context.js';
import { GpuHandle } from './handle.js';
import type { KernelContext } from './kernel-context.js';
import { bindKernels } from './kernels/index.js';
import { acquireDevice } from './request-device.js';
import { webgpuUpdateInto } from './update-in-place.js';

/** Options of {@link webgpu}. */
export interface WebGpuOptions {
  /** Use this device (the caller keeps ownership: `destroy()` leaves it alive). */
  device?: GPUDevice;
  /** Request the device from this adapter. */
  adapter?: GPUAdapter;
  /** Passed to `requestAdapter` when neither a device nor an adapter is given. */
  powerPreference?: GPUPowerPreference;
  /** Dispatches recorded before they are submitted as one command buffer (default 128). */
  dispatchesPerSubmit?: number;
  /**
   * Old name of {@link dispatchesPerSubmit} (it is not `fit`'s examples per step).
   * @deprecated Use `dispatchesPerSubmit`; `batchSize` will be removed in the next minor version.
   */
  batchSize?: number;
  /** Submit every dispatch inside error scopes and report validation errors at the next read or sync (slow). */
  debug?: boolean;
  /** Bytes of freed buffers kept for reuse (default 256 MiB). */
  maxPooledBytes?: number;
  /**
   * Bind groups kept for reuse (default 4096; 0 creates one per dispatch). A dispatch binding the
   * same buffers and metadata range as a kept one reuses it; a group is kept the second time its
   * bindings are seen, the least recently used are dropped beyond this count, and those binding a
   * buffer are dropped before the buffer is destroyed.
   */
  bindGroupCacheSize?: number;
}

/** The WebGPU backend, with its device exposed for interop. */
export interface WebGpuBackend extends Backend {
  /** The device kernels run on. */
  readonly device: GPUDevice;
  /** The adapter's vendor, architecture and description, where the platform reports them. */
  readonly adapterDescription: string;
  /**
   * Compute dispatches recorded, command buffers submitted, and dispatches whose bind group was
   * reused from the cache (`bindGroupHits`) or created (`bindGroupMisses`) so far (for benchmarks and tests).
   */
  readonly stats: {
    readonly dispatches: number;
    readonly submits: number;
    readonly bindGroupHits: number;
    readonly bindGroupMisses: number;
  };
  sync(): Promise<void>;
  /** Waits for the GPU, frees every buffer, destroys the device it created and lets go of Dawn. */
  destroy(): Promise<void>;
}

/** Every option of {@link webgpu}. */
const WEBGPU_OPTIONS = optionNames<WebGpuOptions>({
  device: true,
  adapter: true,
  powerPreference: true,
  dispatchesPerSubmit: true,
  batchSize: true,
  debug: true,
  maxPooledBytes: true,
  bindGroupCacheSize: true,
});

/**
 * Creates the WebGPU backend: WGSL kernels on `navigator.gpu` in browsers, or on Dawn through
 * the `webgpu` npm package in Node (imported only when `navigator.gpu` is missing). Rejects
 * with a BackendError when no adapter is found. Call `destroy()` when done so Node can exit.
 *
 * @example
 * ```ts
 * import { webgpu } from '@backprop/backend-webgpu';
 * import { setBackend, tensor } from '@backprop/core';
 *
 * const backend = await setBackend(webgpu());
 * console.log(await tensor([1, 2]).add(1).data()); // Float32Array [2, 3]
 * await backend.destroy?.(); // so Node can exit
 * ```
 */
export async function webgpu(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
  checkOptionNames('webgpu', options, WEBGPU_OPTIONS);
  const {
    device,
    adapter,
    powerPreference,
    dispatchesPerSubmit: perSubmit,
    batchSize,
    debug = false,
    maxPooledBytes = 256 * 2 ** 20,
    bindGroupCacheSize = 4096,
  } = options;
  if (perSubmit !== undefined && batchSize !== undefined && perSubmit !== batchSize)
    throw new ValueError(
      `webgpu: dispatchesPerSubmit ${perSubmit} and its deprecated alias batchSize ${batchSize} differ; pass dispatchesPerSubmit only`,
    );
  const dispatchesPerSubmit = perSubmit ?? batchSize ?? 128;
  if (!Number.isInteger(dispatchesPerSubmit) || dispatchesPerSubmit < 1)
    throw new ValueError(
      `webgpu: dispatchesPerSubmit must be a positive integer, got ${dispatchesPerSubmit}${perSubmit === undefined && batchSize !== undefined ? ' (as batchSize)' : ''}`,
    );
  if (!(maxPooledBytes >= 0))
    throw new ValueError(`webgpu: maxPooledBytes must be non-negative, got ${maxPooledBytes}`);
  if (!Number.isInteger(bindGroupCacheSize) || bindGroupCacheSize < 0)
    throw new ValueError(`webgpu: bindGroupCacheSize must be a non-negative integer, got ${bindGroupCacheSize}`);
  const acquired = await acquireDevice({ device, adapter, powerPreference });
  const gpu = new GpuContext(acquired.device, { dispatchesPerSubmit, debug, maxPooledBytes, bindGroupCacheSize });
  const owner = {};
  const live = new Set<GpuHandle>();
  const memory = new MemoryCounter();

  const track = (buffer: GPUBuffer, bytes: number): GpuHandle => {
    const handle = new GpuHandle(buffer, bytes, owner);
    live.add(handle);
    memory.add(bytes);
    return handle;
  };

  const checkSize = (op: string, bytes: number) => {
    if (bytes > gpu.maxBindingBytes) {
      throw new BackendError(
        `${op}: a tensor of ${bytes} bytes exceeds the device's storage binding limit of ${gpu.maxBindingBytes} bytes`,
      );
    }
  };

  const context: KernelContext = {
    gpu,
    output(out: OutputInfo): GpuHandle {
      const bytes = sizeOf(out.shape) * 4;
      checkSize('webgpu kernel', bytes);
      return track(gpu.pool.acquireForKernel(bytes), bytes);
    },
  };

  const own = (op: string, handle: Handle): GpuHandle => {
    if (!(handle instanceof GpuHandle) || handle.owner !== owner)
      throw new BackendError(`${op}: the handle does not belong to this webgpu backend`);
    if (handle.disposed) throw new BackendError(`${op}: the handle was disposed; it cannot be read`);
    return handle;
  };

  const kernels = bindKernels(context);
  const backend: WebGpuBackend = {
    name: 'webgpu',
    device: acquired.device,
    adapterDescription: acquired.description,
    get stats() {
      return gpu.counts;
    },
    kernels,
    // The fused updates writing into the parameter and state buffers (see update-in-place.ts).
    updateInPlace: updateInPlaceFromKernels(() => backend, kernels, webgpuUpdateInto(own)),
    dtypes: FUSED_KERNEL_DTYPES,
    write(values: TypedArray, shape: Shape, dtype: DType): Handle {
      gpu.check('webgpu.write');
      checkWrite('webgpu', values, shape, dtype);
      const bytes = values.length * 4;
      checkSize('webgpu.write', bytes);
      const buffer = gpu.pool.acquireForWrite(bytes);
      // NOTE: bool is stored as one u32 per element (0 or 1), so every kernel reads 32-bit words.
      const words = dtype === 'bool' ? Uint32Array.from(values) : values;
      if (bytes > 0) gpu.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, bytes);
      return track(buffer, bytes);
    },
    async read(handle: Handle, _shape: Shape, dtype: DType): Promise<TypedArray> {
      const h = own('webgpu.read', handle);
      const bytes = await gpu.readBuffer('webgpu.read', h.buffer, h.bytes);
      if (dtype === 'float32') return new Float32Array(bytes);
      if (dtype === 'int32') return new Int32Array(bytes);
      return Uint8Array.from(new Uint32Array(bytes));
    },
    dispose(handle: Handle): void {
      if (!(handle instanceof GpuHandle) || handle.owner !== owner)
        throw new BackendError('webgpu.dispose: the handle does not belong to this webgpu backend');
      if (handle.disposed) return;
      handle.disposed = true;
      live.delete(handle);
      memory.remove(handle.bytes);
      gpu.pool.release(handle.buffer);
    },
    memory: () => memory.info(),
    resetPeak: () => memory.resetPeak(),
    sync: () => gpu.sync(),
    async destroy(): Promise<void> {
      await gpu.destroy();
      for (const h of live) {
        h.disposed = true;
        h.buffer.destroy();
      }
      live.clear();
      memory.clear();
      if (acquired.owned) acquired.device.destroy();
      acquired.release();
    },
  };
  return backend;
}
