/**
 * The lecture's pretraining table (CSCE 633, Lecture 28; Bengio, Lamblin, Popovici & Larochelle,
 * NIPS 2007, table 1) as a fair experiment: every row — DBN, autoencoder and supervised greedy
 * pretraining, the deep net without pretraining from the default and from a sigmoid Glorot
 * initialisation, and a shallow net — gets its fine-tuning learning rate (a grid) and its number
 * of epochs (early stopping with the best weights restored) selected on the validation set, over
 * several seeds, with paired comparisons; plus a "few labels" experiment (pretraining on every
 * training image, fine-tuning on a few hundred labelled ones).
 *
 * Build and run from packages/pretraining:
 *   npx tsc -p tsconfig.json && npx tsc -p tsconfig.scripts.json
 *   node dist/scripts/fair-table.js mnist            # the default setting (see docs/fair-table.md)
 *   node dist/scripts/fair-table.js mnist --quick    # a smoke test of the script (writes to /tmp)
 *   node dist/scripts/fair-table.js mnist-idx --data-dir DIR --train 50000 --val 10000 --test 10000 \
 *     --hidden 1000 --backend onnx --provider cuda   # the paper's scale on full MNIST (IDX files)
 * `--help` lists every option. Writes docs/fair-table-<dataset>.json, two SVGs, and the results
 * section of docs/fair-table.md.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type ArrayDataset,
  type Backend,
  type Callback,
  evaluate,
  fit,
  losses,
  matmul,
  nn,
  permutation,
  randomUniform,
  setBackend,
  type TrainingContext,
  takeRows,
  tensor,
} from '@backprop/core';
import { fashionMnist, mnist } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import {
  Autoencoder,
  type Encoder,
  hintonMomentum,
  pretrainAutoencoders,
  pretrainDbn,
  pretrainSupervised,
  type Stack,
  SupervisedLayer,
  toMlp,
} from '@backprop/pretraining';
import { renderResults, updateMarkdown } from './lib/fair-table-report.js';
import { pairedPlot, scatterPlot } from './lib/scatter.js';
import {
  type EarlyStopping,
  loadOnnx,
  loadRegularizers,
  loadTuning,
  loadWebgpu,
  type TrialResult,
} from './lib/siblings.js';
import { meanStd, paired } from './lib/stats.js';

// ---------------------------------------------------------------------------------------------
// Rows

export const ROWS = {
  dbn: { name: 'DBN pretraining', published: 1.2, pretrained: true },
  ae: { name: 'autoencoder pretraining', published: 1.4, pretrained: true },
  sup: { name: 'supervised greedy pretraining', published: 2.0, pretrained: true },
  deepDefault: { name: 'deep net, no pretraining, default init', published: 2.4, pretrained: false },
  deepGlorot: { name: 'deep net, no pretraining, Glorot init', published: 2.4, pretrained: false },
  shallow: { name: 'shallow net (1 hidden layer)', published: 1.9, pretrained: false },
} as const;
export type RowId = keyof typeof ROWS;
const ROW_IDS = Object.keys(ROWS) as RowId[];
/** The rows of the few-labels experiment (supervised pretraining would only see the few labels). */
const FEW_ROWS: RowId[] = ['dbn', 'ae', 'deepDefault', 'deepGlorot', 'shallow'];

/** Each row's initialisation of its hidden layers before any training, for the write-up. */
export const INIT: Record<RowId, string> = {
  dbn: 'RBMs: W ~ N(0, 0.01²), biases 0 (Hinton 2010), then CD-1 pretraining',
  ae: 'sigmoid Glorot: W ~ U(±4·√(6/(fan_in+fan_out))), biases 0 — the same draws as the Glorot baseline — then autoencoder pretraining',
  sup: "core Dense's default U(±1/√fan_in) for W and b — the same draws as the default baseline — then supervised greedy pretraining",
  deepDefault: "core Dense's default: W, b ~ U(±1/√fan_in) (PyTorch's Linear)",
  deepGlorot: 'sigmoid Glorot: W ~ U(±4·√(6/(fan_in+fan_out))), biases 0 (Glorot & Bengio 2010; ×4 for sigmoid units)',
  shallow: 'sigmoid Glorot, as the Glorot baseline (its hidden layer is the same draw as that net’s first layer)',
};
export const OUTPUT_INIT =
  'every net: a fresh Dense(H, 10) with Glorot uniform U(±√(6/(H+10))) weights and zero biases, the same draw for every row of a seed';

// ---------------------------------------------------------------------------------------------
// Options

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'cpu' },
    provider: { type: 'string', default: 'cpu' },
    threads: { type: 'string', default: '2' },
    hidden: { type: 'string' },
    layers: { type: 'string', default: '3' },
    train: { type: 'string' },
    val: { type: 'string' },
    test: { type: 'string' },
    seeds: { type: 'string' },
    'pretrain-epochs': { type: 'string' },
    lrs: { type: 'string' },
    momentum: { type: 'string', default: '0.9' },
    batch: { type: 'string', default: '32' },
    'max-epochs': { type: 'string' },
    patience: { type: 'string' },
    'converged-error': { type: 'string', default: '0.01' },
    'few-labels': { type: 'string' },
    'few-max-epochs': { type: 'string' },
    'few-patience': { type: 'string' },
    rows: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-markdown': { type: 'boolean', default: false },
    'from-json': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const HELP = `node dist/scripts/fair-table.js [mnist|fashion-mnist|mnist-idx] [options]
  --backend cpu|onnx|webgpu   backend (default cpu); --provider cpu|cuda|webgpu for onnx; --threads N (default 2)
  --hidden H --layers L       deep net 784-H×L-10, shallow 784-H-10 (default 300, 3; 1000 for the 60k sets)
  --train N --val N --test N  split sizes (mnist: ≤ 10,000 in all; fashion-mnist / mnist-idx: train+val from the 60k, test from the 10k)
  --seeds 0,1,2,3,4 | 5       seeds (a list or a count)
  --pretrain-epochs E         epochs per layer of greedy pretraining
  --lrs 0.03,0.1,0.3          fine-tuning learning-rate grid (SGD, --momentum 0.9, --batch 32)
  --max-epochs N --patience P fine-tuning: at most N epochs; stop P epochs after the best validation error once converged
  --converged-error 0.01      "converged": running training error at or below this
  --few-labels K              labelled examples of the few-labels experiment (0: skip); --few-max-epochs, --few-patience
  --rows dbn,ae,sup,deepDefault,deepGlorot,shallow
  --data-dir DIR              mnist-idx: folder with train-images-idx3-ubyte.gz etc. (fashion-mnist: default Debian's)
  --out DIR                   where JSON, SVGs and the Markdown go (default docs/; --quick: /tmp/fair-table-quick/)
  --quick                     smoke test: tiny data, 1 seed, 1-2 epochs (results are meaningless)
  --no-markdown               do not update fair-table.md
  --from-json                 run nothing: redraw the SVGs and rewrite the Markdown from docs/fair-table-<dataset>.json (or --out's)`;
if (opt.help) {
  console.log(HELP);
  process.exit(0);
}

const DATASET = (positionals[0] ?? 'mnist') as 'mnist' | 'fashion-mnist' | 'mnist-idx';
if (!['mnist', 'fashion-mnist', 'mnist-idx'].includes(DATASET)) throw new Error(`unknown dataset ${DATASET}\n${HELP}`);
const QUICK = opt.quick;
const num = (v: string | undefined, quick: number, full: number) =>
  v === undefined ? (QUICK ? quick : full) : Number(v);
const list = (v: string | undefined, fallback: number[]) => (v === undefined ? fallback : v.split(',').map(Number));
const seedsOf = (v: string | undefined): number[] => {
  if (v === undefined) return QUICK ? [0] : [0, 1, 2, 3, 4];
  const seeds = v.includes(',')
    ? v.split(',').filter(Boolean).map(Number)
    : Array.from({ length: Number(v) }, (_, i) => i);
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0))
    throw new Error(`--seeds: a count ≥ 1 (e.g. 5 → 0…4) or a list (e.g. 3,7 or 4,), got ${v}`);
  return seeds;
};
const big = DATASET !== 'mnist';

export interface Config {
  dataset: string;
  backend: string;
  provider: string;
  threads: number;
  hidden: number;
  layers: number;
  sizes: number[];
  train: number;
  val: number;
  test: number;
  seeds: number[];
  pretrainEpochs: number;
  pretraining: Record<string, unknown>;
  lrs: number[];
  momentum: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  hardPatience: number;
  convergedError: number;
  selection: string;
  fewLabels: number;
  fewMaxEpochs: number;
  fewPatience: number;
  fewHardPatience: number;
  rows: RowId[];
  quick: boolean;
}

const hidden = num(opt.hidden, 32, big ? 1000 : 300);
const layers = num(opt.layers, 3, 3);
const cfg: Config = {
  dataset: DATASET,
  backend: opt.backend!,
  provider: opt.provider!,
  threads: Number(opt.threads),
  hidden,
  layers,
  sizes: [784, ...Array(layers).fill(hidden)],
  train: num(opt.train, 500, big ? 50000 : 6000),
  val: num(opt.val, 300, big ? 10000 : 1500),
  test: num(opt.test, 500, big ? 10000 : 2500),
  seeds: seedsOf(opt.seeds),
  pretrainEpochs: num(opt['pretrain-epochs'], 1, 10),
  pretraining: {},
  lrs: list(opt.lrs, [0.03, 0.1, 0.3]),
  momentum: Number(opt.momentum),
  batchSize: Number(opt.batch),
  maxEpochs: num(opt['max-epochs'], 2, 100),
  patience: num(opt.patience, 1, 8),
  hardPatience: 0,
  convergedError: Number(opt['converged-error']),
  selection: '',
  fewLabels: num(opt['few-labels'], 50, 300),
  fewMaxEpochs: num(opt['few-max-epochs'], 2, 500),
  fewPatience: num(opt['few-patience'], 1, 30),
  fewHardPatience: 0,
  rows: opt.rows ? (opt.rows.split(',') as RowId[]) : ROW_IDS,
  quick: QUICK,
};
cfg.hardPatience = 3 * cfg.patience;
cfg.fewHardPatience = 3 * cfg.fewPatience;
for (const r of cfg.rows) if (!(r in ROWS)) throw new Error(`unknown row ${r}; rows are ${ROW_IDS.join(', ')}`);
cfg.pretraining = {
  dbn: {
    algorithm: 'CD-1',
    epochs: cfg.pretrainEpochs,
    batchSize: 20,
    lr: 0.05,
    momentum: '0.5 (epoch 1) then 0.9',
    weightCost: 2e-4,
  },
  ae: {
    loss: 'cross-entropy',
    tied: true,
    corruption: 'none',
    epochs: cfg.pretrainEpochs,
    batchSize: 20,
    optimizer: 'SGD lr 0.01 momentum 0.9',
  },
  sup: {
    epochs: cfg.pretrainEpochs,
    batchSize: 32,
    optimizer: 'SGD lr 0.05 momentum 0.9',
    head: 'temporary softmax layer per level',
  },
};
cfg.selection =
  `per seed and row: for each learning rate of the grid, fine-tune with SGD (momentum ${cfg.momentum}, batch ${cfg.batchSize}) ` +
  `until the running training error is ≤ ${100 * cfg.convergedError}% and the validation error has not improved for ${cfg.patience} epochs ` +
  `(or for ${cfg.hardPatience} epochs whatever the training error, or ${cfg.maxEpochs} epochs), restore the weights of the epoch with the lowest ` +
  'validation error (earlyStopping, restoreBest); pick the learning rate with the lowest validation error (ties: lower validation loss). ' +
  'Test errors are read only for the selected run.';

const docsDir = opt.out
  ? new URL(`file://${opt.out.startsWith('/') ? opt.out : `${process.cwd()}/${opt.out}`}/`)
  : new URL(QUICK ? 'file:///tmp/fair-table-quick/' : '../../docs/', import.meta.url);
mkdirSync(docsDir, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Backend

async function useBackend(): Promise<Record<string, unknown>> {
  let backend: Backend;
  if (cfg.backend === 'cpu') {
    const { cpu } = await import('@backprop/backend-cpu');
    const b = cpu({ threads: cfg.threads });
    await b.ready?.();
    backend = b;
    await setBackend(backend);
    return { name: backend.name, ...(b.paths ?? {}) };
  }
  if (cfg.backend === 'onnx') {
    const { onnx } = await loadOnnx();
    backend = await onnx({ provider: cfg.provider as 'cpu' | 'cuda' | 'webgpu', threads: cfg.threads });
    await setBackend(backend);
    return { name: backend.name, provider: cfg.provider, threads: cfg.threads };
  }
  if (cfg.backend === 'webgpu') {
    const { webgpu } = await loadWebgpu();
    const b = await webgpu();
    await setBackend(b);
    return { name: b.name, adapter: (b as { adapterDescription?: string }).adapterDescription };
  }
  throw new Error(`unknown backend ${cfg.backend}; use cpu, onnx or webgpu`);
}

// ---------------------------------------------------------------------------------------------
// Data

interface Split {
  train: ArrayDataset;
  val: ArrayDataset;
  test: ArrayDataset;
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

async function load(seed: number): Promise<Split> {
  if (DATASET === 'mnist') {
    const { train, test } = await mnist.load({ trainSize: cfg.train + cfg.val, testSize: cfg.test, seed });
    return {
      train: takeRows(train, range(0, cfg.train)),
      val: takeRows(train, range(cfg.train, cfg.train + cfg.val)),
      test,
    };
  }
  const { train: all, test: allTest } =
    DATASET === 'fashion-mnist'
      ? await fashionMnist.load(opt['data-dir'] ? { dir: opt['data-dir'] } : {})
      : await fashionMnist.load({ dir: opt['data-dir'] ?? '/usr/share/datasets/mnist' }); // the same IDX file names
  const order = permutation(all.xShape[0], seed, 0);
  const testOrder = permutation(allTest.xShape[0], seed, 1);
  return {
    train: takeRows(all, order.subarray(0, cfg.train)),
    val: takeRows(all, order.subarray(cfg.train, cfg.train + cfg.val)),
    test: cfg.test >= allTest.xShape[0] ? allTest : takeRows(allTest, testOrder.subarray(0, cfg.test)),
  };
}

/** The first k/10 examples of each class of the (already shuffled) training split. */
function fewLabelled(train: ArrayDataset, k: number): ArrayDataset {
  const per = Math.floor(k / 10);
  const counts = new Array(10).fill(0);
  const rows: number[] = [];
  const y = train.y as Int32Array;
  for (let i = 0; i < y.length && rows.length < 10 * per; i++)
    if (counts[y[i]] < per) {
      counts[y[i]]++;
      rows.push(i);
    }
  return takeRows(train, Int32Array.from(rows));
}

// ---------------------------------------------------------------------------------------------
// Nets: the same seeds give the baselines exactly the pretrained rows' starting draws.

/** Sigmoid Glorot (the Theano tutorial's, = Autoencoder's own init): U(±4√(6/(in+out))). */
const glorotSigmoid: nn.Initializer = (shape, { fanIn, fanOut, seed }) => {
  const r = 4 * Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform(shape, { low: -r, high: r, seed });
};
const layerSeed = (seed: number, i: number) => seed + 100 * i; // pretrainAutoencoders' / pretrainSupervised's seeds
const outputLayer = (seed: number): nn.DenseOptions => ({
  weightInit: 'glorotUniform',
  biasInit: 'zeros',
  seed: seed + 999,
});

function scratchNet(row: RowId, seed: number): nn.Sequential {
  const depth = row === 'shallow' ? 1 : cfg.layers;
  const init: nn.DenseOptions = row === 'deepDefault' ? {} : { weightInit: glorotSigmoid, biasInit: 'zeros' };
  const mods: nn.Module[] = [];
  for (let i = 0; i < depth; i++)
    mods.push(new nn.Dense(cfg.sizes[i], cfg.sizes[i + 1], { ...init, seed: layerSeed(seed, i) }), nn.sigmoid());
  mods.push(new nn.Dense(cfg.hidden, 10, outputLayer(seed)));
  return nn.sequential(...mods);
}

/** Checks that the baselines really start where the pretrained rows start (max |difference|). */
async function initCheck(): Promise<Record<string, number>> {
  const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  const seed = cfg.seeds[0];
  const ae = new Autoencoder(784, cfg.hidden, { seed: layerSeed(seed, 0) });
  const sup = new SupervisedLayer(784, cfg.hidden, 'sigmoid', { seed: layerSeed(seed, 0) });
  const glorot = scratchNet('deepGlorot', seed);
  const dflt = scratchNet('deepDefault', seed);
  const w = async (m: nn.Sequential, k: number) => (await m.layers[0].parameters()[k].value.data()) as Float32Array;
  const host = async (t: { data(): Promise<unknown> }) => (await t.data()) as Float32Array;
  const out = {
    'autoencoder layer 1 vs Glorot baseline layer 1 (W)': diff(await host(ae.weight.value), await w(glorot, 0)),
    'supervised layer 1 vs default baseline layer 1 (W)': diff(await host(sup.weight.value), await w(dflt, 0)),
    'supervised layer 1 vs default baseline layer 1 (b)': diff(await host(sup.hiddenBias.value), await w(dflt, 1)),
  };
  for (const m of [ae, sup, glorot, dflt]) m.dispose();
  return out;
}

// ---------------------------------------------------------------------------------------------
// First-layer filters: how far they moved and how alike they are

async function filterStats(w: Float32Array, units: number): Promise<{ norm: number; meanAbsCos: number }> {
  const rows = w.length / units;
  const norms = new Float32Array(units);
  let norm = 0;
  for (let i = 0; i < w.length; i++) {
    norms[i % units] += w[i] * w[i];
    norm += w[i] * w[i];
  }
  const unit = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) unit[i] = w[i] / Math.sqrt(norms[i % units] || 1);
  const u = tensor(unit, [rows, units], 'float32');
  const g = matmul(u, u, { transposeA: true });
  const gram = (await g.data()) as Float32Array;
  u.dispose();
  g.dispose();
  let s = 0;
  for (let i = 0; i < units; i++) for (let j = 0; j < units; j++) if (i !== j) s += Math.abs(gram[i * units + j]);
  return { norm: Math.sqrt(norm), meanAbsCos: s / (units * (units - 1)) };
}

function movement(w0: Float32Array, w: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < w.length; i++) {
    d += (w[i] - w0[i]) ** 2;
    n += w0[i] ** 2;
  }
  return Math.sqrt(d / n);
}

// ---------------------------------------------------------------------------------------------
// Fine-tuning with selection on the validation set

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const secs = (t: number) => (performance.now() - t) / 1000;

/** Early stopping that may only stop once the net has converged on its training set (or after `hard` epochs without a better validation error). */
function untilConverged(es: EarlyStopping, maxTrainError: number, hard: number): Callback {
  return {
    onTrainBegin: () => es.onTrainBegin(),
    onEpochEnd: (epoch, logs, ctx) => {
      let asked: string | undefined;
      const proxy = Object.create(ctx, {
        stop: {
          value: (reason?: string) => {
            asked = reason ?? 'stopped';
          },
        },
      }) as TrainingContext;
      es.onEpochEnd(epoch, logs, proxy);
      if (asked !== undefined && (1 - logs.accuracy <= maxTrainError || es.wait >= hard)) ctx.stop(asked);
    },
    onTrainEnd: (ctx) => es.onTrainEnd(ctx),
  };
}

interface FinetuneSetting {
  maxEpochs: number;
  patience: number;
  hard: number;
  /** Print every k-th epoch line. */
  every: number;
}

type Metrics = Record<string, number>;

/** Fine-tunes one net at one learning rate; returns its errors, epochs and filter numbers. */
async function finetune(
  label: string,
  build: () => nn.Sequential,
  data: Split,
  lr: number,
  seed: number,
  s: FinetuneSetting,
): Promise<Metrics> {
  const { earlyStopping } = await loadRegularizers();
  const t0 = performance.now();
  const model = build();
  const first = async () => Float32Array.from((await model.layers[0].parameters()[0].value.data()) as Float32Array);
  const w0 = await first();
  const es = earlyStopping({ monitor: 'valAccuracy', patience: s.patience, restoreBest: true });
  let te = 0;
  let minTrainError = 1;
  const progress: Callback = {
    onEpochBegin: () => {
      te = performance.now();
    },
    onEpochEnd: (e, logs) => {
      minTrainError = Math.min(minTrainError, 1 - logs.accuracy);
      if ((e + 1) % s.every === 0 || e === 0)
        console.log(
          `${label} lr ${lr} epoch ${e + 1}/${s.maxEpochs} loss ${logs.loss.toFixed(4)} train-err ${pct(1 - logs.accuracy)} ` +
            `val-loss ${logs.valLoss.toFixed(4)} val-err ${pct(1 - logs.valAccuracy)} ${secs(te).toFixed(1)}s`,
        );
    },
  };
  const optimizer = sgd({ lr, momentum: cfg.momentum });
  try {
    const history = await fit(model, data.train, {
      loss: losses.softmaxCrossEntropy,
      optimizer,
      batchSize: cfg.batchSize,
      epochs: s.maxEpochs,
      seed,
      validation: data.val,
      metrics: ['accuracy'],
      callbacks: [progress, untilConverged(es, cfg.convergedError, s.hard)],
      verbose: false,
    });
    const ev = async (ds: ArrayDataset) =>
      evaluate(model, ds, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'], batchSize: 1000 });
    const [tr, va, ts] = [await ev(data.train), await ev(data.val), await ev(data.test)];
    const w = await first();
    const start = await filterStats(w0, cfg.hidden);
    const end = await filterStats(w, cfg.hidden);
    const change = await filterStats(
      w.map((x, i) => x - w0[i]),
      cfg.hidden,
    );
    const seconds = secs(t0);
    const m: Metrics = {
      lr,
      trainError: 1 - tr.accuracy,
      valError: 1 - va.accuracy,
      testError: 1 - ts.accuracy,
      trainLoss: tr.loss,
      valLoss: va.loss,
      testLoss: ts.loss,
      bestEpoch: es.bestEpoch + 1,
      epochsRun: history.epochs.length,
      minRunningTrainError: minTrainError,
      seconds,
      secondsPerEpoch: seconds / Math.max(history.epochs.length, 1),
      w1Movement: movement(w0, w),
      w1NormStart: start.norm,
      w1NormEnd: end.norm,
      w1MeanAbsCosStart: start.meanAbsCos,
      w1MeanAbsCosEnd: end.meanAbsCos,
      w1MeanAbsCosOfChange: change.meanAbsCos,
      compiled: history.compiled ? 1 : 0,
    };
    console.log(
      `${label} lr ${lr}: best epoch ${m.bestEpoch}/${m.epochsRun} train ${pct(m.trainError)} val ${pct(m.valError)} ` +
        `(val loss ${m.valLoss.toFixed(4)}) ${seconds.toFixed(0)}s`,
    );
    return m;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

interface Selection {
  seed: number;
  selected: Metrics;
  trials: { lr: number; error?: string; metrics: Metrics }[];
  pretrainSeconds?: number;
}

/** Grid search over the learning rate (@backprop/tuning, sequential), selection on validation error. */
async function select(
  label: string,
  build: () => nn.Sequential,
  data: Split,
  seed: number,
  s: FinetuneSetting,
): Promise<Selection> {
  const { gridSearch } = await loadTuning();
  const results = await gridSearch(
    { lr: cfg.lrs },
    (config) => finetune(label, build, data, Number(config.lr), seed, s),
    { metric: 'valError', mode: 'min', verbose: false },
  );
  const ok = results.rows.filter((r: TrialResult) => !r.error && Number.isFinite(r.metrics.valError));
  for (const r of results.rows) if (r.error) console.log(`${label} lr ${r.config.lr}: FAILED ${r.error.message}`);
  if (ok.length === 0) throw new Error(`${label}: every learning rate failed`);
  const best = [...ok].sort(
    (a, b) => a.metrics.valError - b.metrics.valError || a.metrics.valLoss - b.metrics.valLoss || a.index - b.index,
  )[0];
  console.log(
    `${label}: selected lr ${best.metrics.lr} (epoch ${best.metrics.bestEpoch}) train ${pct(best.metrics.trainError)} ` +
      `val ${pct(best.metrics.valError)} test ${pct(best.metrics.testError)}`,
  );
  return {
    seed,
    selected: best.metrics,
    trials: results.rows.map((r: TrialResult) => ({
      lr: Number(r.config.lr),
      ...(r.error ? { error: `${r.error.kind}: ${r.error.message}` } : {}),
      metrics: r.metrics as Metrics,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Pretraining

async function pretrain(row: RowId, data: Split, seed: number, tag: string): Promise<Stack<Encoder>> {
  const log = (line: string) => console.log(`${tag} ${ROWS[row].name}: ${line}`);
  const sizes = cfg.sizes;
  const E = cfg.pretrainEpochs;
  if (row === 'dbn')
    return pretrainDbn(data.train, {
      sizes,
      seed,
      log,
      rbm: { epochs: E, batchSize: 20, lr: 0.05, momentum: hintonMomentum(1), weightCost: 2e-4 },
    });
  if (row === 'ae')
    return pretrainAutoencoders(data.train, {
      sizes,
      seed,
      log,
      train: { epochs: E, batchSize: 20 },
      optimizer: () => sgd({ lr: 0.01, momentum: 0.9 }),
    });
  return pretrainSupervised(data.train, {
    sizes,
    classes: 10,
    seed,
    log,
    epochs: E,
    batchSize: 32,
    optimizer: () => sgd({ lr: 0.05, momentum: 0.9 }),
  });
}

// ---------------------------------------------------------------------------------------------
// Summaries

export interface Results {
  title: string;
  command: string;
  started: string;
  finished?: string;
  seconds?: number;
  complete: boolean;
  host: Record<string, unknown>;
  backend: Record<string, unknown>;
  config: Config;
  rows: Record<string, { name: string; published: number; init: string }>;
  outputInit: string;
  initCheck: Record<string, number>;
  dataSizes: Record<string, number>;
  main: Partial<Record<RowId, Selection[]>>;
  few: Partial<Record<RowId, Selection[]>>;
  summary?: ReturnType<typeof summarize>;
}

function summarize(res: Results) {
  const block = (sel: Partial<Record<RowId, Selection[]>>) =>
    Object.fromEntries(
      Object.entries(sel).map(([row, runs]) => [
        row,
        {
          seeds: runs!.map((r) => r.seed),
          train: meanStd(runs!.map((r) => r.selected.trainError)),
          val: meanStd(runs!.map((r) => r.selected.valError)),
          test: meanStd(runs!.map((r) => r.selected.testError)),
          lr: runs!.map((r) => r.selected.lr),
          epochs: runs!.map((r) => r.selected.bestEpoch),
          epochsRun: runs!.map((r) => r.selected.epochsRun),
          minRunningTrainError: meanStd(runs!.map((r) => r.selected.minRunningTrainError)),
          w1Movement: meanStd(runs!.map((r) => r.selected.w1Movement)),
          w1MeanAbsCosStart: meanStd(runs!.map((r) => r.selected.w1MeanAbsCosStart)),
          w1MeanAbsCosEnd: meanStd(runs!.map((r) => r.selected.w1MeanAbsCosEnd)),
          w1MeanAbsCosOfChange: meanStd(runs!.map((r) => r.selected.w1MeanAbsCosOfChange)),
          secondsPerEpoch: meanStd(
            runs!.flatMap((r) => r.trials.map((t) => t.metrics.secondsPerEpoch).filter(Number.isFinite)),
          ),
          pretrainSeconds: meanStd(runs!.map((r) => r.pretrainSeconds ?? 0)),
          fineTuneSeconds: meanStd(runs!.map((r) => r.trials.reduce((a, t) => a + (t.metrics.seconds ?? 0), 0))),
        },
      ]),
    );
  const comparisons = (sel: Partial<Record<RowId, Selection[]>>, as: RowId[], bs: RowId[]) => {
    const out: {
      a: RowId;
      b: RowId;
      seeds: number[];
      test: ReturnType<typeof paired>;
      train: ReturnType<typeof paired>;
    }[] = [];
    for (const a of as)
      for (const b of bs) {
        const ra = sel[a];
        const rb = sel[b];
        if (!ra || !rb) continue;
        const seeds = ra.map((r) => r.seed).filter((s) => rb.some((q) => q.seed === s));
        if (seeds.length === 0) continue;
        const pick = (runs: Selection[], k: string) => seeds.map((s) => runs.find((r) => r.seed === s)!.selected[k]);
        out.push({
          a,
          b,
          seeds,
          test: paired(pick(ra, 'testError'), pick(rb, 'testError')),
          train: paired(pick(ra, 'trainError'), pick(rb, 'trainError')),
        });
      }
    return out;
  };
  const baselines: RowId[] = ['deepDefault', 'deepGlorot', 'shallow'];
  return {
    main: block(res.main),
    few: block(res.few),
    paired: comparisons(res.main, ['dbn', 'ae', 'sup'], baselines),
    pairedPretrained: comparisons(res.main, ['dbn', 'ae'], ['ae', 'sup']).filter((c) => c.a !== c.b),
    pairedBaselines: comparisons(res.main, ['deepGlorot'], ['deepDefault', 'shallow']),
    fewPaired: comparisons(res.few, ['dbn', 'ae'], baselines),
  };
}

function pictures(res: Results): Record<string, string> {
  const files: Record<string, string> = {};
  const dataset = res.config.dataset;
  const name = `fair-table-${dataset}`;
  const groups = (Object.keys(res.main) as RowId[]).map((row) => ({
    name: ROWS[row].name,
    points: res.main[row]!.map((r) => [100 * r.selected.trainError, 100 * r.selected.testError] as [number, number]),
  }));
  if (groups.length) {
    files.trainTest = `${name}-train-test.svg`;
    writeFileSync(
      new URL(files.trainTest, docsDir),
      scatterPlot(groups, {
        title: `${dataset}: test error against training error, selected runs`,
        xLabel: 'training error (%)',
        yLabel: 'test error (%)',
      }),
    );
  }
  const fewRows = (Object.keys(res.few) as RowId[]).filter((r) => res.few[r]!.length > 0);
  if (fewRows.length) {
    const seeds = res.few[fewRows[0]]!.map((r) => r.seed);
    files.few = `${name}-few-labels.svg`;
    writeFileSync(
      new URL(files.few, docsDir),
      pairedPlot(
        fewRows.map((row) => ({
          name: ROWS[row].pretrained
            ? `${ROWS[row].name}`
            : `${ROWS[row].name.replace(', no pretraining', '')}, scratch`,
          values: seeds.map((s) => 100 * (res.few[row]!.find((r) => r.seed === s)?.selected.testError ?? Number.NaN)),
        })),
        {
          title: `${dataset}: ${res.dataSizes.fewLabelled} labels — test error per seed`,
          yLabel: 'test error (%)',
          seeds,
        },
      ),
    );
  }
  return files;
}

function save(res: Results): void {
  res.summary = summarize(res);
  writeFileSync(new URL(`fair-table-${DATASET}.json`, docsDir), JSON.stringify(res, null, 1));
}

// ---------------------------------------------------------------------------------------------

/** Draws the SVGs and writes the results section of fair-table.md from `res`. */
function report(res: Results): void {
  const files = pictures(res);
  save(res);
  if (!opt['no-markdown']) {
    const md = new URL('fair-table.md', docsDir);
    const section = renderResults(res, files);
    writeFileSync(md, updateMarkdown(existsSync(md) ? readFileSync(md, 'utf8') : '', res.config.dataset, section));
    console.log(`wrote ${md.pathname}`);
  }
}

async function main() {
  if (opt['from-json']) {
    const res = JSON.parse(readFileSync(new URL(`fair-table-${DATASET}.json`, docsDir), 'utf8')) as Results;
    report(res);
    return;
  }
  const t0 = performance.now();
  const backend = await useBackend();
  const res: Results = {
    title:
      'The lecture’s pretraining table with selection on validation (CSCE 633, Lecture 28; Bengio et al. 2007, table 1)',
    command: `node dist/scripts/fair-table.js ${process.argv.slice(2).join(' ')}`.trim(),
    started: new Date().toISOString(),
    complete: false,
    host: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    backend,
    config: cfg,
    rows: Object.fromEntries(cfg.rows.map((r) => [r, { ...ROWS[r], init: INIT[r] }])),
    outputInit: OUTPUT_INIT,
    initCheck: await initCheck(),
    dataSizes: {},
    main: {},
    few: {},
  };
  console.log(`fair table on ${DATASET}, started ${res.started}`);
  console.log(`command: ${res.command}`);
  console.log(`backend ${JSON.stringify(backend)}`);
  console.log(`config ${JSON.stringify(cfg)}`);
  console.log(`init check (max |difference|, must be 0): ${JSON.stringify(res.initCheck)}`);
  const mainSetting: FinetuneSetting = {
    maxEpochs: cfg.maxEpochs,
    patience: cfg.patience,
    hard: cfg.hardPatience,
    every: 1,
  };
  const fewSetting: FinetuneSetting = {
    maxEpochs: cfg.fewMaxEpochs,
    patience: cfg.fewPatience,
    hard: cfg.fewHardPatience,
    every: 10,
  };
  for (const seed of cfg.seeds) {
    const ts = performance.now();
    const data = await load(seed);
    const few = cfg.fewLabels > 0 ? { ...data, train: fewLabelled(data.train, cfg.fewLabels) } : undefined;
    res.dataSizes = {
      train: data.train.xShape[0],
      val: data.val.xShape[0],
      test: data.test.xShape[0],
      fewLabelled: few?.train.xShape[0] ?? 0,
    };
    for (const row of cfg.rows) {
      const tag = `[${DATASET} seed ${seed}]`;
      let stack: Stack<Encoder> | undefined;
      let pretrainSeconds: number | undefined;
      if (ROWS[row].pretrained) {
        const tp = performance.now();
        console.log(
          `${tag} ${ROWS[row].name}: pretraining ${cfg.sizes.join('-')} for ${cfg.pretrainEpochs} epochs per layer`,
        );
        stack = await pretrain(row, data, seed, tag);
        pretrainSeconds = secs(tp);
        console.log(`${tag} ${ROWS[row].name}: pretrained in ${pretrainSeconds.toFixed(0)}s`);
      }
      const build = () =>
        stack ? toMlp(stack.layers, { outputs: 10, output: outputLayer(seed) }) : scratchNet(row, seed);
      const sel = await select(`${tag} ${ROWS[row].name}`, build, data, seed, mainSetting);
      sel.pretrainSeconds = pretrainSeconds;
      res.main[row] = [...(res.main[row] ?? []), sel];
      if (few && FEW_ROWS.includes(row)) {
        const fsel = await select(`${tag} ${cfg.fewLabels} labels, ${ROWS[row].name}`, build, few, seed, fewSetting);
        fsel.pretrainSeconds = pretrainSeconds;
        res.few[row] = [...(res.few[row] ?? []), fsel];
      }
      for (const l of stack?.layers ?? []) (l as unknown as nn.Module).dispose();
      res.seconds = secs(t0);
      save(res);
    }
    console.log(`[${DATASET} seed ${seed}] done in ${secs(ts).toFixed(0)}s (total ${secs(t0).toFixed(0)}s)`);
  }
  res.complete = true;
  res.finished = new Date().toISOString();
  res.seconds = secs(t0);
  report(res);
  console.log(
    `done in ${res.seconds.toFixed(0)} s; results in ${new URL(`fair-table-${DATASET}.json`, docsDir).pathname}`,
  );
}

await main();
