/** The playground page: wires the form to data, model, backend and the live views. */
import { setBackend } from '@backprop/core';
import { backendFactories } from './backends.js';
import { drawChart } from './chart.js';
import { loadData, type PlaygroundData } from './data.js';
import { buildModel, buildOptimizer, buildPenalties } from './model.js';
import { drawBoundary, drawWeights } from './pictures.js';
import { readSettings } from './settings.js';
import { type EpochPoint, Trainer } from './trainer.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const status = $('status');
let trainer: Trainer | undefined;
let data: PlaygroundData | undefined;
let history: EpochPoint[] = [];
let backendName = '';

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
  if (trainer && data) {
    $('pictureCaption').textContent = data.planar ? 'decision boundary (test points)' : 'first-layer weights';
    await (data.planar ? drawBoundary($('picture'), trainer.model, data) : drawWeights($('picture'), trainer.model));
  }
}

async function setup(): Promise<Trainer> {
  const s = readSettings(form);
  if (backendName !== s.backend) {
    show(`starting ${s.backend}…`);
    await setBackend(await backendFactories[s.backend]());
    backendName = s.backend;
    state.backend = s.backend;
  }
  data = await loadData(s);
  history = [];
  const model = buildModel(s, data.inputs, data.classes);
  return new Trainer(model, buildOptimizer(s), buildPenalties(s), data, s.batchSize, (p) => {
    history.push(p);
    Object.assign(state, { epoch: p.epoch, loss: p.loss, accuracy: p.accuracy, testAccuracy: p.testAccuracy });
    void render();
  });
}

async function start(): Promise<void> {
  if (trainer?.running) return;
  try {
    trainer ??= await setup();
    show(`training on ${backendName}`);
    state.running = true;
    await trainer.run();
    show('paused');
  } catch (e) {
    show((e as Error).message, true);
    console.warn(e);
  } finally {
    state.running = false;
  }
}

function reset(): void {
  trainer?.pause();
  trainer?.model.dispose();
  trainer?.optimizer.dispose();
  trainer = undefined;
  history = [];
  Object.assign(state, { epoch: 0, loss: Number.NaN, accuracy: 0, testAccuracy: 0, error: '' });
  void render();
  show('ready');
}

$('start').addEventListener('click', () => void start());
$('pause').addEventListener('click', () => trainer?.pause());
$('reset').addEventListener('click', reset);
form.addEventListener('change', () => {
  if (!trainer?.running) reset();
});
void render();
