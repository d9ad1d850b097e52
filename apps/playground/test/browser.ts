/** Shared set-up of the page tests: the built site served on 127.0.0.1 and Debian's Chromium via playwright-core. */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { serve } from './serve.js';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
/** Where the page tests save their screenshots (shown in the docs). */
export const shots = fileURLToPath(new URL('../docs-screenshots/', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A running browser and server; `open` loads a page and collects its console errors. */
export interface Site {
  browser: Browser;
  server: Server;
  url: string;
  open: (path: string, viewport?: { width: number; height: number }) => Promise<{ page: Page; errors: string[] }>;
  close: () => Promise<void>;
}

/** Serves dist/ and launches Chromium headless. */
export async function startSite(): Promise<Site> {
  for (const page of ['index.html', 'graph.html', 'race.html', 'pretrain.html'])
    if (!existsSync(`${dist}${page}`))
      throw new Error(`apps/playground/dist/${page} is missing: run \`vite build\` first`);
  if (!existsSync(executablePath))
    throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium (.ci/run does)`);
  const { server, url } = await serve(dist);
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  mkdirSync(shots, { recursive: true });
  return {
    browser,
    server,
    url,
    async open(path, viewport = { width: 1200, height: 900 }) {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url + path);
      return { page, errors };
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}
