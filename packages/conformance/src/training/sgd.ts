/** A minimal full-precision training loop for the end-to-end cases: plain SGD, p ← p − lr·g, recording the loss of every step. */

import type { Module, Tensor } from '@backprop/core';
import * as core from '@backprop/core';

/** One batch: inputs and targets as host arrays with shapes. */
export interface Batch {
  x: Float32Array;
  xShape: number[];
  y: Float32Array | Int32Array;
  yShape: number[];
}

/** Options of {@link sgdCurve}. */
export interface SgdOptions {
  model: Module;
  batches: readonly Batch[];
  loss: (prediction: Tensor, target: Tensor) => Tensor;
  lr: number;
  /** Passes over `batches`. */
  epochs: number;
}

/** Trains `model` with plain SGD and returns the loss before each step. Frees everything but the model's parameters. */
export async function sgdCurve({ model, batches, loss, lr, epochs }: SgdOptions): Promise<number[]> {
  const params = model.parameters();
  const curve: number[] = [];
  for (let e = 0; e < epochs; e++) {
    for (const batch of batches) {
      const x = core.tensor(batch.x, batch.xShape);
      const y = core.tensor(batch.y, batch.yShape);
      const { value, grads } = core.valueAndGrad(() => loss(model.forward(x), y))(...params.map((p) => p.value));
      core.tidy(() => {
        params.forEach((p, i) => {
          p.assign(core.sub(p.value, core.mul(grads[i], lr)));
        });
      });
      curve.push(await value.item());
      core.dispose([x, y, value, grads]);
    }
  }
  return curve;
}
