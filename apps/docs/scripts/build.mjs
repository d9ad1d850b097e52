#!/usr/bin/env node
/**
 * Builds the docs site into dist/: the guides (Markdown → HTML), the pictures and tables other
 * packages produce, the typedoc API reference of every package (dist/api) and the playground
 * (dist/playground), then checks every internal link. `--no-api` skips typedoc (quick previews).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headersFile } from '../../playground/isolation.mjs';
import { brokenLinks } from './check-links.mjs';
import { expandDirectives } from './generated.mjs';
import { createHighlighter } from './highlight.mjs';
import { distDir, docsDir, guideOrder, guidesDir, repoRoot } from './paths.mjs';
import { createMarkdown, layout, titleOf } from './render.mjs';
import { buildSearchIndex } from './search.mjs';
import { buildApi, documentedPackages } from './typedoc.mjs';

const started = Date.now();
const withApi = !process.argv.includes('--no-api');
rmSync(distDir, { recursive: true, force: true });
mkdirSync(distDir, { recursive: true });
for (const asset of ['style.css', 'search.js']) cpSync(join(docsDir, 'scripts', asset), join(distDir, asset));

// The playground first, so its guide page can tell whether it is there.
const playground = join(repoRoot, 'apps/playground/dist');
if (existsSync(join(playground, 'index.html'))) cpSync(playground, join(distDir, 'playground'), { recursive: true });
else console.warn('docs: apps/playground/dist not found; the playground page says so');

const names = readdirSync(guidesDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.slice(0, -3))
  .sort((a, b) => {
    const ia = guideOrder.indexOf(a);
    const ib = guideOrder.indexOf(b);
    return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || a.localeCompare(b);
  });
const sources = names.map((name) => ({ name, markdown: readFileSync(join(guidesDir, `${name}.md`), 'utf8') }));
const nav = sources.map(({ name, markdown }) => ({
  name,
  title: name === 'index' ? 'Overview' : titleOf(markdown, name),
}));
const context = { apiPackages: withApi ? documentedPackages() : [] };
const md = createMarkdown({ highlight: await createHighlighter() });
const pages = [];
for (const { name, markdown } of sources) {
  const body = md.render(expandDirectives(markdown, context));
  const title = titleOf(markdown, name);
  writeFileSync(join(distDir, `${name}.html`), layout({ title, body, nav, current: name }));
  pages.push({ page: `${name}.html`, title, html: body });
}
// The search box's data: one entry per section of every guide (see search.mjs and search.js).
writeFileSync(join(distDir, 'search-index.json'), JSON.stringify(buildSearchIndex(pages)));
// Cross-origin isolation on static hosts that read `_headers`, so the playground's threads run here too.
writeFileSync(join(distDir, '_headers'), headersFile());

if (withApi) buildApi();

const broken = brokenLinks(distDir);
if (broken.length) {
  for (const b of broken) console.error(`docs: broken link in ${b.page}: ${b.link} (${b.why})`);
  if (withApi) process.exit(1);
}
console.log(
  `docs: ${sources.length} guides, API of ${context.apiPackages.length} packages, in ${((Date.now() - started) / 1000).toFixed(1)} s → ${distDir}`,
);
