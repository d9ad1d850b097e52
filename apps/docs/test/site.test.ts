/** The built site: every page is there and not empty, the API covers every package, internal links resolve. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { preview } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiInternals } from '../scripts/api-internals.mjs';
import { brokenLinks } from '../scripts/check-links.mjs';
import { distDir, docsDir, guidesDir, repoRoot } from '../scripts/paths.mjs';
import { documentedPackages } from '../scripts/typedoc.mjs';

const guides = readdirSync(guidesDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3));

/** Builds the site unless dist is newer than every guide and script (turbo builds before testing). */
function ensureBuilt(): void {
  const index = join(distDir, 'index.html');
  const sources = [
    ...guides.map((g) => join(guidesDir, `${g}.md`)),
    ...readdirSync(join(docsDir, 'scripts')).map((f) => join(docsDir, 'scripts', f)),
  ];
  const fresh =
    existsSync(index) &&
    existsSync(join(distDir, 'api/index.html')) &&
    sources.every((s) => statSync(s).mtimeMs <= statSync(index).mtimeMs);
  if (fresh) return;
  const r = spawnSync(process.execPath, [join(docsDir, 'scripts/build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docs build failed:\n${r.stdout}\n${r.stderr}`);
}

const text = (html: string) =>
  (/<main>([\s\S]*)<\/main>/.exec(html)?.[1] ?? html)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

beforeAll(ensureBuilt, 300_000);

describe('the built site', () => {
  it('has index.html, the stylesheet and one page per guide', () => {
    expect(guides).toContain('index');
    for (const f of ['index.html', 'style.css', ...guides.map((g) => `${g}.html`)]) {
      expect(existsSync(join(distDir, f)), f).toBe(true);
    }
  });

  it.each(guides)('%s.html has content and the sidebar', (guide) => {
    const html = readFileSync(join(distDir, `${guide}.html`), 'utf8');
    expect(text(html).length).toBeGreaterThan(300);
    expect(html).toContain('<h1');
    for (const g of guides) expect(html).toContain(`href="${g}.html"`);
    expect(html).toContain('href="api/index.html"');
    expect(html).not.toMatch(/<!--\s*@/); // every directive was expanded
  });

  it('has the API reference of every package whose src/index.ts exists', () => {
    const api = readFileSync(join(distDir, 'api/index.html'), 'utf8');
    expect(text(api).length).toBeGreaterThan(100);
    const packages = documentedPackages();
    expect(packages).toContain('core');
    for (const p of packages) {
      const page = join(distDir, `api/modules/_backprop_${p}.html`);
      expect(existsSync(page), page).toBe(true);
      expect(text(readFileSync(page, 'utf8')).length).toBeGreaterThan(100);
    }
  });

  it('highlights code blocks: a page with TypeScript and shell has coloured token spans', () => {
    const html = readFileSync(join(distDir, 'getting-started.html'), 'utf8');
    const ts = /<code class="language-ts">([\s\S]*?)<\/code>/.exec(html)?.[1] ?? '';
    expect(ts).toMatch(/<span class="tok" style="color:#[0-9a-f]{6}">import<\/span>/i);
    const sh = /<code class="language-sh">([\s\S]*?)<\/code>/.exec(
      readFileSync(join(distDir, 'backends.html'), 'utf8'),
    );
    if (sh) expect(sh[1]).toContain('<span class="tok"');
  });

  it('has a search index covering every guide, and the search box and script on every page', () => {
    const index: { page: string; title: string; anchor: string; heading: string; text: string }[] = JSON.parse(
      readFileSync(join(distDir, 'search-index.json'), 'utf8'),
    );
    expect(new Set(index.map((e) => e.page))).toEqual(new Set(guides.map((g) => `${g}.html`)));
    for (const e of index) {
      const page = readFileSync(join(distDir, e.page), 'utf8');
      expect(page, `${e.page}#${e.anchor}`).toContain(` id="${e.anchor}"`);
      expect(e.heading.length, `${e.page}#${e.anchor}`).toBeGreaterThan(0);
    }
    // Every guide's words are findable: the index holds each page's whole text.
    for (const g of guides) {
      const words = index.filter((e) => e.page === `${g}.html`).reduce((n, e) => n + e.text.length, 0);
      expect(words, g).toBeGreaterThan(text(readFileSync(join(distDir, `${g}.html`), 'utf8')).length / 2);
    }
    expect(index.some((e) => e.page === 'backends.html' && e.text.includes('runConformance'))).toBe(true);
    expect(statSync(join(distDir, 'search.js')).size).toBeGreaterThan(0);
    for (const g of guides) {
      const html = readFileSync(join(distDir, `${g}.html`), 'utf8');
      expect(html).toContain('<input type="search" id="search"');
      expect(html).toContain('<script src="search.js" defer></script>');
    }
  });

  it('leaves internal helpers out of the API reference', () => {
    const core = readFileSync(join(distDir, 'api/modules/_backprop_core.html'), 'utf8');
    expect(core).toContain('>philoxUniform</a>');
    for (const [pkg, names] of Object.entries(apiInternals)) {
      const page = readFileSync(join(distDir, `api/modules/_backprop_${pkg}.html`), 'utf8');
      for (const name of names) expect(page, `${pkg}: ${name}`).not.toContain(`>${name}</a>`);
    }
    for (const dir of ['functions', 'classes', 'interfaces', 'variables']) {
      const files = existsSync(join(distDir, 'api', dir)) ? readdirSync(join(distDir, 'api', dir)) : [];
      expect(files.filter((f) => /\.(mulhi32|blocksFor|checkWrite|MemoryCounter)\.html$/.test(f))).toEqual([]);
    }
  });

  it('has no broken internal links, pictures or anchors', () => {
    expect(brokenLinks(distDir)).toEqual([]);
  });

  it('copies the pictures the experiments page shows', () => {
    const html = readFileSync(join(distDir, 'experiments.html'), 'utf8');
    const pictures = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    if (existsSync(join(repoRoot, 'packages/optimizers/docs/optimizer-paths.svg'))) {
      expect(pictures).toContain('img/optimizers/optimizer-paths.svg');
    }
    for (const p of pictures) expect(statSync(join(distDir, p)).size).toBeGreaterThan(0);
  });

  it('hosts the playground when apps/playground was built, and says so when not', () => {
    const page = readFileSync(join(distDir, 'playground.html'), 'utf8');
    if (existsSync(join(distDir, 'playground/index.html'))) {
      expect(page).toContain('<iframe class="playground" src="playground/index.html"');
    } else {
      expect(page).toContain('The playground was not built');
    }
  });

  it('is served cross-origin isolated: _headers for static hosts, and the preview server sends the headers', async () => {
    const headers = readFileSync(join(distDir, '_headers'), 'utf8');
    expect(headers).toMatch(/^\/\*\n/);
    expect(headers).toContain('Cross-Origin-Opener-Policy: same-origin');
    expect(headers).toContain('Cross-Origin-Embedder-Policy: require-corp');
    const server = await preview({
      root: docsDir,
      configFile: join(docsDir, 'vite.config.mjs'),
      logLevel: 'silent',
      build: { outDir: 'dist' },
      preview: { port: 0, host: '127.0.0.1' },
    });
    try {
      const url = server.resolvedUrls?.local[0];
      if (!url) throw new Error('vite preview did not report its address');
      const res = await fetch(new URL('index.html', url));
      expect(res.status).toBe(200);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    } finally {
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  });
});
