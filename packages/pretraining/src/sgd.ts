/** A minimal SGD with momentum implementing core's Optimizer: the default for pretraining when none is given. */
import { dispose, keep, type Optimizer, type Parameter, type Tensor, ValueError } from '@backprop/core';

/**
 * Plain SGD with PyTorch-style momentum (v ← μv + g, θ ← θ − γv). Pass any Optimizer from
 * `@backprop/optimizers` instead for anything else; this one only keeps the package free of a
 * runtime dependency on it.
 */
export function sgd({ lr = 0.1, momentum = 0 }: { lr?: number; momentum?: number } = {}): Optimizer {
  if (!(lr > 0) || !(momentum >= 0 && momentum < 1))
    throw new ValueError(`sgd: need lr > 0 and momentum in [0, 1), got lr ${lr}, momentum ${momentum}`);
  let velocity = new Map<Parameter, Tensor>();
  return {
    lr,
    step(params, grads) {
      if (params.length !== grads.length)
        throw new ValueError(`sgd.step: ${params.length} parameters but ${grads.length} gradients`);
      params.forEach((p, i) => {
        let g = grads[i];
        if (momentum > 0) {
          const old = velocity.get(p);
          g = keep(old ? old.mul(momentum).add(g) : g.add(0));
          old?.dispose();
          velocity.set(p, g);
        }
        p.assign(p.value.sub(g.mul(this.lr)));
      });
    },
    stateDict: () => new Map([...velocity].map(([p, v]) => [p.name, v])),
    loadStateDict() {},
    dispose() {
      dispose([...velocity.values()]);
      velocity = new Map();
    },
  };
}
