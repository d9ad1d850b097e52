/** Datasets held in host memory: features and targets as typed arrays with their shapes. */

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
