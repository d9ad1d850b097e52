/** Reconstruction: an autoencoder seen as a model whose prediction is its decoder's pre-activation, so core's trainStep trains it. */
import { Module, type Tensor } from '@backprop/core';
import type { Autoencoder } from './autoencoder.js';

/**
 * @internal The model `trainAutoencoder` hands to core's `trainStep`: its parameters are the
 * autoencoder's own, its prediction for an input is the decoder's pre-activation, and
 * `ae.lossOfLogits` turns that into the reconstruction loss. Never disposed (that would free the
 * autoencoder).
 */
export class Reconstruction extends Module {
  constructor(readonly ae: Autoencoder) {
    super();
    this.child('ae', ae);
  }

  /** The decoder's pre-activation for `x` (the corrupted input of a denoising autoencoder). */
  forward(x: Tensor): Tensor {
    return this.ae.decodeLogits(this.ae.encode(x));
  }
}
