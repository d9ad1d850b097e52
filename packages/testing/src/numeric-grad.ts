/** `numericGrad`: a gradient by central finite differences, to check autograd against. */

/** Options of {@link numericGrad}. */
export interface NumericGradOptions {
  /** The perturbation of each element. Default 1e-2. */
  eps?: number;
  /**
   * Whether `f` sees its input through float32 (as a tensor): then the divisor is the step as
   * float32 rounds it, fround(x + eps) − fround(x − eps), rather than (x + eps) − (x − eps).
   * Default true.
   */
  float32?: boolean;
}

/**
 * ∂f/∂xᵢ for every i by central differences: (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / step, with x
 * perturbed in float64 one element at a time and `step` the perturbation `f` actually sees (see
 * {@link NumericGradOptions.float32}). `f` gets a fresh copy of x each call and returns a number.
 *
 * ```ts
 * const numeric = numericGrad(
 *   (v) => tidy(() => loss(tensor(Float32Array.from(v), [3, 2])).dataSync()[0]),
 *   w,
 * );
 * expectClose(autogradValues, numeric, { rtol: 2e-3, atol: 2e-3 });
 * ```
 */
export function numericGrad(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  { eps = 1e-2, float32 = true }: NumericGradOptions = {},
): number[] {
  if (!(eps > 0)) throw new RangeError(`numericGrad: eps must be > 0, got ${eps}`);
  const base = Float64Array.from(x);
  const round = float32 ? Math.fround : (v: number) => v;
  const out: number[] = [];
  for (let i = 0; i < base.length; i++) {
    const plus = Float64Array.from(base);
    const minus = Float64Array.from(base);
    plus[i] += eps;
    minus[i] -= eps;
    out.push((f(plus) - f(minus)) / (round(plus[i]) - round(minus[i])));
  }
  return out;
}
