/** Adam (PyTorch's form) with its step count in a tensor, so a compiled training step replays it exactly. */
import { add, div, keep, mul, pow, scalar, sqrt, sub, zerosLike } from '@backprop/core';

/**
 * θ −= (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε), with t kept as a float32 tensor: the bias corrections
 * are computed on the backend, not from a JavaScript counter, so every step traces the same graph.
 */
export class TensorAdam {
  constructor({ lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}) {
    Object.assign(this, { lr, beta1, beta2, eps });
    this.state = new Map();
  }

  step(params, grads) {
    if (this.state.size === 0) {
      this.state.set('t', keep(scalar(0)));
      params.forEach((p, i) => {
        this.state.set(`m.${i}`, keep(zerosLike(p.value)));
        this.state.set(`v.${i}`, keep(zerosLike(p.value)));
      });
    }
    const { lr, beta1, beta2, eps } = this;
    const t = add(this.state.get('t'), 1);
    const bc1 = sub(1, pow(scalar(beta1), t));
    const bc2 = sqrt(sub(1, pow(scalar(beta2), t)));
    const next = new Map([['t', t]]);
    params.forEach((p, i) => {
      const g = grads[i];
      const m = add(mul(this.state.get(`m.${i}`), beta1), mul(g, 1 - beta1));
      const v = add(mul(this.state.get(`v.${i}`), beta2), mul(mul(g, g), 1 - beta2));
      const update = div(mul(m, div(lr, bc1)), add(div(sqrt(v), bc2), eps));
      p.assign(sub(p.value, update));
      next.set(`m.${i}`, m);
      next.set(`v.${i}`, v);
    });
    this.loadStateDict(next);
  }

  stateDict() {
    return new Map(this.state);
  }

  loadStateDict(state) {
    for (const [k, v] of state) {
      const old = this.state.get(k);
      this.state.set(k, keep(v));
      if (old && old !== v) old.dispose();
    }
  }

  dispose() {
    for (const v of this.state.values()) v.dispose();
    this.state.clear();
  }
}

/** Plain SGD, θ −= lr·g, with no state. */
export class PlainSGD {
  constructor({ lr = 0.1 } = {}) {
    this.lr = lr;
  }
  step(params, grads) {
    params.forEach((p, i) => p.assign(sub(p.value, mul(grads[i], this.lr))));
  }
  stateDict() {
    return new Map();
  }
  loadStateDict() {}
  dispose() {}
}
