// Shared by the benchmark aids in this folder: the MLP they train and its batch, built on the current backend, so
// every script measures the same step as `pnpm bench` (784-512-512-10, ReLU, batch 128, Adam), and the tensors of the
// bench's optimizer-update measurement.
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

/** The median of `values` (the upper one for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** `mlpTrainer(options)` on `backend` (made current), after 300 untimed warm-up steps (V8 compiles the step's JavaScript meanwhile). */
export async function warmTrainer(name, backend, options = {}) {
  await bp.setBackend(backend);
  const t = mlpTrainer(options);
  for (let i = 0; i < 300; i++) await t.train(t.x, t.y);
  return { name, backend, ...t, times: [] };
}

/**
 * Times `steps` steps of each trainer per round, in an order rotated by one each round so the machine's drift hits
 * every trainer alike; appends each round's ms/step to the trainer's `times` and prints every trainer's median and rounds.
 */
export async function timeInterleaved(trainers, rounds, steps = 30) {
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < trainers.length; k++) {
      const s = trainers[(k + r) % trainers.length];
      await bp.setBackend(s.backend);
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await s.train(s.x, s.y);
      s.times.push((performance.now() - t0) / steps);
    }
  }
  const width = Math.max(...trainers.map((s) => s.name.length));
  for (const s of trainers)
    console.log(
      `${s.name.padEnd(width)}  ${median(s.times).toFixed(2)} ms/step; rounds ${s.times.map((v) => v.toFixed(2)).join(' ')}`,
    );
}

/**
 * `backend` made current, with the tensors of `benchmarkUpdates` over 10M parameters on it (an MLP's two weights and
 * two biases, 1000 columns; seed 0): parameters `ps` and fixed gradients `gs`.
 */
export async function updateTensors(backend) {
  await backend.ready();
  await bp.setBackend(backend);
  bp.manualSeed(0);
  const shapes = [[8000, 1000], [1000], [1998, 1000], [1000]];
  const ps = shapes.map((s, i) => new bp.Parameter(`p${i}`, bp.randomNormal(s, { std: 0.01 })));
  const gs = shapes.map((s) => bp.randomNormal(s, { std: 0.01 }));
  return { ps, gs };
}
