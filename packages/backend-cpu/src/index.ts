/**
 * @packageDocumentation
 * The reference CPU backend of Backprop: every kernel in plain TypeScript on typed arrays.
 */
export { type CpuOptions, cpu } from './cpu-backend.js';
