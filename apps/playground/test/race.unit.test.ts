/** The race page's learning-rate sliders: every surface's default rate reaches the optimizer exactly. */
import { describe, expect, it } from 'vitest';
import { knobValue, lrKnob } from '../src/race/cards.js';
import { SURFACES } from '../src/race/surfaces.js';

describe('race learning-rate knobs', () => {
  it("give back each surface's default rate exactly (Rosenbrock's SGD 0.0008 ran as 0.00079)", () => {
    const defaults = Object.values(SURFACES).flatMap((s) => Object.values(s.lr));
    expect(defaults.length).toBeGreaterThan(10);
    for (const lr of defaults) {
      const knob = lrKnob(lr);
      const [min, step, value] = [knob.min, knob.step, knob.value] as number[];
      // A range input holds its value as a string, snapped to the step from min.
      const snapped = min + Math.round((value - min) / step) * step;
      expect(knobValue(knob, String(Number(snapped.toFixed(3))))).toBe(lr);
    }
  });
});
