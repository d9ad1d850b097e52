/**
 * The same random search on MNIST (the 10,000 digits of the `mnist` package: 8,000 to train,
 * 2,000 to validate) run twice — every trial to the end, then with successive halving stopping
 * the bad ones — printing the wall time saved and the best configuration and accuracy of each.
 *
 * Run from packages/tuning: `node ../../scripts/pnpm.mjs run compare-pruning` (builds, then runs).
 * Options: `--trials N` (default 16), `--epochs N` (default 9), `--train N` (default 8000),
 * `--val N` (default 2000), `--quick` (a smoke test of the script: 4 trials, 2 epochs, 500 digits).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpu } from '@backprop/backend-cpu';
import { losses, setBackend } from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { sgd } from '@backprop/optimizers';
import {
  fitTrial,
  logUniform,
  type Pruner,
  randomSearch,
  type SearchResults,
  searchPlot,
  successiveHalving,
  type Trial,
} from '@backprop/tuning';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const QUICK = process.argv.includes('--quick');
const TRIALS = arg('trials', QUICK ? 4 : 16);
const EPOCHS = arg('epochs', QUICK ? 2 : 9);
const TRAIN = arg('train', QUICK ? 500 : 8000);
const VAL = arg('val', QUICK ? 200 : 2000);

await setBackend(cpu());
const { train, test: validation } = await mnist.load({ trainSize: TRAIN, testSize: VAL, seed: 0 });
const space = {
  lr: logUniform(1e-3, 1),
  layers: [1, 2],
  units: [32, 64, 128],
  activation: ['relu', 'tanh'],
  init: ['heNormal', 'glorotUniform'],
  batchSize: [64, 128],
  epochs: EPOCHS,
};
const trial: Trial = (config, { seed, report }) =>
  fitTrial(config, seed, {
    train,
    validation,
    outputs: 10,
    loss: losses.softmaxCrossEntropy,
    optimizer: (c) => sgd({ lr: Number(c.lr), momentum: 0.9 }),
    onEpoch: (epoch, logs) => report(epoch, logs.valAccuracy),
  });

async function run(label: string, pruner?: Pruner) {
  const start = performance.now();
  const results = await randomSearch(space, trial, {
    metric: 'valAccuracy',
    trials: TRIALS,
    seed: 1,
    pruner,
    verbose: false,
    onTrial: (r, done, total) =>
      console.log(
        `  ${label} ${done}/${total}: trial ${r.index} ${r.status}${r.stoppedEpoch ? `@${r.stoppedEpoch}` : ''} valAccuracy ${r.metrics.valAccuracy?.toFixed(4)} (${r.seconds.toFixed(1)}s)`,
      ),
  });
  return { label, results, seconds: (performance.now() - start) / 1000 };
}

const epochsRun = (r: SearchResults) => r.rows.reduce((n, row) => n + (row.metrics.epochs ?? 0), 0);

console.log(
  `MNIST ${TRAIN} train / ${VAL} validation, ${TRIALS} random-search trials of ${EPOCHS} epochs, backend-cpu`,
);
const full = await run('no pruning');
const pruned = await run('ASHA η=3', successiveHalving({ minResource: 1, maxResource: EPOCHS, reductionFactor: 3 }));
console.log('');
console.log('| search | wall time (s) | epochs trained | trials pruned | best valAccuracy | best configuration |');
console.log('|---|---|---|---|---|---|');
for (const { label, results, seconds } of [full, pruned]) {
  const best = results.best;
  const config = Object.entries(best.config)
    .filter(([k]) => k !== 'epochs')
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`)
    .join(' ');
  console.log(
    `| ${label} | ${seconds.toFixed(1)} | ${epochsRun(results)} | ${results.withStatus('pruned').length} | ${best.metrics.valAccuracy.toFixed(4)} (trial ${best.index}) | ${config} |`,
  );
}
console.log('');
console.log(
  `wall time saved by pruning: ${(full.seconds - pruned.seconds).toFixed(1)} s (${((100 * (full.seconds - pruned.seconds)) / full.seconds).toFixed(0)}%)`,
);
if (!QUICK) {
  // The picture of each search: valAccuracy against every hyperparameter, pruned trials hollow.
  const docs = new URL('../../docs/', import.meta.url);
  mkdirSync(docs, { recursive: true });
  for (const [name, { label, results }] of [
    ['search-full.svg', full],
    ['search-pruned.svg', pruned],
  ] as const) {
    const title = `MNIST random search, ${label}: validation accuracy per hyperparameter`;
    writeFileSync(new URL(name, docs), searchPlot(results, { metric: 'valAccuracy', title }));
  }
  console.log(`pictures: ${new URL('search-full.svg', docs).pathname}, search-pruned.svg`);
}
