/**
 * TEMPORARY: a minimal plain SGD (θ ← θ − η·g) implementing core's `Optimizer`, used only while
 * `@backprop/optimizers` is not built. Delete once that package ships `SGD` and `Adam`.
 */
import { mul, type Optimizer, type Parameter, ShapeError, sub, type Tensor, tidy, ValueError } from '@backprop/core';

/** Plain stochastic gradient descent without momentum or weight decay (bench-local stand-in). */
export class LocalSgd implements Optimizer {
  lr: number;

  constructor({ lr = 0.01 }: { lr?: number } = {}) {
    if (!(lr > 0)) throw new ValueError(`LocalSgd: lr must be > 0, got ${lr}`);
    this.lr = lr;
  }

  /** θ ← θ − η·g for each parameter; validates every pair before changing any. */
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    if (params.length !== grads.length) {
      throw new ShapeError(
        `LocalSgd.step: expected one gradient per parameter, got ${params.length} and ${grads.length}`,
      );
    }
    params.forEach((p, i) => {
      if (grads[i].shape.join() !== p.shape.join()) {
        throw new ShapeError(
          `LocalSgd.step: gradient ${i} has shape [${grads[i].shape}], parameter ${p.name} [${p.shape}]`,
        );
      }
    });
    tidy(() => {
      params.forEach((p, i) => {
        if (p.trainable) p.assign(sub(p.value, mul(grads[i], this.lr)));
      });
    });
  }

  stateDict(): Map<string, Tensor> {
    return new Map();
  }

  loadStateDict(_state: ReadonlyMap<string, Tensor>): void {}

  dispose(): void {}
}
