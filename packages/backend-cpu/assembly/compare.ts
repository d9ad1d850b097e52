// WebAssembly SIMD comparisons (float32 → bool bytes) and selection (bool bytes choosing between float32 values) over
// contiguous arrays. Both take an element range [i0, i1) so worker threads can split one array between them; the
// pointers are the arrays' byte offsets (not offset by i0), so every thread passes the same pointers.

/** Comparison op codes. */
const EQUAL = 0;
const NOT_EQUAL = 1;
const GREATER = 2;
const GREATER_EQUAL = 3;
const LESS = 4;
const LESS_EQUAL = 5;

// biome-ignore lint/complexity/noStaticOnlyClass: AssemblyScript inlines `@inline` static methods; biome rejects decorators on plain functions
class C {
  /** The lane masks (all ones / zero) of x op y, IEEE semantics (NaN: false except notEqual). */
  @inline static vcmp(op: i32, x: v128, y: v128): v128 {
    if (op === EQUAL) return f32x4.eq(x, y);
    if (op === NOT_EQUAL) return f32x4.ne(x, y);
    if (op === GREATER) return f32x4.gt(x, y);
    if (op === GREATER_EQUAL) return f32x4.ge(x, y);
    if (op === LESS) return f32x4.lt(x, y);
    return f32x4.le(x, y);
  }

  /** x op y as 0 / 1. */
  @inline static scmp(op: i32, x: f32, y: f32): u8 {
    if (op === EQUAL) return <u8>(x === y);
    if (op === NOT_EQUAL) return <u8>(x !== y);
    if (op === GREATER) return <u8>(x > y);
    if (op === GREATER_EQUAL) return <u8>(x >= y);
    if (op === LESS) return <u8>(x < y);
    return <u8>(x <= y);
  }

  /** Four floats of `a` at byte offset `o`, or the broadcast value when `one`. */
  @inline static ld(p: usize, o: usize, one: bool, s: v128): v128 {
    return one ? s : v128.load(p + o);
  }

  /** compare on [i0, i1) for a constant op and mode. */
  @inline static range(op: i32, a: usize, b: usize, y: usize, i0: i32, i1: i32, mode: i32): void {
    const oneA = mode === 2;
    const oneB = mode === 1;
    const sa = f32x4.splat(load<f32>(a));
    const sb = f32x4.splat(load<f32>(b));
    const ones = i8x16.splat(1);
    let i = i0;
    for (; i <= i1 - 16; i += 16) {
      const o = (<usize>i) << 2;
      const m0 = C.vcmp(op, C.ld(a, o, oneA, sa), C.ld(b, o, oneB, sb));
      const m1 = C.vcmp(op, C.ld(a, o + 16, oneA, sa), C.ld(b, o + 16, oneB, sb));
      const m2 = C.vcmp(op, C.ld(a, o + 32, oneA, sa), C.ld(b, o + 32, oneB, sb));
      const m3 = C.vcmp(op, C.ld(a, o + 48, oneA, sa), C.ld(b, o + 48, oneB, sb));
      const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
      v128.store(y + <usize>i, v128.and(bytes, ones));
    }
    for (; i < i1; i++) {
      const o = (<usize>i) << 2;
      store<u8>(
        y + <usize>i,
        C.scmp(op, oneA ? load<f32>(a) : load<f32>(a + o), oneB ? load<f32>(b) : load<f32>(b + o)),
      );
    }
  }

  /** compare for a constant op, dispatching on the mode. */
  @inline static modes(op: i32, a: usize, b: usize, y: usize, i0: i32, i1: i32, mode: i32): void {
    if (mode === 1) C.range(op, a, b, y, i0, i1, 1);
    else if (mode === 2) C.range(op, a, b, y, i0, i1, 2);
    else C.range(op, a, b, y, i0, i1, 0);
  }

  /** select on [i0, i1) for a constant mode. */
  @inline static pick(c: usize, a: usize, b: usize, y: usize, i0: i32, i1: i32, oneA: bool, oneB: bool): void {
    const sa = v128.splat<u32>(load<u32>(a));
    const sb = v128.splat<u32>(load<u32>(b));
    const zero = i8x16.splat(0);
    let i = i0;
    for (; i <= i1 - 16; i += 16) {
      const o = (<usize>i) << 2;
      const mb = i8x16.ne(v128.load(c + <usize>i), zero);
      const lo = i16x8.extend_low_i8x16_s(mb);
      const hi = i16x8.extend_high_i8x16_s(mb);
      v128.store(y + o, v128.bitselect(C.ld(a, o, oneA, sa), C.ld(b, o, oneB, sb), i32x4.extend_low_i16x8_s(lo)));
      v128.store(
        y + o + 16,
        v128.bitselect(C.ld(a, o + 16, oneA, sa), C.ld(b, o + 16, oneB, sb), i32x4.extend_high_i16x8_s(lo)),
      );
      v128.store(
        y + o + 32,
        v128.bitselect(C.ld(a, o + 32, oneA, sa), C.ld(b, o + 32, oneB, sb), i32x4.extend_low_i16x8_s(hi)),
      );
      v128.store(
        y + o + 48,
        v128.bitselect(C.ld(a, o + 48, oneA, sa), C.ld(b, o + 48, oneB, sb), i32x4.extend_high_i16x8_s(hi)),
      );
    }
    for (; i < i1; i++) {
      const o = (<usize>i) << 2;
      const bits =
        load<u8>(c + <usize>i) !== 0
          ? oneA
            ? load<u32>(a)
            : load<u32>(a + o)
          : oneB
            ? load<u32>(b)
            : load<u32>(b + o);
      store<u32>(y + o, bits);
    }
  }
}

/**
 * y[i] = a[i] op b[i] as a bool byte (0 / 1) for i in [i0, i1): a, b float32 arrays, y a uint8 array. `op` 0 equal,
 * 1 notEqual, 2 greater, 3 greaterEqual, 4 less, 5 lessEqual (IEEE: NaN compares false, except notEqual true;
 * −0 = +0). `mode` 0: a and b both arrays; 1: b is one value (broadcast); 2: a is one value (as in `binary`).
 */
export function compare(op: i32, a: usize, b: usize, y: usize, i0: i32, i1: i32, mode: i32): void {
  if (op === EQUAL) C.modes(EQUAL, a, b, y, i0, i1, mode);
  else if (op === NOT_EQUAL) C.modes(NOT_EQUAL, a, b, y, i0, i1, mode);
  else if (op === GREATER) C.modes(GREATER, a, b, y, i0, i1, mode);
  else if (op === GREATER_EQUAL) C.modes(GREATER_EQUAL, a, b, y, i0, i1, mode);
  else if (op === LESS) C.modes(LESS, a, b, y, i0, i1, mode);
  else if (op === LESS_EQUAL) C.modes(LESS_EQUAL, a, b, y, i0, i1, mode);
}

/**
 * y[i] = c[i] !== 0 ? a[i] : b[i] for i in [i0, i1): c a uint8 (bool) array, always full size; a, b, y float32 arrays
 * (the bits are copied, NaN payloads included). `mode` bit 0 (value 1): a is one value (broadcast); bit 1 (value 2):
 * b is one value.
 */
export function select(c: usize, a: usize, b: usize, y: usize, i0: i32, i1: i32, mode: i32): void {
  const oneA = (mode & 1) !== 0;
  const oneB = (mode & 2) !== 0;
  if (oneA) {
    if (oneB) C.pick(c, a, b, y, i0, i1, true, true);
    else C.pick(c, a, b, y, i0, i1, true, false);
  } else {
    if (oneB) C.pick(c, a, b, y, i0, i1, false, true);
    else C.pick(c, a, b, y, i0, i1, false, false);
  }
}
