/**
 * The live training loop (run in the training worker): minibatch steps in slices of about 12 ms,
 * yielding between slices so pause and reset get through; epoch metrics on the train and test sets.
 */
import {
  type ArrayDataset,
  add,
  dispose,
  evaluate,
  losses,
  type Module,
  type Optimizer,
  type Penalty,
  permutation,
  takeRows,
  tensor,
  tidy,
  valueAndGrad,
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

/** Trains until paused; `onEpoch` is called after each epoch with its metrics. */
export class Trainer {
  running = false;
  epoch = 0;
  private stopRequested = false;

  constructor(
    readonly model: Module,
    readonly optimizer: Optimizer,
    readonly penalties: Penalty[],
    readonly data: PlaygroundData,
    readonly batchSize: number,
    readonly onEpoch: (p: EpochPoint) => void,
  ) {}

  /** One minibatch step; returns the loss. */
  private async step(batch: ArrayDataset): Promise<number> {
    const params = this.model.parameters();
    const out = tidy(() => {
      const x = tensor(batch.x, batch.xShape);
      const y = tensor(batch.y, batch.yShape, 'int32');
      this.optimizer.beforeGradient?.(params);
      return valueAndGrad(() => {
        let loss = losses.softmaxCrossEntropy(this.model.forward(x), y);
        for (const p of this.penalties) loss = add(loss, p.loss(params));
        return loss;
      })(...params.map((p) => p.value));
    });
    const loss = (await out.value.data())[0];
    if (!Number.isFinite(loss)) {
      dispose(out);
      throw new Error(`the loss became ${loss} at epoch ${this.epoch + 1}; lower the learning rate`);
    }
    tidy(() => this.optimizer.step(params, out.grads));
    dispose(out);
    return loss;
  }

  /** Runs epochs until `pause()`, or `epochs` of them (the Step button runs one). */
  async run(epochs = Number.POSITIVE_INFINITY): Promise<void> {
    this.running = true;
    this.stopRequested = false;
    const { train, test } = this.data;
    const n = train.xShape[0];
    const last = this.epoch + epochs;
    while (!this.stopRequested && this.epoch < last) {
      const order = permutation(n, 1, this.epoch);
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
    this.running = false;
  }

  private metrics(ds: ArrayDataset): Promise<Record<string, number>> {
    return evaluate(this.model, ds, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'], batchSize: 512 });
  }

  /** Stops after the current step. */
  pause(): void {
    this.stopRequested = true;
  }
}
