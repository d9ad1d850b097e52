/**
 * The end-to-end training runs whose loss curves every backend must reproduce: XOR with a
 * two-layer MLP, and a small MNIST run (256 digits downsampled to 14×14, golden/mnist-subset.json).
 */
import * as core from '@backprop/core';
import { loadGolden } from '../load-golden.js';
import { type Batch, sgdCurve } from './sgd.js';

/** XOR: 2-8-1 MLP (tanh), logits with binary cross-entropy, full batch, SGD lr 0.5, 150 steps. */
export async function xorCurve(): Promise<number[]> {
  // Built inside tidy: the initializers' intermediates are freed, the (kept) parameters survive.
  const model = core.tidy(() =>
    core.nn.sequential(core.nn.dense(2, 8, { seed: 1 }), core.nn.tanh(), core.nn.dense(8, 1, { seed: 3 })),
  );
  const batch: Batch = {
    x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
    xShape: [4, 2],
    y: Float32Array.from([0, 1, 1, 0]),
    yShape: [4, 1],
  };
  try {
    return await sgdCurve({
      model,
      batches: [batch],
      loss: core.losses.binaryCrossEntropyWithLogits,
      lr: 0.5,
      epochs: 150,
    });
  } finally {
    for (const p of model.parameters()) p.dispose();
  }
}

/** The committed MNIST subset: 256 digits, 14×14 pixels as bytes (base64), labels 0–9. */
export interface MnistSubset {
  rows: number;
  features: number;
  pixels: string;
  labels: number[];
}

/** Decodes the committed subset into float32 pixels in [0, 1] and int32 labels. */
export function mnistSubset(): { x: Float32Array; y: Int32Array; rows: number; features: number } {
  const s = loadGolden<MnistSubset>('mnist-subset.json');
  const bytes = Uint8Array.from(atob(s.pixels), (c) => c.charCodeAt(0));
  return {
    x: Float32Array.from(bytes, (b) => b / 255),
    y: Int32Array.from(s.labels),
    rows: s.rows,
    features: s.features,
  };
}

/** MNIST: 196-32-10 MLP (relu), softmax cross-entropy, batches of 64 in fixed order, SGD lr 0.5, 6 epochs (24 steps). */
export async function mnistCurve(): Promise<number[]> {
  const { x, y, rows, features } = mnistSubset();
  const size = 64;
  const batches: Batch[] = [];
  for (let i = 0; i < rows; i += size) {
    batches.push({
      x: x.slice(i * features, (i + size) * features),
      xShape: [size, features],
      y: y.slice(i, i + size),
      yShape: [size],
    });
  }
  const model = core.tidy(() =>
    core.nn.sequential(core.nn.dense(features, 32, { seed: 5 }), core.nn.relu(), core.nn.dense(32, 10, { seed: 7 })),
  );
  try {
    return await sgdCurve({ model, batches, loss: core.losses.softmaxCrossEntropy, lr: 0.5, epochs: 6 });
  } finally {
    for (const p of model.parameters()) p.dispose();
  }
}
