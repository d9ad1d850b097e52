/** Every op, re-exported for the Tensor class and the package index. */
export * from './activations.js';
export * from './binary.js';
export * from './broadcast-to.js';
export * from './cast.js';
export * from './compare.js';
/** TF.js spellings of isfinite and isnan. */
export { isfinite as isFinite, isnan as isNaN } from './compare.js';
export * from './concat.js';
export * from './creation.js';
export * from './expm1.js';
export { finiteFlags } from './finite-flags.js';
export * from './gather.js';
export { InPlaceUpdates, type InPlaceUpdatesOptions } from './in-place-updates.js';
export * from './matmul.js';
export * from './random.js';
export * from './reduce.js';
export * from './reshape.js';
export * from './slice.js';
export * from './to-backend.js';
export * from './transpose.js';
export * from './unary.js';
export { unbroadcast } from './unbroadcast.js';
export * from './updates.js';
