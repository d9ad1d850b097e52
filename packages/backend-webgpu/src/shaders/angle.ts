/** WGSL range reduction for sin and cos: WGSL only promises accuracy on [−π, π]. */

/** `reduce_angle(x)`: x − 2πk with k = round(x/2π), in two steps (Cody–Waite) so the subtraction is exact up to |k| < 2¹⁵. */
export const ANGLE_HELPERS = /* wgsl */ `
fn reduce_angle(x: f32) -> f32 {
  let k = round(x * 0.15915494309189535);
  return (x - k * 6.28125) - k * 0.0019353071795864769;
}
fn finite_or_nan(x: f32, y: f32) -> f32 { return select(y, nan(), is_nan(x) || is_inf(x)); }`;
