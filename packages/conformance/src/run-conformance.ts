/** runConformance: registers the whole suite for one backend in vitest. */
import {
  type Backend,
  getBackend,
  type KernelName,
  liveTensorCount,
  memory,
  REQUIRED_KERNELS,
  setBackend,
} from '@backprop/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ConformanceCase, NotApplicable } from './case.js';
import { recordingDispatches } from './check/dispatches.js';
import { allCases } from './registry.js';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The name of the `describe` block (usually the backend's name). */
  name: string;
  /** Makes a fresh backend; called once before the suite, and `destroy()`ed after it. */
  create: () => Backend | Promise<Backend>;
  /** Cases to skip, by exact id, each with a reason. An unknown id fails the run. */
  skip?: Record<string, string>;
  /**
   * Known gaps, by exact id, each with a reason: the case must fail. One that passes fails
   * loudly ("now passes: remove it from expectedFailures"). An unknown id fails the run.
   */
  expectedFailures?: Record<string, string>;
}

/**
 * Problems with the options: unknown ids, ids both skipped and expected to fail, empty reasons.
 *
 * @example
 * ```ts
 * import { validateOptions } from '@backprop/conformance';
 *
 * console.log(validateOptions({ skip: { 'no-such-case': 'slow' } })); // ['skip: unknown case id "no-such-case" (…)']
 * ```
 */
export function validateOptions({
  skip = {},
  expectedFailures = {},
}: Pick<ConformanceOptions, 'skip' | 'expectedFailures'>): string[] {
  const ids = new Set(allCases().map((c) => c.id));
  const problems: string[] = [];
  for (const [list, entries] of [
    ['skip', skip],
    ['expectedFailures', expectedFailures],
  ] as const) {
    for (const [id, reason] of Object.entries(entries)) {
      if (!ids.has(id)) problems.push(`${list}: unknown case id "${id}" (ids are listed by listCases())`);
      if (typeof reason !== 'string' || reason.trim() === '') problems.push(`${list}: "${id}" needs a reason`);
    }
  }
  for (const id of Object.keys(skip))
    if (id in expectedFailures) problems.push(`"${id}" is both skipped and an expected failure; pick one`);
  return problems;
}

/**
 * The kernels `backend` offers that no case that ran dispatched (required kernels always count
 * as offered), given the kernels each case dispatched.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { uncoveredOffered } from '@backprop/conformance';
 *
 * const missed = uncoveredOffered(cpu(), ['add', 'mul']); // the kernels cpu() offers besides add and mul
 * ```
 */
export function uncoveredOffered(backend: Backend, dispatched: Iterable<KernelName>): KernelName[] {
  const seen = new Set(dispatched);
  const offered = new Set<KernelName>(REQUIRED_KERNELS);
  for (const [name, kernel] of Object.entries(backend.kernels))
    if (typeof kernel === 'function') offered.add(name as KernelName);
  return [...offered].filter((k) => !seen.has(k)).sort();
}

/** Runs one case and checks that it left no tensor or handle behind. */
async function runChecked(c: ConformanceCase, backend: Backend, dispatched: Set<KernelName>): Promise<void> {
  const tensors = liveTensorCount();
  const handles = memory().handles;
  const { kernels } = await recordingDispatches(() => c.run({ backend }));
  for (const k of kernels) dispatched.add(k);
  const required = new Set<KernelName>(REQUIRED_KERNELS);
  const unused = c.kernels.filter((k) => required.has(k) && !kernels.has(k));
  if (unused.length > 0)
    throw new Error(
      `${c.id}: lists ${unused.join(', ')} but dispatched only ${[...kernels].sort().join(', ') || 'nothing'}`,
    );
  if (getBackend() !== backend) throw new Error(`${c.id}: the case left another backend current`);
  const leakedTensors = liveTensorCount() - tensors;
  const leakedHandles = memory().handles - handles;
  if (leakedTensors !== 0 || leakedHandles !== 0) {
    throw new Error(`${c.id}: leak: ${leakedTensors} tensors and ${leakedHandles} backend handles were not freed`);
  }
}

/**
 * Registers the conformance suite for a backend in the current vitest file:
 *
 * ```ts
 * import { runConformance } from '@backprop/conformance';
 * runConformance({ name: 'my-backend', create: () => myBackend() });
 * ```
 *
 * Every case runs against the backend made by `create` (set with `setBackend` before the
 * suite, destroyed after it) and must leave `liveTensorCount()` and the backend's handle
 * count where they were. Results are read only with `await t.data()`.
 *
 * @example
 * ```ts
 * // test/conformance.test.ts of a backend package, run by vitest:
 * import { cpu } from '@backprop/backend-cpu';
 * import { runConformance } from '@backprop/conformance';
 *
 * runConformance({ name: 'cpu', create: () => cpu() });
 * ```
 */
export function runConformance(options: ConformanceOptions): void {
  const { name, create, skip = {}, expectedFailures = {} } = options;
  describe(name, () => {
    let backend: Backend | undefined;
    const dispatched = new Set<KernelName>();
    beforeAll(async () => {
      backend = await setBackend(await create());
    });
    afterAll(async () => {
      await backend?.destroy?.();
    });

    it('options: every skip and expectedFailures id names a case', () => {
      const problems = validateOptions({ skip, expectedFailures });
      if (problems.length > 0) throw new Error(`conformance options are invalid:\n  ${problems.join('\n  ')}`);
    });

    for (const c of allCases()) {
      if (c.id in skip) {
        it.skip(`${c.id} (skipped: ${skip[c.id]})`, () => {});
        continue;
      }
      const expected = expectedFailures[c.id];
      it(
        expected === undefined ? c.id : `${c.id} (expected failure: ${expected})`,
        async (ctx) => {
          if (!backend) throw new Error(`${name}: create() did not produce a backend`);
          if (getBackend() !== backend) await setBackend(backend);
          let failure: unknown;
          try {
            await runChecked(c, backend, dispatched);
          } catch (e) {
            if (e instanceof NotApplicable) {
              ctx.skip(e.reason);
              return;
            }
            failure = e;
          }
          if (expected === undefined) {
            if (failure !== undefined) throw failure;
          } else if (failure === undefined) {
            throw new Error(`${c.id} now passes: remove it from expectedFailures (it was listed because: ${expected})`);
          }
        },
        c.timeout,
      );
    }

    // Last: coverage measured from what the cases that ran dispatched (observeKernels), not declared.
    it('coverage: every kernel the backend offers was dispatched by a case that ran', () => {
      if (!backend) throw new Error(`${name}: create() did not produce a backend`);
      const missing = uncoveredOffered(backend, dispatched);
      if (missing.length > 0)
        throw new Error(`no case that ran dispatched these kernels of "${backend.name}": ${missing.join(', ')}`);
    });
  });
}
