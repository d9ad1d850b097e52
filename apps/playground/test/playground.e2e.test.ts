/**
 * End to end in Debian's Chromium (playwright-core, no browser download): the built playground
 * trains XOR to high accuracy, shows its views, and logs no console errors.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './serve.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const shots = fileURLToPath(new URL('../test-results/', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let server: Server;
let url: string;

beforeAll(async () => {
  if (!existsSync(`${dist}index.html`))
    throw new Error('apps/playground/dist is missing: run `vite build` first (turbo builds it before tests)');
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (.ci/run does)`);
  ({ server, url } = await serve(dist));
  browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

type Snapshot = { epoch: number; testAccuracy: number; error: string };

/** Starts training and returns the first state whose test accuracy reaches `accuracy` (or that has an error). */
async function trainUntil(page: Page, accuracy: number, timeoutMs: number): Promise<Snapshot> {
  await page.click('#start');
  const handle = await page.waitForFunction(
    (a) => {
      const s = (globalThis as unknown as { playground: Snapshot }).playground;
      return s.testAccuracy >= a || s.error !== ''
        ? { epoch: s.epoch, testAccuracy: s.testAccuracy, error: s.error }
        : false;
    },
    accuracy,
    { timeout: timeoutMs },
  );
  const snapshot = (await handle.jsonValue()) as Snapshot;
  await page.click('#pause');
  return snapshot;
}

describe('playground', () => {
  it('trains XOR to high accuracy on backend-cpu and draws its decision boundary', async () => {
    const { page, errors } = await open();
    await page.selectOption('select[name=data]', 'xor');
    await page.fill('input[name=noise]', '0');
    await page.fill('input[name=lr]', '0.03');
    const state = await trainUntil(page, 0.95, 60_000);
    expect(state.error).toBe('');
    expect(state.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(await page.textContent('#epoch')).not.toBe('0');
    await page.screenshot({ path: `${shots}xor-cpu.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it('trains on MNIST digits and shows the first-layer weights', async () => {
    const { page, errors } = await open();
    await page.selectOption('select[name=data]', 'mnist');
    await page.fill('input[name=hidden]', '32');
    await page.fill('input[name=lr]', '0.003');
    await page.fill('input[name=batchSize]', '32');
    const state = await trainUntil(page, 0.8, 90_000);
    expect(state.testAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(await page.textContent('#pictureCaption')).toBe('first-layer weights');
    await page.screenshot({ path: `${shots}mnist-cpu.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("trains XOR on WebGPU (Chromium's software adapter)", async () => {
    const gpuBrowser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=swiftshader',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await gpuBrowser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      expect(await page.evaluate(() => typeof (navigator as Navigator & { gpu?: unknown }).gpu)).toBe('object');
      await page.selectOption('select[name=data]', 'xor');
      await page.fill('input[name=noise]', '0');
      await page.fill('input[name=lr]', '0.03');
      await page.fill('input[name=batchSize]', '32');
      await page.selectOption('select[name=backend]', 'webgpu');
      const state = await trainUntil(page, 0.9, 150_000);
      expect(state.error).toBe('');
      expect(state.testAccuracy).toBeGreaterThanOrEqual(0.9);
      expect(
        await page.evaluate(() => (globalThis as unknown as { playground: { backend: string } }).playground.backend),
      ).toBe('webgpu');
      await page.screenshot({ path: `${shots}xor-webgpu.png`, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await gpuBrowser.close();
    }
  }, 180_000);

  it('trains XOR on ONNX Runtime Web (WebAssembly)', async () => {
    const { page, errors } = await open();
    await page.selectOption('select[name=data]', 'xor');
    await page.fill('input[name=noise]', '0');
    await page.fill('input[name=lr]', '0.03');
    await page.fill('input[name=batchSize]', '32');
    await page.selectOption('select[name=backend]', 'onnx');
    const state = await trainUntil(page, 0.9, 150_000);
    expect(state.error).toBe('');
    expect(state.testAccuracy).toBeGreaterThanOrEqual(0.9);
    await page.screenshot({ path: `${shots}xor-onnx.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it('reports a bad setting instead of failing silently', async () => {
    const { page } = await open();
    await page.fill('input[name=hidden]', '16,abc');
    await page.click('#start');
    await page.waitForFunction(
      () => (globalThis as unknown as { playground: { error: string } }).playground.error !== '',
    );
    // The first preview's "ready" from the worker may arrive after the error: it must not hide it.
    await page.waitForFunction(
      () => (globalThis as unknown as { playground: { backend: string } }).playground.backend !== '',
    );
    expect(await page.textContent('#status')).toMatch(/hidden units must be positive integers/);
    await page.close();
  });
});
