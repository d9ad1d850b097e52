/**
 * @packageDocumentation
 * The conformance suite every Backprop backend runs, ours and third parties':
 * `runConformance({ name, create })` registers it in vitest.
 */
export { runConformance, validateOptions, type ConformanceOptions } from './run-conformance.js';
export { listCases, uncoveredKernels, type CaseInfo } from './registry.js';
export type { ConformanceCase, CaseContext } from './case.js';
export { PHILOX_KAT } from './cases/random.js';
