/**
 * The pretraining page: settings in a form (and the URL), the experiment in a worker
 * (pretrain-worker.ts), and the pictures it posts drawn here — RBM filters, Gibbs chains,
 * reconstruction error, and the fine-tuning race between the pretrained stack and the same net
 * from scratch.
 */
import { drawChart } from '../chart.js';
import { restoreForm, saveForm } from '../shared/url-state.js';
import { drawTiles, inkedPixels, pixelChecksum } from './draw.js';
import type { FromPretrainWorker, ToPretrainWorker } from './protocol.js';
import { DEFAULTS, type PretrainSettings, parseSettings } from './settings.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const filters = $<HTMLCanvasElement>('filters');
const chains = $<HTMLCanvasElement>('chains');
const reconChart = $<HTMLCanvasElement>('recon');
const accuracyChart = $<HTMLCanvasElement>('accuracy');

/** What the end-to-end tests read. */
const state = {
  phase: 'idle' as 'idle' | 'rbm' | 'stack' | 'finetune' | 'done' | 'error',
  settings: null as PretrainSettings | null,
  /** Mean reconstruction error of the first RBM per epoch, and of the second. */
  recon: [] as number[],
  recon2: [] as number[],
  /** Filter tiles drawn and a checksum of the filter canvas's pixels after each epoch. */
  tiles: 0,
  filterChecksums: [] as number[],
  /** Gibbs chains drawn, their steps, and the canvas's non-white pixels. */
  chains: 0,
  gibbsSteps: 0,
  chainInk: 0,
  /** Test accuracy per fine-tuning epoch. */
  pretrained: [] as number[],
  scratch: [] as number[],
  winner: '',
  seconds: 0,
  /** Increases with every run started. */
  runs: 0,
  error: '',
};
(globalThis as { pretrain?: typeof state }).pretrain = state;

let worker: Worker | undefined;

function show(text: string, isError = false): void {
  $('status').textContent = text;
  $('status').style.color = isError ? '#ff8a80' : '';
  if (isError) {
    state.error = text;
    state.phase = 'error';
  }
}

const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;

function drawCurves(): void {
  drawChart(reconChart, [
    { label: 'RBM 1', color: '#1f77b4', values: state.recon },
    { label: 'RBM 2', color: '#ff7f0e', values: state.recon2 },
  ]);
  drawChart(
    accuracyChart,
    [
      { label: 'pretrained', color: '#2ca02c', values: state.pretrained },
      { label: 'scratch', color: '#d62728', values: state.scratch },
    ],
    { unit: true },
  );
}

function onMessage(m: FromPretrainWorker): void {
  const s = state.settings as PretrainSettings;
  switch (m.type) {
    case 'status':
      show(m.text);
      break;
    case 'rbm-epoch': {
      state.phase = 'rbm';
      state.recon.push(m.recon);
      const h = m.hidden;
      state.tiles = drawTiles(filters, h, (t, p) => m.weights[p * h + t], { scale: 'tile' });
      state.filterChecksums.push(pixelChecksum(filters));
      state.chains = m.chains;
      drawTiles(chains, 2 * m.chains, (t, p) => (t < m.chains ? m.starts : m.samples)[(t % m.chains) * 784 + p], {
        cols: m.chains,
      });
      state.chainInk = inkedPixels(chains);
      state.gibbsSteps = s.gibbs;
      $('filtersCaption').textContent =
        `${h} filters (each hidden unit's weights) after epoch ${m.epoch}/${s.epochs}, ${m.seconds.toFixed(1)} s`;
      $('chainsCaption').textContent =
        `Top: test digits; below: E[v | h] after ${s.gibbs} Gibbs steps from them (epoch ${m.epoch})`;
      show(`RBM epoch ${m.epoch}/${s.epochs}: reconstruction error ${m.recon.toFixed(2)}`);
      drawCurves();
      break;
    }
    case 'stack-epoch':
      state.phase = 'stack';
      state.recon2.push(m.recon);
      show(`stacked RBM epoch ${m.epoch}/${s.epochs}: reconstruction error ${m.recon.toFixed(2)}`);
      drawCurves();
      break;
    case 'finetune-epoch': {
      state.phase = 'finetune';
      state.pretrained.push(m.pretrained);
      state.scratch.push(m.scratch);
      const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
      $('result').textContent =
        `epoch ${m.epoch}/${s.ftEpochs}: pretrained ${pct(m.pretrained)}, from scratch ${pct(m.scratch)} test accuracy`;
      show(`fine-tuning epoch ${m.epoch}/${s.ftEpochs}`);
      drawCurves();
      break;
    }
    case 'done': {
      const p = state.pretrained.at(-1) ?? 0;
      const q = state.scratch.at(-1) ?? 0;
      state.winner = p > q ? 'pretrained' : q > p ? 'scratch' : 'tie';
      const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
      $('result').textContent =
        `Test accuracy after ${s.ftEpochs} epochs on ${s.labelled} labelled digits: pretrained ${pct(p)}, ` +
        `from scratch ${pct(q)} — ` +
        (state.winner === 'tie'
          ? 'a tie.'
          : `${state.winner === 'pretrained' ? 'pretraining' : 'training from scratch'} is ahead by ${pct(Math.abs(p - q))}.`);
      state.seconds = m.seconds;
      state.phase = 'done';
      show(`done in ${m.seconds.toFixed(1)} s`);
      break;
    }
    case 'error':
      show(m.message, true);
      break;
  }
}

/** Starts a run with the form's settings in a fresh worker (stopping any run in progress). */
function run(): void {
  worker?.terminate();
  worker = undefined;
  saveForm(form);
  let settings: PretrainSettings;
  try {
    settings = parseSettings((name) => field(name).value);
  } catch (e) {
    show((e as Error).message, true);
    return;
  }
  Object.assign(state, {
    phase: 'rbm',
    settings,
    recon: [],
    recon2: [],
    tiles: 0,
    filterChecksums: [],
    chains: 0,
    gibbsSteps: 0,
    chainInk: 0,
    pretrained: [],
    scratch: [],
    winner: '',
    seconds: 0,
    error: '',
  });
  state.runs++;
  $('result').textContent = '';
  drawCurves();
  worker = new Worker(new URL('./pretrain-worker.ts', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (e: MessageEvent<FromPretrainWorker>) => onMessage(e.data));
  worker.addEventListener('error', (e) => show(e.message || 'the worker failed', true));
  const message: ToPretrainWorker = {
    type: 'start',
    settings,
    mnistUrl: new URL('./mnist-2000.bin', document.baseURI).href,
  };
  worker.postMessage(message);
}

for (const [name, value] of Object.entries(DEFAULTS)) if (field(name).value === '') field(name).value = String(value);
restoreForm(form);
form.addEventListener('change', () => saveForm(form));
form.addEventListener('submit', (e) => {
  e.preventDefault();
  run();
});
run();
