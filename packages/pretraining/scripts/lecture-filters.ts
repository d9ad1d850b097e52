/**
 * Measures what docs/lecture-table.md only described by eye: how far the first-layer weights of
 * the committed MNIST table's deep net without pretraining and of its DBN row move during the
 * table's 8 epochs of fine-tuning (‖W − W₀‖ / ‖W₀‖), and how alike the first-layer filters are
 * (mean |cos| between distinct units, of the weights and of their changes W − W₀). Same recipe, splits and seeds as lecture-table.ts.
 * Run from packages/pretraining after building: `node dist/scripts/lecture-filters.js [--backend onnx]`.
 * Writes docs/lecture-filters-mnist.json.
 */
import { writeFileSync } from 'node:fs';
import { fit, losses, type Module, matmul, nn, setBackend, takeRows, tensor } from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import { hintonMomentum, pretrainDbn, toMlp } from '@backprop/pretraining';
import { loadOnnx } from './lib/siblings.js';

const H = 128;
const TRAIN = 4000;
const VAL = 1000;
const onnxBackend =
  process.argv.includes('--backend') && process.argv[process.argv.indexOf('--backend') + 1] === 'onnx';

async function firstLayer(model: Module): Promise<Float32Array> {
  return Float32Array.from((await (model as nn.Sequential).layers[0].parameters()[0].value.data()) as Float32Array);
}

async function stats(w0: Float32Array, w: Float32Array) {
  const cos = async (v: Float32Array) => {
    const norms = new Float32Array(H);
    for (let i = 0; i < v.length; i++) norms[i % H] += v[i] * v[i];
    const u = tensor(
      v.map((x, i) => x / Math.sqrt(norms[i % H] || 1)),
      [784, H],
      'float32',
    );
    const g = matmul(u, u, { transposeA: true });
    const gram = (await g.data()) as Float32Array;
    u.dispose();
    g.dispose();
    let s = 0;
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) if (i !== j) s += Math.abs(gram[i * H + j]);
    return s / (H * (H - 1));
  };
  let d = 0;
  let n0 = 0;
  let n1 = 0;
  for (let i = 0; i < w.length; i++) {
    d += (w[i] - w0[i]) ** 2;
    n0 += w0[i] ** 2;
    n1 += w[i] ** 2;
  }
  return {
    movement: Math.sqrt(d / n0),
    normStart: Math.sqrt(n0),
    normEnd: Math.sqrt(n1),
    meanAbsCosStart: await cos(w0),
    meanAbsCosEnd: await cos(w),
    meanAbsCosOfChange: await cos(w.map((x, i) => x - w0[i])),
  };
}

async function main() {
  if (onnxBackend) {
    const { onnx } = await loadOnnx();
    await setBackend(onnx({ provider: 'cpu', threads: 2 }));
  } else {
    const { cpu } = await import('@backprop/backend-cpu');
    await setBackend(cpu({ threads: 2 }));
  }
  const out: Record<string, unknown>[] = [];
  for (const seed of [0, 1, 2]) {
    const { train } = await mnist.load({ trainSize: TRAIN + VAL, testSize: 10000 - TRAIN - VAL, seed });
    const data = takeRows(
      train,
      Int32Array.from({ length: TRAIN }, (_, i) => i),
    );
    const dense = (i: number, o: number, s: number) => new nn.Dense(i, o, { seed: s });
    const deep = nn.sequential(
      dense(784, H, seed),
      nn.sigmoid(),
      dense(H, H, seed + 10),
      nn.sigmoid(),
      dense(H, H, seed + 20),
      nn.sigmoid(),
      dense(H, 10, seed + 999),
    );
    const stack = await pretrainDbn(data, {
      sizes: [784, H, H, H],
      seed,
      silent: true,
      rbm: { epochs: 4, batchSize: 20, lr: 0.05, momentum: hintonMomentum(1), weightCost: 2e-4 },
    });
    const dbn = toMlp(stack.layers, { outputs: 10, output: { seed: seed + 999 } });
    for (const [row, model] of [
      ['deep net, no pretraining', deep],
      ['DBN pretraining', dbn],
    ] as const) {
      const w0 = await firstLayer(model);
      await fit(model, data, {
        loss: losses.softmaxCrossEntropy,
        optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
        batchSize: 32,
        epochs: 8,
        seed,
        verbose: false,
      });
      const s = await stats(w0, await firstLayer(model));
      console.log(
        `seed ${seed} ${row}: ‖W−W₀‖/‖W₀‖ ${s.movement.toFixed(3)}, ‖W₀‖ ${s.normStart.toFixed(2)} → ‖W‖ ${s.normEnd.toFixed(2)}, mean |cos| ${s.meanAbsCosStart.toFixed(3)} → ${s.meanAbsCosEnd.toFixed(3)}, of the changes W−W₀ ${s.meanAbsCosOfChange.toFixed(3)}`,
      );
      out.push({ seed, row, ...s });
      model.dispose();
    }
    for (const l of stack.layers) l.dispose();
  }
  writeFileSync(
    new URL('../../docs/lecture-filters-mnist.json', import.meta.url),
    JSON.stringify(
      {
        recipe: 'lecture-table.ts: 784-128-128-128-10, 4000 MNIST digits, SGD lr 0.1 momentum 0.9, batch 32, 8 epochs',
        rows: out,
      },
      null,
      1,
    ),
  );
}

await main();
