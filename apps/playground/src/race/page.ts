/** The optimizer race page: every racer steps from the same start on the chosen surface, all drawn as they run. */
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { restoreForm, saveForm } from '../shared/url-state.js';
import { knobValue, lrKnob, racerCard, refreshOutputs } from './cards.js';
import { type DrawnPath, drawRace } from './draw.js';
import { heatmap } from './heatmap.js';
import { PathRunner } from './paths.js';
import { RACERS, type Racer, type RacerOptions } from './racers.js';
import { SURFACES, type Surface } from './surfaces.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const surfaceSelect = $<HTMLSelectElement>('surface');
const canvas = $<HTMLCanvasElement>('map');

/** What the end-to-end tests read: the setup and each racer's options and final point. */
const state = {
  surface: '',
  steps: 0,
  start: [0, 0] as [number, number],
  racers: {} as Record<
    string,
    { className: string; options: RacerOptions; final: [number, number]; finalLoss: number }
  >,
  /** Increases after every computed race. */
  computed: 0,
  error: '',
};
(globalThis as { race?: typeof state }).race = state;

const heatCache = new Map<string, HTMLCanvasElement>();
let paths: DrawnPath[] = [];
let runners: { racer: Racer; runner: PathRunner; options: RacerOptions }[] = [];
let animation = 0;

const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
const surface = (): Surface => SURFACES[surfaceSelect.value];
const resultOf = (key: string) => form.querySelector(`[data-racer="${key}"] .result`) as HTMLElement;

function show(text: string, isError = false): void {
  $('status').textContent = text;
  $('status').style.color = isError ? '#ff8a80' : '';
  state.error = isError ? text : '';
}

function heat(key: string): HTMLCanvasElement {
  let c = heatCache.get(key);
  if (!c) {
    c = document.createElement('canvas');
    c.width = c.height = 240;
    (c.getContext('2d') as CanvasRenderingContext2D).putImageData(heatmap(SURFACES[key], 240), 0, 0);
    heatCache.set(key, c);
  }
  return c;
}

const draw = (upto: number) => drawRace(canvas, surface(), heat(surfaceSelect.value), paths, upto);

/** Puts the surface's defaults (start, learning rates) into the form. */
function surfaceDefaults(): void {
  const s = surface();
  field('x0').value = String(s.start[0]);
  field('y0').value = String(s.start[1]);
  for (const r of RACERS) field(`${r.key}.lr`).value = String(lrKnob(s.lr[r.key]).value);
  refreshOutputs(form);
}

/** Stops a race in progress and frees its parameters and optimizers. */
function stop(): void {
  cancelAnimationFrame(animation);
  for (const { runner } of runners) runner.dispose();
  runners = [];
}

/** Replays the finished race's paths. */
function replay(): void {
  if (runners.length > 0) return;
  cancelAnimationFrame(animation);
  let frame = 0;
  const tick = () => {
    frame = Math.min(state.steps, frame + Math.max(1, Math.ceil(state.steps / 90)));
    draw(frame);
    if (frame < state.steps) animation = requestAnimationFrame(tick);
  };
  tick();
}

/** Records every racer's final point, shows the results, frees the runners. */
function finish(): void {
  const steps = state.steps;
  for (const { racer, runner, options } of runners) {
    const final: [number, number] = [runner.xy[2 * steps], runner.xy[2 * steps + 1]];
    const finalLoss = runner.loss();
    state.racers[racer.key] = { className: racer.className, options, final, finalLoss };
    resultOf(racer.key).textContent = Number.isFinite(finalLoss)
      ? `after ${steps}: f = ${finalLoss.toPrecision(4)} at (${final[0].toFixed(3)}, ${final[1].toFixed(3)})`
      : `diverged (f = ${finalLoss}); lower η`;
  }
  show(`${runners.length} optimizers, ${steps} steps each`);
  stop();
  state.computed++;
}

/**
 * Starts a race with the form's settings: every frame, all racers take the same few steps
 * (at most ~12 ms of work, so the page stays responsive) and the paths so far are drawn.
 */
function race(): void {
  stop();
  try {
    const s = surface();
    // An empty field is not 0 (`Number('')` is): it is named.
    const number = (name: string): number => {
      const raw = field(name).value.trim();
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) throw new Error(`${name} must be a number, got "${raw}"`);
      return v;
    };
    const steps = number('steps');
    const start: [number, number] = [number('x0'), number('y0')];
    $('formula').textContent = s.formula;
    $('stepsOut').textContent = String(steps);
    Object.assign(state, { surface: surfaceSelect.value, steps, start, racers: {} });
    for (const r of RACERS) {
      resultOf(r.key).textContent = '';
      if (!field(`${r.key}.on`).checked) continue;
      const k = Object.fromEntries(
        r.knobs.map((knob) => [knob.name, knobValue(knob, field(`${r.key}.${knob.name}`).value)]),
      );
      const lr = knobValue({ log: true }, field(`${r.key}.lr`).value) as number;
      const options = r.options(lr, k);
      runners.push({ racer: r, runner: new PathRunner(s, r, options, start, steps), options });
    }
    paths = runners.map(({ racer, runner }) => ({ color: racer.color, xy: runner.xy }));
    saveForm(form);
    show('racing…');
  } catch (e) {
    stop();
    show((e as Error).message, true);
    return;
  }
  const perFrame = Math.max(1, Math.ceil(state.steps / 90));
  const tick = () => {
    const t0 = performance.now();
    let taken = 0;
    try {
      while (taken < perFrame && runners.some((r) => !r.runner.done) && performance.now() - t0 < 12) {
        for (const { runner } of runners) runner.step();
        taken++;
      }
    } catch (e) {
      stop();
      show((e as Error).message, true);
      return;
    }
    draw(Math.min(...runners.map((r) => r.runner.t)));
    if (runners.every((r) => r.runner.done)) finish();
    else animation = requestAnimationFrame(tick);
  };
  tick();
}

async function init(): Promise<void> {
  await setBackend(cpu());
  surfaceSelect.append(...Object.entries(SURFACES).map(([key, s]) => new Option(s.label, key)));
  const racers = $('racers');
  racers.append(...RACERS.map((r) => racerCard(r, SURFACES.quadratic.lr[r.key])));
  const query = new URLSearchParams(location.search);
  // An unknown surface in the URL is ignored, as restoreForm ignores unknown select values.
  const asked = query.get('surface');
  if (asked !== null && Object.hasOwn(SURFACES, asked)) surfaceSelect.value = asked;
  surfaceDefaults();
  restoreForm(form);
  refreshOutputs(form);
  race();

  form.addEventListener('change', (e) => {
    if (e.target === surfaceSelect) surfaceDefaults();
    race();
  });
  field('steps').addEventListener('input', () => {
    $('stepsOut').textContent = field('steps').value;
  });
  $('replay').addEventListener('click', replay);
  canvas.addEventListener('click', (e) => {
    const s = surface();
    const box = canvas.getBoundingClientRect();
    const x = s.x[0] + ((e.clientX - box.left) / box.width) * (s.x[1] - s.x[0]);
    const y = s.y[1] - ((e.clientY - box.top) / box.height) * (s.y[1] - s.y[0]);
    field('x0').value = x.toFixed(2);
    field('y0').value = y.toFixed(2);
    race();
  });
}

void init();
