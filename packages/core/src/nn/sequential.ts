/** Sequential: a chain of modules applied in order. */
import { otherCopyHint } from '../copies.js';
import { BackpropError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { layerKind } from './layer-kind.js';
import { Module } from './module.js';

/**
 * Applies its layers in order. Parameter names are `<index>.<name>` (e.g. `0.weight`).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = new nn.Sequential(nn.dense(2, 4), nn.tanh(), nn.dense(4, 1));
 * console.log(model.parameters().length); // 4: two weights, two biases
 * ```
 */
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

  /**
   * Runs the layers in order. An error a layer throws on purpose (a `BackpropError`, e.g. a
   * ShapeError) keeps its class and gains where it happened: `layer 2 (Dense): matmul: …`.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    this.layers.forEach((layer, i) => {
      try {
        y = layer.forward(y);
      } catch (e) {
        if (e instanceof BackpropError) {
          const where = `layer ${i} (${layerKind(layer)})`;
          const { stack } = e; // read first: V8 formats the stack lazily from the message
          e.message = `${where}: ${e.message}`;
          if (stack) e.stack = stack.replace(/^(\w*Error): /, `$1: ${where}: `);
        }
        throw e;
      }
    });
    return y;
  }
}

/**
 * Chains layers: `sequential(dense(784, 256), relu(), dense(256, 10))`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend, zeros } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(784, 128), nn.relu(), nn.dense(128, 10));
 * console.log(model.forward(zeros([32, 784])).shape); // [32, 10]
 * ```
 */
export const sequential = (...layers: Module[]): Sequential => new Sequential(...layers);
