/** Encoder: what a pretrained layer exposes so a stack of them can become an MLP. */
import type { Parameter, Tensor } from '@backprop/core';

/** Names of the activations a stack layer may use. */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'softplus' | 'linear';

/**
 * One pretrained layer of a stack, h = act(x·W + c) with W of shape [inputs, units] (core
 * Dense's layout). RBMs, autoencoders and supervised layers all implement it.
 */
export interface Encoder {
  readonly inputs: number;
  readonly units: number;
  /** W, [inputs, units]. */
  readonly weight: Parameter;
  /** c, [units]. */
  readonly hiddenBias: Parameter;
  /** The hidden activation. */
  readonly activation: ActivationName;
  /** act(x·W + c) for a batch [N, inputs]. */
  encode(x: Tensor): Tensor;
}
