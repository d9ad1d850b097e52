/**
 * Shared test helpers for Backprop's packages (private, not published): closeness checks, backend
 * setup for vitest hooks, seeded test data from core's Philox stream, and finite-difference
 * gradients.
 *
 * @packageDocumentation
 */
export { type CloseOptions, expectClose } from './expect-close.js';
export { type NumericGradOptions, numericGrad } from './numeric-grad.js';
export { type SeededRange, seededStream, seededTensor, seededValues } from './seeded.js';
export { useBackend } from './use-backend.js';
