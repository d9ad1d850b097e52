/** The class every optimizer extends: validation, groups, clipping, all-or-nothing steps and the memory it owns. */
import {
  add,
  cast,
  DTypeError,
  dispose,
  exactKey,
  formatShape,
  formatValue,
  getBackend,
  type Hyperparameters,
  type HyperValue,
  InPlaceUpdates,
  keep,
  kernelsObserved,
  type Optimizer,
  type OptimizerState,
  type OptimizerStateByParameter,
  type OptimizerStepOptions,
  Parameter,
  ShapeError,
  type SlotState,
  scalar,
  shapesEqual,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
  withoutRecording,
} from '@backprop/core';
import { fusedUpdatesOn } from './fused.js';
import {
  type BaseHyper,
  groupOf,
  ownHyperValue,
  type ParamGroup,
  type ParamGroupSpec,
  resolveGroups,
} from './param-groups.js';
import type { GradientTransformation, TransformState, UpdateContext } from './transform.js';
import { clipGradNorm, clipGradValue } from './transforms/clip.js';
import { checkNonNegative, checkOptimizerOptionNames, checkPairs, checkStepOptions } from './validate.js';

/** Options every optimizer accepts besides its hyperparameters. */
export interface CommonOptions<H> {
  /** Parameter groups with their own hyperparameters; parameters in none use the defaults. */
  groups?: readonly ParamGroupSpec<H>[];
  /** Rescale all gradients jointly to this L2 norm at most (torch.nn.utils.clip_grad_norm_). */
  clipGradNorm?: number;
  /** Clamp every gradient element to [−v, v] (torch.nn.utils.clip_grad_value_), after norm clipping. */
  clipGradValue?: number;
}

/**
 * The context of one parameter's update. The step count lives in a tensor (so a compiled step
 * does not change from call to call); the host number `step` is derived without reading the
 * backend when it is known, and read from the tensor only when something asks for it.
 */
class StepContext implements UpdateContext {
  #tensor: Tensor | undefined;
  /** The new step count t (int32 scalar). */
  readonly next: Tensor;
  constructor(
    readonly param: Tensor,
    private readonly prev: Slot | undefined,
    private readonly op: string,
    /** The group's learning rate (float32 scalar). */
    readonly lr: Tensor,
    /** The batch a fused update may queue itself in, to be written in place. */
    readonly inPlace?: InPlaceUpdates,
  ) {
    // Counted on the host when the count is known there: one write instead of a kernel and its
    // operand (a cold cache makes each dispatch costly). A trace must record the kernel, so that
    // the compiled step counts on every replay.
    const known = prev?.hostStep;
    this.next =
      prev === undefined
        ? scalar(1, 'int32')
        : known !== undefined && !kernelsObserved()
          ? scalar(known + 1, 'int32')
          : add(prev.step, 1);
  }
  /** t as a host number, or undefined if that needs a read. */
  get known(): number | undefined {
    if (!this.prev) return 1;
    return this.prev.hostStep === undefined ? undefined : this.prev.hostStep + 1;
  }
  get step(): number {
    const k = this.known;
    if (k !== undefined) return k;
    const t = (this.prev as Slot).step.dataSync()[0];
    if (!(t >= 0)) throw new ValueError(`${this.op}: the step count must be ≥ 0, got ${formatValue(t)}`);
    return t + 1;
  }
  get stepCount(): Tensor {
    return this.next;
  }
  get stepTensor(): Tensor {
    this.#tensor ??= cast(this.next, 'float32');
    return this.#tensor;
  }
}

/** The new value of one parameter and its state, computed before anything is assigned. */
interface Pending {
  param: Parameter;
  value: Tensor;
  slot: Slot;
}

/**
 * Base of every optimizer: each parameter's update is the group's {@link GradientTransformation}
 * (or a fused backend kernel), and θ ← θ + u. `step` validates everything, computes every new
 * value inside `tidy`, and only then assigns, so a throw leaves parameters and state unchanged.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 * import { adam, GradientOptimizer } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(2, 2));
 * const optimizer = adam({ lr: 1e-3, groups: [{ match: (p) => p.name.endsWith('bias'), lr: 1e-2 }] });
 * console.log(optimizer instanceof GradientOptimizer, optimizer.paramGroups.map((g) => g.lr)); // true [0.01, 0.001]
 * ```
 */
export abstract class GradientOptimizer<H extends BaseHyper> implements Optimizer {
  /** The groups; the last is the default group. Change `lr` or other hyperparameters here. */
  readonly paramGroups: ParamGroup<H>[];
  readonly clipGradNorm?: number;
  readonly clipGradValue?: number;
  #slots = new Map<Parameter, Slot>();
  #loaded = new Map<string, Slot>();
  /** Each group's learning rate as the float32 scalar the updates read, remade when the rate changes. */
  #lrTensors: ({ value: number; tensor: Tensor } | undefined)[] = [];
  /** θ saved by a look-ahead (`beforeGradient`), restored by the next step. */
  protected readonly origins = new Map<Parameter, Tensor>();

  protected constructor(
    readonly name: string,
    defaults: H,
    options: CommonOptions<H>,
  ) {
    const { groups, clipGradNorm: clipNorm, clipGradValue: clipValue } = options;
    if (groups !== undefined && !Array.isArray(groups))
      throw new ValueError(`${name}: groups must be an array of parameter groups, got ${formatValue(groups)}`);
    checkOptimizerOptionNames(name, Object.keys(defaults), options, groups);
    if (clipNorm !== undefined) checkNonNegative(name, 'clipGradNorm', clipNorm);
    if (clipValue !== undefined) checkNonNegative(name, 'clipGradValue', clipValue);
    this.paramGroups = resolveGroups(defaults, groups);
    for (const g of this.paramGroups) this.validate(g);
    this.clipGradNorm = clipNorm;
    this.clipGradValue = clipValue;
  }

  /** Throws a typed error for a bad hyperparameter (checked at construction and every step). */
  protected abstract validate(h: H): void;
  /** The update rule for a group's hyperparameters; `lr` is the group's rate as a float32 scalar tensor. */
  protected abstract transform(h: H, lr: Tensor): GradientTransformation;
  /**
   * A fused backend update, when one applies; undefined falls back to {@link transform}. Read
   * `ctx.step` only once the kernel is known to exist: it may read the step count.
   */
  protected fused(
    _param: Tensor,
    _grad: Tensor,
    _state: TransformState,
    _ctx: UpdateContext,
    _h: H,
  ): { param: Tensor; state: TransformState } | undefined {
    return undefined;
  }

  /**
   * What a compiled step's graph depends on beside the hyperparameters: whether fused update
   * kernels are on (`useFusedUpdates`), which picks the update the graph holds, and the gradient
   * clipping bounds (fields a JavaScript caller can still set). A change retraces.
   */
  traceKey(): string {
    return `${fusedUpdatesOn() ? 'fused' : 'composed'}|clip ${exactKey([this.clipGradNorm ?? null, this.clipGradValue ?? null])}`;
  }

  /** The index in {@link paramGroups} of the group `p` is updated with (the last, the default group, when none selects it). */
  groupIndex(p: Parameter): number {
    if (!(p instanceof Parameter))
      throw new ValueError(`${this.name}.groupIndex: expected a Parameter, got ${formatValue(p)}`);
    return this.paramGroups.indexOf(this.groupOf(p));
  }

  /** The default group's learning rate; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[this.paramGroups.length - 1].lr;
  }
  set lr(value: number) {
    checkNonNegative(this.name, 'lr', value);
    for (const g of this.paramGroups) g.lr = value;
  }

  /** The group of `p`. */
  groupOf(p: Parameter): ParamGroup<H> {
    return groupOf(this.paramGroups, p);
  }

  /** The state of `p` (step count and named tensors), or undefined before its first step. */
  protected slotOf(p: Parameter): Slot | undefined {
    return this.#slots.get(p) ?? this.#loaded.get(p.name);
  }

  /**
   * Applies one update; all-or-nothing. Frozen parameters (`trainable = false`) are skipped.
   * Every new value is computed before any is assigned, so the old and new parameters and
   * state are both held at the end of the update (what makes a throw harmless). With
   * `releaseGradients`, each gradient is freed once its parameter's update is computed. With
   * `inPlace`, fused updates whose tensors nothing else shares are queued instead and written
   * into the parameter and state by one pass once every other value is computed (guarded by
   * `guard`): no second copy, and still nothing changes when anything before that pass throws.
   */
  step(params: readonly Parameter[], grads: readonly Tensor[], options: OptimizerStepOptions = {}): void {
    checkPairs(`${this.name}.step`, params, grads);
    checkStepOptions(`${this.name}.step`, options);
    for (const g of this.paramGroups) this.validate(g);
    const live = params.map((p, i) => [p, grads[i]] as const).filter(([p]) => p.trainable);
    for (const [p] of live) this.slotOf(p)?.check(`${this.name}.step`, p);
    const release = options.releaseGradients === true ? grads : undefined;
    const batch = options.inPlace === true ? new InPlaceUpdates({ guard: options.guard }) : undefined;
    let pending: Pending[];
    try {
      pending = tidy(() => withoutRecording(() => this.compute(live, release, batch)));
    } finally {
      batch?.discard(); // after a commit: nothing left; after a throw: the queued writes never happen
    }
    for (const { param, value, slot } of pending) {
      const old = this.slotOf(param);
      const origin = this.origins.get(param);
      param.assign(value);
      origin?.dispose();
      this.origins.delete(param);
      if (old) {
        for (const [k, t] of Object.entries(old.state)) if (slot.state[k] !== t) t.dispose();
        old.step.dispose();
      }
      // The slot it was restored under by name is now this parameter's (a loaded slot of another
      // parameter that happens to carry the same name now stays where it is).
      if (old !== undefined && this.#loaded.get(param.name) === old) this.#loaded.delete(param.name);
      this.#slots.set(param, slot);
    }
  }

  private compute(
    live: readonly (readonly [Parameter, Tensor])[],
    release: readonly Tensor[] | undefined,
    batch: InPlaceUpdates | undefined,
  ): Pending[] {
    let grads = live.map(([, g]) => g);
    if (this.clipGradNorm !== undefined) grads = clipGradNorm(grads, this.clipGradNorm).grads;
    if (this.clipGradValue !== undefined) grads = clipGradValue(grads, this.clipGradValue);
    // Gradients to free as they are consumed: the caller's (every one, frozen parameters' too) and
    // the clipped ones, each once no later update reads it (one tensor may serve two parameters).
    const readers = new Map<Tensor, number>();
    if (release) {
      for (const g of grads) readers.set(g, (readers.get(g) ?? 0) + 1);
      for (const g of release) if (!readers.has(g)) g.dispose(); // a frozen parameter's, or clipped away
    }
    const consumed = (g: Tensor) => {
      const n = (readers.get(g) ?? 1) - 1;
      readers.set(g, n);
      if (n === 0) g.dispose();
    };
    const queuedGrads: Tensor[] = [];
    const out = live.map(([p], i) => {
      const h = this.groupOf(p);
      const origin = this.origins.get(p);
      const theta = origin ?? p.value;
      const old = this.slotOf(p);
      const lr = this.#lrTensor(this.paramGroups.indexOf(h));
      // A look-ahead's θ is not the parameter's tensor: that update stays out of place.
      const ctx = new StepContext(theta, old, `${this.name}.step`, lr, origin ? undefined : batch);
      // The composed rule is built only when a fused kernel does not take the update (or to make a first state).
      const rule = () => this.transform(h, lr);
      const state = old ? old.state : rule().init(theta);
      const fused = this.fused(theta, grads[i], state, ctx, h);
      const r = fused ? { value: fused.param, state: fused.state } : rule().update(grads[i], state, ctx);
      const value = fused ? fused.param : add(theta, (r as { updates: Tensor }).updates);
      // A fused update queued in place returns θ and the state tensors themselves (no other
      // update returns θ): they are already the parameter's and the slot's own.
      const inPlace = value === theta;
      // Results that alias an input become views now, so the gradient can be freed at once.
      const inputs = [theta, grads[i]];
      const alias = (t: Tensor): Tensor => (inputs.includes(t) ? stopGradient(t) : t);
      const next: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(r.state)) next[k] = old?.state[k] === t || inPlace ? t : alias(t);
      if (release && inPlace) queuedGrads.push(grads[i]);
      else if (release) consumed(grads[i]);
      return { param: p, value: inPlace ? value : alias(value), inPlace, state: next, ctx, old };
    });
    // Every value is computed: the queued updates cannot fail now; write them all.
    batch?.commit();
    for (const g of queuedGrads) consumed(g);
    // Only now, with every value computed, take ownership: inputs are aliased, not shared.
    return out.map(({ param, value, inPlace, state, ctx, old }) => {
      const own = (t: Tensor): Tensor => keep(t.kept ? stopGradient(t) : t);
      const next: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(state)) next[k] = old?.state[k] === t ? t : own(t);
      return { param, value: inPlace ? value : own(value), slot: new SlotImpl(keep(ctx.next), ctx.known, next) };
    });
  }

  /**
   * The state as typed records: each group's hyperparameters (host values, the default group
   * last) and each parameter's slot by name. The tensors are the optimizer's own: valid until its
   * next step, `setState` or `dispose`; do not dispose them.
   */
  getState(): OptimizerState {
    const slots = new Map<string, SlotState>();
    for (const [name, s] of this.#loaded) slots.set(name, { step: s.step, tensors: s.state });
    for (const [p, s] of this.#slots) {
      if (slots.has(p.name) && !this.#loaded.has(p.name))
        throw new ValueError(`${this.name}.getState: two parameters are named "${p.name}"; names must be unique`);
      slots.set(p.name, { step: s.step, tensors: s.state });
    }
    return {
      groups: this.paramGroups.map(hyperOf),
      slots,
      lrTensors: this.paramGroups.map((_, i) => this.#lrTensor(i)),
    };
  }

  /** Group `i`'s learning rate as a kept float32 scalar, reused while the rate is unchanged. */
  #lrTensor(i: number): Tensor {
    const lr = this.paramGroups[i].lr;
    const cached = this.#lrTensors[i];
    // Remade on the current backend too: a run resumed there from a checkpoint (its slots moved
    // with it) would otherwise read the old backend's rate and fail every step.
    if (cached && Object.is(cached.value, lr) && cached.tensor.ref.backend === getBackend()) return cached.tensor;
    cached?.tensor.dispose();
    const tensor = keep(scalar(lr, 'float32'));
    this.#lrTensors[i] = { value: lr, tensor };
    return tensor;
  }

  /**
   * Restores a {@link getState} (from a checkpoint or a compiled step). Every group and slot is
   * checked first — the same hyperparameter names and kinds, values the constructor would
   * accept, int32 scalar step counts, float32 state — and nothing changes on an error. Slots
   * attach to parameters by name at their next step; the optimizer keeps views, so the caller
   * may free `state` afterwards. Step counts are not read (they may still be computing).
   */
  setState(state: OptimizerState): void {
    const op = `${this.name}.setState`;
    if (!state || !Array.isArray(state.groups) || !(state.slots instanceof Map))
      throw new ValueError(`${op}: expected { groups: Hyperparameters[], slots: Map<string, SlotState> }`);
    this.#replace(op, state.groups, state.slots);
  }

  /**
   * The state with each slot keyed by its parameter object (by name while a slot restored by
   * name waits for its parameter's next step): what `trainStep` snapshots and a compiled step
   * reads, since a parameter's name changes with the module it is listed from. Tensors as in
   * {@link getState}.
   */
  getStateByParameter(): OptimizerStateByParameter {
    const slots = new Map<Parameter | string, SlotState>();
    for (const [name, s] of this.#loaded) slots.set(name, { step: s.step, tensors: s.state });
    for (const [p, s] of this.#slots) slots.set(p, { step: s.step, tensors: s.state });
    return {
      groups: this.paramGroups.map(hyperOf),
      slots,
      lrTensors: this.paramGroups.map((_, i) => this.#lrTensor(i)),
    };
  }

  /**
   * Restores a {@link getStateByParameter}: each slot keyed by a parameter goes back to that
   * parameter whatever its name is now; checked as {@link setState}, nothing changes on an error.
   */
  setStateByParameter(state: OptimizerStateByParameter): void {
    const op = `${this.name}.setStateByParameter`;
    if (!state || !Array.isArray(state.groups) || !(state.slots instanceof Map))
      throw new ValueError(`${op}: expected { groups: Hyperparameters[], slots: Map<Parameter | string, SlotState> }`);
    this.#replace(op, state.groups, state.slots);
  }

  /** Checks `groups` and `slots` (keyed by parameter or name), then replaces every group's hyperparameters and every slot. */
  #replace(
    op: string,
    stateGroups: readonly Hyperparameters[],
    stateSlots: ReadonlyMap<Parameter | string, SlotState>,
  ) {
    if (stateGroups.length !== this.paramGroups.length)
      throw new ValueError(`${op}: expected ${this.paramGroups.length} groups, got ${stateGroups.length}`);
    const groups = stateGroups.map((g, i) => {
      const own = hyperOf(this.paramGroups[i]);
      for (const [k, v] of Object.entries(own)) {
        if (!(k in g)) throw new ValueError(`${op}: group ${i} has no ${k}`);
        if (!sameKind(v, g[k]))
          throw new ValueError(
            `${op}: group ${i}'s ${k} must be a ${typeof v} like ${JSON.stringify(v)}, got ${JSON.stringify(g[k])}`,
          );
      }
      const extra = Object.keys(g).filter((k) => !(k in own));
      if (extra.length > 0)
        throw new ValueError(`${op}: group ${i} has unknown hyperparameters ${JSON.stringify(extra)}`);
      const merged = { ...this.paramGroups[i], ...g } as ParamGroup<H>;
      this.validate(merged);
      return merged;
    });
    for (const [key, slot] of stateSlots) {
      if (typeof key !== 'string' && !(key instanceof Parameter))
        throw new ValueError(`${op}: slots must be keyed by parameter name or Parameter, got ${formatValue(key)}`);
      const name = typeof key === 'string' ? key : key.name;
      if (!slot || typeof slot !== 'object') throw new ValueError(`${op}: the slot of "${name}" is not a record`);
      slot.step.assertLive(`${op} (step count of ${name})`);
      if (slot.step.dtype !== 'int32' || slot.step.size !== 1)
        throw new DTypeError(
          `${op}: the step count of ${name} must be an int32 scalar, got ${slot.step.dtype}${formatShape(slot.step.shape)}`,
        );
      for (const [k, t] of Object.entries(slot.tensors) as [string, Tensor][]) {
        t.assertLive(`${op} (state ${k} of ${name})`);
        if (t.dtype !== 'float32') throw new DTypeError(`${op}: state ${k} of ${name} must be float32, got ${t.dtype}`);
      }
    }
    const view = (t: Tensor) => keep(stopGradient(t));
    const byName = new Map<string, Slot>();
    const byParameter = new Map<Parameter, Slot>();
    for (const [key, slot] of stateSlots) {
      const tensors = Object.fromEntries(Object.entries(slot.tensors).map(([k, t]) => [k, view(t as Tensor)]));
      const restored = new SlotImpl(
        keep(slot.step.rank === 0 ? stopGradient(slot.step) : slot.step.reshape([])),
        undefined,
        tensors,
      );
      if (typeof key === 'string') byName.set(key, restored);
      else byParameter.set(key, restored);
    }
    this.#freeSlots();
    this.#loaded = byName;
    this.#slots = byParameter;
    groups.forEach((g, i) => {
      // The group's own copies: the caller's arrays (`betas`) are not aliased.
      for (const [k, v] of Object.entries(g)) (this.paramGroups[i] as Record<string, unknown>)[k] = ownHyperValue(v);
    });
  }

  #freeSlots(): void {
    for (const s of [...this.#slots.values(), ...this.#loaded.values()]) dispose([s.step, ...Object.values(s.state)]);
    dispose([...this.origins.values()]);
    this.#slots.clear();
    this.#loaded.clear();
    this.origins.clear();
  }

  /** Frees every state tensor (step counts, moments, buffers, saved look-ahead origins, learning-rate tensors). */
  dispose(): void {
    this.#freeSlots();
    for (const c of this.#lrTensors) c?.tensor.dispose();
    this.#lrTensors = [];
  }
}

/** A group's hyperparameters without its parameter selection. */
function hyperOf(g: ParamGroup<BaseHyper>): Hyperparameters {
  const out: Record<string, HyperValue> = {};
  for (const [k, v] of Object.entries(g)) {
    if (k === 'params' || k === 'match' || v === undefined) continue;
    out[k] = Array.isArray(v) ? [...v] : (v as HyperValue);
  }
  return out;
}

function sameKind(a: HyperValue, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && b.length === a.length && b.every((x) => typeof x === 'number');
  return typeof b === typeof a;
}

/** One parameter's optimizer state. */
interface Slot {
  /** Steps taken (t of the last update), an int32 scalar tensor the slot owns. */
  readonly step: Tensor;
  /** The same count as a host number when it is known without reading the tensor. */
  readonly hostStep: number | undefined;
  /** Named state tensors (moments, buffers). */
  readonly state: Readonly<Record<string, Tensor>>;
  /** Throws if a state tensor is disposed or does not fit `p`. */
  check(op: string, p: Parameter): void;
}

class SlotImpl implements Slot {
  constructor(
    readonly step: Tensor,
    readonly hostStep: number | undefined,
    readonly state: Readonly<Record<string, Tensor>>,
  ) {}
  check(op: string, p: Parameter): void {
    this.step.assertLive(`${op} (step count of ${p.name})`);
    for (const [k, t] of Object.entries(this.state)) {
      t.assertLive(`${op} (state ${k} of ${p.name})`);
      if (!shapesEqual(t.shape, p.value.shape)) {
        throw new ShapeError(
          `${op}: state ${k} of ${p.name} has shape ${formatShape(t.shape)}, the parameter ${formatShape(p.value.shape)}`,
        );
      }
    }
  }
}
