/**
 * @packageDocumentation
 * Hyperparameter search for Backprop (the lecture's tuning slide): grid and random search over
 * any fit option or architecture choice, selected on validation metrics, resumable, with
 * trials in parallel worker threads.
 */

export { type FitTrialOptions, fitTrial, mlpFromConfig } from './fit-trial.js';
export { type GridOptions, gridConfigs } from './grid.js';
export { randomConfigs } from './random-configs.js';
export { type Mode, resolveMode, SearchResults, type TrialResult } from './results.js';
export { gridSearch, randomSearch, runSearch, type SearchOptions, type Trial, type TrialContext } from './search.js';
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
