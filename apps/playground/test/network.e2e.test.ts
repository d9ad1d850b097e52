/**
 * The training page's network view: neurons and edges for a URL setup, heat maps that change
 * after one Step, edge colour and width from the weights, features and sliders in the URL, and
 * XOR learned from the single feature x₁x₂.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shots, startSite } from './browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

interface PageState {
  epoch: number;
  testAccuracy: number;
  running: boolean;
  error: string;
  network?: { epoch: number; sizes: number[] };
}
const state = (page: Page) => page.evaluate(() => (globalThis as unknown as { playground: PageState }).playground);
const waitForNetwork = (page: Page, epoch: number) =>
  page.waitForFunction(
    (e) => {
      const s = (globalThis as unknown as { playground: PageState }).playground;
      return s.network?.epoch === e && !s.running;
    },
    epoch,
    { timeout: 60_000 },
  );

/** The RGBA pixels of one neuron's heat map. */
const pixels = (page: Page, layer: number, unit: number) =>
  page.evaluate(
    ([l, u]) => {
      const c = document.querySelector<HTMLCanvasElement>(`canvas.nn-node[data-layer="${l}"][data-unit="${u}"]`);
      if (!c) throw new Error('no such neuron');
      return Array.from(c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? []);
    },
    [layer, unit],
  );

const setup = {
  data: 'xor',
  noise: '0',
  hidden: '4,2',
  activation: 'tanh',
  backend: 'cpu',
  'feature.x1': '1',
  'feature.x2': '1',
  'feature.x1x2': '1',
};

describe('network view', () => {
  it('draws one neuron per input feature, hidden unit and class, and one edge per weight', async () => {
    const { page, errors } = await site.open(`index.html?${new URLSearchParams(setup)}`);
    await waitForNetwork(page, 0);
    const count = (sel: string) => page.locator(sel).count();
    expect(await count('canvas.nn-node[data-kind=input]')).toBe(3);
    expect(await count('canvas.nn-node[data-kind=hidden][data-layer="1"]')).toBe(4);
    expect(await count('canvas.nn-node[data-kind=hidden][data-layer="2"]')).toBe(2);
    expect(await count('canvas.nn-node[data-kind=output]')).toBe(2);
    expect(await count('line.nn-edge')).toBe(3 * 4 + 4 * 2 + 2 * 2);
    expect((await state(page)).network?.sizes).toEqual([3, 4, 2, 2]);
    expect(await page.locator('.nn-label').allTextContents()).toEqual(['x₁', 'x₂', 'x₁x₂']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Step trains exactly one epoch and the heat maps change', async () => {
    const { page, errors } = await site.open(`index.html?${new URLSearchParams(setup)}`);
    await waitForNetwork(page, 0);
    const before = await pixels(page, 1, 0);
    const weightsBefore = await page
      .locator('line.nn-edge')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-weight')));
    await page.click('#step');
    await waitForNetwork(page, 1);
    expect((await state(page)).epoch).toBe(1);
    const after = await pixels(page, 1, 0);
    expect(after.length).toBe(24 * 24 * 4);
    expect(after.some((v, i) => v !== before[i])).toBe(true);
    const weightsAfter = await page
      .locator('line.nn-edge')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('data-weight')));
    expect(weightsAfter).not.toEqual(weightsBefore);
    // A second step: epoch 2, then it stops again.
    await page.click('#step');
    await waitForNetwork(page, 2);
    expect((await state(page)).epoch).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("colours each edge by its weight's sign and sets its width by the magnitude", async () => {
    const { page } = await site.open(`index.html?${new URLSearchParams({ ...setup, hidden: '6,4' })}`);
    await waitForNetwork(page, 0);
    const edges = await page.locator('line.nn-edge').evaluateAll((ls) =>
      ls.map((l) => ({
        w: Number(l.getAttribute('data-weight')),
        color: l.getAttribute('stroke'),
        width: Number(l.getAttribute('stroke-width')),
      })),
    );
    expect(edges.length).toBe(3 * 6 + 6 * 4 + 4 * 2);
    expect(edges.some((e) => e.w > 0) && edges.some((e) => e.w < 0)).toBe(true);
    for (const e of edges) {
      expect(Number.isFinite(e.w)).toBe(true);
      expect(e.color).toBe(e.w >= 0 ? 'rgb(8, 119, 189)' : 'rgb(245, 147, 34)');
    }
    const sorted = [...edges].sort((a, b) => Math.abs(a.w) - Math.abs(b.w));
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].width).toBeGreaterThanOrEqual(sorted[i - 1].width);
    expect(sorted.at(-1)?.width).toBeGreaterThan(sorted[0].width);
    // The rendered stroke follows the attribute.
    const rendered = await page
      .locator('line.nn-edge')
      .first()
      .evaluate((l) => ({ w: getComputedStyle(l).strokeWidth, c: getComputedStyle(l).stroke }));
    expect(Number.parseFloat(rendered.w)).toBeCloseTo(edges[0].width, 2);
    expect(rendered.c).toBe(edges[0].color);
    await page.close();
  });

  it('features and sliders round-trip through the URL', async () => {
    const query = {
      data: 'circles',
      noise: '0.25',
      hidden: '3',
      'feature.x1': '0',
      'feature.x2': '1',
      'feature.x1sq': '1',
      'feature.sinx1': '1',
      trainRatio: '0.6',
      l1: '0.001',
    };
    const { page, errors } = await site.open(`index.html?${new URLSearchParams(query)}`);
    await waitForNetwork(page, 0);
    const checked = await page
      .locator('#network-controls input[type=checkbox]')
      .evaluateAll((cs) => cs.filter((c) => (c as HTMLInputElement).checked).map((c) => (c as HTMLInputElement).name));
    expect(checked).toEqual(['feature.x2', 'feature.x1sq', 'feature.sinx1']);
    expect(await page.inputValue('input[name=noise]')).toBe('0.25');
    expect(await page.inputValue('input[name=trainRatio]')).toBe('0.6');
    expect(await page.locator('output[data-for=trainRatio]').textContent()).toBe('0.6');
    expect(await page.inputValue('input[name=l1]')).toBe('0.001');
    expect((await state(page)).network?.sizes).toEqual([3, 3, 2]);
    expect(await page.locator('.nn-label').allTextContents()).toEqual(['x₂', 'x₁²', 'sin x₁']);
    // Changes are written back and the network is rebuilt with the new inputs.
    await page.check('input[name="feature.x1x2"]');
    await page.fill('input[name=trainRatio]', '0.3');
    await page.fill('input[name=noise]', '0.05');
    await page.locator('input[name=noise]').dispatchEvent('change');
    await page.locator('input[name=trainRatio]').dispatchEvent('change');
    const saved = new URL(page.url()).searchParams;
    expect(saved.get('feature.x1x2')).toBe('1');
    expect(saved.get('feature.x1')).toBe('0');
    expect(saved.get('trainRatio')).toBe('0.3');
    expect(saved.get('noise')).toBe('0.05');
    expect(saved.get('hidden')).toBe('3');
    await page.waitForFunction(
      () => (globalThis as unknown as { playground: PageState }).playground.network?.sizes[0] === 4,
    );
    // No feature at all is reported, not trained.
    for (const name of ['x2', 'x1sq', 'x1x2', 'sinx1']) await page.uncheck(`input[name="feature.${name}"]`);
    await page.click('#start');
    expect((await state(page)).error).toMatch(/at least one input feature/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('learns XOR from the single feature x₁x₂ to ≥ 90% test accuracy', async () => {
    const query = {
      data: 'xor',
      noise: '0',
      hidden: '4',
      activation: 'tanh',
      optimizer: 'adam',
      lr: '0.03',
      batchSize: '16',
      backend: 'cpu',
      'feature.x1': '0',
      'feature.x2': '0',
      'feature.x1x2': '1',
    };
    const { page, errors } = await site.open(`index.html?${new URLSearchParams(query)}`);
    await waitForNetwork(page, 0);
    expect((await state(page)).network?.sizes).toEqual([1, 4, 2]);
    await page.click('#start');
    await page.waitForFunction(
      () => {
        const s = (globalThis as unknown as { playground: PageState }).playground;
        return s.testAccuracy >= 0.9 && (s.network?.epoch ?? 0) >= 1;
      },
      undefined,
      { timeout: 60_000 },
    );
    const s = await state(page);
    await page.click('#pause');
    expect(s.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.epoch).toBeLessThanOrEqual(20);
    await page.locator('.network-figure').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}network.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
