/**
 * Measures the memory of one training step on the current backend, beside the estimate of
 * `summary`: the backend's peak bytes during a step, above what it held before the step.
 */

import { getBackend } from '../engine.js';
import { ValueError } from '../errors.js';
import type { Loss } from '../losses/index.js';
import { tidy } from '../memory.js';
import type { Module } from '../nn/module.js';
import { type ModelSummary, summary } from '../nn/summary.js';
import { cast } from '../ops/cast.js';
import { randomNormal, randomUniform } from '../ops/random.js';
import { floor } from '../ops/unary.js';
import { checkOptionNames, optionNames } from '../validate.js';
import type { Optimizer } from './optimizer.js';
import { trainStep } from './train-step.js';

/** Options of {@link measureTrainingStep}. */
export interface MeasureStepOptions {
  batchSize: number;
  /** Shape of one example (default: inferred as `summary` does). */
  inputShape?: readonly number[];
  loss: Loss;
  optimizer: Optimizer;
  /** Tensors of optimizer state per parameter, for the estimate (0 SGD, 1 momentum, 2 Adam). */
  optimizerSlots?: number;
}

/** The estimate and the measurement of one training step. */
export interface StepMemory {
  estimate: ModelSummary;
  /** Peak bytes the backend held during the step above what it held before (undefined when the backend does not track peaks). */
  measuredStepBytes: number | undefined;
  /** Bytes held before the step (parameters, and optimizer state after the first step). */
  bytesBefore: number;
}

/**
 * Runs one training step on random data (int32 class labels for the model's output width) and
 * reports the backend's peak memory beside the `summary` estimate. The step updates the model.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { losses, measureTrainingStep, nn, setBackend } from '@backprop/core';
 * import { adam } from '@backprop/optimizers';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(784, 128), nn.relu(), nn.dense(128, 10));
 * const m = await measureTrainingStep(model, { batchSize: 32, loss: losses.softmaxCrossEntropy, optimizer: adam(), optimizerSlots: 2 });
 * console.log(m.estimate.bytes.total, m.measuredStepBytes); // the estimate and what the backend reported
 * ```
 */
export async function measureTrainingStep(model: Module, options: MeasureStepOptions): Promise<StepMemory> {
  checkOptionNames(
    'measureTrainingStep',
    options,
    optionNames<MeasureStepOptions>({
      batchSize: true,
      inputShape: true,
      loss: true,
      optimizer: true,
      optimizerSlots: true,
    }),
  );
  const { batchSize, inputShape, loss, optimizer, optimizerSlots = 0 } = options ?? ({} as MeasureStepOptions);
  const estimate = summary(model, { batchSize, inputShape, optimizerSlots });
  const outputs = estimate.layers.at(-1)?.outputShape.at(-1);
  if (!outputs) throw new ValueError('measureTrainingStep: cannot tell the number of outputs from the summary');
  const backend = getBackend();
  const x = randomNormal([batchSize, ...(inputShape ?? [firstInputs(model)])], { seed: 1 });
  const y = tidy(() => cast(floor(randomUniform([batchSize], { high: outputs, seed: 2 })), 'int32'));
  const step = trainStep(model, { loss, optimizer, compile: false });
  await backend.sync?.();
  const bytesBefore = backend.memory().bytes;
  backend.resetPeak?.();
  try {
    await step(x, y);
    await backend.sync?.();
  } finally {
    x.dispose();
    y.dispose();
  }
  const peak = backend.memory().peakBytes;
  return { estimate, measuredStepBytes: peak === undefined ? undefined : peak - bytesBefore, bytesBefore };
}

function firstInputs(model: Module): number {
  const inputs = model.parameters()[0]?.shape[0];
  if (inputs === undefined || !Number.isInteger(inputs)) throw new ValueError('measureTrainingStep: pass inputShape');
  return inputs;
}
