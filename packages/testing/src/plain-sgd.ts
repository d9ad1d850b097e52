/** Plain gradient descent for tests that need an optimizer without depending on @backprop/optimizers. */
import { type Optimizer, type OptimizerState, type Parameter, type Tensor, tidy } from '@backprop/core';

/**
 * θ ← θ − lr·g, whose only state is the learning rate (so a `TrainingState` can save and restore it).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { fit, losses, nn, setBackend, tensor } from '@backprop/core';
 * import { PlainSGD } from '@backprop/testing';
 *
 * await setBackend(cpu());
 * const x = tensor([[1, 2], [3, 4]]);
 * await fit(nn.dense(2, 1), x, tensor([[1], [2]]), { loss: losses.mse, optimizer: new PlainSGD(0.1), verbose: false });
 * ```
 */
export class PlainSGD implements Optimizer {
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    for (const [i, p] of params.entries()) p.assign(tidy(() => p.value.sub(grads[i].mul(this.lr))));
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    this.lr = state.groups[0].lr as number;
  }
  dispose(): void {}
}
