/**
 * Backprop as a user installs it: every published package packed, served from a local registry
 * (Verdaccio on 127.0.0.1, for the @backprop scope; npm fetches other packages from npmjs.org) and installed with plain npm
 * into fresh projects, each of which trains a small network:
 * 1. core + backend-cpu only;
 * 2. the README's set (core, backend-cpu, optimizers, regularizers, datasets);
 * 3. backend-onnx with ONNX Runtime, installed with the documented CPU-only setting;
 * 4. backend-onnx without ONNX Runtime, for `exportOnnx` only;
 * 5. an esbuild browser bundle of core + backend-cpu + datasets, run in headless Chromium.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshProject, npm, packAll, type Registry, sh, startRegistry } from './registry/local-registry.js';

const work = mkdtempSync(join(tmpdir(), 'backprop-install-'));
let registry: Registry;

/** Runs `script` (an ES module) in project `dir` with node; returns its last stdout line as JSON. */
function runScript(dir: string, script: string): Record<string, number> {
  writeFileSync(join(dir, 'main.mjs'), script);
  const out = sh(process.execPath, ['main.mjs'], { cwd: dir, timeout: 300_000 }).trim().split('\n');
  return JSON.parse(out[out.length - 1] ?? '{}');
}

/** XOR with a hand-written SGD loop: core and a backend only. */
const manualLoop = (backendImport: string, backendCall: string) => `
import { losses, manualSeed, mul, nn, setBackend, sub, tensor, tidy, valueAndGrad } from '@backprop/core';
${backendImport}
await setBackend(${backendCall});
manualSeed(0);
const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
const y = tensor(new Int32Array([0, 1, 1, 0]), [4], 'int32');
const model = nn.sequential(nn.dense(2, 8), nn.tanh(), nn.dense(8, 2));
const params = model.parameters();
let first = 0;
let last = 0;
for (let i = 0; i < 300; i++) {
  const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), y))(...params.map((p) => p.value));
  tidy(() => params.forEach((p, k) => p.assign(sub(p.value, mul(grads[k], 0.5)))));
  last = await value.item();
  if (i === 0) first = last;
  value.dispose();
  for (const g of grads) g.dispose();
}
console.log(JSON.stringify({ first, last }));
`;

beforeAll(async () => {
  const tarballs = packAll(join(work, 'tarballs'));
  registry = await startRegistry(join(work, 'registry'));
  for (const tgz of tarballs) npm(registry, ['publish', tgz, '--access', 'public', '--tag', 'latest'], work);
}, 600_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('installed from a registry with plain npm', () => {
  it('core + backend-cpu: installs and trains XOR', () => {
    const dir = join(work, 'core-cpu');
    freshProject(registry, dir, ['@backprop/core', '@backprop/backend-cpu']);
    const r = runScript(dir, manualLoop("import { cpu } from '@backprop/backend-cpu';", 'cpu()'));
    expect(r.last).toBeLessThan(0.1 * (r.first ?? 0));
    // Our packages came from the local registry (npm's hidden lockfile records where from).
    const hidden = JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    expect(hidden.packages['node_modules/@backprop/core']?.resolved).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // One copy of core, no native runtime pulled in.
    expect(existsSync(join(dir, 'node_modules/onnxruntime-node'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules/webgpu'))).toBe(false);
  }, 600_000);

  it("the README's set: fit with Adam, L2, dropout and early stopping reaches 95% on XOR", () => {
    const dir = join(work, 'readme-set');
    const packages = ['core', 'backend-cpu', 'optimizers', 'regularizers', 'datasets'].map((p) => `@backprop/${p}`);
    freshProject(registry, dir, packages);
    const r = runScript(
      dir,
      `
import { evaluate, fit, losses, manualSeed, nn, setBackend } from '@backprop/core';
import { cpu } from '@backprop/backend-cpu';
import { xor } from '@backprop/datasets';
import { adam } from '@backprop/optimizers';
import { dropout, earlyStopping, l2 } from '@backprop/regularizers';
await setBackend(cpu());
manualSeed(0);
const model = nn.sequential(nn.dense(2, 16), nn.tanh(), dropout(0.05), nn.dense(16, 2));
await fit(model, xor({ n: 256, seed: 1 }), {
  loss: losses.softmaxCrossEntropy, optimizer: adam({ lr: 0.05 }), batchSize: 32, epochs: 60,
  penalties: [l2(1e-5)], validation: 0.2, callbacks: [earlyStopping({ patience: 20, restoreBest: true })], verbose: false,
});
const scores = await evaluate(model, xor({ n: 256, seed: 2 }), { metrics: ['accuracy'] });
console.log(JSON.stringify({ accuracy: scores.accuracy }));
`,
    );
    expect(r.accuracy).toBeGreaterThan(0.95);
    const cores = sh('npm', ['ls', '@backprop/core', '--all', '--parseable'], { cwd: dir }).trim().split('\n');
    expect(new Set(cores.filter(Boolean)).size).toBe(1);
  }, 600_000);

  it('backend-onnx with ONNX Runtime, CPU only (ONNXRUNTIME_NODE_INSTALL=skip): installs and trains XOR', () => {
    const dir = join(work, 'onnx');
    freshProject(registry, dir, ['@backprop/core', '@backprop/backend-onnx', 'onnxruntime-node'], {
      ONNXRUNTIME_NODE_INSTALL: 'skip',
    });
    const r = runScript(
      dir,
      manualLoop("import { onnx } from '@backprop/backend-onnx';", "onnx({ provider: 'cpu', threads: 1 })"),
    );
    expect(r.last).toBeLessThan(0.1 * (r.first ?? 0));
  }, 900_000);

  it('exportOnnx needs no ONNX Runtime: backend-onnx without onnxruntime-node exports a model, and onnx() says what to install', () => {
    const dir = join(work, 'onnx-export-only');
    freshProject(registry, dir, ['@backprop/core', '@backprop/backend-cpu', '@backprop/backend-onnx']);
    expect(existsSync(join(dir, 'node_modules/onnxruntime-node'))).toBe(false);
    const r = runScript(
      dir,
      `
import { nn, setBackend } from '@backprop/core';
import { cpu } from '@backprop/backend-cpu';
import { exportOnnx, onnx } from '@backprop/backend-onnx';
await setBackend(cpu());
const bytes = await exportOnnx(nn.sequential(nn.dense(2, 4), nn.relu(), nn.dense(4, 1)), { inputShape: [2] });
let missing = 0;
try {
  await setBackend(onnx());
} catch (e) {
  missing = /npm i onnxruntime-node/.test(String(e.message)) ? 1 : 0;
}
console.log(JSON.stringify({ bytes: bytes.length, missing }));
`,
    );
    expect(r.bytes).toBeGreaterThan(100);
    expect(r.missing).toBe(1);
  }, 600_000);

  it('an esbuild browser bundle of core + backend-cpu + datasets trains XOR in Chromium', async () => {
    const dir = join(work, 'browser');
    freshProject(registry, dir, ['@backprop/core', '@backprop/backend-cpu', '@backprop/datasets', 'esbuild']);
    writeFileSync(
      join(dir, 'entry.js'),
      `
import { evaluate, losses, manualSeed, mul, nn, setBackend, sub, tensor, tidy, valueAndGrad } from '@backprop/core';
import { cpu } from '@backprop/backend-cpu';
import { xor } from '@backprop/datasets';
try {
  await setBackend(cpu());
  manualSeed(0);
  const data = xor({ n: 128, seed: 1 });
  const x = tensor(data.x, data.xShape);
  const y = tensor(data.y, data.yShape, 'int32');
  const model = nn.sequential(nn.dense(2, 16), nn.tanh(), nn.dense(16, 2));
  const params = model.parameters();
  for (let i = 0; i < 400; i++) {
    const { value, grads } = valueAndGrad(() => losses.softmaxCrossEntropy(model.forward(x), y))(...params.map((p) => p.value));
    tidy(() => params.forEach((p, k) => p.assign(sub(p.value, mul(grads[k], 0.5)))));
    value.dispose();
    for (const g of grads) g.dispose();
  }
  const scores = await evaluate(model, xor({ n: 256, seed: 2 }), { metrics: ['accuracy'] });
  window.__result = { accuracy: scores.accuracy };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
`,
    );
    sh(
      join(dir, 'node_modules/.bin/esbuild'),
      ['entry.js', '--bundle', '--platform=browser', '--format=esm', '--outfile=dist/app.js'],
      { cwd: dir },
    );
    const bundle = readFileSync(join(dir, 'dist/app.js'), 'utf8');
    expect(bundle).not.toMatch(/from\s*["']node:/);
    writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><script type="module" src="app.js"></script>');
    const server: Server = createServer(async (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      try {
        const body = await readFile(join(dir, 'dist', path === '/' ? 'index.html' : path));
        res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, {
        timeout: 240_000,
      });
      const result = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as {
        accuracy?: number;
        error?: string;
      };
      expect(result.error).toBeUndefined();
      expect(errors).toEqual([]);
      expect(result.accuracy).toBeGreaterThan(0.9);
    } finally {
      await browser.close();
      server.close();
    }
  }, 900_000);
});
