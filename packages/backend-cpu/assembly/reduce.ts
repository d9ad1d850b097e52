// WebAssembly SIMD row/column reductions over float32 matrices, accumulating in float64 lanes:
// row and column sums, row maxima, softmax / log-softmax and softmax cross-entropy per row.

import { logScalar, MathK } from './math';

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
class ReduceK {
  /** Σ of the n float32 values at p, in float64 (four f64x2 accumulators, then the tail). */
  @inline static sumRow(p: usize, n: i32): f64 {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    const end8 = p + ((<usize>(n & ~7)) << 2);
    for (; p < end8; p += 32) {
      const v = v128.load(p);
      const w = v128.load(p, 16);
      a0 = f64x2.add(a0, MathK.lo64(v));
      a1 = f64x2.add(a1, MathK.hi64(v));
      a2 = f64x2.add(a2, MathK.lo64(w));
      a3 = f64x2.add(a3, MathK.hi64(w));
    }
    if (n & 4) {
      const v = v128.load(p);
      a0 = f64x2.add(a0, MathK.lo64(v));
      a1 = f64x2.add(a1, MathK.hi64(v));
      p += 16;
    }
    const a = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    const tail = p + ((<usize>(n & 3)) << 2);
    for (; p < tail; p += 4) s += <f64>load<f32>(p);
    return s;
  }

  /** The maximum of the n float32 values at p (−∞ when n = 0; NaN if any is NaN). */
  @inline static maxRow(p: usize, n: i32): f32 {
    return ReduceK.extremeRow(p, n, false);
  }

  /** The largest (or, when `lowest`, smallest) of the n float32 values at p; NaN if any is NaN; ∓∞ for n = 0. */
  @inline static extremeRow(p: usize, n: i32, lowest: bool): f32 {
    let m = f32x4.splat(lowest ? Infinity : -Infinity);
    const end4 = p + ((<usize>(n & ~3)) << 2);
    for (; p < end4; p += 16) m = lowest ? f32x4.min(m, v128.load(p)) : f32x4.max(m, v128.load(p));
    const l0 = f32x4.extract_lane(m, 0);
    const l1 = f32x4.extract_lane(m, 1);
    const l2 = f32x4.extract_lane(m, 2);
    const l3 = f32x4.extract_lane(m, 3);
    let s = lowest ? min<f32>(min<f32>(l0, l1), min<f32>(l2, l3)) : max<f32>(max<f32>(l0, l1), max<f32>(l2, l3));
    const tail = p + ((<usize>(n & 3)) << 2);
    for (; p < tail; p += 4) s = lowest ? min<f32>(s, load<f32>(p)) : max<f32>(s, load<f32>(p));
    return s;
  }

  /**
   * Σⱼ e^{x[j] − m} over the n values at p, in float64; when `write` also stores each term rounded to
   * float32 at out.
   */
  @inline static sumExp(p: usize, n: i32, m: f32, out: usize, write: bool): f64 {
    const mv = f64x2.splat(<f64>m);
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    const end4 = p + ((<usize>(n & ~3)) << 2);
    for (; p < end4; p += 16, out += 16) {
      const v = v128.load(p);
      const e0 = MathK.expClamped(f64x2.sub(MathK.lo64(v), mv));
      const e1 = MathK.expClamped(f64x2.sub(MathK.hi64(v), mv));
      a0 = f64x2.add(a0, e0);
      a1 = f64x2.add(a1, e1);
      if (write) v128.store(out, MathK.join32(e0, e1));
    }
    const a = f64x2.add(a0, a1);
    let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    const t = n & 3;
    if (t > 0) {
      const v = MathK.loadTail(p, t);
      const e0 = MathK.expClamped(f64x2.sub(MathK.lo64(v), mv));
      const e1 = MathK.expClamped(f64x2.sub(MathK.hi64(v), mv));
      s += f64x2.extract_lane(e0, 0);
      if (t > 1) s += f64x2.extract_lane(e0, 1);
      if (t > 2) s += f64x2.extract_lane(e1, 0);
      if (write) MathK.storeTail(out, MathK.join32(e0, e1), t);
    }
    return s;
  }

  /** m + ln Σⱼ e^{x[j] − m} over the n values at p, m their maximum (m itself when m = ±∞; NaN with a NaN). */
  @inline static logSumExp(p: usize, n: i32): f64 {
    const m = ReduceK.maxRow(p, n);
    if (m === Infinity || m === -Infinity) return <f64>m;
    return <f64>m + logScalar(ReduceK.sumExp(p, n, m, 0, false));
  }
}

/** y[r] = Σⱼ x[r·cols + j] for rows r ∈ [r0, r1) (float32 in and out, float64 sums). */
export function sumRows(x: usize, y: usize, cols: i32, r0: i32, r1: i32): void {
  const stride = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) {
    store<f32>(y + ((<usize>r) << 2), <f32>ReduceK.sumRow(x + <usize>r * stride, cols));
  }
}

/**
 * y[j] = Σᵢ x[i·cols + j] over rows i ∈ [0, rows) for columns j ∈ [c0, c1) (the reduction over axis 0,
 * float64 sums). Reads each row's block of 16 (then 4, then 1) columns contiguously.
 */
export function sumColumns(x: usize, y: usize, rows: i32, cols: i32, c0: i32, c1: i32): void {
  const stride = (<usize>cols) << 2;
  const xEnd = x + <usize>rows * stride;
  let j = c0;
  for (; j + 16 <= c1; j += 16) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0);
    let a5 = f64x2.splat(0);
    let a6 = f64x2.splat(0);
    let a7 = f64x2.splat(0);
    for (let p = x + ((<usize>j) << 2); p < xEnd; p += stride) {
      const v0 = v128.load(p);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      a0 = f64x2.add(a0, MathK.lo64(v0));
      a1 = f64x2.add(a1, MathK.hi64(v0));
      a2 = f64x2.add(a2, MathK.lo64(v1));
      a3 = f64x2.add(a3, MathK.hi64(v1));
      a4 = f64x2.add(a4, MathK.lo64(v2));
      a5 = f64x2.add(a5, MathK.hi64(v2));
      a6 = f64x2.add(a6, MathK.lo64(v3));
      a7 = f64x2.add(a7, MathK.hi64(v3));
    }
    const py = y + ((<usize>j) << 2);
    v128.store(py, MathK.join32(a0, a1));
    v128.store(py, MathK.join32(a2, a3), 16);
    v128.store(py, MathK.join32(a4, a5), 32);
    v128.store(py, MathK.join32(a6, a7), 48);
  }
  for (; j + 4 <= c1; j += 4) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    for (let p = x + ((<usize>j) << 2); p < xEnd; p += stride) {
      const v = v128.load(p);
      a0 = f64x2.add(a0, MathK.lo64(v));
      a1 = f64x2.add(a1, MathK.hi64(v));
    }
    v128.store(y + ((<usize>j) << 2), MathK.join32(a0, a1));
  }
  for (; j < c1; j++) {
    let s: f64 = 0;
    for (let p = x + ((<usize>j) << 2); p < xEnd; p += stride) s += <f64>load<f32>(p);
    store<f32>(y + ((<usize>j) << 2), <f32>s);
  }
}

/** y[r] = maxⱼ x[r·cols + j] for rows r ∈ [r0, r1) (−∞ for cols = 0; NaN if the row has a NaN). */
export function maxRows(x: usize, y: usize, cols: i32, r0: i32, r1: i32): void {
  const stride = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) store<f32>(y + ((<usize>r) << 2), ReduceK.maxRow(x + <usize>r * stride, cols));
}

/** y[r] = min over row r for rows r ∈ [r0, r1); NaN if the row holds one; +∞ for cols = 0. */
export function minRows(x: usize, y: usize, cols: i32, r0: i32, r1: i32): void {
  const stride = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) {
    store<f32>(y + ((<usize>r) << 2), ReduceK.extremeRow(x + <usize>r * stride, cols, true));
  }
}

/**
 * Softmax (log = 0) or log-softmax (log ≠ 0) of rows r ∈ [r0, r1) of the [rows, cols] float32 matrix at x
 * into y (y may equal x), as the scalar kernels: y = e^{x − m} / Σ e^{x − m}, resp. x − (m + ln Σ e^{x − m}),
 * m the row maximum; a NaN makes its row NaN; a row of −∞ (or holding +∞) gives NaN where the scalar
 * kernels do.
 */
export function softmaxRows(x: usize, y: usize, cols: i32, r0: i32, r1: i32, log: i32): void {
  const stride = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) {
    const p = x + <usize>r * stride;
    const q = y + <usize>r * stride;
    const end4 = q + ((<usize>(cols & ~3)) << 2);
    const tail = q + ((<usize>cols) << 2);
    if (log) {
      const lse = f64x2.splat(ReduceK.logSumExp(p, cols));
      let pp = p;
      let pq = q;
      for (; pq < end4; pq += 16, pp += 16) {
        const v = v128.load(pp);
        v128.store(pq, MathK.join32(f64x2.sub(MathK.lo64(v), lse), f64x2.sub(MathK.hi64(v), lse)));
      }
      const l = f64x2.extract_lane(lse, 0);
      for (; pq < tail; pq += 4, pp += 4) store<f32>(pq, <f32>(<f64>load<f32>(pp) - l));
    } else {
      const total = ReduceK.sumExp(p, cols, ReduceK.maxRow(p, cols), q, true);
      const inv = f64x2.splat(1.0 / total);
      let pq = q;
      for (; pq < end4; pq += 16) {
        const v = v128.load(pq);
        v128.store(pq, MathK.join32(f64x2.mul(MathK.lo64(v), inv), f64x2.mul(MathK.hi64(v), inv)));
      }
      const s = f64x2.extract_lane(inv, 0);
      for (; pq < tail; pq += 4) store<f32>(pq, <f32>(<f64>load<f32>(pq) * s));
    }
  }
}

/**
 * y[r] = ReduceK.logSumExp(logits[r, :]) − logits[r, label[r]] for rows r ∈ [r0, r1) of the [rows, cols] float32
 * logits with int32 labels; a label outside [0, cols) gives NaN for its row.
 */
export function crossEntropyRows(logits: usize, labels: usize, y: usize, cols: i32, r0: i32, r1: i32): void {
  const stride = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) {
    const label = load<i32>(labels + ((<usize>r) << 2));
    const p = logits + <usize>r * stride;
    let v: f64 = NaN;
    if (<u32>label < <u32>cols) v = ReduceK.logSumExp(p, cols) - <f64>load<f32>(p + ((<usize>label) << 2));
    store<f32>(y + ((<usize>r) << 2), <f32>v);
  }
}

/**
 * The batch-mean softmax cross-entropy's gradient for rows r ∈ [r0, r1) of the [rows, cols] float32 logits, int32
 * labels and the float32 scalar at dy, into y (not overlapping the logits): ((softmax − onehot) / count)·dy with
 * `softmaxRows`' softmax and each step rounded to float32 in that order, as the composed sub, div and mul kernels
 * give. A label outside [0, cols) subtracts nothing (its one-hot row is all zeros).
 */
export function crossEntropyGradRows(
  logits: usize,
  labels: usize,
  dy: usize,
  y: usize,
  cols: i32,
  count: i32,
  r0: i32,
  r1: i32,
): void {
  const stride = (<usize>cols) << 2;
  const d = load<f32>(dy);
  const n = <f32>count;
  const vd = f32x4.splat(d);
  const vn = f32x4.splat(n);
  softmaxRows(logits, y, cols, r0, r1, 0);
  for (let r = r0; r < r1; r++) {
    const q = y + <usize>r * stride;
    const label = load<i32>(labels + ((<usize>r) << 2));
    // The label's element first, from its probability; the pass below would divide it unshifted.
    const hit = <u32>label < <u32>cols;
    const at = q + ((<usize>label) << 2);
    const fixed: f32 = hit ? ((load<f32>(at) - 1) / n) * d : 0;
    const end4 = q + ((<usize>(cols & ~3)) << 2);
    const tail = q + ((<usize>cols) << 2);
    let p = q;
    for (; p < end4; p += 16) v128.store(p, f32x4.mul(f32x4.div(v128.load(p), vn), vd));
    for (; p < tail; p += 4) store<f32>(p, (load<f32>(p) / n) * d);
    if (hit) store<f32>(at, fixed);
  }
}

/**
 * 0 when each of the n float32 values at x is finite, NaN otherwise, in one read and no writes: a
 * value is NaN or ±∞ exactly when its bits without the sign are at least 0x7f800000 (all exponent
 * bits set), so the kernel keeps the unsigned maximum of those bits in four i32x4 accumulators.
 * Integer max and and take one cycle, so the loop runs at the speed the data arrives; the float
 * sum Σ x·0 it replaces waited on its adds' latency (4 cycles each) and read 33–35 GB/s.
 */
export function finiteFlag(x: usize, n: i32): f32 {
  const magnitude = i32x4.splat(0x7fffffff);
  let a0 = i32x4.splat(0);
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  const end16 = x + ((<usize>(n & ~15)) << 2);
  let p = x;
  for (; p < end16; p += 64) {
    a0 = i32x4.max_u(a0, v128.and(v128.load(p), magnitude));
    a1 = i32x4.max_u(a1, v128.and(v128.load(p, 16), magnitude));
    a2 = i32x4.max_u(a2, v128.and(v128.load(p, 32), magnitude));
    a3 = i32x4.max_u(a3, v128.and(v128.load(p, 48), magnitude));
  }
  const a = i32x4.max_u(i32x4.max_u(a0, a1), i32x4.max_u(a2, a3));
  let top = max<u32>(
    max<u32>(<u32>i32x4.extract_lane(a, 0), <u32>i32x4.extract_lane(a, 1)),
    max<u32>(<u32>i32x4.extract_lane(a, 2), <u32>i32x4.extract_lane(a, 3)),
  );
  const tail = x + ((<usize>n) << 2);
  for (; p < tail; p += 4) top = max<u32>(top, load<u32>(p) & 0x7fffffff);
  return top >= 0x7f800000 ? NaN : 0;
}
