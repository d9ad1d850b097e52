/** The optimizer and penalty interfaces that `@backprop/optimizers` and `@backprop/regularizers` implement. */
import type { Parameter } from '../nn/parameter.js';
import type { Tensor } from '../tensor.js';

/** A hyperparameter's value: a number, a flag, a name or a tuple such as Adam's betas. */
export type HyperValue = number | boolean | string | readonly number[];

/** One parameter group's hyperparameters (learning rate, weight decay, …) as host values. */
export type Hyperparameters = Readonly<Record<string, HyperValue>>;

/** One parameter's optimizer state: its step count and named tensors (moments, buffers). */
export interface SlotState {
  /** Updates applied so far (t of the last update), an int32 scalar. */
  readonly step: Tensor;
  /** Named float32 tensors of the parameter's shape (`expAvg`, `momentumBuffer`, …). */
  readonly tensors: Readonly<Record<string, Tensor>>;
}

/**
 * Everything an optimizer changes while training, as typed records: each group's
 * hyperparameters (in group order) and each parameter's slot (by parameter name).
 */
export interface OptimizerState {
  readonly groups: readonly Hyperparameters[];
  readonly slots: ReadonlyMap<string, SlotState>;
  /**
   * Each group's learning rate as the float32 scalar tensor its updates read, when the optimizer
   * reads it from a tensor. A compiled step takes these as inputs, so a schedule or a changed
   * group rate needs no new graph; without them a rate change retraces. Derived from `groups`:
   * not saved, and ignored by `setState`.
   */
  readonly lrTensors?: readonly Tensor[];
}

/**
 * An optimizer's state with each slot keyed by the {@link Parameter} object it belongs to (a slot
 * restored by name and not yet tied to a parameter keeps its name). A parameter's name depends
 * on the module it was last listed from (`backbone.weight` in the whole model, `weight` in the
 * backbone alone), so in-memory round trips — a compiled step's state, the copy a rejected step
 * is put back from — key by object; checkpoints, which outlive the objects, key by name.
 */
export interface OptimizerStateByParameter {
  readonly groups: readonly Hyperparameters[];
  readonly slots: ReadonlyMap<Parameter | string, SlotState>;
  /** As {@link OptimizerState.lrTensors}; ignored by `setStateByParameter`. */
  readonly lrTensors?: readonly Tensor[];
}

/** Options of {@link Optimizer.step}. */
export interface OptimizerStepOptions {
  /** The caller will not read `grads` again: free each as soon as its update is computed (`trainStep` does this). */
  releaseGradients?: boolean;
  /**
   * The caller does not keep the parameters' and state's current tensors as old values: the
   * optimizer may write the new values into them (fused updates on a backend with
   * `updateInPlace`, where nothing else shares their storage), once everything that can fail is
   * done, instead of holding old and new side by side (`trainStep` does this).
   */
  inPlace?: boolean;
  /**
   * With `inPlace`: a float32 scalar; the in-place writes happen only when it holds 0. `trainStep`
   * passes the sum of its finiteness flags, and restores everything else from its snapshot when
   * the step is rejected.
   */
  guard?: Tensor;
}

/**
 * Updates parameters from their gradients. `step` is all-or-nothing: when it throws, no
 * parameter and no state has changed. An optimizer that writes in place (`inPlace`) must do all
 * its checks first and never throw after its writes: `trainStep` restores from its snapshot what
 * a throwing step had replaced (step counts, buffers, generators), but it cannot restore values
 * written over in place, so a wrapper that throws after delegating such a step would leave the
 * parameters and moments one step ahead of their step counts.
 */
export interface Optimizer {
  /**
   * The update rule's name ("Adam", "AdamW"). Optional; checkpoints record it and refuse to load
   * one optimizer's state into another whose hyperparameter and slot names happen to match.
   */
  readonly name?: string;
  /** The current learning rate (schedules change it). */
  lr: number;
  /**
   * Applies one update to `params` from `grads` (one gradient per parameter, same order). With
   * `options.releaseGradients` the caller hands the gradients over: the optimizer may free each
   * once it no longer needs it (whether or not the step then succeeds), so they do not stay
   * alongside the new values. Optimizers that ignore the option leave them to the caller.
   */
  step(params: readonly Parameter[], grads: readonly Tensor[], options?: OptimizerStepOptions): void;
  /**
   * Called before the gradient is taken, for methods that evaluate it elsewhere than at θ
   * (the lecture's Nesterov look-ahead at θ + αv). Optional.
   */
  beforeGradient?(params: readonly Parameter[]): void;
  /**
   * Whether `beforeGradient` moves the parameters now (with the current hyperparameters). A
   * look-ahead keeps θ outside the training state, so such steps run eagerly. Default: true
   * when `beforeGradient` exists.
   */
  usesLookAhead?(): boolean;
  /**
   * The optimizer's state. The tensors belong to the optimizer (as a parameter's value belongs
   * to the parameter): read them, do not dispose them; they stay valid until its next step,
   * `setState` or `dispose`.
   */
  getState(): OptimizerState;
  /**
   * Replaces the state with `state` (from `getState`, a checkpoint or a compiled step). Checks
   * everything before changing anything and throws a typed error naming the bad record; keeps
   * its own references, so the caller may free what it passed.
   */
  setState(state: OptimizerState): void;
  /**
   * The state keyed by parameter objects ({@link OptimizerStateByParameter}), tensors as in
   * `getState`. Optional: without it, `trainStep` and compiled steps use `getState` (by name).
   */
  getStateByParameter?(): OptimizerStateByParameter;
  /**
   * Replaces the state with `state` as from `getStateByParameter`, checked first like
   * `setState`; nothing changes on an error. Optional, with `getStateByParameter`.
   */
  setStateByParameter?(state: OptimizerStateByParameter): void;
  /**
   * The index, in `getState().groups`, of the group whose hyperparameters `p` is updated with.
   * Optional; with it, checkpoints record each parameter's group and refuse to restore one into
   * another group (whose rates it would silently take), and compiled steps retrace when a
   * parameter changes group (a `match` that reads outside state, a group's `params` edited).
   */
  groupIndex?(p: Parameter): number;
  /**
   * Anything else a compiled step's graph depends on, as a string (for example whether fused
   * update kernels are on, or gradient clipping bounds); when it changes, the step traces again.
   * Optional.
   */
  traceKey?(): string;
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
