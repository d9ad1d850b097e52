/** Messages between the pretraining page and its worker. */
import type { PretrainSettings } from './settings.js';

export type ToPretrainWorker = { type: 'start'; settings: PretrainSettings; mnistUrl: string };

export type FromPretrainWorker =
  | { type: 'status'; text: string }
  /** After each epoch of the first RBM: W [784, hidden] row-major, the chains' starts and samples [chains, 784]. */
  | {
      type: 'rbm-epoch';
      epoch: number;
      recon: number;
      seconds: number;
      weights: Float32Array;
      hidden: number;
      starts: Float32Array;
      samples: Float32Array;
      chains: number;
    }
  /** After each epoch of the second RBM (trained on the first one's hidden probabilities). */
  | { type: 'stack-epoch'; epoch: number; recon: number }
  /** After each fine-tuning epoch: test accuracy of the pretrained net and the one trained from scratch. */
  | { type: 'finetune-epoch'; epoch: number; pretrained: number; scratch: number }
  | { type: 'done'; seconds: number }
  | { type: 'error'; message: string };
