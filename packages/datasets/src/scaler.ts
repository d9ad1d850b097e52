/**
 * Feature scaling fitted on training data only, then applied to any split (fitting on the test
 * set would leak it): standardization (x − μ)/σ and min-max scaling to [0, 1].
 */
import type { ArrayDataset } from '@backprop/core';
import { ShapeError } from '@backprop/core';

/** A fitted scaler: per-feature shift and scale, x′ = (x − shift)/scale. */
export interface Scaler {
  readonly shift: Float32Array;
  readonly scale: Float32Array;
  /** A new dataset with scaled features (targets shared). */
  transform(ds: ArrayDataset): ArrayDataset;
}

function features(ds: ArrayDataset): number {
  return ds.xShape.slice(1).reduce((a, b) => a * b, 1);
}

function makeScaler(shift: Float32Array, scale: Float32Array): Scaler {
  return {
    shift,
    scale,
    transform(ds) {
      const d = features(ds);
      if (d !== shift.length) throw new ShapeError(`Scaler.transform: fitted on ${shift.length} features, got ${d}`);
      const x = new Float32Array(ds.x.length);
      for (let i = 0; i < x.length; i++) x[i] = (ds.x[i] - shift[i % d]) / scale[i % d];
      return { ...ds, x };
    },
  };
}

/**
 * Fits (x − mean)/std per feature on `train` (population std, as scikit-learn's StandardScaler; constant features get scale 1).
 *
 * @example
 * ```ts
 * import { moons, split, standardScaler } from '@backprop/datasets';
 *
 * const { train, test } = split(moons({ n: 500 }), 0.2);
 * const scaler = standardScaler(train); // fitted on the training set only
 * const [trainScaled, testScaled] = [scaler.transform(train), scaler.transform(test)];
 * ```
 */
export function standardScaler(train: ArrayDataset): Scaler {
  const d = features(train);
  const n = train.xShape[0];
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n * d; i++) mean[i % d] += train.x[i] / n;
  for (let i = 0; i < n * d; i++) sq[i % d] += (train.x[i] - mean[i % d]) ** 2 / n;
  return makeScaler(
    Float32Array.from(mean),
    Float32Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1)),
  );
}

/**
 * Fits (x − min)/(max − min) per feature on `train` (constant features get scale 1).
 *
 * @example
 * ```ts
 * import { minMaxScaler, regressionCurve } from '@backprop/datasets';
 *
 * const data = regressionCurve({ n: 100 });
 * const scaled = minMaxScaler(data).transform(data); // every feature in [0, 1]
 * ```
 */
export function minMaxScaler(train: ArrayDataset): Scaler {
  const d = features(train);
  const lo = new Float32Array(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Float32Array(d).fill(Number.NEGATIVE_INFINITY);
  train.x.forEach((v, i) => {
    lo[i % d] = Math.min(lo[i % d], v);
    hi[i % d] = Math.max(hi[i % d], v);
  });
  return makeScaler(
    lo,
    hi.map((h, j) => (h > lo[j] ? h - lo[j] : 1)),
  );
}
