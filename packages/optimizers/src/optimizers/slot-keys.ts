/**
 * Structural settings changed mid-run (Adam's `amsgrad`, RMSprop's `centered` and `momentum`,
 * SGD's `momentum` and `form`): which state tensors a parameter's slot holds follows the group's
 * settings at the slot's first step, and a later change must neither crash nor differ between
 * eager and compiled steps. So:
 * - a state tensor the current settings read but the slot lacks is created fresh, as at a first
 *   step (zeros: AMSGrad's running max, RMSprop's ḡ and momentum buffer, the lecture's velocity;
 *   PyTorch does so for SGD's buffer, started from the gradient, and raises a KeyError for the
 *   others);
 * - a state tensor the current settings no longer read stays in the slot, unchanged and ignored
 *   (switching back resumes it), as PyTorch keeps it, so the slot's layout never shrinks.
 */
import { type Tensor, zerosLike } from '@backprop/core';
import type { GradientTransformation, TransformState } from '../transform.js';

const NONE: readonly string[] = Object.freeze([]);

/** The keys of `needed` that `state` lacks (the common case, none, allocates nothing: this runs for every update). */
export function missingKeys(state: TransformState, needed: readonly string[]): readonly string[] {
  let out: string[] | undefined;
  for (const k of needed) {
    if (state[k] !== undefined) continue;
    out ??= [];
    out.push(k);
  }
  return out ?? NONE;
}

/** `state` with a fresh zero tensor shaped like `param` for each of `keys` (none: `state` itself). */
export function withFreshKeys(state: TransformState, keys: readonly string[], param: Tensor): TransformState {
  if (keys.length === 0) return state;
  const out: Record<string, Tensor> = { ...state };
  for (const k of keys) out[k] = zerosLike(param);
  return out;
}

/**
 * `next` plus every tensor of `prev` under a key `next` lacks, unchanged: state the current
 * settings do not read is kept as it is (the same tensor, so nothing copies or frees it).
 */
export function keepUnread(prev: TransformState, next: TransformState): TransformState {
  let out: Record<string, Tensor> | undefined;
  for (const k in prev) {
    if (k in next) continue;
    out ??= { ...next };
    out[k] = prev[k];
  }
  return out ?? next;
}

/**
 * `rule` for a slot made under other settings: before the update each key of `needed` the state
 * lacks is created fresh (zeros); after it, the keys the rule no longer returns are kept unchanged.
 * With the settings the slot was made under, it is `rule` exactly.
 */
export function completeState(rule: GradientTransformation, needed: readonly string[]): GradientTransformation {
  return {
    init: (param) => rule.init(param),
    update(updates, state, ctx) {
      const r = rule.update(updates, withFreshKeys(state, missingKeys(state, needed), ctx.param), ctx);
      const kept = keepUnread(state, r.state);
      return kept === r.state ? r : { updates: r.updates, state: kept };
    },
  };
}
