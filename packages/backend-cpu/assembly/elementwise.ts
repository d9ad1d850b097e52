// WebAssembly SIMD elementwise float32 kernels over contiguous arrays: binary arithmetic and simple unary maps.

/** Binary op codes (keep in sync with src/wasm/wasmElementwise.ts). */
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAX = 4;
const MIN = 5;
const RELU_GRAD = 6;

function vbin(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD:
      return f32x4.add(x, y);
    case SUB:
      return f32x4.sub(x, y);
    case MUL:
      return f32x4.mul(x, y);
    case DIV:
      return f32x4.div(x, y);
    case MAX:
      return f32x4.max(x, y);
    case MIN:
      return f32x4.min(x, y);
    case RELU_GRAD:
      // y where x > 0, else +0 (all bits clear); NaN x compares false.
      return v128.and(y, f32x4.gt(x, f32x4.splat(0)));
    default:
      return f32x4.splat(NaN);
  }
}

function sbin(op: i32, x: f32, y: f32): f32 {
  return f32x4.extract_lane(vbin(op, f32x4.splat(x), f32x4.splat(y)), 0);
}

/**
 * y[i] = a[i] op b[i] for n floats. `mode` 0: both arrays; 1: b is one value (broadcast);
 * 2: a is one value. max/min propagate NaN (WebAssembly semantics); RELU_GRAD is b[i] where
 * a[i] > 0, else +0.
 */
export function binary(op: i32, a: usize, b: usize, y: usize, n: i32, mode: i32): void {
  const sa = f32x4.splat(load<f32>(a));
  const sb = f32x4.splat(load<f32>(b));
  const da: usize = mode === 2 ? 0 : 16;
  const db: usize = mode === 1 ? 0 : 16;
  const end = y + ((<usize>(n & ~3)) << 2);
  let pa = a;
  let pb = b;
  let py = y;
  for (; py < end; py += 16, pa += da, pb += db) {
    const x = mode === 2 ? sa : v128.load(pa);
    const z = mode === 1 ? sb : v128.load(pb);
    v128.store(py, vbin(op, x, z));
  }
  const tail = y + ((<usize>n) << 2);
  for (; py < tail; py += 4, pa += da >> 2, pb += db >> 2) {
    store<f32>(py, sbin(op, load<f32>(pa), load<f32>(pb)));
  }
}

/**
 * `binary` over rows r in [r0, r1) of `cols` floats, one operand broadcast along the rows: mode 3, b is one row
 * repeated (a [rows, cols] + b [cols]); 4, a is one row; 5, b holds one value per row (b [rows, 1]); 6, a does.
 */
export function binaryRows(op: i32, a: usize, b: usize, y: usize, cols: i32, r0: i32, r1: i32, mode: i32): void {
  const row = (<usize>cols) << 2;
  for (let r = r0; r < r1; r++) {
    const off = <usize>r * row;
    const one = (<usize>r) << 2;
    if (mode === 3) binary(op, a + off, b, y + off, cols, 0);
    else if (mode === 4) binary(op, a, b + off, y + off, cols, 0);
    else if (mode === 5) binary(op, a + off, b + one, y + off, cols, 1);
    else binary(op, a + one, b + off, y + off, cols, 2);
  }
}

/** Unary op codes. */
const NEG = 0;
const ABS = 1;
const SQRT = 2;
const FLOOR = 3;
const RECIPROCAL = 4;
const RELU = 5;

function vun(op: i32, x: v128): v128 {
  switch (op) {
    case NEG:
      return f32x4.neg(x);
    case ABS:
      return f32x4.abs(x);
    case SQRT:
      return f32x4.sqrt(x);
    case FLOOR:
      return f32x4.floor(x);
    case RECIPROCAL:
      return f32x4.div(f32x4.splat(1), x);
    case RELU:
      // +0 (all bits clear) where x ≤ 0, x elsewhere: −0 gives +0, NaN compares false and stays.
      return v128.andnot(x, f32x4.le(x, f32x4.splat(0)));
    default:
      return f32x4.splat(NaN);
  }
}

/** y[i] = op(x[i]) for n floats. */
export function unary(op: i32, x: usize, y: usize, n: i32): void {
  const end = y + ((<usize>(n & ~3)) << 2);
  let px = x;
  let py = y;
  for (; py < end; py += 16, px += 16) v128.store(py, vun(op, v128.load(px)));
  const tail = y + ((<usize>n) << 2);
  for (; py < tail; py += 4, px += 4) store<f32>(py, f32x4.extract_lane(vun(op, f32x4.splat(load<f32>(px))), 0));
}
