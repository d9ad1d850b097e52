/**
 * Feature scaling fitted on training data only, then applied to any split (fitting on the test
 * set would leak it): standardization (x − μ)/σ and min-max scaling to [0, 1]. As in
 * scikit-learn, NaN marks a missing value: fitting disregards it and transforming keeps it, so
 * one missing value never turns a whole feature into NaN; ±∞ is rejected.
 */
import type { ArrayDataset } from '@backprop/core';
import { checkDataset, ShapeError, ValueError } from '@backprop/core';

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

/** Throws unless every value of `ds.x` is finite or NaN (missing); returns the number of features. */
function checkValues(op: string, ds: ArrayDataset): number {
  checkDataset(op, ds);
  const d = features(ds);
  for (let i = 0; i < ds.x.length; i++) {
    const v = ds.x[i];
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)
      throw new ValueError(
        `${op}: feature ${i % d} of row ${Math.floor(i / d)} is ${v}; scaling needs finite values (NaN counts as missing)`,
      );
  }
  return d;
}

/** The fitted per-feature statistics: throws for a feature with no value (every row NaN). */
function checkSeen(op: string, counts: Float64Array): void {
  const j = counts.indexOf(0);
  if (j >= 0) throw new ValueError(`${op}: feature ${j} has no value to fit (every row is NaN, or there are no rows)`);
}

function makeScaler(shift: Float32Array, scale: Float32Array): Scaler {
  return {
    shift,
    scale,
    transform(ds) {
      const d = checkValues('Scaler.transform', ds);
      if (d !== shift.length) throw new ShapeError(`Scaler.transform: fitted on ${shift.length} features, got ${d}`);
      const x = new Float32Array(ds.x.length);
      for (let i = 0; i < x.length; i++) x[i] = (ds.x[i] - shift[i % d]) / scale[i % d];
      return { ...ds, x };
    },
  };
}

/**
 * Fits (x − mean)/std per feature on `train` (population std, as scikit-learn's StandardScaler; constant features get scale 1).
 * NaN values are left out of the mean and std and stay NaN when transformed; ±∞, or a feature
 * with no value, raises a `ValueError`.
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
  const d = checkValues('standardScaler', train);
  const x = train.x;
  const counts = new Float64Array(d);
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) counts[i % d]++;
  checkSeen('standardScaler', counts);
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) mean[i % d] += x[i] / counts[i % d];
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) sq[i % d] += (x[i] - mean[i % d]) ** 2 / counts[i % d];
  return makeScaler(
    Float32Array.from(mean),
    Float32Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1)),
  );
}

/**
 * Fits (x − min)/(max − min) per feature on `train` (constant features get scale 1). NaN values
 * are left out of the range and stay NaN when transformed; ±∞, or a feature with no value, raises
 * a `ValueError`.
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
  const d = checkValues('minMaxScaler', train);
  const counts = new Float64Array(d);
  const lo = new Float32Array(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Float32Array(d).fill(Number.NEGATIVE_INFINITY);
  train.x.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    counts[i % d]++;
    lo[i % d] = Math.min(lo[i % d], v);
    hi[i % d] = Math.max(hi[i % d], v);
  });
  checkSeen('minMaxScaler', counts);
  return makeScaler(
    lo,
    hi.map((h, j) => (h > lo[j] ? h - lo[j] : 1)),
  );
}
