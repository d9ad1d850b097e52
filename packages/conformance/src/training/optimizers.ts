/**
 * The suite's own minimal optimizers for the compiled-mode cases (the suite does not depend on
 * @backprop/optimizers): plain SGD, and Adam whose step count is a tensor, so that a traced
 * training step is the same graph every call.
 */
import type { Optimizer, Parameter, Tensor } from '@backprop/core';
import * as core from '@backprop/core';

/** θ ← θ − lr·g; no state. */
export class SuiteSGD implements Optimizer {
  constructor(public lr: number) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    params.forEach((p, i) => p.assign(core.sub(p.value, core.mul(grads[i], this.lr))));
  }
  stateDict(): Map<string, Tensor> {
    return new Map();
  }
  loadStateDict(): void {}
  dispose(): void {}
}

/**
 * Adam (PyTorch's form, ε outside the root): θ ← θ − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε), with t
 * a float32 tensor in the state (`t`), so the bias corrections are computed on the backend.
 * `stateDict` returns the optimizer's own tensors (do not dispose them); `loadStateDict` keeps
 * the given ones.
 */
export class SuiteAdam implements Optimizer {
  readonly #state = new Map<string, Tensor>();
  constructor(
    public lr: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {}

  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    const { lr, beta1, beta2, eps } = this;
    const get = (k: string, like: Tensor) => this.#state.get(k) ?? core.zerosLike(like);
    const t = core.add(this.#state.get('t') ?? core.scalar(0), 1);
    const bc1 = core.sub(1, core.pow(core.scalar(beta1), t));
    const bc2 = core.sqrt(core.sub(1, core.pow(core.scalar(beta2), t)));
    const next = new Map<string, Tensor>([['t', t]]);
    params.forEach((p, i) => {
      const g = grads[i];
      const m = core.add(core.mul(get(`m.${i}`, g), beta1), core.mul(g, 1 - beta1));
      const v = core.add(core.mul(get(`v.${i}`, g), beta2), core.mul(core.mul(g, g), 1 - beta2));
      const update = core.div(core.mul(m, core.div(lr, bc1)), core.add(core.div(core.sqrt(v), bc2), eps));
      p.assign(core.sub(p.value, update));
      next.set(`m.${i}`, m);
      next.set(`v.${i}`, v);
    });
    this.loadStateDict(next);
  }

  stateDict(): Map<string, Tensor> {
    return new Map(this.#state);
  }

  loadStateDict(state: ReadonlyMap<string, Tensor>): void {
    for (const [k, v] of state) {
      const old = this.#state.get(k);
      this.#state.set(k, core.keep(v));
      if (old && old !== v) old.dispose();
    }
  }

  dispose(): void {
    core.dispose([...this.#state.values()]);
    this.#state.clear();
  }
}
