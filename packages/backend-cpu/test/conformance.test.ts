/** Runs the shared conformance suite (@backprop/conformance) against the reference CPU backend. */
import { runConformance } from '@backprop/conformance';
import { cpu } from '../src/index.js';

runConformance({
  name: 'cpu',
  create: () => cpu(),
  expectedFailures: {
    // Core bugs, not the backend's: both cases fail on every backend until core is fixed.
    'relu/nan': 'core: relu is where(x > 0, x, 0), so relu(NaN) = 0; PyTorch gives NaN',
    'memory/layer-init-outside-tidy':
      'core: initializers leave randomUniform intermediates (u, two scalars, the product) alive outside tidy, 4 handles per parameter',
  },
});
