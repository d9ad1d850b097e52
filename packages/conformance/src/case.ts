/** The shape of a conformance case: a stable id, the kernels it exercises, and a check that throws on a mismatch. */
import type { Backend, KernelName } from '@backprop/core';

/** What a case receives when it runs. */
export interface CaseContext {
  /** The backend under test (also the current backend while the case runs). */
  readonly backend: Backend;
}

/**
 * One conformance case. Ids are stable and hierarchical (`family/op/variant`, e.g.
 * `exp/nan`, `matmul/transposeB/odd`, `grad/softmax`); backends skip or expect a failure
 * by exact id.
 */
export interface ConformanceCase {
  /** Stable id, unique in the suite. */
  readonly id: string;
  /**
   * The kernels the case is about (for the docs and `listCases`). Coverage is not taken from
   * this list but measured from the kernels the case dispatches, and the runner checks the
   * list against them: a required kernel listed here that the case never dispatches fails.
   */
  readonly kernels: readonly KernelName[];
  /** Runs the case: resolves when the backend conforms, throws a message naming the mismatch otherwise. */
  readonly run: (ctx: CaseContext) => Promise<void>;
  /** Per-case timeout in milliseconds (default: vitest's). */
  readonly timeout?: number;
}

/** Thrown by a case that does not apply to this backend (an absent optional kernel); the runner reports it as skipped. */
export class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotApplicable';
  }
}
