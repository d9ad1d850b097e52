/**
 * The live training loop (run in the training worker): the library's own training step
 * (`trainStep`, the one `fit` runs) over minibatches, in slices of about 12 ms, yielding between
 * slices so pause and reset get through; epoch metrics on the train and test sets.
 */
import {
  type ArrayDataset,
  dispose,
  evaluate,
  losses,
  type Module,
  NonFiniteLossError,
  type Optimizer,
  type Penalty,
  permutation,
  type TrainStep,
  takeRows,
  tensor,
  tidy,
  trainStep,
} from '@backprop/core';
import type { PlaygroundData } from './data.js';

/** One epoch's numbers. */
export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  samplesPerSecond: number;
}

/**
 * Lets other work run: on a page, until the next animation frame; in a worker (no document),
 * one turn of the event loop (a message, which unlike a nested setTimeout is not clamped to 4 ms),
 * enough for a pause message to get through.
 */
const nextFrame = () =>
  new Promise<void>((resolve) => {
    if (typeof document !== 'undefined' && typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => resolve());
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });

/**
 * Trains until paused; `onEpoch` is called after each epoch with its metrics. Each minibatch runs
 * core's `trainStep`: the optimizer writes its updates in place, the backend's compiled graph runs
 * the step where it has one (ONNX Runtime), and a step whose loss or any gradient is NaN or ±∞
 * changes no weight and stops the run with a message saying which.
 */
export class Trainer {
  running = false;
  epoch = 0;
  private stopRequested = false;
  private readonly train: TrainStep;

  constructor(
    readonly model: Module,
    readonly optimizer: Optimizer,
    readonly penalties: Penalty[],
    readonly data: PlaygroundData,
    readonly batchSize: number,
    readonly onEpoch: (p: EpochPoint) => void,
  ) {
    this.train = trainStep(model, { loss: losses.softmaxCrossEntropy, optimizer, penalties });
  }

  /** One minibatch step; returns the loss. */
  private async step(batch: ArrayDataset): Promise<number> {
    const [x, y] = tidy(() => [tensor(batch.x, batch.xShape), tensor(batch.y, batch.yShape, 'int32')]);
    try {
      return (await this.train(x, y)).loss;
    } catch (e) {
      if (e instanceof NonFiniteLossError)
        throw new Error(
          `${e.what} became non-finite at epoch ${e.epoch}, batch ${e.batch}; the weights were kept as they were before that step. Lower the learning rate`,
        );
      throw e;
    } finally {
      dispose([x, y]);
    }
  }

  /** Runs epochs until `pause()`, or `epochs` of them (the Step button runs one); a failed step ends the run. */
  async run(epochs = Number.POSITIVE_INFINITY): Promise<void> {
    this.running = true;
    this.stopRequested = false;
    try {
      await this.epochs(epochs);
    } finally {
      this.running = false;
    }
  }

  private async epochs(epochs: number): Promise<void> {
    const { train, test } = this.data;
    const n = train.xShape[0];
    const last = this.epoch + epochs;
    while (!this.stopRequested && this.epoch < last) {
      const order = permutation(n, 1, this.epoch);
      this.train.state.position = { epoch: this.epoch, batch: 0 };
      const start = performance.now();
      this.model.train();
      let sliceStart = performance.now();
      for (let i = 0; i < n && !this.stopRequested; i += this.batchSize) {
        await this.step(takeRows(train, order.subarray(i, Math.min(i + this.batchSize, n))));
        if (performance.now() - sliceStart > 12) {
          await nextFrame();
          sliceStart = performance.now();
        }
      }
      if (this.stopRequested) break;
      const seconds = (performance.now() - start) / 1000;
      this.epoch++;
      const [tr, te] = [await this.metrics(train), await this.metrics(test)];
      this.onEpoch({
        epoch: this.epoch,
        loss: tr.loss,
        accuracy: tr.accuracy,
        testLoss: te.loss,
        testAccuracy: te.accuracy,
        samplesPerSecond: n / seconds,
      });
      await nextFrame();
    }
  }

  private metrics(ds: ArrayDataset): Promise<Record<string, number>> {
    return evaluate(this.model, ds, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'], batchSize: 512 });
  }

  /** Stops after the current step. */
  pause(): void {
    this.stopRequested = true;
  }

  /** Frees the step's compiled graph, if any (not the model or the optimizer). */
  dispose(): void {
    this.train.dispose();
  }
}
