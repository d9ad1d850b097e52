/** The racers' cards: an on/off box, the update rule, and the learning-rate and hyperparameter sliders. */
import type { Knob, Racer } from './racers.js';

/** A slider's value as the optimizer gets it: log sliders give 10^v to two significant digits. */
export function knobValue(knob: Pick<Knob, 'log' | 'choices'>, raw: string): number | string {
  if (knob.choices) return raw;
  return knob.log ? Number((10 ** Number(raw)).toPrecision(2)) : Number(raw);
}

/**
 * The learning-rate knob, with the surface's default. Steps of 0.001 in log₁₀ η, so every default
 * of two significant digits comes back exactly through `knobValue` (with 0.01 steps η = 0.0008
 * was stored as −3.1 and ran as 0.00079).
 */
export const lrKnob = (lr: number): Knob => ({
  name: 'lr',
  label: 'η',
  min: -5,
  max: 0.5,
  step: 0.001,
  log: true,
  value: Math.round(Math.log10(lr) * 1000) / 1000,
});

function knobControl(racer: Racer, knob: Knob): HTMLLabelElement {
  const label = document.createElement('label');
  const name = `${racer.key}.${knob.name}`;
  let input: HTMLInputElement | HTMLSelectElement;
  if (knob.choices) {
    input = document.createElement('select');
    input.append(...knob.choices.map((c) => new Option(c, c)));
  } else {
    input = Object.assign(document.createElement('input'), {
      type: 'range',
      min: String(knob.min),
      max: String(knob.max),
      step: String(knob.step),
    });
  }
  input.name = name;
  input.value = String(knob.value);
  const out = document.createElement('output');
  out.htmlFor.add(name);
  const update = () => {
    out.textContent = knob.choices ? '' : String(knobValue(knob, input.value));
  };
  input.addEventListener('input', update);
  // Values restored from the URL arrive without an event.
  input.addEventListener('refresh', update);
  update();
  label.append(`${knob.label} `, input, out);
  return label;
}

/** Builds a racer's card; `lr` is the surface's default learning rate. */
export function racerCard(racer: Racer, lr: number): HTMLFieldSetElement {
  const card = document.createElement('fieldset');
  card.className = 'racer';
  card.dataset.racer = racer.key;
  card.style.borderLeftColor = racer.color;
  const legend = document.createElement('legend');
  const on = Object.assign(document.createElement('input'), {
    type: 'checkbox',
    name: `${racer.key}.on`,
    checked: true,
  });
  legend.append(on, ` ${racer.label}`);
  const rule = document.createElement('pre');
  rule.className = 'rule';
  rule.textContent = racer.rule.join('\n');
  const result = document.createElement('p');
  result.className = 'result';
  card.append(legend, rule, knobControl(racer, lrKnob(lr)), ...racer.knobs.map((k) => knobControl(racer, k)), result);
  return card;
}

/** Refreshes the value labels after the form was set programmatically. */
export function refreshOutputs(root: HTMLElement): void {
  for (const e of Array.from(root.querySelectorAll('input, select'))) e.dispatchEvent(new Event('refresh'));
}
