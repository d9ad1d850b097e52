/** The L1 weight penalty λ Σ |W|. */
import { sum } from '@backprop/core';
import { nonNegative } from './check.js';
import { type PenaltyOptions, WeightPenalty } from './weight-penalty.js';

/**
 * L1 penalty `λ · Σ |W_ij|` over weights only by default. Its gradient is `λ·sign(W)`, with
 * sign(0) = 0 (core's `abs` rule, as PyTorch's). Same as Keras' `regularizers.L1(λ)`.
 *
 * @throws ValueError when λ is not a finite number ≥ 0 or the filter is malformed.
 */
export function l1(lambda: number, { filter }: PenaltyOptions = {}): WeightPenalty {
  nonNegative('l1', 'lambda', lambda);
  return new WeightPenalty('l1', (w) => sum(w.abs()).mul(lambda), filter);
}
