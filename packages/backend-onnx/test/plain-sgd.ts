/** Test helper: plain SGD, θ −= lr·g, with no state (a minimal third-party optimizer). */
import { mul, type Optimizer, type OptimizerState, type Parameter, sub, type Tensor } from '@backprop/core';

/** θ −= lr·g; no state. */
export class PlainSGD implements Optimizer {
  lr: number;
  constructor({ lr = 0.1 }: { lr?: number } = {}) {
    this.lr = lr;
  }
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    params.forEach((p, i) => p.assign(sub(p.value, mul(grads[i], this.lr))));
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    this.lr = state.groups[0].lr as number;
  }
  dispose(): void {}
}
