/**
 * The optimizer race in Chromium: the final points after N steps equal the trajectories the
 * @backprop/optimizers classes give here in Node (same backend-cpu, float32), for every surface,
 * and a setup in the URL is restored.
 */
import { cpu } from '@backprop/backend-cpu';
import { type Optimizer, Parameter, setBackend, slice, type Tensor, tensor, tidy, valueAndGrad } from '@backprop/core';
import { Adagrad, Adam, RMSprop, SGD } from '@backprop/optimizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACERS } from '../src/race/racers.js';
import { SURFACES } from '../src/race/surfaces.js';
import { type Site, shots, startSite } from './browser.js';

type RaceState = {
  surface: string;
  steps: number;
  start: [number, number];
  racers: Record<string, { className: string; options: Record<string, unknown>; final: [number, number] }>;
  computed: number;
  error: string;
};

let site: Site;
beforeAll(async () => {
  await setBackend(cpu());
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

const classes = { SGD, Adagrad, RMSprop, Adam } as Record<string, new (o: unknown) => Optimizer>;

/** The optimizer's own trajectory, stepped here: θ_N after `steps` steps from `start`. */
function trajectoryEnd(surface: string, className: string, options: unknown, start: [number, number], steps: number) {
  const f = (t: Tensor) => SURFACES[surface].f(slice(t, [0], [1]), slice(t, [1], [1]));
  const theta = new Parameter('theta', tensor(start));
  const opt = new classes[className](options);
  for (let i = 0; i < steps; i++)
    tidy(() => {
      opt.beforeGradient?.([theta]);
      opt.step([theta], valueAndGrad(f)(theta.value).grads);
    });
  const end = Array.from(theta.value.dataSync());
  opt.dispose();
  theta.dispose();
  return end;
}

async function raceState(path: string) {
  const { page, errors } = await site.open(path);
  await page.waitForFunction(() => ((globalThis as { race?: RaceState }).race?.computed ?? 0) > 0, undefined, {
    timeout: 60_000,
  });
  const state = await page.evaluate(() => (globalThis as unknown as { race: RaceState }).race);
  return { page, errors, state };
}

function expectSameFinals(state: RaceState): void {
  expect(Object.keys(state.racers).length).toBeGreaterThan(0);
  for (const [key, r] of Object.entries(state.racers)) {
    const end = trajectoryEnd(state.surface, r.className, r.options, state.start, state.steps);
    for (let k = 0; k < 2; k++) {
      const [page, own] = [r.final[k], end[k]];
      if (Number.isNaN(own)) expect(page, key).toBeNaN();
      else expect(page, `${key} coordinate ${k}`).toBe(own);
    }
  }
}

describe('the optimizer race', () => {
  for (const surface of Object.keys(SURFACES)) {
    it(`${surface}: every racer's final point equals the optimizers package's own trajectory`, async () => {
      const { page, errors, state } = await raceState(`race.html?surface=${surface}&steps=100`);
      expect(state.error).toBe('');
      expect(state.surface).toBe(surface);
      expect(state.steps).toBe(100);
      expect(Object.keys(state.racers)).toEqual(RACERS.map((r) => r.key));
      expectSameFinals(state);
      await page.screenshot({ path: `${shots}race-${surface}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('restores a setup from the URL: surface, steps, start, sliders, placement and racers switched off', async () => {
    const query = new URLSearchParams({
      surface: 'beale',
      steps: '60',
      x0: '-1',
      y0: '2',
      'adam.lr': '-1.5',
      'adam.beta1': '0.8',
      'adam.placement': 'outside',
      'rmsprop.alpha': '0.95',
      'momentum.on': '0',
      'sgd.on': '0',
    });
    const { page, errors, state } = await raceState(`race.html?${query}`);
    expect(await page.inputValue('#surface')).toBe('beale');
    expect(await page.inputValue('input[name="adam.lr"]')).toBe('-1.5');
    expect(await page.isChecked('input[name="sgd.on"]')).toBe(false);
    expect(state.start).toEqual([-1, 2]);
    expect(state.steps).toBe(60);
    expect(Object.keys(state.racers)).toEqual(['lecture', 'nesterov', 'nesterovTorch', 'adagrad', 'rmsprop', 'adam']);
    expect(state.racers.adam.options).toEqual({ lr: 0.032, betas: [0.8, 0.999], eps: 1e-8, epsPlacement: 'outside' });
    expect(state.racers.rmsprop.options).toMatchObject({ alpha: 0.95 });
    expectSameFinals(state);
    // The address bar keeps the whole setup after a change.
    await page.selectOption('select[name="adam.placement"]', 'inside');
    await page.waitForFunction(() => (globalThis as unknown as { race: RaceState }).race.computed > 1);
    const saved = new URL(page.url()).searchParams;
    expect(saved.get('adam.placement')).toBe('inside');
    expect(saved.get('surface')).toBe('beale');
    expect(saved.get('sgd.on')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });
});
