/** `evaluate` and `predict`: the model in evaluation mode over a dataset, batch by batch. */
import { ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import { concat } from '../ops/concat.js';
import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { checkDataset, sliceRows } from './batches.js';
import type { ArrayDataset } from './dataset.js';
import { type MetricSpec, resolveMetrics } from './metrics.js';

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Report this loss as `loss`. */
  loss?: Loss;
  /** Metrics besides the loss: 'accuracy', 'logitAccuracy', 'mse', or `[name, fn]` pairs of your own. */
  metrics?: readonly MetricSpec[];
  /** Examples per forward pass (default 256). */
  batchSize?: number;
}

async function inEvalMode<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const wasTraining = model.training;
  model.eval();
  try {
    return await fn();
  } finally {
    model.train(wasTraining);
  }
}

/** The loss and metrics of `model` on `data`, averaged over examples, in evaluation mode. */
export async function evaluate(
  model: Module,
  data: ArrayDataset,
  { loss, metrics = [], batchSize = 256 }: EvaluateOptions = {},
): Promise<Record<string, number>> {
  const n = checkDataset('evaluate', data);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  const fns = resolveMetrics('evaluate', metrics);
  return inEvalMode(model, async () => {
    const sums = new Map<string, number>();
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      const b = sliceRows(data, start, end);
      const parts = tidy(() => {
        const x = tensor(b.x, b.xShape, 'float32');
        const y = tensor(b.y, b.yShape, b.y instanceof Int32Array ? 'int32' : 'float32');
        const prediction = model.forward(x);
        const out: [string, Tensor, number][] = fns.map(([name, fn]) => [name, fn(prediction, y), 1]);
        if (loss) out.unshift(['loss', loss(prediction, y), end - start]);
        return out;
      });
      for (const [name, t, weight] of parts) {
        sums.set(name, (sums.get(name) ?? 0) + (await t.data())[0] * weight);
        t.dispose();
      }
    }
    return Object.fromEntries([...sums].map(([k, v]) => [k, v / Math.max(n, 1)]));
  });
}

/** The model's outputs for `x` (a tensor or a dataset's features), in evaluation mode, batch by batch. */
export async function predict(model: Module, x: Tensor | ArrayDataset, { batchSize = 256 } = {}): Promise<Tensor> {
  return inEvalMode(model, async () => {
    if (!('xShape' in x)) return tidy(() => model.forward(x));
    const n = x.xShape[0];
    const outs: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const b = sliceRows({ ...x }, start, Math.min(start + batchSize, n));
      outs.push(tidy(() => model.forward(tensor(b.x, b.xShape, 'float32'))));
    }
    const all = concat(outs, 0);
    for (const o of outs) if (o !== all) o.dispose();
    return all;
  });
}
