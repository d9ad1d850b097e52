/** Proves the example backend with the shared conformance suite, through the public API only. */
import { runConformance } from '@backprop/conformance';
import { loopBackend } from '../src/index.js';

// A known gap would be listed by exact id with a reason: `expectedFailures: { 'exp/nan': 'why' }`
// (it must keep failing, or the run fails); `skip: { id: reason }` skips a case. This backend needs neither.
runConformance({ name: 'loop', create: () => loopBackend() });
