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
import { LocalSgd } from '../local-sgd.js';
import { loadOptimizersPackage } from '../optimizer-choice.js';

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
  /** Learning rate; default depends on the optimizer found (Adam 1e-3, momentum SGD 0.05, plain SGD 0.1). */
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

type Ctor = new (o: { lr?: number; momentum?: number }) => Optimizer;

/** Adam from `@backprop/optimizers` when built; else its SGD with momentum 0.9; else the bench-local plain SGD. */
export async function demoOptimizer(lr?: number): Promise<{ optimizer: Optimizer; name: string }> {
  const pkg = await loadOptimizersPackage();
  if (typeof pkg?.Adam === 'function')
    return { optimizer: new (pkg.Adam as Ctor)({ lr: lr ?? 1e-3 }), name: 'Adam (@backprop/optimizers)' };
  if (typeof pkg?.SGD === 'function') {
    return {
      optimizer: new (pkg.SGD as Ctor)({ lr: lr ?? 0.05, momentum: 0.9 }),
      name: 'SGD momentum 0.9 (@backprop/optimizers)',
    };
  }
  return { optimizer: new LocalSgd({ lr: lr ?? 0.1 }), name: 'plain SGD (bench stand-in)' };
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
  const { optimizer, name } = await demoOptimizer(lr);
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
