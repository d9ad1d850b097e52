/**
 * @packageDocumentation
 * Optimizers for Backprop, exact to PyTorch, with the lecture's forms one option away:
 * SGD (momentum, Nesterov), AdaGrad, RMSProp, Adam/AMSGrad, AdamW, Adamax, NAdam, Adadelta;
 * the Optax-style transformations they are made of; learning-rate schedules; clipping.
 */
export { type GradientTransformation, type TransformState, type UpdateContext, chain, stateless } from './transform.js';
export { scale, scaleByLearningRate } from './transforms/scale.js';
export { addWeightDecay, addDecayedWeights } from './transforms/weight-decay.js';
export { traceMomentum, lectureMomentum, type TraceMomentumOptions } from './transforms/momentum.js';
export { scaleByAdam, type ScaleByAdamOptions, type EpsPlacement } from './transforms/adam.js';
export { scaleByAdagrad, scaleByRms, scaleByAdadelta, scaleByAdamax, scaleByNadam, nadamMuProduct, type ScaleByRmsOptions, type ScaleByNadamOptions } from './transforms/adaptive.js';
export { clipGradNorm, clipGradValue, clipByValue } from './transforms/clip.js';
export { GradientOptimizer, type CommonOptions } from './optimizer-base.js';
export type { BaseHyper, ParamGroup, ParamGroupSpec } from './param-groups.js';
export { SGD, type SGDOptions, type SGDHyper } from './optimizers/sgd.js';
export { Adam, type AdamOptions, type AdamHyper } from './optimizers/adam.js';
export { AdamW, type AdamWOptions } from './optimizers/adamw.js';
export { Adamax, type AdamaxOptions, type AdamaxHyper } from './optimizers/adamax.js';
export { NAdam, type NAdamOptions, type NAdamHyper } from './optimizers/nadam.js';
export { Adagrad, type AdagradOptions, type AdagradHyper } from './optimizers/adagrad.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyper } from './optimizers/rmsprop.js';
export { Adadelta, type AdadeltaOptions, type AdadeltaHyper } from './optimizers/adadelta.js';
export { type Schedule, constant } from './schedules/schedule.js';
export { stepDecay, exponentialDecay, inverseTimeDecay } from './schedules/decay.js';
export { cosineAnnealing } from './schedules/cosine-annealing.js';
export { linearWarmup, type LinearWarmupOptions } from './schedules/linear-warmup.js';
export { scheduler, type Scheduler, type SchedulerOptions } from './schedules/scheduler.js';
export { reduceOnPlateau, type ReduceOnPlateauOptions, type PlateauScheduler } from './schedules/reduce-on-plateau.js';
export { useFusedUpdates, hasFusedUpdate, runFusedUpdate, type FusedUpdateName, type SgdUpdateAttrs, type AdamUpdateAttrs } from './fused.js';
export { benchmarkUpdates, type UpdateTiming, type BenchmarkUpdatesOptions } from './bench-updates.js';
