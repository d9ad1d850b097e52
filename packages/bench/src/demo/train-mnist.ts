/** The MNIST demo's training function: an MLP on the `mnist` package's digits, trained with `fit` and scored with `evaluate`. */
import {
  type ArrayDataset,
  evaluate,
  fit,
  type History,
  losses,
  nn,
  type Optimizer,
  onEpochEnd,
  tidy,
} from '@backprop/core';
import { adam } from '@backprop/optimizers';

/** Options of {@link trainMnist}. */
export interface TrainMnistOptions {
  train: ArrayDataset;
  test: ArrayDataset;
  /** Hidden units of the one hidden layer (default 512). */
  hidden?: number;
  /** Passes over the data (default 15). */
  epochs?: number;
  /** The last `fineTuneEpochs` epochs run at a tenth of the learning rate (default 3). */
  fineTuneEpochs?: number;
  /** Examples per step (default 64). */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3). */
  lr?: number;
  /** Seed of the initial weights and of the shuffles. */
  seed?: number;
  /** Show `fit`'s progress display. */
  verbose?: boolean;
}

/** What the demo reports. */
export interface TrainMnistResult {
  accuracy: number;
  loss: number;
  history: History;
  /** "Adam (@backprop/optimizers)", ... */
  optimizer: string;
  seconds: number;
}

/** Adam from `@backprop/optimizers` (lr 1e-3 unless given). */
export function demoOptimizer(lr?: number): { optimizer: Optimizer; name: string } {
  return { optimizer: adam({ lr: lr ?? 1e-3 }), name: 'Adam (@backprop/optimizers)' };
}

/**
 * Trains `dense(784, hidden), relu, dense(hidden, 10)` on `train` with softmax cross-entropy
 * (the last `fineTuneEpochs` epochs at lr/10) and returns its accuracy on `test`.
 * Needs a backend set (`await setBackend(cpu())`).
 */
export async function trainMnist({
  train,
  test,
  hidden = 512,
  epochs = 15,
  fineTuneEpochs = 3,
  batchSize = 64,
  lr,
  seed = 0,
  verbose = true,
}: TrainMnistOptions): Promise<TrainMnistResult> {
  const start = performance.now();
  // tidy: frees the initializers' intermediates (core's randomUniform leaks them outside a scope).
  const model = tidy(() =>
    nn.sequential(nn.dense(784, hidden, { seed }), nn.relu(), nn.dense(hidden, 10, { seed: seed + 2 })),
  );
  const { optimizer, name } = demoOptimizer(lr);
  const base = optimizer.lr;
  const fineTune = onEpochEnd((epoch) => {
    optimizer.lr = epoch + 1 >= epochs - fineTuneEpochs ? base / 10 : base;
  });
  try {
    const history = await fit(model, train, {
      loss: losses.softmaxCrossEntropy,
      optimizer,
      batchSize,
      epochs,
      seed,
      metrics: ['accuracy'],
      callbacks: [fineTune],
      verbose,
    });
    const scores = await evaluate(model, test, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
    return {
      accuracy: scores.accuracy,
      loss: scores.loss,
      history,
      optimizer: name,
      seconds: (performance.now() - start) / 1000,
    };
  } finally {
    optimizer.dispose();
    for (const p of model.parameters()) p.dispose();
  }
}
