/**
 * Shared test helpers for Backprop's packages (private, not published): closeness checks, backend
 * setup for vitest hooks, seeded test data from core's Philox stream, finite-difference
 * gradients, and a plain SGD optimizer for packages that do not depend on @backprop/optimizers.
 *
 * @packageDocumentation
 */
export { type CloseOptions, expectClose } from './expect-close.js';
export { type NumericGradOptions, numericGrad } from './numeric-grad.js';
export { PlainSGD } from './plain-sgd.js';
export { type SeededRange, seededStream, seededTensor, seededValues } from './seeded.js';
export { useBackend } from './use-backend.js';
