/**
 * The lecture's overfitting picture: a large MLP (784-512-512-10) trained by SGD on 500 MNIST digits, with
 * training and validation loss per epoch, without regularization and with L2, dropout, early stopping and batch
 * normalization. Writes docs/overfitting.{json,svg,md}. Build and run: `pnpm run demo:overfitting` in this package.
 * Optional arguments: epochs (default 30), training size (500), validation size (2000).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import {
  type ArrayDataset,
  type Callback,
  evaluate,
  fit,
  keep,
  losses,
  type Module,
  manualSeed,
  nn,
  type Optimizer,
  type OptimizerState,
  type Parameter,
  type Penalty,
  setBackend,
  type Tensor,
} from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { batchNorm1d, dropout, earlyStopping, l2 } from '@backprop/regularizers';
import { type Curves, lossPlot } from './plot.js';

const [epochs = 30, trainSize = 500, valSize = 2000] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number);
const lr = 0.05;
const momentum = 0.9;
const batchSize = 32;
const lambda = 3e-3;
const docs = new URL('../../docs/', import.meta.url);

/**
 * SGD with momentum in PyTorch's form, b ← μb + g, θ ← θ − η·b (b₁ = g₁), written here so the demo does not
 * depend on @backprop/optimizers.
 */
class SGD implements Optimizer {
  readonly #buffers = new Map<Parameter, Tensor>();
  constructor(
    public lr: number,
    readonly momentum: number,
  ) {}
  step(params: readonly Parameter[], grads: readonly Tensor[]): void {
    params.forEach((p, i) => {
      const old = this.#buffers.get(p);
      const b = keep(old ? old.mul(this.momentum).add(grads[i]) : grads[i].add(0));
      old?.dispose();
      this.#buffers.set(p, b);
      p.assign(p.value.sub(b.mul(this.lr)));
    });
  }
  getState(): OptimizerState {
    return { groups: [{ lr: this.lr }], slots: new Map() };
  }
  setState(state: OptimizerState): void {
    this.lr = state.groups[0].lr as number;
  }
  dispose(): void {
    for (const b of this.#buffers.values()) b.dispose();
    this.#buffers.clear();
  }
}

interface Config {
  name: string;
  model: () => Module;
  penalties?: Penalty[];
  callbacks?: () => Callback[];
}

const hidden = (extra: (units: number) => Module[]) => () =>
  nn.sequential(
    nn.dense(784, 512),
    ...extra(512),
    nn.relu(),
    nn.dense(512, 512),
    ...extra(512),
    nn.relu(),
    nn.dense(512, 10),
  );
const plain = hidden(() => []);
const configs: Config[] = [
  { name: 'no regularization', model: plain },
  { name: `L2 (λ = ${lambda})`, model: plain, penalties: [l2(lambda)] },
  {
    name: 'dropout (drop 0.2 in, 0.5 hidden)',
    model: () =>
      nn.sequential(
        dropout(0.2),
        nn.dense(784, 512),
        nn.relu(),
        dropout(0.5),
        nn.dense(512, 512),
        nn.relu(),
        dropout(0.5),
        nn.dense(512, 10),
      ),
  },
  {
    name: 'early stopping (patience 5)',
    model: plain,
    callbacks: () => [earlyStopping({ patience: 5, restoreBest: true })],
  },
  // NOTE: batch norm before the activation, as Ioffe & Szegedy place it.
  { name: 'batch norm', model: hidden((units) => [batchNorm1d(units)]) },
];

async function run(config: Config, train: ArrayDataset, val: ArrayDataset) {
  manualSeed(0);
  const model = config.model();
  const trainLoss: number[] = [];
  const record: Callback = {
    onEpochEnd: async (_epoch, logs) => {
      trainLoss.push((await evaluate(model, train, { loss: losses.softmaxCrossEntropy })).loss);
      process.stdout.write(
        `\r  ${config.name}: epoch ${trainLoss.length}  train ${trainLoss.at(-1)!.toFixed(3)}  val ${logs.valLoss.toFixed(3)}   `,
      );
    },
  };
  const extra = config.callbacks?.() ?? [];
  const optimizer = new SGD(lr, momentum);
  const start = performance.now();
  const history = await fit(model, train, {
    loss: losses.softmaxCrossEntropy,
    optimizer,
    batchSize,
    epochs,
    seed: 0,
    validation: val,
    metrics: ['accuracy'],
    penalties: config.penalties,
    callbacks: [record, ...extra],
    verbose: false,
  });
  const seconds = (performance.now() - start) / 1000;
  const stopper = extra[0] as { bestEpoch?: number } | undefined;
  // Final numbers on the weights the model ends with (the restored best ones for early stopping), evaluation mode.
  const finalTrain = await evaluate(model, train, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
  const finalVal = await evaluate(model, val, { loss: losses.softmaxCrossEntropy, metrics: ['accuracy'] });
  model.dispose();
  optimizer.dispose();
  process.stdout.write('\n');
  return {
    name: config.name,
    train: trainLoss,
    val: history.epochs.map((e) => e.valLoss),
    valAccuracy: history.epochs.map((e) => e.valAccuracy),
    best: stopper?.bestEpoch,
    epochsRun: history.epochs.length,
    final: {
      trainLoss: finalTrain.loss,
      valLoss: finalVal.loss,
      gap: finalVal.loss - finalTrain.loss,
      trainAccuracy: finalTrain.accuracy,
      valAccuracy: finalVal.accuracy,
    },
    seconds,
  };
}

type Result = Awaited<ReturnType<typeof run>>;
interface Report {
  setup: {
    model: string;
    optimizer: string;
    batchSize: number;
    epochs: number;
    trainSize: number;
    valSize: number;
    lambda: number;
    seed: number;
    node: string;
  };
  results: Result[];
}

/** Writes docs/overfitting.svg and docs/overfitting.md from the recorded report. */
function render({ setup, results }: Report): void {
  const curves: Curves[] = results.map((r) => ({
    name: r.name.replace(/ \(.*\)/, ''),
    train: r.train,
    val: r.val,
    best: r.best,
  }));
  const title = `Cross-entropy loss, MLP 784-512-512-10 on ${setup.trainSize} MNIST digits (validation: ${setup.valSize})`;
  writeFileSync(new URL('overfitting.svg', docs), lossPlot(curves, { title }));
  const f = (v: number) => v.toFixed(3);
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.epochsRun} | ${f(r.final.trainLoss)} | ${f(r.final.valLoss)} | **${f(r.final.gap)}** | ${(100 * r.final.trainAccuracy).toFixed(1)}% | ${(100 * r.final.valAccuracy).toFixed(1)}% | ${r.seconds.toFixed(0)} s |`,
  );
  const md = [
    '# Overfitting, and what each regularizer does about it',
    '',
    `A multilayer perceptron 784-512-512-10 (ReLU, ~670k parameters, PyTorch's default initialization) trained by ${setup.optimizer}, batch ${setup.batchSize}, for up to ${setup.epochs} epochs on only ${setup.trainSize} MNIST digits, validated on ${setup.valSize} others (\`mnist.load({ trainSize: ${setup.trainSize}, testSize: ${setup.valSize}, seed: 0 })\`). The network can memorize the training set; the gap between validation and training loss is the overfitting the lecture draws.`,
    '',
    '![training and validation loss per epoch](overfitting.svg)',
    '',
    'Final numbers, both losses measured in evaluation mode without the penalty term (for early stopping: on the restored best weights, circled in the plot):',
    '',
    '| configuration | epochs run | train loss | val loss | gap (val − train) | train acc. | val acc. | time |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Produced by \`scripts/overfitting.ts\` (\`pnpm run demo:overfitting\` in packages/regularizers; Node ${setup.node}, backend-cpu, 2-core machine shared with other jobs, so the times are indicative only); the raw curves are in [overfitting.json](overfitting.json). Every configuration starts from the same seed (\`manualSeed(0)\`) and sees the same minibatch order. \`node dist/scripts/overfitting.js --plot\` redraws the plot and this page from the JSON.`,
    '',
  ].join('\n');
  writeFileSync(new URL('overfitting.md', docs), md);
  console.log(rows.join('\n'));
}

async function main() {
  if (process.argv[2] === '--plot') {
    render(JSON.parse(readFileSync(new URL('overfitting.json', docs), 'utf8')));
    return;
  }
  await setBackend(cpu());
  const { train, test: val } = await mnist.load({ trainSize, testSize: valSize, seed: 0 });
  console.log(
    `MLP 784-512-512-10, SGD lr ${lr} momentum ${momentum}, batch ${batchSize}, ${epochs} epochs, ${trainSize} training / ${valSize} validation digits`,
  );
  const results: Result[] = [];
  for (const c of configs) results.push(await run(c, train, val));
  const setup = {
    model: '784-512-512-10 ReLU, PyTorch default init',
    optimizer: `SGD lr ${lr}, momentum ${momentum} (PyTorch form)`,
    batchSize,
    epochs,
    trainSize,
    valSize,
    lambda,
    seed: 0,
    node: process.version,
  };
  const report: Report = { setup, results };
  writeFileSync(new URL('overfitting.json', docs), `${JSON.stringify(report, null, 1)}\n`);
  render(report);
}

await main();
