/**
 * The training page: wires the form to the training worker (backend, data, model and loop run
 * there, see training-worker.ts) and draws the live views from the numbers it posts.
 */
import { drawChart } from './chart.js';
import type { Picture } from './picture-data.js';
import { paintPicture } from './pictures.js';
import { readSettings } from './settings.js';
import { restoreForm, saveForm } from './shared/url-state.js';
import type { EpochPoint } from './trainer.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const status = $('status');
const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);
let history: EpochPoint[] = [];
let picture: Picture | undefined;
/** Counts resets; epochs of an earlier session are dropped. */
let session = 0;

/** State the end-to-end tests read. */
const state = { epoch: 0, loss: Number.NaN, accuracy: 0, testAccuracy: 0, running: false, backend: '', error: '' };
(globalThis as { playground?: typeof state }).playground = state;

function show(text: string, isError = false): void {
  status.textContent = text;
  status.style.color = isError ? '#ff8a80' : '';
  if (isError) state.error = text;
}

async function render(): Promise<void> {
  const last = history.at(-1);
  $('epoch').textContent = String(last?.epoch ?? 0);
  $('loss').textContent = last ? last.loss.toFixed(4) : '–';
  $('accuracy').textContent = last ? `${(100 * last.accuracy).toFixed(1)}%` : '–';
  $('testAccuracy').textContent = last ? `${(100 * last.testAccuracy).toFixed(1)}%` : '–';
  $('throughput').textContent = last ? Math.round(last.samplesPerSecond).toLocaleString('en-US') : '–';
  drawChart($('lossChart'), [
    { label: 'train', color: '#1a73e8', values: history.map((h) => h.loss) },
    { label: 'test', color: '#e8710a', values: history.map((h) => h.testLoss) },
  ]);
  drawChart(
    $('accuracyChart'),
    [
      { label: 'train', color: '#1a73e8', values: history.map((h) => h.accuracy) },
      { label: 'test', color: '#e8710a', values: history.map((h) => h.testAccuracy) },
    ],
    { unit: true },
  );
  if (picture) {
    $('pictureCaption').textContent =
      picture.kind === 'boundary' ? 'decision boundary (test points)' : 'first-layer weights';
    await paintPicture($('picture'), picture);
  }
}

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'status') {
    show(m.text);
    if (m.backend) state.backend = m.backend;
  } else if (m.type === 'epoch') {
    if (m.session !== session) return;
    history.push(m.point);
    picture = m.picture;
    const p = m.point;
    Object.assign(state, { epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, testAccuracy: p.testAccuracy });
    void render();
  } else if (m.type === 'stopped') {
    if (m.session !== session) return;
    state.running = false;
    show('paused');
  } else {
    state.running = false;
    show(m.message, true);
  }
});
worker.addEventListener('error', (e) => show(`the training worker failed: ${e.message}`, true));

function start(): void {
  if (state.running) return;
  try {
    const settings = readSettings(form);
    state.running = true;
    send({ type: 'start', settings, mnistUrl: new URL('./mnist-2000.bin', document.baseURI).href, session });
  } catch (e) {
    show((e as Error).message, true);
  }
}

function reset(): void {
  send({ type: 'reset' });
  session++;
  history = [];
  picture = undefined;
  const g = $<HTMLCanvasElement>('picture').getContext('2d');
  g?.clearRect(0, 0, 420, 420);
  Object.assign(state, { epoch: 0, loss: Number.NaN, accuracy: 0, testAccuracy: 0, running: false, error: '' });
  void render();
  show('ready');
}

$('start').addEventListener('click', start);
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('reset').addEventListener('click', reset);
form.addEventListener('change', () => {
  saveForm(form);
  if (!state.running) reset();
});
restoreForm(form);
void render();
