/** The "Backprop on the graph" page: parse an expression, compute it with core, step through the backward pass. */
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { restoreForm, saveForm } from '../shared/url-state.js';
import { explainStep, revealedAfter, stepCount } from './backward-steps.js';
import { drawGraph } from './draw.js';
import { computeGraph, type GraphNumbers } from './gradients.js';
import { buildGraph, type Graph } from './graph.js';
import { nodeNames } from './names.js';
import { parse, parseValues } from './parse.js';
import { PRESETS } from './presets.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('controls');
const preset = $<HTMLSelectElement>('preset');
const exprInput = $<HTMLInputElement>('expr');
const valuesInput = $<HTMLInputElement>('values');
const svg = document.getElementById('graph') as unknown as SVGSVGElement;

let current: { graph: Graph; nums: GraphNumbers; names: string[] } | undefined;
let step = 0;

/** State the end-to-end tests read: values and gradients by node name, the step, any error. */
const state = {
  step: 0,
  steps: 0,
  values: {} as Record<string, number>,
  grads: {} as Record<string, number>,
  error: '',
};
(globalThis as { graphPage?: typeof state }).graphPage = state;

function show(text: string, isError = false): void {
  $('status').textContent = text;
  $('status').style.color = isError ? '#ff8a80' : '';
  state.error = isError ? text : '';
}

function render(): void {
  if (!current) return;
  const { graph, nums, names } = current;
  const total = stepCount(graph);
  step = Math.max(0, Math.min(step, total));
  drawGraph(svg, graph, nums, names, revealedAfter(graph, step));
  $<HTMLButtonElement>('back').disabled = step === 0;
  $<HTMLButtonElement>('step').disabled = step === total;
  $<HTMLButtonElement>('all').disabled = step === total;
  $('stepNumber').textContent = String(step);
  $('stepTotal').textContent = String(total);
  $('explain').replaceChildren(
    ...explainStep(graph, nums, names, step).map((line) =>
      Object.assign(document.createElement('li'), { textContent: line }),
    ),
  );
  Object.assign(state, { step, steps: total });
  saveForm(form, { step: String(step) });
}

/** Parses, computes with core, and draws from step `at`. */
function rebuild(at = 0): void {
  try {
    const graph = buildGraph(parse(exprInput.value));
    const nums = computeGraph(graph, parseValues(valuesInput.value));
    const names = nodeNames(graph);
    current = { graph, nums, names };
    state.values = Object.fromEntries(names.map((n, i) => [n, nums.values[i]]));
    state.grads = Object.fromEntries(names.map((n, i) => [n, nums.grads[i]]));
    step = at;
    show('computed with @backprop/core (backend-cpu)');
    render();
  } catch (e) {
    show((e as Error).message, true);
  }
}

function usePreset(key: string): void {
  const p = PRESETS[key];
  if (!p) return;
  exprInput.value = p.expr;
  valuesInput.value = p.values;
}

async function init(): Promise<void> {
  await setBackend(cpu());
  preset.append(
    ...Object.entries(PRESETS).map(([key, p]) => new Option(p.label, key)),
    new Option('your own (type it)', 'custom'),
  );
  const restored = restoreForm(form);
  if (!restored.includes('expr')) usePreset(preset.value);
  const startStep = Number(new URLSearchParams(location.search).get('step') ?? 0);
  rebuild(Number.isInteger(startStep) ? startStep : 0);

  preset.addEventListener('change', () => {
    usePreset(preset.value);
    rebuild();
  });
  for (const input of [exprInput, valuesInput])
    input.addEventListener('change', () => {
      preset.value = 'custom';
      rebuild();
    });
  $('step').addEventListener('click', () => {
    step++;
    render();
  });
  $('back').addEventListener('click', () => {
    step--;
    render();
  });
  $('all').addEventListener('click', () => {
    step = Number.POSITIVE_INFINITY;
    render();
  });
}

void init();
