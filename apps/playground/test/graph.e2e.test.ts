/** The "Backprop on the graph" page in Chromium: the lecture's example stepped through, and a setup restored from the URL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shots, startSite } from './browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

type GraphState = {
  step: number;
  steps: number;
  values: Record<string, number>;
  grads: Record<string, number>;
  error: string;
};

describe('backprop on the graph', () => {
  it("steps the lecture's f = (x + y)z at (−2, 5, −4) back to ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3", async () => {
    const { page, errors } = await site.open('graph.html');
    await page.waitForFunction(() => (globalThis as { graphPage?: GraphState }).graphPage?.steps === 3);
    expect(await page.inputValue('#expr')).toBe('(x + y) * z');
    // Forward values on the nodes before any step; no gradient shown yet.
    expect(await page.textContent('[data-name="f"] .value')).toBe('f = -12');
    expect(await page.textContent('[data-name="q"] .value')).toBe('q = 3');
    expect(await page.locator('[data-name="x"] .grad').count()).toBe(0);
    for (let i = 0; i < 3; i++) await page.click('#step');
    expect(await page.isDisabled('#step')).toBe(true);
    const grad = (name: string) => page.textContent(`[data-name="${name}"] .grad`);
    expect(await grad('x')).toBe('∂f/∂x = -4');
    expect(await grad('y')).toBe('∂f/∂y = -4');
    expect(await grad('z')).toBe('∂f/∂z = 3');
    expect(await grad('f')).toBe('∂f/∂f = 1');
    // The edges carry the shares passed back: −4, −4 into x and y; 3 into z; −4 into q.
    const edgeTexts = await page.locator('#graph .edge text.grad').allTextContents();
    expect(edgeTexts.sort()).toEqual(['-4', '-4', '-4', '3']);
    expect(await page.textContent('#explain')).toContain('∂f/∂x = ∂q/∂x × ∂f/∂q = 1 × -4 = -4');
    const state = await page.evaluate(() => (globalThis as unknown as { graphPage: GraphState }).graphPage);
    expect(state.grads).toMatchObject({ x: -4, y: -4, z: 3 });
    expect(state.values.f).toBe(-12);
    expect(new URL(page.url()).searchParams.get('step')).toBe('3');
    await page.screenshot({ path: `${shots}graph.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('restores a typed expression, its values and the step from the URL', async () => {
    const query = new URLSearchParams({ preset: 'custom', expr: 'x*x + x', values: 'x = 3', step: '2' });
    const { page, errors } = await site.open(`graph.html?${query}`);
    await page.waitForFunction(() => (globalThis as { graphPage?: GraphState }).graphPage?.steps === 3);
    expect(await page.inputValue('#expr')).toBe('x*x + x');
    expect(await page.inputValue('#values')).toBe('x = 3');
    expect(await page.inputValue('#preset')).toBe('custom');
    expect(await page.textContent('#stepNumber')).toBe('2');
    await page.click('#all');
    expect(await page.textContent('[data-name="x"] .grad')).toBe('∂f/∂x = 7');
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const preset of ['neuron', 'neuronGates', 'twoLayer']) {
    it(`draws the ${preset} preset and steps it to the end`, async () => {
      const { page, errors } = await site.open(`graph.html?preset=${preset}`);
      await page.waitForFunction(() => ((globalThis as { graphPage?: GraphState }).graphPage?.steps ?? 0) > 1);
      await page.click('#all');
      const state = await page.evaluate(() => (globalThis as unknown as { graphPage: GraphState }).graphPage);
      expect(state.step).toBe(state.steps);
      // Every variable's gradient is on the page, as core computed it.
      for (const [name, g] of Object.entries(state.grads).filter(([n]) => !/^(q\d*|f)$/.test(n) && !/^[\d.]+$/.test(n)))
        expect(await page.textContent(`[data-name="${name}"] .grad`)).toBe(`∂f/∂${name} = ${Number(g.toPrecision(4))}`);
      if (preset !== 'twoLayer') expect(state.grads.w0).toBeCloseTo(-0.1966, 4);
      await page.screenshot({ path: `${shots}graph-${preset}.png`, fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('reports a parse error in the status line', async () => {
    const { page } = await site.open(`graph.html?${new URLSearchParams({ expr: 'x + (y', values: 'x=1,y=2' })}`);
    await page.waitForFunction(() => (globalThis as { graphPage?: GraphState }).graphPage?.error !== '');
    expect(await page.textContent('#status')).toMatch(/expected "\)"/);
    await page.close();
  });
});
