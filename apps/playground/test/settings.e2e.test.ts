/** Settings in the URL for the training page, and every page at phone width (390 px) without horizontal overflow. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shots, startSite } from './browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

describe('settings in the URL', () => {
  it('the training page restores its form from the query and trains with it', async () => {
    const settings = {
      data: 'xor',
      noise: '0',
      hidden: '8,4',
      activation: 'relu',
      optimizer: 'nesterov',
      lr: '0.05',
      batchSize: '32',
      l2: '0.001',
      dropout: '0',
      backend: 'cpu',
    };
    const { page, errors } = await site.open(`index.html?${new URLSearchParams(settings)}`);
    const form = await page.evaluate(() =>
      Object.fromEntries(
        new FormData(document.getElementById('controls') as HTMLFormElement) as unknown as [string, string][],
      ),
    );
    expect(form).toEqual(settings);
    await page.click('#start');
    await page.waitForFunction(
      () => (globalThis as unknown as { playground: { epoch: number } }).playground.epoch >= 1,
    );
    await page.click('#pause');
    await page.screenshot({ path: `${shots}training.png`, fullPage: true });
    expect(
      await page.evaluate(() => (globalThis as unknown as { playground: { error: string } }).playground.error),
    ).toBe('');
    // A change is written back to the address bar.
    await page.selectOption('select[name=optimizer]', 'adam');
    const saved = new URL(page.url()).searchParams;
    expect(saved.get('optimizer')).toBe('adam');
    expect(saved.get('hidden')).toBe('8,4');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('ignores unknown choices in the URL and keeps the default', async () => {
    const { page } = await site.open('index.html?optimizer=nope&backend=gpu9');
    expect(await page.inputValue('select[name=optimizer]')).toBe('adam');
    expect(await page.inputValue('select[name=backend]')).toBe('cpu');
    await page.close();
  });
});

describe('phone width', () => {
  for (const path of ['index.html', 'graph.html?preset=twoLayer', 'race.html']) {
    it(`${path} has no horizontal overflow at 390 px`, async () => {
      const { page, errors } = await site.open(path, { width: 390, height: 844 });
      await page.waitForTimeout(800);
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      await page.screenshot({ path: `${shots}phone-${path.replace(/\.html.*/, '')}.png`, fullPage: true });
      const wide = await page.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
          // Content that scrolls inside its own box (the graph) does not widen the page.
          .filter((e) => !e.parentElement?.closest('.graph-figure'))
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}`),
      );
      expect(wide, 'elements wider than the screen').toEqual([]);
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
