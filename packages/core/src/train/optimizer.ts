/** The optimizer and penalty interfaces that `@backprop/optimizers` and `@backprop/regularizers` implement. */
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';

/**
 * Updates parameters from their gradients. `step` is all-or-nothing: when it throws, no
 * parameter and no state has changed.
 */
export interface Optimizer {
  /** The current learning rate (schedules change it). */
  lr: number;
  /** Applies one update to `params` from `grads` (one gradient per parameter, same order). */
  step(params: readonly Parameter[], grads: readonly Tensor[]): void;
  /**
   * Called by `fit` before the gradient is taken, for methods that evaluate it elsewhere
   * than at θ (the lecture's Nesterov look-ahead at θ + αv). Optional.
   */
  beforeGradient?(params: readonly Parameter[]): void;
  /**
   * The optimizer's state (step count, moments) by name, for checkpoints and compiled steps.
   * The tensors belong to the optimizer (as `Module.stateDict()`'s belong to the module): read
   * them, do not dispose them.
   */
  stateDict(): Map<string, Tensor>;
  /** Restores state saved by `stateDict`. */
  loadStateDict(state: ReadonlyMap<string, Tensor>): void;
  /** Frees the optimizer's state. */
  dispose(): void;
}

/** A penalty added to the training loss (L2, L1, ...), computed from the parameters. */
export interface Penalty {
  /** A short name for logs ("l2"). */
  readonly name: string;
  /** The scalar penalty for these parameters. */
  loss(params: readonly Parameter[]): Tensor;
}
