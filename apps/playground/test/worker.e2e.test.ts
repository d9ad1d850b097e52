/** The training page trains in a Web Worker: the page's own thread keeps painting frames while it trains. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, startSite } from './browser.js';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

type Playground = { epoch: number; running: boolean; error: string };

describe('training in a worker', () => {
  it('keeps the main thread responsive: animation frames keep coming while epochs advance', async () => {
    const { page, errors } = await site.open('index.html?data=spirals&hidden=64,64&batchSize=8&backend=cpu');
    await page.click('#start');
    await page.waitForFunction(
      () => (globalThis as unknown as { playground: Playground }).playground.epoch >= 1,
      undefined,
      {
        timeout: 60_000,
      },
    );
    // Count frames and the longest gap between them for 2 s of training.
    const result = await page.evaluate(
      () =>
        new Promise<{ frames: number; longestGapMs: number; epochs: number; running: boolean }>((resolve) => {
          const s = (globalThis as unknown as { playground: Playground }).playground;
          const epoch0 = s.epoch;
          const t0 = performance.now();
          let last = t0;
          let frames = 0;
          let longestGapMs = 0;
          const tick = (now: number) => {
            frames++;
            longestGapMs = Math.max(longestGapMs, now - last);
            last = now;
            if (now - t0 < 2000) requestAnimationFrame(tick);
            else resolve({ frames, longestGapMs, epochs: s.epoch - epoch0, running: s.running });
          };
          requestAnimationFrame(tick);
        }),
    );
    await page.click('#pause');
    expect(result.running).toBe(true);
    expect(result.epochs).toBeGreaterThanOrEqual(1);
    // ~120 frames at 60 Hz when idle. Training on the page's own thread would leave one gap as long as the
    // whole 2 s; the bounds are loose so a busy 2-core machine does not make the test flaky.
    expect(result.frames).toBeGreaterThanOrEqual(20);
    expect(result.longestGapMs).toBeLessThan(1000);
    expect(await page.evaluate(() => (globalThis as unknown as { playground: Playground }).playground.error)).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
