/** Proves the example backend with the shared conformance suite, through the public API only. */
import { runConformance } from '@backprop/conformance';
import { renamedCpu } from '../src/index.js';

// Known gaps would be listed here by exact id with a reason (`expectedFailures: { 'exp/nan': 'why' }`);
// each must keep failing, or the run fails. This backend has none.
runConformance({ name: 'third-party', create: () => renamedCpu() });

// The same backend with only the required kernels: core's composed fallbacks must pass the
// whole suite, and the direct optional-kernel cases report themselves as skipped.
runConformance({
  name: 'third-party (required kernels only)',
  create: () => renamedCpu({ optionalKernels: false }),
});
