/** SupervisedLayer: one hidden layer trained greedily with a temporary softmax output (Bengio et al. 2007). */
import { Module, matmul, nn, type Parameter, type Tensor } from '@backprop/core';
import { activationFn } from './activation.js';
import type { ActivationName, Encoder } from './encoder.js';
import { positiveInt } from './validate.js';

/**
 * A hidden layer h = act(xW + c), W [inputs, units], initialised as core Dense (U(±1/√inputs)).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, zeros } from '@backprop/core';
 * import { SupervisedLayer, toMlp } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const layer = new SupervisedLayer(2, 16, 'tanh', { seed: 0 });
 * console.log(layer.encode(zeros([5, 2])).shape); // [5, 16]
 * const model = toMlp([layer], { outputs: 3 });
 * ```
 */
export class SupervisedLayer extends Module implements Encoder {
  readonly weight: Parameter;
  readonly hiddenBias: Parameter;

  constructor(
    readonly inputs: number,
    readonly units: number,
    readonly activation: ActivationName = 'sigmoid',
    { seed }: { seed?: number } = {},
  ) {
    super();
    positiveInt('SupervisedLayer', 'inputs', inputs);
    positiveInt('SupervisedLayer', 'units', units);
    activationFn('SupervisedLayer', activation);
    const init = nn.torchDefault;
    this.weight = this.parameter('weight', init([inputs, units], { fanIn: inputs, fanOut: units, seed }));
    this.hiddenBias = this.parameter(
      'hiddenBias',
      init([units], { fanIn: inputs, fanOut: units, seed: seed === undefined ? undefined : seed + 1 }),
    );
  }

  /** act(xW + c). */
  encode(x: Tensor): Tensor {
    return activationFn('SupervisedLayer', this.activation)(matmul(x, this.weight.value).add(this.hiddenBias.value));
  }

  forward(x: Tensor): Tensor {
    return this.encode(x);
  }
}
