/** Sequential: a chain of modules applied in order. */
import { otherCopyHint } from '../copies.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { Module } from './module.js';

/** Applies its layers in order. Parameter names are `<index>.<name>` (e.g. `0.weight`). */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((l, i) => {
      if (!(l instanceof Module))
        throw new ValueError(`sequential: layer ${i} is not a Module, got ${typeof l}${otherCopyHint(l, 'Module')}`);
      this.child(String(i), l);
    });
    this.layers = layers;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y);
    return y;
  }
}

/** Chains layers: `sequential(dense(784, 256), relu(), dense(256, 10))`. */
export const sequential = (...layers: Module[]): Sequential => new Sequential(...layers);
