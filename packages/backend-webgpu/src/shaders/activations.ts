/** WGSL activation functions shared by the elementwise kernels and the fused dense epilogue. */

/** `sigmoid_f(x)`: 1/(1 + e⁻ˣ) for x ≥ 0, eˣ/(1 + eˣ) below, so nothing overflows (as backend-cpu). */
export const SIGMOID_WGSL = /* wgsl */ `
fn sigmoid_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`;

/**
 * `tanh_f(x)`. NOTE: WGSL's tanh loses relative accuracy near 0 and may give NaN for large |x|
 * on some drivers, so: the Taylor series below 0.55, 1 − 2/(e²ˣ + 1) up to 10, ±1 beyond.
 */
export const TANH_WGSL = /* wgsl */ `
fn tanh_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let m = abs(x);
  if (m > 10.0) { return sign(x); }
  if (m < 0.55) {
    let z = x * x;
    let tail = 0.0005900274 + z * (-0.0002391207 + z * 0.0000969154);
    let mid = 0.0088632355 + z * (-0.0035921280 + z * (0.0014558344 - z * tail));
    let r = 0.1333333333 + z * (-0.0539682540 + z * (0.0218694885 - z * mid));
    return x + x * z * (-0.3333333333 + z * r);
  }
  let e = exp(2.0 * m);
  return sign(x) * (1.0 - 2.0 / (e + 1.0));
}`;

/** `relu_f(x)`: max(x, 0) with relu(NaN) = NaN (as backend-cpu's fused dense). */
export const RELU_WGSL = /* wgsl */ `
fn relu_f(x: f32) -> f32 { return select(0.0, x, x > 0.0 || is_nan(x)); }`;
