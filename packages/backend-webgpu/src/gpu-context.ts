/** The device side of the backend: pipelines, batched command recording, metadata, reads, errors. */
import { BackendError } from '@backprop/core';
import { BindGroupCache } from './bind-group-cache.js';
import { BufferPool, Usage } from './buffer-pool.js';

/** One compute dispatch: a cached pipeline, its buffers, its metadata and its grid. */
export interface Dispatch {
  /** Kernel name, for error messages. */
  op: string;
  /** Pipeline cache key: kernel, dtypes and shape class; `code` must depend on nothing else. */
  key: string;
  /** Generates the WGSL source on a cache miss. */
  code: () => string;
  /** Binding 1, read_write. */
  output: GPUBuffer;
  /** Bindings 2…, read-only. */
  inputs: readonly GPUBuffer[];
  /** Further read_write outputs, bound after the inputs (multi-output kernels). */
  outputs?: readonly GPUBuffer[];
  /** Binding 0: the kernel's `meta` words. */
  meta: Uint32Array;
  /** Workgroup counts (x, y, z). */
  workgroups: readonly [number, number, number];
}

/** Tuning of a {@link GpuContext}. */
export interface GpuContextOptions {
  /** Dispatches recorded before the batch is submitted. */
  dispatchesPerSubmit: number;
  /** Submit after every dispatch inside validation and out-of-memory error scopes. */
  debug: boolean;
  /** Bytes of freed buffers the pool keeps for reuse. */
  maxPooledBytes: number;
  /** Bind groups kept for reuse (0: create one per dispatch). */
  bindGroupCacheSize: number;
}

const META_ARENA_BYTES = 1 << 16;

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Names the layout in bind group cache keys. */
  id: number;
}

/**
 * Records kernels into one command encoder (one compute pass) and submits them in batches;
 * every dispatch's metadata lives in one arena buffer written just before the submit.
 */
export class GpuContext {
  readonly pool: BufferPool;
  private readonly recorded = { dispatches: 0, submits: 0 };
  private readonly pipelines = new Map<string, CachedPipeline>();
  /** The bind groups kept for reuse. */
  readonly bindGroups: BindGroupCache;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  /** The pipeline last set on `pass` (set again only when it changes). */
  private passPipeline: GPUComputePipeline | undefined;
  private dispatches = 0;
  private readonly metaArena: GPUBuffer;
  private readonly metaHost = new Uint32Array(META_ARENA_BYTES / 4);
  private metaUsed = 0;
  private readonly metaAlign: number;
  private readonly scopes: Promise<GPUError | null>[] = [];
  private failure: string | undefined;
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    private readonly options: GpuContextOptions,
  ) {
    this.bindGroups = new BindGroupCache(options.bindGroupCacheSize);
    this.pool = new BufferPool(device, options.maxPooledBytes, (buffers) => this.bindGroups.forget(buffers));
    this.metaAlign = Math.max(device.limits.minStorageBufferOffsetAlignment, 4);
    this.metaArena = device.createBuffer({ size: META_ARENA_BYTES, usage: Usage.STORAGE | Usage.COPY_DST });
    device.lost.then((info) => {
      if (!this.destroyed) this.failure ??= `the device was lost (${info.reason}): ${info.message}`;
    });
    device.addEventListener('uncapturederror', (event) => {
      this.failure ??= (event as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Dispatches recorded, command buffers submitted, and bind groups reused from the cache or created, so far. */
  get counts(): { dispatches: number; submits: number; bindGroupHits: number; bindGroupMisses: number } {
    const { hits, misses } = this.bindGroups.counts;
    return { ...this.recorded, bindGroupHits: hits, bindGroupMisses: misses };
  }

  /** The largest storage buffer binding the device allows, in bytes. */
  get maxBindingBytes(): number {
    return this.device.limits.maxStorageBufferBindingSize;
  }

  /** Throws a BackendError naming `op` if the device was lost or reported an error. */
  check(op: string): void {
    if (this.destroyed) throw new BackendError(`${op}: the webgpu backend was destroyed; create a new one`);
    if (this.failure) throw new BackendError(`${op}: WebGPU failed: ${this.failure}`);
  }

  /** Records one dispatch into the current batch (submitting the batch when it is full). */
  run(d: Dispatch): void {
    this.check(d.op);
    const { pipeline, layout, id } = this.pipeline(d);
    const metaBytes = d.meta.byteLength;
    if (this.metaUsed + metaBytes > META_ARENA_BYTES) this.flush();
    const offset = this.metaUsed;
    this.metaHost.set(d.meta, offset / 4);
    this.metaUsed += Math.ceil(metaBytes / this.metaAlign) * this.metaAlign;
    if (this.options.debug) this.pushScopes();
    const { inputs, outputs } = d;
    const buffers: GPUBuffer[] = [d.output];
    for (let i = 0; i < inputs.length; i++) buffers.push(inputs[i]);
    if (outputs) for (let i = 0; i < outputs.length; i++) buffers.push(outputs[i]);
    const group = this.bindGroups.get(id, offset, metaBytes, buffers, () =>
      this.createBindGroup(layout, offset, metaBytes, buffers),
    );
    this.encoder ??= this.device.createCommandEncoder();
    if (!this.pass) {
      this.pass = this.encoder.beginComputePass();
      this.passPipeline = undefined;
    }
    if (this.passPipeline !== pipeline) {
      this.pass.setPipeline(pipeline);
      this.passPipeline = pipeline;
    }
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
    this.dispatches++;
    this.recorded.dispatches++;
    if (this.options.debug) {
      this.flush();
      this.popScopes();
    } else if (this.dispatches >= this.options.dispatchesPerSubmit) this.flush();
  }

  /** Submits the recorded batch (writing its metadata first); frees held back become reusable. */
  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    this.pass = undefined;
    if (this.metaUsed > 0) this.device.queue.writeBuffer(this.metaArena, 0, this.metaHost.buffer, 0, this.metaUsed);
    this.device.queue.submit([this.encoder.finish()]);
    this.recorded.submits++;
    this.encoder = undefined;
    this.dispatches = 0;
    this.metaUsed = 0;
    this.pool.settle();
  }

  /** Copies `bytes` of `buffer` to a staging buffer, submits, and resolves with a copy of the bytes. */
  async readBuffer(op: string, buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.check(op);
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.device.createBuffer({ size: bytes, usage: Usage.MAP_READ | Usage.COPY_DST });
    this.encoder ??= this.device.createCommandEncoder();
    this.pass?.end();
    this.pass = undefined;
    this.encoder.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    this.flush();
    try {
      await staging.mapAsync(1);
      const copy = staging.getMappedRange(0, bytes).slice(0);
      staging.unmap();
      return copy;
    } catch (e) {
      this.check(op);
      throw new BackendError(`${op}: reading a GPU buffer failed: ${(e as Error).message}`);
    } finally {
      staging.destroy();
      await this.settleScopes(op);
      this.check(op);
    }
  }

  /** Submits everything and resolves when the GPU has finished it. */
  async sync(op = 'webgpu.sync'): Promise<void> {
    this.check(op);
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.settleScopes(op);
    this.check(op);
  }

  /** Waits for the GPU, then destroys pooled buffers and the metadata arena; the context is unusable afterwards. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.flush();
    await this.device.queue.onSubmittedWorkDone().catch(() => {});
    this.destroyed = true;
    this.bindGroups.clear();
    this.pool.clear();
    this.metaArena.destroy();
    this.pipelines.clear();
  }

  /** A bind group of the metadata (`metaBytes` of the arena at `offset`), then `buffers` whole, in order. */
  private createBindGroup(
    layout: GPUBindGroupLayout,
    offset: number,
    metaBytes: number,
    buffers: readonly GPUBuffer[],
  ): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.metaArena, offset, size: metaBytes } },
    ];
    for (let i = 0; i < buffers.length; i++) entries.push({ binding: i + 1, resource: { buffer: buffers[i] } });
    return this.device.createBindGroup({ layout, entries });
  }

  private pipeline(d: Dispatch): CachedPipeline {
    let cached = this.pipelines.get(d.key);
    if (!cached) {
      const module = this.device.createShaderModule({ label: d.key, code: d.code() });
      const pipeline = this.device.createComputePipeline({
        label: d.key,
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0), id: this.pipelines.size + 1 };
      this.pipelines.set(d.key, cached);
    }
    return cached;
  }

  private pushScopes(): void {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
  }

  private popScopes(): void {
    this.scopes.push(this.device.popErrorScope(), this.device.popErrorScope());
  }

  private async settleScopes(op: string): Promise<void> {
    if (this.scopes.length === 0) return;
    const errors = await Promise.all(this.scopes.splice(0));
    const first = errors.find((e) => e !== null);
    if (first) throw new BackendError(`${op}: WebGPU reported an error: ${first.message}`);
  }
}
