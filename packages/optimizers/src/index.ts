/**
 * @packageDocumentation
 * Optimizers for Backprop, exact to PyTorch, with the lecture's forms one option away:
 * SGD (momentum, Nesterov), AdaGrad, RMSProp, Adam/AMSGrad, AdamW, Adamax, NAdam, Adadelta;
 * the Optax-style transformations they are made of; learning-rate schedules; clipping.
 */

export {
  BENCHMARKED_OPTIMIZERS,
  type BenchmarkUpdatesOptions,
  benchmarkUpdates,
  type UpdateTiming,
} from './bench-updates.js';
export {
  type AdamUpdateAttrs,
  type FusedUpdateName,
  hasFusedUpdate,
  type RmspropUpdateAttrs,
  runFusedUpdate,
  type SgdUpdateAttrs,
  useFusedUpdates,
} from './fused.js';
export { type CommonOptions, GradientOptimizer } from './optimizer-base.js';
export { Adadelta, type AdadeltaHyper, type AdadeltaOptions, adadelta } from './optimizers/adadelta.js';
export { Adagrad, type AdagradHyper, type AdagradOptions, adagrad } from './optimizers/adagrad.js';
export { Adam, type AdamHyper, type AdamOptions, adam } from './optimizers/adam.js';
export { Adamax, type AdamaxHyper, type AdamaxOptions, adamax } from './optimizers/adamax.js';
export { AdamW, type AdamWOptions, adamW } from './optimizers/adamw.js';
export { NAdam, type NAdamHyper, type NAdamOptions, nadam } from './optimizers/nadam.js';
export { RMSprop, type RMSpropHyper, type RMSpropOptions, rmsprop } from './optimizers/rmsprop.js';
export { SGD, type SGDHyper, type SGDOptions, sgd } from './optimizers/sgd.js';
export type { BaseHyper, ParamGroup, ParamGroupSpec } from './param-groups.js';
export { cosineAnnealing } from './schedules/cosine-annealing.js';
export { exponentialDecay, inverseTimeDecay, stepDecay } from './schedules/decay.js';
export { type LinearWarmupOptions, linearWarmup } from './schedules/linear-warmup.js';
export { type PlateauScheduler, type ReduceOnPlateauOptions, reduceOnPlateau } from './schedules/reduce-on-plateau.js';
export { constant, type Schedule } from './schedules/schedule.js';
export { type Scheduler, type SchedulerOptions, scheduler } from './schedules/scheduler.js';
export { chain, type GradientTransformation, stateless, type TransformState, type UpdateContext } from './transform.js';
export { type EpsPlacement, type ScaleByAdamOptions, scaleByAdam } from './transforms/adam.js';
export {
  nadamMuProduct,
  type ScaleByNadamOptions,
  type ScaleByRmsOptions,
  scaleByAdadelta,
  scaleByAdagrad,
  scaleByAdamax,
  scaleByNadam,
  scaleByRms,
} from './transforms/adaptive.js';
export { clipByValue, clipGradNorm, clipGradValue } from './transforms/clip.js';
export { lectureMomentum, type TraceMomentumOptions, traceMomentum } from './transforms/momentum.js';
export { scale, scaleByLearningRate } from './transforms/scale.js';
export { addDecayedWeights, addWeightDecay } from './transforms/weight-decay.js';
