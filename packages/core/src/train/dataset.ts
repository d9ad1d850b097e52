/** Datasets: features and targets as typed arrays with their shapes in host memory, or as tensors. */
import type { Tensor } from '../tensor.js';

/**
 * A dataset in host memory. Row i of `x` is `x[i·d … (i+1)·d)` with d = product of xShape[1:];
 * `y` holds int32 class labels (shape [N]) or float32 targets (shape [N, ...]).
 * `fit` copies one minibatch at a time to the backend, so a dataset may be larger than device memory.
 */
export interface ArrayDataset {
  readonly x: Float32Array;
  readonly xShape: readonly number[];
  readonly y: Float32Array | Int32Array;
  readonly yShape: readonly number[];
}

/**
 * A dataset held in tensors, as TF.js users have it: `x` and `y` with N rows each. `fit` and
 * `evaluate` copy them to the host once (they stay yours: nothing disposes them) and then batch
 * as for an {@link ArrayDataset}. `y` is int32 class labels or float targets.
 */
export interface TensorDataset {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** What `fit` and `evaluate` train and measure on: typed arrays with shapes, or tensors. */
export type Dataset = ArrayDataset | TensorDataset;
