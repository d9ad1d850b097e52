// Gather and scatter-add along one axis, on a [outer, n, inner] view of the source or destination.

/**
 * y[p, t, :] = x[p, indices[t], :] for p in [p0, p1), t in [0, m): rows of `rowBytes` bytes (any dtype), a row of zeros
 * where indices[t] is outside [0, n).
 */
export function gatherRows(x: usize, indices: usize, y: usize, m: i32, n: i32, rowBytes: i32, p0: i32, p1: i32): void {
  const row = <usize>rowBytes;
  for (let p = p0; p < p1; p++) {
    let dst = y + <usize>p * <usize>m * row;
    const base = x + <usize>p * <usize>n * row;
    for (let t = 0; t < m; t++, dst += row) {
      const index = load<i32>(indices + ((<usize>t) << 2));
      if (index < 0 || index >= n) memory.fill(dst, 0, row);
      else memory.copy(dst, base + <usize>index * row, row);
    }
  }
}

/**
 * acc[p, indices[t], q] += updates[p, t, q] for p in [p0, p1), t in [0, m), q in [0, inner): float32 updates summed
 * into a float64 accumulator (zeroed by the caller) in the same order as the scalar kernel, then y = acc as float32
 * for those p. Indices outside [0, n) are skipped.
 */
export function scatterAddRows(
  updates: usize,
  indices: usize,
  acc: usize,
  y: usize,
  m: i32,
  n: i32,
  inner: i32,
  p0: i32,
  p1: i32,
): void {
  const pairs = inner & ~1;
  for (let p = p0; p < p1; p++) {
    for (let t = 0; t < m; t++) {
      const index = load<i32>(indices + ((<usize>t) << 2));
      if (index < 0 || index >= n) continue;
      const dst = acc + ((<usize>(p * n + index) * <usize>inner) << 3);
      const src = updates + ((<usize>(p * m + t) * <usize>inner) << 2);
      let q = 0;
      for (; q < pairs; q += 2) {
        const d = dst + ((<usize>q) << 3);
        v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v128.load64_zero(src + ((<usize>q) << 2)))));
      }
      if (q < inner) {
        const d = dst + ((<usize>q) << 3);
        store<f64>(d, load<f64>(d) + <f64>load<f32>(src + ((<usize>q) << 2)));
      }
    }
    const from = <usize>p * <usize>n * <usize>inner;
    const count = <usize>n * <usize>inner;
    for (let i: usize = 0; i < count; i++) store<f32>(y + ((from + i) << 2), <f32>load<f64>(acc + ((from + i) << 3)));
  }
}
