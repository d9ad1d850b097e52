/** WGSL natural logarithm with full relative accuracy near 1 (WGSL only promises 2⁻²¹ absolute on [0.5, 2]). */

/**
 * `log_f(x)`: on [0.5, 2] the series ln x = 2·atanh(s), s = (x − 1)/(x + 1) (x − 1 is exact
 * there), elsewhere the builtin; ln 0 = −∞, ln of a negative number or NaN is NaN, ln ∞ = ∞.
 * A subnormal x (bits b < 2²³) is b·2⁻¹⁴⁹ exactly, so ln x = ln f32(b) − 149·ln 2, with f32(b)
 * exact and normal and 149·ln 2 split in two f32 parts: the builtin (lavapipe's, at least) is
 * wrong for subnormals, and integer bits keep the path clear of denormal flushing.
 */
export const LOG_WGSL = /* wgsl */ `
fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan(); }
  if (x == 0.0) { return -inf(); }
  if (is_inf(x)) { return x; }
  let bits = bitcast<u32>(x);
  if (bits < 0x00800000u) {
    return (log(f32(bits)) - 103.2789306640625) + 7.60630655e-7;
  }
  if (x < 0.5 || x > 2.0) { return log(x); }
  let s = (x - 1.0) / (x + 1.0);
  let z = s * s;
  let p = 1.0 + z * (0.33333333 + z * (0.2 + z * (0.14285714 + z * (0.11111111 + z * (0.09090909 + z * (0.07692308 + z * (0.06666667 + z * 0.05882353)))))));
  return 2.0 * s * p;
}`;
