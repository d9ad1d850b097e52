// dtype conversion (cast) and the position of each row's extreme (argmax / argmin along the last axis).

/** Cast kinds of `castValues` (keep in sync with src/wasm/wasmConvert.ts). */
const F32_I32 = 0;
const F32_BOOL = 1;
const I32_F32 = 2;
const BOOL_F32 = 3;
const I32_BOOL = 4;
const BOOL_I32 = 5;

/**
 * y[i] = x[i] converted, for i in [i0, i1): float32 → int32 truncates toward zero, saturates and gives 0 for NaN
 * (i32x4.trunc_sat_f32x4_s, the scalar kernel's rule); → bool is x ≠ 0 (NaN → true); int32 → float32 rounds to
 * nearest; bool → number is 0 or 1.
 */
export function castValues(kind: i32, x: usize, y: usize, i0: i32, i1: i32): void {
  let i = i0;
  if (kind === F32_I32 || kind === I32_F32) {
    for (; i + 4 <= i1; i += 4) {
      const p = (<usize>i) << 2;
      const v = v128.load(x + p);
      v128.store(y + p, kind === F32_I32 ? i32x4.trunc_sat_f32x4_s(v) : f32x4.convert_i32x4_s(v));
    }
  }
  for (; i < i1; i++) {
    const p = (<usize>i) << 2;
    if (kind === F32_I32)
      store<i32>(y + p, i32x4.extract_lane(i32x4.trunc_sat_f32x4_s(f32x4.splat(load<f32>(x + p))), 0));
    else if (kind === I32_F32) store<f32>(y + p, <f32>load<i32>(x + p));
    else if (kind === F32_BOOL) store<u8>(y + <usize>i, load<f32>(x + p) !== 0 ? 1 : 0);
    else if (kind === I32_BOOL) store<u8>(y + <usize>i, load<i32>(x + p) !== 0 ? 1 : 0);
    else if (kind === BOOL_F32) store<f32>(y + p, load<u8>(x + <usize>i) !== 0 ? 1 : 0);
    else if (kind === BOOL_I32) store<i32>(y + p, load<u8>(x + <usize>i) !== 0 ? 1 : 0);
  }
}

/**
 * y[r] = the index (int32) of the first maximum (or, when `lowest`, minimum) of float32 row r of `cols` values, for
 * rows r in [r0, r1); once a NaN is seen it is the answer; −1 for an empty row (the scalar kernel's rules).
 */
export function argRows(x: usize, y: usize, cols: i32, r0: i32, r1: i32, lowest: i32): void {
  for (let r = r0; r < r1; r++) {
    const row = x + ((<usize>r * <usize>cols) << 2);
    let at = cols === 0 ? -1 : 0;
    let best = cols === 0 ? <f32>0 : load<f32>(row);
    for (let k = 1; k < cols && !isNaN(best); k++) {
      const v = load<f32>(row + ((<usize>k) << 2));
      if (isNaN(v) || (lowest ? v < best : v > best)) {
        best = v;
        at = k;
      }
    }
    store<i32>(y + ((<usize>r) << 2), at);
  }
}
