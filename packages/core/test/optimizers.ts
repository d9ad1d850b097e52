/** Minimal optimizers for core's tests (core does not depend on @backprop/optimizers). */
import {
  dispose,
  keep,
  type Optimizer,
  type OptimizerState,
  type Parameter,
  type SlotState,
  scalar,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
} from '@backprop/core';

/** Plain gradient descent θ ← θ − αg, counting its steps; its only state is the learning rate. */
export class PlainSGD implements Optimizer {
  steps = 0;
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    for (const [i, p] of params.entries()) p.assign(tidy(() => p.value.sub(grads[i].mul(this.lr))));
    this.steps++;
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    this.lr = state.groups[0].lr as number;
  }
  dispose() {}
}

/** Momentum SGD v ← 0.9v + g, θ ← θ − αv, with a step count and a velocity per parameter. */
export class Momentum implements Optimizer {
  readonly slots = new Map<string, SlotState>();
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    const next = new Map<string, SlotState>();
    params.forEach((p, i) => {
      const old = this.slots.get(p.name);
      const v = old ? old.tensors.velocity.mul(0.9).add(grads[i]) : grads[i].add(0);
      next.set(p.name, { step: (old?.step ?? scalar(0, 'int32')).add(1), tensors: { velocity: v } });
      p.assign(p.value.sub(v.mul(this.lr)));
    });
    this.setState({ groups: this.getState().groups, slots: next });
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map(this.slots) };
  }
  setState(state: OptimizerState): void {
    for (const [k, s] of state.slots) {
      const names = Object.keys(s.tensors);
      if (names.length !== 1 || names[0] !== 'velocity')
        throw new ValueError(
          `Momentum.setState: the slot of ${k} must hold exactly a velocity, got ${JSON.stringify(names)}`,
        );
    }
    const own = (t: Tensor) => keep(stopGradient(t));
    const next = [...state.slots].map(
      ([k, s]) => [k, { step: own(s.step), tensors: { velocity: own(s.tensors.velocity) } }] as const,
    );
    this.dispose();
    for (const [k, s] of next) this.slots.set(k, s);
    this.lr = state.groups[0].lr as number;
  }
  dispose() {
    dispose([...this.slots.values()].flatMap((s) => [s.step, s.tensors.velocity]));
    this.slots.clear();
  }
}
