/**
 * The suite's own minimal optimizers for the compiled-mode cases (the suite does not depend on
 * @backprop/optimizers, whose tests run on backend-cpu, which runs this suite): plain SGD, and
 * Adam on core's shared update rules with its step counts as tensors.
 */
import type { Optimizer, OptimizerState, Parameter, SlotState, Tensor } from '@backprop/core';
import * as core from '@backprop/core';

/** θ ← θ − lr·g; no state besides the learning rate. */
export class SuiteSGD implements Optimizer {
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    params.forEach((p, i) => p.assign(core.sub(p.value, core.mul(grads[i], this.lr))));
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    this.lr = state.groups[0].lr as number;
  }
  dispose(): void {}
}

/**
 * Adam (PyTorch's form, core's `adamMomentsRule` and `adamDirectionRule`), with each parameter's t
 * an int32 tensor in its slot, so the bias corrections are computed on the backend and a traced
 * step is the same graph every call.
 */
export class SuiteAdam implements Optimizer {
  readonly #slots = new Map<string, SlotState>();
  constructor(
    public lr: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {}

  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    const { lr, beta1, beta2, eps } = this;
    const next = new Map<string, SlotState>();
    params.forEach((p, i) => {
      const g = grads[i];
      const old = this.#slots.get(p.name);
      const step = core.add(old?.step ?? core.scalar(0, 'int32'), 1);
      const t = core.cast(step, 'float32');
      const bc1 = core.sub(1, core.pow(core.scalar(beta1), t));
      const bc2 = core.sub(1, core.pow(core.scalar(beta2), t));
      const A = core.tensorArithmetic;
      const { m, v } = core.adamMomentsRule(
        A,
        g,
        old?.tensors.expAvg ?? core.zerosLike(g),
        old?.tensors.expAvgSq ?? core.zerosLike(g),
        beta1,
        beta2,
      );
      p.assign(core.sub(p.value, core.mul(core.adamDirectionRule(A, m, v, bc1, bc2, eps), lr)));
      next.set(p.name, { step, tensors: { expAvg: m, expAvgSq: v } });
    });
    this.setState({ groups: this.getState().groups, slots: next });
  }

  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map(this.#slots) };
  }

  setState(state: OptimizerState): void {
    const own = (t: Tensor) => core.keep(core.stopGradient(t));
    const slots = [...state.slots].map(
      ([k, s]) =>
        [
          k,
          { step: own(s.step), tensors: { expAvg: own(s.tensors.expAvg), expAvgSq: own(s.tensors.expAvgSq) } },
        ] as const,
    );
    this.dispose();
    for (const [k, s] of slots) this.#slots.set(k, s);
    this.lr = state.groups[0].lr as number;
  }

  dispose(): void {
    core.dispose([...this.#slots.values()].flatMap((s) => [s.step, ...Object.values(s.tensors)]));
    this.#slots.clear();
  }
}
