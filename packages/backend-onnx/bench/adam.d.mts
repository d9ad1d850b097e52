/** Types of bench/adam.mjs. */
import type { Optimizer, Parameter, Tensor } from '@backprop/core';
export declare class TensorAdam implements Optimizer {
  constructor(options?: { lr?: number; beta1?: number; beta2?: number; eps?: number });
  lr: number;
  step(params: readonly Parameter[], grads: readonly Tensor[]): void;
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: ReadonlyMap<string, Tensor>): void;
  dispose(): void;
}
export declare class PlainSGD implements Optimizer {
  constructor(options?: { lr?: number });
  lr: number;
  step(params: readonly Parameter[], grads: readonly Tensor[]): void;
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: ReadonlyMap<string, Tensor>): void;
  dispose(): void;
}
