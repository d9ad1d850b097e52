/** A size-bucketed pool of storage buffers, with frees held back until the batch that used them is submitted. */

/** WebGPU buffer usage bits (numeric, so no `GPUBufferUsage` global is needed in Node). */
export const Usage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;

const STORAGE_USAGE = Usage.STORAGE | Usage.COPY_SRC | Usage.COPY_DST;
const MIN_BYTES = 16;

/**
 * Rounds a byte size up to its bucket: 4 buckets per power of two (at most 25% waste), at
 * least 16 bytes so that empty tensors still have a bindable buffer.
 */
export function bucketSize(bytes: number): number {
  if (bytes <= MIN_BYTES) return MIN_BYTES;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(octave / 4, 4);
  return Math.ceil(bytes / step) * step;
}

/**
 * Buffers freed while commands that use them are still being recorded go to `recent`; they
 * may back a later kernel's output (the encoder orders them) but not a `queue.writeBuffer`
 * (which would run before the recorded commands). `settle()` after each submit makes them
 * safe for everything.
 */
export class BufferPool {
  private readonly safe = new Map<number, GPUBuffer[]>();
  private readonly recent = new Map<number, GPUBuffer[]>();
  /** Bytes held in the pool (not by live tensors). */
  pooledBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxPooledBytes: number,
    /** Called with the pooled buffers the pool is about to destroy (once per trim or clear). */
    private readonly onDestroy: (buffers: readonly GPUBuffer[]) => void = () => {},
  ) {}

  /** A buffer of at least `bytes` for a kernel output; may reuse one freed in the current batch. */
  acquireForKernel(bytes: number): GPUBuffer {
    const size = bucketSize(bytes);
    return this.take(this.recent, size) ?? this.take(this.safe, size) ?? this.create(size);
  }

  /** A buffer of at least `bytes` that no recorded-but-unsubmitted command touches, for `queue.writeBuffer`. */
  acquireForWrite(bytes: number): GPUBuffer {
    const size = bucketSize(bytes);
    return this.take(this.safe, size) ?? this.create(size);
  }

  /** Returns a buffer; it becomes reusable by writes after the next `settle()`. */
  release(buffer: GPUBuffer): void {
    const list = this.recent.get(buffer.size) ?? [];
    list.push(buffer);
    this.recent.set(buffer.size, list);
    this.pooledBytes += buffer.size;
  }

  /** Called after a submit: recent frees become safe, and the pool is trimmed to its byte cap. */
  settle(): void {
    for (const [size, list] of this.recent) {
      const target = this.safe.get(size) ?? [];
      target.push(...list);
      this.safe.set(size, target);
    }
    this.recent.clear();
    if (this.pooledBytes <= this.maxPooledBytes) return;
    const sizes = [...this.safe.keys()].sort((a, b) => b - a);
    const trimmed: GPUBuffer[] = [];
    for (const size of sizes) {
      const list = this.safe.get(size)!;
      while (list.length > 0 && this.pooledBytes > this.maxPooledBytes) {
        trimmed.push(list.pop()!);
        this.pooledBytes -= size;
      }
    }
    this.destroy(trimmed);
  }

  /** Destroys every pooled buffer. */
  clear(): void {
    const all: GPUBuffer[] = [];
    for (const map of [this.safe, this.recent]) {
      for (const list of map.values()) all.push(...list);
      map.clear();
    }
    this.destroy(all);
    this.pooledBytes = 0;
  }

  private destroy(buffers: readonly GPUBuffer[]): void {
    if (buffers.length === 0) return;
    this.onDestroy(buffers);
    for (const buffer of buffers) buffer.destroy();
  }

  private take(map: Map<number, GPUBuffer[]>, size: number): GPUBuffer | undefined {
    const buffer = map.get(size)?.pop();
    if (buffer) this.pooledBytes -= size;
    return buffer;
  }

  private create(size: number): GPUBuffer {
    return this.device.createBuffer({ size, usage: STORAGE_USAGE });
  }
}
