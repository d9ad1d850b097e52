/** The pow kernel: the power with broadcasting, with JavaScript's Math.pow special cases. */
import { binaryKernel } from './helpers/binary.js';

const helpers = /* wgsl */ `
fn powi_f(m: f32, n: u32) -> f32 {
  var r = 1.0;
  var base = m;
  var e = n;
  loop { if (e == 0u) { break; } if ((e & 1u) == 1u) { r *= base; } base *= base; e >>= 1u; }
  return r;
}
fn pow_f(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan(); }
  let m = abs(a);
  if (is_inf(b)) {
    if (m == 1.0) { return nan(); }
    return select(0.0, inf(), (m > 1.0) == (b > 0.0));
  }
  let integral = floor(b) == b;
  let odd = integral && abs(b) < 16777216.0 && (u32(abs(b)) & 1u) == 1u;
  if (a < 0.0 && !integral && !is_inf(a)) { return nan(); }
  var r: f32;
  if (m == 0.0 || is_inf(a)) {
    r = select(0.0, inf(), (m == 0.0) == (b < 0.0));
  } else if (integral && abs(b) <= 64.0) {
    r = powi_f(m, u32(abs(b)));
    if (b < 0.0) { r = 1.0 / r; }
  } else {
    // A subnormal m is bits·2⁻¹⁴⁹ exactly: its log2 from the (exact, normal) integer bits, since
    // the builtin log2 misreads subnormals on some drivers (lavapipe: pow(1e-40, 0.5) was 7.7e-20).
    let bits = bitcast<u32>(m);
    let l = select(log2(m), log2(f32(bits)) - 149.0, bits < 0x00800000u);
    r = exp2(b * l);
  }
  let negative = (bitcast<u32>(a) & 0x80000000u) != 0u;
  return select(r, -r, negative && odd);
}
fn pow_i(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) == 1); }
    return 0;
  }
  var r = 1i;
  var base = a;
  var e = u32(b);
  loop { if (e == 0u) { break; } if ((e & 1u) == 1u) { r *= base; } base *= base; e >>= 1u; }
  return r;
}`;

/**
 * y = aᵇ with Math.pow's special cases: 0⁰ = 1, a negative base with a fractional exponent is
 * NaN, (±1)^±∞ = NaN. Integral exponents up to 64 multiply by squaring (WGSL's pow is
 * undefined for a < 0); int32 wraps, and a negative exponent truncates toward zero.
 */
export const pow = binaryKernel('pow', { f32: 'pow_f(a, b)', i32: 'pow_i(a, b)' }, helpers);
