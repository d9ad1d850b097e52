/** Picks our optimizer implementation: `@backprop/optimizers` when it is built, else the bench-local SGD. */
import { type Optimizer, ValueError } from '@backprop/core';
import { LocalSgd } from './local-sgd.js';
import type { OptimizerSpec } from './system.js';

type OptimizerClass = new (options: { lr?: number; momentum?: number }) => Optimizer;

/** What `@backprop/optimizers` offers, or undefined when it cannot be imported yet. */
export async function loadOptimizersPackage(): Promise<Record<string, unknown> | undefined> {
  // A computed specifier: the bench compiles and runs whether or not the package is built yet.
  const specifier = '@backprop/optimizers';
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A chosen optimizer and where it came from. */
export interface ResolvedOptimizer {
  optimizer: Optimizer;
  /** "@backprop/optimizers Adam" or "local SGD (bench stand-in)". */
  source: string;
}

/**
 * Creates `spec` from `@backprop/optimizers` (classes `SGD` and `Adam`), or, for SGD only,
 * the bench-local stand-in when that package is not available.
 *
 * @throws ValueError for Adam when `@backprop/optimizers` does not provide it yet.
 */
export async function createOptimizer({ name, lr }: OptimizerSpec): Promise<ResolvedOptimizer> {
  const pkg = await loadOptimizersPackage();
  const className = name === 'adam' ? 'Adam' : 'SGD';
  const Ctor = pkg?.[className];
  if (typeof Ctor === 'function')
    return { optimizer: new (Ctor as OptimizerClass)({ lr }), source: `@backprop/optimizers ${className}` };
  if (name === 'sgd') return { optimizer: new LocalSgd({ lr }), source: 'local SGD (bench stand-in)' };
  throw new ValueError(
    `bench: --optimizer adam needs Adam from @backprop/optimizers, which is not built yet; use --optimizer sgd`,
  );
}
