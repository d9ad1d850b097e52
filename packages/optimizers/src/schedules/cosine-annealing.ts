/** Cosine annealing computed by PyTorch's recursive formula, which rises again past T_max. */
import { ValueError } from '@backprop/core';
import {
  chained,
  checkScheduleStep,
  described,
  factoryDescription,
  type Schedule,
  scheduleOptions,
} from './schedule.js';

/**
 * PyTorch's CosineAnnealingLR: γ₀ at k = 0, then recursively
 * γ_k = η_min + (γ_{k−1} − η_min)·(1 + cos(πk/T))/(1 + cos(π(k−1)/T)), except
 * γ_k = γ_{k−1} + (γ₀ − η_min)(1 − cos(π/T))/2 when (k − 1 − T) mod 2T = 0. Equal to
 * η_min + (γ₀ − η_min)(1 + cos(πk/T))/2 up to rounding, so past T it rises again (it does
 * not restart; that is SGDR). Values are memoized, so stepping k by one is O(1).
 *
 * Under `scheduler`, a change made by something else (reduceOnPlateau, your code) is carried as
 * PyTorch's recursive form carries it: it scales the rate's distance above η_min, and the step that
 * leaves a trough adds the rise to the current rate.
 *
 * @example
 * ```ts
 * import { cosineAnnealing } from '@backprop/optimizers';
 *
 * const schedule = cosineAnnealing({ tMax: 100, etaMin: 1e-5 });
 * console.log(schedule(0, 0.1), schedule(100, 0.1)); // 0.1 1e-5
 * ```
 */
export function cosineAnnealing(options: { tMax: number; etaMin?: number }): Schedule {
  const { tMax, etaMin = 0 } = scheduleOptions('cosineAnnealing', options, ['tMax', 'etaMin'], {
    aliases: { T_max: 'tMax', eta_min: 'etaMin' },
  });
  if (!Number.isInteger(tMax) || tMax < 1)
    throw new ValueError(`cosineAnnealing: tMax must be a positive integer, got ${tMax}`);
  if (!Number.isFinite(etaMin) || etaMin < 0)
    throw new ValueError(`cosineAnnealing: etaMin must be ≥ 0, got ${etaMin}`);
  // Step e leaves a trough (the rate was η_min at e − 1): PyTorch adds `rise` instead of scaling.
  const leavesTrough = (e: number) => (e - 1 - tMax) % (2 * tMax) === 0;
  const rise = (base: number) => ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
  const memo = new Map<number, number[]>();
  const schedule: Schedule = (k, base) => {
    checkScheduleStep('cosineAnnealing', k);
    let values = memo.get(base);
    if (!values) {
      values = [base];
      memo.set(base, values);
    }
    for (let e = values.length; e <= k; e++) {
      const prev = values[e - 1];
      if (leavesTrough(e)) values.push(prev + rise(base));
      else
        values.push(
          ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (prev - etaMin) +
            etaMin,
        );
    }
    return values[k];
  };
  chained(schedule, { floor: etaMin, restart: (k, base) => (k >= 1 && leavesTrough(k) ? rise(base) : undefined) });
  return described(schedule, factoryDescription('cosineAnnealing', { tMax, etaMin }));
}
