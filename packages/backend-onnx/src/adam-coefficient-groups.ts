/**
 * Adam's coefficients for a run that writes several Adam updates on the host (compiled or eager
 * steps on the CPU provider). Updates with the same attributes and learning rate share one chain
 * of nodes over a vector of their step counts, so a model with many parameters computes each
 * coefficient in one node per operation rather than one per parameter; each element goes through
 * the same float64 operations as a scalar chain, so the values are the same bits
 * (`test/adam-coefficients.test.ts`). AdamW's decay factor does not depend on the step count and
 * stays one scalar per group.
 */
import type { AdamUpdateAttrs } from '@backprop/core';

/** One Adam update whose coefficients a run computes: its attributes and its step-count and learning-rate inputs. */
export interface CoefficientRequest<I> {
  readonly attrs: AdamUpdateAttrs;
  readonly step: I;
  readonly lr: I;
  /** Which learning-rate value `lr` is: requests with the same key and attributes share a chain. */
  readonly lrKey: string;
}

/** Where an update finds one of its coefficients: a node of the run and the element of it. */
export interface CoefficientAt<R> {
  readonly node: R;
  readonly index: number;
}

/**
 * Makes the coefficient nodes for `requests` with `node(attrs, inputs, shape)` — attrs are the
 * update's plus `coefficient` (0: a, 1: e, 2: the decay factor), inputs the group's step counts
 * then γ — and returns where each request finds its coefficients [a, e, decay?] (undefined where
 * there is no request).
 */
export function adamCoefficientGroups<I, R>(
  requests: readonly (CoefficientRequest<I> | undefined)[],
  node: (attrs: object, inputs: I[], shape: number[]) => R,
): (CoefficientAt<R>[] | undefined)[] {
  const groups = new Map<string, number[]>();
  requests.forEach((r, i) => {
    if (!r) return;
    const key = `${JSON.stringify(r.attrs)}|${r.lrKey}`;
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  const out: (CoefficientAt<R>[] | undefined)[] = requests.map(() => undefined);
  for (const members of groups.values()) {
    const { attrs, lr } = requests[members[0]] as CoefficientRequest<I>;
    const steps = members.map((i) => (requests[i] as CoefficientRequest<I>).step);
    const count = attrs.decoupled && attrs.weightDecay !== 0 ? 3 : 2;
    // a and e depend on the step count (a vector when the group has several); the decay factor does not.
    const perStep = (k: number) => k < 2 && steps.length > 1;
    const nodes = Array.from({ length: count }, (_, k) =>
      node({ ...attrs, coefficient: k }, [...steps, lr], perStep(k) ? [steps.length] : []),
    );
    members.forEach((i, index) => {
      out[i] = nodes.map((n, k) => ({ node: n, index: perStep(k) ? index : 0 }));
    });
  }
  return out;
}
