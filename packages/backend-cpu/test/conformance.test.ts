/** Runs the shared conformance suite (@backprop/conformance) against the reference CPU backend. */
import { runConformance } from '@backprop/conformance';
import { cpu } from '../src/index.js';

runConformance({ name: 'cpu', create: () => cpu() });
