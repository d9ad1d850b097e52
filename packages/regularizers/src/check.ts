/** Argument checks of the regularizers: core's validators (typed errors before any state changes). */
export { boolean as bool, nonNegative, nonNegativeInt, positive, seedOf } from '@backprop/core';
