/** Gibbs sampling from an RBM: run chains v → h → v to generate images. */
import { checkOptionNames, formatShape, keep, optionNames, type Tensor, tidy, ValueError } from '@backprop/core';
import { bernoulliFrom, type RBM } from './rbm.js';
import { philoxSampler, type Sampler } from './sampler.js';
import { positiveInt } from './validate.js';

/** Options of {@link gibbsSample}. */
export interface GibbsOptions {
  /** Gibbs steps v → h → v (default 1000). */
  steps?: number;
  /** Where the draws come from (default `philoxSampler(0)`). */
  sampler?: Sampler;
}

/**
 * Runs `steps` alternating Gibbs steps from the visible states `start` [chains, inputs] and
 * returns E[v | h] of the last step (the usual picture of an RBM sample: means, not binary
 * draws). Each step draws h ~ p(h | v) then v ~ p(v | h) (Gaussian visible units keep the mean, no noise).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { setBackend, zeros } from '@backprop/core';
 * import { gibbsSample, philoxSampler, RBM } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const rbm = new RBM(16, 8, { seed: 0 });
 * const fantasies = gibbsSample(rbm, zeros([4, 16]), { steps: 100, sampler: philoxSampler(1) }); // [4, 16] samples
 * ```
 */
export function gibbsSample(rbm: RBM, start: Tensor, options: GibbsOptions = {}): Tensor {
  checkOptionNames('gibbsSample', options, optionNames<GibbsOptions>({ steps: true, sampler: true }));
  const { steps = 1000, sampler = philoxSampler(0) } = options;
  if (start.rank !== 2 || start.shape[1] !== rbm.inputs) {
    throw new ValueError(
      `gibbsSample: expected start of shape [chains, ${rbm.inputs}], got ${formatShape(start.shape)}`,
    );
  }
  positiveInt('gibbsSample', 'steps', steps);
  let v = start;
  let mean: Tensor | undefined;
  for (let s = 0; s < steps; s++) {
    const next = tidy(() => {
      const h = rbm.sampleHidden(v, sampler);
      const m = rbm.visibleMean(h);
      const sampled = rbm.visible === 'bernoulli' ? bernoulliFrom(m, sampler) : m;
      return { m, sampled };
    });
    if (v !== start) v.dispose();
    mean?.dispose();
    v = keep(next.sampled);
    mean = keep(next.m);
  }
  if (v !== start && v !== mean) v.dispose();
  return mean!;
}
