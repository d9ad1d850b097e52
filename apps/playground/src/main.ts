/**
 * The training page: wires the form to the training worker (backend, data, model and loop run
 * there, see training-worker.ts) and draws the live views from the numbers it posts.
 */
import { drawChart } from './chart.js';
import type { NetworkPicture } from './network/activations.js';
import { NetworkView } from './network/view.js';
import type { Picture } from './picture-data.js';
import { paintPicture } from './pictures.js';
import { readSettings } from './settings.js';
import { formQuery, restoreForm, saveForm } from './shared/url-state.js';
import type { EpochPoint } from './trainer.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
/** The network view's form (features, train share, L1); saved in the URL with the main form. */
const networkForm = $<HTMLFormElement>('network-controls');
const networkView = new NetworkView($('network'), $('networkCaption'));
const status = $('status');
const worker = new Worker(new URL('./training-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);
let history: EpochPoint[] = [];
let picture: Picture | undefined;
/** Counts resets; epochs of an earlier session are dropped. */
let session = 0;

/** State the end-to-end tests read. */
const state = {
  epoch: 0,
  loss: Number.NaN,
  accuracy: 0,
  testAccuracy: 0,
  running: false,
  backend: '',
  error: '',
  /** The network view's last picture: its epoch and layer sizes (inputs, hidden…, classes). */
  network: undefined as { epoch: number; sizes: number[] } | undefined,
};
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

/** True when a picture arrived that the worker waits to hear was drawn. */
let pictureToAck = false;
let renderQueued = false;

/**
 * Renders once per animation frame however many epochs arrived, then tells the worker the
 * picture is drawn (it sends the next one only then), so the page keeps up with any model.
 */
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    const ack = pictureToAck;
    pictureToAck = false;
    void render().finally(() => {
      if (ack) send({ type: 'drawn' });
    });
  });
}

function drawNetwork(n: NetworkPicture): void {
  networkView.draw(n);
  state.network = { epoch: n.epoch, sizes: n.sizes };
}

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'network') {
    if (m.session === session) drawNetwork(m.network);
  } else if (m.type === 'status') {
    if (m.backend) state.backend = m.backend;
    // A late status from an earlier request (the first preview's "ready") must not hide an error
    // the page is showing; starting or resetting clears the error.
    if (!state.error) show(m.text);
  } else if (m.type === 'epoch') {
    if (m.session !== session) {
      if (m.picture) send({ type: 'drawn' }); // dropped, but the worker waits to hear it is handled
      return;
    }
    history.push(m.point);
    const p = m.point;
    Object.assign(state, { epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, testAccuracy: p.testAccuracy });
    if (m.picture) {
      picture = m.picture;
      pictureToAck = true;
    }
    if (m.network) drawNetwork(m.network);
    scheduleRender();
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

const mnistUrl = () => new URL('./mnist-2000.bin', document.baseURI).href;

/** Trains until paused, or `epochs` epochs (the Step button: one). */
function start(epochs?: number): void {
  if (state.running) return;
  try {
    const settings = readSettings(form, networkForm);
    state.error = '';
    state.running = true;
    send({ type: 'start', settings, mnistUrl: mnistUrl(), session, epochs });
  } catch (e) {
    show((e as Error).message, true);
  }
}

/** Sets up the model without training, so the network view shows it untrained (2-D sets on CPU). */
function preview(): void {
  try {
    const settings = readSettings(form, networkForm);
    if (settings.data === 'mnist') networkView.clear('network view: for the 2-D sets (MNIST has 784 inputs)');
    else if (settings.backend === 'cpu') send({ type: 'init', settings, mnistUrl: mnistUrl(), session });
  } catch (e) {
    show((e as Error).message, true);
  }
}

/** Shows each slider's value beside it. */
function showSliders(): void {
  document.querySelectorAll<HTMLOutputElement>('output[data-for]').forEach((out) => {
    const input = document.querySelector<HTMLInputElement>(`input[name="${out.dataset.for}"]`);
    if (input) out.value = input.value;
  });
}

/** Writes both forms into the address bar. */
function save(): void {
  saveForm(form, Object.fromEntries(formQuery(networkForm)));
}

function reset(): void {
  send({ type: 'reset' });
  session++;
  history = [];
  picture = undefined;
  const g = $<HTMLCanvasElement>('picture').getContext('2d');
  g?.clearRect(0, 0, 420, 420);
  Object.assign(state, {
    epoch: 0,
    loss: Number.NaN,
    accuracy: 0,
    testAccuracy: 0,
    running: false,
    error: '',
    network: undefined,
  });
  void render();
  show('ready');
  preview();
}

$('start').addEventListener('click', () => start());
$('step').addEventListener('click', () => start(1));
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('reset').addEventListener('click', reset);
for (const f of [form, networkForm]) {
  f.addEventListener('input', showSliders);
  f.addEventListener('submit', (e) => e.preventDefault());
  f.addEventListener('change', () => {
    save();
    if (!state.running) reset();
  });
  restoreForm(f);
}
showSliders();
void render();
preview();
