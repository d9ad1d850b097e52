/**
 * @packageDocumentation
 * Hyperparameter search for Backprop (the lecture's tuning slide): grid and random search over
 * any fit option or architecture choice, selected on validation metrics, resumable, with
 * trials in parallel worker threads, fault-tolerant (time limits, crashed workers replaced,
 * cancellation) and early stopping of bad trials (successive halving, Hyperband, median rule).
 */

export { type FitTrialOptions, fitTrial, mlpFromConfig } from './fit-trial.js';
export { type GridOptions, gridConfigs } from './grid.js';
export { type SearchPlotOptions, searchPlot } from './plot.js';
export {
  type HyperbandOptions,
  hyperband,
  type MedianStoppingOptions,
  medianStopping,
  type Pruner,
  type PrunerState,
  type SuccessiveHalvingOptions,
  successiveHalving,
} from './pruners.js';
export { randomConfigs } from './random-configs.js';
export {
  type FailureKind,
  type Mode,
  resolveMode,
  SearchResults,
  type TrialError,
  type TrialResult,
  type TrialStatus,
} from './results.js';
export {
  gridSearch,
  randomSearch,
  runSearch,
  SearchAbortedError,
  type SearchOptions,
  type Trial,
  type TrialContext,
} from './search.js';
export {
  type Choice,
  type Config,
  choice,
  configKey,
  type Distribution,
  type Hyper,
  type HyperValue,
  intUniform,
  logUniform,
  type SearchSpace,
  uniform,
} from './space.js';
