/**
 * Input features of the 2-D sets, as in TensorFlow Playground: each is a function of the point
 * (x₁, x₂), and the network's first layer takes the chosen ones, in this order.
 */
export const FEATURES = {
  x1: { label: 'x₁', fn: (a: number, _b: number) => a },
  x2: { label: 'x₂', fn: (_a: number, b: number) => b },
  x1sq: { label: 'x₁²', fn: (a: number, _b: number) => a * a },
  x2sq: { label: 'x₂²', fn: (_a: number, b: number) => b * b },
  x1x2: { label: 'x₁x₂', fn: (a: number, b: number) => a * b },
  sinx1: { label: 'sin x₁', fn: (a: number, _b: number) => Math.sin(a) },
  sinx2: { label: 'sin x₂', fn: (_a: number, b: number) => Math.sin(b) },
} as const;

/** A feature's name (`x1`, `x1x2`, `sinx2`, …). */
export type FeatureName = keyof typeof FEATURES;

/** Maps rows of (x₁, x₂) (row-major, n × 2) to rows of the chosen features (n × features.length). */
export function expandFeatures(xy: ArrayLike<number>, features: readonly FeatureName[]): Float32Array {
  const n = xy.length / 2;
  const k = features.length;
  const out = new Float32Array(n * k);
  const fns = features.map((f) => FEATURES[f].fn);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = fns[j](xy[2 * i], xy[2 * i + 1]);
  return out;
}
