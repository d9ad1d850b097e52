/** Reading an optimizer's learning rates, so `fit` can log them and report when a callback changes them. */
import type { Optimizer } from './optimizer.js';

const isRate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Each parameter group's learning rate: the `paramGroups` of `@backprop/optimizers` when present
 * (read without touching tensors), else the groups of `getState()`, else `optimizer.lr`; empty
 * when the optimizer exposes none.
 *
 * @example
 * ```ts
 * import { learningRates } from '@backprop/core';
 * import { sgd } from '@backprop/optimizers';
 *
 * console.log(learningRates(sgd({ lr: 0.1 }))); // [0.1]: one per parameter group
 * ```
 */
export function learningRates(optimizer: Optimizer): number[] {
  const groups = (optimizer as { paramGroups?: unknown }).paramGroups;
  if (Array.isArray(groups) && groups.length > 0 && groups.every((g) => isRate(g?.lr)))
    return groups.map((g) => g.lr as number);
  try {
    const state = optimizer.getState?.().groups;
    if (Array.isArray(state) && state.length > 0 && state.every((g) => isRate(g?.lr)))
      return state.map((g) => g.lr as number);
  } catch {
    // An optimizer that cannot report its state yet: fall back to its rate.
  }
  return isRate(optimizer.lr) ? [optimizer.lr] : [];
}

/** A rate as people write it: 6 significant digits, no float noise (0.005, not 0.005000000000000001). */
export function formatRate(lr: number): string {
  return String(Number(lr.toPrecision(6)));
}

/**
 * `learning rate 0.01 → 0.005` when the rates changed (each changed group named when the groups
 * differ), or undefined when none did.
 */
export function describeRateChange(before: readonly number[], after: readonly number[]): string | undefined {
  if (before.length !== after.length || before.every((b, i) => Object.is(b, after[i]))) return undefined;
  const uniform = (r: readonly number[]) => r.every((v) => Object.is(v, r[0]));
  if (uniform(before) && uniform(after)) return `learning rate ${formatRate(before[0])} → ${formatRate(after[0])}`;
  return before
    .flatMap((b, i) =>
      Object.is(b, after[i]) ? [] : [`learning rate of group ${i} ${formatRate(b)} → ${formatRate(after[i])}`],
    )
    .join(', ');
}
