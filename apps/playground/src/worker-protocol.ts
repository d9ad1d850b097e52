/** The messages between the training page and its training worker. */
import type { NetworkPicture } from './network/activations.js';
import type { Picture } from './picture-data.js';
import type { Settings } from './settings.js';
import type { EpochPoint } from './trainer.js';

/**
 * Page → worker. `start` sets up (backend, data, model) on first use, then trains until `pause`;
 * `session` counts the page's resets, and the worker tags each epoch with the session that set
 * up its model, so the page can drop an epoch that was in flight when it reset. `epochs` stops the
 * loop after that many epochs (the Step button sends 1). `init` sets up without training and posts
 * the untrained network (`network`), so the network view shows epoch 0. `drawn` says the page has
 * drawn the last picture it was sent: until then the worker sends epochs without pictures, so a
 * fast model cannot flood the page with drawing work (its clicks would wait behind it).
 */
export type ToWorker =
  | { type: 'start'; settings: Settings; mnistUrl: string; session: number; epochs?: number }
  | { type: 'init'; settings: Settings; mnistUrl: string; session: number }
  | { type: 'pause' }
  | { type: 'reset' }
  | { type: 'drawn' };

/** Worker → page. */
export type FromWorker =
  | { type: 'status'; text: string; backend?: string }
  | { type: 'epoch'; session: number; point: EpochPoint; picture?: Picture; network?: NetworkPicture }
  | { type: 'network'; session: number; network: NetworkPicture }
  | { type: 'stopped'; session: number }
  | { type: 'error'; message: string };
