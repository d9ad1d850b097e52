// WebAssembly SIMD transcendental float32 kernels (exp, log, log1p, tanh, sigmoid), computed in float64 lanes.
//
// Each f32x4 vector is promoted to two f64x2 halves; exp uses a Cody–Waite reduction x = n·ln2 + r
// (|r| ≤ ln2/2) and a degree-9 Taylor polynomial for e^r − 1 (error < 1e-11), log a reduction to
// m ∈ [√½, √2) and the atanh series in s = (m − 1)/(m + 1) through s¹¹ (error < 1e-10). The float64
// results are then rounded once to float32, so each result is within 1 ulp of the correctly
// rounded value. Specials (NaN, ±∞, ±0, overflow, underflow) are exact.

/** Unary op codes of `unaryMath` (keep in sync with the TypeScript wiring). */
export const EXP = 0;
export const LOG = 1;
export const LOG1P = 2;
export const TANH = 3;
export const SIGMOID = 4;

const LOG2E = 1.4426950408889634;
/** ln 2 split so n·LN2_HI is exact for |n| < 2²⁰ (fdlibm). */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const LN2 = 0.6931471805599453;
/** 1.5·2⁵²: adding it rounds to an integer held in the low mantissa bits. */
const MAGIC = 6755399441055744.0;

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
export class MathK {
  /** The two float32 lanes 0, 1 of v as float64. */
  @inline static lo64(v: v128): v128 {
    return f64x2.promote_low_f32x4(v);
  }

  /** The two float32 lanes 2, 3 of v as float64. */
  @inline static hi64(v: v128): v128 {
    return f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 2, 3));
  }

  /** Rounds two f64x2 halves to one f32x4 (a's lanes first). */
  @inline static join32(a: v128, b: v128): v128 {
    return v128.shuffle<i32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
  }

  /** The n ∈ [1, 3] float32 values at p in lanes 0 … n − 1 (the other lanes repeat lane 0). */
  @inline static loadTail(p: usize, n: i32): v128 {
    let v = f32x4.splat(load<f32>(p));
    if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    return v;
  }

  /** Stores lanes 0 … n − 1 (n ∈ [1, 3]) of v at p. */
  @inline static storeTail(p: usize, v: v128, n: i32): void {
    store<f32>(p, f32x4.extract_lane(v, 0));
    if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
    if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
  }

  /** e^r − 1 for |r| ≤ ln2/2 (Taylor to r⁹, relative error < 1e-10). */
  @inline static expm1Poly(r: v128): v128 {
    let p = f64x2.splat(1.0 / 362880.0);
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
    p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
    return f64x2.add(r, f64x2.mul(f64x2.mul(r, r), p));
  }

  /**
   * e^x in float64 lanes for x ∈ [−700, 700] or NaN (callers clamp); relative error < 1e-10.
   * NaN propagates.
   */
  @inline static expCore(x: v128): v128 {
    const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(MAGIC));
    const n = f64x2.sub(t, f64x2.splat(MAGIC));
    const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
    const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
    return f64x2.mul(f64x2.add(MathK.expm1Poly(r), f64x2.splat(1.0)), scale);
  }

  /** e^x − 1 in float64 lanes for x ∈ [−700, 700]; relative error < 1e-10 (also near 0). */
  @inline static expm1Core(x: v128): v128 {
    const t = f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(MAGIC));
    const n = f64x2.sub(t, f64x2.splat(MAGIC));
    const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2_HI))), f64x2.mul(n, f64x2.splat(LN2_LO)));
    const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
    return f64x2.add(f64x2.mul(MathK.expm1Poly(r), scale), f64x2.sub(scale, f64x2.splat(1.0)));
  }

  /** e^x clamped to [−110, 100] (NaN kept): rounds to exactly 0 / ∞ in float32 beyond. */
  @inline static expClamped(x: v128): v128 {
    return MathK.expCore(f64x2.pmax(f64x2.pmin(x, f64x2.splat(100.0)), f64x2.splat(-110.0)));
  }

  /** ln u in float64 lanes for positive normal u (other inputs give garbage); relative error < 1e-10. */
  @inline static logCore(u: v128): v128 {
    const mant = v128.and(u, i64x2.splat(0x000f_ffff_ffff_ffff));
    // m ∈ [√½, √2): mantissas above √2's take the exponent of ½ instead of 1.
    const big = i64x2.gt_s(mant, i64x2.splat(0x0006_a09e_667f_3bcd));
    const m = v128.or(
      mant,
      v128.bitselect(i64x2.splat(0x3fe0_0000_0000_0000), i64x2.splat(0x3ff0_0000_0000_0000), big),
    );
    const e = i64x2.sub(i64x2.shr_u(u, 52), big);
    const ef = f64x2.sub(v128.or(e, i64x2.splat(0x4330_0000_0000_0000)), f64x2.splat(4503599627370496.0 + 1023.0));
    const f = f64x2.sub(m, f64x2.splat(1.0));
    const s = f64x2.div(f, f64x2.add(f, f64x2.splat(2.0)));
    const z = f64x2.mul(s, s);
    let p = f64x2.splat(2.0 / 11.0);
    p = f64x2.add(f64x2.mul(p, z), f64x2.splat(2.0 / 9.0));
    p = f64x2.add(f64x2.mul(p, z), f64x2.splat(2.0 / 7.0));
    p = f64x2.add(f64x2.mul(p, z), f64x2.splat(2.0 / 5.0));
    p = f64x2.add(f64x2.mul(p, z), f64x2.splat(2.0 / 3.0));
    const lm = f64x2.add(f64x2.add(s, s), f64x2.mul(f64x2.mul(s, z), p));
    return f64x2.add(f64x2.mul(ef, f64x2.splat(LN2)), lm);
  }

  @inline static vexp(v: v128): v128 {
    return MathK.join32(MathK.expClamped(MathK.lo64(v)), MathK.expClamped(MathK.hi64(v)));
  }

  @inline static vlog(v: v128): v128 {
    let r = MathK.join32(MathK.logCore(MathK.lo64(v)), MathK.logCore(MathK.hi64(v)));
    r = v128.bitselect(r, f32x4.splat(NaN), f32x4.ge(v, f32x4.splat(0)));
    r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(v, f32x4.splat(0)));
    return v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(v, f32x4.splat(Infinity)));
  }

  @inline static log1pHalf(x: v128): v128 {
    return MathK.logCore(f64x2.add(x, f64x2.splat(1.0)));
  }

  @inline static vlog1p(v: v128): v128 {
    let r = MathK.join32(MathK.log1pHalf(MathK.lo64(v)), MathK.log1pHalf(MathK.hi64(v)));
    // |x| < 2⁻²⁹: 1 + x is inexact in float64, but ln(1 + x) rounds to x itself in float32 (keeps −0).
    r = v128.bitselect(v, r, f32x4.lt(f32x4.abs(v), f32x4.splat(1.862645149230957e-9)));
    r = v128.bitselect(r, f32x4.splat(NaN), f32x4.ge(v, f32x4.splat(-1)));
    r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(v, f32x4.splat(-1)));
    return v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(v, f32x4.splat(Infinity)));
  }

  /** tanh |x| = −m / (2 + m), m = e^{−2|x|} − 1, for |x| clamped to 20 (tanh rounds to 1 beyond 9.1). */
  @inline static tanhHalf(x: v128): v128 {
    const a = f64x2.pmin(f64x2.abs(x), f64x2.splat(20.0));
    const m = MathK.expm1Core(f64x2.mul(a, f64x2.splat(-2.0)));
    return f64x2.div(m, f64x2.sub(f64x2.splat(-2.0), m));
  }

  @inline static vtanh(v: v128): v128 {
    const t = MathK.join32(MathK.tanhHalf(MathK.lo64(v)), MathK.tanhHalf(MathK.hi64(v)));
    return v128.or(f32x4.abs(t), v128.and(v, f32x4.splat(-0.0)));
  }

  /** 1 / (1 + e^{−x}) with x clamped to [−120, 120]: no overflow in float64, exact 0 / 1 in float32 beyond. */
  @inline static sigmoidHalf(x: v128): v128 {
    const c = f64x2.pmax(f64x2.pmin(x, f64x2.splat(120.0)), f64x2.splat(-120.0));
    const e = MathK.expCore(f64x2.neg(c));
    return f64x2.div(f64x2.splat(1.0), f64x2.add(e, f64x2.splat(1.0)));
  }

  @inline static vsigmoid(v: v128): v128 {
    return MathK.join32(MathK.sigmoidHalf(MathK.lo64(v)), MathK.sigmoidHalf(MathK.hi64(v)));
  }
}

/** ln of a positive finite float64 (NaN for NaN). */
export function logScalar(v: f64): f64 {
  if (isNaN(v)) return v;
  return f64x2.extract_lane(MathK.logCore(f64x2.splat(v)), 0);
}

// One loop per op so the op switch stays outside the hot loop; the tail (< 4 values) is one partial vector.

function mapExp(px: usize, py: usize, end: usize, tail: usize): void {
  for (; py < end; py += 16, px += 16) v128.store(py, MathK.vexp(v128.load(px)));
  const n = <i32>((tail - py) >> 2);
  if (n > 0) MathK.storeTail(py, MathK.vexp(MathK.loadTail(px, n)), n);
}

function mapLog(px: usize, py: usize, end: usize, tail: usize): void {
  for (; py < end; py += 16, px += 16) v128.store(py, MathK.vlog(v128.load(px)));
  const n = <i32>((tail - py) >> 2);
  if (n > 0) MathK.storeTail(py, MathK.vlog(MathK.loadTail(px, n)), n);
}

function mapLog1p(px: usize, py: usize, end: usize, tail: usize): void {
  for (; py < end; py += 16, px += 16) v128.store(py, MathK.vlog1p(v128.load(px)));
  const n = <i32>((tail - py) >> 2);
  if (n > 0) MathK.storeTail(py, MathK.vlog1p(MathK.loadTail(px, n)), n);
}

function mapTanh(px: usize, py: usize, end: usize, tail: usize): void {
  for (; py < end; py += 16, px += 16) v128.store(py, MathK.vtanh(v128.load(px)));
  const n = <i32>((tail - py) >> 2);
  if (n > 0) MathK.storeTail(py, MathK.vtanh(MathK.loadTail(px, n)), n);
}

function mapSigmoid(px: usize, py: usize, end: usize, tail: usize): void {
  for (; py < end; py += 16, px += 16) v128.store(py, MathK.vsigmoid(v128.load(px)));
  const n = <i32>((tail - py) >> 2);
  if (n > 0) MathK.storeTail(py, MathK.vsigmoid(MathK.loadTail(px, n)), n);
}

/**
 * y[i] = op(x[i]) for float32 elements i ∈ [i0, i1) of the arrays at byte offsets x and y
 * (x === y allowed). op: EXP 0, LOG 1, LOG1P 2, TANH 3, SIGMOID 4; other codes write nothing.
 */
export function unaryMath(op: i32, x: usize, y: usize, i0: i32, i1: i32): void {
  if (i1 <= i0) return;
  const px = x + ((<usize>i0) << 2);
  const py = y + ((<usize>i0) << 2);
  const tail = y + ((<usize>i1) << 2);
  const end = py + ((<usize>((i1 - i0) & ~3)) << 2);
  switch (op) {
    case EXP:
      mapExp(px, py, end, tail);
      break;
    case LOG:
      mapLog(px, py, end, tail);
      break;
    case LOG1P:
      mapLog1p(px, py, end, tail);
      break;
    case TANH:
      mapTanh(px, py, end, tail);
      break;
    case SIGMOID:
      mapSigmoid(px, py, end, tail);
      break;
  }
}
