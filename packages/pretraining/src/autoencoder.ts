/** Autoencoder: one hidden layer, tied or untied weights, cross-entropy or squared-error reconstruction. */
import {
  checkOptionNames,
  losses,
  Module,
  matmul,
  optionNames,
  type Parameter,
  randomUniform,
  sigmoid,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { activationFn } from './activation.js';
import type { ActivationName, Encoder } from './encoder.js';
import { optionalBoolean, positiveInt } from './validate.js';

/** Reconstruction losses. */
export type ReconstructionLoss = 'crossEntropy' | 'squaredError';

/** Options of {@link Autoencoder}. */
export interface AutoencoderOptions {
  /** Decoder weight = Wᵀ (default true). */
  tied?: boolean;
  /** Hidden activation (default 'sigmoid'). */
  activation?: ActivationName;
  /** Output activation: 'sigmoid' or 'linear' (default 'sigmoid' for cross-entropy, else 'linear'). */
  outputActivation?: 'sigmoid' | 'linear';
  /** 'crossEntropy' (inputs in [0, 1], sigmoid output) or 'squaredError' (default 'crossEntropy'). */
  loss?: ReconstructionLoss;
  /** Seed of the initial weights (default: the global generator). */
  seed?: number;
}

/** @internal Every option of {@link Autoencoder}. */
export const AUTOENCODER_OPTIONS = optionNames<AutoencoderOptions>({
  tied: true,
  activation: true,
  outputActivation: true,
  loss: true,
  seed: true,
});

/**
 * An autoencoder h = act(xW + c), x̂ = out(hW′ + b) with W [inputs, units] and W′ = Wᵀ (tied)
 * or its own [units, inputs] weight. Weights start at U(±r), r = √(6/(inputs+units)) (Glorot),
 * times 4 for sigmoid units (the Theano tutorial's dA); biases at 0.
 * Loss per batch, averaged over examples and summed over inputs:
 * cross-entropy −Σᵢ[xᵢ log x̂ᵢ + (1−xᵢ) log(1−x̂ᵢ)] (computed from logits), or squared error ½‖x̂ − x‖².
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, zeros } from '@backprop/core';
 * import { Autoencoder } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const ae = new Autoencoder(16, 4, { activation: 'tanh', outputActivation: 'linear', loss: 'squaredError' });
 * console.log(ae.encode(zeros([2, 16])).shape, ae.reconstruct(zeros([2, 16])).shape); // [2, 4] [2, 16]
 * ```
 */
export class Autoencoder extends Module implements Encoder {
  readonly weight: Parameter;
  readonly hiddenBias: Parameter;
  readonly decoderWeight?: Parameter;
  readonly visibleBias: Parameter;
  readonly activation: ActivationName;
  readonly outputActivation: 'sigmoid' | 'linear';
  readonly loss: ReconstructionLoss;

  constructor(
    readonly inputs: number,
    readonly units: number,
    options: AutoencoderOptions = {},
  ) {
    super();
    checkOptionNames('Autoencoder', options, AUTOENCODER_OPTIONS);
    const { tied = true, activation = 'sigmoid', loss = 'crossEntropy', outputActivation, seed } = options;
    optionalBoolean('Autoencoder', 'tied', options.tied);
    positiveInt('Autoencoder', 'inputs', inputs);
    positiveInt('Autoencoder', 'units', units);
    activationFn('Autoencoder', activation);
    if (loss !== 'crossEntropy' && loss !== 'squaredError')
      throw new ValueError(`Autoencoder: loss must be 'crossEntropy' or 'squaredError', got ${String(loss)}`);
    const out = outputActivation ?? (loss === 'crossEntropy' ? 'sigmoid' : 'linear');
    if (out !== 'sigmoid' && out !== 'linear')
      throw new ValueError(`Autoencoder: outputActivation must be 'sigmoid' or 'linear', got ${String(out)}`);
    if (loss === 'crossEntropy' && out !== 'sigmoid')
      throw new ValueError(`Autoencoder: cross-entropy needs a sigmoid output, got outputActivation '${out}'`);
    this.activation = activation;
    this.outputActivation = out;
    this.loss = loss;
    const r = Math.sqrt(6 / (inputs + units)) * (activation === 'sigmoid' ? 4 : 1);
    this.weight = this.parameter('weight', randomUniform([inputs, units], { low: -r, high: r, seed }));
    this.hiddenBias = this.parameter('hiddenBias', zeros([units]));
    if (!tied)
      this.decoderWeight = this.parameter(
        'decoderWeight',
        randomUniform([units, inputs], { low: -r, high: r, seed: seed === undefined ? undefined : seed + 1 }),
      );
    this.visibleBias = this.parameter('visibleBias', zeros([inputs]));
  }

  /** True when the decoder uses Wᵀ. */
  get tied(): boolean {
    return this.decoderWeight === undefined;
  }

  /** h = act(xW + c). */
  encode(x: Tensor): Tensor {
    return activationFn('Autoencoder.encode', this.activation)(matmul(x, this.weight.value).add(this.hiddenBias.value));
  }

  /** The decoder's pre-activation hW′ + b. */
  decodeLogits(h: Tensor): Tensor {
    const y = this.decoderWeight
      ? matmul(h, this.decoderWeight.value)
      : matmul(h, this.weight.value, { transposeB: true });
    return y.add(this.visibleBias.value);
  }

  /** x̂ = out(hW′ + b). */
  decode(h: Tensor): Tensor {
    const z = this.decodeLogits(h);
    return this.outputActivation === 'sigmoid' ? sigmoid(z) : z;
  }

  /** The hidden code, so an autoencoder is a feature extractor in a core model. */
  forward(x: Tensor): Tensor {
    return this.encode(x);
  }

  /** x̂ for x. */
  reconstruct(x: Tensor): Tensor {
    return this.decode(this.encode(x));
  }

  /** The reconstruction loss of `target` from `input` (the corrupted input for a denoising autoencoder; default the target). */
  reconstructionLoss(target: Tensor, input: Tensor = target): Tensor {
    return this.lossOfLogits(this.decodeLogits(this.encode(input)), target);
  }

  /** The reconstruction loss of `target` from the decoder's pre-activation `z` (cross-entropy on the logits, for stability). */
  lossOfLogits(z: Tensor, target: Tensor): Tensor {
    if (this.loss === 'crossEntropy') return losses.binaryCrossEntropyWithLogits(z, target).mul(this.inputs);
    return losses.squaredError(this.outputActivation === 'sigmoid' ? sigmoid(z) : z, target);
  }
}

/**
 * Kept for symmetry with core's layer factories: `autoencoder(784, 500, { tied: false })`.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { autoencoder, trainAutoencoder } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 16 }, () => Math.random()), xShape: [64, 16] };
 * const ae = autoencoder(16, 4, { tied: true, loss: 'crossEntropy' });
 * await trainAutoencoder(ae, data, { epochs: 5, corruption: { kind: 'masking', fraction: 0.25 }, silent: true });
 * ```
 */
export const autoencoder = (inputs: number, units: number, options?: AutoencoderOptions): Autoencoder =>
  new Autoencoder(inputs, units, options);
