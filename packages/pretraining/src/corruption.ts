/** Input corruption for denoising autoencoders: masking noise and additive Gaussian noise. */
import { cast, greaterEqual, mul, type Tensor, ValueError } from '@backprop/core';
import type { Sampler } from './sampler.js';

/** How a denoising autoencoder corrupts its input. */
export type Corruption = { kind: 'masking'; fraction: number } | { kind: 'gaussian'; std: number };

/** Checks a corruption spec (ValueError for a fraction outside [0, 1) or a negative std). */
export function checkCorruption(op: string, c: Corruption | undefined): void {
  if (!c) return;
  if (c.kind === 'masking' && !(c.fraction >= 0 && c.fraction < 1))
    throw new ValueError(`${op}: masking fraction must be in [0, 1), got ${c.fraction}`);
  else if (c.kind === 'gaussian' && !(c.std >= 0 && Number.isFinite(c.std)))
    throw new ValueError(`${op}: gaussian std must be finite and ≥ 0, got ${c.std}`);
  else if (c.kind !== 'masking' && c.kind !== 'gaussian')
    throw new ValueError(
      `${op}: corruption kind must be 'masking' or 'gaussian', got ${String((c as { kind: unknown }).kind)}`,
    );
}

/**
 * Corrupts `x`. Masking (Vincent et al. 2008): each input is zeroed independently with
 * probability `fraction` (one uniform draw of x's shape; kept where u ≥ fraction), not
 * rescaled. Gaussian: x + std·ε, ε ~ N(0, 1) (one normal draw).
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { ones, setBackend } from '@backprop/core';
 * import { corrupt, philoxSampler } from '@backprop/pretraining';
 *
 * await setBackend(cpu());
 * const noisy = corrupt(ones([2, 8]), { kind: 'masking', fraction: 0.25 }, philoxSampler(0)); // a quarter of the inputs zeroed
 * ```
 */
export function corrupt(x: Tensor, corruption: Corruption, sampler: Sampler): Tensor {
  checkCorruption('corrupt', corruption);
  if (corruption.kind === 'masking')
    return mul(x, cast(greaterEqual(sampler.uniform(x.shape), corruption.fraction), 'float32'));
  return x.add(sampler.normal(x.shape).mul(corruption.std));
}
