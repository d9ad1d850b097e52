// Shared by the benchmark aids in this folder: the MLP they train and its batch, built on the current backend, so
// every script measures the same step as `pnpm bench` (784-512-512-10, ReLU, batch 128, Adam).
import * as bp from '@backprop/core';
import { adam } from '@backprop/optimizers';

/** The bench's layer sizes. */
export const MLP_SIZES = [784, 512, 512, 10];

/** Dense layers of `sizes` with ReLU between them, the i-th layer's initial values from seed i + 1. */
export function buildMlp(sizes = MLP_SIZES) {
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(bp.nn.dense(sizes[i], sizes[i + 1], { seed: i + 1 }));
    if (i + 2 < sizes.length) layers.push(bp.nn.relu());
  }
  return bp.nn.sequential(...layers);
}

/** A kept batch for `sizes`: uniform inputs (seed 1) and int32 labels below the output width (seed 2). */
export function mlpBatch(sizes = MLP_SIZES, batchSize = 128) {
  const x = bp.keep(bp.randomUniform([batchSize, sizes[0]], { seed: 1 }));
  const y = bp.keep(bp.cast(bp.mul(bp.randomUniform([batchSize], { seed: 2 }), sizes.at(-1)), 'int32'));
  return { x, y };
}

/** The model, its batch and `trainStep` with Adam (lr 1e-3) and softmax cross-entropy; `compile` as trainStep's. */
export function mlpTrainer({ sizes = MLP_SIZES, batchSize = 128, compile } = {}) {
  const model = buildMlp(sizes);
  const { x, y } = mlpBatch(sizes, batchSize);
  const train = bp.trainStep(model, {
    loss: bp.losses.softmaxCrossEntropy,
    optimizer: adam({ lr: 1e-3 }),
    ...(compile === undefined ? {} : { compile }),
  });
  return { model, x, y, train };
}
