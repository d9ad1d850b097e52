/**
 * The pretraining experiment, without the page: a Bernoulli RBM trained with CD-k on unlabelled
 * digits (its filters and Gibbs samples reported after each epoch), a second RBM stacked on its
 * hidden probabilities (greedy layer-wise, as `pretrainDbn` does), then the stack turned into an
 * MLP with `toMlp` and fine-tuned on a small labelled subset beside the same network trained
 * from scratch. Everything comes from @backprop/pretraining and @backprop/core.
 */
import {
  type ArrayDataset,
  evaluate,
  fit as fitModel,
  losses,
  type Module,
  nn,
  sliceRows,
  tensor,
  tidy,
} from '@backprop/core';
import { sgd } from '@backprop/optimizers';
import { encodeFeatures, gibbsSample, philoxSampler, RBM, toMlp, trainRbm } from '@backprop/pretraining';
import type { FromPretrainWorker } from './protocol.js';
import { type PretrainSettings, TRAIN_DIGITS } from './settings.js';

/** Sample chains drawn after each epoch (they start from the first test digits, one per class). */
export const CHAINS = 10;

/** Splits the 2,000 digits: the first 1,500 for training, the last 500 (50 per class) for testing. */
export function splitDigits(all: ArrayDataset): { train: ArrayDataset; test: ArrayDataset } {
  const n = all.xShape[0];
  return { train: sliceRows(all, 0, TRAIN_DIGITS), test: sliceRows(all, TRAIN_DIGITS, n) };
}

/** The fine-tuned network's shape trained from fresh weights: Dense + sigmoid per layer, then logits. */
function scratchNet(s: PretrainSettings): Module {
  return nn.sequential(
    nn.dense(784, s.hidden, { seed: s.seed + 1000 }),
    nn.activations.sigmoid(),
    nn.dense(s.hidden, s.hidden2, { seed: s.seed + 1001 }),
    nn.activations.sigmoid(),
    nn.dense(s.hidden2, 10, { seed: s.seed + 1002 }),
  );
}

/** Runs the whole experiment, reporting through `emit` (transferable buffers listed second). */
export async function runExperiment(
  s: PretrainSettings,
  all: ArrayDataset,
  emit: (m: FromPretrainWorker, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  const t0 = performance.now();
  const { train, test } = splitDigits(all);
  const unlabelled = { x: train.x.subarray(0, s.digits * 784), xShape: [s.digits, 784] };
  const starts = test.x.slice(0, CHAINS * 784);
  const log = () => {};

  // 1. One RBM on the digits, CD-k, drawn after every epoch.
  emit({ type: 'status', text: `RBM 784→${s.hidden}, CD-${s.k}, ${s.digits} digits…` });
  const rbm = new RBM(784, s.hidden, { seed: s.seed });
  await trainRbm(rbm, unlabelled, {
    epochs: s.epochs,
    batchSize: s.batch,
    lr: s.lr,
    k: s.k,
    seed: s.seed,
    silent: true,
    log,
    onEpoch: (record) => {
      const weights = rbm.weight.value.dataSync().slice() as Float32Array;
      const samples = tidy(() =>
        gibbsSample(rbm, tensor(starts, [CHAINS, 784], 'float32'), {
          steps: s.gibbs,
          sampler: philoxSampler(s.seed + 7),
        }),
      );
      const pixels = samples.dataSync().slice() as Float32Array;
      samples.dispose();
      emit(
        {
          type: 'rbm-epoch',
          epoch: record.epoch,
          recon: record.loss,
          seconds: record.seconds,
          weights,
          hidden: s.hidden,
          starts: starts.slice(),
          samples: pixels,
          chains: CHAINS,
        },
        [weights.buffer as ArrayBuffer, pixels.buffer as ArrayBuffer],
      );
    },
  });

  // 2. Greedy stacking: the second RBM learns the first one's hidden probabilities.
  emit({ type: 'status', text: `stacking RBM ${s.hidden}→${s.hidden2}…` });
  const codes = await encodeFeatures((x) => rbm.encode(x), unlabelled);
  const rbm2 = new RBM(s.hidden, s.hidden2, { seed: s.seed + 1 });
  await trainRbm(rbm2, codes, {
    epochs: s.epochs,
    batchSize: s.batch,
    lr: s.lr,
    k: s.k,
    seed: s.seed + 1,
    silent: true,
    log,
    onEpoch: (record) => emit({ type: 'stack-epoch', epoch: record.epoch, recon: record.loss }),
  });

  // 3. Fine-tune the stack as a classifier beside the same network from scratch, same labelled digits.
  emit({ type: 'status', text: `fine-tuning on ${s.labelled} labelled digits…` });
  const labelled = sliceRows(train, 0, s.labelled);
  const nets = {
    pretrained: toMlp([rbm, rbm2], { outputs: 10, output: { seed: s.seed + 1002 } }),
    scratch: scratchNet(s),
  };
  rbm.dispose();
  rbm2.dispose();
  const optimizers = { pretrained: sgd({ lr: s.ftLr, momentum: 0.9 }), scratch: sgd({ lr: s.ftLr, momentum: 0.9 }) };
  try {
    for (let epoch = 1; epoch <= s.ftEpochs; epoch++) {
      const acc = { pretrained: 0, scratch: 0 };
      for (const key of ['pretrained', 'scratch'] as const) {
        await fitModel(nets[key], labelled, {
          loss: losses.softmaxCrossEntropy,
          optimizer: optimizers[key],
          epochs: 1,
          batchSize: 10,
          seed: s.seed + epoch,
          verbose: false,
        });
        acc[key] = (await evaluate(nets[key], test, { metrics: ['accuracy'] })).accuracy;
      }
      emit({ type: 'finetune-epoch', epoch, ...acc });
    }
  } finally {
    for (const key of ['pretrained', 'scratch'] as const) {
      nets[key].dispose();
      optimizers[key].dispose();
    }
  }
  emit({ type: 'done', seconds: (performance.now() - t0) / 1000 });
}
