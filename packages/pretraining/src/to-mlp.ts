/** toMlp: turns a stack of pretrained layers into a core MLP with a fresh output layer, ready for fine-tuning. */
import { checkOptionNames, invalid, type Module, nn, optionNames, ShapeError, ValueError } from '@backprop/core';
import { activationFn, activationLayer } from './activation.js';
import type { Encoder } from './encoder.js';
import { checkChain } from './validate.js';

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
 * @throws ShapeError when the layers' sizes do not chain; ValueError for an empty stack, missing
 *   `outputs` or a layer whose activation is not one of the package's.
 */
export function toMlp(layers: readonly Encoder[], options: ToMlpOptions): nn.Sequential {
  checkOptionNames('toMlp', options, optionNames<ToMlpOptions>({ outputs: true, output: true }));
  // Without options (or without outputs) there is no output width to build, not a default to guess.
  if (options?.outputs === undefined)
    throw new ValueError(
      'toMlp: outputs is required: the units of the fresh output layer (e.g. { outputs: 10 } for 10 classes), or { outputs: 0 } for none',
    );
  const { outputs, output = {} } = options;
  if (!Array.isArray(layers) || layers.length === 0)
    throw new ValueError('toMlp: need at least one pretrained layer, got none');
  checkChain('toMlp', layers);
  if (outputs !== 0 && !(Number.isInteger(outputs) && outputs > 0))
    invalid('toMlp', 'outputs', '0 (no output layer) or a positive integer', outputs);
  for (const layer of layers) {
    if (layer.weight.shape[0] !== layer.inputs || layer.weight.shape[1] !== layer.units) {
      throw new ShapeError(
        `toMlp: a layer's weight must be [${layer.inputs}, ${layer.units}], got [${layer.weight.shape}]`,
      );
    }
    activationFn('toMlp', layer.activation);
  }
  const modules: Module[] = [];
  for (const layer of layers) {
    const dense = new nn.Dense(layer.inputs, layer.units);
    dense.weight.assign(layer.weight.value.add(0));
    dense.bias!.assign(layer.hiddenBias.value.add(0));
    modules.push(dense, activationLayer('toMlp', layer.activation));
  }
  if (outputs > 0) modules.push(new nn.Dense(layers[layers.length - 1].units, outputs, output));
  return nn.sequential(...modules);
}
