/** Elementwise kernels as ONNX nodes, with the patches that keep Backprop's semantics (NaN, int32, log1p). */
import type { GraphBuilder } from './builder.js';
import { type LowerInput, type Lowering, nanMask, select } from './lowering.js';

const simple =
  (op: string): Lowering =>
  (b, [x]) =>
    b.op(op, [x.name]);

/**
 * ln(1 + x) accurate near 0 (Goldberg's trick): with u = 1 ⊕ x, log1p(x) = ln(u)·x/(u − 1),
 * and x itself when u = 1. ONNX has no Log1p, and Log(1 + x) alone loses every digit below 2⁻²⁴.
 */
const log1p: Lowering = (b, [x]) => {
  const u = b.op('Add', [x.name, b.scalar(1, 'float32')]);
  const lu = b.op('Log', [u]);
  const corrected = b.op('Mul', [lu, b.op('Div', [x.name, b.op('Sub', [u, b.scalar(1, 'float32')])])]);
  const big = b.op('IsInf', [u]);
  return select(b, b.op('Equal', [u, b.scalar(1, 'float32')]), x.name, select(b, big, lu, corrected));
};

/** NOTE: ONNX Max/Min do not promise NaN propagation; a NaN on either side is put back. */
const nanPropagating =
  (op: string): Lowering =>
  (b, [x, y], _attrs, out) => {
    const r = b.op(op, [x.name, y.name]);
    if (out.dtype !== 'float32') return r;
    return select(
      b,
      nanMask(b, x.name),
      b.op('Add', [x.name, y.name]),
      select(b, nanMask(b, y.name), b.op('Add', [x.name, y.name]), r),
    );
  };

/**
 * int32 a / b truncated toward zero, 0 on division by zero, and INT_MIN / −1 wrapping to
 * INT_MIN, as backend-cpu; the divisor is made safe first because integer division by 0 or
 * INT_MIN / −1 traps in native code.
 */
const div: Lowering = (b, [x, y], _attrs, out) => {
  if (out.dtype !== 'int32') return b.op('Div', [x.name, y.name]);
  const zero = b.op('Equal', [y.name, b.scalar(0, 'int32')]);
  const minusOne = b.op('Equal', [y.name, b.scalar(-1, 'int32')]);
  const safe = select(b, b.op('Or', [zero, minusOne]), b.scalar(1, 'int32'), y.name);
  const q = b.op('Div', [x.name, safe]);
  const negated = b.op('Sub', [b.scalar(0, 'int32'), x.name]);
  return select(b, zero, b.scalar(0, 'int32'), select(b, minusOne, negated, q));
};

/**
 * int32 aᵇ exact and wrapping modulo 2³² (as PyTorch, NumPy, backend-cpu and backend-webgpu):
 * square and multiply over the exponent's bits 0‥30 with ONNX Runtime's int32 Mul, which wraps.
 * A float64 Pow cast back to int32 lost the low bits past 2⁵³ and was undefined out of int32 range.
 * A negative exponent (core's op refuses those it can read) gives 1 for base 1, ±1 by parity for
 * base −1, and 0 otherwise, as backend-cpu and backend-webgpu.
 */
function powInt32(b: GraphBuilder, x: string, y: string): string {
  const one = b.scalar(1, 'int32');
  const bit = (i: number) => {
    const mask = b.scalar(2 ** i, 'int32');
    return b.op('Equal', [b.op('BitwiseAnd', [y, mask]), mask]);
  };
  const odd = select(b, bit(0), x, one); // a^(b mod 2)
  let r = odd;
  let base = x;
  for (let i = 1; i < 31; i++) {
    base = b.op('Mul', [base, base]);
    r = select(b, bit(i), b.op('Mul', [r, base]), r);
  }
  const unit = b.op('Equal', [b.op('Abs', [x]), one]);
  const negative = select(b, unit, odd, b.scalar(0, 'int32'));
  return select(b, b.op('Less', [y, b.scalar(0, 'int32')]), negative, r);
}

/**
 * Math.pow semantics: 1 ** NaN and (±1) ** ±∞ are NaN in JavaScript but 1 in C, so those
 * are patched. int32 powers are exact and wrap, see {@link powInt32}.
 */
const pow: Lowering = (b, [x, y], _attrs, out) => {
  if (out.dtype === 'int32') return powInt32(b, x.name, y.name);
  const p = b.op('Pow', [x.name, y.name]);
  const oneInf = b.op('And', [b.op('Equal', [b.op('Abs', [x.name]), b.scalar(1, 'float32')]), b.op('IsInf', [y.name])]);
  const bad = b.op('Or', [nanMask(b, y.name), oneInf]);
  return select(b, bad, b.scalar(Number.NaN, 'float32'), p);
};

const asNumber = (b: GraphBuilder, x: LowerInput): string =>
  x.dtype === 'bool' ? b.op('Cast', [x.name], { to: { i: 6 } }) : x.name;

const compare =
  (op: string, negate = false): Lowering =>
  (b, [x, y]) => {
    const r = b.op(op, [asNumber(b, x), asNumber(b, y)]);
    return negate ? b.op('Not', [r]) : r;
  };

const INT_MAX_F = 2147483648;
const BELOW_INT_MAX_F = 2147483520; // the largest float32 below 2³¹

/** float → int32 truncates toward zero, NaN → 0 and saturates, as backend-cpu; → bool is x ≠ 0. */
const cast: Lowering = (b, [x], _attrs, out) => {
  if (x.dtype === out.dtype) return b.op('Identity', [x.name]);
  if (out.dtype === 'bool') return b.op('Not', [b.op('Equal', [x.name, b.scalar(0, x.dtype)])]);
  if (out.dtype === 'float32' || x.dtype === 'bool')
    return b.op('Cast', [x.name], { to: { i: out.dtype === 'float32' ? 1 : 6 } });
  const clean = select(b, nanMask(b, x.name), b.scalar(0, 'float32'), x.name);
  const clipped = b.op('Clip', [clean, b.scalar(-INT_MAX_F, 'float32'), b.scalar(BELOW_INT_MAX_F, 'float32')]);
  const truncated = b.op('Cast', [clipped], { to: { i: 6 } });
  return select(
    b,
    b.op('GreaterOrEqual', [clean, b.scalar(INT_MAX_F, 'float32')]),
    b.scalar(2147483647, 'int32'),
    truncated,
  );
};

/**
 * 1/(1 + e⁻ˣ), not ONNX Sigmoid: ONNX Runtime's CPU Sigmoid is an approximation that returns 0
 * below x ≈ −18 (sigmoid(−20) = 2.06e-9 here, as in backend-cpu and PyTorch).
 */
export function sigmoidOf(b: GraphBuilder, x: string): string {
  return b.op('Reciprocal', [b.op('Add', [b.scalar(1, 'float32'), b.op('Exp', [b.op('Neg', [x])])])]);
}

/** where: ONNX Runtime has no bool Where, so bool values are selected as int32 and cast back. */
const where: Lowering = (b, [c, x, y], _attrs, out) => {
  if (out.dtype !== 'bool') return select(b, c.name, x.name, y.name);
  const wide = (v: string) => b.op('Cast', [v], { to: { i: 6 } });
  return b.op('Cast', [select(b, c.name, wide(x.name), wide(y.name))], { to: { i: 9 } });
};

/** Elementwise lowerings by kernel name. */
export const elementwise: Record<string, Lowering> = {
  neg: simple('Neg'),
  abs: simple('Abs'),
  exp: simple('Exp'),
  log: simple('Log'),
  log1p,
  sqrt: simple('Sqrt'),
  reciprocal: simple('Reciprocal'),
  tanh: simple('Tanh'),
  sigmoid: (b, [x]) => sigmoidOf(b, x.name),
  sin: simple('Sin'),
  cos: simple('Cos'),
  floor: simple('Floor'),
  add: (b, [x, y]) => b.op('Add', [x.name, y.name]),
  sub: (b, [x, y]) => b.op('Sub', [x.name, y.name]),
  mul: (b, [x, y]) => b.op('Mul', [x.name, y.name]),
  div,
  pow,
  maximum: nanPropagating('Max'),
  minimum: nanPropagating('Min'),
  equal: compare('Equal'),
  notEqual: compare('Equal', true),
  greater: compare('Greater'),
  greaterEqual: compare('GreaterOrEqual'),
  less: compare('Less'),
  lessEqual: compare('LessOrEqual'),
  where,
  cast,
};
