/**
 * User-facing pages — the guides, the root README and every package's README — say what is
 * true for a user: no working notes, no paths outside the repository, no links to files that
 * are not there, README code that compiles against the real exports, and an API reference
 * whose hidden list names real exports.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { apiInternals } from '../scripts/api-internals.mjs';
import { guidesDir, repoRoot } from '../scripts/paths.mjs';
import { codeBlocks, compileSamples, docsDir } from './samples.js';

const readmes = (parent: string) =>
  existsSync(join(repoRoot, parent))
    ? readdirSync(join(repoRoot, parent))
        .map((p) => join(repoRoot, parent, p, 'README.md'))
        .filter((f) => existsSync(f))
    : [];

/** Every user page, as a path relative to the repository root. */
const pages = [
  ...readdirSync(guidesDir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(guidesDir, f)),
  join(repoRoot, 'README.md'),
  ...readmes('packages'),
  ...readmes('apps'),
  ...readmes('examples'),
].map((f) => relative(repoRoot, f));

/** Wording from working notes, tickets and reviews that means nothing to a reader of the docs. */
const INTERNAL = [
  /\bthe spec\b/i,
  /where the (spec|issue) was silent/i,
  /\bthe issue\b/i,
  /see the report/i,
  /\bissue #\d*/i,
  /\.\.\/shared\b/,
  /expectedFailures: \{ 'relu\/nan'/, // relu keeps NaN now: that gap is closed
  /has its own CHANGELOG/i, // CHANGELOG.md files exist only once versions are cut
  /still coming|coming soon/i,
];

describe('user pages', () => {
  it.each(pages)('%s has no internal wording', (page) => {
    const markdown = readFileSync(join(repoRoot, page), 'utf8');
    const found = INTERNAL.flatMap((re) => {
      const line = markdown.split('\n').findIndex((l) => re.test(l));
      return line < 0 ? [] : [`${page}:${line + 1}: ${re}`];
    });
    expect(found).toEqual([]);
  });

  it.each(pages.filter((p) => !p.startsWith('apps/docs/guides/')))(
    '%s links only to files in the repository',
    (page) => {
      const markdown = readFileSync(join(repoRoot, page), 'utf8');
      const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
      const missing = links
        .filter((l) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(l))
        .map((l) => l.split('#')[0])
        .filter((l) => !existsSync(join(repoRoot, dirname(page), decodeURI(l))));
      expect(missing).toEqual([]);
    },
  );

  it('cites the lecture by title only, never by a file', () => {
    for (const page of pages) {
      const markdown = readFileSync(join(repoRoot, page), 'utf8');
      expect(markdown, page).not.toMatch(/\]\([^)]*lecture[^)]*\.(pdf|pptx?|key)\)/i);
      expect(markdown, page).not.toMatch(/CSCE 633, lecture 28/); // the title is "Lecture 28"
    }
  });

  it("the root README's TypeScript compiles against the packages' real exports", () => {
    const blocks = codeBlocks('README', readFileSync(join(repoRoot, 'README.md'), 'utf8'))
      .filter((b) => b.lang === 'ts')
      // A block importing the example's own modules ('../src/index.js') cannot resolve here.
      .filter((b) => !/from '\.\.?\//.test(b.code))
      .map((b) => ({ ...b, id: `readme-${b.line}` }));
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const r = compileSamples(blocks, join(docsDir, 'node_modules/.cache/docs-readme'));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('the API reference', () => {
  it('hides only names its packages still export', () => {
    for (const [pkg, names] of Object.entries(apiInternals)) {
      const entry = join(repoRoot, 'packages', pkg, 'dist/index.d.ts');
      const program = ts.createProgram([entry], { skipLibCheck: true, noEmit: true });
      const checker = program.getTypeChecker();
      const source = program.getSourceFile(entry);
      expect(source, entry).toBeDefined();
      const module = source && checker.getSymbolAtLocation(source);
      const exported = new Set(module ? checker.getExportsOfModule(module).map((s) => s.name) : []);
      expect(names.filter((n) => !exported.has(n))).toEqual([]);
    }
  }, 60_000);
});
