/**
 * The training worker: the backend, data, model and training loop of the training page live
 * here, off the page's thread, so the page stays responsive however long a step takes. It
 * posts each epoch's metrics with the numbers of the picture view (see worker-protocol.ts).
 */
import { setBackend } from '@backprop/core';
import { backendFactories } from './backends.js';
import { loadData } from './data.js';
import { buildModel, buildOptimizer, buildPenalties } from './model.js';
import { networkPicture } from './network/activations.js';
import { boundaryPicture, weightsPicture } from './picture-data.js';
import type { Settings } from './settings.js';
import { Trainer } from './trainer.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
/** True from sending a picture until the page says it drew it. */
let awaitingDraw = false;
let trainer: Trainer | undefined;
/** The current run of the loop (resolves when it stops). */
let run: Promise<void> = Promise.resolve();
let backendName = '';
/** Set-ups and resets happen one after another, in the order they were asked for. */
let queue: Promise<void> = Promise.resolve();
const enqueue = (task: () => Promise<void>) => {
  queue = queue.then(task);
};

async function setup(s: Settings, mnistUrl: string, session: number): Promise<Trainer> {
  if (backendName !== s.backend) {
    post({ type: 'status', text: `starting ${s.backend}…` });
    await setBackend(await backendFactories[s.backend]());
    backendName = s.backend;
  }
  const data = await loadData(s, mnistUrl);
  const model = buildModel(s, data.inputs, data.classes);
  awaitingDraw = false;
  return new Trainer(model, buildOptimizer(s), buildPenalties(s), data, s.batchSize, (point) => {
    // Pictures only once the page has drawn the last one; every epoch's numbers go at once.
    if (awaitingDraw) {
      post({ type: 'epoch', session, point });
      return;
    }
    awaitingDraw = true;
    const picture = data.planar ? boundaryPicture(model, data) : weightsPicture(model);
    const network = data.planar ? networkPicture(model, data, point.epoch) : Promise.resolve(undefined);
    void Promise.all([picture, network]).then(([p, n]) => {
      if (p) post({ type: 'epoch', session, point, picture: p, network: n });
      else awaitingDraw = false;
    });
  });
}

/** Sets up (backend, data, model) without training and posts the untrained network. */
async function init(s: Settings, mnistUrl: string, session: number): Promise<void> {
  if (trainer) return;
  try {
    trainer = await setup(s, mnistUrl, session);
    post({ type: 'status', text: 'ready', backend: backendName });
    const network = await networkPicture(trainer.model, trainer.data, 0);
    if (network) post({ type: 'network', session, network });
  } catch (e) {
    console.warn(e);
    post({ type: 'error', message: (e as Error).message });
  }
}

/** Sets up if needed, then starts the loop without waiting for it (a pause must get through). */
async function start(s: Settings, mnistUrl: string, session: number, epochs?: number): Promise<void> {
  if (trainer?.running) return;
  try {
    trainer ??= await setup(s, mnistUrl, session);
    post({ type: 'status', text: `training on ${backendName}`, backend: backendName });
    const t = trainer;
    run = t.run(epochs).then(
      () => post({ type: 'stopped', session }),
      (e: Error) => {
        console.warn(e);
        post({ type: 'error', message: e.message });
      },
    );
  } catch (e) {
    console.warn(e);
    post({ type: 'error', message: (e as Error).message });
  }
}

/** Stops the loop, waits for it, then frees the step's compiled graph, the model and the optimizer. */
async function reset(): Promise<void> {
  trainer?.pause();
  await run;
  trainer?.dispose();
  trainer?.model.dispose();
  trainer?.optimizer.dispose();
  trainer = undefined;
}

self.addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'drawn') awaitingDraw = false;
  else if (m.type === 'start') enqueue(() => start(m.settings, m.mnistUrl, m.session, m.epochs));
  else if (m.type === 'init') enqueue(() => init(m.settings, m.mnistUrl, m.session));
  else if (m.type === 'pause') trainer?.pause();
  else enqueue(reset);
});
