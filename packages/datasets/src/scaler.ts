/**
 * Feature scaling fitted on training data only, then applied to any split (fitting on the test
 * set would leak it): standardization (x − μ)/σ and min-max scaling to [0, 1]. As in
 * scikit-learn, NaN marks a missing value: fitting disregards it and transforming keeps it, so
 * one missing value never turns a whole feature into NaN; ±∞ is rejected. Statistics are
 * computed in float64 and stored as float32; a scale float32 cannot hold is refused, never
 * rounded to 0 or ∞.
 */
import type { ArrayDataset } from '@backprop/core';
import { ShapeError, ValueError } from '@backprop/core';
import { rowCount } from './subset.js';

/** A fitted scaler: per-feature shift and scale, x′ = (x − shift)/scale. */
export interface Scaler {
  readonly shift: Float32Array;
  readonly scale: Float32Array;
  /** A new dataset with scaled features (targets shared); a value that would scale beyond float32's range is a ValueError. */
  transform(ds: ArrayDataset): ArrayDataset;
}

const FLOAT32_MAX = 3.4028234663852886e38;
/** The smallest normal float32, 2^−126: below it float32 keeps fewer than 24 significant bits. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

function features(ds: ArrayDataset): number {
  return ds.xShape.slice(1).reduce((a, b) => a * b, 1);
}

/** Throws unless every value of `ds.x` is finite or NaN (missing); returns the number of features. */
function checkValues(op: string, ds: ArrayDataset): number {
  rowCount(op, ds);
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

/**
 * scikit-learn's test for a feature indistinguishable from a constant one
 * (`sklearn.preprocessing._data._is_constant_feature`): its variance is within the rounding
 * error of the two-pass variance of `n` values with this mean (Chan, Golub and LeVeque).
 */
export function isConstantFeature(variance: number, mean: number, n: number): boolean {
  const eps = Number.EPSILON;
  return variance <= n * eps * variance + (n * mean * eps) ** 2;
}

/** `value` as a float32 scale, or a ValueError when float32 would round it to 0, ∞ or a few bits. */
function float32Scale(op: string, j: number, what: string, value: number): number {
  const s = Math.fround(value);
  if (s >= FLOAT32_MIN_NORMAL && s <= FLOAT32_MAX) return s;
  throw new ValueError(
    `${op}: feature ${j}'s ${what} must lie in float32's normal range [1.2e-38, 3.4e38] to serve as its scale, got ${value}; ${
      s > FLOAT32_MAX ? 'divide' : 'multiply'
    } the feature by a large constant before scaling it`,
  );
}

function makeScaler(shift: Float32Array, scale: Float32Array): Scaler {
  return {
    shift,
    scale,
    transform(ds) {
      const d = checkValues('Scaler.transform', ds);
      if (d !== shift.length) throw new ShapeError(`Scaler.transform: fitted on ${shift.length} features, got ${d}`);
      const x = new Float32Array(ds.x.length);
      for (let i = 0; i < x.length; i++) {
        const j = i % d;
        x[i] = (ds.x[i] - shift[j]) / scale[j];
        if (!Number.isFinite(x[i]) && !Number.isNaN(ds.x[i])) {
          throw new ValueError(
            `Scaler.transform: feature ${j} of row ${Math.floor(i / d)} must scale into float32's range (±3.4e38), got ${ds.x[i]}, which scales to ${(ds.x[i] - shift[j]) / scale[j]}; the value lies far outside the data the scaler was fitted on (shift ${shift[j]}, scale ${scale[j]})`,
          );
        }
      }
      return { ...ds, x };
    },
  };
}

/**
 * Fits (x − mean)/std per feature on `train` (population std, as scikit-learn's StandardScaler).
 * A constant feature gets scale 1, also when float64 rounding leaves it a tiny std (scikit-learn's
 * test for it), so it is centred, never blown up. NaN values are left out of the mean and std and
 * stay NaN when transformed; ±∞, a feature with no value, or a std float32 cannot hold as a scale
 * (below 1.2e-38) raises a `ValueError`.
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
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) continue;
    counts[i % d]++;
    mean[i % d] += x[i];
  }
  checkSeen('standardScaler', counts);
  for (let j = 0; j < d; j++) mean[j] /= counts[j];
  // Two passes with the correction term, as scikit-learn computes the variance.
  const sq = new Float64Array(d);
  const dev = new Float64Array(d);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) continue;
    const t = x[i] - mean[i % d];
    sq[i % d] += t * t;
    dev[i % d] += t;
  }
  const scale = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const variance = Math.max(0, (sq[j] - (dev[j] * dev[j]) / counts[j]) / counts[j]);
    scale[j] = isConstantFeature(variance, mean[j], counts[j])
      ? 1
      : float32Scale('standardScaler', j, 'std', Math.sqrt(variance));
  }
  return makeScaler(Float32Array.from(mean), scale);
}

/**
 * Fits (x − min)/(max − min) per feature on `train` (constant features get scale 1). NaN values
 * are left out of the range and stay NaN when transformed; ±∞, a feature with no value, or a
 * range float32 cannot hold as a scale (above 3.4e38, e.g. from −3e38 to 3e38) raises a
 * `ValueError`.
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
    hi.map((h, j) => (h > lo[j] ? float32Scale('minMaxScaler', j, 'range (max − min)', h - lo[j]) : 1)),
  );
}
