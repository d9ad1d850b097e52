/**
 * Two copies of @backprop/core in one program (npm nests a second one when plugins' versions
 * diverge) make `instanceof` fail between them: an optimizer from one copy sees the other's
 * Parameters as foreign. Each copy registers itself in a global registry, and core's classes
 * carry a brand that survives the copy, so an error can say what happened instead of "is not a
 * Parameter".
 */

const REGISTRY = Symbol.for('@backprop/core:copies');
const holder = globalThis as Record<symbol, object[] | undefined>;
const registry: object[] = holder[REGISTRY] ?? [];
holder[REGISTRY] = registry;
registry.push({});

/** The brand of a core class, shared by every copy of the package. */
export const brandOf = (kind: 'Tensor' | 'Parameter' | 'Module'): symbol => Symbol.for(`@backprop/core:${kind}`);

/** How many copies of @backprop/core this program has loaded. */
export function coreCopies(): number {
  return registry.length;
}

/**
 * A hint to append to a "not a <kind>" error: non-empty when `value` is a `kind` made by another
 * copy of @backprop/core.
 */
export function otherCopyHint(value: unknown, kind: 'Tensor' | 'Parameter' | 'Module'): string {
  if (typeof value !== 'object' || value === null || !(brandOf(kind) in value)) return '';
  return `; it is a ${kind} of another copy of @backprop/core (${coreCopies()} copies are loaded): install one version for every @backprop package (npm dedupe, or one @backprop/core in your dependencies)`;
}
