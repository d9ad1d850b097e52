/**
 * @packageDocumentation
 * The conformance suite every Backprop backend runs, ours and third parties':
 * `runConformance({ name, create })` registers it in vitest.
 */

export type { CaseContext, ConformanceCase } from './case.js';
export { PHILOX_KAT } from './cases/random.js';
export { type CaseInfo, listCases } from './registry.js';
export { type ConformanceOptions, runConformance, uncoveredOffered, validateOptions } from './run-conformance.js';
