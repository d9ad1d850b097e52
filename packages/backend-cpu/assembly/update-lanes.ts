// The loads, stores and argument reads of the generated optimizer steps (updates.ts, from scripts/update-kernels.mjs).

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
export class K {
  /** Loads four floats at `p` (one, into lane 0, when `one`). */
  @inline static ld(p: usize, one: bool): v128 {
    return one ? v128.load32_zero(p) : v128.load(p);
  }

  /** Stores the four lanes of `x` at `p` (lane 0 only when `one`). */
  @inline static st(p: usize, x: v128, one: bool): void {
    if (one) v128.store32_lane(p, x, 0);
    else v128.store(p, x);
  }

  /** Slot `k` of the argument block (float64 values, 8 bytes each). */
  @inline static arg(args: usize, k: i32): f64 {
    return load<f64>(args + ((<usize>k) << 3));
  }

  /** Slot `k` of the argument block as a pointer (a byte offset stored as an exact float64 integer). */
  @inline static ptr(args: usize, k: i32): usize {
    return <usize>load<f64>(args + ((<usize>k) << 3));
  }
}
