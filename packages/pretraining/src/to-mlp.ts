/** toMlp: turns a stack of pretrained layers into a core MLP with a fresh output layer, ready for fine-tuning. */
import { checkOptionNames, type Module, nn, optionNames, ShapeError, ValueError } from '@backprop/core';
import { activationLayer } from './activation.js';
import type { Encoder } from './encoder.js';
import { checkChain, positiveInt } from './validate.js';

/** Options of {@link toMlp}. */
export interface ToMlpOptions {
  /** Units of the fresh output layer (e.g. 10 classes); 0 adds none. */
  outputs: number;
  /** Options of the output layer (initializer, seed; default core Dense's). */
  output?: nn.DenseOptions;
}

/**
 * A core `Sequential` of `Dense(inputs, units)` + activation per pretrained layer, with the
 * layer's W and hidden bias copied (not shared), then a fresh `Dense(units, outputs)` emitting
 * logits (pair with `losses.softmaxCrossEntropy`). Visible biases and decoders are dropped.
 * Fine-tune it with core's `fit` and any Optimizer and penalties.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { RBM, toMlp } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const model = toMlp([new RBM(784, 500), new RBM(500, 250)], { outputs: 10, output: { seed: 0 } });
 * console.log(model.layers.length); // 5: dense, sigmoid, dense, sigmoid, dense
 * ```
 * @throws ShapeError when the layers' sizes do not chain; ValueError for an empty stack.
 */
export function toMlp(layers: readonly Encoder[], options: ToMlpOptions): nn.Sequential {
  checkOptionNames('toMlp', options, optionNames<ToMlpOptions>({ outputs: true, output: true }));
  const { outputs, output = {} } = options;
  if (!Array.isArray(layers) || layers.length === 0)
    throw new ValueError('toMlp: need at least one pretrained layer, got none');
  checkChain('toMlp', layers);
  if (outputs !== 0) positiveInt('toMlp', 'outputs', outputs);
  const modules: Module[] = [];
  for (const layer of layers) {
    if (layer.weight.shape[0] !== layer.inputs || layer.weight.shape[1] !== layer.units) {
      throw new ShapeError(
        `toMlp: a layer's weight must be [${layer.inputs}, ${layer.units}], got [${layer.weight.shape}]`,
      );
    }
    const dense = new nn.Dense(layer.inputs, layer.units);
    dense.weight.assign(layer.weight.value.add(0));
    dense.bias!.assign(layer.hiddenBias.value.add(0));
    modules.push(dense, activationLayer(layer.activation));
  }
  if (outputs > 0) modules.push(new nn.Dense(layers[layers.length - 1].units, outputs, output));
  return nn.sequential(...modules);
}
