/** One contrastive-divergence update of an RBM (CD-k or persistent CD), with momentum, weight cost and sparsity. */
import {
  checkOptionNames,
  dispose,
  formatValue,
  hostValues,
  keep,
  matmul,
  mean,
  mul,
  optionNames,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  ValueError,
  zeros,
  zerosLike,
} from '@backprop/core';
import { bernoulliFrom, type RBM } from './rbm.js';
import type { Sampler } from './sampler.js';
import { checkBatch, checkVisibleData, nonNegative, optionalBoolean, positiveInt } from './validate.js';

/** Hinton's sparsity target: keep each hidden unit's mean activation q near `target`. */
export interface SparsityOptions {
  /** Desired mean activation p (e.g. 0.05). */
  target: number;
  /** Penalty weight (e.g. 0.1 … 1e-3). */
  cost: number;
  /** Decay λ of the running estimate q ← λq + (1 − λ)·mean(p(h|v)) (default 0.95). */
  decay?: number;
}

/** Hyperparameters of one update. */
export interface CdStepOptions {
  /** Gibbs steps in the negative phase (default 1). */
  k?: number;
  /** Learning rate ε; statistics are batch means, i.e. scikit-learn's lr / batch_size · Σ (default 0.1). */
  lr?: number;
  /** Momentum m: Δ ← mΔ + ε·g, θ ← θ + Δ (default 0). */
  momentum?: number;
  /** Weight cost (L2) on W only: g_W −= cost·W (default 0; Hinton suggests 2e-4). */
  weightCost?: number;
  /** Persistent CD: the negative chain continues from its last hidden state (default false). */
  persistent?: boolean;
  /** Sample the negative visible units (true; scikit-learn) or use their means (Hinton's advice for Gaussian units). Default: true for Bernoulli, false for Gaussian. */
  sampleVisible?: boolean;
  /** Optional sparsity target. */
  sparsity?: SparsityOptions;
}

/** @internal Every option of {@link cdStep}. */
export const CD_STEP_OPTIONS = optionNames<CdStepOptions>({
  k: true,
  lr: true,
  momentum: true,
  weightCost: true,
  persistent: true,
  sampleVisible: true,
  sparsity: true,
});

/** Every option of {@link SparsityOptions}. */
const SPARSITY_OPTIONS = optionNames<SparsityOptions>({ target: true, cost: true, decay: true });

/**
 * @internal Checks the values of {@link cdStep}'s options (their names are checked by the caller):
 * `trainRbm` runs it once before its first batch, `cdStep` on every call. The sparsity object's
 * names are checked too: a misspelt `decayRate` would leave the default decay in place.
 */
export function checkCdOptions(op: string, options: CdStepOptions): void {
  const { k = 1, lr = 0.1, momentum = 0, weightCost = 0, sparsity } = options;
  positiveInt(op, 'k', k);
  nonNegative(op, 'lr', lr);
  nonNegative(op, 'momentum', momentum);
  nonNegative(op, 'weightCost', weightCost);
  optionalBoolean(op, 'persistent', options.persistent);
  optionalBoolean(op, 'sampleVisible', options.sampleVisible);
  if (sparsity === undefined) return;
  checkOptionNames(op, sparsity, SPARSITY_OPTIONS, {
    what: 'sparsity option',
    aliases: { decayRate: 'decay', lambda: 'decay', sparsityTarget: 'target', sparsityCost: 'cost', weight: 'cost' },
  });
  const { target, cost, decay = 0.95 } = sparsity;
  const isNumber = (x: unknown): x is number => typeof x === 'number';
  if (
    !(isNumber(target) && target > 0 && target < 1) ||
    !(isNumber(cost) && cost >= 0 && Number.isFinite(cost)) ||
    !(isNumber(decay) && decay >= 0 && decay < 1)
  ) {
    throw new ValueError(
      `${op}: sparsity needs target in (0, 1), a finite cost ≥ 0 and decay in [0, 1), got ${formatValue(sparsity)}`,
    );
  }
}

/** What an RBM's training carries between updates: momentum, the persistent chain, the sparsity estimate. */
export interface RbmTrainState {
  velocity?: { weight: Tensor; visibleBias: Tensor; hiddenBias: Tensor };
  /** Hidden states of the persistent chains, [chains, units]. */
  chain?: Tensor;
  /** Running mean activation of each hidden unit. */
  q?: Tensor;
}

/**
 * Frees the tensors held by a train state.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { cdStep, disposeRbmState, philoxSampler, RBM, type RbmTrainState } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const rbm = new RBM(2, 2);
 * const state: RbmTrainState = {};
 * cdStep(rbm, tensor([[1, 0]]), state, philoxSampler(1), { momentum: 0.5 });
 * disposeRbmState(state); // after the last step
 * ```
 */
export function disposeRbmState(state: RbmTrainState): void {
  dispose([state.velocity, state.chain, state.q]);
  state.velocity = undefined;
  state.chain = undefined;
  state.q = undefined;
}

/**
 * One CD-k / PCD-k update from the batch `v` [N, inputs]; returns the mean-field reconstruction
 * error (1/N) Σₙ ‖vₙ − E[v | p(h | vₙ)]‖² of the batch before the update.
 *
 * It writes what it computes without reading it back (it stays synchronous on every backend), so
 * a learning rate large enough to overflow leaves NaN or ±∞ in the weights. `trainRbm` reads the
 * new weights' finiteness with the batch's error and throws `NonFiniteLossError` before writing
 * anything; in a loop of your own, reading `finiteFlags([rbm.weight.value])` after a step tells you
 * when it happened.
 *
 * Statistics use hidden probabilities everywhere (positive p(h|v), negative p(h|v⁻)).
 * Draw order through `sampler` (the scikit-learn BernoulliRBM order for persistent k = 1):
 * CD only: h₀ ~ p(h | v) [N, units]; then per Gibbs step: v⁻ ~ p(v | h) [chains, inputs],
 * h ~ p(h | v⁻) [chains, units] except after the last step; PCD only: the new chain state
 * h ~ p(h | v⁻) last. PCD's chain starts at zeros with N rows, as scikit-learn's `h_samples_`.
 *
 * The batch is checked before anything changes (the RBM, `state` and the sampler's draws): its
 * shape always; its values (in [0, 1] for Bernoulli visible units, finite for Gaussian ones) where
 * the backend reads synchronously (cpu), from one host copy of `v`. A backend that reads only
 * asynchronously (webgpu) skips the value check rather than wait for the device; `trainRbm`
 * checks its host data on every backend.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { cdStep, disposeRbmState, philoxSampler, RBM, type RbmTrainState } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const rbm = new RBM(4, 2, { seed: 0 });
 * const state: RbmTrainState = {};
 * const error = cdStep(rbm, tensor([[1, 0, 1, 0], [0, 1, 0, 1]]), state, philoxSampler(0), { k: 1, lr: 0.1, persistent: true });
 * disposeRbmState(state); // frees the velocity and the persistent chain
 * ```
 * @throws ShapeError when `v` is not [N, rbm.inputs]; ValueError for an empty batch, Bernoulli
 *   visible units given data outside [0, 1], Gaussian ones given NaN or ±∞ (see above), or bad
 *   options — before any parameter, state or draw changes.
 */
export function cdStep(
  rbm: RBM,
  v: Tensor,
  state: RbmTrainState,
  sampler: Sampler,
  options: CdStepOptions = {},
): Tensor {
  checkBatch('cdStep', 'v', v, rbm.inputs);
  const values = hostValues(v);
  if (values) checkVisibleData('cdStep', rbm.visible, values);
  return applyCdUpdate(rbm, state, computeCdUpdate(rbm, v, state, sampler, options));
}

/**
 * @internal One CD-k / PCD-k update computed and not applied: the parameters' new values, the new
 * training state and the batch's error. `applyCdUpdate` applies it; `trainRbm` first checks that
 * the new values are finite.
 */
export interface CdUpdate {
  weight: Tensor;
  visibleBias: Tensor;
  hiddenBias: Tensor;
  velocity: { weight: Tensor; visibleBias: Tensor; hiddenBias: Tensor };
  chain: Tensor | undefined;
  q: Tensor | undefined;
  error: Tensor;
}

/** @internal The computation of `cdStep` (its draws included), leaving `rbm` and `state` as they are. */
export function computeCdUpdate(
  rbm: RBM,
  v: Tensor,
  state: RbmTrainState,
  sampler: Sampler,
  options: CdStepOptions = {},
): CdUpdate {
  checkOptionNames('cdStep', options, CD_STEP_OPTIONS, { aliases: { learningRate: 'lr' } });
  checkCdOptions('cdStep', options);
  const { k = 1, lr = 0.1, momentum = 0, weightCost = 0, persistent = false, sparsity } = options;
  const sampleVisible = options.sampleVisible ?? rbm.visible === 'bernoulli';
  return tidy(() => {
    const posH = rbm.hiddenProbabilities(v);
    let h = persistent ? (state.chain ?? zeros(posH.shape)) : bernoulliFrom(posH, sampler);
    let vNeg = v;
    let negH = posH;
    for (let step = 0; step < k; step++) {
      vNeg = sampleVisible ? rbm.sampleVisible(h, sampler) : rbm.visibleMean(h);
      negH = rbm.hiddenProbabilities(vNeg);
      if (step + 1 < k) h = bernoulliFrom(negH, sampler);
    }
    const chain = persistent ? bernoulliFrom(negH, sampler) : undefined;
    const n = v.shape[0];
    const m = vNeg.shape[0];
    let gW = sub(matmul(v, posH, { transposeA: true }).div(n), matmul(vNeg, negH, { transposeA: true }).div(m));
    const gB = sub(mean(v, 0), mean(vNeg, 0));
    let gC = sub(mean(posH, 0), mean(negH, 0));
    if (weightCost > 0) gW = sub(gW, mul(rbm.weight.value, weightCost));
    let q: Tensor | undefined;
    if (sparsity) {
      const decay = sparsity.decay ?? 0.95;
      const current = mean(posH, 0);
      q = state.q ? state.q.mul(decay).add(current.mul(1 - decay)) : current;
      const excess = sub(q, sparsity.target).mul(sparsity.cost);
      gC = sub(gC, excess);
      gW = sub(gW, matmul(mean(v, 0).reshape([-1, 1]), excess.reshape([1, -1])));
    }
    const old = state.velocity ?? { weight: zerosLike(gW), visibleBias: zerosLike(gB), hiddenBias: zerosLike(gC) };
    const velocity = {
      weight: old.weight.mul(momentum).add(gW.mul(lr)),
      visibleBias: old.visibleBias.mul(momentum).add(gB.mul(lr)),
      hiddenBias: old.hiddenBias.mul(momentum).add(gC.mul(lr)),
    };
    const error = sum(square(sub(v, rbm.visibleMean(posH)))).div(n);
    return {
      weight: rbm.weight.value.add(velocity.weight),
      visibleBias: rbm.visibleBias.value.add(velocity.visibleBias),
      hiddenBias: rbm.hiddenBias.value.add(velocity.hiddenBias),
      velocity,
      chain,
      q,
      error,
    };
  });
}

/** @internal Writes a computed update into `rbm` and `state`; returns the batch's error. */
export function applyCdUpdate(rbm: RBM, state: RbmTrainState, next: CdUpdate): Tensor {
  rbm.weight.assign(next.weight);
  rbm.visibleBias.assign(next.visibleBias);
  rbm.hiddenBias.assign(next.hiddenBias);
  dispose(state.velocity);
  state.velocity = {
    weight: keep(next.velocity.weight),
    visibleBias: keep(next.velocity.visibleBias),
    hiddenBias: keep(next.velocity.hiddenBias),
  };
  if (next.chain) {
    if (state.chain && state.chain !== next.chain) state.chain.dispose();
    state.chain = keep(next.chain);
  }
  if (next.q) {
    if (state.q && state.q !== next.q) state.q.dispose();
    state.q = keep(next.q);
  }
  return next.error;
}
