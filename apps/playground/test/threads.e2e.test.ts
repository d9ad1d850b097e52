/**
 * backend-cpu's worker threads in a browser: threads.html (cross-origin isolated, as served by
 * test/serve.ts and Vite's dev and preview servers) trains the training page's MNIST MLP on
 * `cpu({ threads: 1 })` and `cpu({ threads: 2 })`, each in its own worker. The threaded run must
 * really start a kernel worker and give the same losses; the samples/s are printed, not asserted
 * (timing targets belong in benchmarks).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchRequest, BenchResult } from '../src/threads-bench/protocol.js';
import { type Site, startSite } from './browser.js';

let site: Site;
beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../dist/threads.html', import.meta.url))))
    throw new Error('apps/playground/dist/threads.html is missing: run `vite build` first');
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

type Bench = { run: (r: Partial<BenchRequest> & { threads: number }) => Promise<BenchResult>; isolated: boolean };

describe('backend-cpu threads in Chromium', () => {
  it('the built site asks static hosts for the isolation headers (_headers)', () => {
    const headers = readFileSync(fileURLToPath(new URL('../dist/_headers', import.meta.url)), 'utf8');
    expect(headers).toContain('/*\n');
    expect(headers).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
  });

  it('trains the same MLP on 1 and 2 threads to the same loss, the second on a kernel worker', async () => {
    const { page, errors } = await site.open('threads.html');
    await page.waitForFunction(() => 'threadsBench' in globalThis);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');

    const bench = (threads: number) =>
      page.evaluate(
        (t) => (globalThis as unknown as { threadsBench: Bench }).threadsBench.run({ threads: t }),
        threads,
      );
    const one = await bench(1);
    const two = await bench(2);
    if (!one.ok) throw new Error(`threads 1: ${one.error}`);
    if (!two.ok) throw new Error(`threads 2: ${two.error}`);

    expect(one.isolated && two.isolated).toBe(true);
    expect(one.simd && two.simd).toBe(true);
    expect(one.pathThreads).toBe(1);
    expect(one.workersStarted).toBe(0);
    expect(two.pathThreads).toBe(2);
    // The pool of a 2-thread backend is the calling thread plus one kernel worker.
    expect(two.workersStarted).toBe(1);
    expect(two.workerErrors).toBe(0);
    // …which instantiated the shared SIMD module and was handed jobs (many rounds per epoch).
    expect(two.workersReady).toBe(1);
    expect(two.threadedRounds).toBeGreaterThan(100);

    expect(two.losses).toHaveLength(one.losses.length);
    for (const [i, loss] of one.losses.entries()) {
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(two.losses[i] - loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(loss)));
    }
    expect(one.losses).toHaveLength(16 + 6);
    expect(one.losses.at(-1)).toBeLessThan(one.losses[0]);
    expect(one.warmupSamplesPerSecond).toBeGreaterThan(0);

    const ratio = two.samplesPerSecond / one.samplesPerSecond;
    console.log(
      `backend-cpu in Chromium (hardwareConcurrency ${one.hardwareConcurrency}), MNIST MLP 784-256-128-10, batch 128: ` +
        `threads 1 ${one.samplesPerSecond.toFixed(0)} samples/s, threads 2 ${two.samplesPerSecond.toFixed(0)} samples/s, ` +
        `ratio ${ratio.toFixed(2)} (over the 16 warm-up epochs before them: ${one.warmupSamplesPerSecond.toFixed(0)} and ${two.warmupSamplesPerSecond.toFixed(0)}, ratio ${(two.warmupSamplesPerSecond / one.warmupSamplesPerSecond).toFixed(2)}); ` +
        `${two.threadedRounds} threaded kernel calls, pool up ${two.poolStartMs.toFixed(0)} ms after ready(); losses after ${one.losses.length} epochs ${one.losses[0].toFixed(5)} … ${one.losses.at(-1)?.toFixed(5)}`,
    );
    expect(errors).toEqual([]);
  });
});
