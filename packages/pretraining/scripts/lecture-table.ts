/**
 * The lecture's table on real data: DBN, autoencoder and supervised greedy pretraining against a
 * deep and a shallow net without pretraining, on MNIST (10k) and Fashion-MNIST, over several seeds.
 * Run from packages/pretraining: `node scripts/../dist/scripts/lecture-table.js` after building
 * (`pnpm run experiment` does both). Writes docs/lecture-table.json and the pictures in docs/.
 */

import { writeFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import { type ArrayDataset, evaluate, fit, losses, type Module, nn, setBackend, takeRows } from '@backprop/core';
import { fashionMnist, mnist } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import {
  type Encoder,
  gradientMagnitudes,
  hintonMomentum,
  pretrainAutoencoders,
  pretrainDbn,
  pretrainSupervised,
  type RBM,
  type Stack,
  toMlp,
} from '@backprop/pretraining';
import { drawPictures, type Pictures } from './lib/pictures.js';

const H = 128;
const SIZES = [784, H, H, H];
// `--quick` is a smoke test of the script itself (tiny sizes; results are meaningless).
const QUICK = process.argv.includes('--quick');
const SEEDS = QUICK ? [0] : [0, 1, 2];
const PRETRAIN_EPOCHS = QUICK ? 1 : 4;
const FINETUNE_EPOCHS = QUICK ? 1 : 8;
const TRAIN = QUICK ? 500 : 4000;
const VAL = 1000;
const ROWS = [
  'DBN pretraining',
  'autoencoder pretraining',
  'supervised pretraining',
  'deep net, no pretraining',
  'shallow net, no pretraining',
] as const;
const docs = new URL(QUICK ? 'file:///tmp/pretraining-quick/' : '../../docs/', import.meta.url);

interface Split {
  train: ArrayDataset;
  val: ArrayDataset;
  test: ArrayDataset;
}

async function loadMnist(seed: number): Promise<Split> {
  const { train, test } = await mnist.load({ trainSize: TRAIN + VAL, testSize: 10000 - TRAIN - VAL, seed });
  return { train: takeRows(train, range(0, TRAIN)), val: takeRows(train, range(TRAIN, TRAIN + VAL)), test };
}

async function loadFashion(seed: number): Promise<Split> {
  const { train: all, test } = await fashionMnist.load();
  const order = shuffled(all.xShape[0], seed);
  return {
    train: takeRows(all, order.subarray(0, TRAIN)),
    val: takeRows(all, order.subarray(TRAIN, TRAIN + VAL)),
    test,
  };
}

function range(a: number, b: number): Int32Array {
  return Int32Array.from({ length: b - a }, (_, i) => a + i);
}

function shuffled(n: number, seed: number): Int32Array {
  const p = range(0, n);
  let s = (seed * 2654435761 + 12345) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const silentLog = (prefix: string) => (line: string) => console.log(`${prefix} ${line}`);

async function errors(model: Module, data: Split): Promise<[number, number, number]> {
  const e = async (ds: ArrayDataset) =>
    1 - (await evaluate(model, ds, { metrics: ['accuracy'], batchSize: 1000 })).accuracy;
  return [await e(data.train), await e(data.val), await e(data.test)];
}

async function finetune(model: Module, data: Split, seed: number, probe?: ReturnType<typeof gradientMagnitudes>) {
  await fit(model, data.train, {
    loss: losses.softmaxCrossEntropy,
    optimizer: sgd({ lr: 0.1, momentum: 0.9 }),
    batchSize: 32,
    epochs: FINETUNE_EPOCHS,
    seed,
    callbacks: probe ? [probe] : [],
    verbose: false,
  });
}

async function runSeed(name: string, data: Split, seed: number, pics: Pictures | undefined) {
  const log = silentLog(`[${name} seed ${seed}]`);
  const dense = (i: number, o: number, s: number) => new nn.Dense(i, o, { seed: s });
  const recon: Record<string, number[]> = { dbn: [], ae: [] };
  const stacks: Record<string, () => Promise<Stack<Encoder>>> = {
    'DBN pretraining': () =>
      pretrainDbn(data.train, {
        sizes: SIZES,
        seed,
        log,
        rbm: {
          epochs: PRETRAIN_EPOCHS,
          batchSize: 20,
          lr: 0.05,
          momentum: hintonMomentum(1),
          weightCost: 2e-4,
          onBatch: (e) => recon.dbn.push(e),
        },
      }),
    'autoencoder pretraining': () =>
      pretrainAutoencoders(data.train, {
        sizes: SIZES,
        seed,
        log,
        train: { epochs: PRETRAIN_EPOCHS, batchSize: 20, onBatch: (e) => recon.ae.push(e) },
        optimizer: () => sgd({ lr: 0.01, momentum: 0.9 }),
      }),
    'supervised pretraining': () =>
      pretrainSupervised(data.train, {
        sizes: SIZES,
        classes: 10,
        seed,
        log,
        epochs: PRETRAIN_EPOCHS,
        batchSize: 32,
        optimizer: () => sgd({ lr: 0.05, momentum: 0.9 }),
      }),
  };
  const result: Record<string, [number, number, number]> = {};
  for (const row of ROWS) {
    const t = performance.now();
    let model: Module;
    let stack: Stack<Encoder> | undefined;
    if (row in stacks) {
      stack = await stacks[row]();
      model = toMlp(stack.layers, { outputs: 10, output: { seed: seed + 999 } });
    } else if (row === 'deep net, no pretraining') {
      model = nn.sequential(
        dense(784, H, seed),
        nn.sigmoid(),
        dense(H, H, seed + 10),
        nn.sigmoid(),
        dense(H, H, seed + 20),
        nn.sigmoid(),
        dense(H, 10, seed + 999),
      );
    } else {
      model = nn.sequential(dense(784, H, seed), nn.sigmoid(), dense(H, 10, seed + 999));
    }
    const probe =
      pics && (row === 'DBN pretraining' || row === 'deep net, no pretraining')
        ? gradientMagnitudes(takeRows(data.val, range(0, 200)), { batches: 100, every: 10 })
        : undefined;
    if (pics && row === 'DBN pretraining') pics.rbm = stack!.layers[0] as RBM;
    if (pics && row === 'DBN pretraining')
      pics.pretrainedFilters = stack!.layers[0].weight.value.dataSync() as Float32Array;
    await finetune(model, data, seed, probe);
    result[row] = await errors(model, data);
    log(
      `${row}: train ${pct(result[row][0])} val ${pct(result[row][1])} test ${pct(result[row][2])} (${((performance.now() - t) / 1000).toFixed(0)} s)`,
    );
    if (pics && probe) pics.gradients[row] = probe.records;
    if (pics && (row === 'DBN pretraining' || row === 'deep net, no pretraining'))
      pics.filters[row] = (model as nn.Sequential).layers[0].parameters()[0].value.dataSync() as Float32Array;
    for (const l of stack?.layers ?? []) if (l !== pics?.rbm) (l as unknown as Module).dispose();
    model.dispose();
  }
  if (pics) pics.recon = recon;
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(xs.length - 1, 1));
  return { mean, std };
}

async function main() {
  await setBackend(cpu());
  const only = process.argv.slice(2).find((a) => !a.startsWith('--'));
  const out: Record<string, unknown> = {
    config: {
      sizes: SIZES,
      seeds: SEEDS,
      pretrainEpochs: PRETRAIN_EPOCHS,
      finetuneEpochs: FINETUNE_EPOCHS,
      train: TRAIN,
      val: VAL,
      backend: 'cpu',
    },
  };
  const start = performance.now();
  for (const [name, load] of [
    ['mnist', loadMnist],
    ['fashion-mnist', loadFashion],
  ] as const) {
    if (only && only !== name) continue;
    const perSeed: Record<string, [number, number, number]>[] = [];
    for (const seed of SEEDS) {
      const data = await load(seed);
      const pics: Pictures | undefined = seed === 0 ? { filters: {}, gradients: {}, recon: {} } : undefined;
      perSeed.push(await runSeed(name, data, seed, pics));
      if (pics) await drawPictures(name, pics, data.test, docs, H);
    }
    out[name] = Object.fromEntries(
      ROWS.map((row) => [
        row,
        {
          perSeed: perSeed.map((r) => r[row]),
          ...Object.fromEntries(['train', 'val', 'test'].map((k, i) => [k, meanStd(perSeed.map((r) => r[row][i]))])),
        },
      ]),
    );
    out.seconds = (performance.now() - start) / 1000;
    writeFileSync(new URL(`lecture-table${only ? `-${only}` : ''}.json`, docs), JSON.stringify(out, null, 1));
  }
  console.log(`done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
}

await main();
