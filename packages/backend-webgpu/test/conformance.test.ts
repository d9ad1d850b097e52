/** Runs the shared conformance suite (@backprop/conformance) against the WebGPU backend. */
import { runConformance } from '@backprop/conformance';
import { webgpu } from '../src/index.js';
import { skipGpu } from './util.js';

// NOTE: a missing GPU adapter makes `webgpu()` reject, which fails the suite; only an
// explicit BACKPROP_WEBGPU=skip skips it.
if (!skipGpu) {
  runConformance({
    name: 'webgpu',
    create: () => webgpu(),
    expectedFailures: {
      // Core bugs, not the backend's (backend-cpu lists the same two).
    },
  });
}
