/**
 * A bounded cache of bind groups, so that a training loop whose dispatches bind the same pooled
 * buffers step after step creates each bind group once instead of once per dispatch.
 */

interface Entry {
  group: GPUBindGroup;
  /** Ids of the buffers it binds (the metadata arena aside). */
  ids: readonly number[];
}

/**
 * Bind groups keyed by (layout, metadata offset and size, the exact buffers in binding order),
 * the least recently used dropped beyond `capacity`. Buffers are keyed by identity through ids
 * that are never reused; {@link forget} drops every entry of a buffer about to be destroyed, so a
 * cached group never outlives one of its buffers. The metadata arena is the same buffer for
 * every group (its contents are rewritten before each submit), so only the range bound is in the key.
 */
export class BindGroupCache {
  /** Lookups answered from the cache and lookups that created a bind group. */
  readonly counts = { hits: 0, misses: 0 };
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  /** In least-recently-used-first order (a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();
  /**
   * Keys missed once and not kept (oldest first, at most `capacity`): a group is kept only at its
   * key's second miss, so dispatches that never recur leave nothing behind (Dawn creates bind
   * groups more slowly while many are alive, which a cache that is never hit only costs).
   */
  private readonly seen = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  /** Entries held. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The bind group of layout `layoutId` binding the metadata (`metaBytes` at `metaOffset`) then
   * `buffers` in order, created by `create` and remembered when it is not cached.
   */
  get(
    layoutId: number,
    metaOffset: number,
    metaBytes: number,
    buffers: readonly GPUBuffer[],
    create: () => GPUBindGroup,
  ): GPUBindGroup {
    if (this.capacity === 0) {
      this.counts.misses++;
      return create();
    }
    let key = `${layoutId}|${metaOffset}|${metaBytes}`;
    for (let i = 0; i < buffers.length; i++) key += `|${this.idOf(buffers[i])}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.counts.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.group;
    }
    this.counts.misses++;
    const group = create();
    if (!this.seen.delete(key)) {
      this.seen.set(key, true);
      if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
      return group;
    }
    this.entries.set(key, { group, ids: buffers.map((b) => this.idOf(b)) });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return group;
  }

  /** Drops every entry binding one of `buffers` (call it before destroying them). */
  forget(buffers: readonly GPUBuffer[]): void {
    const dead = new Set<number>();
    for (const buffer of buffers) {
      const id = this.ids.get(buffer);
      if (id === undefined) continue;
      dead.add(id);
      this.ids.delete(buffer);
    }
    if (dead.size === 0) return;
    for (const [key, entry] of this.entries) if (entry.ids.some((id) => dead.has(id))) this.entries.delete(key);
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.seen.clear();
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(buffer, id);
    }
    return id;
  }
}
