/** RBM: a restricted Boltzmann machine with Bernoulli hidden units and Bernoulli or Gaussian visible units. */
import {
  cast,
  checkOptionNames,
  less,
  Module,
  matmul,
  mul,
  neg,
  optionNames,
  type Parameter,
  randomNormal,
  sigmoid,
  softplus,
  square,
  sub,
  sum,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import type { Encoder } from './encoder.js';
import type { Sampler } from './sampler.js';
import { nonNegative, positiveInt } from './validate.js';

/** Kinds of visible unit. */
export type VisibleUnits = 'bernoulli' | 'gaussian';

/** Options of {@link RBM}. */
export interface RBMOptions {
  /** 'bernoulli' (data in [0, 1]) or 'gaussian' (standardized data, σ = 1). Default 'bernoulli'. */
  visible?: VisibleUnits;
  /** Standard deviation of the initial weights (default 0.01, as scikit-learn and Hinton's guide). */
  initStd?: number;
  /** Seed of the initial weights (default: the global generator). */
  seed?: number;
}

/**
 * A restricted Boltzmann machine. Weight W is [visibles, hiddens] (the transpose of
 * scikit-learn's `components_`), so it drops into a core Dense layer unchanged; biases b
 * (visible, scikit-learn's `intercept_visible_`) and c (hidden, `intercept_hidden_`) start at 0.
 *
 * - p(hⱼ = 1 | v) = σ(cⱼ + v·W₍:,ⱼ₎)
 * - Bernoulli visible: p(vᵢ = 1 | h) = σ(bᵢ + W₍ᵢ,:₎·h); Gaussian visible: v | h ~ N(b + Wh, 1)
 * - free energy F(v) = −v·b − Σⱼ softplus(vW + c)ⱼ (Bernoulli) or ½‖v − b‖² − Σⱼ softplus(vW + c)ⱼ (Gaussian)
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend } from '@backprop/core';
 * import { RBM, trainRbm } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const data = { x: Float32Array.from({ length: 64 * 16 }, () => Math.round(Math.random())), xShape: [64, 16] };
 * const rbm = new RBM(16, 8, { seed: 0 });
 * await trainRbm(rbm, data, { epochs: 5, silent: true });
 * ```
 */
export class RBM extends Module implements Encoder {
  readonly weight: Parameter;
  readonly visibleBias: Parameter;
  readonly hiddenBias: Parameter;
  readonly visible: VisibleUnits;
  readonly activation = 'sigmoid' as const;

  constructor(
    readonly inputs: number,
    readonly units: number,
    options: RBMOptions = {},
  ) {
    super();
    checkOptionNames('RBM', options, optionNames<RBMOptions>({ visible: true, initStd: true, seed: true }));
    const { visible = 'bernoulli', initStd = 0.01, seed } = options;
    positiveInt('RBM', 'inputs', inputs);
    positiveInt('RBM', 'units', units);
    nonNegative('RBM', 'initStd', initStd);
    if (visible !== 'bernoulli' && visible !== 'gaussian') {
      throw new ValueError(`RBM: visible must be 'bernoulli' or 'gaussian', got ${String(visible)}`);
    }
    this.visible = visible;
    this.weight = this.parameter('weight', randomNormal([inputs, units], { std: initStd, seed }));
    this.visibleBias = this.parameter('visibleBias', zeros([inputs]));
    this.hiddenBias = this.parameter('hiddenBias', zeros([units]));
  }

  /** p(h = 1 | v), [N, units]. */
  hiddenProbabilities(v: Tensor): Tensor {
    return sigmoid(matmul(v, this.weight.value).add(this.hiddenBias.value));
  }

  /** E[v | h], [N, inputs]: σ(b + hWᵀ) for Bernoulli units, b + hWᵀ for Gaussian ones. */
  visibleMean(h: Tensor): Tensor {
    const a = matmul(h, this.weight.value, { transposeB: true }).add(this.visibleBias.value);
    return this.visible === 'bernoulli' ? sigmoid(a) : a;
  }

  /** A sample of h given v: one uniform draw [N, units], h = (u < p). */
  sampleHidden(v: Tensor, sampler: Sampler): Tensor {
    return bernoulliFrom(this.hiddenProbabilities(v), sampler);
  }

  /** A sample of v given h: one uniform draw (Bernoulli) or one normal draw (Gaussian), [N, inputs]. */
  sampleVisible(h: Tensor, sampler: Sampler): Tensor {
    const m = this.visibleMean(h);
    return this.visible === 'bernoulli' ? bernoulliFrom(m, sampler) : m.add(sampler.normal(m.shape));
  }

  /** The encoder view: p(h = 1 | v). */
  encode(v: Tensor): Tensor {
    return this.hiddenProbabilities(v);
  }

  /** The hidden probabilities, so an RBM is a feature extractor in a core model. */
  forward(v: Tensor): Tensor {
    return this.hiddenProbabilities(v);
  }

  /** Mean-field reconstruction E[v | h = p(h | v)]. */
  reconstruct(v: Tensor): Tensor {
    return this.visibleMean(this.hiddenProbabilities(v));
  }

  /** The free energy F(v) per example, [N] (see the class comment). */
  freeEnergy(v: Tensor): Tensor {
    const hiddenTerm = sum(softplus(matmul(v, this.weight.value).add(this.hiddenBias.value)), 1);
    const b = this.visibleBias.value;
    const visibleTerm = this.visible === 'bernoulli' ? neg(sum(mul(v, b), 1)) : mul(sum(square(sub(v, b)), 1), 0.5);
    return sub(visibleTerm, hiddenTerm);
  }
}

/** 1 where a uniform draw falls below p, else 0 (float32). */
export function bernoulliFrom(p: Tensor, sampler: Sampler): Tensor {
  return cast(less(sampler.uniform(p.shape), p), 'float32');
}
