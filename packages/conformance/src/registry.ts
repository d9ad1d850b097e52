/** Every conformance case, in a fixed order, and the coverage of the kernel contract. */
import type { KernelName } from '@backprop/core';
import type { ConformanceCase } from './case.js';
import { activationCases } from './cases/activations.js';
import { binaryCases } from './cases/binary.js';
import { compareCases } from './cases/compare.js';
import { compileCases } from './cases/compile.js';
import { errorCases } from './cases/errors.js';
import { goldenCases } from './cases/golden.js';
import { gradientCases } from './cases/gradients.js';
import { indexingCases } from './cases/indexing.js';
import { layoutCases } from './cases/layout.js';
import { matmulCases } from './cases/matmul.js';
import { memoryCases } from './cases/memory.js';
import { optionalCases } from './cases/optional.js';
import { randomCases } from './cases/random.js';
import { reduceCases } from './cases/reduce.js';
import { trainingCases } from './cases/training.js';
import { unaryCases } from './cases/unary.js';
import { updateCases } from './cases/updates.js';

let all: readonly ConformanceCase[] | undefined;

/** Every case (built once; throws if two cases share an id). */
export function allCases(): readonly ConformanceCase[] {
  if (all) return all;
  const cases = [
    ...memoryCases,
    ...unaryCases,
    ...binaryCases,
    ...compareCases,
    ...reduceCases,
    ...matmulCases,
    ...layoutCases,
    ...indexingCases,
    ...activationCases,
    ...optionalCases,
    ...updateCases,
    ...randomCases,
    ...errorCases,
    ...goldenCases(),
    ...gradientCases,
    ...trainingCases,
    ...compileCases,
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`conformance: two cases share the id "${c.id}"`);
    seen.add(c.id);
  }
  all = cases;
  return all;
}

/** A case as listed for docs: its id and the kernels it exercises. */
export interface CaseInfo {
  id: string;
  kernels: readonly KernelName[];
}

/**
 * Lists every case id with the kernels it exercises, in suite order (for docs and skip lists).
 *
 * @example
 * ```ts
 * import { listCases } from '@backprop/conformance';
 *
 * for (const { id, kernels } of listCases()) console.log(id, kernels.join(', '));
 * ```
 */
export function listCases(): CaseInfo[] {
  return allCases().map(({ id, kernels }) => ({ id, kernels }));
}
