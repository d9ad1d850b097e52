/**
 * Model summaries with memory accounting: per layer, the output shape, the parameter count,
 * and the bytes for parameters, gradients, optimizer state and the activations a training
 * step keeps for the backward pass (the lecture: "activations from a forward pass must be
 * retained until they can be used to calculate the error gradients").
 */

import { bytesPerElement } from '../dtype.js';
import { ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { zeros } from '../ops/creation.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkOptionNames, nonNegativeInt, optionNames } from '../validate.js';
import { layerKind } from './layer-kind.js';
import type { Module } from './module.js';
import { inEvalMode } from './training-modes.js';

/** Options of {@link summary}. */
export interface SummaryOptions {
  /**
   * Examples per training step. Without it the counts are for one example and the printed
   * shapes show the batch axis as `N` (Keras prints `None`).
   */
  batchSize?: number;
  /** Shape of one example (default: the first dense layer's input size). */
  inputShape?: readonly number[];
  /** Tensors of optimizer state per parameter element: 0 for SGD, 1 for momentum, 2 for Adam (default 0). */
  optimizerSlots?: number;
}

/** One row of a summary. */
export interface LayerSummary {
  name: string;
  kind: string;
  outputShape: number[];
  parameters: number;
  activations: number;
}

/** A model summary: the rows, the totals and the bytes in float32. */
export interface ModelSummary {
  layers: LayerSummary[];
  parameters: number;
  trainableParameters: number;
  activations: number;
  bytes: { parameters: number; gradients: number; optimizerState: number; activations: number; total: number };
  /** The summary as a table. */
  toString(): string;
}

function firstInputSize(model: Module): number | undefined {
  // Duck-typed (no import of Dense): module.ts imports this file, and Dense extends Module.
  const inputs = (model as { inputs?: unknown }).inputs;
  if (typeof inputs === 'number') return inputs;
  for (const [, c] of model.children()) {
    const n = firstInputSize(c);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * Runs `body` with every module under `model` counting the elements of each output of its
 * `forward` calls (`counted()` reads the running sum): a call's output counts unless one of the
 * calls made inside it returned that tensor (a chain returns its last layer's output). A layer
 * that returns its input (dropout in evaluation mode) counts: in training it makes a new tensor.
 */
function countingOutputs(model: Module, body: (counted: () => number) => void): void {
  let total = 0;
  const inner: Set<Tensor>[] = [];
  const patched = model.modules().map((m) => {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const forward = m.forward;
    m.forward = (x: Tensor): Tensor => {
      inner.push(new Set());
      let made: Set<Tensor>;
      let y: Tensor;
      try {
        y = forward.call(m, x);
      } finally {
        made = inner.pop() as Set<Tensor>;
      }
      if (!made.has(y)) total += y.size;
      made.add(y);
      for (const t of made) inner.at(-1)?.add(t);
      return y;
    };
    return () => {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    };
  });
  try {
    body(() => total);
  } finally {
    for (const restore of patched) restore();
  }
}

/**
 * Summarizes `model` for a training step of `batchSize` examples: it runs one forward pass on
 * zeros to find the output shapes, and counts the output of every module call in it — layers
 * inside nested models and custom modules included, a module's output counted once when it is a
 * sub-module's — as an activation kept for the backward pass (an upper bound: fused kernels may
 * keep less). A chain (`sequential`) gets a row per layer, any other model one row. The totals
 * leave out the input batch and buffers (a BatchNorm's running statistics). The pass runs in evaluation
 * mode (so a BatchNorm's running statistics do not move); afterwards every module is back in its
 * own mode, a BatchNorm frozen with `eval()` inside a training model included.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { nn, setBackend } from '@backprop/core';
 *
 * await setBackend(cpu());
 * const model = nn.sequential(nn.dense(784, 128), nn.relu(), nn.dense(128, 10));
 * const s = nn.summary(model, { batchSize: 32, optimizerSlots: 2 }); // 2 slots: Adam's moments
 * console.log(s.parameters, String(s)); // 101770 and a table of the layers
 * ```
 */
export function summary(model: Module, options: SummaryOptions = {}): ModelSummary {
  checkOptionNames(
    'summary',
    options,
    optionNames<SummaryOptions>({ batchSize: true, inputShape: true, optimizerSlots: true }),
  );
  const { batchSize: givenBatch, inputShape, optimizerSlots = 0 } = options;
  nonNegativeInt('summary', 'optimizerSlots', optimizerSlots);
  const batchSize = givenBatch ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError(`summary: batchSize must be a positive integer, got ${batchSize}`);
  const shape = inputShape ?? [firstInputSize(model) ?? Number.NaN];
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ValueError('summary: cannot infer the input shape; pass inputShape (the shape of one example)');
  }
  const isChain = Array.isArray((model as { layers?: unknown }).layers);
  const layers: [string, Module][] = isChain ? model.children() : [['model', model]];
  const rows: LayerSummary[] = [];
  inEvalMode(model, () =>
    tidy(() =>
      countingOutputs(model, (counted) => {
        let x = zeros([batchSize, ...shape]);
        for (const [name, layer] of layers) {
          const before = counted();
          x = layer.forward(x);
          const parameters = layer.parameters().reduce((s, p) => s + sizeOf(p.shape), 0);
          rows.push({
            name,
            kind: layerKind(layer),
            outputShape: [...x.shape],
            parameters,
            activations: counted() - before,
          });
        }
      }),
    ),
  );
  const params = model.parameters();
  const parameters = params.reduce((s, p) => s + sizeOf(p.shape), 0);
  const trainableParameters = params.filter((p) => p.trainable).reduce((s, p) => s + sizeOf(p.shape), 0);
  const result = memorySummary(rows, parameters, trainableParameters, optimizerSlots);
  if (givenBatch === undefined)
    result.toString = () => formatSummary(rows, parameters, result.activations, result.bytes, false);
  return result;
}

/**
 * The memory arithmetic on its own: float32 bytes of parameters, their gradients, optimizer
 * state and activations. The lecture's 50-layer example: 26M weights and 16M activations
 * are (26M + 16M) × 4 B = 168 MB, before gradients and optimizer state.
 *
 * @example
 * ```ts
 * import { nn } from '@backprop/core';
 *
 * // The lecture's 50-layer example: 26M weights and 16M activations.
 * const s = nn.memorySummary([{ name: 'all', kind: 'net', outputShape: [16e6], parameters: 26e6, activations: 16e6 }], 26e6);
 * console.log(s.bytes.parameters + s.bytes.activations); // 168000000
 * ```
 */
export function memorySummary(
  layers: LayerSummary[],
  parameters: number,
  trainableParameters = parameters,
  optimizerSlots = 0,
): ModelSummary {
  nonNegativeInt('memorySummary', 'parameters', parameters);
  nonNegativeInt('memorySummary', 'trainableParameters', trainableParameters);
  nonNegativeInt('memorySummary', 'optimizerSlots', optimizerSlots);
  const b = bytesPerElement('float32');
  const activations = layers.reduce((s, l) => s + l.activations, 0);
  const bytes = {
    parameters: parameters * b,
    gradients: trainableParameters * b,
    optimizerState: trainableParameters * optimizerSlots * b,
    activations: activations * b,
    total: 0,
  };
  bytes.total = bytes.parameters + bytes.gradients + bytes.optimizerState + bytes.activations;
  return {
    layers,
    parameters,
    trainableParameters,
    activations,
    bytes,
    toString: () => formatSummary(layers, parameters, activations, bytes, true),
  };
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(2)} MB`;
}

function formatSummary(
  layers: LayerSummary[],
  parameters: number,
  activations: number,
  bytes: ModelSummary['bytes'],
  batchKnown: boolean,
): string {
  const head = ['layer', 'kind', 'output shape', 'parameters', 'activations'];
  const body = layers.map((l) => [
    l.name,
    l.kind,
    `[${(batchKnown ? l.outputShape : ['N', ...l.outputShape.slice(1)]).join(', ')}]`,
    l.parameters.toLocaleString('en-US'),
    l.activations.toLocaleString('en-US'),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    line(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    `parameters ${parameters.toLocaleString('en-US')} (${mb(bytes.parameters)}), gradients ${mb(bytes.gradients)}, optimizer state ${mb(bytes.optimizerState)}`,
    `activations kept for backward ${activations.toLocaleString('en-US')} (${mb(bytes.activations)})`,
    `total for one training step ${mb(bytes.total)} (float32)`,
    ...(batchKnown ? [] : ['N: batch size not given; activations are per example (pass { batchSize })']),
  ].join('\n');
}
