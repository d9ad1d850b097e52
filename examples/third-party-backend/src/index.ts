/**
 * @packageDocumentation
 * An example third-party backend for Backprop, written from scratch against core's kernel
 * contract: storage on typed arrays and every required kernel as plain loops.
 */
export { loopBackend } from './backend.js';
export { ArrayHandle } from './handle.js';
export { kernels } from './kernels/index.js';
