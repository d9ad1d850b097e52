/**
 * The CPU backend's storage: one WebAssembly memory holding every tensor, so the SIMD kernels
 * and worker threads read and write tensors where they live, without copies. Blocks come in
 * size classes (four per power of two, 64-byte aligned) and a freed block goes on its class's
 * free list for the next tensor of that class; new blocks are cut from the top, growing the
 * memory when needed. A training loop allocates the same sizes every step, so after the first
 * step it reuses hot memory and never grows.
 */
import { BackendError, ValueError } from '@backprop/core';

const PAGE = 65536;
/** Bytes below this offset are never handed out (address 0 stays invalid; the first page is free for scratch). */
export const HEAP_BASE = PAGE;
/**
 * A fixed block in the first page for a kernel's float64 argument slots (the updates'): kernels
 * on one heap run one at a time, so they can share it, and using it allocates nothing.
 */
export const ARGS_BLOCK = 1024;
/** Bytes of {@link ARGS_BLOCK}. */
export const ARGS_BLOCK_BYTES = 1024;
/** 65536 pages = 4 GiB, the most a 32-bit WebAssembly memory can address. */
export const MAX_PAGES = 65536;
/** Every block starts on a 64-byte boundary (a cache line; any typed-array or v128 access is aligned). */
const ALIGN = 64;

/** The block size that holds `bytes`: 64-byte multiples up to 256 B, then four classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4 * ALIGN) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / step) * step;
}

/** A size-class allocator over one WebAssembly memory. */
export class Heap {
  readonly memory: WebAssembly.Memory;
  /** True when the memory is shared (worker threads can run kernels on it). */
  readonly shared: boolean;
  private top = HEAP_BASE;
  private readonly free = new Map<number, number[]>();
  private freeBytes = 0;
  /** Size class of every block handed out and not yet released, by address. */
  private readonly live = new Map<number, number>();
  private readonly maxPages: number;

  /**
   * A heap on a new memory (shared when asked), or on `memory` if given. `maxPages` caps growth
   * (the engine may offer less than 4 GiB for a shared memory; the largest it accepts is used).
   */
  constructor(options: { shared: boolean; memory?: WebAssembly.Memory; initialPages?: number }) {
    this.shared = options.shared;
    if (options.memory) {
      this.memory = options.memory;
      this.maxPages = MAX_PAGES;
    } else {
      [this.memory, this.maxPages] = createMemory(options.initialPages ?? 16, options.shared);
    }
  }

  /** Bytes of the WebAssembly memory (live blocks, free blocks kept for reuse, and the unused top). */
  get reservedBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes at the top of the memory not yet cut into blocks (new blocks come from here without growing). */
  get unusedTopBytes(): number {
    return this.memory.buffer.byteLength - this.top;
  }

  /** Blocks handed out and not yet released (between kernels: one per live handle). */
  get liveBlocks(): number {
    return this.live.size;
  }

  /** Bytes of freed blocks kept on the free lists. */
  get freeListBytes(): number {
    return this.freeBytes;
  }

  /**
   * A block of at least `bytes` bytes (its byte offset), reused from the free list of its size
   * class when one is there. Throws BackendError, allocating nothing, when the memory cannot
   * grow that far.
   */
  allocate(bytes: number): number {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw new ValueError(`heap.allocate: bytes must be a non-negative integer, got ${String(bytes)}`);
    const size = sizeClass(bytes);
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) {
      this.freeBytes -= size;
      this.live.set(reused, size);
      return reused;
    }
    const end = this.top + size;
    this.ensure(end, bytes);
    const ptr = this.top;
    this.top = end;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns the block at `ptr` (allocated for `bytes` bytes) to its free list. */
  release(ptr: number, bytes: number): void {
    const size = this.live.get(ptr);
    if (size === undefined || size !== sizeClass(bytes))
      throw new ValueError(
        `heap.release: ${String(ptr)} is not a live block of ${String(bytes)} bytes (never allocated, or released already)`,
      );
    this.live.delete(ptr);
    const list = this.free.get(size);
    if (list) list.push(ptr);
    else this.free.set(size, [ptr]);
    this.freeBytes += size;
  }

  /** Grows the memory ahead of time so that `bytes` more can be cut from the top without growing. */
  reserve(bytes: number): void {
    this.ensure(this.top + bytes, bytes);
  }

  private ensure(end: number, asked: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least half the current size, so a growing workload grows O(log n) times.
    const want = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 2));
    const limit = this.maxPages - have / PAGE;
    const needed = Math.ceil((end - have) / PAGE);
    for (const pages of [Math.min(want, limit), needed]) {
      if (pages < needed || pages > limit) continue;
      try {
        this.memory.grow(pages);
        return;
      } catch {
        // the engine refused this much; try the least that suffices
      }
    }
    throw new BackendError(
      `cpu: out of memory: a tensor of ${asked} bytes does not fit in the WebAssembly heap ` +
        `(${have} bytes reserved, ${this.freeBytes} of them free in other size classes; the limit is ${this.maxPages * PAGE} bytes)`,
    );
  }
}

/** A memory of `initial` pages that may grow to 4 GiB (or the most the engine accepts for a shared one). */
function createMemory(initial: number, shared: boolean): [WebAssembly.Memory, number] {
  let failure: unknown;
  for (const maximum of [MAX_PAGES, 32768, 16384, 4096]) {
    try {
      return [new WebAssembly.Memory({ initial, maximum, shared }), maximum];
    } catch (error) {
      failure = error;
    }
  }
  throw new BackendError(`cpu: could not create the WebAssembly heap (${String(failure)})`);
}
