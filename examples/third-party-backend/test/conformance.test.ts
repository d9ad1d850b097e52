/** Proves the example backend with the shared conformance suite, through the public API only. */
import { runConformance } from '@backprop/conformance';
import { renamedCpu } from '../src/index.js';

// Known gaps are listed by exact id with a reason; each must keep failing, or the run fails.
const expectedFailures = {
  'relu/nan': 'core: relu(NaN) is 0 (PyTorch: NaN); fails on every backend until core is fixed',
  'memory/layer-init-outside-tidy': 'core: layer initializers leak intermediates outside tidy',
};

runConformance({ name: 'third-party', create: () => renamedCpu(), expectedFailures });

// The same backend with only the required kernels: core's composed fallbacks must pass the
// whole suite, and the direct optional-kernel cases report themselves as skipped.
runConformance({
  name: 'third-party (required kernels only)',
  create: () => renamedCpu({ optionalKernels: false }),
  expectedFailures,
});
