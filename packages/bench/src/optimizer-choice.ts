/** Creates our side's optimizer for an `OptimizerSpec`: `SGD` or `Adam` from `@backprop/optimizers`. */
import type { Optimizer } from '@backprop/core';
import { adam, sgd } from '@backprop/optimizers';
import type { OptimizerSpec } from './system.js';

/** A chosen optimizer and where it came from. */
export interface ResolvedOptimizer {
  optimizer: Optimizer;
  /** "@backprop/optimizers Adam". */
  source: string;
}

/** `adam({ lr })` (β 0.9/0.999, ε 1e-8: PyTorch's defaults) or `sgd({ lr })` from `@backprop/optimizers`. */
export function createOptimizer({ name, lr }: OptimizerSpec): ResolvedOptimizer {
  return name === 'adam'
    ? { optimizer: adam({ lr }), source: '@backprop/optimizers Adam' }
    : { optimizer: sgd({ lr }), source: '@backprop/optimizers SGD' };
}
