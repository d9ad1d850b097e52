/** The class every optimizer extends: validation, groups, clipping, all-or-nothing steps and the memory it owns. */
import {
  add,
  cast,
  dispose,
  formatShape,
  keep,
  type Optimizer,
  type Parameter,
  ShapeError,
  scalar,
  shapesEqual,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
  withoutRecording,
} from '@backprop/core';
import { type BaseHyper, groupOf, type ParamGroup, type ParamGroupSpec, resolveGroups } from './param-groups.js';
import { decodeState, encodeNumber, encodeState, type Slot } from './state-dict.js';
import type { GradientTransformation, TransformState, UpdateContext } from './transform.js';
import { clipGradNorm, clipGradValue } from './transforms/clip.js';
import { checkNonNegative, checkPairs } from './validate.js';

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
  ) {
    this.next = prev ? add(prev.step, 1) : scalar(1, 'int32');
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
    if (!(t >= 0)) throw new ValueError(`${this.op}: the step count must be ≥ 0, got ${t}`);
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
 */
export abstract class GradientOptimizer<H extends BaseHyper> implements Optimizer {
  /** The groups; the last is the default group. Change `lr` or other hyperparameters here. */
  readonly paramGroups: ParamGroup<H>[];
  readonly clipGradNorm?: number;
  readonly clipGradValue?: number;
  #slots = new Map<Parameter, Slot>();
  #loaded = new Map<string, Slot>();
  /** Each group's lr as the int32[2] tensor `stateDict` hands out, reused while the lr is unchanged. */
  #lrTensors: ({ value: number; tensor: Tensor } | undefined)[] = [];
  /** θ saved by a look-ahead (`beforeGradient`), restored by the next step. */
  protected readonly origins = new Map<Parameter, Tensor>();

  protected constructor(
    readonly name: string,
    defaults: H,
    { groups, clipGradNorm: clipNorm, clipGradValue: clipValue }: CommonOptions<H>,
  ) {
    if (clipNorm !== undefined) checkNonNegative(name, 'clipGradNorm', clipNorm);
    if (clipValue !== undefined) checkNonNegative(name, 'clipGradValue', clipValue);
    this.paramGroups = resolveGroups(defaults, groups);
    for (const g of this.paramGroups) this.validate(g);
    this.clipGradNorm = clipNorm;
    this.clipGradValue = clipValue;
  }

  /** Throws a typed error for a bad hyperparameter (checked at construction and every step). */
  protected abstract validate(h: H): void;
  /** The update rule for a group's hyperparameters. */
  protected abstract transform(h: H): GradientTransformation;
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

  /** Applies one update; all-or-nothing. Frozen parameters (`trainable = false`) are skipped. */
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    checkPairs(`${this.name}.step`, params, grads);
    for (const g of this.paramGroups) this.validate(g);
    const live = params.map((p, i) => [p, grads[i]] as const).filter(([p]) => p.trainable);
    for (const [p] of live) this.slotOf(p)?.check(`${this.name}.step`, p);
    const pending = tidy(() => withoutRecording(() => this.compute(live)));
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
      this.#loaded.delete(param.name);
      this.#slots.set(param, slot);
    }
  }

  private compute(live: readonly (readonly [Parameter, Tensor])[]): Pending[] {
    let grads = live.map(([, g]) => g);
    if (this.clipGradNorm !== undefined) grads = clipGradNorm(grads, this.clipGradNorm).grads;
    if (this.clipGradValue !== undefined) grads = clipGradValue(grads, this.clipGradValue);
    const out = live.map(([p], i) => {
      const h = this.groupOf(p);
      const theta = this.origins.get(p) ?? p.value;
      const old = this.slotOf(p);
      const ctx = new StepContext(theta, old, `${this.name}.step`);
      const rule = this.transform(h);
      const state = old ? old.state : rule.init(theta);
      const fused = this.fused(theta, grads[i], state, ctx, h);
      const r = fused ? { value: fused.param, state: fused.state } : rule.update(grads[i], state, ctx);
      const value = fused ? fused.param : add(theta, (r as { updates: Tensor }).updates);
      return { param: p, value, state: r.state, ctx, old, inputs: [theta, grads[i]] };
    });
    // Only now, with every value computed, take ownership: inputs are aliased, not shared.
    return out.map(({ param, value, state, ctx, old, inputs }) => {
      const own = (t: Tensor): Tensor => keep(inputs.includes(t) || t.kept ? stopGradient(t) : t);
      const next: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(state)) next[k] = old?.state[k] === t ? t : own(t);
      return { param, value: own(value), slot: new SlotImpl(keep(ctx.next), ctx.known, next) };
    });
  }

  /**
   * Step counts, state tensors (by parameter name) and group learning rates. The tensors are the
   * optimizer's own, as with `Module.stateDict`: valid until its next step, load or dispose; do
   * not dispose them (copy or save them to keep a snapshot). Reused tensors (the same lr, the
   * same state) make a compiled training step trace the same graph every call.
   */
  stateDict(): Map<string, Tensor> {
    const slots = new Map<string, Slot>(this.#loaded);
    for (const [p, s] of this.#slots) {
      if (slots.has(p.name) && !this.#loaded.has(p.name))
        throw new ValueError(`${this.name}.stateDict: two parameters are named "${p.name}"; names must be unique`);
      slots.set(p.name, s);
    }
    return encodeState(
      slots,
      this.paramGroups.map((g, i) => this.#lrTensor(i, g.lr)),
    );
  }

  #lrTensor(i: number, lr: number): Tensor {
    const cached = this.#lrTensors[i];
    if (cached && Object.is(cached.value, lr)) return cached.tensor;
    cached?.tensor.dispose();
    const tensor = keep(encodeNumber(lr));
    this.#lrTensors[i] = { value: lr, tensor };
    return tensor;
  }

  /**
   * Restores a {@link stateDict}; state attaches to parameters by name at their next step. The
   * optimizer keeps views: the caller may free `state` afterwards.
   */
  loadStateDict(state: ReadonlyMap<string, Tensor>): void {
    const known = new Map<object, number>();
    for (const c of this.#lrTensors) if (c && !c.tensor.disposed) known.set(c.tensor.ref, c.value);
    const { slots, lrs } = decodeState(
      `${this.name}.loadStateDict`,
      state,
      this.paramGroups.length,
      known,
      (s, t) => new SlotImpl(s, undefined, t),
    );
    for (const lr of lrs) if (lr !== undefined) checkNonNegative(`${this.name}.loadStateDict`, 'lr', lr);
    this.#freeSlots();
    this.#loaded = slots;
    lrs.forEach((lr, i) => {
      if (lr !== undefined) this.paramGroups[i].lr = lr;
    });
  }

  #freeSlots(): void {
    for (const s of [...this.#slots.values(), ...this.#loaded.values()]) dispose([s.step, ...Object.values(s.state)]);
    dispose([...this.origins.values()]);
    this.#slots.clear();
    this.#loaded.clear();
    this.origins.clear();
  }

  /** Frees every state tensor (step counts, moments, buffers, saved look-ahead origins, lr tensors). */
  dispose(): void {
    this.#freeSlots();
    for (const c of this.#lrTensors) c?.tensor.dispose();
    this.#lrTensors = [];
  }
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
