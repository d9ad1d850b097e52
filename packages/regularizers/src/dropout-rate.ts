/** Reading a dropout rate from options that name it explicitly: the drop rate (PyTorch, Keras) or the keep probability (the lecture). */
import { ValueError } from '@backprop/core';

/**
 * A dropout rate, named so it cannot be misread: `{ drop: 0.2 }` drops 20% of units (PyTorch's
 * and Keras' `p`/`rate`), `{ keep: 0.8 }` keeps 80% (the lecture's and Srivastava et al.'s `p`).
 * Give exactly one. A bare number means the drop rate, as in PyTorch and Keras.
 */
export type DropoutRate = number | { drop: number; keep?: never } | { keep: number; drop?: never };

/** The probability of dropping a unit, in [0, 1); throws a ValueError for anything else. */
export function dropRateOf(op: string, rate: unknown): number {
  let drop: unknown;
  if (typeof rate === 'number') drop = rate;
  else if (rate && typeof rate === 'object') {
    const r = rate as { drop?: unknown; keep?: unknown };
    // Anything else in the rate object would be ignored: a seed put here drew its masks from the global generator.
    const extra = Object.keys(r).filter((k) => k !== 'drop' && k !== 'keep');
    if (extra.length > 0) {
      const options = extra.filter((k) => k === 'seed' || k === 'training');
      throw new ValueError(
        `${op}: a rate object holds only drop or keep, got ${extra.join(', ')}` +
          (options.length > 0
            ? `; ${options.join(' and ')} ${options.length > 1 ? 'are options' : 'is an option'}: pass options as the second argument, e.g. dropout({ drop: 0.3 }, { seed: 5 })`
            : ''),
      );
    }
    if ((r.drop === undefined) === (r.keep === undefined)) {
      throw new ValueError(
        `${op}: give exactly one of { drop } (probability of dropping) or { keep } (probability of keeping), got ${JSON.stringify(rate)}`,
      );
    }
    if (r.keep !== undefined) {
      if (typeof r.keep !== 'number' || !(r.keep > 0 && r.keep <= 1)) {
        throw new ValueError(
          `${op}: keep must be in (0, 1], got ${String(r.keep)}; keep is the probability of keeping a unit`,
        );
      }
      return 1 - r.keep;
    }
    drop = r.drop;
  } else {
    throw new ValueError(`${op}: expected a drop rate or { drop } / { keep }, got ${String(rate)}`);
  }
  if (typeof drop !== 'number' || !(drop >= 0 && drop < 1)) {
    throw new ValueError(
      `${op}: drop must be in [0, 1), got ${String(drop)}; drop is the probability of dropping a unit (1 would drop everything)`,
    );
  }
  return drop;
}
