/** Pseudo-likelihood of binary data under an RBM, as scikit-learn's BernoulliRBM.score_samples. */
import {
  cast,
  checkOptionNames,
  floor,
  formatShape,
  minimum,
  mul,
  neg,
  oneHot,
  optionNames,
  softplus,
  sub,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@backprop/core';
import type { RBM } from './rbm.js';
import { philoxSampler, type Sampler } from './sampler.js';

/** Options of {@link pseudoLikelihood}. */
export interface PseudoLikelihoodOptions {
  /** The feature to flip in each row (int, [N]); default: one uniform draw per row from `sampler`. */
  flip?: ArrayLike<number>;
  /** Where the flipped indices come from when `flip` is not given (default `philoxSampler(0)`). */
  sampler?: Sampler;
}

/**
 * Stochastic pseudo-likelihood per example, [N]: D · log σ(F(ṽ) − F(v)), where ṽ is v with
 * one bit i flipped (vᵢ → 1 − vᵢ) and D the number of visible units — scikit-learn's
 * `BernoulliRBM.score_samples`, which draws i with `rng.randint(0, D, N)`. Meant for binary v.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, tensor } from '@backprop/core';
 * import { pseudoLikelihood, RBM } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const rbm = new RBM(4, 2, { seed: 0 });
 * const pl = pseudoLikelihood(rbm, tensor([[1, 0, 1, 0], [0, 1, 1, 0]]), { flip: [0, 3] }); // per example, as scikit-learn's score_samples
 * ```
 */
export function pseudoLikelihood(rbm: RBM, v: Tensor, options: PseudoLikelihoodOptions = {}): Tensor {
  checkOptionNames('pseudoLikelihood', options, optionNames<PseudoLikelihoodOptions>({ flip: true, sampler: true }));
  const { flip, sampler } = options;
  const [n, d] = v.shape;
  if (v.rank !== 2 || d !== rbm.inputs)
    throw new ValueError(`pseudoLikelihood: expected v of shape [N, ${rbm.inputs}], got ${formatShape(v.shape)}`);
  // Flipping a unit (vᵢ → 1 − vᵢ) is defined for binary units only.
  if (rbm.visible !== 'bernoulli')
    throw new ValueError(
      `pseudoLikelihood: it flips binary visible units, and this RBM's are ${rbm.visible}; score a Gaussian RBM by its reconstruction error`,
    );
  let indices: Tensor | undefined;
  if (flip) {
    if (flip.length !== n)
      throw new ValueError(`pseudoLikelihood: flip needs one index per row (${n}), got ${flip.length}`);
    // Checked before conversion: Int32Array.from would read 1.5 as 1 and NaN as 0.
    for (let row = 0; row < n; row++) {
      const i = flip[row];
      if (!Number.isInteger(i) || i < 0 || i >= d)
        throw new ValueError(`pseudoLikelihood: flip indices must be integers in [0, ${d}), got ${i} at row ${row}`);
    }
    indices = tensor(Int32Array.from(flip), [n], 'int32');
  }
  const result = tidy(() => {
    const idx = indices ?? cast(minimum(floor(mul((sampler ?? philoxSampler(0)).uniform([n]), d)), d - 1), 'int32');
    const mask = oneHot(idx, d);
    const flipped = v.add(mul(mask, sub(1, mul(v, 2))));
    const gap = sub(rbm.freeEnergy(flipped), rbm.freeEnergy(v));
    // log σ(x) = −softplus(−x)
    return mul(neg(softplus(neg(gap))), d);
  });
  indices?.dispose();
  return result;
}
